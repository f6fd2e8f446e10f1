"""The per-month facts of a hiring plan, all read from the one home of each rule.

Issue 12, stage S11 (docs/dev/hiring_plan.md, sections 5.1 and 5.2). Months ``t = 0..T-1``
are every calendar month the horizon touches (``Scenario.months``), partial first and
last included, since the months before a counted one are where its revenue is prepared.

- seats, ramp and attrition: ``sim.rules.staffing`` (``role_month`` for the people in
  seat without any hire, ``month_productivity`` for a hire's ramp share by tenure,
  ``in_seat_share`` and ``attrition_productivity`` for the expected attrition);
- the sales plan and counted months: ``Scenario.plan_target``, ``sim.results.counted_months``;
- the lag from a lead to its work and its close: ``sim.rules.lag.stage_months``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.results import counted_months
from sim.rules.lag import stage_months
from sim.rules.staffing import (
    at_work_share,
    attrition_productivity,
    days_of_month,
    hire_date,
    in_seat_share,
    month_productivity,
    role_month,
)
from sim.scenario import Scenario


@dataclass(frozen=True)
class HireMonth:
    """One month of the horizon as the hiring model sees it."""

    index: int  # 0-based, as in Scenario.months
    label: str  # "2027-03"
    days: int  # D_t: working days of the month inside the horizon
    month_days: int  # working days of the whole calendar month (a partial month pays pro rata)
    counted: bool  # whether the month's plan is a row (sim.results.counted_months)
    target: float  # the month's revenue plan, scenario currency
    hire_date: dt.date  # the day a hire of this month starts (staffing.hire_date)


@dataclass(frozen=True)
class RoleRates:
    """A role's seats and ramp by month, with no hire (B, Pi0) and per hire month (rho)."""

    seats: tuple[float, ...]  # B_t: people in seat, mean over the month's working days
    productive: tuple[float, ...]  # Pi0_t: their summed ramp shares
    ramp: tuple[tuple[float, ...], ...]  # rho[k][t]: ramp share in t of a hire of month k
    in_seat: float  # phi: share of the time a seat is occupied (vacancies)
    at_work: float  # phi x presence: share of a seat's working days at work
    attrition: float  # alpha: a person in seat's share of output under attrition


@dataclass(frozen=True)
class Kernel:
    """A segment's lag, by month of creation t' (rows) and month t (columns)."""

    close: NDArray[np.float64]  # (T, T): share of leads that close in t
    work: NDArray[np.float64]  # (T, T): share of a lead's work done in t (stage-weighted)
    # After the close (stage S16): won clients supported in t, and the client's repeat sale.
    supported: NDArray[np.float64]  # (T, T): share closed before a day of t, mean over its days
    repeat_work: NDArray[np.float64]  # (T, T): share of a repeat's work done in t (as work)
    repeat_close: NDArray[np.float64]  # (T, T): share whose repeat closes in t
    repeat_supported: NDArray[np.float64]  # (T, T): share whose repeat closed before a day of t


@dataclass(frozen=True)
class HiringRates:
    """Everything the hiring model reads by month (section 5.1 of the design)."""

    months: tuple[HireMonth, ...]
    roles: dict[str, RoleRates]
    kernels: dict[str, Kernel]

    @property
    def counted(self) -> tuple[HireMonth, ...]:
        """The months whose plan is a row."""
        return tuple(m for m in self.months if m.counted)


def kernel(sc: Scenario, segment_id: str, extra_days: float = 0.0) -> Kernel:
    """The close kernel of a segment and its work kernel, stages weighted by work minutes.

    A lead's minutes are spread over the months where its stages' work starts
    (``stage_months(...).work``), each stage by its share of the expected work minutes;
    a segment without work minutes spreads them by the close.
    """
    found = stage_months(sc, segment_id, extra_days)
    weights = np.array([s.work_min.expected_value() for s in sc.segments[segment_id].stages])
    if weights.sum() > 0:
        work = np.tensordot(weights / weights.sum(), found.work, axes=1)
        again = np.tensordot(weights / weights.sum(), found.repeat_work, axes=1)
    else:
        work, again = found.close, found.repeat_close
    return Kernel(
        close=found.close,
        work=work,
        supported=found.supported,
        repeat_work=again,
        repeat_close=found.repeat_close,
        repeat_supported=found.repeat_supported,
    )


def role_rates(sc: Scenario, role_id: str, months: int) -> RoleRates:
    """A role's seats and ramp by month (sim.rules.staffing), for ``months`` months."""
    now = sc.roles[role_id].headcount.current
    rosters = [role_month(sc, role_id, t) for t in range(months)]
    cal = sc.calendar
    starts = [cal.day_index(hire_date(sc, k)) for k in range(months)]
    ramp = tuple(
        tuple(
            month_productivity(sc, role_id, starts[k], t) if t >= k else 0.0 for t in range(months)
        )
        for k in range(months)
    )
    return RoleRates(
        seats=tuple(m.in_seat for m in rosters),
        productive=tuple(m.productive for m in rosters),
        ramp=ramp,
        in_seat=in_seat_share(sc, role_id, max(now, 1)),
        at_work=at_work_share(sc, role_id, max(now, 1)),
        attrition=attrition_productivity(sc, role_id, max(now, 1)),
    )


def hiring_rates(
    sc: Scenario,
    *,
    margins: Mapping[int, float] | None = None,
    lag_extra_days: Mapping[str, float] | None = None,
) -> HiringRates:
    """The per-month facts of a scenario's hiring plan.

    Args:
        sc: The scenario.
        margins: The verify loop's plan factor by month index (stage S14): a counted
            month's target is its plan times it; 1 where absent.
        lag_extra_days: The verify loop's lag correction by segment, calendar days a lead
            waits for its owner on top of the client's delays (``stage_months``); 0 where
            absent.

    Raises:
        ValueError: A margin of a month that is not counted or not above 0, or a lag
            correction of an unknown segment.
    """
    n = sc.months[-1] + 1
    counted = set(counted_months(sc, sc.calendar.warmup_days))
    if not counted:
        # A horizon too short for a whole month counts every month with a day after the
        # warm-up, as plain plan does (optimizer.rates).
        counted = set(sc.months[sc.calendar.warmup_days :])
    raised = dict(margins or {})
    extra = dict(lag_extra_days or {})
    _check_corrections(sc, counted, raised, extra)
    months = []
    for t in range(n):
        year, month = sc.calendar_month(t)
        months.append(
            HireMonth(
                index=t,
                label=sc.month_label(t),
                days=len(days_of_month(sc, t)),
                month_days=sc.calendar.month_working_days(year, month),
                counted=t in counted,
                target=sc.plan_target(t) * raised.get(t, 1.0),
                hire_date=hire_date(sc, t),
            )
        )
    return HiringRates(
        months=tuple(months),
        roles={rid: role_rates(sc, rid, n) for rid in sc.roles},
        kernels={sid: kernel(sc, sid, extra.get(sid, 0.0)) for sid in sc.segments},
    )


def _check_corrections(
    sc: Scenario, counted: set[int], margins: dict[int, float], extra: dict[str, float]
) -> None:
    for t, factor in margins.items():
        if t not in counted or not factor > 0:
            raise ValueError(
                f"margins[{t}] must be a counted month's plan factor above 0, got {factor}"
            )
    for sid in extra:
        if sid not in sc.segments:
            raise ValueError(f"lag_extra_days names no segment {sid!r}")
