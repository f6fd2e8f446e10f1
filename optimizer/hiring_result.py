"""What a hiring plan answers: the calendar, its months, its roles by month, its limits.

Issue 12, stage S13 (docs/dev/hiring_plan.md, sections 5.1, 5.2 "Extraction" and 7.1
"JSON"). Frozen records, filled by optimizer.hiring (a plan) and optimizer.hiring_value
(a calendar evaluated); ``to_dict`` gives plain, JSON-strict types (no NaN, no tuples as
keys), the keys of section 7.1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HiringLimit:
    """A limit with no room left, in the months where it binds."""

    family: str  # plan, budget, capacity, calls_cap, headcount_max, ramp, span, pool, ...
    subject: str  # the role, channel, or "plan" / "budget" / a year
    months: tuple[str, ...]  # month labels where it binds
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Plain types."""
        return {
            "family": self.family,
            "subject": self.subject,
            "months": list(self.months),
            "text": self.text,
        }


@dataclass(frozen=True)
class Delay:
    """What one person of a calendar line starting a month later changes.

    ``revenue`` and ``margin``: closed in the counted months, lost (margin None when no
    segment states ``gross_margin``); ``saving``: the team cost saved (that person's pay
    for the month); ``short``: counted months whose plan the calendar meets and the
    delayed one no longer does. Each calendar is evaluated at its own ramp shares, with
    the most revenue (margin) its team can close (optimizer.hiring_value).
    """

    revenue: float
    margin: float | None
    saving: float
    short: tuple[str, ...] = ()


@dataclass(frozen=True)
class HireLine:
    """People of one role starting in one month: a line of the hiring calendar."""

    role: str
    title: str
    level: str
    month: str  # "2027-03"
    start: str  # ISO date of the month's hire date
    count: int
    text: str  # "hire 3 client managers to start by 1 March 2027"
    delay: Delay | None = None  # None: not evaluated, or a month later breaks a limit
    delay_unit: str = "revenue"  # what delay_cost is in: "revenue" or "margin"
    payback_month: str | None = None  # None: not within the horizon (or not appraised)
    appraised: bool = False  # delay and payback evaluated (plan_hiring(appraise=True))

    @property
    def delay_cost(self) -> float | None:
        """Revenue (margin, under a margin objective) lost if one of them starts a month later."""
        if self.delay is None:
            return None
        return self.delay.margin if self.delay_unit == "margin" else self.delay.revenue

    def to_dict(self, currency: str = "") -> dict[str, Any]:
        """Plain types: section 7.1's ``calendar`` entry."""
        d = self.delay
        return {
            "role": self.role,
            "title": self.title,
            "level": self.level,
            "count": self.count,
            "start": self.start,
            "month": self.month,
            "text": self.text,
            "delay_cost": _num(self.delay_cost),
            "delay_cost_unit": f"{currency} of {self.delay_unit}".strip(),
            "delay_revenue": None if d is None else _num(d.revenue),
            "delay_margin": None if d is None else _num(d.margin),
            "delay_saving": None if d is None else _num(d.saving),
            "delay_short_months": [] if d is None else list(d.short),
            "payback_month": self.payback_month,
            "appraised": self.appraised,
        }


@dataclass(frozen=True)
class MonthLine:
    """One month of the horizon under a calendar.

    ``plan`` and ``attainment`` are None for a month that is not counted (the lead-in);
    ``margin`` None when no segment states ``gross_margin``. ``plan`` is the scenario's
    (``Scenario.plan_target``); ``sized_for`` the plan the calendar was sized for when the
    verify loop raised it by a margin (None otherwise), so that a head reads the plan as
    theirs and the margin apart (issue 11's rule for plain plan's header).
    """

    index: int
    label: str
    counted: bool
    plan: float | None
    revenue: float
    margin: float | None
    cost: float
    sized_for: float | None = None

    @property
    def attainment(self) -> float | None:
        """Expected revenue over the plan (None when not counted or the plan is 0)."""
        if self.plan is None or self.plan <= 0:
            return None
        return self.revenue / self.plan

    def to_dict(self) -> dict[str, Any]:
        """Plain types: section 7.1's ``months`` entry."""
        return {
            "month": self.index,
            "label": self.label,
            "counted": self.counted,
            "plan": _num(self.plan),
            "sized_for": _num(self.sized_for),
            "expected_revenue": _num(self.revenue),
            "expected_margin": _num(self.margin),
            "expected_attainment": _num(self.attainment),
            "cost": _num(self.cost),
        }


@dataclass(frozen=True)
class RoleMonthLine:
    """A role in a month: its seats and their ramp (sim.rules.staffing.role_month), its hours.

    ``seats``, ``ramping``, ``ramped`` and ``productive`` are means over the month's
    working days (before attrition); ``present`` the seats expected at work (seats x the
    share of the time a seat is filled x presence); ``capacity_hours`` and
    ``busy_hours`` the month's total; ``backfills`` the expected replacements of random
    leavers.
    """

    role: str
    index: int
    label: str
    seats: float
    present: float
    hires: int
    ramping: float
    ramped: float
    productive: float
    capacity_hours: float
    busy_hours: float
    backfills: float

    @property
    def utilisation(self) -> float | None:
        """Busy over capacity (None with no capacity)."""
        return self.busy_hours / self.capacity_hours if self.capacity_hours > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """Plain types: section 7.1's ``role_months`` entry."""
        return {
            "role": self.role,
            "month": self.index,
            "label": self.label,
            "seats": _num(self.seats),
            "present": _num(self.present),
            "hires": self.hires,
            "ramping": _num(self.ramping),
            "ramped": _num(self.ramped),
            "productive": _num(self.productive),
            "capacity_hours": _num(self.capacity_hours),
            "busy_hours": _num(self.busy_hours),
            "utilisation": _num(self.utilisation),
            "backfills": _num(self.backfills),
        }


