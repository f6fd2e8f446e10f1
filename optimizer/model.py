"""The team as one PuLP model: build -> solve -> extract (extraction in optimizer.extract).

Everything is a rate per working day: minutes, dials, deals, revenue. Sizing plans whole
roles with an integer headcount each; allocation plans the named people of the current
team. Both use the same constraint families over "units" (optimizer.team), each family
built in one loop and named from its indices, so ``problem.writeLP`` reads as the plan.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from optimizer.economics import (
    ChannelEconomics,
    SegmentEconomics,
    channel_economics,
    segment_economics,
)
from optimizer.rates import Rates
from optimizer.team import Unit, allocation_units, sizing_units
from sim.analytic import agents_for_service_level
from sim.scenario import Level, Scenario
from sim.scenario.market import InboundChannel
from sim.scenario.work import EVENT_SCALES, PER_HEAD_SCALES, DutyScale

SIZING = "sizing"
ALLOCATION = "allocation"
MODES = (SIZING, ALLOCATION)
# Limits an infeasible plan may relax, one group at a time (optimizer.elastic).
RELAX_GROUPS = ("plan", "headcount", "capacity", "pool", "budget")

Terms = dict[pulp.LpVariable, float]


@dataclass
class Model:
    """A built model and everything extraction needs to read its answer back."""

    problem: pulp.LpProblem
    scenario: Scenario
    rates: Rates
    mode: str
    units: list[Unit]
    channels: dict[str, ChannelEconomics]
    budget: float | None
    count: dict[str, pulp.LpVariable] = field(default_factory=dict)  # sizing: role -> n
    dials: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    deals: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    answers: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    duty: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    busy: dict[str, pulp.LpVariable] = field(default_factory=dict)
    relax: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    econ: dict[tuple[str, str], SegmentEconomics] = field(default_factory=dict)
    # unit -> activity -> (terms, constant): the minutes a day each activity takes.
    load: dict[str, dict[str, tuple[Terms, float]]] = field(default_factory=dict)
    revenue: Terms = field(default_factory=dict)
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def headcount(self, unit: Unit) -> float:
        """People in a unit in the current solution."""
        if self.mode == ALLOCATION:
            return 1.0
        return float(self.count[unit.id].varValue or 0.0)


def _by_first(
    variables: dict[tuple[str, str], pulp.LpVariable],
) -> dict[str, list[tuple[str, pulp.LpVariable]]]:
    """Group variables keyed (a, b) by a, so loops over units stay linear in size."""
    grouped: dict[str, list[tuple[str, pulp.LpVariable]]] = defaultdict(list)
    for (a, b), var in variables.items():
        grouped[a].append((b, var))
    return grouped


def _by_second(
    variables: dict[tuple[str, str], pulp.LpVariable],
) -> dict[str, list[tuple[str, pulp.LpVariable]]]:
    grouped: dict[str, list[tuple[str, pulp.LpVariable]]] = defaultdict(list)
    for (a, b), var in variables.items():
        grouped[b].append((a, var))
    return grouped


def _add(terms: Terms, var: pulp.LpVariable, coef: float) -> None:
    if coef:
        terms[var] = terms.get(var, 0.0) + coef


def _constrain(model: Model, name: str, terms: Terms, sense: int, rhs: float) -> pulp.LpConstraint:
    constraint = pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, name, rhs)
    model.problem.addConstraint(constraint)
    # Kept here too: reading problem.constraints as a mapping is deprecated in PuLP 3.3.
    model.constraints[name] = constraint
    return constraint


def build(
    sc: Scenario,
    r: Rates,
    mode: str = SIZING,
    *,
    budget: float | None = None,
    bounds: dict[str, tuple[int, int]] | None = None,
    relax: frozenset[str] = frozenset(),
    integer: bool = True,
    fairness: float = 0.01,
) -> Model:
    """Build the model of a scenario.

    Args:
        sc: The scenario.
        r: Its calendar facts (optimizer.rates.rates).
        mode: "sizing" (integer headcount per role) or "allocation" (the current people).
        budget: Sizing: most team cost a month; the objective becomes most revenue.
        bounds: Sizing: headcount (min, max) per role instead of the scenario's.
        relax: Groups of limits given a penalised slack (RELAX_GROUPS); the objective
            becomes the smallest relative relaxation.
        integer: Whole people when sizing (False solves the LP relaxation).
        fairness: Allocation: weight of the utilisation gap within each level, as a
            share of a day's plan per unit of gap.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    relaxing = bool(relax)
    maximise = not relaxing and (mode == ALLOCATION or budget is not None)
    problem = pulp.LpProblem("teamsim_" + mode, pulp.LpMaximize if maximise else pulp.LpMinimize)
    units = sizing_units(sc, r) if mode == SIZING else allocation_units(sc, r)
    model = Model(problem, sc, r, mode, units, channel_economics(sc, r), budget)
    _variables(model, bounds or {}, relax, integer)
    _work(model)
    _constraints(model, relax)
    _objective(model, relax, fairness)
    return model


