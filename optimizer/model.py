"""The team as one PuLP model: build -> solve -> extract (extraction in optimizer.extract).

Everything is a rate per working day: minutes, dials, leads, revenue. Sizing plans whole
roles with an integer headcount each; allocation plans the named people of the current
team. Both use the same constraint families over "units" (optimizer.team), each family
built in one loop and named from its indices, so ``problem.writeLP`` reads as the plan.

Every coefficient is an expected value of a rule the simulator draws from (sim.rules):
the model only decides the volumes (dials per channel, requests answered, headcount)
and reads what they cost and bring. Leads are worked by whoever got them, as in the
simulated days: a dialled lead by the dialler, of a segment they sell; a lead that
arrives by itself is of a segment in the channel's mix first (sim.rules.deals.
lead_segments), then the answerer's when they sell that segment, else (and a referral)
a seller's of it drawn in proportion to selling share (``split``, for the team ``team``).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulp

from optimizer.alike import alike_units, order_terms
from optimizer.economics import (
    ChannelEconomics,
    LeadEconomics,
    channel_economics,
    lead_economics,
    unit_lead_segments,
)
from optimizer.modes import PlanMode as PlanMode  # read here by the optimiser's modules
from optimizer.rates import Rates
from optimizer.team import Unit, allocation_units, sizing_units
from sim.names import title
from sim.percent import format_number
from sim.rules import duties as duty_rule
from sim.rules import unit_plan
from sim.rules.activities import TimeUse
from sim.rules.calls import dial_order, dialled_channels, pool_shares
from sim.rules.closing import overtime_minutes
from sim.rules.deals import lead_segments, segments_sold
from sim.rules.people import lead_weight, person_id
from sim.rules.reach import lead_owner_roles
from sim.rules.service import Desk, all_answering_roles, answering_roles, desks
from sim.scenario import Level, Scenario
from sim.scenario.units import search_order, subtree
from sim.scenario.work import Duty, DutyScale

# Limits an infeasible plan may relax, one group at a time (optimizer.elastic).
RELAX_GROUPS = ("plan", "headcount", "capacity", "pool", "budget", "span")
CALLS, INBOUND = TimeUse.CALLS.value, TimeUse.INBOUND.value
APPROVAL, ESCALATION = TimeUse.APPROVAL.value, TimeUse.ESCALATION.value

Terms = dict[pulp.LpVariable, float]


@dataclass
class Model:
    """A built model and everything extraction needs to read its answer back."""

    problem: pulp.LpProblem
    scenario: Scenario
    rates: Rates
    mode: PlanMode
    units: list[Unit]
    channels: dict[str, ChannelEconomics]
    budget: float | None
    team: dict[str, int]  # the headcounts that team-dependent coefficients are for
    count: dict[str, pulp.LpVariable] = field(default_factory=dict)  # sizing: role -> n
    dials: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    deals: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    answers: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    busy: dict[str, pulp.LpVariable] = field(default_factory=dict)
    gates: dict[str, pulp.LpVariable] = field(default_factory=dict)  # warm pool -> "used up"
    relax: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    econ: dict[tuple[str, str], LeadEconomics] = field(default_factory=dict)
    # unit -> activity -> (terms, constant): the minutes a day each activity takes.
    load: dict[str, dict[str, tuple[Terms, float]]] = field(default_factory=dict)
    revenue: Terms = field(default_factory=dict)
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    desks: list[Desk] = field(default_factory=list)
    pool_shares: dict[str, dict[str, float]] = field(default_factory=dict)  # channel -> unit
    notes: list[str] = field(default_factory=list)
    alike: list[list[str]] = field(default_factory=list)  # classes of alike units (sizing)
    # A month's copy of the families (optimizer.hiring_model): "_m03" after every
    # variable and constraint name; "" for the plain plan, whose names stay as they are.
    suffix: str = ""

    def seated(self, unit: Unit) -> float:
        """Sizing: people of a unit in seat in the design month, for the team ``team``."""
        return self.team.get(unit.role, 0) + unit.extra_people

    def headcount(self, unit: Unit) -> float:
        """People in a unit in the current solution."""
        if self.mode == PlanMode.ALLOCATION:
            return 1.0
        return float(self.count[unit.id].varValue or 0.0)

    @functools.cached_property
    def by_id(self) -> dict[str, Unit]:
        """The units by id (looked up for every variable: a dict, not a scan)."""
        return {u.id: u for u in self.units}

    def unit(self, unit_id: str) -> Unit:
        """A unit by id."""
        return self.by_id[unit_id]


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
    name += model.suffix
    constraint = pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, name, rhs)
    model.problem.addConstraint(constraint)
    # Kept here too: reading problem.constraints as a mapping is deprecated in PuLP 3.3.
    model.constraints[name] = constraint
    return constraint


def build(
    sc: Scenario,
    r: Rates,
    mode: PlanMode | str = PlanMode.SIZING,
    *,
    budget: float | None = None,
    bounds: Mapping[str, tuple[int, int]] | None = None,
    relax: frozenset[str] = frozenset(),
    integer: bool = True,
    fairness: float = 0.01,
    team: Mapping[str, int] | None = None,
) -> Model:
    """Build the model of a scenario.

    Args:
        sc: The scenario.
        r: Its calendar facts (optimizer.rates.rates).
        mode: :class:`PlanMode` or its value: "sizing" (integer headcount per role) or
            "allocation" (the current people).
        budget: Sizing: most team cost a month; the objective becomes most revenue.
        bounds: Sizing: headcount (min, max) per role instead of the scenario's.
        relax: Groups of limits given a penalised slack (RELAX_GROUPS); the objective
            becomes the smallest relative relaxation.
        integer: Whole people when sizing (False solves the LP relaxation).
        fairness: Allocation: weight of the utilisation gap within each level, as a
            share of a day's plan per unit of gap.
        team: Sizing: the headcounts that the team-dependent rules are evaluated at
            (ramp share, referral split, the reporting tree); default: current.
    """
    plan_mode = PlanMode.of(mode)
    relaxing = bool(relax)
    sizing = plan_mode is PlanMode.SIZING
    maximise = not relaxing and (not sizing or budget is not None)
    sense = pulp.LpMaximize if maximise else pulp.LpMinimize
    problem = pulp.LpProblem("teamsim_" + plan_mode.value, sense)
    current = {rid: role.headcount.current for rid, role in sc.roles.items()}
    staffed = dict(team or current) if sizing else current
    units = sizing_units(sc, r, staffed) if sizing else allocation_units(sc, r)
    model = Model(
        problem=problem,
        scenario=sc,
        rates=r,
        mode=plan_mode,
        units=units,
        # The design month's channels and desk: its seasonal factors (sim.rules.season),
        # a finite pool at the horizon's even release (the simulator paces it so).
        channels=channel_economics(sc, r.design.index, average_release=True),
        budget=budget,
        team=staffed,
    )
    model.desks = desks(sc, r.design.index)
    _variables(model, dict(bounds or {}), relax, integer)
    _work(model)
    _constraints(model, relax)
    _objective(model, relax, fairness)
    _alike(model)
    return model


# --- variables --------------------------------------------------------------------------


def _dialled(sc: Scenario, role_id: str) -> list[str]:
    """The outbound channels a role dials, in dialling order (sim.rules.calls)."""
    return dialled_channels(sc, role_id)[0]


def _variables(
    model: Model, bounds: dict[str, tuple[int, int]], relax: frozenset[str], integer: bool
) -> None:
    sc = model.scenario
    cat = pulp.LpInteger if integer else pulp.LpContinuous

    def add(
        name: str, lo: float | None, up: float | None = None, kind: str = pulp.LpContinuous
    ) -> pulp.LpVariable:
        return model.problem.add_variable(name + model.suffix, lo, up, kind)

    # A month of the hiring model brings its headcounts (seats) made already.
    if model.mode == PlanMode.SIZING and not model.count:
        for rid, role in sc.roles.items():
            lo, hi = bounds.get(rid, (role.headcount.min, role.headcount.max))
            # With the maximum relaxed, the bound moves into a named, elastic constraint.
            up = None if "headcount" in relax else hi
            model.count[rid] = add(f"n_{rid}", lo, up, cat)
    inbound = [c for c, ch in model.channels.items() if ch.requests_per_day > 0]
    # Each channel's answerers (a network's desk by unit: sim.rules.reach).
    answer = {cid: set(answering_roles(sc, cid)) for cid in inbound}
    for u in model.units:
        role = sc.roles[u.role]
        model.busy[u.id] = add(f"busy_{u.id}", 0)
        if role.sells > 0:
            for cid in _dialled(sc, u.role):
                if model.channels[cid].leads_per_dial > 0:
                    model.dials[u.id, cid] = add(f"dials_{u.id}_{cid}", 0)
            for sid in role.segments if role.segments is not None else sc.segments:
                model.deals[u.id, sid] = add(f"deals_{u.id}_{sid}", 0)
        for cid in inbound:
            if u.role in answer[cid]:
                model.answers[u.id, cid] = add(f"answers_{u.id}_{cid}", 0)


# --- the work of a day ---------------------------------------------------------------------


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
    dials, deals, answers = _by_first(model.dials), _by_first(model.deals), _by_first(model.answers)
    cache: dict[tuple[str, str, str, float], LeadEconomics] = {}
    for u in model.units:
        model.load[u.id] = {}
        put = functools.partial(_put, model.load[u.id])
        for cid, var in dials[u.id]:
            put(CALLS, var, model.channels[cid].minutes_per_dial * u.duration_x)
        for cid, var in answers[u.id]:
            put(INBOUND, var, model.channels[cid].handle_min * u.duration_x)
        for sid, var in deals[u.id]:
            key = (u.role, u.persona, sid, u.productivity)
            if key not in cache:
                cache[key] = lead_economics(sc, r, u, sid)
            e = model.econ[u.id, sid] = cache[key]
            for act, minutes in e.minutes.items():
                put(act, var, minutes)
            _add(model.revenue, var, e.revenue)
    _events(model)
    _recurring(model)


def _approver(model: Model, owner: Unit, level: Level) -> str:
    """The unit that approves (or escalates to) ``level`` for a deal of ``owner``."""
    sc = model.scenario
    if model.mode == PlanMode.SIZING:
        return duty_rule.approver_role(sc, owner.role, level, model.team)
    by_id = model.by_id
    return duty_rule.nearest_approver(
        owner,
        level,
        manager=lambda u: by_id.get(u.manager),
        level_of=lambda u: u.level,
        others_at=lambda lv, unit: (
            u
            for u in model.units
            if u.level is lv and sc.roles[u.role].unit == unit and u.id != owner.id
        ),
        places=search_order(sc.units, sc.roles[owner.role].unit),
    ).id


def _events(model: Model) -> None:
    """Approvals and escalations: minutes at the approver for every owner's deals."""
    sc = model.scenario
    by_id = model.by_id
    for (uid, sid), var in model.deals.items():
        e, owner = model.econ[uid, sid], by_id[uid]
        asks = [(APPROVAL, DutyScale.APPROVAL, lv, n) for lv, n in e.approvals.items()]
        asks.append((ESCALATION, DutyScale.ESCALATION, e.escalation_level, e.escalations))
        for act, scale, level, per_lead in asks:
            minutes = per_lead * duty_rule.event_minutes(sc, scale, level)
            if minutes > 0:
                _put(model.load[_approver(model, owner, level)], act, var, minutes)


