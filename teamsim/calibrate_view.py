"""Goals against current results and the back-test: in the terminal and in an Excel file.

The printing and file side of :mod:`calibrate.report` and :mod:`calibrate.backtest`
(which are pure). Numbers read as everywhere else in teamsim (:mod:`teamsim.format`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from calibrate import (
    BACKTEST_MEASURES,
    FUNNEL,
    LABELS,
    NEEDS_COLUMNS,
    Backtest,
    Calibration,
    GoalsReport,
)
from sim import TeamsimError
from sim.scenario import Scenario, dotted
from teamsim.export import write_workbook
from teamsim.format import fmt_value

__all__ = [
    "BAND_NOTE",
    "interval",
    "needs_frame",
    "person_cell",
    "print_report",
    "report_sheets",
    "win_cell",
    "write_excel",
]

BAND_NOTE = (
    "band: simulated P10-P90 over the replications; a correct model puts about 80 % of "
    "the observed months inside it"
)
_MEASURE_LABELS = {
    "won": "deals won",
    "revenue": "revenue",
    "win_rate": "win rate",
    "cycle_days": "cycle, days",
}


# --- the plan's needs -----------------------------------------------------------------


def needs_frame(rows: Sequence[object], *, scenario: Scenario | None = None) -> pd.DataFrame:
    """The plan's needs as :func:`calibrate.report.goals_against_results` reads them.

    Args:
        rows: ``optimizer.funnel.FunnelRow`` objects (``back_calculate(sc).rows``), or
            anything with their fields: month ("YYYY-MM"), segment, channel, dials,
            connects, conversations, leads, stage_entries (one a stage), won, revenue.
        scenario: Names the stages: entries go under the stage names of each row's
            segment. Without it they go under ``stage_1``, ``stage_2``..., which the
            report reads through its own scenario's segments.

    Returns:
        :data:`calibrate.report.NEEDS_COLUMNS`, then one column per stage (union over
        segments, in funnel order; NaN where a row's segment has no such stage).
    """
    records: list[dict[str, Any]] = []
    stage_columns: list[str] = []
    for row in rows:
        record = {c: getattr(row, c) for c in NEEDS_COLUMNS}
        entries = tuple(getattr(row, "stage_entries", ()))
        segment = scenario.segments.get(str(record["segment"])) if scenario else None
        if segment is not None and len(segment.stages) == len(entries):
            names = [s.name for s in segment.stages]
        else:
            names = [f"stage_{i}" for i in range(1, len(entries) + 1)]
        for name, value in zip(names, entries, strict=True):
            record[name] = float(value)
            if name not in stage_columns:
                stage_columns.append(name)
        records.append(record)
    return pd.DataFrame(records, columns=[*NEEDS_COLUMNS, *stage_columns])


# --- numbers --------------------------------------------------------------------------


def _amount(stage: str, value: float, currency: str) -> str:
    return fmt_value(value, "currency" if stage == "revenue" else "", currency)


def _share(value: float) -> str:
    return fmt_value(value, "share", "")


def interval(low: float, high: float) -> str:
    """A share's interval in whole percent: "[8-19 %]"."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{100 * low:.0f}-{100 * high:.0f} %]"


def win_cell(rate: float, low: float, high: float, *, closed: int) -> str:
    """A win rate with its 95 % interval and sample: "11.1 % [8-14 %] of 432"."""
    return f"{_share(rate)} {interval(low, high)} of {closed}".replace("  ", " ")


def _months(months: Sequence[str]) -> str:
    if not months:
        return "none"
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]} ({len(months)})"


# --- the terminal ---------------------------------------------------------------------


def _team_table(report: GoalsReport) -> Table:
    table = Table(title="Goals against current results: the team, a month", title_justify="left")
    for col in ("stage", "now", "needed", "gap", "now / needed", "now from"):
        table.add_column(col, justify="left" if col in ("stage", "now from") else "right")
    cur = report.currency
    for row in report.team.to_dict(orient="records"):
        stage = str(row["stage"])
        style = "bold red" if stage == report.largest_gap else None
        table.add_row(
            str(row["label"]),
            _amount(stage, row["now"], cur),
            _amount(stage, row["needed"], cur),
            _amount(stage, row["gap"], cur),
            _share(row["ratio"]),
            str(row["source"]),
            style=style,
        )
    largest = LABELS.get(report.largest_gap or "", "none (nothing both needed and measured)")
    partial = f"; partial months left out: {', '.join(report.partial_months)}"
    table.caption = (
        f"now: mean of the whole months {_months(report.months_now)}"
        f"{partial if report.partial_months else ''}; needed: mean of the plan's months "
        f"{_months(report.plan_months)}. Largest gap: {largest}. {report.not_used_note}"
    )
    table.caption_justify = "left"
    return table


