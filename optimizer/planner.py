"""``optimizer.plan``: build, solve and extract, explain what binds, or why nothing fits."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import pulp

from optimizer.elastic import explain_infeasible
from optimizer.errors import InfeasiblePlanError, Relaxation
from optimizer.extract import extract
from optimizer.model import ALLOCATION, MODES, SIZING, Model, build, value
from optimizer.rates import Rates, rates
from optimizer.result import Marginal, Plan
from optimizer.solve import Infeasible, dual, solve
from optimizer.solvers import make_solver
from sim.analytic import agents_for_service_level
from sim.scenario import Scenario
from sim.scenario.market import InboundChannel


def plan(
    scenario: Scenario,
    mode: str = SIZING,
    solver: str | None = None,
    budget: float | None = None,
    *,
    time_limit_s: float | None = None,
    fairness: float = 0.01,
    marginals: bool = True,
    capacity_factor: Mapping[str, float] | None = None,
) -> Plan:
    """The optimal plan of a scenario.

    Args:
        scenario: The scenario.
        mode: "sizing": whole people per role within the headcount ranges, least cost
            meeting the plan (most revenue within ``budget`` when given); "allocation":
            the current team by name, hours per person and duty, call targets per person,
            most expected revenue with the plan as a floor.
        solver: "cbc" (default) or "highs".
        budget: Most team cost a month, scenario currency (sizing).
        time_limit_s: Solver time limit per solve.
        fairness: Allocation: weight on the utilisation gap within a level.
        marginals: Compute what one more person is worth (re-solves when sizing).
        capacity_factor: Per role, the share of the modelled working time that simulated
            days really allowed (the verify loop's calibration); 1.0 where absent.

    Raises:
        InfeasiblePlanError: No plan within the limits; it says what would make one.
        PlanError: The solver found no optimal plan (unbounded, time limit).
        SolverUnavailableError: An unknown solver, or HiGHS without highspy.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    lp_solver = make_solver(solver, time_limit_s)
    factors = dict(capacity_factor or {})
    for role, factor in factors.items():
        if role not in scenario.roles or not 0.0 < factor <= 1.5:
            raise ValueError(f"capacity_factor[{role!r}] must be a role's factor in (0, 1.5]")
    r = rates(scenario, factors)
    if mode == ALLOCATION:
        _check_team(scenario, budget)
    model = build(scenario, r, mode, budget=budget, fairness=fairness)
    try:
        solve(model.problem, lp_solver)
    except Infeasible:
        raise explain_infeasible(scenario, r, mode, lp_solver, budget) from None
    model.notes.extend(_notes(model))
    found: tuple[Marginal, ...] = ()
    if marginals:
        found = _dual_values(model, lp_solver) if mode == ALLOCATION else ()
    result = extract(model, lp_solver, found)
    if marginals and mode == SIZING:
        heads = {line.role: line.headcount for line in result.roles}
        found = _resolve_values(scenario, r, lp_solver, budget, heads, result)
        result = _with_marginals(result, found)
    return result


def _with_marginals(result: Plan, found: tuple[Marginal, ...]) -> Plan:
    from dataclasses import replace

    return replace(result, marginals=found)


def _check_team(sc: Scenario, budget: float | None) -> None:
    """Limits a fixed team either meets or not: no solver needed to say so."""
    for rid, role in sc.roles.items():
        below = sum(sc.roles[x].headcount.current for x in sc.direct_reports(rid))
        if role.max_span is None or not below:
            continue
        need = math.ceil(below / role.max_span)
        if role.headcount.current < need:
            more = need - role.headcount.current
            text = f"hire {more} more {rid} ({role.headcount.current} -> {need})"
            raise InfeasiblePlanError(
                f"The current team is impossible: {below} people report to "
                f"{role.headcount.current} {rid}, beyond a span of {role.max_span} each.",
                [Relaxation("span", rid, float(more), "people", text)],
            )
    cost = sum(role.headcount.current * role.monthly_cost for role in sc.roles.values())
    if budget is not None and cost > budget:
        text = f"a budget {cost - budget:,.0f} {sc.currency} a month larger"
        raise InfeasiblePlanError(
            f"The current team costs {cost:,.0f} {sc.currency} a month, over the budget "
            f"of {budget:,.0f}.",
            [Relaxation("budget", "budget", cost - budget, f"{sc.currency}/month", text)],
        )


def _notes(model: Model) -> list[str]:
    sc = model.scenario
    notes = [
        f"Sized for {model.rates.design.label}, the month with the highest plan per working "
        "day; expected values, the simulator checks the spread.",
    ]
    if model.mode == ALLOCATION:
        for cid, ch in sc.channels.items():
            if not isinstance(ch, InboundChannel) or ch.requests_per_day <= 0:
                continue
            per_min = ch.requests_per_day / (sc.calendar.workday.hours * 60.0)
            agents = agents_for_service_level(
                per_min,
                ch.handle_min.expected_value(),
                ch.answer_within_min,
                ch.service_level_target,
            )
            answering = {uid for uid, c in model.answers if c == cid}
            if len(answering) < agents:
                notes.append(
                    f"{cid}: {len(answering)} people answer, Erlang C asks for {agents} to "
                    f"answer {ch.service_level_target:.0%} within {ch.answer_within_min:g} min"
                )
    return notes


def _dual_values(model: Model, solver: pulp.LpSolver) -> tuple[Marginal, ...]:
    """First-order value of one more person per role: the duals of their limits."""
    sc, r = model.scenario, model.rates
    cons = model.constraints
    per_role: dict[str, list[float]] = defaultdict(list)
    for u in model.units:
        worth = dual(model.problem, cons[f"capacity_{u.id}"], solver) * u.capacity_min
        calls = cons.get(f"calls_cap_{u.id}")
        if calls is not None:
            worth += dual(model.problem, calls, solver) * sc.policies.max_calls_per_day * u.presence
        selling = cons.get(f"selling_{u.id}")
        if selling is not None:
            worth += dual(model.problem, selling, solver) * sc.roles[u.role].sells * u.capacity_min
        per_role[u.role].append(worth * r.days_per_month)
    unit = f"{sc.currency}/month of expected revenue"
    return tuple(
        Marginal(rid, sc.roles[rid].level.value, sum(v) / len(v), None, unit, "duals")
        for rid, v in per_role.items()
    )


def _resolve_values(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    heads: dict[str, int],
    base: Plan,
) -> tuple[Marginal, ...]:
    """Value of one more and one fewer person per role, each from a re-solve."""
    bounds = {rid: (role.headcount.min, role.headcount.max) for rid, role in sc.roles.items()}
    values = []
    for rid, role in sc.roles.items():
        n = heads[rid]
        more = _objective_with(sc, r, solver, budget, bounds, rid, n + 1, role.monthly_cost)
        fewer = None
        if n > 0:
            fewer = _objective_with(sc, r, solver, budget, bounds, rid, n - 1, -role.monthly_cost)
        if budget is None:
            unit = f"{sc.currency}/month of cost (change)"
            base_value = base.cost_per_month
        else:
            unit = f"{sc.currency}/month of expected revenue (change, budget moved with it)"
            base_value = base.revenue_per_month
        values.append(
            Marginal(
                rid,
                role.level.value,
                None if more is None else more - base_value,
                None if fewer is None else fewer - base_value,
                unit,
                "re-solve",
            )
        )
    return tuple(values)


def _objective_with(
    sc: Scenario,
    r: Rates,
    solver: pulp.LpSolver,
    budget: float | None,
    bounds: dict[str, tuple[int, int]],
    role_id: str,
    people: int,
    cost_change: float,
) -> float | None:
    """Cost (or revenue, with a budget) with a role's headcount pinned; None if impossible."""
    pinned = {**bounds, role_id: (people, people)}
    moved = None if budget is None else budget + cost_change
    model = build(sc, r, SIZING, budget=moved, bounds=pinned)
    try:
        solve(model.problem, solver)
    except Infeasible:
        return None
    if budget is None:
        return sum(sc.roles[rid].monthly_cost * round(value(v)) for rid, v in model.count.items())
    per_day = sum(coef * value(var) for var, coef in model.revenue.items())
    return per_day * r.days_per_month
