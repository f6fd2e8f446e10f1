"""The intervals of an inbound channel's open day: the grid every report by interval reads.

Issue 13 (docs/dev/inbound_plan.md, section 3). A day's requests are counted, sized and
reported by interval of the open day: from the working day's start to its end
(``calendar.workday.start`` plus ``span_min``, lunch included), in steps of the channel's
``profile.interval_min`` when it has a profile, else :data:`INTERVAL_MIN` (half an hour,
how planners read a desk). The last interval is cut at closing when the span is not a
whole number of steps (09:00-17:30 by the hour: eight hours and a half hour).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario import InboundChannel, Scenario

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
