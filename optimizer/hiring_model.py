"""The hiring plan as one PuLP MILP over the horizon's months (built here, solved in hiring).

Issue 12, stage S11 (docs/dev/hiring_plan.md, section 5.2), cost objective, one round.
Each month has its own copy of the plain plan's families (optimizer.model: the work of
a day, leads, inbound, capacity, dialling order, spans, desks, pools), named with
``_m<NN>``, over that month's seats ``n_<role>_m<NN>``; no rule is computed a second time.
What the months add:

- integer hires ``h_<role>_m<NN>`` starting on the month's hire date; seats
  ``n_{r,t} = B_{r,t} + sum_{k<=t} h_{r,k}`` (``seats_<role>_m<NN>``), B the people in seat
  without any hire (joiners in, planned leavers out; sim.rules.staffing.role_month);
- a lead's work falls in the months where its stages start (the lag kernel's work
  shares, sim.rules.lag), its dialling in the month it is created;
- wins ``wins_<role>_<segment>_m<NN>`` of the leads created in a month, at most the
  leads' wins at the role's ramp share of the previous calendar (``ramp_share_*``; one
  round: no hire) and at most what the role's productive seats can win
  (``ramp_<role>_m<NN>``: ramp-weighted seats ``alpha (Pi0 + sum_k rho_{k,t} h_k)`` times
  a seat's most revenue a day), so a hire counts at its ramp share by tenure month;
- the plan of each counted month (``plan_m<NN>``) reached by the wins of earlier months
  through the close kernel, in the month's real working days;
- least cost: each seat paid for its month, pro rata for a partial month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulp

from optimizer.economics import channel_economics, unit_lead_segments
from optimizer.hiring_rates import HiringRates, hiring_rates
from optimizer.model import (
    Model,
    PlanMode,
    Terms,
    _add,
    _capacity,
    _channel_policy,
    _constrain,
    _inbound,
    _leads,
    _pools,
    _team,
    _variables,
    _work,
)
from optimizer.rates import Rates, rates
from optimizer.team import Unit, sizing_units
from sim.rules.deals import lead_segments
from sim.rules.service import desks
from sim.scenario import Scenario

Calendar = Mapping[tuple[str, int], int]  # (role, hire month) -> people hired


@dataclass
class HiringModel:
    """A built hiring model and what extraction reads back."""

    problem: pulp.LpProblem
    scenario: Scenario
    hr: HiringRates
    rates: Rates
    months: list[Model]  # month t's copy of the plain families
    hires: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    seats: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    wins: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    revenue: dict[int, Terms] = field(default_factory=dict)  # month -> revenue closed in it
    cost: dict[int, Terms] = field(default_factory=dict)  # month -> team cost
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def suffix(month: int) -> str:
    """The name suffix of a month's rows and variables: ``_m03``."""
    return f"_m{month:02d}"


def build_hiring(
    sc: Scenario, hr: HiringRates | None = None, *, calendar_prev: Calendar | None = None
) -> HiringModel:
    """Build the hiring model of a scenario (cost objective).

    Args:
        sc: The scenario.
        hr: Its per-month facts (default: :func:`optimizer.hiring_rates.hiring_rates`).
        calendar_prev: The calendar the team-dependent coefficients are evaluated at (ramp
            share of a lead, referral split, pool shares, approvers); default no hire.
    """
    hr = hr or hiring_rates(sc)
    prev = dict(calendar_prev or {})
    r = rates(sc)
    hm = HiringModel(
        problem=pulp.LpProblem("teamsim_hiring", pulp.LpMinimize),
        scenario=sc,
        hr=hr,
        rates=r,
        months=[],
    )
    for rid, role in sc.roles.items():
        for m in hr.months:
            name = f"h_{rid}{suffix(m.index)}"
            hm.hires[rid, m.index] = hm.problem.add_variable(
                name, 0, role.headcount.max, pulp.LpInteger
            )
    for m in hr.months:
        hm.months.append(_month(hm, m.index, _team_at(hm, prev, m.index)))
    _lag_work(hm)
    for model in hm.months:
        _leads(model)
        _inbound(model)
        _capacity(model, frozenset())
        _channel_policy(model)
        _team(model, frozenset())
        _pools(model, frozenset())
        hm.constraints.update(model.constraints)
    _seats(hm)
    _wins(hm, prev)
    _plan(hm)
    _objective(hm)
    return hm


def _team_at(hm: HiringModel, calendar: Calendar, month: int) -> dict[str, float]:
    """People in seat in a month under a calendar (B plus the hires of months up to it)."""
    return {
        rid: rr.seats[month] + sum(n for (x, k), n in calendar.items() if x == rid and k <= month)
        for rid, rr in hm.hr.roles.items()
    }


