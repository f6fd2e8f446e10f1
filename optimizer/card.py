"""The plan card: a plan traced back by hand-checkable arithmetic, role by role.

For every selling role, from revenue to won deals (revenue / deal value), deals entering
the funnel (won / won per deal), the entries of every stage (deals entering x the share
that reaches it), leads by channel, conversations (leads / the share of conversations
that book one) and dials (conversations / conversations per dial), each a month for the
role's people together and per person a day at work and a week at work; then today's
call quota beside the one the plan sets.

Every figure is the optimiser's own solution (``Plan.role_segments``,
``Plan.role_channels``, ``Plan.roles``) or a rule read where it lives (sim.rules: the
deal value, a dial's outcomes, presence, the quota rules; the calendar's working days);
nothing is worked out a second way. Pure: no text formatting of money (the front ends
do that), no printing.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.extract import dial_cap_source
from optimizer.measure import quota_cap, recommended_quota
from optimizer.rates import Rates, rates
from optimizer.result import Plan, RoleChannelLine, RoleLine, RoleSegmentLine
from sim.names import title
from sim.rules import unit_plan
from sim.rules.calls import dial_economics, dial_outcomes
from sim.rules.people import daily_dials, planned_dials_cap
from sim.rules.staffing import at_work_share
from sim.scenario import InboundChannel, Scenario

# The call quota's figures, one name each wherever they are shown (terminal, JSON texts,
# the card, exports, the dashboard), dials a day at work per person:
PLANNED_DIALS = "planned dials a day"  # the optimiser's (RoleLine.dials_per_day), 1 decimal
RECOMMENDED_QUOTA = "recommended quota"  # the planned rounded up (measure.recommended_quota)
TODAYS_QUOTA = "today's quota"  # the scenario's (sim.rules.people.daily_dials)
NAIVE_DIALS = "naive dials a day"  # hours left / a call's length (RoleLine), 1 decimal
# Dials a day that are estimates (planned, naive, simulated) are written with this many
# decimals everywhere; quotas are whole dials.
DIALS_DIGITS = 1

# Steps of the card, in the order a line is traced back from revenue.
STEPS = ("revenue", "won", "deals", "stage", "leads", "conversations", "dials")


def step_unit(step: str) -> str:
    """A plan card row's unit: "currency" for the plan and revenue, else "count".

    A revenue line is money; every other line a number of deals, entries, leads,
    conversations or dials (quota rows dials a day). The one rule for the card's lines and
    for the stored card's rows (teamsim.export formats each row by it).
    """
    return "currency" if step in ("plan", "revenue") else "count"


def _channel_titles(channel: str, scenario: Scenario, joiner: str = " + ") -> str:
    """A card line's channel by its title; referrals of several channels ("a+b") by each.

    ``Plan.role_channels`` rows referrals of several channels into one ("partners+web"):
    "Partners + Website requests"; inside a how, where " + " is a sum, ``joiner`` " and ".
    """
    return joiner.join(title(c, scenario) for c in channel.split("+"))


@dataclass(frozen=True)
class Term:
    """One operand of a card line's arithmetic: a named figure and its unit.

    The name is words a head reads: a segment or channel in it by its title
    (sim.names.title), "revenue SMB core deals", "dials Marketing leads".
    """

    name: str  # "revenue", "deal value", "won per deal entering", ...
    value: float
    unit: str  # "currency", "share" (0-1), "count" or "factor" (x1.25: conversations per
    # first conversation, call-backs included)


@dataclass(frozen=True)
class CardLine:
    """One figure of a role's card and the division (or sum) it comes from.

    ``per_month`` is the role's people together in an average month (the optimiser's
    rate a working day x Calendar.working_days_per_month); ``value = terms[0] op
    terms[1]`` with op "/" or "x", or the sum of the terms with op "+", or no
    arithmetic (op "") where the figure is read from the plan as it stands.
    """

    role: str
    step: str  # one of STEPS
    name: str  # "won deals", "deals entering", a stage's name, "dials", ...
    segment: str  # "" where the line is not a segment's
    channel: str  # "" where the line is not a channel's
    in_person: bool  # a stage worked in person (a meeting)
    target: bool  # a target in its own right: a stage's entries or dials
    unit: str  # "currency" or "count"
    per_month: float  # the role's people together
    per_person_day: float  # per person, a day at work
    per_person_week: float  # per person, a week at work
    op: str  # "/", "x", "+" or ""
    terms: tuple[Term, ...]
    # The segment's and the channel's titles (sim.names.title), for the line's words;
    # the ids above stay for keys and id columns.
    segment_title: str = ""
    channel_title: str = ""


@dataclass(frozen=True)
class QuotaLine:
    """A selling role's call quota today beside the one the plan sets (dials a day at work)."""

    role: str
    today: int  # sim.rules.people.daily_dials of the scenario as given
    today_source: str  # the scenario field it comes from
    planned: float  # the plan's dials a day at work (RoleLine.dials_per_day)
    # The plan's rounded as the verify loop sets it (measure.recommended_quota): up, or
    # down where up would pass ``planned_cap``.
    recommended: int
    cap: int  # max_calls_per_day x selling share, rounded down (measure.quota_cap)
    planned_cap: float  # the most a plan may ask: occupancy_cap x the cap
    held_by_cap: bool  # the cap, not the working day, sets the recommended quota
    # The fields the caps come from, as the user wrote them (extract.dial_cap_source):
    # "policies.max_calls_per_day 60 x selling share 20 %" for ``cap``, the occupancy cap
    # before it for ``planned_cap``.
    cap_source: str = ""
    planned_cap_source: str = ""