def _recurring(model: Model) -> None:
    """Per-head, per-report and fixed duties: on the days at work, by the rules."""
    sc = model.scenario
    for did, duty in sc.duties.items():
        if duty.per not in duty_rule.RECURRING:
            continue
        act = duty_rule.activity(did, duty)
        roles = set(sc.duty_roles(did))
        if duty.per in duty_rule.FIXED:
            roles = set(duty_rule.fixed_holders(sc, did, model.team))
        daily = _per_day(sc, duty)  # the same for every unit: computed once a duty
        for u in model.units:
            if u.role not in roles:
                continue
            if duty.per in duty_rule.FIXED:
                first = model.mode == PlanMode.SIZING or u.id == person_id(u.role, 1)
                if first:
                    _put(model.load[u.id], act, None, daily * u.presence)
            elif duty.per is DutyScale.REPORT_PER_WEEK:
                _per_report(model, u, act, daily * u.presence)
            else:
                n = model.count.get(u.id)
                _put(model.load[u.id], act, n, daily * u.presence)
                if u.extra_people:
                    _put(model.load[u.id], act, None, daily * u.presence * u.extra_people)


def _per_day(sc: Scenario, duty: Duty) -> float:
    """A duty's minutes on a working day for one head (or one report)."""
    return duty.minutes * duty_rule.per_day(sc, duty.per)


