"""Published defaults for a scenario built from records alone, each with its source.

The figures are those of the project's reference table (the shared REFERENCE.md), copied
here with their sources so that a scenario written without a base cites nothing outside
the project: the comment written beside each default value is :attr:`Default.comment`
("default: Gong Labs 2024, 5.4 % of 300M+ cold calls connect"). Where no published figure
exists the value is marked an assumption, as the bundled scenarios do.

Confidence follows the reference table: H = official or several agreeing sources, M = one
credible study, L = vendor blog or unclear method, ASSUMPTION = nothing published.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from sim.scenario import Level

__all__ = [
    "ABSENCE_SICK_DAYS",
    "ABSENCE_VACATION_DAYS",
    "AFTER_SALE_HANDOFF_MIN",
    "AFTER_SALE_PAYMENT_CONTROL_MIN",
    "ANSWER_WITHIN_MIN",
    "BOOKING_CALL_MIN",
    "CALL_QUOTA_PER_DAY",
    "COACHING_MIN_PER_REPORT_WEEK",
    "COLD_CONNECT_RATE",
    "CONNECT_NO_CONVERSATION_MIN",
    "CONVERSATION_GIVEN_CONNECT",
    "CONVERSATION_MIN",
    "DEAL_VALUE",
    "ESCALATION_MIN",
    "ESCALATION_RATE",
    "FOLLOW_UP_AFTER_DAYS",
    "FOLLOW_UP_GIVEN_CONVERSATION",
    "LEAD_GIVEN_CONVERSATION",
    "MAX_CALLS_PER_DAY",
    "MIDDLE_MAX_SPAN",
    "MONTHLY_COST",
    "NO_ANSWER_MIN",
    "OCCUPANCY_CAP",
    "OVERTIME_MAX_MIN_PER_DAY",
    "PIPELINE_REVIEW_MIN_PER_WEEK",
    "PLANNING_MIN_PER_WEEK",
    "PLAN_CONFIDENCE",
    "RAMP_ATTRITION_PER_YEAR",
    "RAMP_PRODUCTIVITY_BY_MONTH",
    "REPORTS_PER_TEAM_LEAD",
    "SALES_CYCLE_DAYS",
    "SERVICE_LEVEL_TARGET",
    "STAGE_WORK_MIN",
    "TEAM_LEAD_MAX_SPAN",
    "TEAM_MEETING_MIN_PER_WEEK",
    "TRAINING_MIN_PER_WEEK",
    "WARMUP_DAYS",
    "WARM_CONNECT_RATE",
    "WIN_RATE",
    "WORKDAY_BREAKS_MIN",
    "WORKDAY_HOURS",
    "WORKDAY_LUNCH_MIN",
    "WORKDAY_START",
    "WORK_DAY_REPORT_MIN",
    "Confidence",
    "Default",
]


class Confidence(StrEnum):
    """How far a default can be trusted (the reference table's column)."""

    HIGH = "H"
    MEDIUM_HIGH = "M-H"
    MEDIUM = "M"
    LOW = "L"
    ASSUMPTION = "-"


T = TypeVar("T")


@dataclass(frozen=True)
class Default(Generic[T]):
    """A default value with where it comes from (an assumption's source starts "assumption").

    ``value`` is in the unit of the scenario field it fills (minutes, days, a share, a
    count; money in US dollars); ``source`` names the study or says what the assumption
    is; an ASSUMPTION has no published figure behind it.
    """

    value: T
    source: str
    confidence: Confidence

    @property
    def comment(self) -> str:
        """The comment written beside the value ("default: <source>" or "assumption: ...")."""
        if self.confidence is Confidence.ASSUMPTION:
            return self.source
        return f"default: {self.source}"


def _assumption(value: T, why: str) -> Default[T]:
    return Default(value, f"assumption: {why}", Confidence.ASSUMPTION)


# --- The working day and the calendar ------------------------------------------------
WORKDAY_START = _assumption("09:00", "a common office start")
WORKDAY_HOURS = _assumption(8.0, "a full-time day, lunch excluded")
WORKDAY_LUNCH_MIN = _assumption(60.0, "an unpaid hour's lunch")
# In-day shrinkage is about 30 % (ICMI 28-32 %), but most of it (meetings, training,
# reports) is modelled as duties; only short breaks are left here.
WORKDAY_BREAKS_MIN = _assumption(30.0, "short breaks; meetings and training are duties")
WARMUP_DAYS = _assumption(40, "two months for a 30-60 day cycle's pipeline to fill")

# --- Absence (whole days away a year; apart from in-day shrinkage) -------------------
ABSENCE_VACATION_DAYS = Default(
    11.0, "BLS NCS Dec 2022, 11 vacation days after a year (US private industry)", Confidence.HIGH
)
ABSENCE_SICK_DAYS = Default(7.0, "BLS NCS Dec 2022, 7 sick days (US)", Confidence.HIGH)

# --- Outbound calls ------------------------------------------------------------------
CALL_QUOTA_PER_DAY = Default(
    50, "Bridge Group SDR reports 46 dials a day, ZoomInfo 52", Confidence.MEDIUM
)
MAX_CALLS_PER_DAY = Default(
    100, "top of the 30-100 dials a day range (Bridge Group)", Confidence.MEDIUM
)
COLD_CONNECT_RATE = Default(
    0.054, "Gong Labs 2024, 5.4 % of 300M+ cold calls connect", Confidence.MEDIUM_HIGH
)
WARM_CONNECT_RATE = Default(
    0.133,
    "Gong Labs 2024, 13.3 % top quartile, taken for warm contacts (assumption)",
    Confidence.MEDIUM,
)
CONVERSATION_GIVEN_CONNECT = Default(
    0.58, "Belkins 2025, 58 % of connects become a conversation (175k dials)", Confidence.MEDIUM
)
LEAD_GIVEN_CONVERSATION = Default(
    0.33, "Vorsight (via TOPO), 3 conversations per meeting booked", Confidence.MEDIUM
)
FOLLOW_UP_GIVEN_CONVERSATION = _assumption(0.2, "a fifth of conversations ask for a call back")
FOLLOW_UP_AFTER_DAYS = _assumption(
    {"kind": "exponential", "mean": 3.0}, "call backs a few days later"
)
NO_ANSWER_MIN = _assumption(
    {"kind": "uniform", "low": 0.5, "high": 1.0}, "nothing published: ring and voicemail"
)
CONNECT_NO_CONVERSATION_MIN = _assumption(0.5, "gatekeeper or hang-up")
CONVERSATION_MIN = Default(
    {"kind": "lognormal", "mean": 3.2, "sd": 1.5},
    "Gong Labs, unsuccessful connected calls 3:14 (spread: assumption)",
    Confidence.MEDIUM,
)
BOOKING_CALL_MIN = Default(
    {"kind": "lognormal", "mean": 5.8, "sd": 1.5},
    "Gong Labs, a call that books a meeting 5:50 (spread: assumption)",
    Confidence.MEDIUM,
)

# --- Inbound requests (contact-centre norms) -------------------------------------------
SERVICE_LEVEL_TARGET = Default(
    0.8, "80 % answered within the target, a contact-centre convention", Confidence.HIGH
)
ANSWER_WITHIN_MIN = Default(
    20.0 / 60.0, "80/20: answered within 20 s, a contact-centre convention", Confidence.HIGH
)

# --- The funnel ----------------------------------------------------------------------
WIN_RATE = Default(
    0.21, "HubSpot survey, 21 % of qualified opportunities won (TOPO 22 %)", Confidence.MEDIUM
)
SALES_CYCLE_DAYS = Default(30.0, "Bridge Group, SMB sales cycle about 30 days", Confidence.MEDIUM)
DEAL_VALUE = Default(
    25000.0, "Bridge Group, $25K median ACV (SaaS AE), in US dollars", Confidence.MEDIUM
)
STAGE_WORK_MIN = _assumption(60.0, "an hour of our work a stage")
ESCALATION_RATE = _assumption(0.03, "difficult clients")
AFTER_SALE_PAYMENT_CONTROL_MIN = _assumption(15.0, "following up the first invoice")
AFTER_SALE_HANDOFF_MIN = _assumption(30.0, "hand-off to delivery or onboarding")

# --- Duties (DOMAIN.md's recurring duties) ------------------------------------------------
WORK_DAY_REPORT_MIN = _assumption(10.0, "the daily work-day report (CRM logging)")
TRAINING_MIN_PER_WEEK = _assumption(60.0, "an hour's training a week")
TEAM_MEETING_MIN_PER_WEEK = _assumption(60.0, "a weekly team meeting")
COACHING_MIN_PER_REPORT_WEEK = Default(
    30.0,
    "Gartner 2019, front-line managers coach about 10 % of their time (30 min x 8 reports)",
    Confidence.MEDIUM,
)
PIPELINE_REVIEW_MIN_PER_WEEK = Default(
    180.0,
    "Gartner, front-line managers spend 30-50 % of their time in meetings",
    Confidence.MEDIUM,
)
PLANNING_MIN_PER_WEEK = _assumption(360.0, "six hours of planning a week for a head")
ESCALATION_MIN = _assumption(30.0, "half an hour a difficult client")

# --- Managers ----------------------------------------------------------------------------
REPORTS_PER_TEAM_LEAD = Default(
    8, "Bridge Group 8.1 SDRs per SDR manager (TOPO 8.7)", Confidence.MEDIUM
)
TEAM_LEAD_MAX_SPAN = Default(
    8, "Bridge Group 8.1 SDRs per SDR manager (TOPO 8.7)", Confidence.MEDIUM
)
MIDDLE_MAX_SPAN = Default(
    7, "Gartner 2019, 7 direct reports (McKinsey 2017: coach 6-7)", Confidence.HIGH
)

# --- People ---------------------------------------------------------------------------------
RAMP_PRODUCTIVITY_BY_MONTH = Default(
    [0.25, 0.5, 0.75, 1.0],
    "GitLab handbook, SDR ramp 25/50/75/100 % in months 1-4",
    Confidence.HIGH,
)
RAMP_ATTRITION_PER_YEAR = Default(
    0.25, "ContactBabel, sales staff attrition 20-35 % a year (25 % taken)", Confidence.MEDIUM
)
# Employer cost a person a month, in US dollars, by level (line, lower, middle, top).
MONTHLY_COST: dict[Level, Default[float]] = {
    Level.LINE: _assumption(6500.0, "employer cost in US dollars, base and variable"),
    Level.LOWER: _assumption(12000.0, "employer cost in US dollars"),
    Level.MIDDLE: _assumption(17000.0, "employer cost in US dollars"),
    Level.TOP: _assumption(25000.0, "employer cost in US dollars"),
}

# --- Plan and policies -------------------------------------------------------------------------
PLAN_CONFIDENCE = _assumption(0.8, "the plan is to be met four months in five")
OCCUPANCY_CAP = Default(
    0.85, "Call Centre Helper and SWPP, planning cap on occupancy 85 %", Confidence.HIGH
)
OVERTIME_MAX_MIN_PER_DAY = _assumption(30.0, "half an hour to finish started work")