def person_cell(stage: str, now: float, needed: float, currency: str) -> str:
    """A person's stage: now / needed, or "-" for a stage their role does not do."""
    if not math.isfinite(needed):
        return "-"
    return f"{_amount(stage, now, currency)} / {_amount(stage, needed, currency)}"


def _people_table(report: GoalsReport) -> Table:
    table = Table(title="Each person: a month now / their share of the need", title_justify="left")
    table.add_column("person")
    table.add_column("role")
    table.add_column("share", justify="right")
    for stage in FUNNEL:
        table.add_column(LABELS[stage], justify="right")
    table.add_column("win rate [95 %]", justify="right")
    cur = report.currency
    for row in report.people.to_dict(orient="records"):
        cells = [person_cell(s, row[f"{s}_now"], row[f"{s}_needed"], cur) for s in FUNNEL]
        table.add_row(
            str(row["person"]),
            str(row["role"] or ""),
            _share(row["share"]),
            *cells,
            win_cell(row["win_rate"], row["win_low"], row["win_high"], closed=row["closed"]),
        )
    table.caption = (
        "need: each segment's and channel's need shared among the people whose role works "
        "it, by selling share (dials and conversations among those who dial the channel, "
        "the deal stages among those who sell the segment; an unknown role as a line "
        "seller who does all); -: a stage the person's role does not do; share: of the "
        "team's revenue need; win rate: won of closed, 95 % Wilson interval"
    )
    table.caption_justify = "left"
    return table


def _furthest_table(report: GoalsReport, top: int) -> Table:
    table = Table(title="Furthest from plan", title_justify="left")
    for col in ("person", "revenue now [95 %]", "needed", "now / needed [95 %]", "won / closed"):
        table.add_column(col, justify="left" if col == "person" else "right")
    cur = report.currency
    for row in report.furthest.head(top).to_dict(orient="records"):
        low, high = row["revenue_low"], row["revenue_high"]
        revenue = fmt_value(row["revenue_now"], "currency", cur)
        band = (
            f" [{fmt_value(low, 'currency', cur)}-{fmt_value(high, 'currency', cur)}]"
            if math.isfinite(low) and math.isfinite(high)
            else ""
        )
        ratio = _share(row["ratio"]) + " " + interval(row["ratio_low"], row["ratio_high"])
        table.add_row(
            str(row["person"]),
            revenue + band,
            fmt_value(row["revenue_needed"], "currency", cur),
            ratio.strip(),
            f"{row['won_total']} / {row['closed']}",
        )
    table.caption = f"revenue interval: {report.revenue_interval}"
    table.caption_justify = "left"
    return table


def _bt_value(measure: str, value: float, currency: str) -> str:
    if measure == "revenue":
        return fmt_value(value, "currency", currency)
    if measure == "win_rate":
        return _share(value)
    return fmt_value(value, "", "")


def _bt_cell(row: dict[Any, Any], measure: str, currency: str) -> str:
    if not math.isfinite(row["observed"]):
        return "-"
    observed, p10, p90 = (_bt_value(measure, row[k], currency) for k in ("observed", "p10", "p90"))
    mark = "[green]in[/]" if row["inside"] else "[red]out[/]"
    return f"{observed} ({p10}-{p90}) {mark}"


def expected_text(bt: Backtest, measure: str) -> str:
    """What a correct model gives here, as " (a correct model: 7 to 11)"; "" if unmeasured."""
    if measure not in bt.expected:
        return ""
    low, high = bt.expected[measure]
    return f" (a correct model: {low} to {high})"


