"""The clock: minutes from midnight of the calendar's first day, and the working days in it.

A working day ``d`` runs from ``starts[d]`` for ``span`` minutes. Lunch and the day's
breaks are one unavailable pause in the middle, so that a day holds exactly
``available`` working minutes: ``available/2`` before the pause and ``available/2``
after. Work is measured in working minutes and mapped to the wall clock, so a task
that runs into the pause simply resumes after it. Overtime is the stretch after the
day's end, up to the policy's cap.

Under a break rota (issue 13) each answerer of the desk has a :class:`RotaClock` of their
own: the same days, with their slots of the rota's pauses (``sim.rules.rota``) instead of
the common pause. Everyone else shares the common clock, whose one-pause arithmetic is
the fast path.
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

    def with_pauses(self, pauses: tuple[tuple[float, float], ...]) -> RotaClock:
        """A person's clock on the same days with pauses of their own (the break rota).

        ``pauses`` are ``(start, minutes)`` pairs, starts in wall minutes from the day's
        start, in order (``sim.rules.rota.person_pauses``). The day's frame (starts, ends,
        caps, available minutes) is this clock's.
        """
        return RotaClock(
            starts=self.starts,
            available=self.available,
            half=self.half,
            pause=self.pause,
            span=self.span,
            overtime=self.overtime,
            rota=pauses,
        )


class _Walls(dict[int, list[tuple[float, float]]]):
    """A rota clock's pauses by day, each day's built when first read (issue 14, L1).

    Day ``d``'s are ``(start + offset, start + offset + minutes)`` of the rota, until
    :meth:`RotaClock.hold` replaces them. Built up front they were the horizon's days
    times the desk's answerers, at set-up, most never read before the run got there.
    """

    __slots__ = ("rota", "starts")

    def __init__(self, starts: list[float], rota: tuple[tuple[float, float], ...]) -> None:
        super().__init__()
        self.starts, self.rota = starts, rota

    def __missing__(self, d: int) -> list[tuple[float, float]]:
        s = self.starts[d]
        walls = self[d] = [(s + o, s + o + m) for o, m in self.rota]
        return walls


@dataclass(frozen=True)
class RotaClock(Clock):
    """A person's working clock under a break rota: several pauses a day, each their own.

    The common clock's one-pause arithmetic stays the fast path of everyone else; this
    one walks the day's few pauses. ``walls[d]`` holds day ``d``'s pauses as wall
    ``(from, to)`` pairs, in order; :meth:`hold` moves one to after the request in hand
    (docs/dev/inbound_plan.md, section 6 item 2), so they are per day and per person.
    """

    rota: tuple[tuple[float, float], ...] = ()
    walls: _Walls = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "walls", _Walls(self.starts, self.rota))

    def after(self, d: int, t: float, work: float) -> float:
        """Wall time when ``work`` working minutes begun at ``t`` on day ``d`` are done."""
        for a, b in self.walls[d]:
            if t >= b:
                continue
            if t >= a:  # begun inside a pause: starts when it ends
                t = b
            elif t + work <= a:
                return t + work
            else:
                work -= a - t
                t = b
        return t + work

    def worked(self, d: int, t0: float, t1: float) -> float:
        """Working minutes between wall times ``t0 <= t1`` of day ``d`` (pauses excluded)."""
        out = t1 - t0
        for a, b in self.walls[d]:
            if a < t1 and b > t0:
                out -= min(t1, b) - max(t0, a)
        return out

    def wall(self, d: int, offset: float) -> float:
        """Wall time of the working minute ``offset`` (0 to ``available``) of day ``d``."""
        t = self.starts[d] + offset
        for a, b in self.walls[d]:
            if t < a:
                break
            t += b - a
        return t

    def pause_start(self, d: int) -> float:
        """Start of the person's first pause of day ``d`` (the day's end with none)."""
        walls = self.walls[d]
        return walls[0][0] if walls else self.ends[d]

    def workable(self, t: float) -> float:
        """The first working minute at or after ``t``; ``NEVER`` past the horizon.

        ``sim.rules.day.next_working_minute`` with the person's pauses: a minute inside
        one of them is its end.
        """
        d = self.day_of(t)
        if d >= 0 and t < self.ends[d]:
            for a, b in self.walls[d]:
                if a < t < b:
                    t = b
            return t
        return self.starts[d + 1] if d + 1 < self.days else NEVER

    def resume(self, d: int, t: float) -> float:
        """The end of the pause of day ``d`` that ``t`` falls in (``a <= t < b``), else ``t``."""
        for a, b in self.walls[d]:
            if a <= t < b:
                t = b
        return t

    def next_pause(self, d: int, t: float) -> float:
        """Start of the first pause of day ``d`` beginning after ``t`` (``NEVER``: none)."""
        for a, _ in self.walls[d]:
            if a > t:
                return a
        return NEVER

    def hold(self, d: int, t: float, work: float) -> None:
        """Let a request begun at ``t`` run its ``work`` minutes before the next pause.

        A pause of day ``d`` that begins inside ``(t, t + work)`` moves to begin at
        ``t + work``, keeping its length; later pauses it would now overlap move on
        behind it. The day's working minutes are unchanged (unless a pause is pushed past
        the day's end: then the minutes past the end are not a pause inside the day).
        """
        done = t + work
        walls = self.walls[d]
        for i, (a, b) in enumerate(walls):
            if t < a < done:
                moved = list(walls)
                at = done
                for j in range(i, len(moved)):
                    a, b = moved[j]
                    if a >= at:
                        break
                    moved[j] = (at, at + b - a)
                    at += b - a
                self.walls[d] = moved
                return
