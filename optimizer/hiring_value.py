"""What a hiring calendar is worth: its months, a hire's month of delay, its payback.

Issue 12, stage S13 (docs/dev/hiring_plan.md, section 5.2 "Delay cost and payback" and
section 5.1). A calendar is evaluated by the hiring model (optimizer.hiring_model) with
its hires fixed and the team-dependent coefficients (a lead's ramp share, referral
splits, pool shares) at the calendar itself, so its rows are exact; the model then
answers the most revenue (or gross margin) the calendar's team can close in the counted
months, with no plan rows and no budget: what the team can sell, month by month, and
what it costs.

- ``evaluate_calendar``: the months of a given calendar ("move a hire by a month");
- ``delay_cost``: what one person of a calendar line starting a month later loses in the
  counted months (a hire of the last month moves out of the horizon);
- ``payback_month``: the first month where the gross margin (revenue when no segment
  states one) a line's last person adds, summed from its hire month, reaches that
  person's cost summed alike; revenue of a month that is not counted is not credited,
  as the model does not value it;
- ``apply_hiring``: the scenario with the calendar's hires as ``Role.joiners`` on their
  hire dates, for the simulator to play.

A calendar is a mapping (role, month) -> people, the month a 0-based index of
``Scenario.months`` or its label ("2027-05"); a :class:`HiringPlan` is taken as its hires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pulp

from optimizer.errors import InfeasiblePlanError
from optimizer.hiring_model import Calendar, HiringModel, build_hiring
from optimizer.hiring_rates import HiringRates, hiring_rates
from optimizer.hiring_result import (
    CalendarValue,
    Delay,
    HireLine,
    HiringPlan,
    MonthLine,
    RoleMonthLine,
)
from optimizer.measure import _role_channels, recommended_quota
from optimizer.model import value
from optimizer.solve import Infeasible, solve
from optimizer.solvers import make_solver
from sim.months import day_title
from sim.names import in_sentence, title
from sim.percent import format_significant
from sim.rules.staffing import backfills, role_month
from sim.scenario import Scenario
from sim.scenario.team import Joiner

CalendarLike = Mapping[tuple[str, int], int] | Mapping[tuple[str, str], int] | HiringPlan
_VALUED = ("revenue", "margin")


def evaluate_calendar(
    scenario: Scenario,
    calendar: CalendarLike,
    *,
    objective: str = "revenue",
    solver: str | None = None,
) -> CalendarValue:
    """A given hiring calendar's revenue, margin and cost by month, at its own ramp shares.

    Args:
        scenario: The scenario.
        calendar: (role, month index or label) -> people hired on the month's hire date.
        objective: "revenue": the most revenue the calendar's team can close in the
            counted months; "margin": the most gross margin.
        solver: "cbc" (default) or "highs".

    Raises:
        ValueError: An unknown role, a month outside the horizon, a count below 0, or an
            unknown objective.
        InfeasiblePlanError: The calendar breaks a limit (a headcount maximum or minimum,
            a span, a desk) in some month; it names the month where it can.
    """
    hr = hiring_rates(scenario)
    cal = indexed(scenario, hr, calendar)
    obj, lp = _check_objective(objective), make_solver(solver)
    return _evaluated(scenario, hr, cal, objective=obj, solver=lp)


def delay_cost(
    scenario: Scenario,
    calendar: CalendarLike,
    role: str,
    month: int | str,
    *,
    objective: str = "revenue",
    solver: str | None = None,
) -> Delay:
    """What one of a calendar line's people starting a month later loses (and saves).

    The line is ``calendar[role, month]``; the delayed calendar moves one of its people to
    the next month's hire date (out of the horizon from its last month). Both calendars
    are evaluated as :func:`evaluate_calendar` does.

    Raises:
        ValueError: No such line in the calendar (or as :func:`evaluate_calendar`).
        InfeasiblePlanError: The calendar, or the delayed one, breaks a limit.
    """
    hr = hiring_rates(scenario)
    cal = indexed(scenario, hr, calendar)
    k = _line(scenario, hr, cal, (role, month))
    lp = make_solver(solver)
    obj = _check_objective(objective)
    base = _evaluated(scenario, hr, cal, objective=obj, solver=lp)
    later = _evaluated(scenario, hr, delayed(hr, cal, role, k), objective=obj, solver=lp)
    return _delay(base, later)


def payback_month(
    scenario: Scenario,
    calendar: CalendarLike,
    role: str,
    month: int | str,
    *,
    solver: str | None = None,
) -> str | None:
    """The month a calendar line's last person pays back: None when not within the horizon.

    The first month, from the line's hire month on, where the gross margin (revenue when
    no segment states ``gross_margin``) closed in the counted months, summed, with the
    person exceeds that without them by at least the person's cost summed alike.

    Raises:
        ValueError: No such line in the calendar (or as :func:`evaluate_calendar`).
        InfeasiblePlanError: The calendar, or the one without the person, breaks a limit.
    """
    hr = hiring_rates(scenario)
    cal = indexed(scenario, hr, calendar)
    k = _line(scenario, hr, cal, (role, month))
    lp = make_solver(solver)
    obj = _basis(scenario)
    base = _evaluated(scenario, hr, cal, objective=obj, solver=lp)
    less = _evaluated(scenario, hr, without(cal, role, k), objective=obj, solver=lp)
    return _payback(base, less, k)


def apply_hiring(
    scenario: Scenario, calendar: CalendarLike, *, solver: str | None = None
) -> Scenario:
    """The scenario with the calendar's hires as joiners and its dials as quotas, to simulate.

    Each (role, month) with people appends ``Joiner(start=<the month's hire date>,
    count=<people>, note="hiring plan <month>")`` to the role's ``joiners``, after those
    listed already (so no one is renumbered; staffing.seats), in month order. The
    scenario is validated again (a headcount maximum the joiners exceed is an error).

    Each selling role is given the calls the calendar's months were planned with, as plain
    plan's verify does (``optimizer.measure.apply_plan``), month by month: each month of
    the horizon's quota (``call_quota_by_month``, read by sim.rules.people.daily_dials) is
    ``recommended_quota`` of that month's dials a day at work (the calendar evaluated as
    ``evaluate_calendar`` does, the expectation the simulated months are held to), 0 in
    a month that plans none; ``call_quota_per_day`` is that of the most any month asks
    (a month past the horizon, a report of no month in particular). Its outbound
    channels are those the months dial. Without it the simulated people dial the
    scenario's quota, not the plan's (issue 12: retail_bank planned 51 dials a day in
    February and dialled 30); with one quota for every month they dialled February's 51
    from January, when the plan dials none (R13: March short by 13 %).

    Raises:
        InfeasiblePlanError: The calendar breaks a limit in some month (evaluate_calendar).
    """
    hr = hiring_rates(scenario)
    cal = indexed(scenario, hr, calendar)
    data: dict[str, Any] = scenario.model_dump(mode="python")
    for (rid, k), n in sorted(cal.items(), key=lambda item: (item[0][1], item[0][0])):
        m = hr.months[k]
        joiner = Joiner(start=m.hire_date, count=n, note=f"hiring plan {m.label}")
        data["roles"][rid]["joiners"] = [
            *data["roles"][rid]["joiners"],
            joiner.model_dump(mode="python"),
        ]
    Scenario.model_validate(data)  # the joiners' own errors first, in the scenario's words
    hm = solved_calendar(scenario, hr, cal, objective="revenue", solver=make_solver(solver))
    by_month, dialled = planned_dials(hm)
    for rid, dials in by_month.items():
        if scenario.roles[rid].sells > 0:
            role = data["roles"][rid]
            quotas = {
                hr.months[t].label: recommended_quota(scenario, rid, made)
                for t, made in enumerate(dials)
            }
            role["call_quota_per_day"] = max(quotas.values())
            role["call_quota_by_month"] = quotas
            if dialled:
                role["channels"] = _role_channels(scenario, rid, dialled)
    return Scenario.model_validate(data)


def expected_months(hm: HiringModel, cal: Calendar, solver: pulp.LpSolver) -> tuple[MonthLine, ...]:
    """What a solved hiring model's calendar is expected to close, month by month.

    The one rule for a calendar's expectation: its team working every lead it gets, shared
    by presence as the simulator shares them (not a maximum over ways to use the team: a
    ramping hire's share of a finite pool can lower a month; the calendar evaluated as
    :func:`evaluate_calendar` does, objective "revenue"), the solve whose
    dials :func:`apply_hiring` gives the simulated people as quotas and against which the
    verify loop holds the simulated months. The least-cost solve's own revenue stops at
    the plan (nothing rewards more), while the simulated team works every lead it gets:
    retail_bank over 270 days read RUB 30.0M a month against RUB 39-44M simulated.
    A calendar that breaks a limit at its own ramp shares (a cycle's larger calendar
    kept) keeps the solved model's months.
    """
    try:
        hm_at_most = solved_calendar(hm.scenario, hm.hr, cal, objective="revenue", solver=solver)
    except InfeasiblePlanError:
        return month_lines(hm)
    return month_lines(hm_at_most)


def planned_dials(hm: HiringModel) -> tuple[dict[str, list[float]], set[str]]:
    """Each role's dials a day at work in each month of a solved model; the channels dialled.

    A month's dials a day at work are its dials over its seats at work (seats x the share
    of the time a seat is filled x presence), as plain plan's ``RoleLine.dials_per_day``;
    0 in a month with no one at work.
    """
    sc = hm.scenario
    by_month: dict[str, list[float]] = {rid: [0.0] * len(hm.months) for rid in sc.roles}
    dialled: set[str] = set()
    for t, model in enumerate(hm.months):
        dials: dict[str, float] = {}
        for (uid, cid), var in model.dials.items():
            made = value(var)
            if made > 1e-6:
                dialled.add(cid)
            rid = model.unit(uid).role
            dials[rid] = dials.get(rid, 0.0) + made
        for rid, made in dials.items():
            at_work = value(hm.seats[rid, t]) * hm.hr.roles[rid].at_work
            if at_work > 0:
                by_month[rid][t] = made / at_work
    return by_month, dialled


# --- calendars ------------------------------------------------------------------------------


def indexed(sc: Scenario, hr: HiringRates, calendar: CalendarLike) -> dict[tuple[str, int], int]:
    """A calendar keyed by (role, month index), months with people only; checked."""
    hires = calendar.hires if isinstance(calendar, HiringPlan) else calendar
    labels = {m.label: m.index for m in hr.months}
    span = f"{hr.months[0].label} to {hr.months[-1].label}"
    out: dict[tuple[str, int], int] = {}
    for (rid, month), n in hires.items():
        if rid not in sc.roles:
            raise ValueError(f"calendar: no role {rid!r} (roles: {', '.join(sc.roles)})")
        k = labels.get(month) if isinstance(month, str) else month
        if k is None or not 0 <= k < len(hr.months):
            raise ValueError(f"calendar: {rid} month {month!r} is not in the horizon ({span})")
        if n != int(n) or n < 0:
            said = f"{rid} in {hr.months[k].label}"
            raise ValueError(f"calendar: {said}: {n} people, expected a whole number, 0 or more")
        if n:
            out[rid, k] = out.get((rid, k), 0) + int(n)
    return out


def delayed(hr: HiringRates, cal: Calendar, role: str, k: int) -> dict[tuple[str, int], int]:
    """The calendar with one of (role, k)'s people a month later (from the last: none)."""
    out = without(cal, role, k)
    if k + 1 < len(hr.months):
        out[role, k + 1] = out.get((role, k + 1), 0) + 1
    return out