@dataclass(frozen=True)
class RoleCard:
    """One role's people and the facts that turn a month into a day and a week at work."""

    role: str
    title: str
    people: int
    presence: float  # share of a seat's working days at work (staffing.at_work_share)


@dataclass(frozen=True)
class PlanCard:
    """The plan card of a plan: its header figures, the roles, their lines and quotas."""

    currency: str
    month: str  # the design month
    plan_per_month: float  # the scenario's plan of the design month
    sized_for: float  # the plan the optimiser was given (the plan raised by the margin)
    margin: float  # sized_for / plan - 1 as the verify loop set it (0: no margin)
    revenue_per_month: float  # expected of the plan
    days_per_month: float  # working days of an average month (Calendar)
    days_per_week: float  # working days a week (Calendar)
    roles: tuple[RoleCard, ...]
    lines: tuple[CardLine, ...]
    quotas: tuple[QuotaLine, ...]
    # Money's locale (Scenario.money_locale): the card is written as the scenario asks.
    locale: str = ""
    # The optimiser's expected attainment of the scenario's own plan (expected_attainment);
    # None: the team sells nothing or no month is counted.
    expected_attainment: float | None = None
    # Why the design month: "the month with the highest plan" or "every month's plan is the
    # same" (design_words).
    design: str = ""


def design_words(r: Rates, *, units_vary: bool = False) -> str:
    """Why the design month is the one sized for, in words (optimizer.rates.rates).

    "the month with the highest plan", or "every month's plan is the same" (then the first
    counted month is the design month). ``units_vary``: some unit's own plan differs
    from month to month (``sim.rules.unit_plan.varies``), and each such unit is sized for
    its own highest month: said, and "the team's plan" named.
    """
    same = len({m.target for m in r.months}) <= 1
    if not units_vary:
        return "every month's plan is the same" if same else "the month with the highest plan"
    team = "every month's team plan is the same" if same else "the team plan's highest month"
    return f"{team}; a unit's own plan at its own highest month"


def expected_attainment(plan: Plan, plan_factor: float = 1.0) -> float | None:
    """The optimiser's expected attainment of the real plan: a share (1.17: 117 %), or None.

    ``plan.expected_attainment`` is against the plan the optimiser was given, the real one
    raised by the verify loop's margin (``plan_factor``); attainment is revenue over plan
    month by month, so against the real plan it is that expectation x ``plan_factor``.
    None when the plan has no expectation (a team that sells nothing, no counted month).
    """
    expected = plan.expected_attainment
    return None if expected is None else expected * plan_factor


def plan_card(plan: Plan, scenario: Scenario, plan_factor: float = 1.0) -> PlanCard:
    """The card of ``plan``, made for ``scenario`` (the scenario as given, before the margin).

    Args:
        plan: A solved plan.
        scenario: The scenario the plan is for, as the user gave it (its quotas are
            "today's"; its plan is the one shown).
        plan_factor: The verify loop's margin on the plan (1.0: none).
    """
    cal = scenario.calendar
    sellers = {s.role for s in plan.role_segments}
    roles = tuple(
        RoleCard(r.role, r.title, r.headcount, at_work_share(scenario, r.role, r.headcount))
        for r in plan.roles
        if r.role in sellers and r.headcount > 0
    )
    lines: list[CardLine] = []
    for rc in roles:
        lines += _role_lines(plan, scenario, rc)
    by_role = {r.role: r for r in plan.roles}
    quotas = tuple(
        _quota(plan, scenario, by_role[rc.role]) for rc in roles if scenario.calls is not None
    )
    return PlanCard(
        currency=plan.currency,
        month=plan.month,
        plan_per_month=rates(scenario).design.target if plan.plan_per_month else 0.0,
        sized_for=plan.plan_per_month,
        margin=plan_factor - 1.0,
        revenue_per_month=plan.revenue_per_month,
        days_per_month=cal.working_days_per_month,
        days_per_week=cal.working_days_per_week,
        roles=roles,
        lines=tuple(lines),
        quotas=tuple(q for q in quotas if q is not None),
        locale=scenario.money_locale,
        expected_attainment=expected_attainment(plan, plan_factor),
        design=design_words(rates(scenario), units_vary=unit_plan.varies(scenario)),
    )


