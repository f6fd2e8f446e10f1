"""``optimizer.plan_hiring``: who to hire in which month, and what each month then brings.

Issue 12, stages S11 and S12 (docs/dev/hiring_plan.md, section 5). The hiring model
(optimizer.hiring_model) evaluates the team-dependent coefficients (a lead's ramp share,
referral splits, pool shares) at a calendar; ``plan_hiring`` solves it round after round
at the previous round's calendar until the calendar repeats, as plain plan's sizing does
(optimizer.planner._sizing). On a cycle it solves the cycle's calendars at their own
coefficients and keeps the best that meets every month; if none does, plain plan's rule:
the element-wise larger calendar and no fewer hires than it, checked at its own
coefficients. An impossible plan is explained by month (optimizer.hiring_elastic).
Stage S13: the answer's calendar lines are appraised (a month's delay, payback) and its
tables filled by optimizer.hiring_value; the records live in optimizer.hiring_result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import pulp

from optimizer.extract import BALANCES, _limit, family_of
from optimizer.hiring_elastic import explain_hiring
from optimizer.hiring_model import (
    BUDGET_PERIODS,
    OBJECTIVES,
    Calendar,
    HiringModel,
    build_hiring,
    suffix,
)
from optimizer.hiring_rates import HiringRates, hiring_rates
from optimizer.hiring_result import HiringLimit, HiringPlan
from optimizer.hiring_value import expected_months, hire_lines, money, role_months
from optimizer.model import value
from optimizer.solve import Infeasible, slack, solve
from optimizer.solvers import make_solver, solver_name
from optimizer.team import Unit
from optimizer.units import in_unit
from sim.money import format_money
from sim.names import title
from sim.scenario import Scenario

# Rounds of the fixed point over the calendar, as plain plan's sizing (planner.MAX_ROUNDS).
MAX_ROUNDS = 6

# Rows that are definitions or balances, always tight: not limits worth showing. Plain
# plan's families (one list, in extract) and the months' own seat and ramp-share rows.
_BALANCES = (*BALANCES, "seats", "ramp_share")


def plan_hiring(
    scenario: Scenario,
    *,
    objective: str = "cost",
    budget: float | None = None,
    budget_period: str = "month",
    solver: str | None = None,
    explain: bool = True,
    appraise: bool = True,
    margins: Mapping[int, float] | None = None,
    lag_extra_days: Mapping[str, float] | None = None,
) -> HiringPlan:
    """The hiring calendar of a scenario.

    Args:
        scenario: The scenario.
        objective: "cost": least cost meeting every counted month's plan; "revenue" or
            "margin": most revenue (gross margin) closed in the counted months within
            ``budget``, which they need.
        budget: Most team cost a month or a calendar year (``budget_period``), scenario
            currency; pro rata for a partial month or year inside the horizon.
        budget_period: "month" or "year".
        solver: "cbc" (default) or "highs".
        explain: Explain an impossible plan by month (a few more LP solves).
        appraise: Give each calendar line what a month's delay of one of its people
            costs and when its last person pays back (optimizer.hiring_value: one
            evaluation of the calendar, then up to two a line; False: none).
        margins: The verify loop's plan factor by counted month index
            (optimizer.hiring_loop): the month's plan row asks for its plan times it, and
            the answer's ``plan`` is the raised one; 1 where absent.
        lag_extra_days: The verify loop's lag correction by segment (calendar days added
            to a lead's course, sim.rules.lag.stage_months); 0 where absent.

    Raises:
        ValueError: An unknown objective or period, a budget not above 0, a revenue or
            margin objective without a budget, a margin objective on a segment with
            no ``gross_margin``, a margin of a month not counted (or not above 0), or a
            lag correction of an unknown segment.
        InfeasiblePlanError: No calendar within the limits; it says which month and limit.
        PlanError: The solver found no optimal calendar.
    """
    _check(scenario, objective, budget, budget_period)
    lp_solver = make_solver(solver)
    hr = hiring_rates(scenario, margins=margins, lag_extra_days=lag_extra_days)
    options = Options(objective, budget, budget_period)

    leads: dict[tuple[str, str, int], float] = {}

    def solved(prev: Calendar, floor: Calendar | None = None) -> HiringModel:
        hm = options.build(scenario, hr, prev, floor=floor, deals_prev=leads)
        try:
            solve(hm.problem, lp_solver)
        except Infeasible:
            loose = _unlimited_fixed_point(
                scenario, hr, prev, options=options, solver=lp_solver, floor=floor
            )
            if loose is not None and loose != prev:
                found = meets(scenario, hr, loose, solver=lp_solver, options=options)
                if found is not None:
                    return found
            raise explain_hiring(
                scenario,
                hr,
                lp_solver,
                prev,
                deals_prev=leads,
                headcount_at=loose,
                objective=objective,
                budget=budget,
                budget_period=budget_period,
                brief=not explain,
            ) from None
        return hm

    prev: Calendar = {}
    seen: list[Calendar] = []
    rounds = 0
    notes: list[str] = []
    while True:
        hm = solved(prev)
        rounds += 1
        found = calendar_of(hm)
        if found == prev:
            break
        if found in seen or rounds >= MAX_ROUNDS:
            cycle = [*seen[seen.index(found) :], prev] if found in seen else [prev, found]
            what = "a cycle" if found in seen else f"no repeat in {rounds} rounds"
            # The cycle's calendars that meet every limit at their own ramp shares; the
            # least costly of them (the most revenue within a budget) is the answer.
            checked = [meets(scenario, hr, cal, solver=lp_solver, options=options) for cal in cycle]
            rounds += len(cycle)
            good = [m for m in checked if m is not None]
            if good:
                hm = min(good, key=lambda m: (_score(m), sorted(calendar_of(m).items())))
                notes.append(
                    "Planned round by round (each round counts new hires at the ramp of "
                    f"the calendar before it), the calendars came to {what}; of them, the "
                    "best that meets every month with its own hires' ramp was kept."
                )
                break
            larger = larger_calendar(cycle)
            # As plain plan: the larger calendar's rules, and (least cost, no budget to
            # keep) no fewer hires than it, so the calendar is the one its rules are for.
            floor = larger if objective == "cost" and budget is None else None
            hm = solved(larger, floor)
            rounds += 1
            found = calendar_of(hm)
            if (
                found != larger
                and meets(scenario, hr, found, solver=lp_solver, options=options) is None
            ):
                hm = solved(found, found if floor is not None else None)
                rounds += 2
                notes.append(
                    f"The calendar did not settle in {rounds - 2} rounds; one more round "
                    "with its own hires' ramp."
                )
            notes.append(
                "Planned round by round (each round counts new hires at the ramp of the "
                f"calendar before it), the calendars came to {what}; the larger one's ramp "
                "was kept."
            )
            break
        seen.append(prev)
        prev = found
        leads = {key: value(var) for key, var in hm.deals.items()}
    hm.notes.extend(notes)
    return extract_hiring(hm, lp_solver, rounds=rounds, appraise=appraise)


def _check(sc: Scenario, objective: str, budget: float | None, period: str) -> None:
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if period not in BUDGET_PERIODS:
        raise ValueError(
            f"budget_period must be one of {', '.join(BUDGET_PERIODS)}, got {period!r}"
        )
    if budget is not None and not budget > 0:
        raise ValueError(f"budget must be above 0 ({sc.currency} a {period}), got {budget}")
    if objective != "cost" and budget is None:
        raise ValueError(
            f"objective {objective!r} is the most {objective} within a budget: give a budget "
            f"({sc.currency} a month or a year)"
        )
    if objective == "margin":
        missing = [sid for sid, seg in sc.segments.items() if seg.gross_margin is None]
        if missing:
            fields = ", ".join(f"segments.{sid}.gross_margin" for sid in missing)
            raise ValueError(f"objective 'margin' needs {fields}")


def _unlimited_fixed_point(
    sc: Scenario,
    hr: HiringRates,
    prev: Calendar,
    *,
    options: Options,
    solver: pulp.LpSolver,
    floor: Calendar | None,
) -> Calendar | None:
    """The calendar of the fixed point with no headcount maximum, from ``prev``'s shares.

    A round's coefficients are those of the calendar before it (``prev``; none in the
    first round): at them a headcount maximum can look impossible that the fixed point's
    own calendar meets (retail_bank_growth with client managers at most 11: the plan with
    no maximum has 11 in seat and meets every month, yet the first round, at no hires,
    asked for 12). None when even without the maxima a round is infeasible.
    """
    cal, leads = dict(prev), None
    seen: list[Calendar] = []
    for _ in range(MAX_ROUNDS):
        loose = options.build(sc, hr, cal, floor=floor, deals_prev=leads, unlimited=True)
        try:
            solve(loose.problem, solver)
        except Infeasible:
            return None
        found = calendar_of(loose)
        if found == cal or found in seen:
            break
        seen.append(cal)
        cal, leads = found, {key: value(var) for key, var in loose.deals.items()}
    return cal


def calendar_of(hm: HiringModel) -> dict[tuple[str, int], int]:
    """The hires of a solved model: (role, month index) -> people, months with a hire only."""
    return {key: round(value(h)) for key, h in hm.hires.items() if round(value(h))}


def larger_calendar(calendars: list[Calendar]) -> dict[tuple[str, int], int]:
    """The element-wise larger of calendars: most hires of each role in each month."""
    out: dict[tuple[str, int], int] = {}
    for cal in calendars:
        for key, n in cal.items():
            out[key] = max(out.get(key, 0), n)
    return {k: n for k, n in out.items() if n}


@dataclass(frozen=True)
class Options:
    """What a hiring plan is asked for: its objective and budget."""

    objective: str
    budget: float | None
    budget_period: str

    def build(
        self,
        sc: Scenario,
        hr: HiringRates,
        prev: Calendar,
        *,
        floor: Calendar | None = None,
        fixed: Calendar | None = None,
        deals_prev: Mapping[tuple[str, str, int], float] | None = None,
        unlimited: bool = False,
    ) -> HiringModel:
        """The hiring model for these options at a calendar; ``unlimited``: no headcount max."""
        return build_hiring(
            sc,
            hr,
            calendar_prev=prev,
            deals_prev=deals_prev,
            floor=floor,
            fixed=fixed,
            objective=self.objective,
            budget=self.budget,
            budget_period=self.budget_period,
            unlimited=unlimited,
        )


def meets(
    sc: Scenario, hr: HiringRates, calendar: Calendar, *, solver: pulp.LpSolver, options: Options
) -> HiringModel | None:
    """A calendar solved at its own ramp shares, hires fixed; None when it breaks a limit."""
    hm = options.build(sc, hr, calendar, fixed=calendar)
    try:
        solve(hm.problem, solver)
    except Infeasible:
        return None
    return hm


def _score(hm: HiringModel) -> float:
    """What the objective prefers less of: the cost, or the revenue (margin) given up."""
    if hm.objective == "cost":
        return sum(money(terms) for terms in hm.cost.values())
    gain = hm.margin if hm.objective == "margin" else hm.revenue
    return -sum(money(gain.get(m.index, {})) for m in hm.hr.counted)


def extract_hiring(
    hm: HiringModel, solver: pulp.LpSolver, *, rounds: int = 1, appraise: bool = False
) -> HiringPlan:
    """Read a solved hiring model back as a :class:`HiringPlan`.

    With ``appraise``, each calendar line gets its delay cost and payback
    (optimizer.hiring_value.hire_lines: more LP solves), else lines without them.
    """
    sc = hm.scenario
    labels = tuple(m.label for m in hm.hr.months)
    cal = calendar_of(hm)
    if appraise:
        lines = hire_lines(sc, hm.hr, cal, solver, objective=hm.objective)
    else:
        lines = hire_lines(sc, hm.hr, cal, solver, objective=hm.objective, evaluate=False)
    hires = {
        (rid, labels[t]): round(value(h)) for (rid, t), h in hm.hires.items() if round(value(h))
    }
    margins = any(seg.gross_margin is not None for seg in hm.scenario.segments.values())
    months = expected_months(hm, cal, solver)
    return HiringPlan(
        months=labels,
        hires=hires,
        headcount={(rid, labels[t]): value(n) for (rid, t), n in hm.seats.items()},
        revenue={m.label: m.revenue for m in months},
        cost={m.label: m.cost for m in months},
        plan={m.label: m.target for m in hm.hr.counted},
        hire_dates={m.label: m.hire_date.isoformat() for m in hm.hr.months},
        solver=solver_name(solver),
        notes=tuple(hm.notes),
        margin={m.label: m.margin or 0.0 for m in months} if margins else None,
        objective=hm.objective,
        budget=hm.budget,
        budget_period=hm.budget_period,
        rounds=rounds,
        limits=hiring_limits(hm, hired=bool(hires)),
        calendar=lines,
        month_lines=months,
        role_months=role_months(hm, cal),
        scenario=sc.name,
        currency=sc.currency,
    )


def _split(name: str) -> tuple[str, str, int]:
    """A row name as (family, subject, month index); month -1 for a year's budget."""
    if name.startswith("budget_y"):
        return "budget", name[len("budget_y") :], -1
    base, _, month = name.rpartition("_m")
    t = int(month)
    if base == "plan":
        return "plan", "plan", t
    for family in ("ramp_share", "ramp", "seats", "headcount_max", "headcount_min"):
        if base.startswith(family + "_"):
            return family, base[len(family) + 1 :], t
    family, subject = family_of(base)
    return family, subject, t


