"""The answer of the optimiser: a frozen, flat record that the front door renders."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.model import PlanMode


@dataclass(frozen=True)
class RoleLine:
    """A role in the plan: its people, cost, load and call target."""

    role: str
    title: str
    level: str
    headcount: int
    current: int
    min: int
    max: int
    cost_per_month: float  # the whole role, scenario currency
    utilisation: float  # busy share of the time at work after breaks (at most occupancy_cap)
    hours_per_week: float  # planned busy hours a week, per person
    dials_per_day: float  # per person, per day at work: the realistic quota
    naive_dials_per_day: float  # available hours / average conversation, as practitioners do
    deals_per_month: float  # new deals worked, per person
    # The role's organisational unit (Role.unit; None: outside the units, or no network).
    # In --json only for a network (Plan.to_dict).
    org_unit: str | None = None


@dataclass(frozen=True)
class UnitLine:
    """People and cost of one organisational unit at one level (a network's plan, issue 14).

    ``headcount`` and ``cost_per_month``: the unit's own roles; ``..._with_sub_units``:
    with the units under it too (a region with its branches). ``org_unit`` None: the roles
    outside every unit (a head above the units), which have no sub-units.
    """

    org_unit: str | None
    level: str
    headcount: int
    cost_per_month: float
    headcount_with_sub_units: int
    cost_with_sub_units: float


@dataclass(frozen=True)
class UnitSales:
    """What one organisational unit is expected to sell a month, and its plan.

    ``revenue_per_month``: expected from the unit's roles and its sub-units'.
    ``plan_per_month``: the unit's plan (``sim.rules.unit_plan.unit_target`` on the plan's
    headcounts): its own where ``own_plan``, else its sellers' share of the plan above.
    Both scenario currency; the plan of ``month`` (the design month, ``Plan.month``, or the
    highest month of a unit's own plan: the month its row is sized for).
    """

    org_unit: str
    revenue_per_month: float
    plan_per_month: float
    own_plan: bool
    plan_basis: str  # where the plan comes from, in words ("its own", "a share by ...")
    month: str = ""  # YYYY-MM of the plan shown: the design month, or a unit's own highest


@dataclass(frozen=True)
class DutyLine:
    """Hours a week that a role spends on one activity or duty, all its people together."""

    activity: str  # a TimeUse value (calls, stage_work, travel, inbound...) or duty:<id>
    role: str
    hours_per_week: float


@dataclass(frozen=True)
class PersonLine:
    """One named person of the current team (allocation mode)."""

    person: str
    role: str
    level: str
    persona: str
    manager: str
    productivity: float  # ramp share
    dials_per_day: float  # per day at work
    deals_per_month: float
    hours_per_week: float
    utilisation: float


@dataclass(frozen=True)
class ChannelLine:
    """Volumes a month in one channel."""

    channel: str
    kind: str
    dials_per_month: float
    connects_per_month: float
    leads_per_month: float
    pool_used: float | None  # share of the pool (and refill) used over the horizon


@dataclass(frozen=True)
class ServiceInterval:
    """One interval of a desk's day in the plan: its load, who is on pause, its service level.

    sim.rules.service's figures for the plan's answerers (sim.rules.service.interval_figures).
    """

    weekday: str | None  # a weekday ("mon"), or None: every working day alike
    interval: str  # on the wall clock, "10:00-10:30"
    lo_min: float  # minutes from the day's start
    hi_min: float
    requests: float  # first calls in the interval on such a day
    offered_load_erlangs: float
    on_pause: float  # share of the answerers on pause (the rota)
    on_floor: float  # answerers expected on the floor: planned x presence x (1 - on pause)
    seats_needed: int  # agents needed on the floor for the target and the occupancy cap
    expected_service_level: float
    expected_abandoned_share: float


@dataclass(frozen=True)
class ServiceLine:
    """One inbound channel: its load, the seats it needs present and the roster that gives them.

    The rules are sim.rules.service: the same the simulator's desk plays.
    """

    channel: str
    requests_per_day: float
    arrival_min_per_day: float  # minutes of the day over which requests arrive
    handle_min: float  # mean handling minutes (the answerers' persona mix included)
    offered_load_erlangs: float
    seats_present: int  # agents needed present: Erlang C (A with patience), the occupancy cap
    presence: float  # share of working days an answerer is at work
    days_away_gross_up: float  # people on the roster per seat needed present
    pause_gross_up: float  # agents on shift per agent present when requests arrive
    roster: int  # people needed on the roster
    answerers: int  # people who answer in this plan
    answer_within_min: float
    service_level_target: float
    expected_service_level: float  # with the plan's answerers, days away included
    # Mean patience, minutes (None: nobody hangs up); share of callers expected to hang
    # up with the plan's answerers (Erlang A; 0 without patience); retrials' share.
    patience_min: float | None = None
    expected_abandoned_share: float = 0.0
    retrial_share: float = 0.0
    # Lines and waiting room (None: no limit) and the share expected to be turned away.
    lines: int | None = None
    waiting_room: int | None = None
    expected_blocked_share: float = 0.0
    # By interval of the day (empty: the desk is alike all day); "interval": the target
    # holds in every interval (the lowest is expected_service_level), "day": over the day.
    intervals: tuple[ServiceInterval, ...] = ()
    service_level_per: str = "interval"


@dataclass(frozen=True)
class SegmentLine:
    """Deals and revenue a month in one segment."""

    segment: str
    deals_per_month: float
    won_per_month: float
    revenue_per_month: float


@dataclass(frozen=True)
class RoleChannelLine:
    """What one role's people together get from one channel, an average month.

    Read from the solved model: dials are the model's variables, connects and
    conversations their expected outcomes (sim.rules.calls.dial_economics), leads the
    terms of the model's lead balances (``leads_<unit>_<segment>``) that come from the
    channel, so they add up to the deals the role works.
    """

    role: str
    channel: str  # a channel id; referrals of several channels into one row: "a+b"
    kind: str  # warm, cold, referral, inbound
    dials_per_month: float  # the role's people together
    connects_per_month: float
    conversations_per_month: float  # first conversations and call-backs
    leads_per_month: float  # deals that enter the role's funnel from this channel


@dataclass(frozen=True)
class RoleSegmentLine:
    """Deals one role's people together work in one segment, an average month.

    Deals are the model's variables (fresh leads entering the first stage); won deals,
    revenue and stage entries are their expected outcomes for the role's people
    (optimizer.economics.lead_economics: ramp and repeat sales in the won deals, stage
    entries of the fresh leads before ramp).
    """

    role: str
    segment: str
    deals_per_month: float  # fresh leads entering the funnel
    won_per_month: float
    revenue_per_month: float
    stage_entries_per_month: tuple[float, ...]  # by stage, in the segment's order


@dataclass(frozen=True)
class Limit:
    """A constraint that binds (no room left), and what relaxing it is worth."""

    name: str  # constraint name, or "<family>_<role>" for people of one role together
    family: str  # capacity, calls_cap, selling, span, pool, plan, budget, service, duty, ...
    subject: str
    text: str
    slack: float
    marginal: float | None  # change of the objective per unit below; None when integer
    marginal_unit: str
    # The organisational unit of the role the limit is about (None: not one role's, or
    # outside the units); in --json only for a network (Plan.to_dict).
    org_unit: str | None = None


@dataclass(frozen=True)
class Marginal:
    """What one more (or one fewer) person in a role changes in the objective."""

    role: str
    level: str
    one_more: float | None  # None: not computed or infeasible
    one_fewer: float | None  # None: one fewer makes the plan infeasible (or none to remove)
    unit: str
    method: str  # "re-solve" (sizing, integer) or "duals" (allocation, first order)


@dataclass(frozen=True)
class Plan:
    """A solved plan, with the explanation of what limits it."""

    scenario: str
    mode: PlanMode
    solver: str
    currency: str
    objective: str
    month: str  # the design month: the month with the highest plan
    plan_per_month: float  # the sales plan of the design month (0: the team sells nothing)
    revenue_per_month: float  # expected, in the design month
    # Expected mean over the counted months of revenue / plan, the KPI "attainment"
    # (above 1 where months have a lower plan than the design month); None: no sales.
    expected_attainment: float | None
    cost_per_month: float
    budget: float | None
    roles: tuple[RoleLine, ...]
    levels: dict[str, int]
    duties: tuple[DutyLine, ...]
    persons: tuple[PersonLine, ...]
    channels: tuple[ChannelLine, ...]
    segments: tuple[SegmentLine, ...]
    services: tuple[ServiceLine, ...]
    limits: tuple[Limit, ...]
    marginals: tuple[Marginal, ...]
    notes: tuple[str, ...]
    # Per role and channel, per role and segment: what the plan card traces (optimizer.card).
    role_channels: tuple[RoleChannelLine, ...] = ()
    role_segments: tuple[RoleSegmentLine, ...] = ()
    # A network's people and cost by organisational unit and level (empty: no units).
    units: tuple[UnitLine, ...] = ()
    # A network's expected sales and plan by unit (empty: no units).
    unit_sales: tuple[UnitSales, ...] = ()
    # Classes of units the sizing model cannot tell apart (optimizer.alike), in scenario
    # order: their same limit is said once (optimizer.units.limits_said).
    alike: tuple[tuple[str, ...], ...] = ()

    def alike_units_of(self, subject: str) -> tuple[str, ...]:
        """The class of alike units the subject's unit is in (empty: none, or a team).

        ``subject``: a role or channel id (``<unit>__<id>``) or a unit's id.
        """
        key = alike_class(subject, self.alike)
        return self.alike[key[0]] if key is not None else ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON.

        The keys of a network (``units``, ``unit_sales``, ``alike``, ``roles[].org_unit``,
        ``limits[].org_unit``) only for a network: a team's plan keeps the keys it had
        (tests/test_json_keys.py).
        """
        data = dataclasses.asdict(self)
        if not self.units:
            del data["units"], data["unit_sales"], data["alike"]
            for row in (*data["roles"], *data["limits"]):
                del row["org_unit"]
        return data


def alike_class(subject: str, groups: Sequence[Sequence[str]]) -> tuple[int, str] | None:
    """Which class of alike units a subject is in, and what it is within its unit.

    A unit's own role or channel is ``<unit>__<id>`` ("__<id>" within it); a unit's own
    plan is the unit's id (""). None for a subject of no alike unit.
    """
    unit, _, own = subject.partition("__")
    for k, group in enumerate(groups):
        if unit in group:
            return k, f"__{own}" if own else ""
    return None
