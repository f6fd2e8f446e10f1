"""The hiring plan as one PuLP MILP over the horizon's months (built here, solved in hiring).

Issue 12, stages S11 and S12 (docs/dev/hiring_plan.md, section 5.2): one round of the
fixed point (optimizer.hiring runs the rounds), with its objective and budget.
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
- after the close (S16): the support of the clients won by each month, and the repeat
  sales' work and revenue by the repeat kernel (``repeat_after_days`` after the win,
  then the stages again), all from ``sim.rules.lag``, instead of plain plan's horizon
  averages (``sim.rules.deals.exposure``);
- budgets (S12): ``budget_m<NN>`` caps a month's cost at the monthly budget,
  ``budget_y<YYYY>`` a calendar year's cost at the yearly budget, each pro rata for
  the working days of the month or year inside the horizon (the cost is pro rata too);
- objectives (S12): least cost meeting every counted month's plan; or most revenue
  (or gross margin, ``sim.rules.deals.margin_share``) closed in the counted months
  within a budget, with no plan rows, as plain plan's budget mode;
- for an explanation (optimizer.hiring_elastic), any of the groups ``plan``,
  ``headcount``, ``span``, ``pool``, ``budget`` relaxed by month, headcount limits
  lifted, hires fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulp

from optimizer.economics import (
    AFTER_SALE,
    channel_economics,
    lead_economics,
    unit_lead_segments,
)
from optimizer.hiring_rates import HiringRates, hiring_rates
from optimizer.model import (
    Model,
    PlanMode,
    Terms,
    _add,
    _capacity,
    _channel_policy,
    _constrain,
    _elastic,
    _inbound,
    _leads,
    _pools,
    _scale,
    _team,
    _variables,
    _work,
)
from optimizer.rates import Rates, rates
from optimizer.team import Unit, sizing_units
from sim.rules import unit_plan
from sim.rules.deals import Exposure, deal_economics, lead_segments, margin_share
from sim.rules.service import desks
from sim.rules.staffing import days_of_month, handovers, seat_month
from sim.scenario import Scenario
from sim.scenario.units import subtree

Calendar = Mapping[tuple[str, int], int]  # (role, hire month) -> people hired

OBJECTIVES = ("cost", "revenue", "margin")
BUDGET_PERIODS = ("month", "year")


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
    deals: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    revenue: dict[int, Terms] = field(default_factory=dict)  # month -> revenue closed in it
    margin: dict[int, Terms] = field(default_factory=dict)  # month -> gross margin closed in it
    cost: dict[int, Terms] = field(default_factory=dict)  # month -> team cost
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    objective: str = "cost"
    budget: float | None = None
    budget_period: str = "month"
    # (group, subject, month) -> slack of a relaxed limit; month -1 for a year's budget.
    relax: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    budget_rhs: dict[str, float] = field(default_factory=dict)  # budget row -> its limit


def suffix(month: int) -> str:
    """The name suffix of a month's rows and variables: ``_m03``."""
    return f"_m{month:02d}"


