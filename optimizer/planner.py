"""``optimizer.plan``: build, solve and extract, explain what binds, or why nothing fits."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pulp

from optimizer.alike import evened, first_alike
from optimizer.card import design_words
from optimizer.elastic import explain_infeasible
from optimizer.errors import InfeasiblePlanError, Relaxation
from optimizer.extract import extract
from optimizer.model import Model, PlanMode, build, costs_missing, value
from optimizer.rates import Rates, rates
from optimizer.result import Marginal, Plan
from optimizer.solve import Infeasible, dual, solve, unproven
from optimizer.solvers import make_solver
from optimizer.team import dated, design_month
from sim.money import format_money_column
from sim.months import month_title
from sim.names import title
from sim.percent import format_number, format_significant
from sim.rules import season, unit_plan
from sim.scenario import Scenario
from sim.words import counted

# Sizing evaluates the rules that depend on the team (ramp share, referral split) at the
# team of the previous solve; a few rounds settle it.
MAX_ROUNDS = 6

# The design month's note begins so (and only it): the terminal's header picks it out of
# the notes by :func:`is_design_month_note`, through the same words.
DESIGN_MONTH = "Design month"


def design_month_heading(month: str, locale: str | None = None) -> str:
    """The design month ("YYYY-MM") by its name, in ``locale``: "Design month Apr 2027"."""
    return f"{DESIGN_MONTH} {month_title(month, locale)}"


def is_design_month_note(note: str) -> bool:
    """Whether a plan's note is the design month's people and season (:func:`_notes`)."""
    return note.startswith(f"{DESIGN_MONTH} ")


def plan(
    scenario: Scenario,
    mode: PlanMode | str = PlanMode.SIZING,
    solver: str | None = None,
    budget: float | None = None,
    *,
    time_limit_s: float | None = None,
    fairness: float = 0.01,
    marginals: bool = True,
    capacity_factor: Mapping[str, float] | None = None,
    plan_factor: float = 1.0,
) -> Plan:
    """The optimal plan of a scenario.

    Args:
        scenario: The scenario.
        mode: :class:`PlanMode` or its value. "sizing": whole people per role within the
            headcount ranges, least cost meeting the plan (most revenue within ``budget``
            when given); "allocation": the current team by name, hours per person and duty,
            call targets per person, most expected revenue with the plan as a floor.
        solver: "cbc" (default) or "highs".
        budget: Most team cost a month, scenario currency (sizing).
        time_limit_s: Solver time limit per solve.
        fairness: Allocation: weight on the utilisation gap within a level.
        marginals: Compute what one more person is worth (re-solves when sizing).
        capacity_factor: Per role, the share of the modelled working time that simulated
            days really allowed (the verify loop's calibration); 1.0 where absent.
        plan_factor: The verify loop's margin already in ``scenario``'s plan (1.0: none),
            so that texts name the raised plan as such (optimizer.extract).

    Raises:
        InfeasiblePlanError: No plan within the limits; it says what would make one.
        PlanError: The solver found no optimal plan (unbounded, time limit).
        SolverUnavailableError: An unknown solver, or HiGHS without highspy.
    """
    plan_mode = PlanMode.of(mode)
    lp_solver = make_solver(solver, time_limit_s)
    factors = dict(capacity_factor or {})
    for role, factor in factors.items():
        if role not in scenario.roles or not 0.0 < factor <= 1.5:
            raise ValueError(f"capacity_factor[{role!r}] must be a role's factor in (0, 1.5]")
    r = rates(scenario, factors)
    if plan_mode is PlanMode.ALLOCATION:
        _check_team(scenario, budget)
        model = _allocation(scenario, r, solver=lp_solver, budget=budget, fairness=fairness)
    else:
        model = _sizing(scenario, r, lp_solver, budget)
    model.notes.extend(_notes(model))
    found: tuple[Marginal, ...] = ()
    if marginals and plan_mode is PlanMode.ALLOCATION:
        found = _dual_values(model, lp_solver)
    result = extract(model, lp_solver, found, plan_factor=plan_factor)
    if marginals and plan_mode is PlanMode.SIZING:
        heads = {line.role: line.headcount for line in result.roles}
        stopped: list[str] = []  # roles whose re-solves stopped at the time limit
        found = _resolve_values(
            scenario,
            r,
            solver=lp_solver,
            budget=budget,
            heads=heads,
            base=result,
            alike=model.alike,
            stopped=stopped,
        )
        notes = result.notes
        if stopped:
            notes += (_MARGINALS_STOPPED.format(roles=_stopped_roles(stopped)),)
        result = replace(result, marginals=found, notes=notes)
    return result


_MARGINALS_STOPPED = (
    "What one more or one fewer person is worth comes from re-solves, and those of {roles} "
    "stopped at the time limit: each is the difference between two plans not all proven "
    "least-cost, so read it as approximate"
)


def _stopped_roles(stopped: list[str]) -> str:
    """The roles whose re-solves stopped, named (the first three) and counted."""
    roles = list(dict.fromkeys(stopped))
    named = ", ".join(roles[:3])
    return named if len(roles) <= 3 else f"{counted(len(roles), 'role')} ({named}, ...)"


def _solved(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    *,
    mode: PlanMode,
    team: dict[str, int] | None = None,
    fairness: float = 0.0,  # read by allocation only, which always gives it
    bounds: dict[str, tuple[int, int]] | None = None,
) -> Model:
    model = build(sc, r, mode, budget=budget, fairness=fairness, team=team, bounds=bounds)
    try:
        if not solve(model.problem, solver):
            model.notes.append(unproven(solver, model.problem))
    except Infeasible:
        raise explain_infeasible(
            sc, r, mode=mode, solver=solver, budget=budget, team=team, bounds=bounds
        ) from None
    return model


def _heads(model: Model) -> dict[str, int]:
    return {rid: round(value(n)) for rid, n in model.count.items()}


def _sizing(sc: Scenario, r: Rates, solver: pulp.LpSolver, budget: float | None) -> Model:
    """Solve the sizing model until the team it plans is the team its rules assumed."""
    team = {rid: role.headcount.current for rid, role in sc.roles.items()}
    seen: list[dict[str, int]] = []
    for _ in range(MAX_ROUNDS):
        model = _solved(sc, r, solver, budget, mode=PlanMode.SIZING, team=team)
        # Alike units of a network: their rules at their mean (optimizer.alike.evened).
        heads = evened(_heads(model), model.alike)
        if heads == team:
            return model
        if heads in seen:
            # A cycle (n, n+1, n, ...): n is too few at its own rules, yet enough at n+1's
            # (a ramp or attrition share that grows with the team). The larger team, and
            # (least cost) no fewer people than it, so the plan is the team its rules are for.
            cycle = [*seen[seen.index(heads) :], team]
            team = {rid: max(t[rid] for t in cycle) for rid in team}
            floor = None
            if budget is None:
                floor = {
                    rid: (max(role.headcount.min, team[rid]), role.headcount.max)
                    for rid, role in sc.roles.items()
                }
            return _solved(sc, r, solver, budget, mode=PlanMode.SIZING, team=team, bounds=floor)
        seen.append(team)
        team = heads
    return _solved(sc, r, solver, budget, mode=PlanMode.SIZING, team=team)


def _allocation(
    sc: Scenario, r: Rates, solver: pulp.LpSolver, budget: float | None, fairness: float
) -> Model:
    model = _solved(sc, r, solver, budget, mode=PlanMode.ALLOCATION, fairness=fairness)
    if model.gates:
        # The warm-first gates are whole numbers; with them fixed at their optimum the
        # rest is a linear programme again, whose duals value one more person.
        for gate in model.gates.values():
            fixed = round(value(gate))
            gate.lowBound = gate.upBound = fixed
            gate.cat = pulp.LpContinuous
        solve(model.problem, solver)
    return model


def _check_team(sc: Scenario, budget: float | None) -> None:
    """Limits a fixed team either meets or not: no solver needed to say so."""
    for rid, role in sc.roles.items():
        below = sum(sc.roles[x].headcount.current for x in sc.direct_reports(rid))
        if role.max_span is None or not below:
            continue
        need = math.ceil(below / role.max_span)
        if role.headcount.current < need:
            more = need - role.headcount.current
            wider = math.ceil(below / max(role.headcount.current, 1))
            name = title(rid, sc)
            text = (
                f"{name} needs {counted(need, 'person')} for {counted(below, 'report')} at a "
                f"span of {role.max_span}: hire {more} more ({role.headcount.current} -> "
                f"{need}), or allow a span of {wider}"
            )
            raise InfeasiblePlanError(
                f"The current team is impossible: span of control of {name}: "
                f"{counted(below, 'person')} report to its "
                f"{counted(role.headcount.current, 'person')}, beyond a span of "
                f"{role.max_span} each.",
                [
                    Relaxation(
                        kind="span", subject=rid, amount=float(more), unit="people", text=text
                    )
                ],
            )
    cost = sum(role.headcount.current * role.monthly_cost for role in sc.roles.values())
    if budget is not None and cost > budget:
        cost_text, budget_text, over = format_money_column(
            [cost, budget, cost - budget], sc.currency, sc.money_locale
        )
        text = f"a budget {over} a month larger"
        raise InfeasiblePlanError(
            f"The current team costs {cost_text} a month, over the budget of {budget_text}.",
            [
                Relaxation(
                    kind="budget",
                    subject="budget",
                    amount=cost - budget,
                    unit=f"{sc.currency}/month",
                    text=text,
                )
            ],
        )


def _notes(model: Model) -> list[str]:
    sc, r = model.scenario, model.rates
    notes = []
    if model.revenue:
        month, loc = month_title(r.design.label, sc.money_locale), sc.money_locale
        notes.append(
            f"Sized for {month}, {design_words(r, units_vary=unit_plan.varies(sc))}, at an "
            "average month's "
            f"{format_number(r.per_month, 1, locale=loc)} working days ({month} has "
            f"{r.design.working_days}); expected values, the simulator checks the spread."
        )
    design = _design_month_note(model)
    if design:
        notes.append(design)
    if model.mode == PlanMode.SIZING and costs_missing(sc):
        notes.append(
            "No role has a monthly_cost: the plan is the fewest people that meet it; "
            "give costs to weigh one role against another."
        )
    elif model.mode == PlanMode.SIZING:
        free = [rid for rid, role in sc.roles.items() if role.monthly_cost <= 0]
        if free:
            notes.append(
                f"No monthly_cost for {', '.join(free)}: the optimiser counts them as free "
                "and takes them first where they can do the work."
            )
    if model.mode == PlanMode.ALLOCATION:
        for desk in model.desks:
            people = sum(1 for u in model.units if u.role in desk.roles)
            if people < desk.roster:
                notes.append(
                    f"{', '.join(desk.channels)}: {people} people answer; the service "
                    f"target needs {desk.roster} on the roster ({desk.seats} present)"
                )
    return notes


def _design_month_note(model: Model) -> str:
    """One line on what makes the design month unlike a plain one: its people, its season.

    "Design month Apr 2027: Seller 5 in seat, 1 joining, 1 ramping (productivity 0.50);
    lead volume x1.3" (:func:`design_month_heading`, figures in the scenario's locale).
    Empty when the roles have no dates and every factor is 1.
    """
    sc, r = model.scenario, model.rates
    loc = sc.money_locale
    parts = []
    for rid in sc.roles:
        if not dated(sc, rid):
            continue
        people = model.team[rid]  # allocation: the current team
        m = design_month(sc, r, rid, people)
        if not (m.joiners or m.leavers or m.ramping or m.in_seat != people):
            continue
        words = [f"{title(rid, sc)} {format_significant(m.in_seat, locale=loc)} in seat"]
        words += [f"{m.joiners} joining"] if m.joiners else []
        words += [f"{m.leavers} leaving"] if m.leavers else []
        if m.ramping:
            # The ramping people's mean share (the ramped ones are at 1).
            share = (m.productive - m.ramped) / m.ramping
            ramping = format_significant(m.ramping, locale=loc)
            words.append(f"{ramping} ramping (productivity {format_number(share, 2, locale=loc)})")
        parts.append(", ".join(words))
    for kind in season.SeasonKind:
        f = season.factor(sc, kind, r.design.index)
        if f != 1.0:
            parts.append(f"{kind.value.replace('_', ' ')} x{format_significant(f, 6, locale=loc)}")
    if not parts:
        return ""
    return f"{design_month_heading(r.design.label, loc)}: {'; '.join(parts)}."


def _dual_values(model: Model, solver: pulp.LpSolver) -> tuple[Marginal, ...]:
    """First-order value of one more person per role: the duals of their limits."""
    sc, r = model.scenario, model.rates
    cons = model.constraints
    per_role: dict[str, list[float]] = defaultdict(list)
    for u in model.units:
        worth = dual(model.problem, cons[f"capacity_{u.id}"], solver) * u.capacity_min
        calls = cons.get(f"calls_cap_{u.id}")
        if calls is not None:
            worth += dual(model.problem, calls, solver) * u.dials_max
        per_role[u.role].append(worth * r.per_month)
    unit = f"{sc.currency}/month of expected revenue"
    return tuple(
        Marginal(
            role=rid,
            level=sc.roles[rid].level.value,
            one_more=sum(v) / len(v),
            one_fewer=None,
            unit=unit,
            method="duals",
        )
        for rid, v in per_role.items()
    )


def _resolve_values(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    heads: dict[str, int],
    base: Plan,
    alike: Sequence[Sequence[str]] = (),
    stopped: list[str] | None = None,
) -> tuple[Marginal, ...]:
    """Value of one more and one fewer person per role, each from a re-solve.

    Alike units (optimizer.alike) share their re-solves: the model maps onto itself when
    two of them swap, so one more person of a role in either, at the same headcount,
    gives the same plan's cost. Fifty alike branches re-solve twice a role, not fifty times.
    """
    bounds = {rid: (role.headcount.min, role.headcount.max) for rid, role in sc.roles.items()}
    solved: dict[tuple[str, int], tuple[float | None, float | None]] = {}
    values = []
    for rid, role in sc.roles.items():
        n = heads[rid]
        key = (first_alike(rid, alike), n)
        if key not in solved:
            solved[key] = _more_and_fewer(
                sc,
                r,
                solver=solver,
                budget=budget,
                bounds=bounds,
                heads=heads,
                rid=rid,
                stopped=stopped if stopped is not None else [],
            )
        more, fewer = solved[key]
        if budget is None:
            unit = f"{sc.currency}/month of cost (change)"
            base_value = base.cost_per_month
        else:
            unit = f"{sc.currency}/month of expected revenue (change, budget moved with it)"
            base_value = base.revenue_per_month
        values.append(
            Marginal(
                role=rid,
                level=role.level.value,
                one_more=None if more is None else more - base_value,
                one_fewer=None if fewer is None else fewer - base_value,
                unit=unit,
                method="re-solve",
            )
        )
    return tuple(values)


def _more_and_fewer(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    bounds: dict[str, tuple[int, int]],
    heads: dict[str, int],
    rid: str,
    stopped: list[str],
) -> tuple[float | None, float | None]:
    """The re-solves with one more and with one fewer person of role ``rid``.

    ``stopped`` gains ``rid`` when a re-solve stopped at the time limit (not proven).
    """
    role, n = sc.roles[rid], heads[rid]
    with_people = functools.partial(
        _objective_with,
        sc,
        r,
        solver=solver,
        budget=budget,
        bounds=bounds,
        heads=heads,
        stopped=stopped,
    )
    # Within the role's own limits only: beyond them there is no such plan.
    more = fewer = None
    if n + 1 <= role.headcount.max:
        more = with_people(role_id=rid, people=n + 1, cost_change=role.monthly_cost)
    if n - 1 >= role.headcount.min:
        fewer = with_people(role_id=rid, people=n - 1, cost_change=-role.monthly_cost)
    return more, fewer


def _objective_with(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    bounds: dict[str, tuple[int, int]],
    heads: dict[str, int],
    role_id: str,
    people: int,
    cost_change: float,
    stopped: list[str],
) -> float | None:
    """Cost (or revenue, with a budget) with a role's headcount pinned; None if impossible.

    A re-solve stopped at the time limit (its best plan found) adds the role to ``stopped``.
    """
    pinned = {**bounds, role_id: (people, people)}
    moved = None if budget is None else budget + cost_change
    team = {**heads, role_id: people}
    model = build(sc, r, PlanMode.SIZING, budget=moved, bounds=pinned, team=team)
    try:
        if not solve(model.problem, solver):
            stopped.append(role_id)
    except Infeasible:
        return None
    if budget is None:
        return sum(sc.roles[rid].monthly_cost * round(value(v)) for rid, v in model.count.items())
    per_day = sum(coef * value(var) for var, coef in model.revenue.items())
    return per_day * r.per_month