def without(cal: Calendar, role: str, k: int) -> dict[tuple[str, int], int]:
    """The calendar with one person fewer in (role, k)."""
    out = dict(cal)
    out[role, k] -= 1
    return {key: n for key, n in out.items() if n}


def _line(sc: Scenario, hr: HiringRates, cal: Calendar, line: tuple[str, int | str]) -> int:
    """The month index of a line (role, month) of the calendar (ValueError: no such line)."""
    role = line[0]
    one: dict[tuple[str, int | str], int] = {line: 1}
    k = next(iter(indexed(sc, hr, one)))[1]  # type: ignore[arg-type]
    if not cal.get((role, k)):
        raise ValueError(f"calendar: no hire of {role} in {hr.months[k].label}")
    return k


def _check_objective(objective: str) -> str:
    if objective not in _VALUED:
        raise ValueError(f"objective must be one of {', '.join(_VALUED)}, got {objective!r}")
    return objective


def _basis(sc: Scenario) -> str:
    """What a payback is counted in: margin when a segment states one, else revenue."""
    return "margin" if _has_margin(sc) else "revenue"


def _has_margin(sc: Scenario) -> bool:
    return any(seg.gross_margin is not None for seg in sc.segments.values())


# --- evaluation -----------------------------------------------------------------------------