def hiring_limits(hm: HiringModel, *, hired: bool = True) -> tuple[HiringLimit, ...]:
    """The limits with no room left, a role's people together, with the months they bind in.

    ``hired`` False (an empty calendar): the plan's rows are left out. The least-cost
    solve closes exactly the plan (nothing rewards more), so its rows have no slack in
    every month, yet with no hire the plan decided nothing: retail_bank, at 140 % of
    plan with the people in seat, read "the sales plan binds".
    """
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for name, row in hm.constraints.items():
        family, subject, t = _split(name)
        if family == "plan" and not hired:
            continue
        room = 1e-6 * max(1.0, abs(row.constant))
        if family == "budget":
            # Whole people: a budget binds when it has no room for one more seat-month.
            room = min((c for c in row.values() if c > 0), default=room)
        if family in _BALANCES or slack(row) > room:
            continue
        if family.startswith("headcount") and hm.scenario.roles[subject].headcount.fixed:
            continue  # a role of fixed size is at its limits by definition
        if family in ("capacity", "calls_cap"):
            subject = hm.months[t].unit(subject).role
        if t not in found[family, subject]:
            found[family, subject].append(t)
    labels = [m.label for m in hm.hr.months]
    out = []
    for (family, subject), months in found.items():
        said = tuple(labels[t] for t in sorted(months) if t >= 0)
        out.append(HiringLimit(family, subject, said, _text(hm, family, subject, months)))
    return tuple(out)


