"""Goals against current results and the back-test: in the terminal and in an Excel file.

The printing and file side of :mod:`calibrate.report` and :mod:`calibrate.backtest`
(which are pure). Numbers read as everywhere else in teamsim (:mod:`teamsim.format`);
measures are named by :data:`calibrate.LABELS`, the one table the terminal, the workbook
and the dashboard share. Every table wraps its cells (never an ellipsis) and keeps its
first column, a name or a month, whole whenever the terminal is wide enough for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from calibrate import (
    BACKTEST_MEASURES,
    FUNNEL,
    LABELS,
    MISSING_COLUMN,
    NEEDS_COLUMNS,
    Backtest,
    Calibration,
    GoalsReport,
    RowProblem,
    band_holds,
    band_ranks,
    counted,
    interval_text,
)
from sim import (
    INTERVAL_JOINER,
    TeamsimError,
    format_money,
    format_number,
    format_percent,
    format_significant,
    month_title,
    month_titles,
)
from sim.scenario import Scenario, dotted
from teamsim.export import write_workbook
from teamsim.figure_tables import Grid, print_grid, show
from teamsim.format import (
    MoneyScale,
    fmt_value,
    format_money_column,
    format_money_range,
    money_scale,
)

__all__ = [
    "SHEETS",
    "against_plan",
    "band_note",
    "below_plan_note",
    "correct_model_note",
    "expected_text",
    "expected_verdicts",
    "fit_interval",
    "fit_unit",
    "fit_value",
    "gap_note",
    "interval",
    "judged_note",
    "left_out_note",
    "months_note",
    "needs_frame",
    "person_cell",
    "plan_source",
    "plan_words",
    "print_fits",
    "print_kept",
    "print_problems",
    "print_report",
    "problem_lines",
    "report_sheets",
    "report_where",
    "rows_note",
    "rows_text",
    "sentences",
    "stage_header",
    "team_cells",
    "win_cell",
    "write_excel",
]


def band_note(replications: int) -> str:
    """What the back-test's band is, for ``replications``: ranks taken and what it holds."""
    k, j = band_ranks(replications)
    return (
        f"band: the {ordinal(k)} to {ordinal(j)} of {counted(replications, 'replication')} "
        "sorted, "
        f"a prediction band that holds a month of a correct model with probability "
        f"{format_percent(band_holds(replications), digits=0)} (Wilks 1941), so about that "
        "share of the "
        "observed months falls inside it"
    )


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Rows named in the terminal's line of a kind of problem; every row is in the workbook.
SHOWN_ROWS = 3


# --- words ----------------------------------------------------------------------------


def sentences(parts: Sequence[str]) -> str:
    """Parts joined as sentences: each begins with a capital and ends with a full stop.

    Empty parts are skipped, so an optional clause never leaves ". ." behind.
    """
    done = []
    for part in (p.strip() for p in parts):
        if part:
            part = part[0].upper() + part[1:]
            done.append(part if part[-1] in ".!?" else f"{part}.")
    return " ".join(done)


def _lower(label: str) -> str:
    """A label inside a sentence: "Won deals" -> "won deals"."""
    return label[:1].lower() + label[1:]


def rows_note(report: GoalsReport, *, where: str = "see problems") -> str:
    """The rows the report does not rest on, in words, and ``where`` the problems are.

    "all rows used; no warnings", "all rows used; 7 warnings (see problems)",
    "2 rows not used; 1 warning (printed above)"; "problems" for the fatal ones; "notes"
    for what explains an assumption (RowProblem.note), never counted as warnings.
    ``where``: the terminal's :func:`report_where`, the workbook's "see sheet problems",
    the dashboard's default "see problems" (its own table of them).
    """
    used = (
        "all rows used"
        if report.rows_not_used == 0
        else f"{counted(report.rows_not_used, 'row')} not used"
    )
    fatal = sum(p.fatal for p in report.problems)
    notes = sum(p.note and not p.fatal for p in report.problems)
    warnings = len(report.problems) - fatal - notes
    said = [counted(warnings, "warning")] if warnings else []
    said += [counted(fatal, "problem")] if fatal else []
    if not notes and not said:
        return f"{used}; no warnings"
    said = (said or ["no warnings"]) + ([counted(notes, "note")] if notes else [])
    return f"{used}; {' and '.join(said)} ({where})"


def gap_note(report: GoalsReport) -> str:
    """The stage furthest short of the plan, in words; or that none is short.

    "largest gap: revenue, 92.4 % of plan (5,400 USD short a month)"; "no gap beyond
    the months' spread: won deals 99.5 % of plan, the need inside the 95 % interval of
    now (49.8 to 58.4)" (a stage under plan only within the interval of its "now",
    :attr:`calibrate.GoalsReport.within_noise`); "no shortfall: every stage measured is
    at or above plan"; "no gap to show: no stage is both needed and measured"; with a
    plan teamsim assumed (no --plan, no base, too few won deals to take it from), "no
    plan given: give --plan AMOUNT to compare".
    """
    if report.plan_assumed:
        return report.no_plan
    team = report.team
    if report.largest_gap is not None:
        row = team.loc[team["stage"] == report.largest_gap].iloc[0]
        stage = str(row["stage"])
        short = _amount(stage, float(row["gap"]), report.currency, locale=report.locale or None)
        ratio = _share(float(row["ratio"]), report.locale or None)
        label = _lower(report.labels[stage])
        return f"largest gap: {label}, {ratio} of plan ({short} short a month)"
    if report.within_noise:
        return "no gap beyond the months' spread: " + "; ".join(
            _within_noise(report, stage) for stage in report.within_noise
        )
    if team["ratio"].notna().any():
        return "no shortfall: every stage measured is at or above plan"
    return "no gap to show: no stage is both needed and measured"


def _within_noise(report: GoalsReport, stage: str) -> str:
    """A stage under plan only within the interval of its "now", in words.

    "won deals 99.5 % of plan, the need inside now's 95 % 51.0 to 57.2" (the interval in
    the report's one style, :func:`fit_interval`'s).
    """
    row = report.team.loc[report.team["stage"] == stage].iloc[0]
    where = report.locale or None
    low, high = float(row["now_low"]), float(row["now_high"])
    if stage == "revenue":
        span = format_money_range(low, high, report.currency, where)
    else:
        span = (
            f"{_amount(stage, low, '', locale=where)}{INTERVAL_JOINER}"
            f"{_amount(stage, high, '', locale=where)}"
        )
    return (
        f"{_lower(report.labels[stage])} {_share(float(row['ratio']), where)} of plan, the need "
        "inside "
        f"now's 95 % {span}"
    )