def _per_report(model: Model, u: Unit, act: str, minutes: float) -> None:
    sc = model.scenario
    if model.mode == PlanMode.ALLOCATION:
        _put(model.load[u.id], act, None, minutes * u.reports)
        return
    for rid in sc.roles:
        if duty_rule.manager_role(sc, rid, model.team) == u.role:
            _put(model.load[u.id], act, model.count[rid], minutes)
            extra = model.by_id[rid].extra_people
            if extra:
                _put(model.load[u.id], act, None, minutes * extra)


# --- constraints -------------------------------------------------------------------------


def _constraints(model: Model, relax: frozenset[str]) -> None:
    _plan(model, relax)
    _leads(model)
    _inbound(model)
    _capacity(model, relax)
    _closing(model)
    _channel_policy(model)
    _team(model, relax)
    _pools(model, relax)


def _elastic(model: Model, group: str, subject: str, relax: frozenset[str]) -> Terms:
    if group not in relax:
        return {}
    var = model.problem.add_variable(f"relax_{group}_{subject}{model.suffix}", 0)
    model.relax[group, subject] = var
    return {var: 1.0}


def _plan(model: Model, relax: frozenset[str]) -> None:
    if not model.revenue:
        # No segment anyone sells (a support desk): the team is sized for its work alone.
        model.notes.append("No sales segments: the team is sized for its work, not a plan.")
    elif model.budget is None or model.mode == PlanMode.ALLOCATION:
        revenue = dict(model.revenue)
        revenue.update(_elastic(model, "plan", "plan", relax))
        _constrain(
            model, "plan", terms=revenue, sense=pulp.LpConstraintGE, rhs=model.rates.plan_per_day
        )
        _unit_plans(model, relax)
    elif unit_plan.stated(model.scenario):
        # Most revenue within a budget has no plan rows, the units' own no more than the
        # team's: said, since the file states them (Sales by unit shows each against it).
        model.notes.append(
            "Within a budget the plan is most revenue: the units' own plans (units.<u>.plan) "
            "are not kept, and Sales by unit shows each unit against its own."
        )


