"""The hiring plan over the year in the terminal, in JSON, in the run store and in Excel.

Issue 12, stage S15 (docs/dev/hiring_plan.md, section 7.1). Everything here reads a
hiring plan as ``HiringPlan.to_dict()`` (section 7.1's keys) and the verify loop's two
tables (``months_table``, ``iterations_table``), so ``plan --hiring`` and ``runs show``
print a run through the same functions, from the live plan or from what the store kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import Group
from rich.markup import escape

from optimizer import HiringPlan, VerifiedHiring
from sim import format_chance, format_percent, month_title, month_titles, scenario_hash, title
from sim.scenario import Scenario
from teamsim import __version__
from teamsim.declared import HIRING_PARAM as HIRING_PARAM  # read here by its users
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.format import (
    fmt_figure,
    format_money,
    format_money_column,
    money_scale,
)
from teamsim.store import RunMeta, Store
from teamsim.verify_view import titled_roles

RUN_KIND = "hiring"


@dataclass(frozen=True)
class HiringCheck:
    """What the verify loop said of the final calendar (from the loop or the store)."""

    met: bool
    reason: str
    confidence: float
    months: pd.DataFrame  # VerifiedHiring.months_table()
    iterations: pd.DataFrame  # VerifiedHiring.iterations_table()


def check_of(verified: VerifiedHiring) -> HiringCheck:
    """The loop's verdict and tables."""
    return HiringCheck(
        met=verified.met,
        reason=verified.reason,
        confidence=verified.confidence,
        months=verified.months_table(),
        iterations=verified.iterations_table(),
    )


# -- terminal ---------------------------------------------------------------------------


def render_hiring(
    data: Mapping[str, Any], scenario: Scenario, check: HiringCheck | None = None
) -> Group:
    """Header, calendar, month by month, limits by month, notes; verdict and iterations.

    ``data``: ``HiringPlan.to_dict()``; ``check``: the verify loop's, when verified.
    """
    loc = scenario.money_locale
    cur = str(data.get("currency") or scenario.currency)
    parts: list[Any] = [_head(data, scenario, cur, loc)]
    if check is not None:
        colour = "green" if check.met else "yellow"
        words = "hiring plan verified" if check.met else "hiring plan NOT verified"
        parts.append(f"[bold {colour}]{words}[/]: {check.reason}")
    parts.append(_calendar(data, scenario, cur, loc))
    short = short_text(data, loc)  # (an empty calendar says it in its own line)
    if short:
        parts.append(escape(short))
    backfills = _backfills(data, scenario, loc)
    if backfills:
        parts.append(f"[dim]{backfills}[/]")
    parts.append(_months(data, cur, loc, check))
    parts.append(_limits(data, loc))
    if check is not None:
        parts.append(_iterations(check, scenario, cur, loc))
    parts += [f"[dim]{note}[/]" for note in data.get("notes", [])]
    return Group(*parts)


def _head(data: Mapping[str, Any], scenario: Scenario, cur: str, loc: str) -> str:
    months = data.get("months", [])
    counted = [m["label"] for m in months if m["counted"]]
    # The span is the table's: its first to its last row, lead-in months included (a
    # header that stopped at the last counted month named fewer months than the table).
    span = (
        f"{month_title(months[0]['label'], loc)} to {month_title(months[-1]['label'], loc)}"
        if months
        else "-"
    )
    budget = data.get("budget")
    said = (
        f"; budget {format_money(budget, cur, loc)} a {data.get('budget_period', 'month')}"
        if budget is not None
        else ""
    )
    objective = {
        "cost": "least cost meeting every month's plan",
        "revenue": "most revenue within the budget",
        "margin": "most gross margin within the budget",
    }.get(str(data.get("objective")), str(data.get("objective")))
    return (
        f"[bold]{data.get('scenario') or scenario.name}[/]: hiring plan ({objective}), "
        f"solver {data.get('solver')}, {data.get('rounds')} round(s)\n"
        f"Months {span} ({len(counted)} counted); team cost over the horizon "
        f"{format_money(data.get('total_cost'), cur, loc)}{said}; expected revenue in the "
        f"counted months {format_money(data.get('counted_revenue'), cur, loc)}"
    )


