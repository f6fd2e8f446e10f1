"""Simulate: replications of the working days, KPIs with their spread, and the charts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, state, tables, ui
from dashboard.network import show_units
from dashboard.plan_met import show_attainment, show_plan_met_tables
from dashboard.state import MAX_SEED
from sim import DIALS_BY_ROLE_NOTE, SimResult, TeamsimError
from sim.scenario import Scenario
from teamsim.diagnose_view import diagnoses_json, run_diagnoses
from teamsim.format import fmt_value
from teamsim.inbound_view import SIMULATED_TITLE, TOLERANCE_NOTE
from teamsim.plan_met_view import kpi_definition
from teamsim.runs_io import reused_words, save_result
from teamsim.store import scenario_text_hash
from teamsim.verify_view import DIAGNOSES_PARAM

SEED_HELP = "Same seed, same result."
KEEP_HELP = "Stored runs can be compared and exported later (Runs page)."
FRESH = "Simulate afresh"
FRESH_HELP = ("Simulate even when a stored run of the same scenario, seed and replications "
              "exists; without it, that run is shown and nothing new is stored.")  # fmt: skip
HEADLINE = ("plan_met", "revenue_per_month", "attainment", "utilisation_line")


def render() -> None:
    """The page."""
    ui.header(
        "Simulate",
        "Play the scenario's working days many times over (replications) and see what the "
        "team achieves, with the spread between good and bad runs.",
    )
    source, edits, scenario = ui.current_scenario()
    if scenario is None:
        return
    with st.form("simulate"):
        a, b, c = st.columns(3)
        replications = int(
            a.number_input("Replications", 2, 500, 10, step=1, help="More: narrower intervals.")
        )
        seed = int(b.number_input("Seed", 0, MAX_SEED, scenario.seed, step=1, help=SEED_HELP))
        keep = c.checkbox("Keep the run in the store", value=True, help=KEEP_HELP)
        fresh = c.checkbox(FRESH, value=False, help=FRESH_HELP)
        run = st.form_submit_button("Run the simulation", type="primary")
    key = (scenario_text_hash(source.text), edits, replications, seed)
    if run:
        shown = _stored(scenario, seed=seed, replications=replications) if not fresh else None
        if shown is None:
            shown = _simulated(source, edits, replications=replications, seed=seed, keep=keep,
                               fresh=fresh)  # fmt: skip
        state.remember("simulate", key, shown)
    kept = state.recall("simulate")
    if kept is None:
        st.info("Press **Run the simulation** to see the results.")
        return
    if state.recall("simulate", key) is None:
        st.warning("These results are for an earlier version of the scenario or settings: "
                   "press **Run the simulation** to update them.")  # fmt: skip
    _results(kept)


@dataclass(frozen=True)
class _Shown:
    """What the page shows: a simulation run here, or a stored identical one reused."""

    scenario: Scenario
    frames: Mapping[str, pd.DataFrame]
    replications: int
    seed: int
    diagnoses: Sequence[Mapping[str, str]]
    run_id: str | None  # where it is stored (None: not kept)
    reused: bool = False


def _simulated(
    source: state.Source,
    edits: tuple[str, ...],
    *,
    replications: int,
    seed: int,
    keep: bool,
    fresh: bool,
) -> _Shown:
    started = dt.datetime.now()
    # Afresh means simulated now, not replayed from this session's cache.
    run = state.simulate_afresh if fresh else state.simulate
    result = run(source.text, source.origin, edits=edits, replications=replications,
                 seed=seed, workers=state.workers())  # fmt: skip
    run_id = _keep(source, edits, result, started) if keep else None
    return _Shown(scenario=result.scenario, frames=result.tables(),
                  replications=result.replications, seed=result.seed,
                  diagnoses=diagnoses_json(run_diagnoses(result)), run_id=run_id)  # fmt: skip


def _stored(scenario: Scenario, *, seed: int, replications: int) -> _Shown | None:
    """The stored run identical to simulating now, reused (None: none, or unreadable)."""
    run_id = state.identical_run(scenario, seed=seed, replications=replications)
    if run_id is None:
        return None
    store = state.store()
    try:
        meta = store.run_meta(run_id)
        frames = store.load_tables(run_id)
    except TeamsimError:
        return None
    diagnoses = meta["params"].get(DIAGNOSES_PARAM) or ()
    return _Shown(scenario=scenario, frames=frames, replications=int(meta["replications"]),
                  seed=int(meta["seed"]), diagnoses=diagnoses, run_id=run_id,
                  reused=True)  # fmt: skip


def _keep(
    source: state.Source, edits: tuple[str, ...], result: SimResult, started: dt.datetime
) -> str | None:
    # Labelled as the pages call the scenario: its name, a variant's name.
    label = state.scenario_title(source, result.scenario) + (" (edited)" if edits else "")
    try:
        return save_result(state.store(), result, source.text, label=label,
                           params={"overrides": list(edits)}, started_at=started)  # fmt: skip
    except TeamsimError as exc:
        st.error(f"The run was not stored: {exc}")
        return None


# The tables a stored run keeps only with --detail (teamsim.store.DETAIL_TABLES): their
# charts are left out of a run opened from the store without them.
RAW_CHARTS = ("time_use", "funnel", "waits")
CONTROL = "set **Replications** to 20 or more"


def _results(shown: _Shown) -> None:
    if shown.reused:
        missing = [name for name in RAW_CHARTS if name not in shown.frames]
        st.info(
            f"Shown: {reused_words(str(shown.run_id))}. Tick **{FRESH}** to simulate it again"
            + (" (and draw the charts of the raw tables, which a stored run leaves out)."
               if missing else ".")
        )  # fmt: skip
    elif shown.run_id:
        st.caption(f"Stored as run `{shown.run_id}`.")
    show_results(
        shown.scenario,
        shown.frames,
        replications=shown.replications,
        seed=shown.seed,
        key="simulate",
        control=CONTROL,
        diagnoses=shown.diagnoses,
    )


def show_results(
    scenario: Scenario,
    frames: Mapping[str, pd.DataFrame],
    *,
    replications: int,
    seed: int,
    key: str,
    control: str,
    diagnoses: Sequence[Mapping[str, str]] = (),
) -> None:
    """A simulation's results: headline KPIs, P(plan met) by month, KPI table and charts.

    ``frames``: a run's tables by name (``SimResult.tables()``, or a stored run's: the
    Runs page shows a stored run through here). ``kpis`` is needed; a chart whose table
    is missing (raw tables not stored) is left out and said so. ``key`` keeps element
    keys apart; ``control``: what to change for more replications; ``diagnoses``: the
    run's findings as ``teamsim.diagnose_view.diagnoses_json`` gives them (cause, remedy),
    the ones ``teamsim simulate`` prints.
    """
    currency = scenario.currency
    kpis_frame = frames["kpis"]
    kpis = {str(r["kpi"]): r for r in kpis_frame.to_dict(orient="records")}
    cols = st.columns(len(HEADLINE))
    for col, name in zip(cols, HEADLINE, strict=True):
        row = kpis.get(name)
        if row is None or not math.isfinite(float(row["mean"])):
            continue
        # A long label is cut in a quarter of the page: its words in brackets go under it.
        label, _, detail = str(row["label"]).partition(" (")
        # The KPI table's texts for the row (tables.kpi_texts): one scale, one range rule.
        texts = tables.kpi_texts(row, currency, scenario.money_locale)
        # Each headline's one line (issue 11), the metric's help: P(plan met)'s in the
        # scenario's plan.judged_on, the others what sim/kpis.py counts.
        col.metric(label, texts["mean"], help=kpi_definition(name, scenario))
        said = f"{detail.removesuffix(')')}; " if detail else ""
        col.caption(f"{said}95 % CI {tables.ci_text(texts)}")
    if "plan_met" in frames and "attainment_by_month" in frames:
        rows = [{str(k): v for k, v in r.items()} for r in frames["plan_met"].to_dict("records")]
        show_plan_met_tables(scenario, rows, frames["attainment_by_month"],
                             replications=replications, key=f"{key}_months",
                             control=control)  # fmt: skip
    if diagnoses:
        st.subheader("Diagnoses")
        st.markdown("\n".join(f"- {ui.escape(d['cause'])}; {ui.escape(d['remedy'])}"
                               for d in diagnoses))  # fmt: skip
    if "dials_by_role" in frames and not frames["dials_by_role"].empty:
        st.subheader("Dials a day by role, over the days each person dialled")
        st.dataframe(_dials(frames["dials_by_role"]), hide_index=True, width="stretch")
        st.caption(DIALS_BY_ROLE_NOTE)
    st.subheader(f"KPIs over {replications} replications (seed {seed})")
    shown = tables.kpi_table(kpis_frame, currency, scenario.money_locale,
                             dials=frames.get("dials_by_role"), scenario=scenario)  # fmt: skip
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption("Mean over replications; the middle 80 % of replications (P10 to P90) shows "
               "how much one run of the horizon can differ from another; the CI is how sure "
               "the mean is.")  # fmt: skip
    show_units(scenario, frames, key=key)
    by_interval = tables.simulated_intervals(scenario, frames.get("inbound_intervals"))
    if not by_interval.empty:
        st.subheader(SIMULATED_TITLE)
        st.dataframe(by_interval, hide_index=True, width="stretch", key=f"{key}_intervals")
        st.caption("The share of each interval's requests answered within target, mean over "
                   "replications and the middle 80 % of them (P10 to P90), every weekday's "
                   "requests together unless the channel has weekday factors. "
                   + TOLERANCE_NOTE)  # fmt: skip
    show_attainment(scenario, frames, key=key)
    if "time_use" in frames:
        ui.chart(charts.time_use_by_level(frames["time_use"], scenario.money_locale),
                 "Where the working time goes at each level, absences left out: selling, "
                 "duties, managing, and idle time.", key=f"{key}_time_use")  # fmt: skip
    if "utilisation_week" in frames:
        cap = fmt_value(scenario.policies.occupancy_cap, "share", currency)
        ui.chart(charts.utilisation_heatmap(frames["utilisation_week"], scenario),
                 "Busy share of each person's available time per week, averaged over "
                 f"replications: red above the occupancy cap of {cap} (the scenario's "
                 "policies.occupancy_cap), yellow at it, blue below it.",
                 key=f"{key}_utilisation")  # fmt: skip
    if "funnel" in frames:
        ui.chart(charts.funnel_by_segment(frames["funnel"], replications, scenario),
                 "Deals entering each stage in one replication (the whole horizon); the share "
                 "is of the deals that entered the first stage.", key=f"{key}_funnel")  # fmt: skip
    if "waits" in frames:
        waits = frames["waits"]
        ui.chart(charts.waits(waits[waits["day"] >= scenario.calendar.warmup_days]),
                 "How long requests wait for someone to start on them, after the warm-up; "
                 "the box holds the middle half, the dashed line is the mean.",
                 key=f"{key}_waits")  # fmt: skip
    missing = [name.replace("_", " ") for name in RAW_CHARTS if name not in frames]
    if missing:
        st.caption(f"Not stored with this run, so not drawn: {', '.join(missing)} (the raw "
                   "tables; a run kept with --detail has them).")  # fmt: skip


def _dials(table: pd.DataFrame) -> pd.DataFrame:
    """``sim.dials_by_role`` in the columns and words of ``teamsim simulate``'s table."""
    return pd.DataFrame(
        {
            "role": [f"{r['title']} ({r['level']})" for r in table.to_dict(orient="records")],
            "people dialling": table["people_dialling"].round(1),
            "days dialled": [fmt_value(float(v), "share", "") for v in table["days_dialled_share"]],
            "dials a day dialled": table["dials_per_day_dialled"].round(1),
            "P10": table["p10"].round(1),
            "P90": table["p90"].round(1),
        }
    )


if __name__ == "__main__":
    render()