def _month(hm: HiringModel, t: int, team: dict[str, float]) -> Model:
    """Month t's copy of the plain families' variables and the work of its days."""
    sc = hm.scenario
    heads = {rid: max(round(n), 0) for rid, n in team.items()}
    units = [_month_unit(hm, u) for u in sizing_units(sc, hm.rates, heads)]
    model = Model(
        problem=hm.problem,
        scenario=sc,
        rates=hm.rates,
        mode=PlanMode.SIZING,
        units=units,
        channels=channel_economics(sc, t),
        budget=None,
        team=heads,
        suffix=suffix(t),
    )
    model.desks = desks(sc, t)
    for rid in sc.roles:
        model.count[rid] = hm.problem.add_variable(f"n_{rid}{suffix(t)}", 0)
        hm.seats[rid, t] = model.count[rid]
    _variables(model, {}, frozenset(), integer=True)
    _work(model)
    return model


def _month_unit(hm: HiringModel, u: Unit) -> Unit:
    """A role in a month: a lead's full wins, every seat counted by ``n``, phi of the time.

    The ramp is on the wins (``_wins``); no extra people (the seats row holds them); a
    seat works the share of the time it is filled (``in_seat_share``).
    """
    phi = hm.hr.roles[u.role].in_seat
    return replace(
        u,
        productivity=1.0,
        extra_people=0.0,
        capacity_min=u.capacity_min * phi,
        dials_max=u.dials_max * phi,
    )


def _lag_work(hm: HiringModel) -> None:
    """Move each lead's minutes from its month of creation to the months of its work.

    ``_work`` puts a lead's minutes (stage work, travel, duties, approvals at the approver)
    on its month's deals variable; the work kernel spreads them over that month and the
    later ones, per working day of the month they fall in. Dials stay where they are made.
    """
    days = [m.days for m in hm.hr.months]
    for t0, model in enumerate(hm.months):
        segment = {var: sid for (_, sid), var in model.deals.items()}
        for uid, load in model.load.items():
            for act, (terms, const) in list(load.items()):
                moved = {v: c for v, c in terms.items() if v in segment}
                for var in moved:
                    del terms[var]
                for var, coef in moved.items():
                    work = hm.hr.kernels[segment[var]].work[t0]
                    for t in range(t0, len(days)):
                        if work[t] > 0:
                            later = hm.months[t].load[uid]
                            acts, c = later.get(act, ({}, 0.0))
                            _add(acts, var, coef * work[t] * days[t0] / days[t])
                            later[act] = (acts, c)
                load[act] = (terms, const)


def _seats(hm: HiringModel) -> None:
    """Seats by month, and the headcount range in each counted month."""
    sc = hm.scenario
    for (rid, t), n in hm.seats.items():
        model = hm.months[t]
        terms: Terms = {n: 1.0}
        for k in range(t + 1):
            terms[hm.hires[rid, k]] = -1.0
        base = hm.hr.roles[rid].seats[t]
        _constrain(model, f"seats_{rid}", terms=terms, sense=pulp.LpConstraintEQ, rhs=base)
        limits = sc.roles[rid].headcount
        # Hires only add: people in seat above the maximum are not a reason to fail.
        top = max(float(limits.max), base)
        _constrain(model, f"headcount_max_{rid}", terms={n: 1.0}, sense=-1, rhs=top)
        if hm.hr.months[t].counted and limits.min > 0:
            _constrain(model, f"headcount_min_{rid}", terms={n: 1.0}, sense=1, rhs=limits.min)
        hm.constraints.update(model.constraints)


def _ramp_share(hm: HiringModel, calendar: Calendar, rid: str, t: int) -> float:
    """A lead's expected ramp share in role rid, month t, under a calendar (P-bar)."""
    rr = hm.hr.roles[rid]
    seats = _team_at(hm, calendar, t)[rid]
    if seats <= 0:
        return rr.attrition
    hired = sum(rr.ramp[k][t] * n for (x, k), n in calendar.items() if x == rid and k <= t)
    return rr.attrition * (rr.productive[t] + hired) / seats