def build_hiring(
    sc: Scenario,
    hr: HiringRates | None = None,
    *,
    calendar_prev: Calendar | None = None,
    deals_prev: Mapping[tuple[str, str, int], float] | None = None,
    objective: str = "cost",
    budget: float | None = None,
    budget_period: str = "month",
    relax: frozenset[str] = frozenset(),
    integer: bool = True,
    floor: Calendar | None = None,
    fixed: Calendar | None = None,
    unlimited: bool = False,
) -> HiringModel:
    """Build the hiring model of a scenario.

    Args:
        sc: The scenario.
        hr: Its per-month facts (default: :func:`optimizer.hiring_rates.hiring_rates`).
        calendar_prev: The calendar the team-dependent coefficients are evaluated at (ramp
            share of a lead, referral split, pool shares, approvers); default no hire.
        deals_prev: The leads a day by (role, segment, month) of the round solved at
            ``calendar_prev``, where a lead's ramp share is taken to first order.
        objective: "cost" (least cost meeting every counted month's plan), "revenue" or
            "margin" (most of it closed in the counted months, within ``budget``).
        budget: Most team cost a month (``budget_period`` "month") or a calendar year
            ("year"), scenario currency.
        budget_period: "month" or "year".
        relax: Groups of limits given a penalised slack by month (plan, headcount, span,
            pool, budget); the objective becomes the smallest relative relaxation.
        integer: Whole hires (False: the LP relaxation, for explanations).
        floor: Fewest hires per (role, month): the fixed point's larger calendar.
        fixed: Hires per (role, month) fixed, others 0 (the calendar evaluated).
        unlimited: No headcount maximum (what no number of people can do).
    """
    hr = hr or hiring_rates(sc)
    prev = dict(calendar_prev or {})
    r = after_close_by_month(rates(sc))
    hm = HiringModel(
        problem=pulp.LpProblem("teamsim_hiring", pulp.LpMinimize),
        scenario=sc,
        hr=hr,
        rates=r,
        months=[],
        objective=objective,
        budget=budget,
        budget_period=budget_period,
    )
    kind = pulp.LpInteger if integer else pulp.LpContinuous
    for rid, role in sc.roles.items():
        for m in hr.months:
            name = f"h_{rid}{suffix(m.index)}"
            low = float((floor or {}).get((rid, m.index), 0))
            high: float | None = None if unlimited else float(role.headcount.max)
            if fixed is not None:
                low = high = float(fixed.get((rid, m.index), 0))
            hm.hires[rid, m.index] = hm.problem.add_variable(name, low, high, kind)
    for m in hr.months:
        hm.months.append(_month(hm, m.index, _team_at(hm, prev, m.index), integer))
    _lag_work(hm)
    _after_close_work(hm, prev)
    for model in hm.months:
        _leads(model)
        _inbound(model)
        _capacity(model, frozenset())
        _channel_policy(model)
        # Headcount limits are the seats rows' (_seats), by month.
        _team(model, relax - {"headcount"})
        _pools(model, relax)
        hm.constraints.update(model.constraints)
        for (group, subject), var in model.relax.items():
            hm.relax[group, subject, hm.months.index(model)] = var
    _seats(hm, relax, unlimited=unlimited)
    _wins(hm, prev, deals_prev or {})
    if objective == "cost":
        _plan(hm, relax)
    else:
        _revenue(hm)
    _costs(hm)
    if budget is not None:
        _budget(hm, relax)
    if relax:
        _smallest_relaxation(hm)
    elif objective == "cost":
        _objective(hm)
    else:
        _most(hm)
    return hm


def _team_at(hm: HiringModel, calendar: Calendar, month: int) -> dict[str, float]:
    """People in seat in a month under a calendar (B plus the hires of months up to it)."""
    return {
        rid: rr.seats[month] + sum(n for (x, k), n in calendar.items() if x == rid and k <= month)
        for rid, rr in hm.hr.roles.items()
    }


def _month(hm: HiringModel, t: int, team: dict[str, float], integer: bool) -> Model:
    """Month t's copy of the plain families' variables and the work of its days."""
    sc = hm.scenario
    heads = {rid: max(round(n), 0) for rid, n in team.items()}
    now = {rid: role.headcount.current for rid, role in sc.roles.items()}
    units = [_month_unit(u) for u in sizing_units(sc, hm.rates, heads, now)]
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
    _variables(model, {}, frozenset(), integer=integer)
    _work(model)
    return model


def _month_unit(u: Unit) -> Unit:
    """A role in a month: a lead's full wins, every seat counted by ``n``.

    The ramp is on the wins (``_wins``); no extra people (the seats row holds them). A
    seat works the share of the time it is filled (``in_seat_share``), which the unit's
    presence holds (``sim.rules.staffing.at_work_share`` of the people in seat now).
    """
    return replace(u, productivity=1.0, extra_people=0.0)


