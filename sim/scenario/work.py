"""Recurring duties, the sales plan and the policies of the working day."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator, model_validator

from sim.scenario.base import (
    MONTHS_A_YEAR,
    ByMonthInput,
    Frozen,
    Identifier,
    Level,
    NonNegFloat,
    NonNegInt,
    PositiveFloat,
    every_month_or_twelve,
    scalar_to_list,
)


class DutyScale(StrEnum):
    """How a duty's minutes scale: per head, per report, per deal event, or fixed."""

    HEAD_PER_DAY = "head_per_day"
    HEAD_PER_WEEK = "head_per_week"
    HEAD_PER_MONTH = "head_per_month"
    REPORT_PER_WEEK = "report_per_week"
    DEAL = "deal"
    APPROVAL = "approval"
    ESCALATION = "escalation"
    FIXED_PER_WEEK = "fixed_per_week"
    FIXED_PER_MONTH = "fixed_per_month"


PER_HEAD_SCALES = (DutyScale.HEAD_PER_DAY, DutyScale.HEAD_PER_WEEK, DutyScale.HEAD_PER_MONTH)
EVENT_SCALES = (DutyScale.DEAL, DutyScale.APPROVAL, DutyScale.ESCALATION)


class Duty(Frozen):
    """A recurring duty: its minutes, the levels allowed to do it and how it scales."""

    minutes: PositiveFloat = Field(
        description="Minutes each time: per person, report or event, as per says."
    )
    per: DutyScale = Field(
        description=(
            "What the minutes are counted per. head_per_day / head_per_week / "
            "head_per_month: each person of an eligible role, on days at work. "
            "report_per_week: each direct report of the person, a week (coaching). "
            "fixed_per_week / fixed_per_month: once for the team (in a network, once per "
            "unit), by one person. deal: each deal the person's role opens. approval: each "
            "approval a stage with approval: <level> asks for; done by the deal owner's "
            "nearest manager at that level or above (with none, by someone at the level in "
            "the owner's unit, the units above it or its fallback units), while the deal "
            "waits (every such duty listing the level is summed). escalation: each "
            "difficult client (a segment's escalation_rate), handled at its "
            "escalation_level."
        )
    )
    levels: list[Level] = Field(min_length=1, description="Levels allowed to do it.")
    roles: list[Identifier] | None = Field(
        None, description="Restrict to these roles (default: every role of those levels)."
    )


class JudgedOn(StrEnum):
    """What "plan met" means: the unit of time a plan is judged on (sim.plan_met)."""

    MONTH = "month"
    EVERY_MONTH = "every_month"
    QUARTER = "quarter"
    HORIZON = "horizon"


class MonthlyRevenue(Frozen):
    """Revenue a calendar month: the one by-month rule of a plan, the team's or a unit's."""

    revenue_per_month: Annotated[
        list[PositiveFloat],
        BeforeValidator(scalar_to_list, json_schema_input_type=ByMonthInput),
    ] = Field(
        description=(
            "Revenue a calendar month, scenario currency: one value for every month, or "
            "twelve, January to December (repeated on horizons longer than a year), "
            "whatever month the horizon starts in."
        ),
    )

    @field_validator("revenue_per_month")
    @classmethod
    def _every_month_or_twelve(cls, value: list[float]) -> list[float]:
        return every_month_or_twelve(value)

    def for_calendar_month(self, month: int) -> float:
        """The plan of a calendar month (1 = January ... 12 = December), scenario currency.

        The rule of a monthly plan: a single value is every month's; twelve values are
        January to December. By horizon month, read ``Scenario.plan_target`` (the team's)
        or ``sim.rules.unit_plan.holder_plan`` (a unit's).
        """
        if not 1 <= month <= MONTHS_A_YEAR:
            raise ValueError(f"expected a calendar month 1..12, got {month}")
        values = self.revenue_per_month
        return values[0] if len(values) == 1 else values[month - 1]


class UnitPlan(MonthlyRevenue):
    """An organisational unit's own plan (``units.<u>.plan``; sim.rules.unit_plan).

    The unit is judged on it, and ``teamsim plan`` sizes the unit to meet it; a unit
    without one answers for its people's share of the plan above it.
    """


# What the team must sell; the optimiser's answer is another thing, ``optimizer.Plan``.
class SalesPlan(MonthlyRevenue):
    """The sales plan and how sure the team must be of meeting it."""

    confidence: float = Field(
        0.8,
        ge=0.5,  # as plan --confidence: below even odds there is no plan to verify
        le=0.99,
        description=(
            "Probability of meeting the plan that is wanted, as judged_on says, 0.5 to "
            "0.99: write 0.8 for 80 %."
        ),
    )
    judged_on: JudgedOn = Field(
        JudgedOn.MONTH,
        description=(
            "What 'plan met' means. month (default, how a head reads a monthly plan): the "
            "chance that a month meets its plan, the share of simulated months that do. "
            "every_month: the chance that every counted month of the horizon meets its "
            "plan. quarter: the chance that a calendar quarter meets its plan (its months' "
            "revenue against their plans summed). horizon: the revenue of all counted "
            "months against their plans summed."
        ),
    )


class Activity(StrEnum):
    """Kinds of work a person chooses between, for the order of priorities."""

    MEETINGS = "meetings"
    INBOUND = "inbound"
    APPROVALS = "approvals"
    FOLLOW_UPS = "follow_ups"
    DUTIES = "duties"
    CALLS = "calls"


DEFAULT_PRIORITIES = list(Activity)


class ChannelOrder(StrEnum):
    """The order in which a person's outbound channels are dialled (sim.rules.calls)."""

    WARM_FIRST = "warm_first"
    IN_TURN = "in_turn"


class Policies(Frozen):
    """Rules of the working day: quotas, caps and the order of priorities."""

    call_quota_per_day: NonNegInt = Field(
        description="Outbound dials a full line seller aims for a day (SDRs: 46-52)."
    )
    max_calls_per_day: NonNegInt = Field(description="Most dials a person may make a day.")
    occupancy_cap: float = Field(
        0.85,
        gt=0.0,
        le=1.0,
        description=(
            "Most of the available time that may be planned busy, 0 to 1 (0.75-0.90; 0.85 "
            "is the usual planning cap)."
        ),
    )
    overtime_max_min_per_day: NonNegFloat = Field(
        0.0, le=240, description="Overtime allowed to finish started work, minutes a day."
    )
    channel_order: ChannelOrder = Field(
        ChannelOrder.WARM_FIRST,
        description=(
            "warm_first: warm pools first (in the order listed), cold lists last, in turn "
            "(cold is the last resort: [glossary](glossary.md#warm-and-cold-channels)); in_turn: "
            "every outbound channel in turn."
        ),
    )
    priorities: list[Activity] = Field(
        default_factory=lambda: list(DEFAULT_PRIORITIES),
        description="Order in which work is taken, first to last; lists every activity once.",
    )

    @field_validator("priorities")
    @classmethod
    def _permutation(cls, value: list[Activity]) -> list[Activity]:
        missing = [a.value for a in Activity if a not in value]
        repeated = sorted({a.value for a in value if value.count(a) > 1})
        if missing or repeated:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if repeated:
                parts.append(f"repeated {', '.join(repeated)}")
            raise ValueError("must list every activity once: " + "; ".join(parts))
        return value

    @model_validator(mode="after")
    def _quota_under_cap(self) -> Policies:
        if self.call_quota_per_day > self.max_calls_per_day:
            raise ValueError(
                f"call_quota_per_day ({self.call_quota_per_day}) exceeds "
                f"max_calls_per_day ({self.max_calls_per_day})"
            )
        return self
