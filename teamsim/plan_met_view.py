"""P(plan met) as a head reads it: its meaning, the month-level chances, month by month.

Every output that shows P(plan met) shows it through here (the terminal, JSON and the
Excel export), so the definition, P(a month meets its plan), P(every month meets its
plan) and the attainment of each calendar month always stand beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Group
from rich.table import Table

from sim import (
    KPIS,
    SimResult,
    attainment_by_month,
    attainment_by_unit,
    counted,
    format_chance,
    format_percent_range,
    plan_met_definition,
    plan_met_table,
)
from sim.scenario import Scenario
from teamsim.console import err
from teamsim.figure_tables import Grid
from teamsim.format import fmt_value, format_money_column, month_title

# Below this many replications a probability's 95 % interval is wider than about
# +-20 points at 50 % (Wilson): too wide to read as a number.
FEW_REPLICATIONS = 20


def sells(result: SimResult) -> bool:
    """Whether the run has a sales plan to judge (an inbound-only desk has none)."""
    return bool(result.scenario.segments) and bool(result.frames.window.counted_months)


def definition(scenario: Scenario) -> str:
    """The one-line meaning of P(plan met) for ``scenario``; "" when it sells nothing.

    The text is ``sim.plan_met_definition``'s ("P(plan met): the chance that a month
    meets its plan (share of simulated months)"); a team with no sales plan has no
    P(plan met) to define.
    """
    return plan_met_definition(scenario) if scenario.segments else ""


def kpi_definition(name: str, scenario: Scenario) -> str:
    """A KPI's one line beside its figure, as the exports and the dashboard show it.

    P(plan met)'s as ``scenario`` judges it (:func:`definition`), any other KPI's
    ``Kpi.definition`` (sim/kpis.py); "" for a name that is no KPI.
    """
    if name == "plan_met" and definition(scenario):
        return definition(scenario)
    return next((k.definition for k in KPIS if k.name == name), "")


def definition_lines(labelled: Sequence[tuple[str, Scenario]]) -> list[str]:
    """The lines that define P(plan met) where several runs are shown side by side.

    One line when every run that sells judges its plan alike; else one line per run,
    "<label>: P(plan met): ...". ``labelled``: (label, scenario) per run, in order.
    """
    found = [(label, definition(sc)) for label, sc in labelled]
    found = [(label, text) for label, text in found if text]
    if len({text for _, text in found}) <= 1:
        return [text for _, text in found[:1]]
    return [f"{label}: {text}" for label, text in found]


def few_replications_warning(result: SimResult) -> str | None:
    """A warning when P(plan met) rests on fewer than 20 replications, else None."""
    return few_replications_text(result.replications, sold=sells(result))


def few_replications_text(n: int, *, sold: bool = True, control: str = "") -> str | None:
    """The warning for a P(plan met) of ``n`` replications (None from 20 on, or unsold).

    The one rule for every command that shows P(plan met): simulate, plan --verify,
    compare (the fewest replications of its sides) and sweep, and for the dashboard's
    pages, whose ``control`` says what to change there ("set **Replications** to 20 or
    more") where the terminal says "-n".
    """
    if not sold or n >= FEW_REPLICATIONS:
        return None
    control = control or f"run {FEW_REPLICATIONS} or more (-n)"
    return (
        f"P(plan met) rests on {counted(n, 'replication')}: its 95 % interval "
        f"is wide; {control} to read it as a number"
    )


def warn_few_replications(n: int, *, sold: bool = True) -> None:
    """Say :func:`few_replications_text` on stderr, if it has anything to say.

    The one way every command prints it (simulate, plan --verify, compare, sweep, and
    ``runs show`` of a run they stored): on stderr, so --json output stays one JSON
    document.
    """
    warning = few_replications_text(n, sold=sold)
    if warning:
        err.print(f"[yellow]warning:[/] {warning}", soft_wrap=True)


def chances(result: SimResult) -> list[dict[str, Any]]:
    """P(plan met) and the month-level chances (sim.plan_met_table) as records."""
    return records(plan_met_table(result.kpis, result.scenario))


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A table's rows as records with text keys (none for None)."""
    if frame is None:
        return []
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def monthly(result: SimResult) -> pd.DataFrame:
    """Attainment by calendar month (sim.attainment_by_month)."""
    return attainment_by_month(result.frames.attainment_month, result.scenario)


def judged_units(result: SimResult) -> pd.DataFrame:
    """Attainment by judged unit (quarter or horizon; sim.attainment_by_unit), else empty."""
    return attainment_by_unit(result.frames.attainment_month, result.scenario)


def plan_met_json(result: SimResult) -> dict[str, Any]:
    """The JSON fields: definition, chances, months, and the warning (or null)."""
    if not sells(result):
        return {}
    return {
        "plan_met_definition": plan_met_definition(result.scenario),
        "judged_on": result.scenario.plan.judged_on.value,
        "plan_met_chances": chances(result),
        "attainment_by_month": monthly(result).to_dict(orient="records"),
        "attainment_by_unit": judged_units(result).to_dict(orient="records"),
        "warning": few_replications_warning(result),
    }


def _pct(value: float, locale: str | None = None) -> str:
    return fmt_value(value, "share", "", locale=locale)


def render_plan_met(result: SimResult) -> Group | None:
    """The definition, the three chances and the month table; None with no sales plan."""
    if not sells(result):
        return None
    return render_plan_met_tables(
        result.scenario, chances(result), monthly(result), judged_units(result)
    )


def render_plan_met_tables(
    scenario: Scenario,
    rows: list[dict[str, Any]],
    months: pd.DataFrame,
    units: pd.DataFrame | None = None,
) -> Group:
    """The same block from the tables a run stores (``plan_met``, ``attainment_by_month``).

    ``units``: attainment by judged unit (sim.attainment_by_unit); its table is shown
    after the month table when the plan is judged by quarter or over the horizon.
    """
    lines = [plan_met_definition(scenario)]
    loc = scenario.money_locale
    for row in rows:
        chance = format_chance(row["mean"], row["ci_low"], row["ci_high"], locale=loc)
        lines.append(f"  {row['label']}: {chance}")
    tables: list[Table] = [_month_table(months, scenario.currency, scenario.money_locale)]
    if units is not None and not units.empty:
        tables.append(_unit_table(units, scenario.currency, scenario.money_locale))
    return Group("\n".join(lines), *tables)


def months_in_unit(row: dict[str, Any], locale: str | None = None) -> str:
    """The months a judged unit covers, one short line each (fits 80 columns).

    A quarter: "Oct-Nov" then "2 of 3 months" when the horizon or the warm-up cuts it
    ("3 months" when whole); the horizon: "Jan 2028 to", "Nov 2028", "11 months".
    """
    first, last = month_title(str(row["first"]), locale), month_title(str(row["last"]), locale)
    counted, spans = int(row["months"]), int(row["of_months"])
    plural = "s" if spans != 1 else ""
    if str(row["unit"]) == "horizon":
        span = first if first == last else f"{first} to\n{last}"
        return f"{span}\n{counted} month{plural}"
    span = first[:3] if first == last else f"{first[:3]}-{last[:3]}"
    count = f"{counted} of {spans} months" if counted < spans else f"{counted} month{plural}"
    return f"{span}\n{count}"


def _unit_table(units: pd.DataFrame, currency: str, locale: str) -> Table:
    rows = [{str(k): v for k, v in r.items()} for r in units.to_dict(orient="records")]
    quarter = any(str(r["unit"]) != "horizon" for r in rows)
    table = Table(
        title="Attainment by quarter (the units P(plan met) judges)"
        if quarter
        else "Attainment over the horizon (the unit P(plan met) judges)",
        title_justify="left",
        caption="P(met): the share of replications whose "
        + ("quarter" if quarter else "horizon")
        + " meets its plan; P(plan met) is its mean over the "
        + ("quarters" if quarter else "replications"),
        caption_justify="left",
    )
    first = "quarter" if quarter else "unit"
    for col in (first, "months", "plan", "attainment", "P10-P90", "P(met)"):
        table.add_column(
            col, justify="left" if col in (first, "months") else "right", overflow="fold"
        )
    plans = format_money_column([float(r["plan"]) for r in rows], currency, locale)
    for row, plan in zip(rows, plans, strict=True):
        table.add_row(
            str(row["unit"]),
            months_in_unit(row, locale),
            plan,
            _pct(float(row["attainment"]), locale),
            format_percent_range(float(row["p10"]), float(row["p90"]), locale=locale),
            _pct(float(row["p_met"]), locale),
        )
    return table


def _month_table(months: pd.DataFrame, currency: str, locale: str) -> Table:
    table = Table(
        title="Attainment by calendar month, over the replications",
        title_justify="left",
        caption="P10-P90: 8 replications in 10 fall between; P(met): the share whose "
        "month meets its plan",
        caption_justify="left",
    )
    for col in ("month", "plan", "revenue, mean", "attainment", "P10-P90", "P(met)"):
        table.add_column(col, justify="left" if col == "month" else "right", overflow="fold")
    rows = months.to_dict(orient="records")
    # The plans and the revenues are amounts of one kind read side by side: one scale for
    # both columns, as the plan's header writes the plan beside the expected revenue
    # ("RUB 30.0M" beside "RUB 34.3M", never "RUB 30M"), in the scenario's locale
    # (sim.money's rule: a cell its own when the set spans too widely).
    both = format_money_column(
        [float(r[c]) for c in ("plan", "revenue") for r in rows], currency, locale
    )
    plans, revenues = both[: len(rows)], both[len(rows) :]
    for row, plan, revenue in zip(rows, plans, revenues, strict=True):
        table.add_row(
            month_title(str(row["label"]), locale),
            plan,
            revenue,
            _pct(float(row["attainment"]), locale),
            format_percent_range(float(row["p10"]), float(row["p90"]), locale=locale),
            _pct(float(row["p_met"]), locale),
        )
    return table


# --- several runs side by side: a comparison's sides, a sweep's points ------------------

# A table with a row per run: the columns of each chance of sim.plan_met_table (by its
# kpi), its mean and the ends of its 95 % interval. P(plan met)'s keep the names sweep
# summaries were stored with before the month-level chances stood beside it.
CHANCE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "plan_met": ("p_plan_met", "p_low", "p_high"),
    "month_met": ("p_month_met", "p_month_met_low", "p_month_met_high"),
    "every_month_met": ("p_every_month_met", "p_every_month_met_low", "p_every_month_met_high"),
}
_CHANCE_LABELS = {k.name: k.label for k in KPIS if k.name in CHANCE_COLUMNS}