def _calendar(data: Mapping[str, Any], scenario: Scenario, cur: str, loc: str) -> Any:
    lines = data.get("calendar", [])
    if not lines:
        return _no_hire(data, loc)
    costs = format_money_column([line["delay_cost"] for line in lines], cur, loc)
    grid = Grid(
        title="Hiring calendar",
        key="hire",
        columns={h: [] for h in ("a month later loses", "misses", "pays back by")},
    )
    for line, cost in zip(lines, costs, strict=True):
        unit = "margin" if "margin" in str(line.get("delay_cost_unit")) else "revenue"
        appraised = bool(line.get("appraised"))
        grid.add_row(
            str(line["text"]),
            [
                f"{cost} of {unit}" if line["delay_cost"] is not None else "-",
                month_titles(line.get("delay_short_months") or [], loc) or "-",
                month_title(line["payback_month"], loc)
                if line.get("payback_month")
                else ("after the horizon" if appraised else "-"),
            ],
        )
    grid.caption = (
        "a month later: one of the line's people starting a month later, revenue (margin) "
        "lost in the counted months; misses: months whose plan it then misses; pays back "
        "by: the month the margin that person adds (revenue when no segment states one), "
        "summed, reaches their cost summed"
    )
    return FittedGrid(grid)


def _no_hire(data: Mapping[str, Any], loc: str) -> str:
    return f"[bold]Hiring calendar[/]: {escape(no_hire_text(data, loc))}"


def no_hire_text(data: Mapping[str, Any], loc: str) -> str:
    """An empty calendar in words (CLI and dashboard): the months it meets, or leaves short.

    ``data``: ``HiringPlan.to_dict()``; months named in ``loc`` (sim.month_titles).
    """
    team = "the people in seat (with the joiners and leavers the scenario lists)"
    short = short_months(data)
    within = " within the budget" if data.get("budget") is not None else ""
    if not short:
        return f"No hire{within}: {team} meet every counted month's plan."
    return f"No hire{within}: {team} fall short of the plan in {month_titles(short, loc)}."


def short_text(data: Mapping[str, Any], loc: str) -> str:
    """A calendar's months short of the plan in words ("" when none), CLI and dashboard."""
    short = short_months(data)
    if not data.get("calendar") or not short:
        return ""
    return f"The calendar falls short of the plan in {month_titles(short, loc)}."


def short_months(data: Mapping[str, Any]) -> list[str]:
    """The counted months (labels) whose expected revenue is below their plan (to 1e-6)."""
    return [
        str(m["label"])
        for m in data.get("months", [])
        if m.get("counted")
        and m.get("plan") is not None
        and float(m["expected_revenue"]) < float(m["plan"]) * (1 - 1e-6)
    ]


def _backfills(data: Mapping[str, Any], scenario: Scenario, loc: str) -> str:
    total: dict[str, float] = {}
    for row in data.get("role_months", []):
        total[row["role"]] = total.get(row["role"], 0.0) + float(row.get("backfills") or 0.0)
    said = [
        f"{fmt_figure(n, 1, loc)} {title(rid, scenario)}" for rid, n in total.items() if n >= 0.05
    ]
    if not said:
        return ""
    return "Plus expected backfills of random leavers over the horizon: " + ", ".join(said)


