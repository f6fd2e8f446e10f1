"""Seasonal factors by month of the horizon and by working day: the one reading of them.

The scenario states factors by calendar month (``Scenario.seasonality``, January to
December, or one value for every month); a horizon month is mapped to its calendar month
by the project's one month rule (``Scenario.calendar_month``, the rule the sales plan is
read by), so a horizon starting in July takes July's factor in its month 0. No
seasonality, or a kind left out, is a factor of 1. Issue 12 (docs/dev/hiring_plan.md,
section 3, "seasonal factor"): the simulator's arrivals, dialer, delays and pools, the
optimiser's channel economics and the lag kernel read it here.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario
from sim.scenario.season import SeasonKind

__all__ = ["SeasonKind", "day_factors", "factor", "month_factors"]


def factor(sc: Scenario, kind: SeasonKind, month_index: int) -> float:
    """The factor of ``kind`` in the n-th (0-based) month of the horizon (1: no change).

    Month 0 is the calendar month of the first working day (``Scenario.months``); the
    factors are by calendar month, so twelve values repeat each year of the horizon.
    """
    season = sc.seasonality
    if season is None:
        return 1.0
    values = season.factors(kind)
    if len(values) == 1:
        return values[0]
    return values[sc.calendar_month(month_index)[1] - 1]


def month_factors(sc: Scenario, kind: SeasonKind) -> tuple[float, ...]:
    """The factor of ``kind`` for each month the horizon touches, month 0 first."""
    return tuple(factor(sc, kind, m) for m in range(sc.months[-1] + 1))


def day_factors(sc: Scenario, kind: SeasonKind) -> np.ndarray:
    """The factor of ``kind`` on each working day of the horizon, shape (horizon_days,).

    A day takes its month's factor (:func:`factor` of ``Scenario.months[day]``).
    """
    by_month = np.asarray(month_factors(sc, kind), dtype=float)
    days: np.ndarray = by_month[np.asarray(sc.months, dtype=int)]
    return days