def solved_calendar(
    sc: Scenario, hr: HiringRates, cal: Calendar, *, objective: str, solver: pulp.LpSolver
) -> HiringModel:
    """The hiring model with the calendar's hires fixed, at its own shares, solved."""
    hm = build_hiring(sc, hr, calendar_prev=cal, fixed=cal, objective=objective)
    try:
        solve(hm.problem, solver)
    except Infeasible:
        raise InfeasiblePlanError(_broken(sc, hr, cal)) from None
    return hm


def _evaluated(
    sc: Scenario, hr: HiringRates, cal: Calendar, *, objective: str, solver: pulp.LpSolver
) -> CalendarValue:
    hm = solved_calendar(sc, hr, cal, objective=objective, solver=solver)
    labels = [m.label for m in hr.months]
    return CalendarValue(
        hires={(rid, labels[k]): n for (rid, k), n in sorted(cal.items())},
        months=month_lines(hm),
        objective=objective,
        currency=sc.currency,
    )


def _broken(sc: Scenario, hr: HiringRates, cal: Calendar) -> str:
    """Why a calendar with its hires fixed is impossible: a headcount limit by month if so."""
    for rid, rr in hr.roles.items():
        limits = sc.roles[rid].headcount
        for m in hr.months:
            hired = sum(n for (x, k), n in cal.items() if x == rid and k <= m.index)
            seats = rr.seats[m.index] + hired
            if seats > max(limits.max, rr.seats[m.index]) + 1e-9:
                return (
                    f"The calendar puts {people(sc, rid, seats)} in seat in {m.label}, above "
                    f"roles.{rid}.headcount.max {limits.max}: hire fewer or later."
                )
            if m.counted and seats < limits.min - 1e-9:
                return (
                    f"The calendar leaves {people(sc, rid, seats)} in seat in {m.label}, below "
                    f"roles.{rid}.headcount.min {limits.min}: hire more or earlier."
                )
    return (
        "The calendar breaks a limit in some month (a span of control or a desk's roster): "
        "plan it with plan_hiring to see which."
    )


