"""The answer of the optimiser: a frozen, flat record that the front door renders."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True)
class DutyLine:
    """Hours a week that a role spends on one activity or duty, all its people together."""

    activity: str  # calls, stage_work, travel, inbound, or duty:<id>
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
class SegmentLine:
    """Deals and revenue a month in one segment."""

    segment: str
    deals_per_month: float
    won_per_month: float
    revenue_per_month: float


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
    mode: str
    solver: str
    currency: str
    objective: str
    month: str  # the design month: the highest plan per working day
    plan_per_month: float
    revenue_per_month: float  # expected
    cost_per_month: float
    budget: float | None
    roles: tuple[RoleLine, ...]
    levels: dict[str, int]
    duties: tuple[DutyLine, ...]
    persons: tuple[PersonLine, ...]
    channels: tuple[ChannelLine, ...]
    segments: tuple[SegmentLine, ...]
    limits: tuple[Limit, ...]
    marginals: tuple[Marginal, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return dataclasses.asdict(self)