class _Lines:
    """Builds one role's lines with its per-person figures."""

    def __init__(self, scenario: Scenario, rc: RoleCard) -> None:
        self.rc = rc
        self.scenario = scenario
        self.days_per_month = scenario.calendar.working_days_per_month
        self.days_per_week = scenario.calendar.working_days_per_week
        self.lines: list[CardLine] = []

    def add(
        self,
        step: str,
        name: str,
        per_month: float,
        *,
        op: str = "",
        terms: tuple[Term, ...] = (),
        segment: str = "",
        channel: str = "",
        in_person: bool = False,
        target: bool = False,
    ) -> None:
        rc = self.rc
        at_work = rc.people * rc.presence * self.days_per_month  # person-days at work a month
        day = per_month / at_work if at_work else 0.0
        self.lines.append(
            CardLine(
                role=rc.role,
                step=step,
                name=name,
                segment=segment,
                channel=channel,
                in_person=in_person,
                target=target,
                unit=step_unit(step),
                per_month=per_month,
                per_person_day=day,
                per_person_week=day * self.days_per_week,
                op=op,
                terms=terms,
                segment_title=title(segment, self.scenario) if segment else "",
                channel_title=_channel_titles(channel, self.scenario) if channel else "",
            )
        )


def _role_lines(plan: Plan, sc: Scenario, rc: RoleCard) -> list[CardLine]:
    segs = [s for s in plan.role_segments if s.role == rc.role]
    chans = [c for c in plan.role_channels if c.role == rc.role]
    b = _Lines(sc, rc)
    revenue = sum(s.revenue_per_month for s in segs)
    # Several segments: their sum; one: this role's share of all roles' expected revenue,
    # the optimiser's split of the plan, so that the card's first figure has its source.
    all_roles = sum(s.revenue_per_month for s in plan.role_segments)
    b.add(
        "revenue",
        "revenue",
        revenue,
        op="+" if len(segs) > 1 else "x" if all_roles > 0 else "",
        terms=tuple(
            Term(f"revenue {title(s.segment, sc)}", s.revenue_per_month, "currency") for s in segs
        )
        if len(segs) > 1
        else (
            Term("expected revenue, all roles", all_roles, "currency"),
            Term("this role's share", revenue / all_roles, "share"),
        )
        if all_roles > 0
        else (),
    )
    for s in segs:
        _segment_lines(b, sc, s)
    b.add(
        "leads",
        "leads",
        sum(c.leads_per_month for c in chans),
        op="+",
        terms=tuple(
            Term(f"deals entering {title(s.segment, sc)}", s.deals_per_month, "count") for s in segs
        ),
    )
    team_leads = {c.channel: c.leads_per_month for c in plan.channels}
    for c in chans:
        whole = sum(team_leads.get(cid, 0.0) for cid in c.channel.split("+"))
        _channel_lines(b, sc, c, whole)
    dialled = [c for c in chans if c.dials_per_month > 0]
    if dialled:
        b.add(
            "dials",
            "dials",
            sum(c.dials_per_month for c in dialled),
            target=True,
            op="+",
            terms=tuple(
                Term(f"dials {_channel_titles(c.channel, sc)}", c.dials_per_month, "count")
                for c in dialled
            ),
        )
    return b.lines