def _lag_work(hm: HiringModel) -> None:
    """Move each lead's minutes from its month of creation to the months of its work.

    ``_work`` puts a lead's minutes (stage work, travel, duties, approvals at the approver)
    on its month's deals variable; the work kernel spreads them over that month and the
    later ones, per working day of the month they fall in. Dials stay where they are made.
    """
    days = [m.days for m in hm.hr.months]
    handed = _handed(hm)
    for t0, model in enumerate(hm.months):
        segment = {var: sid for (_, sid), var in model.deals.items()}
        owner = {var: uid for (uid, _), var in model.deals.items()}
        for uid, load in model.load.items():
            for act, (terms, const) in list(load.items()):
                moved = {v: c for v, c in terms.items() if v in segment}
                for var in moved:
                    del terms[var]
                for var, coef in moved.items():
                    work = hm.hr.kernels[segment[var]].work[t0]
                    away = handed.get(uid, []) if owner[var] == uid else []
                    for t in range(t0, len(days)):
                        if work[t] <= 0:
                            continue
                        minutes = coef * work[t] * days[t0] / days[t]
                        for taker, share in away:
                            _put_later(hm.months[t].load[taker], act, var, minutes * share[t0][t])
                        if away:
                            minutes *= 1.0 - sum(share[t0][t] for _, share in away)
                        later = hm.months[t].load[uid]
                        acts, c = later.get(act, ({}, 0.0))
                        _add(acts, var, minutes)
                        later[act] = (acts, c)
                load[act] = (terms, const)


def _put_later(
    load: dict[str, tuple[Terms, float]], act: str, var: pulp.LpVariable, x: float
) -> None:
    if x > 0:
        acts, c = load.get(act, ({}, 0.0))
        _add(acts, var, x)
        load[act] = (acts, c)


def _handed(hm: HiringModel) -> dict[str, list[tuple[str, list[list[float]]]]]:
    """Role -> (taker role, share[t0][t]): a leaver's in-flight work another role takes.

    Issue 12, stage S7: a planned leaver's open deals pass to the role of
    ``sim.rules.staffing.handovers`` (the simulator: ``sim.model.handover``), so that
    role's capacity takes the work of those deals after the leave. The leaver made a
    share of the role's leads of month t0, their days in seat over the role's seats that
    month (at the calendar the round is evaluated at); of that work, what falls after
    the last day moves: all of a later month's, the share of the leave month's working
    days after it. A role with no such leaver is not in the map, so its rows are as
    before.
    """
    sc = hm.scenario
    months = range(len(hm.months))
    found: dict[str, list[tuple[str, list[list[float]]]]] = {}
    for h in handovers(sc):
        if h.taker not in hm.months[0].load:
            continue
        after = []
        for t in months:
            span = days_of_month(sc, t)
            after.append(sum(1 for d in span if d > h.last) / len(span))
        share = [
            [seat_month(sc, h.seat, t0)[0] / heads * after[t] if t >= t0 else 0.0 for t in months]
            if (heads := hm.months[t0].team.get(h.role, 0)) > 0
            else [0.0] * len(months)
            for t0 in months
        ]
        found.setdefault(h.role, []).append((h.taker, share))
    return found


def after_close_by_month(r: Rates) -> Rates:
    """Plain plan's rates with no support or repeat sale in a lead's own economics.

    Plain plan averages them over the counted days (``sim.rules.deals.exposure``); the
    hiring model puts them in their months instead (stage S16): support from the clients
    won by each month (``_after_close_work``), repeat sales through the repeat kernel
    (``_repeat_sales``), both from ``sim.rules.lag``.
    """
    return replace(r, exposure={sid: Exposure(0.0, 0.0, 0.0) for sid in r.exposure})


@dataclass(frozen=True)
class _AfterClose:
    """Per lead of a unit and segment, before ramp: what its won client brings later."""

    support: float  # support minutes a working day of the clients won
    repeat_leads: float  # repeat sales entering stage 1
    repeat_minutes: dict[str, float]  # the repeat sales' own minutes by activity
    repeat_support: float  # support minutes a working day of the repeat sales won
    repeat_wins: float  # repeat sales won (at full productivity)


