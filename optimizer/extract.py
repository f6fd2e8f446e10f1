"""Reading a solved model back as a Plan: volumes, hours, call targets, binding limits."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import pulp

from optimizer.model import Model, PlanMode, costs_missing, value
from optimizer.result import (
    ChannelLine,
    DutyLine,
    Limit,
    Marginal,
    PersonLine,
    Plan,
    RoleChannelLine,
    RoleLine,
    RoleSegmentLine,
    SegmentLine,
    ServiceInterval,
    ServiceLine,
)
from optimizer.solve import dual, slack
from optimizer.solvers import solver_name
from optimizer.team import Unit
from optimizer.units import in_unit, org_unit_of, unit_lines, unit_sales
from sim.money import format_money
from sim.names import in_sentence, title
from sim.percent import format_number, format_percent
from sim.rules import unit_plan
from sim.rules.calls import dialled_channels
from sim.rules.day import arrival_min_per_day
from sim.rules.people import planned_dials_cap
from sim.rules.profile import Interval, interval_title
from sim.rules.reach import lead_owner_roles
from sim.rules.service import Desk, expected_abandoned, expected_blocked, interval_figures
from sim.scenario import Scenario
from sim.scenario.market import InboundChannel

# Families that are definitions or balances, always tight, not limits worth showing.
BALANCES = (
    "busy",
    "leads",
    "inbound",
    "fair_hi",
    "fair_lo",
    "in_turn",
    "warm_first",
    "pool_used",
    "balance",  # a network's tie-break over its units (optimizer.model._unit_balance)
    "alike",  # the order of alike units (optimizer.alike)
)
_PER_UNIT = ("capacity", "calls_cap")
_FAMILIES = (
    *_PER_UNIT,
    "headcount_max",
    "fair_hi",
    "fair_lo",
    "in_turn",
    "warm_first",
    "pool_used",
    "span",
    "service",
    "pool",
    "leads",
)


def family_of(name: str) -> tuple[str, str]:
    """Split a constraint name into its family and subject (``calls_cap_x`` -> calls_cap, x).

    A subject may hold ``__``: a role of a unit is ``north__client_manager`` (issue 14).
    A per-caller row of a shared pool, ``pool_<channel>.<caller>`` (optimizer.model), is
    the channel's: a channel id has no dot, a caller (a role, or a person ``<role>.NN``)
    follows the first one.
    """
    for family in _FAMILIES:
        if name.startswith(family + "_"):
            subject = name[len(family) + 1 :]
            return family, subject.partition(".")[0] if family == "pool" else subject
    head, _, rest = name.partition("_")
    return head, rest


def minutes(model: Model, unit: Unit, activity: str | None = None) -> float:
    """Minutes a day a unit spends on an activity (all of them when None)."""
    total = 0.0
    for act, (terms, const) in model.load[unit.id].items():
        if activity is None or act == activity:
            total += const  # only allocation has constants: per-head duties of one person
            total += sum(coef * value(var) for var, coef in terms.items())
    return total


def extract(
    model: Model,
    solver: pulp.LpSolver,
    marginals: tuple[Marginal, ...] = (),
    *,
    plan_factor: float = 1.0,
) -> Plan:
    """The plan in the solution of a solved model.

    ``plan_factor``: the verify loop's margin on the plan the model was given (1.0: none);
    texts then call the model's plan "the sales plan with its +25 % margin", never "plan".
    """
    sc, r = model.scenario, model.rates
    per_month = r.per_month
    heads = {u.id: model.headcount(u) for u in model.units}
    revenue = sum(coef * value(var) for var, coef in model.revenue.items()) * per_month
    by_role: dict[str, list[Unit]] = defaultdict(list)
    for u in model.units:
        by_role[u.role].append(u)
    roles = tuple(_role_line(model, rid, by_role[rid], heads) for rid in sc.roles)
    levels: dict[str, int] = defaultdict(int)
    for line in roles:
        levels[line.level] += line.headcount
    role_segments = _role_segments(model)
    return Plan(
        scenario=sc.name,
        mode=model.mode,
        solver=solver_name(solver),
        currency=sc.currency,
        objective=_objective_text(model),
        month=r.design.label,
        plan_per_month=r.design.target if model.revenue else 0.0,
        revenue_per_month=revenue,
        expected_attainment=_expected_attainment(model),
        cost_per_month=sum(line.cost_per_month for line in roles),
        budget=model.budget,
        roles=roles,
        levels=dict(levels),
        duties=_duties(model, by_role),
        persons=_persons(model) if model.mode == PlanMode.ALLOCATION else (),
        channels=_channels(model),
        segments=_segments(model),
        services=_services(model, roles),
        limits=binding_limits(model, solver, plan_factor=plan_factor),
        marginals=marginals,
        notes=tuple(model.notes),
        role_channels=_role_channels(model),
        role_segments=role_segments,
        units=unit_lines(sc, roles),
        unit_sales=unit_sales(
            sc,
            roles,
            role_segments,
            design=r.design.index,
            months=[m.index for m in r.months],
            plan_factor=plan_factor,
        ),
        alike=tuple(tuple(group) for group in model.alike),
    )


def _expected_attainment(model: Model) -> float | None:
    """Mean over the counted months of expected revenue / plan (the KPI "attainment").

    The team sells at a steady rate, an average month's worth each month (Rates.per_month);
    months with a plan below the design month's exceed it.
    """
    r = model.rates
    if not model.revenue or not r.counted:  # nothing sold, or no month the KPI counts
        return None
    per_month = sum(coef * value(var) for var, coef in model.revenue.items()) * r.per_month
    return sum(per_month / m.target for m in r.months) / len(r.months)


def _objective_text(model: Model) -> str:
    if model.mode == PlanMode.ALLOCATION:
        return "most expected revenue for the current team"
    if model.budget is not None:
        return "most expected revenue within the budget"
    if costs_missing(model.scenario):
        return "fewest people that meet the plan (no costs given)"
    if not model.revenue:
        return "least cost that does the work and meets the service targets"
    return "least cost that meets the plan"


def _role_line(model: Model, rid: str, units: list[Unit], heads: dict[str, float]) -> RoleLine:
    sc, r = model.scenario, model.rates
    role = sc.roles[rid]
    n = sum(heads[u.id] for u in units)
    busy = sum(minutes(model, u) for u in units)
    # The design month's joiners and leavers are in seat beside the people planned.
    at_work = sum((heads[u.id] + u.extra_people) * u.presence for u in units)
    available = sc.calendar.workday.available_min
    dials = sum(value(v) for (uid, _), v in model.dials.items() if uid in {u.id for u in units})
    deals = sum(value(v) for (uid, _), v in model.deals.items() if uid in {u.id for u in units})
    conversation = sc.calls.conversation_min.expected_value() if sc.calls else 0.0
    return RoleLine(
        role=rid,
        title=title(rid, sc),
        level=role.level.value,
        headcount=round(n),
        current=role.headcount.current,
        min=role.headcount.min,
        max=role.headcount.max,
        cost_per_month=round(n) * role.monthly_cost,
        utilisation=busy / (available * at_work) if at_work else 0.0,
        hours_per_week=busy / n * r.days_per_week / 60.0 if n else 0.0,
        dials_per_day=dials / at_work if at_work else 0.0,
        # Practitioners' naive quota, for the role's selling share of the day, and only
        # for a role that dials at all (issue 11).
        naive_dials_per_day=available / conversation * role.sells
        if conversation and dialled_channels(sc, rid)[0]
        else 0.0,
        deals_per_month=deals / n * r.per_month if n else 0.0,
        org_unit=role.unit,
    )


def _duties(model: Model, by_role: dict[str, list[Unit]]) -> tuple[DutyLine, ...]:
    r = model.rates
    lines = []
    for rid, units in by_role.items():
        acts = sorted({a for u in units for a in model.load[u.id]})
        for act in acts:
            total = sum(minutes(model, u, act) for u in units)
            if total > 1e-9:
                lines.append(DutyLine(act, rid, total * r.days_per_week / 60.0))
    return tuple(lines)


def _persons(model: Model) -> tuple[PersonLine, ...]:
    r, sc = model.rates, model.scenario
    dials: dict[str, float] = defaultdict(float)
    deals: dict[str, float] = defaultdict(float)
    for (uid, _), var in model.dials.items():
        dials[uid] += value(var)
    for (uid, _), var in model.deals.items():
        deals[uid] += value(var)
    available = sc.calendar.workday.available_min
    lines = []
    for u in model.units:
        busy = minutes(model, u)
        lines.append(
            PersonLine(
                person=u.id,
                role=u.role,
                level=u.level.value,
                persona=u.persona,
                manager=u.manager,
                productivity=u.productivity,
                dials_per_day=dials[u.id] / u.presence if u.presence else 0.0,
                deals_per_month=deals[u.id] * r.per_month,
                hours_per_week=busy * r.days_per_week / 60.0,
                utilisation=busy / (available * u.presence) if u.presence else 0.0,
            )
        )
    return tuple(lines)


def _channels(model: Model) -> tuple[ChannelLine, ...]:
    r = model.rates
    lines = []
    for cid, ch in model.channels.items():
        dials = sum(value(v) for (_, c), v in model.dials.items() if c == cid)
        answered = sum(value(v) for (_, c), v in model.answers.items() if c == cid)
        leads = dials * ch.leads_per_dial + ch.fixed_leads_per_day + answered * ch.lead_share
        used = None
        if ch.contacts_per_day:
            used = dials * ch.connects_per_dial / ch.contacts_per_day
        lines.append(
            ChannelLine(
                channel=cid,
                kind=ch.kind,
                dials_per_month=dials * r.per_month,
                connects_per_month=dials * ch.connects_per_dial * r.per_month,
                leads_per_month=leads * r.per_month,
                pool_used=used,
            )
        )
    return tuple(lines)


def _segments(model: Model) -> tuple[SegmentLine, ...]:
    r = model.rates
    lines = []
    for sid in model.scenario.segments:
        deals = won = revenue = 0.0
        for (uid, s), var in model.deals.items():
            if s == sid:
                e = model.econ[uid, s]
                deals += value(var)
                won += value(var) * e.won
                revenue += value(var) * e.revenue
        m = r.per_month
        lines.append(SegmentLine(sid, deals * m, won * m, revenue * m))
    return tuple(lines)


def _role_leads(model: Model) -> dict[tuple[str, str], float]:
    """(role, channel) -> leads a day the role's people receive, from the lead balances.

    Each balance ``leads_<unit>_<segment>`` reads deals = the leads the unit receives:
    terms in dial variables (the channel dialled), in answer variables (the inbound
    channel answered, by the unit or by others who pass their leads on), and a constant
    (referrals, which arrive by themselves: named by the referral channels feeding
    the segment). Read back here, not worked out again.
    """
    sc = model.scenario
    channel_of = {id(v): c for (_, c), v in [*model.dials.items(), *model.answers.items()]}
    leads: dict[tuple[str, str], float] = defaultdict(float)
    for (uid, sid), deals in model.deals.items():
        role = model.unit(uid).role
        row = model.constraints[f"leads_{uid}_{sid}"]
        for var, coef in row.items():
            if var is not deals:
                leads[role, channel_of[id(var)]] += -coef * value(var)
        if row.constant:
            # The referral channels that reach this role (a branch's own partners, not
            # every branch's: sim.rules.reach, the rule the balance's constant was built by).
            fed = sc.segments[sid].channels
            referral = "+".join(
                c
                for c in fed
                if model.channels[c].fixed_leads_per_day > 0
                and role in lead_owner_roles(sc, c, sid)
            )
            leads[role, referral] -= row.constant  # PuLP keeps the row as lhs - rhs
    return leads


def _role_channels(model: Model) -> tuple[RoleChannelLine, ...]:
    """Per role and channel: dials, their outcomes and the leads received, a month."""
    m = model.rates.per_month
    dials: dict[tuple[str, str], float] = defaultdict(float)
    for (uid, cid), var in model.dials.items():
        dials[model.unit(uid).role, cid] += value(var)
    leads = _role_leads(model)
    lines = []
    for rid in model.scenario.roles:
        for cid in dict.fromkeys(c for r, c in [*dials, *leads] if r == rid):
            ch = model.channels.get(cid)
            d = dials.get((rid, cid), 0.0)
            if d <= 1e-9 and leads.get((rid, cid), 0.0) <= 1e-9:
                continue
            lines.append(
                RoleChannelLine(
                    role=rid,
                    channel=cid,
                    kind=ch.kind if ch is not None else "referral",
                    dials_per_month=d * m,
                    connects_per_month=d * ch.connects_per_dial * m if ch else 0.0,
                    conversations_per_month=d * ch.conversations_per_dial * m if ch else 0.0,
                    leads_per_month=leads.get((rid, cid), 0.0) * m,
                )
            )
    return tuple(lines)


def _role_segments(model: Model) -> tuple[RoleSegmentLine, ...]:
    """Per role and segment: deals entering, won, revenue and stage entries, a month."""
    m = model.rates.per_month
    sums: dict[tuple[str, str], list[float]] = {}
    for (uid, sid), var in model.deals.items():
        e, v = model.econ[uid, sid], value(var)
        row = sums.setdefault((model.unit(uid).role, sid), [0.0] * (3 + len(e.reach)))
        for i, x in enumerate((v, v * e.won, v * e.revenue, *(v * p for p in e.reach))):
            row[i] += x
    lines = []
    for (rid, sid), row in sums.items():
        if row[0] <= 1e-9:
            continue
        lines.append(
            RoleSegmentLine(
                role=rid,
                segment=sid,
                deals_per_month=row[0] * m,
                won_per_month=row[1] * m,
                revenue_per_month=row[2] * m,
                stage_entries_per_month=tuple(x * m for x in row[3:]),
            )
        )
    return tuple(lines)


def _services(model: Model, roles: tuple[RoleLine, ...]) -> tuple[ServiceLine, ...]:
    """Per inbound channel: load, seats present, gross-ups, roster, expected service level."""
    sc = model.scenario
    heads = {line.role: line.headcount for line in roles}
    lines = []
    for desk in model.desks:
        people = sum(heads.get(rid, 0) for rid in desk.roles)
        levels = desk.expected_service_level(sc, people)
        abandoned = expected_abandoned(desk, people)
        blocked = expected_blocked(desk, people)
        patience = None if desk.patience_min == math.inf else desk.patience_min
        for cid in desk.channels:
            ch = sc.channels[cid]
            assert isinstance(ch, InboundChannel)
            lines.append(
                ServiceLine(
                    channel=cid,
                    requests_per_day=model.channels[cid].requests_per_day,  # design month's
                    arrival_min_per_day=arrival_min_per_day(sc),
                    handle_min=desk.handle_min,
                    offered_load_erlangs=desk.load_erlangs,
                    seats_present=desk.seats,
                    presence=desk.presence,
                    days_away_gross_up=desk.days_away_gross_up,
                    pause_gross_up=desk.pause_gross_up,
                    roster=desk.roster,
                    answerers=people,
                    answer_within_min=ch.answer_within_min,
                    service_level_target=ch.service_level_target,
                    expected_service_level=levels[cid],
                    patience_min=patience,
                    expected_abandoned_share=abandoned,
                    retrial_share=desk.retrial_share,
                    lines=desk.lines,
                    waiting_room=desk.waiting_room,
                    expected_blocked_share=blocked,
                    intervals=_intervals(sc, desk, ch.answer_within_min, people),
                    service_level_per=desk.per,
                )
            )
    return tuple(lines)


def _intervals(
    sc: Scenario, desk: Desk, answer_within_min: float, people: int
) -> tuple[ServiceInterval, ...]:
    """The desk's intervals for the plan's answerers (sim.rules.service.interval_figures)."""
    return tuple(
        ServiceInterval(
            weekday=f.interval.weekday,
            interval=interval_title(
                sc, Interval(f.interval.index, f.interval.lo_min, f.interval.hi_min)
            ),
            lo_min=f.interval.lo_min,
            hi_min=f.interval.hi_min,
            requests=f.interval.requests,
            offered_load_erlangs=f.arrivals_per_min * desk.handle_min,
            on_pause=f.on_pause,
            on_floor=f.on_floor,
            seats_needed=f.interval.seats,
            expected_service_level=f.expected_service_level,
            expected_abandoned_share=f.expected_abandoned,
        )
        for f in interval_figures(desk, answer_within_min, people)
    )


def binding_limits(
    model: Model, solver: pulp.LpSolver, *, plan_factor: float = 1.0
) -> tuple[Limit, ...]:
    """The limits with no room left, people of one role taken together.

    ``plan_factor``: the margin on the model's plan (extract), named in the plan's limit.
    """
    integer = model.mode != PlanMode.ALLOCATION
    groups: dict[tuple[str, str], list[tuple[float, float | None, Unit | None]]] = defaultdict(list)
    # A shared pool's rows are its callers' shares (pool_<channel>.<caller>): the roles
    # that dial each pool, and those whose shares are used up.
    callers: dict[str, set[str | None]] = defaultdict(set)
    sharers: dict[tuple[str, str], list[str]] = defaultdict(list)
    unit_of = {u.id: u for u in model.units}
    for name, c in model.constraints.items():
        family, subject = family_of(name)
        if family in BALANCES:
            continue
        share = family == "pool" and "." in name
        if share:
            caller = unit_of.get(name.partition(".")[2])
            dialler = caller.role if caller is not None else None
            callers[subject].add(dialler)
        room = slack(c)
        if room > _BINDS * _row_scale(c):
            continue
        pi = None if integer else dual(model.problem, c, solver)
        unit = unit_of.get(subject)
        key = (family, unit.role if unit is not None else subject)
        groups[key].append((room, pi, unit))
        if share and dialler is not None and dialler not in sharers[key]:
            sharers[key].append(dialler)
    limits = []
    for (family, subject), rows in groups.items():
        used = sharers[family, subject]
        whole = callers[subject] <= set(used)  # every share used up: the whole pool
        limits.append(
            _limit(
                model, family, subject, rows, plan_factor=plan_factor, sharers=() if whole else used
            )
        )
    for rid, var in model.count.items():
        role = model.scenario.roles[rid]
        if not role.headcount.fixed and round(value(var)) == role.headcount.max:
            limits.append(
                Limit(
                    name=f"headcount_max_{rid}",
                    family="headcount_max",
                    subject=rid,
                    text=in_unit(
                        model.scenario,
                        rid,
                        f"{title(rid, model.scenario)}: at its maximum headcount of "
                        f"{role.headcount.max}",
                    ),
                    slack=0.0,
                    marginal=None,
                    marginal_unit="",
                    org_unit=role.unit,
                )
            )
    return tuple(limits)


def _pool_text(model: Model, channel: str, sharers: Sequence[str]) -> str:
    """A finite pool used up: all of it (``sharers`` empty), or the shares of these roles.

    A pool several roles dial is shared out (sim.rules.calls.pool_shares): a role's
    share can be used up while the pool as a whole is not ("pool used 28 %" in the
    channels table beside "used up" read as a contradiction).
    """
    sc = model.scenario
    named = title(channel, sc)
    kind = sc.channels[channel].kind
    if not sharers:
        return f'the {kind} pool "{named}" is used up'
    whose = ", ".join(title(rid, sc) for rid in sharers)
    return f'the share of the {kind} pool "{named}" for {whose} is used up'


# A row binds when its room is within this share of its size (_row_scale): the solver's
# own tolerance is relative, so a cap of 51 dials a day for 10 people met at 50.999998
# each has 2e-5 of room and binds.
_BINDS = 1e-6


def _row_scale(c: pulp.LpConstraint) -> float:
    """The size of a row at the solution: its constant or its largest term, at least 1."""
    terms = [abs(a * (v.varValue or 0.0)) for v, a in c.items()]
    return float(max(1.0, abs(c.constant), *terms))


def dial_cap_source(sc: Scenario, role: str, *, planned: bool) -> str:
    """The fields a role's dial cap comes from, as the user wrote them.

    ``planned=False``: the day's cap, ``dial_cap`` ("policies.max_calls_per_day 60 x
    selling share 20 %"); True: the most a plan may ask, ``planned_dials_cap``, the
    occupancy cap on top ("policies.occupancy_cap 85 % x policies.max_calls_per_day 60 x
    selling share 20 %"). The selling share is left out where it is 1.
    """
    sells = sc.roles[role].sells
    text = f"policies.max_calls_per_day {sc.policies.max_calls_per_day}"
    if sells < 1.0:
        share = format_percent(sells, significant=3, locale=sc.money_locale)
        text += f" x selling share {share}"
    if planned:
        cap = format_percent(sc.policies.occupancy_cap, significant=3, locale=sc.money_locale)
        text = f"policies.occupancy_cap {cap} x {text}"
    return text


def _dial_cap_text(model: Model, role: str) -> str:
    sc = model.scenario
    if role not in sc.roles:
        return ""
    planned = planned_dials_cap(sc, role)
    shown = format_number(planned, 1, locale=sc.money_locale)
    return f"{shown} ({dial_cap_source(sc, role, planned=True)})"


def _span(model: Model, role: str) -> str:
    span = model.scenario.roles[role].max_span if role in model.scenario.roles else None
    return "" if span is None else str(span)


def sized_plan_text(
    amount: float,
    plan_factor: float,
    currency: str,
    locale: str,
    *,
    whose: str = "the sales plan",
) -> str:
    """The plan a model was given, in words: "the sales plan (30 M RUB a month)".

    With the verify loop's margin (``plan_factor`` != 1) it is not the plan but the plan
    raised: "the sales plan with its +23 % margin (36.8 M RUB a month)" (issue 11: "plan"
    always means the scenario's own plan). ``whose``: the plan named, a unit's own
    ("North branch's own plan") for its ``plan_<unit>`` row.
    """
    money = format_money(amount, currency, locale)
    if abs(plan_factor - 1.0) < 1e-9:
        return f"{whose} ({money} a month)"
    margin = format_percent(plan_factor - 1, digits=0, signed=True, locale=locale)
    return f"{whose} with its {margin} margin ({money} a month)"


def _limit(
    model: Model,
    family: str,
    subject: str,
    rows: list[tuple[float, float | None, Unit | None]],
    *,
    plan_factor: float = 1.0,
    sharers: Sequence[str] = (),
) -> Limit:
    sc, r = model.scenario, model.rates
    cur = sc.currency
    duals = [pi for _, pi, _ in rows if pi is not None]
    pi = sum(duals) / len(duals) if duals else None
    people = ""
    if rows[0][2] is not None and model.mode == PlanMode.ALLOCATION:
        total = sum(1 for u in model.units if u.role == subject)
        people = f" ({len(rows)} of {total} people)"
    hour = 60.0 / r.days_per_week * r.per_month  # min/day per extra hour a week, a month
    # The ids stay in ``name`` (and --json); the text is read by people: titles.
    named = title(subject, sc)
    # Mid-sentence a role reads in lower case ("working time of sales manager"), a
    # channel's name in quotes ('the warm pool "Client referrals"'): sim.names.in_sentence.
    said = in_sentence(named)
    texts = {
        "capacity": (
            f"working time of {said}{people} after absence, breaks and the "
            f"{format_percent(sc.policies.occupancy_cap, digits=0, locale=sc.money_locale)} "
            "occupancy cap",
            hour,
            f"{cur}/month per extra hour a week per person",
        ),
        "calls_cap": (
            f"{named}{people}: at most {_dial_cap_text(model, subject)} dials a day on average",
            r.per_month * (rows[0][2].presence if rows[0][2] else 1.0),
            f"{cur}/month per extra dial a day",
        ),
        "pool": (
            _pool_text(model, subject, sharers) if subject in sc.channels else subject,
            r.per_month / r.horizon_days,
            f"{cur}/month per extra contact",
        ),
        "warm_first": (
            f'the warm pool "{named}" is used up before colder channels are dialled',
            1.0,
            "",
        ),
        "plan": (
            _plan_text(model, subject, plan_factor),
            1.0,
            f"{cur} of objective per {cur} of plan",
        ),
        "span": (
            f"span of control of {said}: at most {_span(model, subject)} reports each",
            1.0,
            "",
        ),
        "service": (
            f'people answering "{named}": the roster its service target needs',
            1.0,
            "",
        ),
        "budget": (
            f"the budget ({format_money(model.budget or 0.0, cur, sc.money_locale)} a month)",
            1.0,
            "",
        ),
    }
    text, scale, unit = texts.get(family, (f"{family} {subject}", 1.0, ""))
    marginal = None if pi is None else pi * scale
    return Limit(
        name=f"{family}_{subject}" if subject else family,
        family=family,
        subject=subject,
        text=in_unit(sc, subject, text),
        slack=min(room for room, _, _ in rows),
        marginal=marginal,
        marginal_unit=unit,
        org_unit=subject if family == "plan" and subject in sc.units else org_unit_of(sc, subject),
    )


def _plan_text(model: Model, subject: str, plan_factor: float) -> str:
    """The team's plan row in words, or a unit's own (``plan_<unit>``, sim.rules.unit_plan)."""
    sc, r = model.scenario, model.rates
    if subject not in sc.units:
        return sized_plan_text(r.design.target, plan_factor, sc.currency, sc.money_locale)
    amount = unit_plan.design_plan(sc, subject, [m.index for m in r.months])
    whose = f"{title(subject, sc)}'s own plan"
    return sized_plan_text(amount, plan_factor, sc.currency, sc.money_locale, whose=whose)