def _variables(
    model: Model, bounds: dict[str, tuple[int, int]], relax: frozenset[str], integer: bool
) -> None:
    sc = model.scenario
    cat = pulp.LpInteger if integer else pulp.LpContinuous
    if model.mode == SIZING:
        for rid, role in sc.roles.items():
            lo, hi = bounds.get(rid, (role.headcount.min, role.headcount.max))
            # With the maximum relaxed, the bound moves into a named, elastic constraint.
            up = None if "headcount" in relax else hi
            model.count[rid] = model.problem.add_variable(f"n_{rid}", lo, up, cat)
    outbound = [c for c, ch in model.channels.items() if ch.outbound and ch.leads_per_dial > 0]
    inbound = [c for c, ch in model.channels.items() if ch.requests_per_day > 0]
    pooled = {
        did: set(sc.duty_roles(did))
        for did, d in sc.duties.items()
        if d.per not in PER_HEAD_SCALES and d.per is not DutyScale.REPORT_PER_WEEK
    }
    for u in model.units:
        role = sc.roles[u.role]
        model.busy[u.id] = model.problem.add_variable(f"busy_{u.id}", 0)
        if role.sells > 0:
            segments = role.segments if role.segments is not None else list(sc.segments)
            fed = {c for s in segments for c in sc.segments[s].channels}
            dialled = set(role.channels) if role.channels is not None else fed
            for cid in outbound:
                if cid in dialled:
                    model.dials[u.id, cid] = model.problem.add_variable(f"dials_{u.id}_{cid}", 0)
            for sid in segments:
                model.deals[u.id, sid] = model.problem.add_variable(f"deals_{u.id}_{sid}", 0)
        if role.answers_inbound:
            for cid in inbound:
                if role.channels is None or cid in role.channels:
                    model.answers[u.id, cid] = model.problem.add_variable(
                        f"answers_{u.id}_{cid}", 0
                    )
        for did, roles in pooled.items():
            if u.role in roles:
                model.duty[u.id, did] = model.problem.add_variable(f"duty_{u.id}_{did}", 0)


def _put(
    load: dict[str, tuple[Terms, float]],
    activity: str,
    var: pulp.LpVariable | None,
    coef: float,
) -> None:
    terms, const = load.get(activity, ({}, 0.0))
    if var is None:
        const += coef
    else:
        _add(terms, var, coef)
    load[activity] = (terms, const)