def _after_close(model: Model, u: Unit, sid: str) -> _AfterClose:
    """A unit's lead of a segment after its close, persona by persona (sim.rules.deals)."""
    sc = model.scenario
    back = sc.segments[sid].after_sale.repeat_probability
    support = leads = again_support = again_wins = 0.0
    minutes: dict[str, float] = {}
    for share, p in u.mix:
        e = deal_economics(sc, sid, p)
        # Support is done on the days at work, like a recurring duty.
        support += share * e.win * e.support_min_per_day_won * u.presence
        if back <= 0:
            continue
        leads += share * e.win * back
        alone = lead_economics(sc, model.rates, replace(u, mix=((1.0, p),)), sid)
        for act, m in alone.minutes.items():
            minutes[act] = minutes.get(act, 0.0) + share * e.win * back * m
        again_support += share * e.win * back * e.win * e.support_min_per_day_won * u.presence
        again_wins += share * e.win * back * e.win
    return _AfterClose(
        support=support,
        repeat_leads=leads,
        repeat_minutes=minutes,
        repeat_support=again_support,
        repeat_wins=again_wins,
    )


def _after_close_work(hm: HiringModel, calendar: Calendar) -> None:
    """Support of the clients won by each month, and the repeat sales' work, as load.

    A lead of month t' is won at the ramp share of ``calendar`` (the fixed point's, as
    ``ramp_share_*``); its client is supported every day at work after the win (the
    simulator's ``_win`` and start of a day): in month t, ``supported[t', t]`` of the
    leads are clients already won on an average day. A won client comes back with
    ``repeat_probability`` after ``repeat_after_days`` and its repeat sale's stage work
    falls by the repeat kernel (``sim.rules.lag``); a repeat's ramp share is a tenured
    seat's under attrition. A planned leaver's clients, and so their support and repeat
    sales, pass to the taker role after the leave, as their open deals (``_handed``).
    """
    days = [m.days for m in hm.hr.months]
    handed = _handed(hm)
    for t0, model in enumerate(hm.months):
        for (uid, sid), deals in model.deals.items():
            after = _after_close(model, model.unit(uid), sid)
            if after.support <= 0 and after.repeat_leads <= 0:
                continue
            k = hm.hr.kernels[sid]
            role = hm.hr.roles[model.unit(uid).role]
            # Leads of month t' won, per lead a day (ramp share times its working days).
            won = _ramp_share(hm, calendar, model.unit(uid).role, t0) * days[t0]
            for t in range(t0, len(days)):
                load = hm.months[t].load[uid]
                per_day = won / max(days[t], 1)
                support = after.support * k.supported[t0, t] + (
                    role.attrition * after.repeat_support * k.repeat_supported[t0, t]
                )
                acts = {AFTER_SALE: support * won}
                for act, m in after.repeat_minutes.items():
                    acts[act] = acts.get(act, 0.0) + m * k.repeat_work[t0, t] * per_day
                # A planned leaver's clients go with their open deals (S7's handover).
                away = [(taker, part[t0][t]) for taker, part in handed.get(uid, [])]
                kept = 1.0 - sum(x for _, x in away)
                for act, coef in acts.items():
                    for taker, x in away:
                        _put_later(hm.months[t].load[taker], act, deals, coef * x)
                    _put_later(load, act, deals, coef * kept)