def judged_note(report: GoalsReport) -> str:
    """The stages the records hold but cannot judge, and why ("" when none).

    "won deals and revenue not judged: 4886 closed deals, all lost (a lost-only
    export?), so the deals won and the revenue now are not measured".
    """
    if not report.unjudged:
        return ""
    labels = " and ".join(_lower(report.labels[s]) for s in report.unjudged)
    return f"{labels} not judged: {report.not_judged}"


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


def _amount(
    stage: str,
    value: float,
    currency: str,
    scale: MoneyScale | None = None,
    *,
    locale: str | None = None,
) -> str:
    unit = "currency" if stage == "revenue" else ""
    return fmt_value(value, unit, currency, scale=scale, locale=locale)


def team_cells(
    row: Mapping[Any, Any], currency: str, *, locale: str | None = None
) -> tuple[str, str, str]:
    """A stage of the team's table: now, needed and short / surplus.

    The terminal and the dashboard show these; revenue's three amounts as one set
    (sim.money's rule: "RUB 2.33K" beside "RUB 2.00K"; "RUB 333", under a thousand, in
    full), in ``locale`` (the scenario's ``money_locale``; by
    default the currency's usual one). A gap "on plan" (under one unit) is words, not an
    amount: it does not set the scale, so the plan reads as everywhere ("$653K", not
    "$652.71K" beside a gap of cents).
    """
    stage, gap = str(row["stage"]), float(row["gap"])
    where = locale or Scenario.default_locale(currency)
    scale = None
    if stage == "revenue":
        amounts = [float(row["now"]), float(row["needed"])]
        amounts += [] if _on_plan(stage, gap) else [abs(gap)]
        scale = money_scale(amounts, where)
    return (
        _amount(stage, float(row["now"]), currency, scale, locale=where),
        _amount(stage, float(row["needed"]), currency, scale, locale=where),
        against_plan(stage, gap, currency, scale, locale=where),
    )


def _share(value: float, locale: str | None = None) -> str:
    return fmt_value(value, "share", "", locale=locale)


def _figure(stage: str, value: float, locale: str | None = None) -> str:
    """A person's figure a month, its unit in the column's header: whole from 100 up.

    Revenue as money is written everywhere (:mod:`sim.money`), bare: "1.25M", "62.5K".
    """
    return _figures(stage, [value], locale)[0]


def _figures(stage: str, values: Sequence[float], locale: str | None = None) -> list[str]:
    """Figures shown together (a pair, a row, an interval): revenue in one scale.

    Bare (the header names the currency), in ``locale`` (the scenario's
    ``money_locale``): "62.5K / 120K" never "62,500 / 120K" (sim.money's rule).
    """
    if stage == "revenue":
        shown = format_money_column(list(values), "", locale)
        return [s.strip() if s != "-" else s for s in shown]
    return [format_number(v, 0 if abs(v) >= 100 else 1, locale=locale) for v in values]


