"""The clock: minutes from midnight of the calendar's first day, and the working days in it.

A working day ``d`` runs from ``starts[d]`` for ``span`` minutes. Lunch and the day's
breaks are one unavailable pause in the middle, so that a day holds exactly
``available`` working minutes: ``available/2`` before the pause and ``available/2``
after. Work is measured in working minutes and mapped to the wall clock, so a task
that runs into the pause simply resumes after it. Overtime is the stretch after the
day's end, up to the policy's cap.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from sim.rules.day import (
    DAY_MIN,
    available_min,
    day_starts,
    morning_min,
    next_working_minute,
    pause_min,
)
from sim.scenario import Scenario

NEVER = math.inf


@dataclass(frozen=True)
class Clock:
    """Working days on the wall clock; every method takes and returns wall minutes."""

    starts: list[float]
    available: float
    half: float
    pause: float
    span: float
    overtime: float
    # Per day, precomputed (the hot paths look them up hundreds of thousands of times):
    # the day's end, the start of its pause, and the latest any work may end.
    ends: list[float] = field(init=False, repr=False, compare=False)
    noons: list[float] = field(init=False, repr=False, compare=False)
    caps: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ends = [s + self.span for s in self.starts]
        object.__setattr__(self, "ends", ends)
        object.__setattr__(self, "noons", [s + self.half for s in self.starts])
        object.__setattr__(self, "caps", [e + self.overtime for e in ends])

    @classmethod
    def of(cls, scenario: Scenario) -> Clock:
        """The clock of a scenario's calendar and policies."""
        return cls(
            starts=day_starts(scenario),
            available=available_min(scenario),
            half=morning_min(scenario),
            pause=pause_min(scenario),
            span=scenario.calendar.workday.span_min,
            overtime=scenario.policies.overtime_max_min_per_day,
        )

    @property
    def days(self) -> int:
        """Number of working days in the horizon."""
        return len(self.starts)

    @property
    def horizon(self) -> float:
        """End of the last working day plus the overtime allowed: nothing happens after."""
        return self.end(self.days - 1) + self.overtime

    def end(self, d: int) -> float:
        """End of working day ``d`` (before overtime)."""
        return self.ends[d]

    def pause_start(self, d: int) -> float:
        """Start of the midday pause of day ``d``."""
        return self.noons[d]

    def after(self, d: int, t: float, work: float) -> float:
        """Wall time when ``work`` working minutes begun at ``t`` on day ``d`` are done."""
        noon = self.noons[d]
        if t < noon:
            return t + work if t + work <= noon else t + work + self.pause
        # Work begun inside the pause starts when the pause ends.
        return max(t, noon + self.pause) + work

    def worked(self, d: int, t0: float, t1: float) -> float:
        """Working minutes between wall times ``t0 <= t1`` of day ``d`` (pause excluded)."""
        noon = self.noons[d]
        if t1 <= noon:  # the same as below, without the min and max calls
            return t1 - t0 - 0.0
        overlap = min(t1, noon + self.pause) - max(t0, noon)
        return t1 - t0 - max(0.0, overlap)

    def wall(self, d: int, offset: float) -> float:
        """Wall time of the working minute ``offset`` (0 to ``available``) of day ``d``."""
        if offset < self.half:
            return self.starts[d] + offset
        return self.starts[d] + offset + self.pause

    def offset(self, d: int, t: float) -> float:
        """Working minutes of day ``d`` before wall time ``t`` (0 to ``available``)."""
        t = min(max(t, self.starts[d]), self.end(d))
        return self.worked(d, self.starts[d], t)

    def day_of(self, t: float) -> int:
        """The working day that has started last at ``t`` (-1 before the first)."""
        return bisect.bisect_right(self.starts, t) - 1

    def workable(self, t: float) -> float:
        """The first working minute at or after ``t``; ``NEVER`` past the horizon.

        The rule is ``sim.rules.day.next_working_minute``, which the lag kernel reads too.
        """
        return next_working_minute(t, self.starts, span=self.span, half=self.half, pause=self.pause)

    def after_days(self, t: float, days: float) -> float:
        """First working minute once ``days`` of the client's calendar days have passed."""
        return self.workable(t + days * DAY_MIN)
