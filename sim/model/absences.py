"""Days away: vacation in one or two blocks, sick and trip days scattered.

Rates in the scenario are days a year; they are scaled to the horizon by
``sim.rules.day.horizon_years`` (the calendar's working days a year). Vacation is a
whole number of days (rounded at random so that its mean is exact), in the blocks of
``sim.rules.waits.vacation_blocks`` (the rule the lag kernel's wait for the owner reads);
sick and trip days are Poisson counts.
"""

from __future__ import annotations

import numpy as np

from sim.rules.waits import vacation_blocks
from sim.scenario.team import Absence


def _round_at_random(x: float, rng: np.random.Generator) -> int:
    whole = int(np.floor(x))
    return whole + int(rng.random() < x - whole)


def _place_block(free: np.ndarray, size: int, rng: np.random.Generator) -> list[int]:
    """Days of one contiguous block of free days, placed at random; [] when none fits."""
    days = len(free)
    starts = [s for s in range(days - size + 1) if free[s : s + size].all()]
    if not starts or size <= 0:
        return []
    start = starts[int(rng.integers(len(starts)))]
    return list(range(start, start + size))


def _scatter(free: np.ndarray, count: int, rng: np.random.Generator) -> list[int]:
    """``count`` distinct free days at random (fewer if the horizon runs out)."""
    candidates = np.flatnonzero(free)
    count = min(count, len(candidates))
    return sorted(int(d) for d in rng.choice(candidates, size=count, replace=False))


def draw_absences(
    absence: Absence, days: int, years: float, rng: np.random.Generator
) -> dict[int, str]:
    """Day index -> reason ("vacation", "sick", "trip") for one person.

    ``years`` is the horizon in years of working days: the scale of "a year" rates.
    Vacation is taken year by year (each year of the horizon its own one or two
    blocks, the last part year in proportion), so a long horizon does not gather it
    into months-long absences.
    """
    free = np.ones(days, dtype=bool)
    away: dict[int, str] = {}
    year_days = days / years if years > 0 else float(days)
    first = 0
    while first < days:
        last = min(days, round(first + year_days))
        share = (last - first) / year_days
        _vacation(absence, free=free, away=away, first=first, last=last, share=share, rng=rng)
        first = last
    for reason, rate in (("sick", absence.sick_days), ("trip", absence.trip_days)):
        count = int(rng.poisson(rate * years)) if rate > 0 else 0
        for day in _scatter(free, count, rng):
            away[day] = reason
            free[day] = False
    return away


def _vacation(
    absence: Absence,
    *,
    free: np.ndarray,
    away: dict[int, str],
    first: int,
    last: int,
    share: float,
    rng: np.random.Generator,
) -> None:
    """Place one year's vacation (``share`` of a year) in days ``first`` to ``last``."""
    vacation = _round_at_random(absence.vacation_days * share, rng)
    blocks = vacation_blocks(vacation)
    window = free[first:last]
    for size in blocks:
        for day in _place_block(window, size, rng):
            away[first + day] = "vacation"
            window[day] = False