def _repeat_sales(hm: HiringModel, closed: dict[tuple[str, int], Terms]) -> None:
    """Repeat sales' revenue by month: each month's wins through the repeat kernel.

    A won client comes back with ``repeat_probability`` after ``repeat_after_days``; the
    repeat sale runs the stages again and closes in month t with ``repeat_close[t', t]``
    (``sim.rules.lag``), won at its own conversion and a tenured seat's ramp share under
    attrition.
    """
    days = [m.days for m in hm.hr.months]
    for (uid, sid, t0), w in hm.wins.items():
        model = hm.months[t0]
        after = _after_close(model, model.unit(uid), sid)
        won = model.econ[uid, sid].won
        if after.repeat_wins <= 0 or won <= 0:
            continue
        # w is revenue a day of the first sales; repeats per first sale won:
        again = after.repeat_wins / won * hm.hr.roles[model.unit(uid).role].attrition
        close = hm.hr.kernels[sid].repeat_close[t0]
        for t in range(t0, len(days)):
            if close[t] > 0:
                _add(closed.setdefault((sid, t), {}), w, days[t0] * again * close[t])


def _seats(hm: HiringModel, relax: frozenset[str], *, unlimited: bool) -> None:
    """Seats by month, and the headcount range in each (the maximum may be relaxed)."""
    sc = hm.scenario
    for (rid, t), n in hm.seats.items():
        model = hm.months[t]
        terms: Terms = {n: 1.0}
        for k in range(t + 1):
            terms[hm.hires[rid, k]] = -1.0
        base = hm.hr.roles[rid].seats[t]
        _constrain(model, f"seats_{rid}", terms=terms, sense=pulp.LpConstraintEQ, rhs=base)
        limits = sc.roles[rid].headcount
        if not unlimited:
            # Hires only add: people in seat above the maximum are not a reason to fail.
            top = max(float(limits.max), base)
            row = {n: 1.0}
            extra = _elastic(model, "headcount", rid, relax)
            row.update({v: -1.0 for v in extra})
            for v in extra:
                hm.relax["headcount", rid, t] = v
            _constrain(model, f"headcount_max_{rid}", terms=row, sense=-1, rhs=top)
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


def _share_slopes(hm: HiringModel, calendar: Calendar, rid: str, t: int) -> dict[int, float]:
    """How a lead's ramp share in month t moves with one more hire of month k, at a calendar.

    The secant ``P(calendar + one hire in k) - P(calendar)``: exact for the next whole
    person (the tangent is not: the share is a ratio, convex in a hire that ramps more
    slowly than the team, and would reject a calendar that meets the plan).
    """
    share = _ramp_share(hm, calendar, rid, t)
    slopes = {}
    for k in range(t + 1):
        more = dict(calendar)
        more[rid, k] = more.get((rid, k), 0) + 1
        slope = _ramp_share(hm, more, rid, t) - share
        if abs(slope) > 1e-12:
            slopes[k] = slope
    return slopes


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


def _wins(
    hm: HiringModel, calendar: Calendar, deals_prev: Mapping[tuple[str, str, int], float]
) -> None:
    """Wins of each month's leads: at the ramp share of ``calendar`` and of the seats.

    A lead's ramp share ``P = alpha (Pi0 + sum_k rho_k h_k) / (B + sum_k h_k)`` is a ratio
    of the hires, and its product with the leads is not linear: the row takes it at the
    previous round's calendar and leads (``deals_prev``) to first order in both,
    ``P0 deals + D0 sum_k dP_k (h_k - h0_k)`` (dP_k: the share's change with one more
    hire of month k, ``_share_slopes``), exact at that calendar, so the rounds
    end on a calendar whose rows are its own ramp shares; and a round can move a hire
    earlier where it raises the share (a fixed flow of leads, shared by presence).
    """
    sc = hm.scenario
    for t, model in enumerate(hm.months):
        per_role: dict[str, Terms] = {}
        for (uid, sid), deals in model.deals.items():
            e = model.econ[uid, sid]
            if e.revenue <= 0:
                continue
            w = hm.problem.add_variable(f"wins_{uid}_{sid}{suffix(t)}", 0)
            hm.wins[uid, sid, t] = w
            hm.deals[uid, sid, t] = deals
            share = _ramp_share(hm, calendar, uid, t)
            row = {w: 1.0, deals: -share * e.revenue}
            rhs = 0.0
            before = deals_prev.get((uid, sid, t), 0.0)
            for k, slope in _share_slopes(hm, calendar, uid, t).items() if before > 0 else ():
                _add(row, hm.hires[uid, k], -e.revenue * before * slope)
                rhs -= e.revenue * before * slope * calendar.get((uid, k), 0)
            _constrain(model, f"ramp_share_{uid}_{sid}", terms=row, sense=-1, rhs=rhs)
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