def interval(low: float, high: float, locale: str | None = None) -> str:
    """A share's 95 % interval in a table cell: "8.4 % to 19.2 %"; "" without one.

    The ends as every interval is written (sim.format_percent_range, through
    calibrate.interval_text, as :func:`fit_interval` and the notes); bare, because the
    column's header or the table's caption says "95 % interval".
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return interval_text((low, high), "share", locale=locale)


def win_cell(
    rate: float, low: float, high: float, *, closed: int, locale: str | None = None
) -> str:
    """A win rate with its 95 % interval and sample: "11.1 % (8.5 % to 14.3 %) of 432".

    The rate and its interval as a chance in a cell reads (sim.format_chance, unlabelled:
    the header or caption says "95 % interval"); without an interval "11.1 % of 432".
    "-" when the person closed no deal (no rate to show, not "- of 0").
    """
    if not closed:
        return "-"
    band, rate_text = interval(low, high, locale), _share(rate, locale)
    sample = format_number(closed, 0, locale=locale)
    return f"{rate_text} ({band}) of {sample}" if band else f"{rate_text} of {sample}"


def person_cell(stage: str, now: float, needed: float, *, locale: str | None = None) -> str:
    """A person's stage a month: "925 / 483", "17.8 / 22.0"; "-": not their role's stage.

    "925 / -": the stage is theirs but its need is not derived (the win rate is not
    fitted, :attr:`calibrate.GoalsReport.not_fitted`).

    Revenue is a bare amount (the column's header names the currency).
    """
    if not math.isfinite(needed) and not math.isfinite(now):
        return "-"
    first, second = _figures(stage, [now, needed], locale)
    return f"{first} / {second}"


def _months(months: Sequence[str]) -> str:
    """Months in words: "2027-01 to 2028-02 (14 months)", "2027-01", "no month"."""
    if not months:
        return "no month"
    if len(months) == 1:
        return months[0]
    return f"{months[0]} to {months[-1]} ({counted(len(months), 'month')})"


def _span(months: Sequence[str]) -> str:
    """The first and last of some months: "2027-01 to 2028-02", or "2027-01" alone."""
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def months_note(report: GoalsReport) -> str:
    """The months "now" and "needed" both average over, and what "needed" rests on.

    "a month, over the 14 whole months of the records, 2027-01 to 2028-02 (partial
    months left out: 2028-03): now, the records' mean; needed, the plan written in the
    scenario (plan.revenue_per_month) on the same months".
    """
    months = report.plan_months
    if not months:
        where = "no month to average over: the records hold no date and the plan no month"
    elif report.months_now:
        where = f"a month, over the {counted(len(months), 'whole month')} of the records, "
        where += _span(months)
    elif report.months_whole and report.plan_assumed:  # no dated record and no plan
        return "a month: the records hold no dated event to measure now by"
    elif report.months_whole:  # no dated record: the plan's months
        where = f"a month, over the plan's {counted(len(months), 'month')}, {_span(months)}"
    else:
        where = (
            f"a month, over the records' {counted(len(months), 'month')}, {_span(months)} "
            "(no whole month: the period's totals scaled to a month)"
        )
    if report.partial_months:
        where += f" (partial months left out: {', '.join(report.partial_months)})"
    if report.filling_note:
        where += f" ({report.filling_note})"
    if report.plan_assumed:
        return f"{where}: now, the records' mean"
    return (
        f"{where}: now, the records' mean; needed, {plan_words(report)}, on the same "
        "months, through its funnel"
    )


def plan_source(*, plan: float | None, base: str | None, given: str = "given with --plan") -> str:
    """Where the plan comes from, as a front end knows it ("" when neither is given).

    ``plan``: the amount given (``--plan``, or the page's Plan box: ``given`` says which);
    ``base``: the base scenario's file name. "given with --plan", "from the base
    scenario b2b_smb.yaml"; set on :attr:`calibrate.GoalsReport.plan_source`.
    """
    if plan is not None:
        return given
    if base:
        return f"from the base scenario {base}"
    return ""


def plan_words(report: GoalsReport) -> str:
    """The plan, its amount and where it comes from, with the field it is written in.

    "the plan: $470K a month, from the base scenario b2b_smb.yaml, plan.revenue_per_month";
    twelve months differing: "the plan: $400K to $520K a month by calendar month, ...".
    """
    values = report.plan_per_month
    money = [format_money(v, report.currency, report.locale or None) for v in values]
    if not values:
        amount = "the plan written in the scenario"
    elif len(set(values)) == 1:
        amount = f"the plan: {money[0]} a month"
    else:
        low = money[values.index(min(values))]
        high = money[values.index(max(values))]
        amount = f"the plan: {low}{INTERVAL_JOINER}{high} a month by calendar month"
    return ", ".join(p for p in (amount, report.plan_source, "plan.revenue_per_month") if p)


def below_plan_note(report: GoalsReport) -> str:
    """What stands where the people below plan would be listed; "" when they are listed.

    No plan given (the plan is the team's own revenue, or an assumption): that there is
    none to compare with and how to give one; revenue that cannot be judged: why;
    nobody below plan: how many people with a revenue need were compared.
    """
    if report.not_judged and report.not_judged == report.no_plan:
        return f"Below plan: no plan to compare with: {report.no_plan}."
    if not report.revenue_judged:
        return f"Below plan: cannot be judged: {report.not_judged}."
    if report.furthest.empty:
        compared = int((report.people["share"] > 0).sum()) if "share" in report.people else 0
        return (
            f"Below plan: nobody ({counted(compared, 'person')} with a revenue need "
            "compared; each at or above their share)."
        )
    return ""


# The scenario's fields by unit, read from the last part of a fit's path.
_MONEY_FIELDS = ("deal_value", "monthly_cost", "revenue_per_month", "value")
_SHARE_FIELDS = ("convert", "rate", "share", "given", "probability")


def fit_unit(path: str) -> str:
    """A fitted field's unit from its path: "currency", "share", "days", "min" or ""."""
    field = path.rsplit(".", 1)[-1]
    if field in _MONEY_FIELDS:
        return "currency"
    if any(word in field for word in _SHARE_FIELDS):
        return "share"
    if field.endswith("_days"):
        return "days"
    return "min" if field.endswith("_min") else ""


def _plain(value: float, locale: str | None = None) -> str:
    """A plain number: whole with thousands separators, else 3 significant digits.

    In ``locale`` (sim.format_number): "1,250", "0.412", "6.2" ("1 250", "0,412").
    """
    if not math.isfinite(value):
        return "-"
    if float(value).is_integer() or abs(value) >= 100:
        return format_number(value, 0, locale=locale)
    if abs(value) < 1:
        return format_significant(value, 3, locale=locale)
    return format_number(value, 1, locale=locale)


def _number(value: float, unit: str, currency: str, locale: str | None = None) -> str:
    """A number in its unit ("4.0 days", "71.0 %", "20,000 USD"), or plain without one."""
    return fmt_value(value, unit, currency, locale=locale) if unit else _plain(value, locale)


def _distribution(
    spec: Mapping[str, Any], unit: str, currency: str, locale: str | None = None
) -> str:
    """A distribution as a planner reads it: "exponential, mean 4.0 days".

    A range names its unit once: "uniform, 1.0 to 7.0 days".
    """

    def num(key: str) -> str:
        return _number(float(spec[key]), unit, currency, locale)

    def bare(key: str) -> str:  # the low end of a range: its unit follows the high end
        if unit in ("days", "min"):
            return fmt_value(float(spec[key]), "", currency, locale=locale)
        return num(key)

    kind = str(spec["kind"])
    if kind == "fixed":
        return f"{num('value')} (fixed)"
    if kind == "exponential":
        return f"exponential, mean {num('mean')}"
    if kind == "lognormal":
        return f"lognormal, mean {num('mean')}, sd {num('sd')}"
    if kind == "triangular":
        return f"triangular, {bare('low')} to {num('high')}, most often {num('mode')}"
    if kind == "uniform":
        return f"uniform, {bare('low')} to {num('high')}"
    rest = ", ".join(f"{k} {v}" for k, v in spec.items() if k != "kind")
    return f"{kind}, {rest}"


def fit_value(path: str, value: object, currency: str, *, locale: str | None = None) -> str:
    """A fitted value in words, by its field (:func:`fit_unit`).

    A number in its unit ("71.0 %", "20,000 USD", "3.2 days"); a distribution as
    "exponential, mean 3.2 days"; a persona's multipliers as "conversion x0.91,
    duration x1.06"; a persona mix as "low 40.0 %, mid 30.0 %"; "" for nothing. Money
    in ``locale`` (by default the currency's usual one).
    """
    unit = fit_unit(path)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Mapping):
        if "kind" in value:
            return _distribution(value, unit, currency, locale)
        if all(str(k).endswith("_x") for k in value):
            return ", ".join(
                f"{str(k)[:-2]} x{format_number(float(v), 2, locale=locale)}"
                for k, v in value.items()
            )
        if path.endswith("personas"):
            return ", ".join(f"{k} {_share(float(v), locale)}" for k, v in value.items())
        return ", ".join(
            f"{k} {fit_value(str(k), v, currency, locale=locale)}" for k, v in value.items()
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return _number(float(value), unit, currency, locale)


# --- the terminal ---------------------------------------------------------------------


def _team_grid(report: GoalsReport) -> Grid:
    """The team's stages: now against needed; now alone when no plan is given.

    With no plan to compare with (:attr:`calibrate.GoalsReport.plan_assumed`) the needed,
    gap and ratio columns would be "-" or, with the team's own revenue as the plan, gaps
    of zero that read as a finding: only "now" is shown, and the header says why.
    """
    cur = report.currency
    compared = not report.plan_assumed
    heads = ("now", "needed", "short / surplus", "now / needed") if compared else ("now",)
    grid = Grid(
        title="Goals against current results: the team, a month"
        if compared
        else "Current results: the team, a month (no plan to compare with)",
        key="stage",
        columns={h: [] for h in heads},
        caption=sentences(
            [
                months_note(report),
                report.not_fitted,
                _sources_note(report),
                judged_note(report),
                gap_note(report) if compared else ("" if report.plan_own else report.no_plan),
                report.split_note,
                rows_note(report, where=report_where(report)),
            ]
        ),
    )
    for row in report.team.to_dict(orient="records"):
        stage = str(row["stage"])
        where = report.locale or None
        cells = [*team_cells(row, cur, locale=where), _share(row["ratio"], where)]
        grid.add_row(
            report.labels[stage],
            cells if compared else cells[:1],
            style="bold red" if stage == report.largest_gap else None,
        )
    return grid


def report_where(report: GoalsReport) -> str:
    """Where the terminal's problems are: above (stderr), and in full in the workbook.

    "printed above" when every problem is (each by itself, or its group's rows all named:
    :func:`problem_lines`); else "printed above by kind; every row: --excel FILE, sheet
    problems".
    """
    if all(len(rows) <= SHOWN_ROWS for rows in _groups(report.problems).values()):
        return "printed above"
    return "printed above by kind; every row: --excel FILE, sheet problems"


# --- problems: one line per kind ------------------------------------------------------

_Key = tuple[str, str | None, str, bool, bool]


def _groups(problems: Sequence[RowProblem]) -> dict[_Key | int, list[RowProblem]]:
    """The problems by kind, in the order each kind first comes.

    A file's rows of one RowProblem.group (with the same column, fatal and note) are one
    kind; a problem with no group, or of a whole file, is its own.
    """
    groups: dict[_Key | int, list[RowProblem]] = {}
    for i, p in enumerate(problems):
        key: _Key | int = i
        if p.group and p.row is not None:
            key = (p.source, p.column, p.group, p.fatal, p.note)
        groups.setdefault(key, []).append(p)
    return groups


def rows_text(rows: Sequence[int], shown: int = SHOWN_ROWS) -> str:
    """The rows as said: "row 4", "rows 12, 40, 41", "rows 12, 40, 41 and 11 more"."""
    unique = sorted(set(rows))
    if len(unique) == 1:
        return f"row {unique[0]}"
    listed = ", ".join(str(r) for r in unique[:shown])
    rest = len(unique) - shown
    return f"rows {listed}" + (f" and {rest} more" if rest > 0 else "")


def _group_line(problems: Sequence[RowProblem]) -> str:
    first = problems[0]
    if len(problems) == 1:
        return str(first)
    what, _, done = first.group.partition(": ")
    where = f"{first.source}: {first.column}" if first.column else first.source
    rows = rows_text([p.row for p in problems if p.row is not None])
    return f"{where}: {len(problems)} {what} ({rows})" + (f": {done}" if done else "")


def _missing_columns(problems: Sequence[RowProblem]) -> str:
    """Every required column missing, of every file, as one message (one line each)."""
    if len(problems) == 1:
        return str(problems[0])
    files = len({p.source for p in problems})
    head = (
        f"{counted(len(problems), 'required column')} missing in {counted(files, 'file')}; "
        "map each with --column (the option repeats), then run again:"
    )
    return "\n".join([head, *(f"  {p}" for p in problems)])


def problem_lines(problems: Sequence[RowProblem]) -> list[tuple[str, str]]:
    """The problems as the terminal says them: (kind, text), kind "problem", "warning", "note".

    One line per kind in a file: a single row as it is ("deals.csv:12: Deal ID: deal id
    'D7' again (first at row 3); the row is left out"), several rows of a group counted,
    the first few named ("deals.csv: Deal ID: 14 duplicate deal ids (rows 12, 40, 41 and
    11 more): the first of each kept"). The required columns missing, of every file, are
    one message. Every row is in the workbook (--excel, sheet problems).
    """
    missing = [p for p in problems if p.fatal and p.group == MISSING_COLUMN]
    out: list[tuple[str, str]] = []
    for group in _groups([p for p in problems if p not in missing]).values():
        first = group[0]
        kind = "problem" if first.fatal else "note" if first.note else "warning"
        out.append((kind, _group_line(group)))
    return ([("problem", _missing_columns(missing))] if missing else []) + out


def print_problems(console: Console, problems: Sequence[RowProblem]) -> None:
    """The warnings and notes on ``console`` (stderr), one line per kind."""
    labels = {"problem": "[red]problem:[/]", "warning": "[yellow]warning:[/]"}
    for kind, text in problem_lines(problems):
        said = labels.get(kind, "[cyan]note:[/]")
        console.print(f"{said} {escape(text)}", soft_wrap=True)


def _sources_note(report: GoalsReport) -> str:
    """Where each stage's "now" comes from, in one sentence (a column would not fit)."""
    by_source: dict[str, list[str]] = {}
    for stage, source in zip(report.team["stage"], report.team["source"], strict=True):
        if stage in report.unjudged:
            continue  # judged_note names them, with why
        by_source.setdefault(str(source), []).append(_lower(report.labels[str(stage)]))
    parts = [
        f"{'not in the records' if s == 'not in the records' else 'from the ' + s}: "
        f"{', '.join(stages)}"
        for s, stages in by_source.items()
    ]
    return f"now {'; '.join(parts)}" if parts else ""


def against_plan(
    stage: str,
    gap: float,
    currency: str,
    scale: MoneyScale | None = None,
    *,
    locale: str | None = None,
) -> str:
    """The gap (needed - now) as a planner says it: "$5.4K short", "1,842.3 surplus".

    ``scale``: the row's money scale (:func:`team_cells`); by default the gap's own.
    Under one unit of money (revenue) or a twentieth (counts) the stage is "on plan":
    the plan written from the records' own revenue is a whole amount.
    """
    if not math.isfinite(gap):
        return "-"
    if _on_plan(stage, gap):
        return "on plan"
    word = "short" if gap > 0 else "surplus"
    return f"{_amount(stage, abs(gap), currency, scale, locale=locale)} {word}"


def _on_plan(stage: str, gap: float) -> bool:
    """A gap too small to show: under one unit of money, or a twentieth of a count."""
    return abs(gap) < (1.0 if stage == "revenue" else 0.05)


def _by_role(people: pd.DataFrame) -> list[tuple[str, list[dict[Any, Any]]]]:
    """The people grouped by role, in the report's order of first appearance."""
    groups: dict[str, list[dict[Any, Any]]] = {}
    for row in people.to_dict(orient="records"):
        role = str(row["role"]) if isinstance(row["role"], str) and row["role"] else ""
        groups.setdefault(role or "role not in the team file", []).append(row)
    return list(groups.items())


_NEED_NOTE = (
    "a month now / the person's share of the need: the plan split over the team file's "
    "people as the team's caption says (each role's share of the records; within a role "
    "by selling share; an unknown role as a line seller who does all); -: a stage the "
    "person's role does not do, or a need not derived"
)
_FIRST_STAGE_NOTE = "the meetings a person booked, or held when they booked none"


def _people_grids(report: GoalsReport) -> list[Grid]:
    """Each person: calls and meetings; deals; their share of the need and win rate.

    Three narrow tables rather than one of nine columns, so that at 80 columns a name of
    30 characters stays whole and no figure is broken; each grouped by role (a role's
    line heads its people).
    """
    cur = report.currency
    loc = report.locale or None
    calls = ("dials", "conversations", "first_stage")
    deals = ("proposals", "won", "revenue")
    sources = dict(zip(report.team["stage"], report.team["source"], strict=True))
    first = Grid(
        title="Each person, a month now / needed: calls and meetings",
        key="person",
        columns={report.labels[s]: [] for s in calls},
        caption=sentences(
            [
                _NEED_NOTE if not report.plan_assumed else "",
                report.outside_note,
                f"{_lower(report.labels['first_stage'])}: {_FIRST_STAGE_NOTE}"
                if str(sources.get("first_stage")).endswith("(activities)")
                else "",
            ]
        ),
    )
    second = Grid(
        title="Each person, a month now / needed: deals",
        key="person",
        columns={stage_header(s, cur, report.labels): [] for s in deals},
    )
    # The share only with a need to share, the win rate only with a deal closed: a
    # column of "-" (or "- of 0") says nothing.
    shares = bool(report.people["share"].notna().any())
    rates = int(report.people["closed"].fillna(0).astype(int).sum()) > 0
    win = Grid(
        title="Each person: "
        + " and ".join(
            (["share of the revenue need"] if shares else [])
            + (["win rate over the records"] if rates else [])
        ),
        key="person",
        columns={h: [] for h in (["share"] if shares else []) + (["win rate"] if rates else [])},
        caption=sentences(
            [
                "share: of the team's revenue need" if shares else "",
                "win rate: in parentheses, the 95 % Wilson interval" if rates else "",
            ]
        ),
    )
    for role, rows in _by_role(report.people):
        for grid in (first, second, win):
            grid.add_row(Text(role, style="bold"), [""] * len(grid.columns))
        for row in rows:
            person = escape(str(row["person"]))
            cells = {
                s: person_cell(s, row[f"{s}_now"], row[f"{s}_needed"], locale=loc) for s in FUNNEL
            }
            first.add_row(person, [cells[s] for s in calls])
            second.add_row(person, [cells[s] for s in deals])
            rate = win_cell(
                row["win_rate"], row["win_low"], row["win_high"], closed=row["closed"], locale=loc
            )
            win.add_row(
                person, ([_share(row["share"], loc)] if shares else []) + ([rate] if rates else [])
            )
    return [first, second] + ([win] if win.columns else [])


def stage_header(stage: str, currency: str, labels: Mapping[str, str] | None = None) -> str:
    """A measure's column header: its label (``labels``, else LABELS), with the currency."""
    label = (labels or LABELS).get(stage, LABELS[stage])
    return f"{label} ({currency})" if stage == "revenue" else label


def _furthest_grid(report: GoalsReport, top: int) -> Grid:
    cur = report.currency
    loc = report.locale or None
    shown = report.furthest.head(top).to_dict(orient="records")
    total = len(report.furthest)
    cut = f"{top} of {total} shown, furthest short first; all of them: --excel FILE"
    grid = Grid(
        title="Below plan, furthest short first",
        key="person",
        columns={h: [] for h in (f"revenue now ({cur})", f"needed ({cur})", "now / needed")},
        caption=sentences(
            [
                cut if total > top else "",
                f"revenue now: in parentheses, {report.revenue_interval}",
            ]
        ),
    )
    for row in shown:
        low, high = row["revenue_low"], row["revenue_high"]
        # A row's amounts in one scale: now, its interval and the need.
        now, low_s, high_s, needed = _figures(
            "revenue", [row["revenue_now"], low, high, row["revenue_needed"]], loc
        )
        band = (
            f" ({low_s}{INTERVAL_JOINER}{high_s})"
            if math.isfinite(low) and math.isfinite(high)
            else ""
        )
        # The ratio's interval is the revenue's over the need: shown once, on the revenue.
        grid.add_row(escape(str(row["person"])), [now + band, needed, _share(row["ratio"], loc)])
    return grid


def _bt_values(measure: str, values: Sequence[float], locale: str | None = None) -> list[str]:
    if measure == "revenue":
        return _figures("revenue", values, locale)  # observed and its band in one scale
    if measure == "win_rate":
        return [_share(v, locale) for v in values]
    return [fmt_value(v, "", "", locale=locale) for v in values]


def _bt_cell(row: dict[Any, Any], measure: str, locale: str | None = None) -> str:
    """Observed, the simulated band, inside or not: "58.0 (56.5 to 68.4) in".

    A win rate's band as every share interval reads: "35.0 % (15.0 % to 25.0 %) out".
    """
    if not math.isfinite(row["observed"]):
        return "-"
    observed, low, high = _bt_values(measure, [row[k] for k in ("observed", "low", "high")], locale)
    mark = "[green]in[/]" if row["inside"] else "[red]out[/]"
    return f"{observed} ({low}{INTERVAL_JOINER}{high}) {mark}"


def expected_text(bt: Backtest, measure: str) -> str:
    """What a correct model gives here, as " (a correct model: 7 to 11)"; "" if unmeasured."""
    if measure not in bt.expected:
        return ""
    low, high = bt.expected[measure]
    return f" (a correct model: {low}{INTERVAL_JOINER}{high})"


def correct_model_note() -> str:
    """How the back-test's "a correct model: 8 to 11" is computed, in words."""
    return (
        "a correct model: each simulated replication in turn played as the observed "
        "history against the band of the others, P10 to P90 of its months inside "
        "(the months of one history move together, so the range is wide)"
    )


def expected_verdicts(bt: Backtest) -> list[str]:
    """What a count outside the range a correct model gives means, one sentence a side.

    Above: more months inside than a correct model usually gives, which is no sign of a
    wrong model (the band is wide); below: the model misses that measure.
    """
    above, below = [], []
    for measure, (inside, _) in bt.inside.items():
        if measure not in bt.expected:
            continue
        low, high = bt.expected[measure]
        if inside > high:
            above.append(_lower(LABELS[measure]))
        elif inside < low:
            below.append(_lower(LABELS[measure]))
    said = []
    if above:
        said.append(
            f"{' and '.join(above)}: above that range, more months inside than a correct "
            "model usually gives, which is no sign of a wrong model (the band is wide)"
        )
    if below:
        said.append(
            f"{' and '.join(below)}: below that range, fewer months inside than a correct "
            f"model gives: the model misses {'them' if len(below) > 1 else 'it'}"
        )
    return said


def left_out_note(bt: Backtest, locale: str | None = None) -> str:
    """The records' months the back-test leaves out, as the report above leaves them out.

    The months still filling (within one mean cycle of the records' first date,
    calibrate.observed.Period) and the partial ones, the same as the report's "now";
    a filling month may also fall in the simulation's warm-up: it is left out either way.
    Months by their names in ``locale`` (sim.month_titles), as the back-test's rows.
    """
    said = []
    filling = sorted({*bt.still_filling, *bt.filling})
    if filling:
        said.append(
            f"{month_titles(filling, locale)}, still filling (within one mean cycle of the "
            "records' first date: the pipeline before it may be missing)"
        )
    if bt.partial:
        said.append(f"{month_titles(bt.partial, locale)}, partial")
    if not said:
        return ""
    return "left out, as in the report above: " + "; ".join(said)


def _backtest_grid(bt: Backtest, locale: str | None = None) -> Grid:
    inside = ", ".join(
        f"{_lower(LABELS[m])} {i} of {n}{expected_text(bt, m)}" for m, (i, n) in bt.inside.items()
    )
    grid = Grid(
        title=(
            f"Back-test: observed (simulated 80 % band, {counted(bt.replications, 'replication')})"
        ),
        key="month",
        columns={stage_header(m, bt.currency): [] for m in BACKTEST_MEASURES},
        caption=sentences(
            [
                f"inside the band: {inside}",
                correct_model_note() if bt.expected else "",
                *expected_verdicts(bt),
                band_note(bt.replications),
                left_out_note(bt, locale),
            ]
        ),
    )
    for month in bt.months:
        part = bt.table.loc[bt.table["month"] == month]
        cells = {r["measure"]: r for r in part.to_dict(orient="records")}
        # The month by its name (sim.month_title), as the workbook's back-test sheet.
        grid.add_row(
            month_title(str(month), locale),
            [_bt_cell(cells[m], m, locale) for m in BACKTEST_MEASURES],
        )
    return grid


def print_report(
    console: Console, report: GoalsReport, backtest: Backtest | None, *, top: int = 5
) -> None:
    """Print the team's stages, each person, the ``top`` furthest below plan, the back-test.

    Every table fits the console's width (:func:`teamsim.figure_tables.print_grid`: split
    rather than broken inside a figure); no line ends in spaces. When nobody is below
    plan, a line says so (with how many people were compared); without deals, that
    revenue against the plan cannot be judged; with no plan given and nothing else in
    the way, nothing (the team's caption says to give one). More than ``top`` below
    plan: the caption says how many are shown and where the rest are.
    """
    if report.plan_own:  # the header: the team against itself is no finding
        show(console, Text(f"No plan to compare with: {report.plan_note}.", style="bold"))
    print_grid(console, _team_grid(report))
    if not report.people.empty:
        for grid in _people_grids(report):
            print_grid(console, grid)
        note = below_plan_note(report)
        if report.not_judged and report.not_judged == report.no_plan:
            pass  # the header or the team's caption says it: "no plan given: give --plan ..."
        elif note:
            show(console, Text(note))
        else:
            print_grid(console, _furthest_grid(report, top))
    if backtest is not None:
        if backtest.months:
            print_grid(console, _backtest_grid(backtest, report.locale or None))
        else:
            show(
                console,
                Text("Back-test: no whole month of the records lies inside the simulated period."),
            )


def fit_interval(
    path: str,
    low: float | None,
    high: float | None,
    currency: str,
    *,
    locale: str | None = None,
) -> str:
    """A fit's 95 % interval in the value's own unit: "95 % 2.2 % to 10.0 %"; "" without one.

    The one style of an interval (calibrate.fit.common's, which the notes follow): a
    share in percent at one decimal ("95 % 13.0 % to 13.4 %"), money by sim.money in one
    scale, days and minutes with their unit, a plain number plain; never a fraction
    beside a percentage.
    """
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return ""
    unit = fit_unit(path)
    return f"95 % {interval_text((low, high), unit, currency=currency, locale=locale)}"


def print_fits(
    console: Console,
    calibration: Calibration,
    *,
    currency: str,
    locale: str | None = None,
) -> None:
    """Each fitted value on its own line, its field path whole, the note indented below.

    Not a table: a scenario path is up to about 60 characters, which a three-column
    table at 80 columns would cut. "channels.cold.connect_rate: 4.8 %, 95 % 2.2 % to 10.0 %"
    (the interval in the value's unit, :func:`fit_interval`), then "    fitted: 6
    connects a dial of 126, ...". Money in ``locale`` (the scenario's ``money_locale``).
    """
    fits = calibration.fits
    show(console, Text(f"Fitted from the records: {counted(len(fits), 'value')}", style="bold"))
    for f in fits:
        path = dotted(f.path)
        value = fit_value(path, f.value, currency, locale=locale)
        number = isinstance(f.value, int | float) and not isinstance(f.value, bool)
        span = fit_interval(path, f.low, f.high, currency, locale=locale) if number else ""
        value = f"{value}, {span}" if span and value else value
        if len(path) + 2 + len(value) <= console.width:
            show(console, Text.assemble((path, "bold"), ": ", value, overflow="fold"))
        else:  # the value on its own line rather than broken after the path
            show(console, Text(f"{path}:", style="bold", overflow="fold"))
            show(console, Padding(Text(value, overflow="fold"), (0, 0, 0, 2)))
        show(console, Padding(Text(f.note, overflow="fold"), (0, 0, 0, 4)))


def print_kept(console: Console, calibration: Calibration) -> None:
    """The values the records cannot tell, each by its scenario field, grouped by why.

    "not calibrated: assumption kept: 5 values", then "  no team file:" and each field
    ("    roles.seller.headcount.current") on a line of its own, whole at any width.
    """
    kept = calibration.kept
    if not kept:
        return
    show(console, Text(f"not calibrated: assumption kept: {counted(len(kept), 'value')}"))
    by_why: dict[str, list[str]] = {}
    for k in kept:
        by_why.setdefault(k.why, []).append(dotted(k.path))
    for why, fields in by_why.items():
        show(console, Padding(Text(f"{why}:", overflow="fold"), (0, 0, 0, 2)))
        for field in fields:
            show(console, Padding(Text(field, overflow="fold"), (0, 0, 0, 4)))


# --- the workbook ---------------------------------------------------------------------

# What each sheet holds, for the about sheet.
SHEETS: dict[str, str] = {
    "team funnel": "the team a month: now (the records' whole months) against what the plan "
    "needs, stage by stage, short of plan or in surplus",
    "people": "each person a month: now and their share of the need, stage by stage; win "
    "rate and monthly revenue with 95 % intervals",
    "furthest from plan": "the people below plan, furthest short first, with 95 % intervals",
    "back-test": "observed months against the simulated 80 % band, measure by measure",
    "fits": "each fitted value with its sample size and 95 % interval",
    "kept": "values the records cannot tell: the base scenario's assumption stays",
    "not written": "fits the scenario has no field for yet",
    "problems": "rows not used and warnings: file, row, column, what was expected and the "
    "group the terminal counts it in",
}
_PERCENT = "0.0%"
_DECIMAL = "#,##0.0"
_WHOLE = "#,##0"
_SHARES = {"share", "win_rate", "win_low", "win_high", "ratio", "ratio_low", "ratio_high"}
_MONEY = {"revenue_now", "revenue_needed", "revenue_low", "revenue_high"}
_WHOLES = {"closed", "won_total", "months"}
_PEOPLE_HEADERS = {
    "person": "Person",
    "role": "Role",
    "share": "Share of the revenue need",
    "closed": "Deals closed",
    "won_total": "Deals won",
    "win_rate": "Win rate",
    "win_low": "Win rate, 95 % low",
    "win_high": "Win rate, 95 % high",
    "months": "Whole months",
    "revenue_low": "Revenue a month, 95 % low",
    "revenue_high": "Revenue a month, 95 % high",
    "ratio": "Revenue now / needed",
    "ratio_low": "Now / needed, 95 % low",
    "ratio_high": "Now / needed, 95 % high",
    "in_team": "In the team file",
}
# A cell's number format: one for the column, or one for each row (by the row's measure).
_Formats = dict[str, str | list[str]]


def _money(currency: str) -> str:
    return f'#,##0 "{currency}"' if currency else _WHOLE


def _unit_format(unit: str, currency: str) -> str:
    return {"share": _PERCENT, "currency": _money(currency), "": "General"}.get(unit, _DECIMAL)


def _person_header(column: str, labels: Mapping[str, str] | None = None) -> str:
    for suffix, word in (("_now", "now"), ("_needed", "needed")):
        stage = column.removesuffix(suffix)
        if column.endswith(suffix) and stage in LABELS:
            return f"{(labels or LABELS).get(stage, LABELS[stage])}, {word}"
    return _PEOPLE_HEADERS.get(column, column)


def _person_format(column: str, currency: str) -> str:
    if column in _SHARES:
        return _PERCENT
    if column in _MONEY:
        return _money(currency)
    return _WHOLE if column in _WHOLES else _DECIMAL


def _people_sheet(
    frame: pd.DataFrame, currency: str, labels: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, _Formats]:
    formats: _Formats = {
        _person_header(str(c), labels): _person_format(str(c), currency)
        for c in frame.columns
        if c not in ("person", "role", "in_team")
    }
    return frame.rename(columns=lambda c: _person_header(str(c), labels)), formats


def _team_sheet(report: GoalsReport) -> tuple[pd.DataFrame, _Formats]:
    team = report.team
    gap = team["gap"].astype(float)
    frame = pd.DataFrame(
        {
            "Stage": [report.labels[str(s)] for s in team["stage"]],
            "Now, a month": team["now"],
            "Needed, a month": team["needed"],
            "Short of plan": gap.clip(lower=0.0),
            "Surplus": (-gap).clip(lower=0.0),
            "Now / needed": team["ratio"],
            "Now from": team["source"],
        }
    )
    by_row = [_money(report.currency) if s == "revenue" else _DECIMAL for s in team["stage"]]
    columns = ("Now, a month", "Needed, a month", "Short of plan", "Surplus")
    formats: _Formats = {c: by_row for c in columns}
    formats["Now / needed"] = _PERCENT
    return frame, formats


# The back-test sheet when there is nothing to compare: one line that says why.
BACKTEST_NOT_RUN = "not run: add --backtest"
BACKTEST_NO_MONTH = "no whole month of the records lies inside the simulated period"


def _backtest_sheet(
    bt: Backtest | None, locale: str | None = None
) -> tuple[pd.DataFrame, _Formats]:
    """The back-test by month and measure, its months named as the terminal's rows.

    Months by sim.month_title in ``locale`` (the report's); figures stay numbers,
    formatted by their unit.
    """
    names = ["Month", "Measure", "Observed", "Simulated mean", "Band low", "Band high"]
    names += ["Simulated P10", "Simulated P90"]
    if bt is None or not bt.months:
        note = BACKTEST_NOT_RUN if bt is None else BACKTEST_NO_MONTH
        return pd.DataFrame({"Back-test": [note]}), {}
    table = bt.table
    frame = pd.DataFrame(
        {
            "Month": [month_title(str(m), locale) for m in table["month"]],
            "Measure": [LABELS[str(m)] for m in table["measure"]],
            "Observed": table["observed"],
            "Simulated mean": table["mean"],
            "Band low": table["low"],
            "Band high": table["high"],
            "Inside the band": ["yes" if i else "no" for i in table["inside"]],
            "Simulated P10": table["p10"],
            "Simulated P90": table["p90"],
        }
    )
    unit = {"won": _DECIMAL, "revenue": _money(bt.currency), "win_rate": _PERCENT}
    by_row = [unit.get(str(m), _DECIMAL) for m in table["measure"]]
    return frame, {c: by_row for c in names[2:]}


def _fits_sheet(calibration: Calibration | None, currency: str) -> tuple[pd.DataFrame, _Formats]:
    fits = calibration.fits if calibration else ()
    paths = [dotted(f.path) for f in fits]

    def cell(path: str, value: object) -> object:
        # A number stays a number (formatted by its unit); a distribution or mix, words.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return round(value, 4)  # a width export can measure; Excel shows the format
        return fit_value(path, value, currency)

    frame = pd.DataFrame(
        {
            "field": paths,
            "value": [cell(p, f.value) for p, f in zip(paths, fits, strict=True)],
            "sample (n)": [f.n for f in fits],
            "95 % low": [f.low for f in fits],
            "95 % high": [f.high for f in fits],
            "note": [f.note for f in fits],
        },
        columns=["field", "value", "sample (n)", "95 % low", "95 % high", "note"],
    )
    by_row = [_unit_format(fit_unit(p), currency) for p in paths]
    return frame, {"value": by_row, "sample (n)": _WHOLE, "95 % low": by_row, "95 % high": by_row}


def _sheets(
    report: GoalsReport, backtest: Backtest | None, calibration: Calibration | None
) -> dict[str, tuple[pd.DataFrame, _Formats]]:
    """Sheet name -> (table, number formats by column)."""
    cur = report.currency
    kept = pd.DataFrame(
        [
            {"field": dotted(k.path), "why": k.why}
            for k in (calibration.kept if calibration else ())
        ],
        columns=["field", "why"],
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
                "fatal": "yes" if p.fatal else "no",
                "kind": "problem" if p.fatal else "note" if p.note else "warning",
                "group": p.group.partition(": ")[0],
            }
            for p in report.problems
        ],
        columns=["file", "row", "column", "message", "fatal", "kind", "group"],
    )
    return {
        "team funnel": _team_sheet(report),
        "people": _people_sheet(report.people, cur, report.labels),
        "furthest from plan": _people_sheet(report.furthest, cur),
        "back-test": _backtest_sheet(backtest, report.locale or None),
        "fits": _fits_sheet(calibration, cur),
        "kept": (kept, {}),
        "not written": (unwritten, {}),
        "problems": (problems, {"row": "0"}),
    }