def _unit_plans(model: Model, relax: frozenset[str]) -> None:
    """A ``plan_<unit>`` row for each unit that states its own plan (sim.rules.unit_plan).

    The revenue of the unit's roles and its sub-units' at least the unit's plan of its
    month with the most to sell, a day, as the team's row has the team's.
    """
    sc, r = model.scenario, model.rates
    months = [m.index for m in r.months]
    stated = unit_plan.stated(sc)
    # One pass over the deals, in their order, into the rows of every stated unit their
    # role's unit lies in (not a pass per stated unit).
    inside = {uid: subtree(sc.units, uid) for uid in stated}
    within = {own: [u for u in stated if own in inside[u]] for own in sc.units}
    rows: dict[str, Terms] = {uid: {} for uid in stated}
    for (unit_id, sid), var in model.deals.items() if stated else ():
        for uid in within.get(sc.roles[model.unit(unit_id).role].unit or "", []):
            _add(rows[uid], var, model.econ[unit_id, sid].revenue)
    for uid in stated:
        revenue = rows[uid]
        revenue.update(_elastic(model, "plan", uid, relax))
        rhs = unit_plan.design_plan(sc, uid, months) / r.per_month
        _constrain(model, f"plan_{uid}", terms=revenue, sense=pulp.LpConstraintGE, rhs=rhs)


def _split(model: Model, channel: str, segment: str) -> dict[str, float]:
    """Unit -> share of the leads of ``segment`` that come to its sellers by themselves.

    Referrals, and inbound requests answered by someone who does not sell the segment:
    in proportion to people x selling share x presence among the sellers of the
    segment the channel reaches (sim.rules.reach.lead_owner_roles; sim.model.inbound.assign
    draws among those present).
    """
    sc = model.scenario
    owners = set(lead_owner_roles(sc, channel, segment))
    weights: dict[str, float] = {}
    for u in model.units:
        if u.role in owners:
            people = model.seated(u) if model.mode == PlanMode.SIZING else 1
            weights[u.id] = people * lead_weight(sc.roles[u.role]) * u.presence
    total = sum(weights.values())
    return {uid: w / total for uid, w in weights.items()} if total > 0 else {}