def _work(model: Model) -> None:
    """The minutes a day each unit spends on each activity, as terms and constants."""
    sc, r = model.scenario, model.rates
    by_persona: dict[tuple[str, float, float], SegmentEconomics] = {}
    dials, deals = _by_first(model.dials), _by_first(model.deals)
    answers, duties = _by_first(model.answers), _by_first(model.duty)
    duty_roles = {did: set(sc.duty_roles(did)) for did in sc.duties}
    for u in model.units:
        load: dict[str, tuple[Terms, float]] = {}
        n = model.count.get(u.id)
        put = functools.partial(_put, load)

        for cid, var in dials[u.id]:
            ch = model.channels[cid]
            put("calls", var, ch.minutes_per_dial * u.duration_x / u.productivity)
        for sid, var in deals[u.id]:
            key = (sid, u.conversion_x, u.duration_x)
            if key not in by_persona:
                by_persona[key] = segment_economics(sc, sid, r, u.conversion_x, u.duration_x)
            e = model.econ[u.id, sid] = by_persona[key]
            put("stage_work", var, e.work_min / u.productivity)
            put("travel", var, e.meetings * 2.0 * u.travel_min)
            _add(model.revenue, var, e.revenue)
        for cid, var in answers[u.id]:
            put("inbound", var, model.channels[cid].handle_min * u.duration_x)
        for did, var in duties[u.id]:
            put(f"duty:{did}", var, 1.0)
        for did, duty in sc.duties.items():
            if u.role not in duty_roles[did]:
                continue
            # Per-head and per-report duties are done on the days at work (the deputy
            # covers the rest), so on average they take the presence share of their minutes.
            if duty.per in PER_HEAD_SCALES:
                put(f"duty:{did}", n, duty.minutes_per_day() * u.presence)
            elif duty.per is DutyScale.REPORT_PER_WEEK:
                per_report = duty.minutes_per_day(1.0) * u.presence
                if n is None:
                    put(f"duty:{did}", None, per_report * u.reports)
                else:
                    for rid in sc.direct_reports(u.role):
                        put(f"duty:{did}", model.count[rid], per_report)
        model.load[u.id] = load


def _constraints(model: Model, relax: frozenset[str]) -> None:
    _plan_and_deals(model, relax)
    _duties(model)
    _capacity(model, relax)
    _team(model, relax)
    _pools(model, relax)


def _elastic(model: Model, group: str, subject: str, relax: frozenset[str]) -> Terms:
    if group not in relax:
        return {}
    var = model.problem.add_variable(f"relax_{group}_{subject}", 0)
    model.relax[group, subject] = var
    return {var: 1.0}


def _plan_and_deals(model: Model, relax: frozenset[str]) -> None:
    sc, r = model.scenario, model.rates
    if not model.revenue:
        # No segment anyone sells (a support desk): the team is sized for its work alone.
        model.notes.append("No sales segments: the revenue plan is not modelled.")
    elif model.budget is None or model.mode == ALLOCATION:
        revenue = dict(model.revenue)
        revenue.update(_elastic(model, "plan", "plan", relax))
        _constrain(model, "plan", revenue, pulp.LpConstraintGE, r.plan_per_day)
    # Every lead that arrives is worked by someone selling its segment.
    deals_of, dials_of = _by_second(model.deals), _by_second(model.dials)
    for sid in sc.segments:
        terms: Terms = {var: 1.0 for _, var in deals_of[sid]}
        fixed = 0.0
        for cid, ch in model.channels.items():
            share = ch.shares.get(sid, 0.0)
            fixed += share * ch.fixed_leads_per_day
            if share and ch.outbound:
                for _, var in dials_of[cid]:
                    _add(terms, var, -share * ch.leads_per_dial)
        _constrain(model, f"deals_{sid}", terms, pulp.LpConstraintEQ, fixed)
    for cid, ch in model.channels.items():
        if ch.requests_per_day > 0:
            terms = {var: 1.0 for (_, c), var in model.answers.items() if c == cid}
            _constrain(model, f"inbound_{cid}", terms, pulp.LpConstraintEQ, ch.requests_per_day)


def _duties(model: Model) -> None:
    """Pooled duties: their load, set by the volume, shared by whoever may do them."""
    sc, r = model.scenario, model.rates
    level_of = {u.id: u.level for u in model.units}
    doers_of = _by_second(model.duty)
    for did, duty in sc.duties.items():
        doers = doers_of[did]
        if duty.per in EVENT_SCALES:
            levels = duty.levels if duty.per is not DutyScale.DEAL else [None]
            for level in levels:
                terms: Terms = {}
                for (uid, sid), var in model.deals.items():
                    _add(terms, var, -duty.minutes * _events(model.econ[uid, sid], duty.per, level))
                if not terms:
                    continue
                at = [v for uid, v in doers if level is None or level_of[uid] is level]
                for var in at:
                    _add(terms, var, 1.0)
                name = f"duty_{did}" if level is None else f"duty_{did}_{level.value}"
                _constrain(model, name, terms, pulp.LpConstraintEQ, 0.0)
        elif duty.per in (DutyScale.FIXED_PER_WEEK, DutyScale.FIXED_PER_MONTH):
            days = r.days_per_week if duty.per is DutyScale.FIXED_PER_WEEK else r.days_per_month
            terms = {var: 1.0 for _, var in doers}
            _constrain(model, f"duty_{did}", terms, pulp.LpConstraintEQ, duty.minutes / days)