def _minutes_per_revenue(model: Model, u: Unit, sid: str) -> float:
    """Fewest minutes of a seat per unit of revenue won on a segment's leads.

    The lead's own minutes, plus the cheapest way the role gets such a lead: none when
    the segment's leads reach the role by themselves (referrals, inbound), else the
    dials of its cheapest channel. What bounds a productive seat's wins (``_wins``).
    """
    e = model.econ[u.id, sid]
    own = sum(e.minutes.values())
    found = [0.0] if any(k[0] == u.id for k in model.answers) else []
    for (uid, cid), _ in model.dials.items():
        if uid != u.id:
            continue
        ch = model.channels[cid]
        share = unit_lead_segments(model.scenario, u, cid).get(sid, 0.0)
        if ch.leads_per_dial * share > 0:
            found.append(ch.minutes_per_dial * u.duration_x / (ch.leads_per_dial * share))
    if any(
        ch.fixed_leads_per_day > 0 and sid in lead_segments(model.scenario, cid)
        for cid, ch in model.channels.items()
    ):
        found.append(0.0)
    fastest = min(found, default=0.0)
    return (own + fastest) / e.revenue if e.revenue > 0 else 0.0


def _wins(hm: HiringModel, calendar: Calendar) -> None:
    """Wins of each month's leads: at the ramp share of ``calendar`` and of the seats."""
    sc = hm.scenario
    for t, model in enumerate(hm.months):
        per_role: dict[str, Terms] = {}
        for (uid, sid), deals in model.deals.items():
            e = model.econ[uid, sid]
            if e.revenue <= 0:
                continue
            w = hm.problem.add_variable(f"wins_{uid}_{sid}{suffix(t)}", 0)
            hm.wins[uid, sid, t] = w
            share = _ramp_share(hm, calendar, uid, t)
            row = {w: 1.0, deals: -share * e.revenue}
            _constrain(model, f"ramp_share_{uid}_{sid}", terms=row, sense=-1, rhs=0.0)
            _add(per_role.setdefault(uid, {}), w, _minutes_per_revenue(model, model.unit(uid), sid))
        for rid, terms in per_role.items():
            rr = hm.hr.roles[rid]
            if sc.roles[rid].ramp is None and rr.productive[t] >= rr.seats[t]:
                continue  # no one ramps: the seats' capacity rows already bound the wins
            # Minutes of productive seats: capacity x alpha x (Pi0 + sum_k rho_k h_k).
            cap = model.unit(rid).capacity_min * rr.attrition
            row = dict(terms)
            for k in range(t + 1):
                _add(row, hm.hires[rid, k], -cap * rr.ramp[k][t])
            _constrain(model, f"ramp_{rid}", terms=row, sense=-1, rhs=cap * rr.productive[t])
        hm.constraints.update(model.constraints)


def _plan(hm: HiringModel) -> None:
    """Each counted month's plan, met by the wins of leads that close in it."""
    days = [m.days for m in hm.hr.months]
    for (_, sid, t0), w in hm.wins.items():
        close = hm.hr.kernels[sid].close[t0]
        for t in range(t0, len(days)):
            if close[t] > 0:
                _add(hm.revenue.setdefault(t, {}), w, days[t0] * close[t])
    if not hm.wins:
        hm.notes.append("No sales segments: the team is sized for its work, not a plan.")
        return
    for m in hm.hr.counted:
        terms = hm.revenue.get(m.index, {})
        model = hm.months[m.index]
        _constrain(model, "plan", terms=dict(terms), sense=pulp.LpConstraintGE, rhs=m.target)
        hm.constraints.update(model.constraints)


def _objective(hm: HiringModel) -> None:
    """Least cost: seats paid by month (pro rata for a partial month, vacancies unpaid).

    Tie-breaks as plain plan's: among calendars of equal cost, the fewest people, then
    the least busy.
    """
    sc = hm.scenario
    costs = [role.monthly_cost for role in sc.roles.values() if role.monthly_cost > 0]
    per_head = 1e-3 * min(costs) if costs else 1.0
    terms: Terms = {}
    for (rid, t), n in hm.seats.items():
        m = hm.hr.months[t]
        paid = hm.hr.roles[rid].in_seat * m.days / m.month_days
        role_cost = sc.roles[rid].monthly_cost
        _add(hm.cost.setdefault(t, {}), n, role_cost * paid)
        _add(terms, n, (role_cost + per_head) * paid)
    per_minute = [
        (sc.roles[u.role].monthly_cost + per_head) / (hm.rates.per_month * u.capacity_min)
        for u in hm.months[0].units
        if u.capacity_min > 0
    ]
    # Far below one person's cost, as plain plan's: among equally cheap calendars, the
    # least busy one.
    weight = 1e-3 * min(per_minute, default=1e-3)
    for model in hm.months:
        for var in model.busy.values():
            _add(terms, var, weight)
    hm.problem.setObjective(pulp.LpAffineExpression(terms))