def _closed(hm: HiringModel) -> dict[tuple[str, int], Terms]:
    """Revenue closed in each month by segment: earlier months' wins through the close kernel."""
    days = [m.days for m in hm.hr.months]
    closed: dict[tuple[str, int], Terms] = {}
    for (_, sid, t0), w in hm.wins.items():
        close = hm.hr.kernels[sid].close[t0]
        for t in range(t0, len(days)):
            if close[t] > 0:
                _add(closed.setdefault((sid, t), {}), w, days[t0] * close[t])
    _repeat_sales(hm, closed)
    for (sid, t), terms in closed.items():
        keep = margin_share(hm.scenario, sid)
        for var, coef in terms.items():
            _add(hm.revenue.setdefault(t, {}), var, coef)
            _add(hm.margin.setdefault(t, {}), var, coef * keep)
    return closed


def _plan(hm: HiringModel, relax: frozenset[str] = frozenset()) -> None:
    """Each counted month's plan, met by the wins of leads that close in it."""
    _closed(hm)
    if not hm.wins:
        hm.notes.append("No sales segments: the team is sized for its work, not a plan.")
        return
    unit_of = {
        w: hm.scenario.roles[hm.months[t0].unit(uid).role].unit
        for (uid, _, t0), w in hm.wins.items()
    }
    for m in hm.hr.counted:
        terms = dict(hm.revenue.get(m.index, {}))
        model = hm.months[m.index]
        extra = _elastic(model, "plan", "plan", relax)
        terms.update(extra)
        for v in extra:
            hm.relax["plan", "plan", m.index] = v
        _constrain(model, "plan", terms=terms, sense=pulp.LpConstraintGE, rhs=m.target)
        _unit_plans(hm, m.index, unit_of)
        hm.constraints.update(model.constraints)


def _unit_plans(hm: HiringModel, month: int, unit_of: Mapping[pulp.LpVariable, str | None]) -> None:
    """A ``plan_<unit>_m<NN>`` row for each unit that states a plan (sim.rules.unit_plan).

    The revenue closed in the month by the wins of the unit's roles and its sub-units'
    at least the unit's plan of the month, as the team's row has the team's. ``unit_of``:
    each win variable's organisational unit (its role's).
    """
    sc, model = hm.scenario, hm.months[month]
    for uid in unit_plan.stated(sc):
        inside = subtree(sc.units, uid)
        terms = {
            var: coef for var, coef in hm.revenue.get(month, {}).items() if unit_of[var] in inside
        }
        rhs = unit_plan.holder_plan(sc, uid, month)
        _constrain(model, f"plan_{uid}", terms=terms, sense=pulp.LpConstraintGE, rhs=rhs)


def _revenue(hm: HiringModel) -> None:
    """The revenue and margin objectives: no plan rows, only what closes when."""
    _closed(hm)
    if not hm.wins:
        hm.notes.append("No sales segments: the team is sized for its work, not a plan.")


def _costs(hm: HiringModel) -> None:
    """The team's cost by month: seats paid pro rata for a partial month, vacancies unpaid."""
    sc = hm.scenario
    for (rid, t), n in hm.seats.items():
        m = hm.hr.months[t]
        paid = hm.hr.roles[rid].in_seat * m.days / m.month_days
        _add(hm.cost.setdefault(t, {}), n, sc.roles[rid].monthly_cost * paid)


def year_share(hm: HiringModel, year: int) -> float:
    """Share of a calendar year's working days inside the horizon (its budget's pro rata)."""
    cal = hm.scenario.calendar
    whole = sum(cal.month_working_days(year, mo) for mo in range(1, 13))
    inside = sum(m.days for m in hm.hr.months if m.hire_date.year == year)
    return inside / max(whole, 1)