def _months(data: Mapping[str, Any], cur: str, loc: str, check: HiringCheck | None) -> FittedGrid:
    months = list(data.get("months", []))
    seats: dict[int, list[float]] = {}
    for row in data.get("role_months", []):
        got = seats.setdefault(int(row["month"]), [0.0, 0.0, 0.0])
        got[0] += float(row.get("seats") or 0.0)
        got[1] += float(row.get("ramping") or 0.0)
        got[2] += float(row.get("hires") or 0)
    verified = {} if check is None else {int(r["month"]): r for r in _records(check.months)}
    # A plan the verify loop raised stands apart from the plan (issue 11): "sized for".
    raised = any(m.get("sized_for") is not None for m in months)
    money = [m["plan"] for m in months] + [m["expected_revenue"] for m in months]
    money += [m.get("sized_for") for m in months if m.get("sized_for") is not None]
    one = money_scale(money, loc)
    heads = ["plan", *(["sized for"] if raised else []), "expected revenue", "attainment"]
    heads += ["cost", "seats", "ramping", "hires"]
    if check is not None:
        heads += ["simulated revenue", "P10-P90", "P(month met) (95 % interval)"]
    grid = Grid(title="Month by month", key="month", columns={h: [] for h in heads})
    costs = format_money_column([m["cost"] for m in months], cur, loc)
    for m, cost in zip(months, costs, strict=True):
        index = int(m["month"])
        seat, ramping, hires = seats.get(index, [0.0, 0.0, 0.0])
        sized = m.get("sized_for")
        cells = [
            format_money(m["plan"], cur, loc, scale=one) if m["counted"] else "lead-in",
            *([format_money(sized, cur, loc, scale=one) if sized else ""] if raised else []),
            # A lead-in month's revenue is not planned (only counted months are rows; the
            # model leaves it to what counted months need): not shown as a forecast.
            format_money(m["expected_revenue"], cur, loc, scale=one) if m["counted"] else "",
            format_percent(m["expected_attainment"], locale=loc) if m["counted"] else "",
            cost,
            fmt_figure(seat, 1, loc),
            fmt_figure(ramping, 1, loc),
            str(int(hires)) if hires else "",
        ]
        if check is not None:
            v = verified.get(index)
            cells += (
                [
                    format_money(v["simulated_revenue"], cur, loc, scale=one),
                    format_money(v["p10"], cur, loc, scale=one)
                    + " to "
                    + format_money(v["p90"], cur, loc, scale=one),
                    format_chance(v["p_met"], v["p_low"], v["p_high"], labelled=False, locale=loc),
                ]
                if v is not None
                else ["", "", ""]
            )
        # The month by its name (sim.month_title); JSON keeps "YYYY-MM".
        grid.add_row(
            month_title(str(m["label"]), loc), cells, style=None if m["counted"] else "dim"
        )
    grid.caption = (
        "lead-in: a month the plan does not count (warm-up, or partly outside the "
        "horizon), where hires start and leads are made, its revenue not planned; expected "
        "revenue: what the calendar's team closes working every lead it gets, shared among "
        "the people present as the simulator shares them; seats and ramping: people in "
        "seat and those still ramping, all roles, means over the month's working days"
        + (
            "; sized for: the plan raised by the verify loop's margin for the spread "
            "(attainment is against the plan)"
            if raised
            else ""
        )
        + (
            f"; P(month met): the share of replications whose month meets its plan, "
            f"asked: {format_percent(check.confidence, locale=loc)}"
            if check is not None
            else ""
        )
    )
    return FittedGrid(grid)


def _limits(data: Mapping[str, Any], loc: str) -> Any:
    limits = data.get("limits", [])
    if not limits:
        return "[bold]Binding limits[/]: none"
    grid = Grid(title="Binding limits by month", key="limit", columns={"months": []})
    for lim in limits:
        grid.add_row(str(lim["text"]), [month_titles(lim.get("months") or [], loc)])
    return FittedGrid(grid)


def _iterations(check: HiringCheck, scenario: Scenario, cur: str, loc: str) -> FittedGrid:
    rows = _records(check.iterations)
    costs = format_money_column([float(r["cost"]) for r in rows], cur, loc)
    heads = ("hires", "cost", "margins", "months below", "P(plan met) (95 % interval)")
    grid = Grid(
        title="Iterations: plan the calendar -> simulate -> raise the short months",
        key="#",
        columns={h: [] for h in heads},
    )
    words = []
    for row, cost in zip(rows, costs, strict=True):
        low, high = float(row["min_margin"]) - 1, float(row["max_margin"]) - 1
        margins = format_percent(low, digits=0, signed=True, locale=loc)
        if round(high, 2) != round(low, 2):
            margins += " to " + format_percent(high, digits=0, signed=True, locale=loc)
        grid.add_row(
            str(row["iteration"]),
            [
                titled_roles(str(row["hires"]), scenario),
                cost,
                margins,
                month_titles(str(row["months_below"]).split(", "), loc)
                if row["months_below"]
                else "-",
                format_chance(
                    row["p_plan_met"], row["p_low"], row["p_high"], labelled=False, locale=loc
                ),
            ],
        )
        lag = str(row.get("lag_extra_days") or "")
        then = str(row.get("change") or "")
        if lag or then:
            words.append(
                f"{row['iteration']}. "
                + "; ".join(
                    ([f"lag correction (days) {lag}"] if lag else [])
                    + ([f"then {then}"] if then else [])
                )
            )
    grid.caption = "\n".join(words)
    return FittedGrid(grid)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- JSON -------------------------------------------------------------------------------