def money(terms: dict[pulp.LpVariable, float]) -> float:
    """An expression of a solved model, as a number."""
    return float(sum(c * value(v) for v, c in terms.items()))


def month_lines(hm: HiringModel) -> tuple[MonthLine, ...]:
    """Each month of a solved hiring model: plan, revenue, margin, cost."""
    margins = _has_margin(hm.scenario)
    plans = {m.index: hm.scenario.plan_target(m.index) for m in hm.hr.months if m.counted}
    return tuple(
        MonthLine(
            index=m.index,
            label=m.label,
            counted=m.counted,
            plan=plans.get(m.index),
            sized_for=_raised(m.target, plans[m.index]) if m.counted else None,
            revenue=money(hm.revenue.get(m.index, {})),
            margin=money(hm.margin.get(m.index, {})) if margins else None,
            cost=money(hm.cost.get(m.index, {})),
        )
        for m in hm.hr.months
    )


def _raised(target: float, plan: float) -> float | None:
    """The month's row target when the verify loop raised it above the plan, else None."""
    return target if abs(target - plan) > 1e-9 * max(1.0, abs(plan)) else None


def role_months(hm: HiringModel, cal: Calendar) -> tuple[RoleMonthLine, ...]:
    """Each role in each month of a solved model: seats and ramp (staffing.role_month), hours."""
    sc = hm.scenario
    out = []
    for rid in sc.roles:
        hires = [
            Joiner(start=hm.hr.months[k].hire_date, count=n)
            for (x, k), n in sorted(cal.items(), key=lambda item: item[0][1])
            if x == rid
        ]
        for m in hm.hr.months:
            roster = role_month(sc, rid, m.index, hires)
            model = hm.months[m.index]
            units = [u for u in model.units if u.role == rid]
            seats = value(hm.seats[rid, m.index])
            busy = sum(value(model.busy[u.id]) for u in units)
            capacity = sum(u.capacity_min for u in units) * seats
            out.append(
                RoleMonthLine(
                    role=rid,
                    index=m.index,
                    label=m.label,
                    seats=roster.in_seat,
                    present=roster.in_seat * hm.hr.roles[rid].at_work,
                    hires=cal.get((rid, m.index), 0),
                    ramping=roster.ramping,
                    ramped=roster.ramped,
                    productive=roster.productive,
                    capacity_hours=capacity * m.days / 60,
                    busy_hours=busy * m.days / 60,
                    backfills=backfills(sc, rid, m.index, hires),
                )
            )
    return tuple(out)


