"""The calendar facts of a plan: the months it counts, the design month, days a week.

Inside the optimiser everything is a rate per working day (minutes a day, dials a day,
revenue a day); weeks and months appear only at the edges, through these facts, all
read from the scenario's calendar (sim.scenario.calendar.Calendar).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.results import counted_months
from sim.rules.deals import Exposure, exposure
from sim.scenario import Scenario


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

    days_per_week: float  # Calendar.working_days_per_week
    days_per_month: float  # Calendar.working_days_per_month (an average month)
    working_days_per_year: float
    horizon_days: int
    months: tuple[MonthPlan, ...]  # the months whose results count (as the KPIs count them)
    counted: bool  # False: no whole month is counted; ``months`` are those with a counted day
    design: MonthPlan  # the month with the highest plan: the month the team is sized for
    exposure: Mapping[str, Exposure]  # per segment: support and repeat sales in the counted days
    # Share of the modelled working time that the simulated days really allowed, per
    # role (the verify loop's recalibration); 1.0 where absent.
    capacity_factor: tuple[tuple[str, float], ...] = ()

    def capacity_of(self, role: str) -> float:
        """The calibration factor on a role's planned working time."""
        return dict(self.capacity_factor).get(role, 1.0)

    @property
    def plan_per_day(self) -> float:
        """Revenue a working day that the design month needs (over an average month)."""
        return self.design.target / self.per_month

    @property
    def per_month(self) -> float:
        """Working days of an average month: a day's rate times this is a month's.

        Revenue lands at the team's steady daily rate through the pipeline (deals close
        on the client's calendar), so a month is taken as an average month of the
        calendar, not its own count of working days.
        """
        return self.days_per_month


def rates(sc: Scenario, capacity_factor: Mapping[str, float] | None = None) -> Rates:
    """The calendar facts of a scenario, with any capacity calibration per role.

    The months are those the KPIs count (whole calendar months after the warm-up,
    sim.results.counted_months); a horizon too short for one counts every month that has
    a day after the warm-up.
    """
    cal = sc.calendar
    counted = list(counted_months(sc, cal.warmup_days))
    whole = bool(counted)
    if not counted:
        counted = sorted(set(sc.months[cal.warmup_days :]))
    months = []
    for m in counted:
        year, month = sc.calendar_month(m)
        days = cal.month_working_days(year, month)
        months.append(MonthPlan(m, sc.month_label(m), sc.plan_target(m), days))
    # The team is the same every month, so it is sized for the month with the most to
    # sell (the first of them when several share the peak).
    design = max(months, key=lambda mp: mp.target)
    return Rates(
        days_per_week=cal.working_days_per_week,
        days_per_month=cal.working_days_per_month,
        working_days_per_year=cal.working_days_per_year,
        horizon_days=cal.horizon_days,
        months=tuple(months),
        counted=whole,
        design=design,
        exposure={sid: exposure(sc, sid) for sid in sc.segments},
        capacity_factor=tuple(sorted((capacity_factor or {}).items())),
    )