def hiring_json(plan: HiringPlan, check: HiringCheck | None, run_id: str = "") -> dict[str, Any]:
    """``plan.to_dict()``; verified: plus met, reason, run_id, iterations, months_verified.

    Goes through ``teamsim.console.print_json``, which writes NaN as null.
    """
    data = plan.to_dict()
    if check is not None:
        data.update(
            met=check.met,
            reason=check.reason,
            confidence=check.confidence,
            run_id=run_id,
            iterations=check.iterations.to_dict(orient="records"),
            months_verified=check.months.to_dict(orient="records"),
        )
    elif run_id:
        data["run_id"] = run_id
    return data


# -- tables: the store and Excel ----------------------------------------------------------


def hiring_tables(data: Mapping[str, Any], check: HiringCheck | None) -> dict[str, pd.DataFrame]:
    """The plan's tables (calendar, months, role_months, limits) and the loop's."""
    # A table's "month" is a month index, as every stored table's (the exports date it);
    # the calendar's month label goes under "label", as in hiring_months.
    calendar = [
        {
            **{("label" if k == "month" else k): v for k, v in line.items()},
            "delay_short_months": ", ".join(line.get("delay_short_months") or []),
        }
        for line in data.get("calendar", [])
    ]
    limits = [{**lim, "months": ", ".join(lim.get("months") or [])} for lim in data["limits"]]
    tables = {
        "hiring_calendar": pd.DataFrame(calendar, columns=_CALENDAR_COLUMNS),
        "hiring_months": pd.DataFrame(data.get("months", [])),
        "hiring_role_months": pd.DataFrame(data.get("role_months", [])),
        "hiring_limits": pd.DataFrame(limits, columns=["family", "subject", "months", "text"]),
    }
    if check is not None:
        tables["hiring_months_verified"] = check.months
        tables["hiring_iterations"] = check.iterations
    return tables


_CALENDAR_COLUMNS = [
    "role",
    "title",
    "level",
    "count",
    "start",
    "label",
    "text",
    "delay_cost",
    "delay_cost_unit",
    "delay_revenue",
    "delay_margin",
    "delay_saving",
    "delay_short_months",
    "payback_month",
    "appraised",
]


def workbook_tables(
    data: Mapping[str, Any], check: HiringCheck | None, locale: str | None = None
) -> dict[str, pd.DataFrame]:
    """The sheets of ``--excel``: calendar, months, role_months (and the loop's).

    As the other workbooks (teamsim.export.write_workbook): a month is a name beside its
    index (``month`` and ``month_name``, which the writer turns into the locale's "март
    2027 г."), a start date a date, lists of months (a line's misses, its payback month,
    a limit's months) names in ``locale`` (teamsim.export.workbook_locale's); the stored
    tables keep the "2027-03" labels.
    """
    tables = hiring_tables(data, check)
    index = {str(m["label"]): int(m["month"]) for m in data.get("months", [])}
    return {
        name.removeprefix("hiring_"): _month_lists(_named_months(frame, index), locale)
        for name, frame in tables.items()
    }


_MONTH_LISTS = ("delay_short_months", "payback_month", "months")