def _events(e: SegmentEconomics, scale: DutyScale, level: Level | None) -> float:
    if scale is DutyScale.DEAL:
        return 1.0
    if scale is DutyScale.APPROVAL:
        return e.approvals.get(level, 0.0) if level is not None else 0.0
    return e.escalations if e.escalation_level is level else 0.0


def _capacity(model: Model, relax: frozenset[str]) -> None:
    sc = model.scenario
    max_calls = sc.policies.max_calls_per_day
    dials_of = _by_first(model.dials)
    for u in model.units:
        busy = model.busy[u.id]
        n = model.count.get(u.id)
        terms: Terms = {busy: 1.0}
        const = 0.0
        for acts, c in model.load[u.id].values():
            for var, coef in acts.items():
                _add(terms, var, -coef)
            const += c
        # busy = the sum of its activities; the limits below then stay short rows.
        _constrain(model, f"busy_{u.id}", terms, pulp.LpConstraintEQ, const)
        cap = {busy: 1.0}
        cap.update({v: -c for v, c in _elastic(model, "capacity", u.id, relax).items()})
        rhs = u.capacity_min if n is None else 0.0
        if n is not None:
            cap[n] = -u.capacity_min
        _constrain(model, f"capacity_{u.id}", cap, pulp.LpConstraintLE, rhs)
        dials: Terms = {var: 1.0 for _, var in dials_of[u.id]}
        if dials:
            limit = max_calls * u.presence
            if n is not None:
                dials[n] = -limit
            _constrain(
                model, f"calls_cap_{u.id}", dials, pulp.LpConstraintLE, limit if n is None else 0.0
            )
        sells = sc.roles[u.role].sells
        if 0.0 < sells < 1.0:
            selling: Terms = {}
            for act in ("calls", "stage_work", "travel"):
                for var, coef in model.load[u.id].get(act, ({}, 0.0))[0].items():
                    _add(selling, var, coef)
            limit = sells * u.capacity_min
            if n is not None:
                selling[n] = -limit
            _constrain(
                model, f"selling_{u.id}", selling, pulp.LpConstraintLE, limit if n is None else 0.0
            )


def _team(model: Model, relax: frozenset[str]) -> None:
    """Sizing only: headcount limits, span of control, people to answer requests, budget."""
    if model.mode != SIZING:
        return
    sc = model.scenario
    n = model.count
    if "headcount" in relax:
        for rid, role in sc.roles.items():
            terms = {n[rid]: 1.0}
            terms.update({v: -1.0 for v in _elastic(model, "headcount", rid, relax)})
            limit = float(role.headcount.max)
            _constrain(model, f"headcount_max_{rid}", terms, pulp.LpConstraintLE, limit)
    for rid, role in sc.roles.items():
        below = sc.direct_reports(rid)
        if role.max_span is not None and below:
            terms = {n[x]: 1.0 for x in below}
            _add(terms, n[rid], -float(role.max_span))
            _constrain(model, f"span_{rid}", terms, pulp.LpConstraintLE, 0.0)
    answering = {cid: [rid for (rid, c) in model.answers if c == cid] for cid in sc.channels}
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel) and ch.requests_per_day > 0 and answering[cid]:
            per_min = ch.requests_per_day / (sc.calendar.workday.hours * 60.0)
            handle = ch.handle_min.expected_value()
            target = ch.service_level_target
            agents = agents_for_service_level(per_min, handle, ch.answer_within_min, target)
            terms = {n[rid]: 1.0 for rid in answering[cid]}
            _constrain(model, f"service_{cid}", terms, pulp.LpConstraintGE, float(agents))
    if model.budget is not None:
        terms = {n[rid]: role.monthly_cost for rid, role in sc.roles.items()}
        terms.update({v: -1.0 for v in _elastic(model, "budget", "budget", relax)})
        _constrain(model, "budget", terms, pulp.LpConstraintLE, model.budget)


