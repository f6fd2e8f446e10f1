"""The intervals of an inbound channel's open day: the grid every report by interval reads.

Issue 13 (docs/dev/inbound_plan.md, section 3). A day's requests are counted, sized and
reported by interval of the open day: from the working day's start to its end
(``calendar.workday.start`` plus ``span_min``, lunch included), in steps of the channel's
``profile.interval_min`` when it has a profile, else :data:`INTERVAL_MIN` (half an hour,
how planners read a desk). The last interval is cut at closing when the span is not a
whole number of steps (09:00-17:30 by the hour: eight hours and a half hour).

Arrival profiles (stage S4, section 2.2): the same grid carries an inbound channel's
arrival weights by interval and its weekday factors. The simulator draws a day's count
with :func:`day_factors` and the times within the day with :func:`arrival_offsets`; the
optimiser and the reports read :func:`interval_rate`, the expectation of those draws. With
no profile requests arrive evenly over the day's working minutes
(``sim.rules.day.arrival_min_per_day``) and alike on every working day, and the simulator
makes the very same random draws as before profiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.rules.day import arrival_min_per_day, desk_open_all_day, wall_time
from sim.rules.rota import pause_rule
from sim.rules.season import SeasonKind, arrivals_per_day
from sim.rules.season import day_factors as season_day_factors
from sim.scenario import InboundChannel, Scenario
from sim.scenario.calendar import PauseRule, Weekday
from sim.scenario.market import Profile

INTERVAL_MIN = 30.0
"""The interval of a channel without a profile, minutes: the desk by half hour."""


@dataclass(frozen=True)
class Interval:
    """One interval of the open day: its index and its minutes from the day's start."""

    index: int
    lo_min: float
    hi_min: float  # exclusive; the last interval ends at closing

    @property
    def minutes(self) -> float:
        """Its length, minutes (the last one may be shorter)."""
        return self.hi_min - self.lo_min


def interval_min(sc: Scenario, cid: str) -> float:
    """The length of channel ``cid``'s intervals, minutes (its profile's, else half an hour)."""
    ch = sc.channels[cid]
    if not isinstance(ch, InboundChannel):
        raise ValueError(f"channel {cid!r} is not inbound: it has no intervals")
    profile = getattr(ch, "profile", None)  # a channel's arrival profile, when given
    return float(profile.interval_min) if profile is not None else INTERVAL_MIN


def intervals(sc: Scenario, cid: str) -> tuple[Interval, ...]:
    """The intervals of channel ``cid``'s open day, in order, covering start to closing."""
    span = sc.calendar.workday.span_min
    step = interval_min(sc, cid)
    count = max(1, math.ceil(span / step - 1e-9))
    return tuple(Interval(i, i * step, min((i + 1) * step, span)) for i in range(count))


# --- arrival profiles (stage S4) ---------------------------------------------------------

_WEEKDAY_OF = tuple(Weekday)  # by date.weekday(): Monday 0


def profile_of(sc: Scenario, cid: str) -> Profile | None:
    """The channel's arrival profile; None when it states none or is not inbound."""
    ch = sc.channels[cid]
    return ch.profile if isinstance(ch, InboundChannel) else None


def shaped(sc: Scenario, cid: str) -> bool:
    """Whether the channel's requests have a shape within the day (``profile.weights``)."""
    profile = profile_of(sc, cid)
    return profile is not None and profile.weights is not None


def by_weekday(sc: Scenario, cid: str) -> bool:
    """Whether the channel's requests differ by weekday (``profile.by_weekday``)."""
    profile = profile_of(sc, cid)
    return profile is not None and bool(profile.by_weekday)


def by_interval(sc: Scenario, cid: str) -> bool:
    """Whether channel ``cid``'s service differs between intervals of the day or weekdays.

    A shape within the day, weekday factors, or the desk's break rota: the desk is then
    sized and reported by interval (``sim.rules.service.desk_intervals``, the interval
    tables of ``teamsim plan`` and ``teamsim simulate``). False for a plain desk, alike
    all day and every day.
    """
    rota = pause_rule(sc) is PauseRule.ROTA
    return shaped(sc, cid) or by_weekday(sc, cid) or rota


def weights(sc: Scenario, cid: str) -> NDArray[np.float64]:
    """The share of a day's requests arriving in each interval of :func:`intervals`.

    ``profile.weights`` scaled to sum 1; with none, each interval's share of the day's
    minutes (even arrivals).
    """
    grid = intervals(sc, cid)
    profile = profile_of(sc, cid)
    if profile is None or profile.weights is None:
        raw = np.array([g.minutes for g in grid], dtype=float)
    else:
        raw = np.asarray(profile.weights, dtype=float)
        if raw.shape != (len(grid),):  # the scenario's checks refuse such a file
            raise ValueError(f"{cid}: expected {len(grid)} weights, got {raw.size}")
    shares: NDArray[np.float64] = raw / raw.sum()
    return shares