def _segment_lines(b: _Lines, sc: Scenario, s: RoleSegmentLine) -> None:
    seg = sc.segments[s.segment]
    won_per_deal = s.won_per_month / s.deals_per_month if s.deals_per_month else 0.0
    b.add(
        "won",
        "won deals",
        s.won_per_month,
        segment=s.segment,
        op="/",
        terms=(
            Term("revenue", s.revenue_per_month, "currency"),
            Term("deal value", seg.deal_value, "currency"),
        ),
    )
    b.add(
        "deals",
        "deals entering",
        s.deals_per_month,
        segment=s.segment,
        op="/",
        terms=(
            Term("won deals", s.won_per_month, "count"),
            Term("won per deal entering", won_per_deal, "share"),
        ),
    )
    for stage, entries in zip(seg.stages, s.stage_entries_per_month, strict=True):
        reach = entries / s.deals_per_month if s.deals_per_month else 0.0
        b.add(
            "stage",
            stage.name,
            entries,
            segment=s.segment,
            in_person=stage.meeting,
            target=True,
            op="x",
            terms=(
                Term("deals entering", s.deals_per_month, "count"),
                Term("reach it", reach, "share"),
            ),
        )


def _channel_lines(b: _Lines, sc: Scenario, c: RoleChannelLine, whole: float) -> None:
    """A channel's lines of one role: its leads, and the conversations and dials that book them.

    ``whole``: the channel's leads a month, all roles (Plan.channels; the sum of the
    merged channels of an "a+b" row), of which this role's share is shown: a referral's
    or a desk's leads are traced to what arrives as a dialled channel's are to its dials.
    """
    share = c.leads_per_month / whole if whole > 0 else 0.0
    titles = _channel_titles(c.channel, sc, " and ")
    # Dialled leads are booked by the roles that dial, a desk's come from the requests it
    # answers, referrals arrive by themselves.
    if c.dials_per_month > 0:
        source = f"leads {titles}, all roles"
    elif all(isinstance(sc.channels.get(cid), InboundChannel) for cid in c.channel.split("+")):
        source = f"leads from {titles}, all roles"
    else:
        source = f"{titles} arriving"
    b.add(
        "leads",
        "leads",
        c.leads_per_month,
        channel=c.channel,
        op="x" if whole > 0 else "",
        terms=(
            Term(source, whole, "count"),
            Term("to this role", share, "share"),
        )
        if whole > 0
        else (),
    )
    if c.dials_per_month <= 0:
        return
    booking = dial_outcomes(sc, c.channel).lead
    b.add(
        "conversations",
        "conversations",
        c.conversations_per_month,
        channel=c.channel,
        op="/",
        terms=(
            Term("leads", c.leads_per_month, "count"),
            Term("of conversations book a lead", booking, "share"),
        ),
    )
    # A dial's conversations (sim.rules.calls.dial_economics) as its three factors, each
    # shown: connects per dial x conversations per connect x the call-backs' 1 / (1 -
    # follow_up), so that 0.35 x 0.58 x 1.25 = 25.4 % is redone by hand.
    o = dial_outcomes(sc, c.channel)
    per_dial = dial_economics(sc, c.channel).conversations
    first = o.connect * o.conversation
    b.add(
        "dials",
        "dials",
        c.dials_per_month,
        channel=c.channel,
        op="/",
        terms=(
            Term("conversations", c.conversations_per_month, "count"),
            Term("connects per dial", o.connect, "share"),
            Term("conversations per connect", o.conversation, "share"),
            Term("call-backs", per_dial / first if first else 1.0, "factor"),
        ),
    )


def call_quotas(plan: Plan, scenario: Scenario) -> dict[str, QuotaLine]:
    """Today's and the recommended quota of every role of ``plan`` that dials, by role id.

    The card's quota lines (one rule, :func:`_quota`) for the front ends that show the
    quotas beside the plan's roles.
    """
    if scenario.calls is None:
        return {}
    quotas = (_quota(plan, scenario, r) for r in plan.roles)
    return {q.role: q for q in quotas if q is not None}


def _quota(plan: Plan, sc: Scenario, line: RoleLine) -> QuotaLine | None:
    """Today's quota and the plan's for a role that dials; None for one that does not."""
    if not line.naive_dials_per_day:  # the role does not sell, or there is no calling
        return None
    role = sc.roles[line.role]
    recommended = recommended_quota(sc, line.role, line.dials_per_day)
    cap = quota_cap(sc, line.role)
    binds = any(lim.family == "calls_cap" and lim.subject == line.role for lim in plan.limits)
    source = (
        "the role's call_quota_per_day"
        if role.call_quota_per_day is not None
        else "policies.call_quota_per_day x selling share"
    )
    return QuotaLine(
        role=line.role,
        today=daily_dials(sc, line.role),
        today_source=source,
        planned=line.dials_per_day,
        recommended=recommended,
        cap=cap,
        planned_cap=planned_dials_cap(sc, line.role),
        held_by_cap=binds or recommended >= cap,
        cap_source=dial_cap_source(sc, line.role, planned=False),
        planned_cap_source=dial_cap_source(sc, line.role, planned=True),
    )