def _leads(model: Model) -> None:
    """Every lead is worked by the one who got it: deals = the leads a unit receives.

    A dialled lead is the dialler's, of a segment they sell (owner first); a lead that
    arrives by itself is of a segment in the channel's mix, then the answerer's if they
    sell it, else its sellers' by ``_split`` (segment first; sim.rules.deals.lead_segments).
    """
    sc = model.scenario
    dials, answers = _by_first(model.dials), _by_second(model.answers)
    received: dict[tuple[str, str], tuple[Terms, float]] = {k: ({}, 0.0) for k in model.deals}
    units = {u.id: u for u in model.units}

    def receive(uid: str, sid: str, var: pulp.LpVariable | None, amount: float) -> None:
        if (uid, sid) not in received:
            return
        terms, const = received[uid, sid]
        if var is None:
            const += amount
        else:
            _add(terms, var, amount)
        received[uid, sid] = (terms, const)

    for uid, rows in dials.items():
        for cid, var in rows:
            per_dial = model.channels[cid].leads_per_dial
            for sid, share in unit_lead_segments(sc, units[uid], cid).items():
                receive(uid, sid, var, per_dial * share)
    for cid, ch in model.channels.items():
        if ch.fixed_leads_per_day <= 0 and ch.lead_share <= 0:
            continue
        mix = lead_segments(sc, cid)  # segment first
        splits = {sid: _split(model, cid, sid) for sid in mix}
        if ch.fixed_leads_per_day > 0:
            for sid, share in mix.items():
                for uid, part in splits[sid].items():
                    receive(uid, sid, None, ch.fixed_leads_per_day * part * share)
        if ch.lead_share <= 0:
            continue
        for uid, var in answers[cid]:
            mine = segments_sold(sc, units[uid].role)
            for sid, share in mix.items():
                if sid in mine:
                    receive(uid, sid, var, ch.lead_share * share)
                else:
                    for owner, part in splits[sid].items():
                        receive(owner, sid, var, ch.lead_share * part * share)
    for (uid, sid), var in model.deals.items():
        terms, const = received[uid, sid]
        row = {var: 1.0, **{v: -c for v, c in terms.items()}}
        _constrain(model, f"leads_{uid}_{sid}", terms=row, sense=pulp.LpConstraintEQ, rhs=const)


def _inbound(model: Model) -> None:
    for cid, ch in model.channels.items():
        if ch.requests_per_day > 0:
            terms = {var: 1.0 for (_, c), var in model.answers.items() if c == cid}
            if terms:
                _constrain(
                    model,
                    f"inbound_{cid}",
                    terms=terms,
                    sense=pulp.LpConstraintEQ,
                    rhs=ch.answered_per_day,
                )


def _closing(model: Model) -> None:
    """Overtime at closing (``at_closing: overtime``) within the policy's cap, one row each.

    ``closing_<channel>``: the overtime a day per answerer present that the queue left at
    closing needs (sim.rules.closing.closing_minutes, a fixed variable), held at
    ``policies.overtime_max_min_per_day``: what the cap leaves waits for the next working
    day, as the simulator carries it, and the plan says so in a note.
    """
    sc = model.scenario
    cap = float(sc.policies.overtime_max_min_per_day)
    for cid, minutes in overtime_minutes(sc, model.rates.design.index).items():
        if minutes <= 0:
            continue
        if minutes > cap:
            model.notes.append(
                f"{title(cid, sc)}: the queue left at closing needs "
                f"{format_number(minutes, 1, locale=sc.money_locale)} minutes of overtime a "
                "day per answerer; policies.overtime_max_min_per_day allows "
                f"{format_number(cap, 0, locale=sc.money_locale)}, so the rest is answered "
                "the next working day"
            )
        held = min(minutes, cap)
        var = model.problem.add_variable(f"overtime_{cid}{model.suffix}", held, held)
        _constrain(model, f"closing_{cid}", terms={var: 1.0}, sense=pulp.LpConstraintLE, rhs=cap)


def _overtime_per_person(model: Model) -> dict[str, float]:
    """Role -> overtime a day per answerer present answering its desk's queues at closing.

    Capped at ``policies.overtime_max_min_per_day``; the channels a role answers only (a
    network's desk by unit). The minutes of those requests are in the answerers' ``busy_``
    rows with every other answer; done after the day's end, they add to the working time
    the day allows.
    """
    sc = model.scenario
    cap = float(sc.policies.overtime_max_min_per_day)
    late = overtime_minutes(sc, model.rates.design.index)
    return {
        rid: min(sum(m for cid, m in late.items() if rid in answering_roles(sc, cid)), cap)
        for rid in all_answering_roles(sc)
    }


def _capacity(model: Model, relax: frozenset[str]) -> None:
    dials_of = _by_first(model.dials)
    late = _overtime_per_person(model)
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
        _constrain(model, f"busy_{u.id}", terms=terms, sense=pulp.LpConstraintEQ, rhs=const)
        cap = {busy: 1.0}
        cap.update({v: -c for v, c in _elastic(model, "capacity", u.id, relax).items()})
        # Sizing: n people decided now, and the design month's joiners and leavers.
        # Answerers' overtime at closing (at_closing: overtime) on the days at work.
        per = u.capacity_min + late.get(u.role, 0.0) * u.presence
        rhs = per if n is None else per * u.extra_people
        if n is not None:
            cap[n] = -per
        _constrain(model, f"capacity_{u.id}", terms=cap, sense=pulp.LpConstraintLE, rhs=rhs)
        dials: Terms = {var: 1.0 for _, var in dials_of[u.id]}
        if dials:
            # A person dials at most selling_share x max_calls_per_day a day at work.
            if n is not None:
                dials[n] = -u.dials_max
            rhs = u.dials_max if n is None else u.dials_max * u.extra_people
            _constrain(model, f"calls_cap_{u.id}", terms=dials, sense=pulp.LpConstraintLE, rhs=rhs)