# --- delay and payback ----------------------------------------------------------------------


def _delay(base: CalendarValue, later: CalendarValue) -> Delay:
    margin = None
    if base.counted_margin is not None and later.counted_margin is not None:
        margin = base.counted_margin - later.counted_margin
    was_short = set(base.short)
    return Delay(
        revenue=base.counted_revenue - later.counted_revenue,
        margin=margin,
        saving=base.total_cost - later.total_cost,
        short=tuple(m for m in later.short if m not in was_short),
    )


def _payback(base: CalendarValue, less: CalendarValue, k: int) -> str | None:
    gained = paid = 0.0
    for m, n in zip(base.months[k:], less.months[k:], strict=True):
        if m.counted and m.margin is not None:
            gained += m.margin - (n.margin or 0.0)
        elif m.counted:
            gained += m.revenue - n.revenue
        paid += m.cost - n.cost
        if gained >= paid - 1e-9 * max(abs(paid), 1.0):
            return m.label
    return None


def hire_lines(
    sc: Scenario,
    hr: HiringRates,
    cal: Calendar,
    solver: pulp.LpSolver,
    *,
    objective: str,
    evaluate: bool = True,
) -> tuple[HireLine, ...]:
    """The calendar's lines with a month's delay and the payback of each line's last person.

    ``objective``: the plan's ("margin" counts the delay in margin, else revenue). Each
    distinct calendar is solved once; a line whose delayed calendar breaks a limit has
    no delay cost (None), one whose calendar without its last person does, no payback.
    ``evaluate`` False: the lines alone, no solve.
    """
    basis = "margin" if objective == "margin" else "revenue"
    pay = _basis(sc)
    seen: dict[tuple[str, frozenset[tuple[tuple[str, int], int]]], CalendarValue | None] = {}

    def ev(c: Calendar, obj: str) -> CalendarValue | None:
        if not evaluate:
            return None
        key = (obj, frozenset(c.items()))
        if key not in seen:
            try:
                seen[key] = _evaluated(sc, hr, c, objective=obj, solver=solver)
            except InfeasiblePlanError:
                seen[key] = None
        return seen[key]

    lines = []
    for (rid, k), n in sorted(cal.items(), key=lambda item: (item[0][1], item[0][0])):
        base, later = ev(cal, basis), ev(delayed(hr, cal, rid, k), basis)
        pbase, less = ev(cal, pay), ev(without(cal, rid, k), pay)
        m = hr.months[k]
        lines.append(
            HireLine(
                role=rid,
                title=title(rid, sc),
                level=str(sc.roles[rid].level.value),
                month=m.label,
                start=m.hire_date.isoformat(),
                count=n,
                text=hire_text(sc, rid, n, m.hire_date),
                delay=None if base is None or later is None else _delay(base, later),
                delay_unit=basis,
                payback_month=None if pbase is None or less is None else _payback(pbase, less, k),
                appraised=evaluate,
            )
        )
    return tuple(lines)


def hire_text(sc: Scenario, rid: str, n: int, start: dt.date) -> str:
    """A calendar line in words: "hire 3 client managers to start by March 1, 2027".

    The date in the scenario's locale (sim.months.day_title): "1 марта 2027 г." ru_RU.
    """
    return f"hire {people(sc, rid, n)} to start by {day_title(start, sc.money_locale)}"


def people(sc: Scenario, rid: str, n: float) -> str:
    """A number of a role's people in words: "1 seller", "3 client managers"."""
    noun = in_sentence(title(rid, sc))
    if n != 1 and not noun.endswith("s"):
        noun += "s"
    return f"{format_significant(n, 6, locale=sc.money_locale)} {noun}"