def _budget(hm: HiringModel, relax: frozenset[str]) -> None:
    """The budget: each month's cost (``budget_m<NN>``) or each year's (``budget_y<YYYY>``)."""
    assert hm.budget is not None
    if hm.budget_period == "month":
        for m in hm.hr.months:
            model = hm.months[m.index]
            row = dict(hm.cost.get(m.index, {}))
            extra = _elastic(model, "budget", "budget", relax)
            row.update({v: -1.0 for v in extra})
            for v in extra:
                hm.relax["budget", "budget", m.index] = v
            rhs = hm.budget * m.days / m.month_days
            hm.budget_rhs["budget" + suffix(m.index)] = rhs
            _constrain(model, "budget", terms=row, sense=pulp.LpConstraintLE, rhs=rhs)
            hm.constraints.update(model.constraints)
        return
    for year in sorted({m.hire_date.year for m in hm.hr.months}):
        terms: Terms = {}
        for m in hm.hr.months:
            if m.hire_date.year == year:
                for var, coef in hm.cost.get(m.index, {}).items():
                    _add(terms, var, coef)
        if "budget" in relax:
            var = hm.problem.add_variable(f"relax_budget_y{year}", 0)
            hm.relax["budget", str(year), -1] = var
            terms[var] = -1.0
        name = f"budget_y{year}"
        rhs = hm.budget * year_share(hm, year)
        hm.budget_rhs[name] = rhs
        row = pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, name, rhs)
        hm.problem.addConstraint(row)
        hm.constraints[name] = row


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
        _add(terms, n, (sc.roles[rid].monthly_cost + per_head) * paid)
    for var, coef in _busy_tie_break(hm, per_head).items():
        _add(terms, var, coef)
    hm.problem.setObjective(pulp.LpAffineExpression(terms))


def _busy_tie_break(hm: HiringModel, per_head: float) -> Terms:
    """Far below one person's cost, as plain plan's: among equal calendars, the least busy."""
    sc = hm.scenario
    per_minute = [
        (sc.roles[u.role].monthly_cost + per_head) / (hm.rates.per_month * u.capacity_min)
        for u in hm.months[0].units
        if u.capacity_min > 0
    ]
    weight = 1e-3 * min(per_minute, default=1e-3)
    terms: Terms = {}
    for model in hm.months:
        for var in model.busy.values():
            _add(terms, var, weight)
    return terms


def _most(hm: HiringModel) -> None:
    """Most revenue (or margin) closed in the counted months, within the budget.

    Tie-breaks: among calendars bringing as much, the cheaper (a hire that adds nothing
    is not made), then the least busy, each far below a unit of revenue.
    """
    gain = hm.margin if hm.objective == "margin" else hm.revenue
    terms: Terms = {}
    for m in hm.hr.counted:
        for var, coef in gain.get(m.index, {}).items():
            _add(terms, var, coef)
    for cost in hm.cost.values():
        for var, coef in cost.items():
            _add(terms, var, -1e-4 * coef)
    for var, coef in _busy_tie_break(hm, 0.0).items():
        _add(terms, var, -1e-3 * coef)
    hm.problem.sense = pulp.LpMaximize
    hm.problem.setObjective(pulp.LpAffineExpression(terms))


def _smallest_relaxation(hm: HiringModel) -> None:
    """The smallest relaxation, each slack measured against the limit it moves."""
    terms: Terms = {}
    for (group, subject, t), var in hm.relax.items():
        if group == "plan":
            scale = hm.hr.months[t].target
        elif group == "budget":
            scale = hm.budget or 1.0
        else:
            scale = _scale(hm.months[max(t, 0)], group, subject)
        _add(terms, var, 1.0 / max(scale, 1e-9))
    hm.problem.setObjective(pulp.LpAffineExpression(terms))