def _channel_policy(model: Model) -> None:
    """The order in which a person's channels are dialled (sim.rules.calls.dial_order).

    A channel after a warm pool in the order is dialled only when the pool's release
    for the role is used up; channels in turn get the same dials, but a finite pool in
    turn may get fewer once its release is used up. "Used up" is a binary gate per role
    and pool: an open gate requires the role's share of the release reached.
    """
    sc = model.scenario
    dials = _by_first(model.dials)
    gates: dict[tuple[str, str], pulp.LpVariable] = {}

    def gate(role: str, channel: str) -> pulp.LpVariable:
        if (role, channel) not in gates:
            name = f"gate_{role}_{channel}{model.suffix}"
            var = model.problem.add_variable(name, 0, 1, pulp.LpInteger)
            gates[role, channel] = model.gates[f"{role}_{channel}"] = var
        return gates[role, channel]

    for u in model.units:
        mine = dict(dials[u.id])
        if not mine:
            continue
        first, turn = dial_order(sc, [c for c in _dialled(sc, u.role) if c in mine])
        bound = max(u.dials_max * _most(model, u), 1e-9)
        for i, w in enumerate(first):
            later = {mine[c]: 1.0 / bound for c in [*first[i + 1 :], *turn]}
            if later:
                # Later channels are dialled only with the warm pool's gate open.
                row = {**later, gate(u.role, w): -1.0}
                _constrain(
                    model, f"warm_first_{u.id}_{w}", terms=row, sense=pulp.LpConstraintLE, rhs=0.0
                )
        for a, b in itertools.permutations(turn, 2):
            # b gets fewer dials than a only when b is a finite pool whose release is used.
            row = {mine[a]: 1.0 / bound, mine[b]: -1.0 / bound}
            if model.channels[b].contacts_per_day is not None:
                row[gate(u.role, b)] = -1.0
            _constrain(
                model, f"in_turn_{u.id}_{a}_{b}", terms=row, sense=pulp.LpConstraintLE, rhs=0.0
            )
    for (role, channel), var in gates.items():
        # An open gate: the role's people have reached their share of the release.
        ch = model.channels[channel]
        shares = _pool_share(model, channel)
        callers = [(uid, v) for (uid, c), v in model.dials.items() if c == channel]
        units = [(uid, v) for uid, v in callers if model.unit(uid).role == role]
        share = sum(shares.get(uid, 0.0) for uid, _ in units)
        used = {v: ch.connects_per_dial for _, v in units}
        used[var] = -share * (ch.contacts_per_day or 0.0)
        name = f"pool_used_{role}_{channel}"
        _constrain(model, name, terms=used, sense=pulp.LpConstraintGE, rhs=0.0)


def _pool_share(model: Model, channel: str) -> dict[str, float]:
    """Unit -> share of a finite pool's release (sim.rules.calls.pool_shares).

    In proportion to people x selling share among the units that dial the pool;
    computed once a channel (every unit's rows read it).
    """
    if channel not in model.pool_shares:
        sc = model.scenario
        weights = {}
        for uid, c in model.dials:
            if c == channel:
                u = model.unit(uid)
                people = model.seated(u) if model.mode == PlanMode.SIZING else 1
                weights[uid] = people * sc.roles[u.role].sells
        model.pool_shares[channel] = pool_shares(weights)
    return model.pool_shares[channel]


# Most people a role may have, as times its maximum, when the maxima are relaxed (_most).
RELAXED_MOST = 10.0


def _most(model: Model, u: Unit) -> float:
    """Most people a unit can have (its headcount maximum when sizing).

    With the maxima relaxed (an impossible plan's headcount way out: the count has no
    upper bound) ``RELAXED_MOST`` times the maximum: the rows that read it as their bound
    (a warm pool's gate) capped the relaxed team at its maximum, so raising the maximum
    was never offered although it was the way out.
    """
    if model.mode == PlanMode.ALLOCATION:
        return 1.0
    ub = model.count[u.id].upBound
    if ub is not None:
        most = float(ub)
    else:
        most = RELAXED_MOST * max(float(model.scenario.roles[u.role].headcount.max), 1.0)
    return most + max(u.extra_people, 0.0)


