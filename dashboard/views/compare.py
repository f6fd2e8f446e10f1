"""Compare: two to four scenarios or stored runs side by side, with their differences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from dashboard import charts, exports, state, tables, ui
from dashboard.plan_met import few_replications_text, show_plan_met_side_by_side
from dashboard.state import MAX_SEED
from sim import ScenarioError, TeamsimError
from teamsim.compare import (
    Comparison,
    Side,
    check_one_currency,
    compare,
    side_chances,
    side_from_result,
    side_months,
)
from teamsim.runs_io import (
    reused_words,
    run_statuses,
    save_result,
    side_from_run,
    stored_scenario,
)
from teamsim.store import scenario_text_hash

CURRENT = "current"
SEED_HELP = "The first scenario's or run's seed, as teamsim compare takes it."
KEEP_HELP = "As teamsim compare does (its --no-save leaves them out)."
CONTROL = "set **Replications per scenario** to 20 or more"
FRESH = "Simulate afresh"
FRESH_HELP = ("Simulate every scenario, even one whose run of the same scenario, seed and "
              "replications is stored (without it, that run is reused, as teamsim compare "
              "does without --fresh).")  # fmt: skip


@dataclass(frozen=True)
class Choice:
    """Something that can be a side: a scenario (simulated here) or a stored run."""

    key: str  # current, bundled:<name>, variant:<name>, run:<id>
    label: str  # the side's name in tables and charts: its scenario's name, as the CLI's
    source: state.Source | None = None
    edits: tuple[str, ...] = ()
    seed: int | None = None  # the seed it brings: its scenario's, or the stored run's
    status: str = ""  # a stored run stopped before its end: "partial (6 of 20 replications)"


def render() -> None:
    """The page."""
    ui.header(
        "Compare",
        "Put two to four scenarios or stored runs side by side. Scenarios are simulated on "
        "the same random numbers, so their differences are sharp; a difference in bold "
        "is sure (its 95 % interval leaves out zero).",
    )
    choices = _choices()
    picked = _pick(choices)
    with st.form("compare"):
        a, b, c = st.columns(3)
        replications = int(a.number_input("Replications per scenario", 2, 500, 20, step=1))
        # teamsim compare's rule: one seed for all (common random numbers), by default the
        # first item's. Nothing picked (or a first that does not validate): no seed yet, an
        # empty box, never a "0" no run will use.
        first = choices[picked[0]].seed if picked else None
        asked = b.number_input("Seed (the same for all)", 0, MAX_SEED, first, step=1,
                               placeholder="the first pick's seed", help=SEED_HELP)  # fmt: skip
        keep = c.checkbox("Keep simulated scenarios in the store", value=True, help=KEEP_HELP)
        fresh = c.checkbox(FRESH, value=False, help=FRESH_HELP)
        run = st.form_submit_button("Compare", type="primary", disabled=not 2 <= len(picked) <= 4)
    seed = int(asked) if asked is not None else first
    said = seed_text([choices[p] for p in picked], seed)
    if said:
        st.caption(said)
    key = (tuple(_content_key(choices[p]) for p in picked), replications, seed)
    if run and seed is None:
        st.error("No seed: the first pick's scenario does not validate; set a seed.")
    elif run and seed is not None:
        done = _compare([choices[p] for p in picked], replications, seed, keep=keep, fresh=fresh)
        if done is None:
            return  # refused (its message is shown): no earlier comparison drawn under it
        state.remember("compare", key, done)
    done = state.recall("compare")
    if done is None:
        st.info("Pick two to four scenarios or runs and press **Compare**.")
        return
    if state.recall("compare", key) is None:
        st.warning("These results are for an earlier choice: press **Compare** to update them.")
    comparison, reused = done
    if reused:
        st.info("\n".join(f"- {ui.escape(label)}: {reused_words(run_id)}."
                          for label, run_id in reused)
                + f"\n\nTick **{FRESH}** to simulate them again.")  # fmt: skip
    _results(comparison)


def _choices() -> dict[str, Choice]:
    found: dict[str, Choice] = {}
    source, edits = state.current(), state.overrides()
    if edits or source.kind != "bundled":
        name, seed = _named(source, edits)
        found[CURRENT] = Choice(
            CURRENT, name + (" (edited)" if edits else ""), source, edits, seed=seed
        )
    for name in state.bundled():
        bundled = state.bundled_source(name)
        title, seed = _named(bundled)
        found[f"bundled:{name}"] = Choice(f"bundled:{name}", title, bundled, seed=seed)
    for name, variant in state.variants().items():
        # A variant is named by its user when saved: that name tells it from its scenario.
        _, seed = _named(variant)
        found[f"variant:{name}"] = Choice(f"variant:{name}", name, variant, seed=seed)
    try:
        runs = state.store().list_runs()
    except TeamsimError as exc:
        st.warning(f"Stored runs are not available: {exc}")
        runs = pd.DataFrame(columns=["run_id", "kind"])
    simulated = runs[runs["kind"] == "simulate"]
    statuses = run_statuses(state.store(), simulated) if not simulated.empty else []
    for run, status in zip(simulated.itertuples(), statuses, strict=True):
        label = str(getattr(run, "label", "") or run.scenario_name)
        found[f"run:{run.run_id}"] = Choice(
            f"run:{run.run_id}",
            f"{label} [{run.run_id}]",
            seed=int(str(run.seed)),
            status="" if status == "complete" else status,
        )
    return found


def seed_text(picked: list[Choice], seed: int | None) -> str:
    """Which seed each pick runs with, as the comparison will use it.

    "Seed 20261128 (the scenario seed of Retail bank) for the scenarios simulated here; a
    stored run keeps the seed it was made with: Retail bank [r...] 777." A scenario is
    simulated with the seed asked; a stored run is read as it was made.
    """
    if seed is None or not picked:
        return ""
    first = picked[0]
    whose = (
        f"the {'seed' if first.key.startswith('run:') else 'scenario seed'} of {first.label}"
        if seed == first.seed
        else "set here"
    )
    runs = [c for c in picked if c.key.startswith("run:")]
    simulated = [c for c in picked if not c.key.startswith("run:")]
    text = f"Seed {seed} ({whose})"
    text += " for the scenarios simulated here" if simulated else ""
    own = [f"{c.label} {c.seed}" for c in runs if c.seed != seed]
    if own:
        text += "; a stored run keeps the seed it was made with: " + ", ".join(own)
    return text + "."


def _named(source: state.Source, edits: tuple[str, ...] = ()) -> tuple[str, int | None]:
    """A scenario's name and seed (the file's stem and no seed while it does not validate).

    A head knows the team by the name its scenario gives it ("Retail bank, consumer
    loans"), as ``teamsim compare`` labels a side, not by the file.
    """
    scenario, _ = state.try_parse(source.text, source.origin, edits)
    if scenario is None:
        return source.label, None
    return scenario.name, scenario.seed


def _describe(key: str, choices: dict[str, Choice]) -> str:
    choice = choices[key]
    kind = key.split(":", 1)[0]
    return {
        CURRENT: f"Scenario page: {choice.label}",
        "bundled": f"Bundled: {choice.label}",
        "variant": f"Variant: {choice.label}",
        "run": f"Stored run: {choice.label}" + (f", {choice.status}" if choice.status else ""),
    }[kind]


def _pick(choices: dict[str, Choice]) -> list[str]:
    # ?scenarios=retail_bank,b2b_smb preselects bundled scenarios (links and the browser test).
    asked = [s.strip() for s in st.query_params.get("scenarios", "").split(",") if s.strip()]
    default = [f"bundled:{s}" for s in asked if f"bundled:{s}" in choices]
    if not default and CURRENT in choices:
        default = [f"bundled:{state.current().label}", CURRENT]
        default = [d for d in default if d in choices]
    picked = st.multiselect(
        "Scenarios and runs to compare (the first is the baseline)",
        list(choices),
        default=default[:4],
        format_func=lambda k: _describe(k, choices),
        max_selections=4,
        key="compare_picks",
    )
    return list(picked)


def _content_key(choice: Choice) -> tuple[str, ...]:
    source = choice.source
    return (choice.key, scenario_text_hash(source.text) if source else "", *choice.edits)


def _compare(
    picked: list[Choice], replications: int, seed: int, *, keep: bool, fresh: bool
) -> tuple[Comparison, list[tuple[str, str]]] | None:
    """The comparison, and the sides read from a stored identical run (label, run id)."""
    try:
        # teamsim compare's rule, before anything is simulated: one currency for all.
        check_one_currency({c.label: _currency(c) for c in picked})
        sides, reused = [], []
        for choice in picked:
            side, run_id = _side(choice, replications, seed, keep=keep, fresh=fresh)
            sides.append(side)
            if run_id is not None:
                reused.append((choice.label, run_id))
        return compare(_unique(sides)), reused
    except ScenarioError as exc:
        ui.show_problems(exc.problems)
    except TeamsimError as exc:
        st.error(str(exc))
    return None


def _currency(choice: Choice) -> str:
    """The ISO 4217 code of a pick's amounts: its scenario's, or its stored run's."""
    if choice.key.startswith("run:"):
        store = state.store()
        meta = store.run_meta(store.resolve(choice.key.removeprefix("run:")))
        return stored_scenario(meta).currency
    source = choice.source or state.bundled_source(choice.key.removeprefix("bundled:"))
    scenario, problems = state.try_parse(source.text, source.origin, choice.edits)
    if scenario is None:
        raise ScenarioError(problems)
    return scenario.currency


def _side(
    choice: Choice, replications: int, seed: int, *, keep: bool, fresh: bool
) -> tuple[Side, str | None]:
    """A side, and the id of the stored identical run it was read from (None: simulated).

    A scenario whose identical run is stored is read from it, as ``teamsim compare``
    does (its lookup, ``teamsim.runs_io.identical_run``); ``fresh`` simulates it anyway.
    """
    if choice.key.startswith("run:"):
        run = choice.key.removeprefix("run:")
        return side_from_run(state.store(), run, choice.label), None
    source = choice.source or state.bundled_source(choice.key.removeprefix("bundled:"))
    if not fresh:
        scenario = state.parse(source.text, source.origin, choice.edits)
        found = state.identical_run(scenario, seed=seed, replications=replications)
        if found is not None:
            return side_from_run(state.store(), found, choice.label), found
    started = dt.datetime.now()
    # Afresh means simulated now, not replayed from this session's cache.
    simulate = state.simulate_afresh if fresh else state.simulate
    result = simulate(
        source.text,
        source.origin,
        edits=choice.edits,
        replications=replications,
        seed=seed,
        workers=state.workers(),
    )
    if keep:
        save_result(state.store(), result, source.text, label=choice.label,
                    params={"overrides": list(choice.edits)}, started_at=started)  # fmt: skip
    return side_from_result(choice.label, result), None


def _unique(sides: list[Side]) -> list[Side]:
    seen: dict[str, int] = {}
    unique = []
    for side in sides:
        n = seen[side.label] = seen.get(side.label, 0) + 1
        label = side.label if n == 1 else f"{side.label} #{n}"
        unique.append(replace(side, label=label))
    return unique


def _results(result: Comparison) -> None:
    currency = result.sides[0].scenario.currency
    # One currency: sides in different currencies are refused (check_one_currency).
    # teamsim compare's warning, on the fewest replications of the sides.
    fewest = min(len(s.kpi_replications) for s in result.sides)
    warning = few_replications_text(fewest, CONTROL)
    if warning and any(s.scenario.segments for s in result.sides):
        st.warning(warning)
    st.subheader(f"KPIs, and differences against {result.sides[0].label} (95 % CI)")
    table = tables.comparison_table(result)
    sure = tables.sure_differences(result)

    def bold(column: pd.Series) -> list[str]:
        if column.name not in sure.columns:
            return [""] * len(column)
        return ["font-weight: 700" if s else "color: #666" for s in sure[column.name]]

    st.table(table.set_index("KPI").style.apply(lambda c: bold(c.reset_index(drop=True))))
    overview = tables.overview_with_intervals(result)
    st.subheader("Team and plan")
    locale = result.sides[0].scenario.money_locale
    # Each side's seed as it ran (a stored run's own), beside its team.
    seeds = overview.assign(seed=[s.seed for s in result.sides])
    st.table(tables.overview_table(seeds, currency, locale).set_index("side"))
    # As teamsim compare: beside P(plan met), the month-level chances and the months.
    sold = [s for s in result.sides if s.scenario.segments]
    if sold:
        st.subheader("P(plan met), the month-level chances and the months")
        show_plan_met_side_by_side(
            [(s.label, s.scenario, side_chances(s), side_months(s)) for s in sold],
            key="compare_months",
        )
    left, right = st.columns(2)
    with left:
        ui.chart(charts.cost_vs_plan(overview, currency,
                                     result.sides[0].scenario.money_locale),
                 "Up and to the left is better: more certainty of meeting the plan for less "
                 "money; bars are 95 % intervals.")  # fmt: skip
    with right:
        ui.chart(charts.headcount_by_level(overview),
                 "People at each level in each scenario (current headcounts).")  # fmt: skip
    ui.chart(charts.attainment_overlay({s.label: s.kpi_replications for s in result.sides}),
             "Each scenario's replications by their mean monthly attainment (revenue over "
             "plan, averaged over the counted months). This is not P(plan met): here a "
             "weak month is carried by a strong one; P(plan met) is in the tables above.",
             )  # fmt: skip
    _downloads(result)


def _downloads(result: Comparison) -> None:
    about = {
        "compared": ", ".join(s.label for s in result.sides),
        "confidence": result.confidence,
        "made": f"{dt.datetime.now():%Y-%m-%d %H:%M}",
    }
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Download the comparison (Excel)",
            lambda: exports.comparison_workbook_bytes(result, about),
            file_name="comparison.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            type="primary",
        )
    with right:
        st.download_button(
            "Download the KPI table (CSV)",
            tables.comparison_table(result).to_csv(index=False).encode("utf-8"),
            file_name="comparison.csv",
            mime="text/csv",
        )


if __name__ == "__main__":
    render()
