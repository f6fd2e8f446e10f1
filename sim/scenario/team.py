"""People: personas, roles by level, headcount, absence, ramp-up and travel."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from sim.scenario.base import (
    Frozen,
    Identifier,
    Level,
    NonNegFloat,
    NonNegInt,
    PositiveFloat,
    Probability,
)
from sim.scenario.distributions import Distribution


class Persona(Frozen):
    """A working style: multipliers on durations, conversions ([glossary](glossary.md#persona))."""

    duration_x: PositiveFloat = Field(1.0, description="Multiplier on activity durations.")
    conversion_x: PositiveFloat = Field(1.0, description="Multiplier on stage conversions.")
    variability_x: PositiveFloat = Field(
        1.0, description="Multiplier on the spread of durations around their mean."
    )


class Headcount(Frozen):
    """People in a role now, and the range the optimiser may size it within."""

    current: NonNegInt = Field(description="People in the role now.")
    min: NonNegInt = Field(description="Fewest people the optimiser may plan.")
    max: NonNegInt = Field(description="Most people the optimiser may plan.")

    @model_validator(mode="after")
    def _ordered(self) -> Headcount:
        if not self.min <= self.current <= self.max:
            raise ValueError(
                f"expected min <= current <= max, got {self.min}, {self.current}, {self.max}"
            )
        return self

    @property
    def fixed(self) -> bool:
        """True when the optimiser may not change it."""
        return self.min == self.max


def _int_to_headcount(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # A bad number is reported once, at current, not three times.
        bound = max(value, 0)
        return {"current": value, "min": bound, "max": bound}
    if isinstance(value, dict) and "current" in value:
        return {"min": value["current"], "max": value["current"], **value}
    return value


HeadcountField = Annotated[
    Headcount,
    BeforeValidator(_int_to_headcount, json_schema_input_type=int | Headcount),
]


class Absence(Frozen):
    """Whole days away a year; kept apart from in-day shrinkage so neither is counted twice."""

    vacation_days: NonNegFloat = Field(
        0.0, le=250, description="Working days of paid leave a year (EU: 20 or more; US: 11)."
    )
    sick_days: NonNegFloat = Field(
        0.0, le=250, description="Working days of sickness a year (UK: 6-8; Germany: 15-20)."
    )
    trip_days: NonNegFloat = Field(
        0.0, le=250, description="Working days a year away on trips (no desk work)."
    )

    @property
    def total_days(self) -> float:
        """All days away a year."""
        return self.vacation_days + self.sick_days + self.trip_days


class Ramp(Frozen):
    """Ramp-up of new hires: share of full productivity in each month of tenure."""

    productivity_by_month: list[Annotated[float, Field(gt=0.0, le=1.0)]] = Field(
        min_length=1, description="Share of full productivity in months 1, 2, ... of tenure."
    )
    new_hires_per_year: NonNegFloat = Field(
        0.0, description="People replaced a year (attrition), each starting the ramp again."
    )


class Role(Frozen):
    """A role: people of one level doing the same job."""

    title: str = Field("", description="Job title shown in reports.")
    level: Level = Field(description="Hierarchy level: line, lower, middle or top.")
    headcount: HeadcountField = Field(
        description="A number (fixed) or {current, min, max} for sizing."
    )
    monthly_cost: NonNegFloat = Field(description="Cost per person a month, scenario currency.")
    reports_to: Identifier | None = Field(None, description="Role id of the manager above.")
    deputy: Identifier | None = Field(None, description="Role id that takes over when absent.")
    max_span: int | None = Field(
        None,
        ge=1,
        description=(
            "Most direct reports one person in this role can manage (span of control: "
            "6-10 for a front-line sales manager, Gartner 2019)."
        ),
    )
    selling_share: Probability | None = Field(
        None,
        description=(
            "How much of a full line seller's selling one person here does, 0 to 1 "
            "(write 0.3 for 30 %; default 1 for line roles, 0 for managers). A team lead "
            "who sells a third of the time has 0.33. It scales three things: the most "
            "dials a day (selling_share x policies.max_calls_per_day), the default quota "
            "(selling_share x policies.call_quota_per_day) and the person's part of the "
            "leads that arrive by themselves (referrals), drawn in proportion "
            "to it. 0: the role sells nothing and only manages."
        ),
    )
    call_quota_per_day: NonNegInt | None = Field(
        None,
        description="Dials a day for one person here (default: the policy quota x selling_share).",
    )
    handles_inbound: bool | None = Field(
        None, description="Answers inbound requests (default: line roles do)."
    )
    segments: list[Identifier] | None = Field(
        None, description="Segments this role sells (default: all)."
    )
    channels: list[Identifier] | None = Field(
        None, description="Channels this role works (default: all its segments' channels)."
    )
    personas: dict[Identifier, PositiveFloat] = Field(
        default_factory=dict,
        description="Persona mix: persona id -> share of the role's people; shares sum to 1.",
    )
    absence: Absence = Field(default_factory=Absence, description="Days away a year.")
    ramp: Ramp | None = Field(None, description="Ramp-up of new hires.")
    travel_min: Distribution | None = Field(
        None, description="One-way travel to an in-person meeting, minutes."
    )

    @property
    def sells(self) -> float:
        """Share of a line seller's selling load this role carries."""
        if self.selling_share is not None:
            return self.selling_share
        return 1.0 if self.level is Level.LINE else 0.0

    @property
    def answers_inbound(self) -> bool:
        """Whether people in this role answer inbound requests."""
        if self.handles_inbound is not None:
            return self.handles_inbound
        return self.level is Level.LINE