def _team(model: Model, relax: frozenset[str]) -> None:
    """Sizing only: headcount limits, span of control, people to answer requests, budget."""
    if model.mode != PlanMode.SIZING:
        return
    sc = model.scenario
    n = model.count
    extra = {u.role: u.extra_people for u in model.units}
    if "headcount" in relax:
        for rid, role in sc.roles.items():
            terms = {n[rid]: 1.0}
            terms.update({v: -1.0 for v in _elastic(model, "headcount", rid, relax)})
            limit = float(role.headcount.max)
            _constrain(
                model, f"headcount_max_{rid}", terms=terms, sense=pulp.LpConstraintLE, rhs=limit
            )
    for rid, role in sc.roles.items():
        below = sc.direct_reports(rid)
        if role.max_span is not None and below:
            # Reports beyond max_span per person; the relaxation counts extra reports.
            terms = {n[x]: 1.0 for x in below}
            _add(terms, n[rid], -float(role.max_span))
            terms.update({v: -1.0 for v in _elastic(model, "span", rid, relax)})
            # The design month's joiners and leavers are people in seat as well.
            fixed = role.max_span * extra[rid] - sum(extra[x] for x in below)
            _constrain(model, f"span_{rid}", terms=terms, sense=pulp.LpConstraintLE, rhs=fixed)
    for desk in model.desks:
        terms = {n[rid]: 1.0 for rid in desk.roles}
        name = "service_" + "_".join(desk.channels)
        rhs = desk.roster - sum(extra[rid] for rid in desk.roles)
        _constrain(model, name, terms=terms, sense=pulp.LpConstraintGE, rhs=float(rhs))
    if model.budget is not None:
        terms = {n[rid]: role.monthly_cost for rid, role in sc.roles.items()}
        terms.update({v: -1.0 for v in _elastic(model, "budget", "budget", relax)})
        _constrain(model, "budget", terms=terms, sense=pulp.LpConstraintLE, rhs=model.budget)


def _pools(model: Model, relax: frozenset[str]) -> None:
    """Each unit reaches at most its share of a finite pool's daily release."""
    for cid, ch in model.channels.items():
        if ch.contacts_per_day is None or not ch.outbound:
            continue
        shares = _pool_share(model, cid)
        if not shares:
            continue
        extra = _elastic(model, "pool", cid, relax)
        for (uid, c), var in model.dials.items():
            if c != cid:
                continue
            share = shares[uid]
            terms = {var: ch.connects_per_dial, **{v: -share for v in extra}}
            # One row per caller; the name keeps the channel first (extract groups by it),
            # the caller after a dot, which no channel id has (extract.family_of).
            name = f"pool_{cid}.{uid}" if len(shares) > 1 else f"pool_{cid}"
            _constrain(
                model, name, terms=terms, sense=pulp.LpConstraintLE, rhs=share * ch.contacts_per_day
            )


# --- objective ---------------------------------------------------------------------------


def costs_missing(sc: Scenario) -> bool:
    """Whether no role has a cost: then the plan is the fewest people that meet it."""
    return all(role.monthly_cost <= 0 for role in sc.roles.values())


def _objective(model: Model, relax: frozenset[str], fairness: float) -> None:
    sc, r = model.scenario, model.rates
    if relax:
        # The smallest relaxation, each measured against the limit it moves.
        terms: Terms = {}
        for (group, subject), var in model.relax.items():
            _add(terms, var, 1.0 / max(_scale(model, group, subject), 1e-9))
        model.problem.setObjective(pulp.LpAffineExpression(terms))
        return
    revenue_per_minute = r.plan_per_day / max(sc.calendar.workday.available_min, 1.0)
    if model.mode == PlanMode.SIZING and model.budget is None:
        costs = [role.monthly_cost for role in sc.roles.values() if role.monthly_cost > 0]
        # Among teams of equal cost, the fewest people (a role that costs nothing is not
        # free to add); with no costs at all, simply the fewest people.
        per_head = 1e-3 * min(costs) if costs else 1.0
        terms = {n: sc.roles[rid].monthly_cost + per_head for rid, n in model.count.items()}
        per_minute = [
            (sc.roles[u.role].monthly_cost + per_head) / (r.per_month * u.capacity_min)
            for u in model.units
            if u.capacity_min > 0
        ]
        # A tie-break far below one person's cost: among equally cheap teams, the
        # least busy plan, so that CBC and HiGHS agree on the call targets.
        weight = 1e-3 * min(per_minute, default=1e-3)
        for var in model.busy.values():
            _add(terms, var, weight)
        _unit_balance(model, terms, 0.1 * weight)
        model.problem.setObjective(pulp.LpAffineExpression(terms))
        return
    terms = dict(model.revenue)
    for var in model.busy.values():
        _add(terms, var, -1e-6 * revenue_per_minute)
    if model.mode == PlanMode.ALLOCATION and fairness > 0:
        _fairness(model, terms, fairness * r.plan_per_day)
    model.problem.setObjective(pulp.LpAffineExpression(terms))