def report_sheets(
    report: GoalsReport, backtest: Backtest | None, calibration: Calibration | None
) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: the report, the back-test, the fits and the problems.

    Headers in words; measures by :data:`calibrate.LABELS`; the fits' ``value`` a number
    where the fit is one, else its words (:func:`fit_value`).
    """
    return {name: frame for name, (frame, _) in _sheets(report, backtest, calibration).items()}


def _about(report: GoalsReport, backtest: Backtest | None) -> dict[str, object]:
    about: dict[str, object] = {f"sheet: {name}": text for name, text in SHEETS.items()}
    about.update(
        {
            "now: whole months": _months(report.months_now),
            "partial months left out": ", ".join(report.partial_months) or "none",
            "now and needed: the months": months_note(report),
            "win rate": report.not_fitted or "fitted from the closed deals",
            "plan": report.no_plan or plan_words(report),
            "largest gap": gap_note(report) if not report.plan_own else "none: no plan",
            "plan split": report.split_note or "none: no plan to split",
            "not in the team file": report.outside_note or "none",
            "not judged": judged_note(report) or "none",
            "rows": rows_note(report, where="see sheet problems"),
            "revenue interval": report.revenue_interval,
            "currency": report.currency,
        }
    )
    if backtest is None:
        about["back-test"] = BACKTEST_NOT_RUN
    else:
        about["back-test"] = ", ".join(
            f"{_lower(LABELS[m])} {i} of {n} inside" for m, (i, n) in backtest.inside.items()
        )
        about["band"] = band_note(backtest.replications)
        about["a correct model"] = sentences([correct_model_note(), *expected_verdicts(backtest)])
        about["months left out"] = left_out_note(backtest, report.locale or None) or "none"
    return about


def _format_cells(path: Path, formats: Mapping[str, _Formats]) -> None:
    """Set each column's number format in the written workbook (by header, row by row)."""
    book = openpyxl.load_workbook(path)
    for name, by_column in formats.items():
        if name not in book.sheetnames:
            continue  # a table with no rows has no sheet (teamsim.export.write_workbook)
        sheet = book[name]
        headers = {str(cell.value): cell.column for cell in sheet[1]}
        for header, fmt in by_column.items():
            column = headers[header]
            cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column)]
            each = [fmt] * len(cells) if isinstance(fmt, str) else fmt
            for cell, number_format in zip(cells, each, strict=True):
                cell.number_format = number_format
    book.save(path)


def write_excel(
    path: Path,
    report: GoalsReport,
    backtest: Backtest | None,
    calibration: Calibration | None,
) -> None:
    """Write the report, the back-test, the fits and the problems to an .xlsx workbook.

    Sheets: about (what each sheet holds; the months, the largest gap, the rows used,
    the back-test's count), team funnel, people, furthest from plan, back-test, fits,
    kept, not written, problems. Each with a bold, frozen header and fitted widths
    (:func:`teamsim.export.write_workbook`); shares formatted as percentages, money
    with thousands separators and the currency, counts and days with one decimal.

    Raises:
        teamsim.export.ExportError: If the file cannot be written (a TeamsimError).
        TeamsimError: If the path does not end in .xlsx.
    """
    if path.suffix.lower() != ".xlsx":
        raise TeamsimError(f"cannot write {path}: expected a .xlsx file name")
    sheets = _sheets(report, backtest, calibration)
    # Rounded so the widths export measures from the values fit what Excel shows.
    tables = {name: frame.round(4) for name, (frame, _) in sheets.items()}
    write_workbook(path, tables, _about(report, backtest))
    _format_cells(path, {name: formats for name, (_, formats) in sheets.items()})
