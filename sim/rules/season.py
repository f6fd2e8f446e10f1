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

from sim.scenario import InboundChannel, ReferralChannel, Scenario
from sim.scenario.season import SeasonKind

__all__ = ["SeasonKind", "arrivals_per_day", "day_factors", "factor", "month_factors"]


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


def arrivals_per_day(sc: Scenario, cid: str, month_index: int | None = None) -> float:
    """What arrives on channel ``cid`` by itself a working day: the one rule of the rate.

    A referral channel's leads (``leads_per_week`` over the calendar's working days a
    week), an inbound channel's requests (``requests_per_day``); 0 for a dialled channel.
    ``month_index``: the 0-based horizon month whose ``lead_volume`` factor applies; None:
    the base rate, before any seasonal factor (the simulator applies :func:`day_factors`
    day by day, the optimiser :func:`factor` of its month).
    """
    ch = sc.channels[cid]
    if isinstance(ch, ReferralChannel):
        base = ch.leads_per_week / sc.calendar.working_days_per_week
    elif isinstance(ch, InboundChannel):
        base = ch.requests_per_day
    else:
        return 0.0
    return base if month_index is None else base * factor(sc, SeasonKind.LEAD_VOLUME, month_index)