def _unit_balance(model: Model, objective: Terms, weight: float) -> None:
    """A network's tie-break: among equally cheap teams, the work spread over its units.

    Identical branches have many optima of one cost (7 client managers as 2 + 5 or 4 + 3,
    the shared pool's and the desk's work following them); the solver's pick would be
    arbitrary. For each level with roles in two units or more, the busiest unit's work at
    that level (``balance_<level>``, minutes a day) is penalised with ``weight``, below
    the least-busy tie-break, so that alike units are sized alike (within a person). A
    team without units, or of one unit, gets no such term: its plan is unchanged.
    """
    by_level: dict[Level, dict[str, list[pulp.LpVariable]]] = defaultdict(dict)
    for u in model.units:
        unit = model.scenario.roles[u.role].unit
        if unit is not None:
            by_level[u.level].setdefault(unit, []).append(model.busy[u.id])
    for level, units in by_level.items():
        if len(units) < 2:
            continue
        most = model.problem.add_variable(f"unit_work_max_{level.value}{model.suffix}", 0)
        for unit, busy in units.items():
            terms: Terms = dict.fromkeys(busy, 1.0)
            terms[most] = -1.0
            _constrain(model, f"balance_{level.value}_{unit}", terms=terms, sense=-1, rhs=0.0)
        _add(objective, most, weight)


def _alike(model: Model) -> None:
    """Sizing a network: alike units ordered by their whole numbers (optimizer.alike).

    ``alike_<unit>_<next>``: the unit comes before the next alike unit in the order of
    their whole numbers (optimizer.alike.order_terms), and ``alike_n_<unit>_<next>``:
    at least as many of its first role (the same order, a tighter row). Only between
    units the model cannot tell apart, so no plan's cost changes; CBC no longer proves
    every distribution of the same people (the cause of twenty growing branches
    unsolved in two minutes).
    """
    sc = model.scenario
    if model.mode != PlanMode.SIZING or len(sc.units) < 2:
        return
    model.alike = alike_units(sc, model.problem, list(model.constraints.values()))
    variables = {v.name: v for v in model.problem.variables()}
    for group in model.alike:
        for a, b in itertools.pairwise(group):
            terms = order_terms(model.problem, group[0], (a, b), variables)
            if terms:
                _constrain(model, f"alike_{a}_{b}", terms=terms, sense=pulp.LpConstraintGE, rhs=0.0)
                # The first headcount alone, too: the same order, a tighter row.
                first = next(iter(terms))
                other = next(v for v, c in terms.items() if c < 0)
                _constrain(
                    model,
                    f"alike_n_{a}_{b}",
                    terms={first: 1.0, other: -1.0},
                    sense=pulp.LpConstraintGE,
                    rhs=0.0,
                )


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
            _constrain(
                model, f"fair_hi_{u.id}", terms={busy: 1.0, hi: -u.capacity_min}, sense=-1, rhs=0.0
            )
            _constrain(
                model, f"fair_lo_{u.id}", terms={busy: 1.0, lo: -u.capacity_min}, sense=1, rhs=0.0
            )
        _add(objective, hi, -weight)
        _add(objective, lo, weight)


def _scale(model: Model, group: str, subject: str) -> float:
    sc, r = model.scenario, model.rates
    if group == "plan":
        return r.plan_per_day
    if group == "headcount":
        return float(max(sc.roles[subject].headcount.max, 1))
    if group == "capacity":
        return model.unit(subject).capacity_min
    if group == "pool":
        return model.channels[subject].contacts_per_day or 1.0
    if group == "span":
        return float(sc.roles[subject].max_span or 1)
    return model.budget or 1.0


def value(var: pulp.LpVariable | None) -> float:
    """A variable's value in the solution, 0 when it has none."""
    if var is None or var.varValue is None:
        return 0.0
    v = float(var.varValue)
    return 0.0 if math.isclose(v, 0.0, abs_tol=1e-9) else v