def _backtest_table(bt: Backtest) -> Table:
    table = Table(
        title=f"Back-test: observed (simulated P10-P90, {bt.replications} replications)",
        title_justify="left",
    )
    table.add_column("month")
    for measure in BACKTEST_MEASURES:
        table.add_column(_MEASURE_LABELS[measure], justify="right")
    by_month = {m: bt.table.loc[bt.table["month"] == m] for m in bt.months}
    for month, part in by_month.items():
        cells = {r["measure"]: r for r in part.to_dict(orient="records")}
        table.add_row(month, *(_bt_cell(cells[m], m, bt.currency) for m in BACKTEST_MEASURES))
    inside = ", ".join(
        f"{_MEASURE_LABELS[m]} {i} of {n}{expected_text(bt, m)}" for m, (i, n) in bt.inside.items()
    )
    filling = (
        f" Left out, within one mean cycle of the records' first date (the pipeline "
        f"before it may be missing): {', '.join(bt.filling)}."
        if bt.filling
        else ""
    )
    table.caption = f"inside the band: {inside}. {BAND_NOTE}{filling}"
    table.caption_justify = "left"
    return table


def print_report(
    console: Console, report: GoalsReport, backtest: Backtest | None, *, top: int = 5
) -> None:
    """Print the team's stages, each person, the ``top`` furthest from plan, the back-test."""
    console.print(_team_table(report))
    if not report.people.empty:
        console.print(_people_table(report))
    if not report.furthest.empty:
        console.print(_furthest_table(report, top))
    if backtest is not None:
        if backtest.months:
            console.print(_backtest_table(backtest))
        else:
            console.print(
                "back-test: no whole month of the records lies inside the simulated period"
            )


# --- the workbook ---------------------------------------------------------------------


def _scalar(value: object) -> object:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def report_sheets(
    report: GoalsReport, backtest: Backtest | None, calibration: Calibration | None
) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: the report, the back-test, the fits and the problems."""
    fits = pd.DataFrame(
        [
            {
                "path": dotted(f.path),
                "value": _scalar(f.value),
                "n": f.n,
                "low": f.low,
                "high": f.high,
                "note": f.note,
            }
            for f in (calibration.fits if calibration else ())
        ],
        columns=["path", "value", "n", "low", "high", "note"],
    )
    kept = pd.DataFrame(
        [{"path": dotted(k.path), "why": k.why} for k in (calibration.kept if calibration else ())],
        columns=["path", "why"],
    )
    unwritten = pd.DataFrame(
        [
            {"what": u.what, "fit": u.fit, "why": u.why}
            for u in (calibration.unwritten if calibration else ())
        ],
        columns=["what", "fit", "why"],
    )
    problems = pd.DataFrame(
        [
            {
                "file": p.source,
                "row": p.row,
                "column": p.column,
                "message": p.message,
                "fatal": p.fatal,
            }
            for p in report.problems
        ],
        columns=["file", "row", "column", "message", "fatal"],
    )
    bt = backtest.table if backtest is not None else pd.DataFrame(columns=["month", "measure"])
    return {
        "team funnel": report.team,
        "people": report.people,
        "furthest from plan": report.furthest,
        "back-test": bt,
        "fits": fits,
        "kept": kept,
        "not written": unwritten,
        "problems": problems,
    }


def write_excel(
    path: Path,
    report: GoalsReport,
    backtest: Backtest | None,
    calibration: Calibration | None,
) -> None:
    """Write the report, the back-test, the fits and the problems to an .xlsx workbook.

    Sheets: about (months, the largest gap, rows not used, the back-test's count),
    team funnel, people, furthest from plan, back-test, fits, kept, not written,
    problems.

    Raises:
        teamsim.export.ExportError: If the file cannot be written (a TeamsimError).
        TeamsimError: If the path does not end in .xlsx.
    """
    if path.suffix.lower() != ".xlsx":
        raise TeamsimError(f"cannot write {path}: expected a .xlsx file name")
    about: dict[str, object] = {
        "now: whole months": _months(report.months_now),
        "partial months left out": ", ".join(report.partial_months) or "none",
        "needed: plan's months": _months(report.plan_months),
        "largest gap": LABELS.get(report.largest_gap or "", "none"),
        "rows not used": report.not_used_note,
        "revenue interval": report.revenue_interval,
        "currency": report.currency,
    }
    if backtest is not None:
        about["back-test"] = ", ".join(
            f"{m} {i} of {n} inside" for m, (i, n) in backtest.inside.items()
        )
        about["band"] = BAND_NOTE
    write_workbook(path, report_sheets(report, backtest, calibration), about)
