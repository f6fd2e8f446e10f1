"""Simulate: replications of the working days, KPIs with their spread, and the charts."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from dashboard import charts, state, tables, ui
from dashboard.plan_met import show_plan_met
from dashboard.state import MAX_SEED
from sim import SimResult, TeamsimError
from teamsim.format import fmt_value
from teamsim.runs_io import save_result
from teamsim.store import scenario_text_hash

SEED_HELP = "Same seed, same result."
KEEP_HELP = "Stored runs can be compared and exported later (Runs page)."
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
        run = st.form_submit_button("Run the simulation", type="primary")
    key = (scenario_text_hash(source.text), edits, replications, seed)
    if run:
        started = dt.datetime.now()
        result = state.simulate(
            source.text,
            source.origin,
            edits=edits,
            replications=replications,
            seed=seed,
            workers=state.workers(),
        )
        run_id = _keep(source, edits, result, started) if keep else None
        state.remember("simulate", key, (result, run_id))
    kept = state.recall("simulate")
    if kept is None:
        st.info("Press **Run the simulation** to see the results.")
        return
    if state.recall("simulate", key) is None:
        st.warning("These results are for an earlier version of the scenario or settings: "
                   "press **Run the simulation** to update them.")  # fmt: skip
    result, run_id = kept
    if run_id:
        st.caption(f"Stored as run `{run_id}`.")
    _results(result)


def _keep(
    source: state.Source, edits: tuple[str, ...], result: SimResult, started: dt.datetime
) -> str | None:
    label = source.label + (" (edited)" if edits else "")
    try:
        return save_result(state.store(), result, source.text, label=label,
                           params={"overrides": list(edits)}, started_at=started)  # fmt: skip
    except TeamsimError as exc:
        st.error(f"The run was not stored: {exc}")
        return None


def _results(result: SimResult) -> None:
    currency = result.scenario.currency
    kpis = {str(r["kpi"]): r for r in result.kpis.to_dict(orient="records")}
    cols = st.columns(len(HEADLINE))
    for col, name in zip(cols, HEADLINE, strict=True):
        row = kpis.get(name)
        if row is None or not math.isfinite(float(row["mean"])):
            continue
        unit = str(row["unit"])
        col.metric(str(row["label"]), fmt_value(float(row["mean"]), unit, currency))
        low = fmt_value(float(row["ci_low"]), unit, currency)
        high = fmt_value(float(row["ci_high"]), unit, currency)
        col.caption(f"95 % CI {low} to {high}")
    show_plan_met(result, key="simulate_months")
    st.subheader(f"KPIs over {result.replications} replications (seed {result.seed})")
    st.dataframe(tables.kpi_table(result.kpis, currency), hide_index=True, width="stretch")
    st.caption("Mean over replications; the middle 80 % of replications shows how much one "
               "half-year can differ from another; the CI is how sure the mean is.")  # fmt: skip
    frames = result.frames
    ui.chart(charts.attainment_distribution(result.kpi_replications),
             "Each bar counts replications by their mean monthly attainment; right of the "
             "dashed line the plan was met.")  # fmt: skip
    ui.chart(charts.time_use_by_level(frames.time_use),
             "Where the working time goes at each level, absences left out: selling, "
             "duties, managing, and idle time.")  # fmt: skip
    ui.chart(charts.utilisation_heatmap(frames.utilisation_week, result.scenario),
             "Busy share of each person's available time per week, averaged over "
             "replications: red rows are overloaded people, pale ones have room.")  # fmt: skip
    ui.chart(charts.funnel_by_segment(frames.funnel, result.replications),
             "Deals entering each stage in one replication (the whole horizon); the share "
             "is of the deals that entered the first stage.")  # fmt: skip
    ui.chart(charts.waits(_after_warmup(frames.waits, result)),
             "How long requests wait for someone to start on them, after the warm-up; "
             "the box holds the middle half, the dashed line is the mean.")  # fmt: skip


def _after_warmup(waits: pd.DataFrame, result: SimResult) -> pd.DataFrame:
    return waits[waits["day"] >= result.scenario.calendar.warmup_days]


if __name__ == "__main__":
    render()