def _text(hm: HiringModel, family: str, subject: str, months: list[int]) -> str:
    """A binding limit in words, plain plan's (optimizer.extract) where it has one."""
    sc = hm.scenario

    def cash(amount: float) -> str:
        return format_money(amount, sc.currency, sc.money_locale)

    if family == "plan" and subject in sc.units:  # a unit's own (sim.rules.unit_plan)
        return f"{title(subject, sc)}'s own plan of each month named, which the hires meet"
    if family == "plan":
        return "the sales plan of each month named, which the hires are sized to meet"
    if family == "budget" and months == [-1]:
        rhs = hm.budget_rhs.get(f"budget_y{subject}", 0.0)
        return f"the {subject} budget ({cash(rhs)} for its months in the horizon)"
    if family == "budget":
        return f"the budget ({cash(hm.budget or 0.0)} a month)"
    if family == "headcount_max":
        return in_unit(
            sc,
            subject,
            f"{title(subject, sc)}: at its maximum headcount of {sc.roles[subject].headcount.max}",
        )
    if family == "headcount_min":
        return in_unit(
            sc,
            subject,
            f"{title(subject, sc)}: at its minimum headcount of {sc.roles[subject].headcount.min}",
        )
    if family == "ramp":
        return (
            f"{title(subject, sc)}: the wins its people can make at their ramp shares "
            "(new hires not yet fully productive)"
        )
    t = months[0]
    model = hm.months[t]
    name = f"{family}_{subject}{suffix(t)}"
    row = model.constraints.get(name)
    rows: list[tuple[float, float | None, Unit | None]] = [
        (0.0 if row is None else slack(row), None, None)
    ]
    return _limit(model, family, subject, rows).text
