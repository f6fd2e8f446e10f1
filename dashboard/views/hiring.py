"""Hiring: who to hire in which month over the horizon, and when the revenue follows.

Issue 12, stage S17 (docs/dev/hiring_plan.md, section 7.2). The plan's tables come from
``HiringPlan.to_dict()`` through :func:`teamsim.hiring_view.hiring_tables`, as
``teamsim plan --hiring`` stores and exports them; the workbook is the one its
``--excel`` writes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, exports, state, ui
from optimizer import (
    CalendarValue,
    HireLine,
    HireMove,
    HiringPlan,
    InfeasiblePlanError,
    PlanError,
    VerifiedHiring,
    hire_move,
)
from sim import (
    format_chance,
    format_money,
    format_money_column,
    format_percent,
    month_title,
    month_titles,
    title,
)
from sim.scenario import Scenario
from teamsim.export import workbook_locale
from teamsim.hiring_move_view import month_caption, month_table, totals_table
from teamsim.hiring_view import (
    hiring_tables,
    no_hire_text,
    short_months,
    short_text,
    workbook_tables,
)
from teamsim.store import scenario_text_hash
from teamsim.verify_view import titled_roles

OBJECTIVES = {
    "Least cost meeting every month's plan": "cost",
    "Most revenue within a budget": "revenue",
    "Most gross margin within a budget": "margin",
}
PERIODS = {"a month": "month", "a year": "year"}
# Verify on the page: a few replications and iterations, so that it answers in a minute
# (the command's default is verify_hiring's 40 replications and 6 iterations).
VERIFY_REPLICATIONS = 5
VERIFY_ITERATIONS = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render() -> None:
    """The page."""
    ui.header(
        "Hiring",
        "Who to hire in which month so that every month's plan is met (or the most revenue "
        "within a budget): new people ramp up, and a lead's revenue comes weeks after it.",
    )
    source, edits, scenario = ui.current_scenario()
    if scenario is None:
        return
    with st.form("hiring"):
        objective = st.radio("Objective", list(OBJECTIVES), horizontal=True, key="hiring_objective")
        left, right = st.columns(2)
        budget = left.number_input(
            f"Budget, {scenario.currency} (0: none)",
            min_value=0.0,
            value=0.0,
            step=100_000.0,
            format="%.0f",
            key="hiring_budget",
        )
        period = right.radio(
            "The budget is for", list(PERIODS), horizontal=True, key="hiring_period"
        )
        asked = st.form_submit_button("Plan the year", type="primary")
    here = (scenario_text_hash(source.text), edits)
    if asked:
        state.remember("hiring", here, (OBJECTIVES[objective], budget or None, PERIODS[period]))
    kept = state.recall("hiring", here)
    if kept is None:
        st.info("Choose an objective (and a budget for revenue or margin), then **Plan the year**.")
        return
    goal, amount, per = kept
    with st.spinner("Planning hires month by month"):
        try:
            plan = state.plan_hiring(
                source.text, source.origin, edits, objective=goal, budget=amount, period=per
            )
        except InfeasiblePlanError as exc:
            impossible(exc, "No hiring plan is possible")
            return
        except ValueError as exc:  # a margin objective with no gross margin, no budget, ...
            st.error(f"**The hiring plan cannot be asked so:** {ui.escape(str(exc))}")
            return
    _plan(plan, scenario)
    _move(plan, scenario, source, edits)
    st.divider()
    _verify(scenario, source, edits, kept)


def impossible(exc: InfeasiblePlanError, what: str) -> None:
    """An impossible calendar: the reason and each way out, as an error box (no traceback)."""
    ways = [f"- {ui.escape(c.remedy)}" for c in exc.causes]
    st.error(
        f"**{what}:** {ui.escape(exc.reason)}\n\nAny one of these would make it feasible:\n"
        + "\n".join(ways),
        icon=":material/block:",
    )


def _plan(plan: HiringPlan, scenario: Scenario) -> None:
    data = plan.to_dict()
    tables = hiring_tables(data, None)
    cur, loc = plan.currency or scenario.currency, scenario.money_locale
    hires = sum(plan.hires.values())
    cols = st.columns(3)
    cols[0].metric("People to hire", hires)
    cols[1].metric("Team cost over the horizon", format_money(plan.total_cost, cur, loc))
    cols[2].metric("Expected revenue, counted months", format_money(plan.counted_revenue, cur, loc))
    st.subheader("Hiring calendar")
    short = short_text(data, loc)
    if not plan.calendar:
        said = no_hire_text(data, loc)  # the CLI's words (teamsim.hiring_view)
        (st.warning if short_months(data) else st.success)(ui.escape(said))
    else:
        if short:
            st.warning(ui.escape(short))
        ui.text_table(calendar_table(tables["hiring_calendar"], cur, loc))
        st.caption(
            "A month later: one of the line's people starting a month later, revenue (margin) "
            "lost in the counted months, and the months whose plan it then misses; pays back "
            "by: the month the margin that person adds (revenue when no segment states one), "
            "summed, reaches their cost summed."
        )
    months = tables["hiring_months"]
    role_months = tables["hiring_role_months"]
    ui.chart(charts.hiring_headcount(role_months, months, scenario),
             "People in seat by month, all roles: ramped and still ramping (hatched) by "
             "level; productive seats weigh each person by their ramp share.",
             key="hiring_headcount")  # fmt: skip
    ui.chart(charts.hiring_revenue(months, cur, loc),
             "Each counted month's plan against the revenue the calendar's team is expected "
             "to close in it; lead-in months are shaded.", key="hiring_revenue")  # fmt: skip
    st.subheader("Month by month")
    st.dataframe(months_table(months, role_months, cur, loc), hide_index=True, width="stretch",
                 key="hiring_months")  # fmt: skip
    st.subheader("Limits by month")
    limits = tables["hiring_limits"]
    if limits.empty:
        st.caption("No limit binds.")
    else:
        shown = limits[["text", "months"]].rename(columns={"text": "limit"})
        shown["months"] = [_months(v, loc) for v in shown["months"]]
        ui.text_table(shown)
    for note in plan.notes:
        st.caption(note)
    about = {
        "scenario": scenario.name,
        "what": "hiring plan over the year (dashboard Hiring page)",
        "objective": plan.objective,
        "budget": "none"
        if plan.budget is None
        else f"{format_money(plan.budget, cur, loc)} a {plan.budget_period}",
    }
    st.download_button(
        "Download the plan (Excel)",
        lambda: exports.workbook_bytes(
            workbook_tables(data, None, workbook_locale([scenario])),
            about,
            currency=cur,
            locale=workbook_locale([scenario]),
        ),
        file_name="hiring_plan.xlsx",
        mime=XLSX,
        on_click="ignore",
    )


def calendar_table(calendar: pd.DataFrame, cur: str, loc: str) -> pd.DataFrame:
    """The calendar lines with a month's delay cost, the months it misses and the payback."""
    costs = format_money_column([_num(v) for v in calendar["delay_cost"]], cur, loc)
    rows = []
    for line, cost in zip(_records(calendar), costs, strict=True):
        unit = "margin" if "margin" in str(line.get("delay_cost_unit")) else "revenue"
        appraised = bool(line.get("appraised"))
        rows.append({
            "hire": str(line["text"]),
            "a month later loses": f"{cost} of {unit}" if _num(line["delay_cost"]) is not None
            else "-",
            "then misses": _months(line.get("delay_short_months"), loc) or "-",
            "pays back by": _months(line.get("payback_month"), loc)
            or ("after the horizon" if appraised else "-"),
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["hire", "a month later loses", "then misses", "pays back by"]
    )


def months_table(
    months: pd.DataFrame, role_months: pd.DataFrame, cur: str, loc: str
) -> pd.DataFrame:
    """Month by month: plan (or lead-in), expected revenue, attainment, cost and people."""
    people = role_months.groupby("month")[["seats", "productive", "ramping", "hires"]].sum()
    rows = _records(months)
    plans = format_money_column([_num(r["plan"]) for r in rows], cur, loc)
    # The plan the verify loop raised by its margin, apart from the plan (issue 11).
    raised = [_num(r.get("sized_for")) for r in rows]
    sized = format_money_column(raised, cur, loc)
    revenue = format_money_column([float(r["expected_revenue"]) for r in rows], cur, loc)
    costs = format_money_column([float(r["cost"]) for r in rows], cur, loc)
    shown = []
    for i, r in enumerate(rows):
        p, up, rev, cost = plans[i], sized[i], revenue[i], costs[i]
        seat = people.loc[int(r["month"])] if int(r["month"]) in people.index else None
        shown.append({
            "month": month_title(str(r["label"]), loc),
            "plan": p if bool(r["counted"]) else "lead-in",
            **({"sized for": up if raised[i] else ""} if any(raised) else {}),
            "expected revenue": rev if bool(r["counted"]) else "",  # lead-in: not planned
            "attainment": format_percent(_num(r["expected_attainment"]), locale=loc)
            if bool(r["counted"]) else "",
            "cost": cost,
            "seats": None if seat is None else round(float(seat["seats"]), 1),
            "productive seats": None if seat is None else round(float(seat["productive"]), 1),
            "ramping": None if seat is None else round(float(seat["ramping"]), 1),
            "hires": None if seat is None else int(seat["hires"]),
        })  # fmt: skip
    return pd.DataFrame(shown)


# -- move a hire ------------------------------------------------------------------------

AFTER_HORIZON = "after"  # a target month past the horizon (hire_move's None)
MOVE_MODES = (
    "Move a line of the calendar",
    "What if: hire in one month rather than another",
)
PLANNED = ("the plan's calendar", "moved")  # the comparison's columns for a moved line


def moved_calendar(
    plan: HiringPlan, line: HireLine, to: str | None, scenario: Scenario
) -> HireMove:
    """The plan's calendar and the one with a calendar line's people starting in ``to``.

    ``to``: a month label, or None: after the horizon (its people are not hired in it).
    The rule and its words are optimizer.hire_move's, as ``plan --hiring --move`` reads
    them (months named in the scenario's locale, sim.month_title).

    Raises:
        ValueError: ``to`` is the line's own month or not in the horizon.
    """
    return hire_move(
        scenario, plan.hires, role=line.role, start=line.month, to=to, count=line.count
    )


def _move(
    plan: HiringPlan, scenario: Scenario, source: state.Source, edits: tuple[str, ...]
) -> None:
    st.subheader("Move a hire")
    loc = scenario.money_locale
    if plan.calendar:
        mode = st.radio("Compare", MOVE_MODES, horizontal=True, key="hiring_move_mode")
    else:
        st.caption(
            "No hire in the calendar to move: ask what hiring people in one month rather "
            "than another would change."
        )
        mode = MOVE_MODES[1]
    try:
        if mode == MOVE_MODES[0]:
            move, names = _line_move(plan, scenario), PLANNED
        else:
            move = _what_if(plan, scenario)
            names = (f"hired in {_month_name(move.start, loc)}", f"hired {_then(move.to, loc)}")
    except ValueError as exc:  # the same month twice: the rule says so
        st.info(ui.escape(str(exc)[:1].upper() + str(exc)[1:]) + ".")
        return
    with st.spinner("Evaluating both calendars"):
        try:
            base = state.evaluate_calendar(source.text, source.origin, edits, _hires(move.base))
            other = state.evaluate_calendar(source.text, source.origin, edits, _hires(move.other))
        except InfeasiblePlanError as exc:
            impossible(exc, "The moved calendar breaks a limit")
            return
    cur = plan.currency or scenario.currency
    st.markdown(f"**{ui.escape(move.words[0].upper() + move.words[1:])}**")
    ui.text_table(value_table(base, other, cur, loc, names=names))
    st.dataframe(moved_months(base, other, cur, loc, names=names), hide_index=True, width="stretch",
                 key="hiring_moved_months")  # fmt: skip
    st.caption(month_caption(names))
    ui.chart(charts.hiring_revenue(_frame(base), cur, loc, moved=_frame(other)),
             f"Both calendars as the plan's months are: what each team closes in each month, "
             f"working every lead it gets "
             f"({names[0]}: expected revenue; {names[1]}: calendar moved).",
             key="hiring_moved_revenue")  # fmt: skip


def _line_move(plan: HiringPlan, scenario: Scenario) -> HireMove:
    """A calendar line and the month its people start in instead (by default the next)."""
    texts = [line.text for line in plan.calendar]
    left, right = st.columns([3, 2])
    picked = left.selectbox("Calendar line", texts, key="hiring_move_line")
    line = plan.calendar[texts.index(picked)]
    targets = [m for m in plan.months if m != line.month] + [AFTER_HORIZON]
    to = right.selectbox(
        "Start them in",
        targets,
        index=plan.months.index(line.month),  # the month after the line's
        format_func=lambda m: _month_name(m, scenario.money_locale),
        key="hiring_move_to",
    )
    return moved_calendar(plan, line, None if to == AFTER_HORIZON else to, scenario)


def _what_if(plan: HiringPlan, scenario: Scenario) -> HireMove:
    """Hire N of a role in one month rather than another (added to the plan's calendar)."""
    loc = scenario.money_locale
    months = list(plan.months)
    # The calendar's roles first, then those that sell the most (the line before a coach).
    selling = sorted(scenario.roles, key=lambda rid: -scenario.roles[rid].sells)
    order = list(dict.fromkeys([*(line.role for line in plan.calendar), *selling]))
    cols = st.columns([1, 2, 2, 2])
    n = cols[0].number_input("Hire", min_value=1, value=1, step=1, key="hiring_whatif_count")
    role = cols[1].selectbox(
        "people of", order, format_func=lambda r: title(r, scenario), key="hiring_whatif_role"
    )
    to = cols[2].selectbox(
        "in",
        [*months, AFTER_HORIZON],
        index=0,
        format_func=lambda m: _month_name(m, loc),
        key="hiring_whatif_to",
    )
    start = cols[3].selectbox(
        "rather than in",
        months,
        index=min(2, len(months) - 1),
        format_func=lambda m: _month_name(m, loc),
        key="hiring_whatif_from",
    )
    st.caption(
        "Both calendars are the plan's with these people hired in the month after "
        "'rather than' (added where the plan hires fewer there); the second starts them "
        "in the other month instead."
    )
    to_month = None if to == AFTER_HORIZON else to
    return hire_move(scenario, plan.hires, role=role, start=start, to=to_month, count=int(n))


def _month_name(label: str, loc: str) -> str:
    return "after the horizon" if label == AFTER_HORIZON else month_title(label, loc)


def _then(to: str | None, loc: str) -> str:
    return "after the horizon" if to is None else f"in {month_title(to, loc)}"


def value_table(
    base: CalendarValue,
    other: CalendarValue,
    cur: str,
    loc: str,
    *,
    names: tuple[str, str] = PLANNED,
) -> pd.DataFrame:
    """Over the horizon: both calendars and the difference (``plan --hiring --move``'s table)."""
    table = totals_table(base, other, cur, loc, names=names)
    return pd.DataFrame(list(table.rows), columns=list(table.heads))


def moved_months(
    base: CalendarValue,
    other: CalendarValue,
    cur: str,
    loc: str,
    *,
    names: tuple[str, str] = PLANNED,
) -> pd.DataFrame:
    """Month by month: the plan, both calendars and the difference (the command's table)."""
    table = month_table(base, other, cur, loc, names=names)
    return pd.DataFrame(list(table.rows), columns=list(table.heads))


# -- verify by simulation ----------------------------------------------------------------


def _verify(
    scenario: Scenario,
    source: state.Source,
    edits: tuple[str, ...],
    asked: tuple[str, float | None, str],
) -> None:
    st.subheader("Verify by simulation")
    st.markdown(
        "Simulate the calendar (the scenario's seed) and raise the months that fall short, "
        "as `teamsim plan --hiring --verify` does; a few replications give a first reading."
    )
    with st.form("hiring_verify"):
        left, right = st.columns(2)
        reps = left.number_input(
            "Replications per iteration",
            min_value=2,
            max_value=200,
            value=VERIFY_REPLICATIONS,
            step=1,
            key="hiring_reps",
        )
        most = right.number_input(
            "Most iterations",
            min_value=1,
            max_value=6,
            value=VERIFY_ITERATIONS,
            step=1,
            key="hiring_iterations",
        )
        run = st.form_submit_button("Verify the hiring plan")
    key = (scenario_text_hash(source.text), edits, asked)
    if run:
        goal, amount, per = asked
        try:
            verified = state.verify_hiring(
                source.text,
                source.origin,
                edits,
                objective=goal,
                budget=amount,
                period=per,
                replications=int(reps),
                max_iterations=int(most),
                workers=state.workers(),
            )
        except InfeasiblePlanError as exc:
            impossible(exc, "The verified calendar is impossible")
            return
        except (PlanError, ValueError) as exc:
            st.error(f"**The hiring plan cannot be verified:** {ui.escape(str(exc))}")
            return
        state.remember("hiring_verify", key, verified)
    kept: VerifiedHiring | None = state.recall("hiring_verify", key)
    if kept is not None:
        _verified(kept, scenario)


def _verified(verified: VerifiedHiring, scenario: Scenario) -> None:
    """The loop's verdict, the final calendar, its months simulated and the iterations."""
    said = f"{ui.escape(verified.reason)}"
    if verified.met:
        st.success(f"**Hiring plan verified:** {said}", icon=":material/verified:")
    else:
        st.warning(f"**Hiring plan NOT verified:** {said}", icon=":material/warning:")
    final = verified.final.plan
    lines = [f"- {ui.escape(line.text)}" for line in final.calendar] or ["- no hire"]
    st.markdown("**The calendar simulated last:**\n" + "\n".join(lines))
    cur, loc = final.currency or scenario.currency, scenario.money_locale
    months = verified.months_table()
    ui.chart(charts.hiring_revenue(_frame_of(final), cur, loc, verified=months),
             "The final calendar's plan and expected revenue, with the simulated mean and "
             "its P10-P90 band over the replications.", key="hiring_verified_revenue")  # fmt: skip
    st.dataframe(verified_months(months, cur, loc), hide_index=True, width="stretch",
                 key="hiring_verified_months")  # fmt: skip
    st.caption(
        f"P(month met): the share of replications whose month meets its plan, asked: "
        f"{format_percent(verified.confidence, locale=loc)}; with few replications its "
        "interval is wide."
    )
    rows = _records(verified.iterations_table())
    costs = format_money_column([float(r["cost"]) for r in rows], cur, loc)
    st.dataframe(pd.DataFrame({
        "iteration": [int(r["iteration"]) for r in rows],
        "hires": [titled_roles(str(r["hires"]), scenario) for r in rows],
        "cost": costs,
        "months below": [_months(r["months_below"], loc) or "-" for r in rows],
        "P(plan met) (95 % interval)": [
            format_chance(r["p_plan_met"], r["p_low"], r["p_high"], labelled=False, locale=loc)
            for r in rows
        ],
        "then": [str(r["change"] or "") for r in rows],
    }), hide_index=True, width="stretch", key="hiring_iterations_table")  # fmt: skip


def verified_months(months: pd.DataFrame, cur: str, loc: str) -> pd.DataFrame:
    """The final calendar's counted months: plan, expected, simulated, P10-P90, P(month met)."""
    rows = _records(months)
    money = {
        column: format_money_column([_num(r[column]) for r in rows], cur, loc)
        for column in ("plan", "expected_revenue", "simulated_revenue", "p10", "p90")
    }
    return pd.DataFrame({
        "month": [month_title(str(r["label"]), loc) for r in rows],
        "plan": money["plan"],
        "expected revenue": money["expected_revenue"],
        "simulated revenue": money["simulated_revenue"],
        "P10-P90": [f"{a} to {b}" for a, b in zip(money["p10"], money["p90"], strict=True)],
        "P(month met) (95 % interval)": [
            format_chance(r["p_met"], r["p_low"], r["p_high"], labelled=False, locale=loc)
            for r in rows
        ],
        "seats simulated": [round(float(r["seats"]), 1) for r in rows],
    })  # fmt: skip


def _months(value: object, loc: str) -> str:
    """Month labels (a list, or "2027-03, 2027-05" as a table holds them) by their names."""
    if isinstance(value, str):
        return month_titles(value.split(", "), loc) if value else ""
    if isinstance(value, list | tuple):
        return month_titles([str(v) for v in value], loc)
    return ""


def _frame_of(plan: HiringPlan) -> pd.DataFrame:
    return pd.DataFrame([m.to_dict() for m in plan.month_lines])


def _frame(value: CalendarValue) -> pd.DataFrame:
    return pd.DataFrame([m.to_dict() for m in value.months])


def _hires(hires: dict[tuple[str, str], int]) -> tuple[tuple[str, str, int], ...]:
    return tuple(sorted((role, month, n) for (role, month), n in hires.items() if n))


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


if __name__ == "__main__":
    render()