def _month_lists(frame: pd.DataFrame, locale: str | None) -> pd.DataFrame:
    """Columns of "2027-04, 2027-05" as month names ("April 2027, May 2027")."""

    def named(cell: Any) -> Any:
        if not isinstance(cell, str) or not cell:
            return cell
        labels = [x.strip() for x in cell.split(",")]
        if not all(len(x) == 7 and x[4] == "-" and x.replace("-", "").isdigit() for x in labels):
            return cell
        return ", ".join(month_title(x, locale, wide=True) for x in labels)

    for column in _MONTH_LISTS:
        if column in frame.columns and frame[column].dtype == object:
            frame = frame.assign(**{column: frame[column].map(named)})
    return frame


def _named_months(frame: pd.DataFrame, index: Mapping[str, int]) -> pd.DataFrame:
    """A table's month labels as the workbook writer names months; start dates as dates."""
    if "label" in frame.columns:
        names = frame["label"].map(lambda label: month_title(str(label), None, wide=True))
        months = frame["month"] if "month" in frame.columns else frame["label"].map(index)
        at = min(list(frame.columns).index(c) for c in ("label", "month") if c in frame.columns)
        frame = frame.drop(columns=[c for c in ("label", "month") if c in frame.columns])
        frame.insert(min(at, len(frame.columns)), "month", months)
        frame.insert(min(at, len(frame.columns)) + 1, "month_name", names)
    if "start" in frame.columns:
        frame = frame.assign(start=pd.to_datetime(frame["start"]).dt.date)
    return frame


def save_hiring(
    store: Store,
    plan: HiringPlan,
    scenario: Scenario,
    *,
    verified: VerifiedHiring | None,
    scenario_text: str,
    overrides: Sequence[str],
    started_at: dt.datetime,
) -> str:
    """Store a hiring run (kind ``hiring``): the plan, its tables, and the loop's run."""
    check = check_of(verified) if verified is not None else None
    data = plan.to_dict()
    tables = hiring_tables(data, check)
    result = verified.final.simulated.result if verified is not None else None
    if result is not None:
        tables = {**dict(result.tables()), **tables}
    label = "planned" if check is None else "verified" if check.met else "not verified"
    params: dict[str, Any] = {
        "overrides": list(overrides),
        "objective": plan.objective,
        "budget": plan.budget,
        "budget_period": plan.budget_period,
        HIRING_PARAM: data,
    }
    if verified is not None:
        params.update(
            confidence=verified.confidence,
            met=verified.met,
            reason=verified.reason,
            margins={str(k): v for k, v in verified.final.margins.items()},
            lag_extra_days=dict(verified.final.lag_extra_days),
        )
    meta = RunMeta(
        kind=RUN_KIND,
        scenario_name=scenario.name,
        scenario_text=scenario_text,
        seed=None if result is None else result.seed,
        replications=None if result is None else result.replications,
        code_version=__version__,
        started_at=started_at,
        status="complete",
        label=label,
        params=params,
        scenario_hash=scenario_hash(scenario),
    )
    return store.save_run(meta, tables)


def stored_hiring(
    params: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> tuple[dict[str, Any] | None, HiringCheck | None]:
    """The plan and the loop's verdict a hiring run stored (None: not stored)."""
    data = params.get(HIRING_PARAM)
    if not isinstance(data, dict):
        return None, None
    if "hiring_months_verified" not in tables or "hiring_iterations" not in tables:
        return data, None
    check = HiringCheck(
        met=bool(params.get("met")),
        reason=str(params.get("reason", "")),
        confidence=float(params.get("confidence") or 0.0),
        months=tables["hiring_months_verified"],
        iterations=tables["hiring_iterations"],
    )
    return data, check


def hiring_results(st: Store, meta: Mapping[str, Any], scenario: Scenario) -> list[Any]:
    """A hiring run as ``plan --hiring`` printed it (``runs show``), from what it stored."""
    run_id, stored = str(meta["run_id"]), meta["tables"]
    names = ("hiring_months_verified", "hiring_iterations")
    tables = {name: st.load_table(run_id, name) for name in names if stored.get(name)}
    data, check = stored_hiring(meta["params"], tables)
    if data is None:
        return []
    return [render_hiring(data, scenario, check)]