def arrival_offsets(sc: Scenario, cid: str, u: ArrayLike) -> NDArray[np.float64]:
    """Minutes after the day's start of requests whose uniform draws are ``u``.

    ``u`` is uniform on ``[0, arrival_min_per_day)`` (the draws the simulator makes for
    even arrivals); the result is the inverse of the profile's distribution function at
    ``u / arrival_min_per_day``: the density is constant within an interval (its weight
    over its minutes), so the inverse is linear within each. Even weights give ``u``
    back; an interval of weight 0 gets no arrival. Only for a shaped channel
    (:func:`shaped`), whose desk is open all day (the scenario's checks).
    """
    if not desk_open_all_day(sc):
        raise ValueError(f"{cid}: an arrival profile needs the desk open all day")
    grid = intervals(sc, cid)
    lo = np.array([g.lo_min for g in grid])
    width = np.array([g.minutes for g in grid])
    w = weights(sc, cid)
    cum = np.concatenate(([0.0], np.cumsum(w)))
    share = np.asarray(u, dtype=float) / arrival_min_per_day(sc)
    # The last interval with requests: a share at 1 less a rounding lands in it, never
    # past it in an empty one. Equal sums (empty intervals) are passed over by "right".
    last = int(np.flatnonzero(w > 0)[-1])
    i = np.minimum(np.searchsorted(cum, share, side="right") - 1, last)
    within = np.clip((share - cum[i]) / w[i], 0.0, 1.0)
    offsets: NDArray[np.float64] = lo[i] + within * width[i]
    return offsets


def weekday_factors(sc: Scenario, cid: str) -> dict[Weekday, float]:
    """Each working weekday's factor on the channel's daily requests, mean 1.

    ``profile.by_weekday`` (a weekday not named weighs 1) over its mean over
    ``calendar.weekdays``, so the mean working day keeps ``requests_per_day``: {mon: 1.3}
    on a Monday-to-Friday week is Monday 1.3 / 1.06 = 1.226, the other days 0.943. All 1
    with no weekday factors.
    """
    days = sc.calendar.weekdays
    profile = profile_of(sc, cid)
    stated = {} if profile is None else profile.by_weekday
    raw = [stated.get(day, 1.0) for day in days]
    mean = sum(raw) / len(raw)
    return {day: f / mean for day, f in zip(days, raw, strict=True)}


def weekday_factor(sc: Scenario, cid: str, weekday: Weekday) -> float:
    """The factor of one working weekday (:func:`weekday_factors`)."""
    factors = weekday_factors(sc, cid)
    if weekday not in factors:
        worked = ", ".join(day.value for day in factors)
        raise ValueError(f"{weekday.value} is not a working day (calendar.weekdays: {worked})")
    return factors[weekday]


def day_factors(sc: Scenario, cid: str) -> NDArray[np.float64]:
    """The factor on the channel's rate on each working day of the horizon.

    The season's ``lead_volume`` factor of the day's month (``sim.rules.season``) times
    the day's weekday factor; with no weekday factors the season's array itself, so the
    simulator's counts are drawn from the very rates they were before profiles.
    """
    season = season_day_factors(sc, SeasonKind.LEAD_VOLUME)
    profile = profile_of(sc, cid)
    if profile is None or not profile.by_weekday:
        return season
    factors = weekday_factors(sc, cid)
    by_day = np.array([factors[_WEEKDAY_OF[d.weekday()]] for d in sc.calendar.dates])
    days: NDArray[np.float64] = season * by_day
    return days


def interval_rate(
    sc: Scenario,
    cid: str,
    interval: Interval,
    weekday: Weekday | None = None,
    month: int | None = None,
) -> float:
    """Requests a minute arriving on channel ``cid`` in ``interval`` of a working day.

    ``arrivals_per_day`` (of horizon month ``month``; None: before seasonal factors) x
    the weekday's factor (None: the mean day) x the interval's share of the day
    (:func:`weights`) / the interval's minutes. With no profile, the day's requests over
    its arrival minutes (``arrival_min_per_day``): the rate whenever requests arrive.
    """
    per_day = arrivals_per_day(sc, cid, month)
    if weekday is not None:
        per_day *= weekday_factor(sc, cid, weekday)
    if not shaped(sc, cid):
        return per_day / arrival_min_per_day(sc)
    return per_day * float(weights(sc, cid)[interval.index]) / interval.minutes


def peak_interval(sc: Scenario, cid: str) -> Interval:
    """The interval with the most requests a minute (the first of equals)."""
    grid = intervals(sc, cid)
    density = weights(sc, cid) / np.array([g.minutes for g in grid])
    return grid[int(np.argmax(density))]


def interval_title(sc: Scenario, interval: Interval) -> str:
    """An interval on the wall clock: "11:00-11:30"."""
    start = sc.calendar.workday.start_min
    return f"{wall_time(start + interval.lo_min)}-{wall_time(start + interval.hi_min)}"