def chance_cells(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """A run's chances (:func:`chances` records) as :data:`CHANCE_COLUMNS` name them.

    NaN for a chance not measured (a team with no sales plan has none).
    """
    found = {str(r["kpi"]): r for r in rows}
    cells: dict[str, float] = {}
    for kpi, names in CHANCE_COLUMNS.items():
        row = found.get(kpi, {})
        for name, stat in zip(names, ("mean", "ci_low", "ci_high"), strict=True):
            cells[name] = float(row.get(stat, math.nan))
    return cells


def chance_columns(
    rows: Sequence[Mapping[str, Any]], locale: str | None = None
) -> dict[str, list[str]]:
    """The chances of rows a run, as a grid's columns: head -> a cell a row.

    "P(plan met) (95 % interval)" -> "83.3 % (62.1 % to 93.9 %)" (sim.format_chance,
    as simulate writes it), then P(a month meets its plan) and P(every month meets its
    plan) beside it; "-" for a run that measured none. A chance's column only where
    every row holds it (:data:`CHANCE_COLUMNS`: a sweep stored before the month-level
    chances has P(plan met) alone).
    """
    columns: dict[str, list[str]] = {}
    for kpi, (mean, low, high) in CHANCE_COLUMNS.items():
        if not rows or not all(mean in r for r in rows):
            continue
        columns[f"{_CHANCE_LABELS[kpi]} (95 % interval)"] = [
            format_chance(
                float(r[mean]), float(r[low]), float(r[high]), labelled=False, locale=locale
            )
            if _finite(r[mean])
            else "-"
            for r in rows
        ]
    return columns


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def month_name(label: str, locale: str | None = None) -> str:
    """A YYYY-MM label as a sheet writes it: "March 2027" (``month_title``, its full name)."""
    return month_title(label, locale, wide=True)


def months_side_by_side(
    runs: Sequence[tuple[str, pd.DataFrame]],
    *,
    title: str,
    key: str = "month",
    locale: str | None = None,
) -> Grid:
    """Attainment by calendar month of several runs, a column group per run.

    ``runs``: (name, ``sim.attainment_by_month``) per run, in order. A row per calendar
    month any run counted ("Mar 2027"); per run a cell of its median attainment over the
    replications and its P10 to P90 (sim.format_percent_range, as simulate's month
    table): "123.5 % (96.7 % to 155.4 %)"; "-" where a run did not count the month.
    """
    found = {str(m) for _, months in runs for m in months["label"]}
    labels = sorted(found)
    columns: dict[str, list[str]] = {}
    for name, months in runs:
        by_label = {str(r["label"]): r for r in records(months)}
        columns[f"{name}: P50 (P10-P90)"] = [
            _median_and_range(by_label[label], locale) if label in by_label else "-"
            for label in labels
        ]
    return Grid(
        title=title,
        key=key,
        keys=[month_title(label, locale) for label in labels],
        columns=columns,
        styles=[None] * len(labels),
        caption="Attainment: a month's revenue over its plan. P50: the median over the "
        "replications; P10-P90: 8 replications in 10 fall between",
    )


def _median_and_range(row: Mapping[str, Any], locale: str | None = None) -> str:
    """A month's attainment in a cell: "123.5 % (96.7 % to 155.4 %)" (P50, P10 to P90)."""
    spread = format_percent_range(float(row["p10"]), float(row["p90"]), locale=locale)
    return f"{_pct(float(row['p50']), locale)} ({spread})"


def months_long(
    runs: Sequence[tuple[str, pd.DataFrame]], key: str, locale: str | None = None
) -> pd.DataFrame:
    """Attainment by calendar month of several runs as one table (a sheet, a JSON list).

    ``runs``: (name, ``sim.attainment_by_month``) per run. A row per run and month:
    ``key`` (the run's name), ``month`` ("March 2027", :func:`month_name` in ``locale``), then
    sim.attainment_by_month's columns less its horizon month index (which counts from
    each run's own start): ``label`` (YYYY-MM), ``plan``, ``revenue``, ``attainment``,
    ``p10``, ``p50``, ``p90``, ``p_met``.
    """
    columns = [key, "month", "label", "plan", "revenue", "attainment", "p10", "p50", "p90", "p_met"]
    parts = [
        months.drop(columns=["month"]).assign(
            **{key: name, "month": [month_name(str(m), locale) for m in months["label"]]}
        )[columns]
        for name, months in runs
        if not months.empty
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def chances_side_by_side(
    runs: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], locale: str | None = None
) -> Grid:
    """P(plan met) and the month-level chances of several runs, a column per run.

    ``runs``: (name, :func:`chances` records) per run. A row per chance of
    sim.plan_met_table; its cells as simulate writes them (sim.format_chance: "83.3 %
    (62.1 % to 93.9 %)"), "-" for a run that measured none (no sales plan).
    """
    columns: dict[str, list[str]] = {}
    for name, rows in runs:
        cells = chance_cells(rows)
        columns[name] = [
            format_chance(cells[mean], cells[low], cells[high], labelled=False, locale=locale)
            if math.isfinite(cells[mean])
            else "-"
            for mean, low, high in CHANCE_COLUMNS.values()
        ]
    return Grid(
        title="P(plan met) beside the month-level chances (95 % interval)",
        key="chance",
        keys=[_CHANCE_LABELS[kpi] for kpi in CHANCE_COLUMNS],
        columns=columns,
        styles=[None] * len(CHANCE_COLUMNS),
    )
