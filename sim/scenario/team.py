"""People: personas, roles by level, headcount, absence, ramp-up and travel."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

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

_MONTH_LABEL = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # a calendar month as Scenario.month_label


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


# The longest ramp a role may state. Published ramps are 3-12 months (GitLab's handbook:
# about 5 for an account executive; Bridge Group 2024 SaaS AE report: 5.7 on average), so
# a list past two years is a mistake (months typed as days, say), not a slow hire.
MAX_RAMP_MONTHS = 24


class Ramp(Frozen):
    """Ramp-up of new hires: share of full productivity in each month of tenure."""

    productivity_by_month: list[Annotated[float, Field(gt=0.0, le=1.0)]] = Field(
        min_length=1,
        description=(
            "Share of full productivity in months 1, 2, ... of tenure; at most "
            f"{MAX_RAMP_MONTHS} months (3-12 is usual: GitLab, Bridge Group 2024)."
        ),
        json_schema_extra={"maxItems": MAX_RAMP_MONTHS},
    )
    new_hires_per_year: NonNegFloat = Field(
        0.0,
        description=(
            "People replaced a year (attrition), each starting the ramp again. Older "
            "files' name for attrition.leavers_per_year with no vacancy; give one or the "
            "other."
        ),
    )

    @field_validator("productivity_by_month")
    @classmethod
    def _at_most_two_years(cls, value: list[float]) -> list[float]:
        # A validator, not max_length: the message says what is usual, not only the cap.
        if len(value) > MAX_RAMP_MONTHS:
            raise ValueError(
                f"{len(value)} months of ramp; at most {MAX_RAMP_MONTHS} "
                "(3-12 is usual: GitLab, Bridge Group 2024)"
            )
        return value


# A person's id is "<role id>.<two digits or more>" (client_manager.03); a role id alone
# names whoever of that role is in seat (sim.rules.staffing.person_ids).
PERSON_OR_ROLE_PATTERN = r"^[a-z][a-z0-9_]*(\.[0-9]+)?$"
PersonOrRole = Annotated[str, StringConstraints(pattern=PERSON_OR_ROLE_PATTERN, max_length=80)]


class StaffMember(Frozen):
    """One person in seat at ``calendar.start``, in the order of the role's person ids.

    The n-th entry is person ``<role>.0n`` ([glossary](glossary.md#tenure)). Every field
    is optional: an entry without a start is fully ramped, as an unlisted person is.
    """

    start: dt.date | None = Field(
        None,
        description=(
            "First day in the job, YYYY-MM-DD, on or before calendar.start: tenure (and so "
            "ramp) counts from it. Default: fully ramped."
        ),
    )
    leaves: dt.date | None = Field(
        None, description="Last working day in seat of a planned leaver, YYYY-MM-DD."
    )
    successor: PersonOrRole | None = Field(
        None,
        description=(
            "Who takes over this person's open deals, queued work, booked meetings and "
            "call-backs (those of channels they dial) on leaving: a person id "
            "(client_manager.03; when not in seat that day, their role) or a role id (its "
            "person at work with the fewest open deals). Deals keep the ramp share they "
            "began at. Default: the role's handover."
        ),
    )
    persona: Identifier | None = Field(
        None, description="This person's persona. Default: the role's mix, by largest remainder."
    )


class Joiner(Frozen):
    """Planned joiners, each taking a seat on a date ([glossary](glossary.md#joiner-and-leaver)).

    A joiner of ``count`` n is n people, numbered after the people in seat now and the
    joiners listed before it.
    """

    start: dt.date = Field(description="First day in seat, YYYY-MM-DD; tenure counts from it.")
    count: Annotated[int, Field(ge=1)] = Field(1, description="People joining that day.")
    leaves: dt.date | None = Field(
        None, description="Last working day in seat (a fixed-term contract), YYYY-MM-DD."
    )
    note: str = Field("", description="Free text, e.g. 'hiring plan 2027-03'.")


class Attrition(Frozen):
    """Random leavers and their empty seats ([glossary](glossary.md#attrition)).

    The one home of replacements: each leaver is replaced after the vacancy, and the
    replacement starts the ramp again.
    """

    rate_per_year: float | None = Field(
        None,
        ge=0.0,
        le=3.0,
        description=(
            "Share of the role's people leaving a year, 0 to 3 (write 0.2 for 20 %; "
            "sales roles: 20-35 %, ContactBabel)."
        ),
    )
    leavers_per_year: NonNegFloat | None = Field(
        None, description="Or a count of leavers a year for the role (not both)."
    )
    time_to_fill_days: NonNegFloat = Field(
        0.0,
        description=(
            "Calendar days a seat stays empty before its replacement starts at tenure 0; "
            "the leaver's open deals pass to a peer of the role "
            "([time to fill](glossary.md#time-to-fill-and-vacancy)). Default 0."
        ),
    )


class Role(Frozen):
    """A role: people of one level doing the same job."""

    title: str = Field("", description="Job title shown in reports.")
    level: Level = Field(description="Hierarchy level: line, lower, middle or top.")
    headcount: HeadcountField = Field(
        description="A number (fixed) or {current, min, max} for sizing."
    )
    monthly_cost: NonNegFloat = Field(description="Cost per person a month, scenario currency.")
    unit: Identifier | None = Field(
        None,
        description=(
            "Id of the office, branch or region (in units) this role belongs to: its "
            "people work there. Default: none, a role above the units, or the whole team "
            "in a file without units."
        ),
    )
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
    call_quota_by_month: dict[str, NonNegInt] = Field(
        default_factory=dict,
        description=(
            'Dials a day for one person here in a calendar month, "YYYY-MM" -> dials, '
            'e.g. {"2027-02": 51, "2027-03": 34}: the quota of every working day of that '
            "month; months not listed use call_quota_per_day. 0 is a month without "
            "calling (the other work goes on; dials earlier days owe are still made). "
            "Months lie within 12 months of the horizon. A hiring calendar's verify "
            "writes the dials its months planned here. Default: none."
        ),
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
    staff: list[StaffMember] = Field(
        default_factory=list,
        description=(
            "The people in seat now, in order (person ids: the role id and .01, .02, ...): "
            "their start dates, planned leaving dates, successors. At most "
            "headcount.current entries; the rest are fully ramped. Default: none listed."
        ),
    )
    joiners: list[Joiner] = Field(
        default_factory=list,
        description=(
            "Planned joiners; their ids follow the people in seat, in list order. Default: none."
        ),
    )
    attrition: Attrition | None = Field(
        None, description="Random leavers and the time to fill their seats. Default: none."
    )
    handover: Identifier | None = Field(
        None,
        description=(
            "Role id whose person at work with the fewest open deals takes a leaver's open "
            "deals and queued work when no successor is named. Default: the role itself."
        ),
    )
    travel_min: Distribution | None = Field(
        None, description="One-way travel to an in-person meeting, minutes."
    )

    @field_validator("call_quota_by_month")
    @classmethod
    def _month_labels(cls, quotas: dict[str, int]) -> dict[str, int]:
        bad = [m for m in quotas if not _MONTH_LABEL.fullmatch(m)]
        if bad:
            raise ValueError(
                f"{', '.join(repr(m) for m in bad)}: expected calendar months written "
                '"YYYY-MM" (e.g. "2027-03"), each with a whole number of dials a day, 0 or more'
            )
        return quotas

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
