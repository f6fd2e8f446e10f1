"""Explaining an impossible hiring plan by month: which month, which limit, what would do.

Issue 12, stage S12 (docs/dev/hiring_plan.md, section 5.2, "Infeasible calendars"). As
optimizer.elastic does for plain plan: limits that need no solver first (a span of
control, a desk's roster in some month); then, when some month's plan cannot be met by
any number of people, why (a ``lead_time`` relaxation: the plan of a month cannot be
met before the horizon, since its deals close from leads made before it, or before a
hire could ramp); else the hiring model rebuilt with a penalised slack on one
group of limits at a time, by month (the budget, the plans, the headcount maxima, the
spans, the pools), each group that makes the calendar possible on its own being one
alternative, said with its month.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
import pulp

from optimizer.elastic import _describe, _join, service_limits, span_limits
from optimizer.errors import InfeasiblePlanError, Relaxation
from optimizer.hiring_model import Calendar, HiringModel, build_hiring, year_share
from optimizer.hiring_rates import HiringRates
from optimizer.model import value
from optimizer.solve import Infeasible, solve
from sim.money import format_money, format_money_column
from sim.months import day_title, month_title
from sim.names import title
from sim.percent import format_number, format_percent
from sim.scenario import Scenario

_TOL = 1e-6


def explain_hiring(
    sc: Scenario,
    hr: HiringRates,
    solver: pulp.LpSolver,
    calendar_prev: Calendar,
    *,
    deals_prev: Mapping[tuple[str, str, int], float] | None = None,
    objective: str,
    budget: float | None,
    budget_period: str,
    brief: bool = False,
    headcount_at: Calendar | None = None,
) -> InfeasiblePlanError:
    """The error that says which month cannot be met, by which limit, and what would do.

    ``headcount_at``: the calendar whose ramp shares the headcount remedy is taken at (the
    fixed point's with no maximum, optimizer.hiring); the round's (``calendar_prev``)
    when None. At the first round's shares (no hires) retail_bank with 6 client managers
    and at most 7 was told "max 7 -> 9", while at most 9 was impossible too.
    """
    named = span_limits(sc, {})
    if named:
        return named
    for m in hr.months:
        found = service_limits(sc, {}, m.index)
        if found:
            return InfeasiblePlanError(
                f"{month_title(m.label, sc.money_locale)}: {found.reason}", found.relaxations
            )
    money = _money(sc)
    limits = "the headcount limits" + (
        f" and the budget of {money(budget)} a {budget_period}" if budget else ""
    )
    meets = "meets every counted month's plan" if objective == "cost" else "keeps to them"
    reason = f"The hiring plan is impossible: no calendar within {limits} {meets}."
    if brief:
        return InfeasiblePlanError(reason)
    opts = {"objective": objective, "budget_period": budget_period}
    leads = dict(deals_prev or {})
    if objective == "cost" and sc.segments:
        timed = _lead_time(sc, hr, solver, calendar_prev, leads=leads)
        if timed is not None:
            return timed
    groups = ["budget"] if budget is not None else []
    groups += ["plan"] if objective == "cost" and sc.segments else []
    groups += ["headcount", "span", "pool"]
    alternatives = []
    for group in groups:
        at = (calendar_prev, leads)
        if group == "headcount" and headcount_at is not None:
            at = (headcount_at, {})
        relaxed = _relaxed(
            sc,
            hr,
            solver,
            at,
            groups=frozenset({group}),
            budget=budget,
            opts=opts,
        )
        if relaxed is not None:
            said = _said(relaxed)
            if said:
                alternatives.append(_join(said))
    if not alternatives:
        relaxed = _relaxed(
            sc,
            hr,
            solver,
            (calendar_prev, leads),
            groups=frozenset(groups),
            budget=budget,
            opts=opts,
        )
        said = _said(relaxed) if relaxed is not None else []
        if said:
            alternatives.append(_join(said, "all of: "))
        else:
            reason += (
                " No relaxation of the plans, headcount, spans, pools or budget makes it feasible."
            )
    return InfeasiblePlanError(reason, alternatives)


def _money(sc: Scenario) -> Callable[[float], str]:
    """Amounts in the scenario's currency and locale (sim.money), as every report writes them."""
    return lambda amount: format_money(amount, sc.currency, sc.money_locale)


def _relaxed(
    sc: Scenario,
    hr: HiringRates,
    solver: pulp.LpSolver,
    at: tuple[Calendar, Mapping[tuple[str, str, int], float]],
    *,
    groups: frozenset[str],
    budget: float | None,
    opts: dict[str, str],
    unlimited: bool = False,
) -> HiringModel | None:
    """The hiring model with slack on ``groups`` by month, solved; None when still impossible.

    ``at``: the calendar and leads of the round that failed, where the ramp shares are taken.
    """
    hm = build_hiring(
        sc,
        hr,
        calendar_prev=at[0],
        deals_prev=at[1],
        budget=budget,
        relax=groups,
        # Whole hires where the limits stand (a budget buys whole people); any number of
        # people is the LP's.
        integer=not unlimited,
        unlimited=unlimited,
        objective=opts["objective"],
        budget_period=opts["budget_period"],
    )
    try:
        solve(hm.problem, solver)
    except Infeasible:
        return None
    return hm


def _said(hm: HiringModel) -> list[Relaxation]:
    """The relaxations of a solved relaxed model, one per limit, naming its first month."""
    sc = hm.scenario
    money, loc = _money(sc), sc.money_locale
    most: dict[tuple[str, str], tuple[float, int]] = {}
    short: list[Relaxation] = []
    for (group, subject, t), var in sorted(hm.relax.items(), key=lambda x: x[0][2]):
        amount = value(var)
        if group == "plan":
            m = hm.hr.months[t]
            if amount <= _TOL * max(1.0, m.target):
                continue
            reach = max(m.target - amount, 0.0)
            short.append(
                Relaxation(
                    kind="plan",
                    subject=m.label,
                    amount=amount,
                    unit=sc.currency,
                    text=(
                        f"lower the plan of {month_title(m.label, loc)} to {money(reach)} "
                        f"({format_percent(reach / m.target, locale=loc)} of "
                        f"{money(m.target)}): the most "
                        "a calendar within the limits can close that month"
                    ),
                )
            )
            continue
        if amount <= _TOL:
            continue
        if (group, subject) not in most or amount > most[group, subject][0] + _TOL:
            first = most.get((group, subject), (0.0, t))[1]
            most[group, subject] = (amount, first)
    out = list(short)
    for (group, subject), (amount, t) in most.items():
        label = month_title(hm.hr.months[t].label, loc) if t >= 0 else subject
        if group == "headcount":
            role = sc.roles[subject]
            people = math.ceil(amount - 1e-6)
            text = (
                f"allow {people} more {title(subject, sc)} from {label} "
                f"(max {format_number(role.headcount.max, 0, locale=loc)} -> "
                f"{format_number(role.headcount.max + people, 0, locale=loc)})"
            )
            out.append(
                Relaxation(
                    kind="headcount",
                    subject=subject,
                    amount=float(people),
                    unit="people",
                    text=text,
                )
            )
        elif group == "budget" and t < 0:
            yearly = amount / max(year_share(hm, int(subject)), 1e-9)
            was, now = format_money_column(
                [hm.budget or 0.0, (hm.budget or 0.0) + yearly], sc.currency, sc.money_locale
            )
            text = f"a {subject} budget {money(yearly)} larger ({was} -> {now} a year)"
            out.append(
                Relaxation(
                    kind="budget",
                    subject=subject,
                    amount=yearly,
                    unit=f"{sc.currency}/year",
                    text=text,
                )
            )
        elif group == "budget":
            m = hm.hr.months[t]
            monthly = amount * m.month_days / m.days
            was, now = format_money_column(
                [hm.budget or 0.0, (hm.budget or 0.0) + monthly], sc.currency, sc.money_locale
            )
            text = f"a budget {money(monthly)} a month larger from {label} ({was} -> {now})"
            out.append(
                Relaxation(
                    kind="budget",
                    subject="budget",
                    amount=monthly,
                    unit=f"{sc.currency}/month",
                    text=text,
                )
            )
        else:
            found = _describe(hm.months[t], group, subject, amount)
            if found is not None:
                out.append(replace(found, text=f"{found.text} (from {label})"))
    return out


# --- lead time ------------------------------------------------------------------------------


def _shortfalls(hm: HiringModel | None) -> dict[int, float]:
    """Months whose plan a relaxed model could not meet, with the amount short."""
    if hm is None:
        return {}
    out = {}
    for (group, _, t), var in hm.relax.items():
        if group == "plan" and value(var) > _TOL * max(1.0, hm.hr.months[t].target):
            out[t] = value(var)
    return out


def without_ramp(hr: HiringRates) -> HiringRates:
    """The same months with every hire and person in seat fully productive from day one."""
    roles = {
        rid: replace(
            rr,
            productive=rr.seats,
            ramp=tuple(
                tuple(1.0 if t >= k else 0.0 for t in range(len(row)))
                for k, row in enumerate(rr.ramp)
            ),
        )
        for rid, rr in hr.roles.items()
    }
    return replace(hr, roles=roles)


def without_lag(hr: HiringRates) -> HiringRates:
    """The same months with every lead worked and closed in the month it is made.

    Support and repeat sales keep their kernels (what comes after a close is not the lag).
    """
    eye = np.eye(len(hr.months))
    kernels = {sid: replace(k, close=eye, work=eye) for sid, k in hr.kernels.items()}
    return replace(hr, kernels=kernels)


def _lead_time(
    sc: Scenario,
    hr: HiringRates,
    solver: pulp.LpSolver,
    prev: Calendar,
    *,
    leads: Mapping[tuple[str, str, int], float],
) -> InfeasiblePlanError | None:
    """Months whose plan no number of people can meet, and why: the lag, the ramp, the leads.

    The plans are relaxed with no headcount maximum; a month still short is tried again
    with hires fully productive from their first day (then the ramp is what binds), and
    with leads closing the month they are made as well (then the horizon: its deals would
    need leads from before it); short even so, the leads that reach the team are too few.
    """
    opts = {"objective": "cost", "budget_period": "month"}
    plans = frozenset({"plan"})

    def short(rates: HiringRates) -> dict[int, float]:
        hm = _relaxed(
            sc, rates, solver, (prev, leads), groups=plans, budget=None, opts=opts, unlimited=True
        )
        return _shortfalls(hm)

    found = short(hr)
    if not found:
        return None
    ramp_free = short(without_ramp(hr))
    lag_free = short(without_lag(without_ramp(hr))) if ramp_free else {}
    money, loc = _money(sc), sc.money_locale
    start = day_title(hr.months[0].hire_date, loc)
    said = []
    for t, amount in sorted(found.items()):
        m = hr.months[t]
        name = month_title(m.label, loc)
        reach = max(m.target - amount, 0.0)
        close = (
            f"so at most {money(reach)} can close in {name} with any number of people: "
            f"lower the {name} plan to {money(reach)}, or start the horizon earlier "
            # The field as the user writes it (YAML's date).
            f"(calendar.start {sc.calendar.start.isoformat()})"
        )
        if t not in ramp_free:
            why = _ramp_words(sc, hr, t)
            text = (
                f"the plan of {name} ({money(m.target)}) cannot be met before a hire could "
                f"ramp: {why}, {close}"
            )
            kind = "lead_time"
        elif t not in lag_free:
            text = (
                f"the plan of {name} ({money(m.target)}) cannot be met before the horizon: "
                f"a deal closes about {format_number(_lag_days(sc), 0, locale=loc)} days after "
                f"its lead and the first hire starts {start}, {close}"
            )
            kind = "lead_time"
        else:
            text = (
                f"lower the plan of {name} to {money(reach)}: the most the leads that reach "
                "the team can bring that month, with any number of people (check the channels' "
                "volumes and connect rates)"
            )
            kind = "plan"
        said.append(
            Relaxation(kind=kind, subject=m.label, amount=amount, unit=sc.currency, text=text)
        )
    months = " and ".join(month_title(hr.months[t].label, loc) for t in sorted(found))
    reason = (
        f"The hiring plan is impossible: no number of people hired from "
        f"{start} meets the plan of {months}."
    )
    return InfeasiblePlanError(reason, [_join(said)])


def _ramp_words(sc: Scenario, hr: HiringRates, t: int) -> str:
    """Who ramps in month t when hired on the first hire date, and at what share."""
    parts, loc = [], sc.money_locale
    hired = day_title(hr.months[0].hire_date, loc)
    for rid, rr in hr.roles.items():
        share = rr.ramp[0][t]
        if sc.roles[rid].ramp is not None and share < 1.0 and sc.roles[rid].sells > 0:
            parts.append(
                f"a {title(rid, sc)} hired on {hired} (the first hire date) is at "
                f"{format_percent(share, digits=0, locale=loc)} of a tenured one in "
                f"{month_title(hr.months[t].label, loc)}"
            )
    return "; ".join(parts) or "new hires are not yet fully productive"


def _lag_days(sc: Scenario) -> float:
    """Calendar days from a lead to its close, the longest of the segments' expectations."""
    return max(
        (
            sum(st.client_delay_days.expected_value() for st in seg.stages)
            for seg in sc.segments.values()
        ),
        default=0.0,
    )
