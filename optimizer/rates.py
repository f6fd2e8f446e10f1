"""Calendar and people arithmetic shared by the funnel and the model.

Inside the optimiser everything is a rate per working day (minutes a day, dials a day,
revenue a day); weeks and months appear only at the edges, through these facts.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sim.scenario import Scenario
from sim.scenario.calendar import Weekday
from sim.scenario.team import Role


@dataclass(frozen=True)
class MonthPlan:
    """One calendar month of the horizon and its revenue target."""

    index: int  # 0-based month of the horizon, as in Scenario.months
    label: str  # "2027-01"
    target: float  # revenue, scenario currency
    working_days: int  # working days of the whole calendar month, not just the horizon's part


@dataclass(frozen=True)
class Rates:
    """The calendar facts that turn days into weeks, months and years."""

    days_per_week: float
    working_days_per_year: float
    horizon_days: int
    horizon_months: float  # calendar months the horizon covers (for pool refills)
    months: tuple[MonthPlan, ...]  # the months with counted (post-warm-up) days
    design: MonthPlan  # the month with the highest revenue per working day
    # Share of the modelled working time that the simulated days really allowed, per
    # role (the verify loop's recalibration); 1.0 where absent.
    capacity_factor: tuple[tuple[str, float], ...] = ()

    def capacity_of(self, role: str) -> float:
        """The calibration factor on a role's planned working time."""
        return dict(self.capacity_factor).get(role, 1.0)

    @property
    def days_per_month(self) -> float:
        """Working days of the design month."""
        return float(self.design.working_days)

    @property
    def plan_per_day(self) -> float:
        """Revenue a working day that the design month needs."""
        return self.design.target / self.design.working_days


def rates(sc: Scenario, capacity_factor: Mapping[str, float] | None = None) -> Rates:
    """The calendar facts of a scenario, with any capacity calibration per role."""
    cal = sc.calendar
    dates = cal.working_dates()
    span_days = (dates[-1] - dates[0]).days + 1
    worked = {list(Weekday).index(w) for w in cal.weekdays}
    holidays = set(cal.holidays)
    counted = sorted(set(sc.months[cal.warmup_days :]))
    first = dates[0].year * 12 + dates[0].month - 1
    months = []
    for m in counted:
        year, month0 = divmod(first + m, 12)
        days = _month_working_days(year, month0 + 1, worked, holidays)
        months.append(MonthPlan(m, f"{year:04d}-{month0 + 1:02d}", sc.plan_target(m), days))
    # The team is the same every month, so it is sized for the hardest one.
    design = max(months, key=lambda mp: mp.target / mp.working_days)
    return Rates(
        days_per_week=float(len(cal.weekdays)),
        working_days_per_year=cal.horizon_days * 365.25 / span_days,
        horizon_days=cal.horizon_days,
        horizon_months=span_days / (365.25 / 12),
        months=tuple(months),
        design=design,
        capacity_factor=tuple(sorted((capacity_factor or {}).items())),
    )


def _month_working_days(year: int, month: int, worked: set[int], holidays: set[dt.date]) -> int:
    ndays = _calendar.monthrange(year, month)[1]
    days = (dt.date(year, month, d) for d in range(1, ndays + 1))
    # A month with no working day would divide by zero; one day is the least.
    return max(1, sum(1 for d in days if d.weekday() in worked and d not in holidays))


def presence(role: Role, r: Rates) -> float:
    """Share of working days a person of the role is at work (vacation, sickness, trips)."""
    return max(0.0, 1.0 - role.absence.total_days / r.working_days_per_year)


def ramp_productivity(role: Role, headcount: float) -> float:
    """Average productivity of the role over a year, given attrition and the ramp of new hires.

    Each new hire spends the ramp months below full productivity; the loss is spread over
    the role's people, so a role of 14 replacing 3 a year loses 3/14 of the ramp's gap.
    """
    if role.ramp is None or headcount <= 0:
        return 1.0
    gap_months = sum(1.0 - p for p in role.ramp.productivity_by_month)
    loss = role.ramp.new_hires_per_year * gap_months / 12.0 / headcount
    return max(0.05, 1.0 - loss)


def ramping_productivity(role: Role) -> float:
    """Productivity of one person in the ramp, averaged over the months below full."""
    if role.ramp is None:
        return 1.0
    below = [p for p in role.ramp.productivity_by_month if p < 1.0]
    return sum(below) / len(below) if below else 1.0


def people_ramping(role: Role) -> float:
    """People of the role who are in their ramp at any time, on average."""
    if role.ramp is None:
        return 0.0
    below = sum(1 for p in role.ramp.productivity_by_month if p < 1.0)
    return role.ramp.new_hires_per_year * below / 12.0


def persona_multipliers(sc: Scenario, role_id: str) -> tuple[float, float]:
    """Mean (duration, conversion) multipliers of a role's persona mix; (1, 1) without one."""
    mix = sc.roles[role_id].personas
    if not mix:
        return 1.0, 1.0
    dur = sum(share * sc.personas[p].duration_x for p, share in mix.items())
    conv = sum(share * sc.personas[p].conversion_x for p, share in mix.items())
    return dur, conv