def _pools(model: Model, relax: frozenset[str]) -> None:
    for cid, ch in model.channels.items():
        if ch.contacts_per_day is None or not ch.outbound:
            continue
        terms = {var: ch.connects_per_dial for (_, c), var in model.dials.items() if c == cid}
        if not terms:
            continue
        terms.update({v: -1.0 for v in _elastic(model, "pool", cid, relax)})
        _constrain(model, f"pool_{cid}", terms, pulp.LpConstraintLE, ch.contacts_per_day)


def _objective(model: Model, relax: frozenset[str], fairness: float) -> None:
    sc, r = model.scenario, model.rates
    busy_total = {v: 1.0 for v in model.busy.values()}
    if relax:
        # The smallest relaxation, each measured against the limit it moves.
        terms: Terms = {}
        for (group, subject), var in model.relax.items():
            _add(terms, var, 1.0 / max(_scale(model, group, subject), 1e-9))
        model.problem.setObjective(pulp.LpAffineExpression(terms))
        return
    revenue_per_minute = r.plan_per_day / max(sc.calendar.workday.available_min, 1.0)
    if model.mode == SIZING and model.budget is None:
        per_minute = [
            role.monthly_cost / (r.days_per_month * u.capacity_min)
            for u in model.units
            if (role := sc.roles[u.role]).monthly_cost > 0 and u.capacity_min > 0
        ]
        # A tie-break far below one person's cost: among equally cheap teams, the
        # least busy plan, so that CBC and HiGHS agree on the call targets.
        weight = 1e-3 * min(per_minute, default=1e-3)
        terms = {n: sc.roles[rid].monthly_cost for rid, n in model.count.items()}
        for var in model.busy.values():
            _add(terms, var, weight)
        model.problem.setObjective(pulp.LpAffineExpression(terms))
        return
    terms = dict(model.revenue)
    for var in busy_total:
        _add(terms, var, -1e-6 * revenue_per_minute)
    if model.mode == ALLOCATION and fairness > 0:
        _fairness(model, terms, fairness * r.plan_per_day)
    model.problem.setObjective(pulp.LpAffineExpression(terms))


def _fairness(model: Model, objective: Terms, weight: float) -> None:
    """Penalise the gap between the busiest and the least busy person of each level."""
    by_level: dict[Level, list[Unit]] = defaultdict(list)
    for u in model.units:
        if u.capacity_min > 0:
            by_level[u.level].append(u)
    for level, people in by_level.items():
        if len(people) < 2:
            continue
        hi = model.problem.add_variable(f"util_max_{level.value}", 0)
        lo = model.problem.add_variable(f"util_min_{level.value}", 0)
        for u in people:
            busy = model.busy[u.id]
            _constrain(model, f"fair_hi_{u.id}", {busy: 1.0, hi: -u.capacity_min}, -1, 0.0)
            _constrain(model, f"fair_lo_{u.id}", {busy: 1.0, lo: -u.capacity_min}, 1, 0.0)
        _add(objective, hi, -weight)
        _add(objective, lo, weight)


def _scale(model: Model, group: str, subject: str) -> float:
    sc, r = model.scenario, model.rates
    if group == "plan":
        return r.plan_per_day
    if group == "headcount":
        return float(max(sc.roles[subject].headcount.max, 1))
    if group == "capacity":
        return next(u.capacity_min for u in model.units if u.id == subject)
    if group == "pool":
        return model.channels[subject].contacts_per_day or 1.0
    return model.budget or 1.0


def value(var: pulp.LpVariable | None) -> float:
    """A variable's value in the solution, 0 when it has none."""
    if var is None or var.varValue is None:
        return 0.0
    v = float(var.varValue)
    return 0.0 if math.isclose(v, 0.0, abs_tol=1e-9) else v