@dataclass(frozen=True)
class CalendarValue:
    """A given calendar evaluated (optimizer.hiring_value.evaluate_calendar).

    ``hires``: (role, month label) -> people. ``months``: each month's plan, revenue,
    margin and cost, the revenue the most (``objective`` "revenue") or the margin the
    most ("margin") the calendar's team can close in the counted months, at the
    calendar's own ramp shares.
    """

    hires: dict[tuple[str, str], int]
    months: tuple[MonthLine, ...]
    objective: str
    currency: str = ""

    @property
    def revenue(self) -> dict[str, float]:
        """Month label -> expected revenue closed in it."""
        return {m.label: m.revenue for m in self.months}

    @property
    def cost(self) -> dict[str, float]:
        """Month label -> the team's cost."""
        return {m.label: m.cost for m in self.months}

    @property
    def counted_revenue(self) -> float:
        """Revenue closed in the counted months."""
        return sum(m.revenue for m in self.months if m.counted)

    @property
    def counted_margin(self) -> float | None:
        """Gross margin closed in the counted months (None when no segment states one)."""
        if any(m.margin is None for m in self.months):
            return None
        return sum(m.margin or 0.0 for m in self.months if m.counted)

    @property
    def total_cost(self) -> float:
        """The team's cost over the horizon."""
        return sum(m.cost for m in self.months)

    @property
    def short(self) -> tuple[str, ...]:
        """Counted months whose plan the calendar's team cannot reach."""
        return tuple(
            m.label
            for m in self.months
            if m.counted and m.plan is not None and m.revenue < m.plan * (1 - 1e-6)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain types, JSON-strict."""
        return {
            "objective": self.objective,
            "currency": self.currency,
            "hires": _hires(self.hires),
            "months": [m.to_dict() for m in self.months],
            "counted_revenue": _num(self.counted_revenue),
            "counted_margin": _num(self.counted_margin),
            "total_cost": _num(self.total_cost),
            "short_months": list(self.short),
        }


@dataclass(frozen=True)
class HiringPlan:
    """A hiring calendar and what it gives month by month.

    ``hires``: (role, month label) -> people starting on that month's hire date (only
    months with a hire). ``headcount``: (role, month label) -> people in seat, a mean over
    the month's working days in the horizon. ``revenue``, ``margin`` and ``cost``: month
    label -> expected revenue and gross margin closed in the month and the team's cost
    (scenario currency). ``plan``: the counted months' revenue plans. ``rounds``: solves
    of the fixed point. ``limits``: what binds, by month. ``calendar``: the hires as
    lines, with what a month's delay costs and when the line's last person pays back;
    ``month_lines`` and ``role_months``: the tables of section 7.1.
    """

    months: tuple[str, ...]
    hires: dict[tuple[str, str], int]
    headcount: dict[tuple[str, str], float]
    revenue: dict[str, float]
    cost: dict[str, float]
    plan: dict[str, float]
    hire_dates: dict[str, str]  # month label -> ISO date a hire of that month starts
    solver: str
    notes: tuple[str, ...] = ()
    margin: dict[str, float] | None = None
    objective: str = "cost"
    budget: float | None = None
    budget_period: str = "month"
    rounds: int = 1
    limits: tuple[HiringLimit, ...] = ()
    calendar: tuple[HireLine, ...] = ()
    month_lines: tuple[MonthLine, ...] = ()
    role_months: tuple[RoleMonthLine, ...] = ()
    scenario: str = ""
    currency: str = ""

    @property
    def total_cost(self) -> float:
        """The team's cost over the horizon."""
        return sum(self.cost.values())

    @property
    def counted_revenue(self) -> float:
        """Expected revenue closed in the counted months (what the revenue objective maximises)."""
        return sum(self.revenue[m] for m in self.plan)

    def hires_of(self, role: str) -> dict[str, int]:
        """A role's hires by month label."""
        return {m: n for (r, m), n in self.hires.items() if r == role}

    def line(self, role: str, month: str) -> HireLine:
        """The calendar line of a role and month label (KeyError when there is none)."""
        for found in self.calendar:
            if (found.role, found.month) == (role, month):
                return found
        raise KeyError(f"no hire of {role} in {month}")

    def to_dict(self) -> dict[str, Any]:
        """Plain types, JSON-strict (``json.dumps(..., allow_nan=False)``): section 7.1's keys."""
        return {
            "scenario": self.scenario,
            "mode": "hiring",
            "objective": self.objective,
            "solver": self.solver,
            "currency": self.currency,
            "budget": _num(self.budget),
            "budget_period": self.budget_period,
            "rounds": self.rounds,
            "total_cost": _num(self.total_cost),
            "counted_revenue": _num(self.counted_revenue),
            "calendar": [line.to_dict(self.currency) for line in self.calendar],
            "months": [m.to_dict() for m in self.month_lines],
            "role_months": [r.to_dict() for r in self.role_months],
            "limits": [lim.to_dict() for lim in self.limits],
            "notes": list(self.notes),
        }


def _num(x: float | None) -> float | None:
    """A finite float, or None (JSON has no NaN nor infinity)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _hires(hires: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    return [{"role": r, "month": m, "count": int(n)} for (r, m), n in sorted(hires.items())]
