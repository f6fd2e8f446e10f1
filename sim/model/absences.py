"""Days away: vacation in one or two blocks, sick and trip days scattered; and new hires.

Rates in the scenario are days a year; they are scaled to the horizon by
``horizon_days / WORKDAYS_PER_YEAR``. Vacation is a whole number of days (rounded at
random so that its mean is exact); sick and trip days are Poisson counts.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.team import Absence, Ramp

WORKDAYS_PER_YEAR = 247.0
WORKDAYS_PER_MONTH = 21
# Vacations this long or longer are split in two blocks, as most people take them.
SPLIT_VACATION_DAYS = 10


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


def draw_absences(absence: Absence, days: int, rng: np.random.Generator) -> dict[int, str]:
    """Day index -> reason ("vacation", "sick", "trip") for one person."""
    scale = days / WORKDAYS_PER_YEAR
    free = np.ones(days, dtype=bool)
    away: dict[int, str] = {}
    vacation = _round_at_random(absence.vacation_days * scale, rng)
    blocks = [vacation // 2, vacation - vacation // 2]
    if vacation < SPLIT_VACATION_DAYS:
        blocks = [vacation]
    for size in blocks:
        for day in _place_block(free, size, rng):
            away[day] = "vacation"
            free[day] = False
    for reason, rate in (("sick", absence.sick_days), ("trip", absence.trip_days)):
        count = int(rng.poisson(rate * scale)) if rate > 0 else 0
        for day in _scatter(free, count, rng):
            away[day] = reason
            free[day] = False
    return away


def draw_hires(
    ramp: Ramp | None, headcount: int, days: int, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """(person index, day) of each replacement in a role: that seat starts its ramp again."""
    if ramp is None or ramp.new_hires_per_year <= 0 or headcount == 0:
        return []
    count = int(rng.poisson(ramp.new_hires_per_year * days / WORKDAYS_PER_YEAR))
    who = rng.integers(headcount, size=count)
    when = rng.integers(days, size=count)
    return sorted(((int(w), int(d)) for w, d in zip(who, when, strict=True)), key=lambda x: x[1])


def productivity(ramp: Ramp | None, hires: list[int], day: int) -> float:
    """Share of full productivity on ``day`` given the days the seat was (re)filled."""
    if ramp is None:
        return 1.0
    started = [h for h in hires if h <= day]
    if not started:
        return 1.0
    month = (day - started[-1]) // WORKDAYS_PER_MONTH
    shares = ramp.productivity_by_month
    return shares[month] if month < len(shares) else 1.0
