"""The working day and the days at work: minutes available, the pause, presence.

Both engines read these: the simulator lays its clock out with them, the optimiser
plans capacity with them, the reports divide by them.

The wall clock counts minutes from midnight of ``calendar.start``. A working day ``d``
starts at ``day_starts(sc)[d]`` and runs ``span_min`` wall minutes: ``morning_min``
working minutes, the common pause of ``pause_min``, then the rest of ``available_min``.
``next_working_minute`` is the one rule of where a wall-clock instant lands on that clock
(the simulator's ``Clock.workable`` and ``Clock.after_days``, the lag kernel
``sim.rules.lag``). Under ``pause_rule: rota`` the desk's answerers pause in turn instead
(``sim.rules.rota``, a person's ``sim.model.clock.RotaClock``); everyone else keeps the
common pause.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from sim.errors import TeamsimError
from sim.rules.rota import away_share, pause_rule
from sim.scenario import Scenario
from sim.scenario.calendar import PauseRule
from sim.scenario.team import Role

DAY_MIN = 1440.0  # wall minutes in a calendar day


def available_min(sc: Scenario) -> float:
    """Working minutes a day at work: hours less breaks (lunch is outside the hours)."""
    return sc.calendar.workday.available_min


def pause_min(sc: Scenario) -> float:
    """Minutes of the midday pause: lunch and the day's breaks, taken together by everyone."""
    day = sc.calendar.workday
    return day.lunch_min + day.breaks_min


def morning_min(sc: Scenario) -> float:
    """Working minutes of a day before the common pause: half of ``available_min``.

    The pause sits in the middle of the working minutes, so a day is ``available/2``
    working minutes, the pause, then ``available/2`` more.
    """
    return available_min(sc) / 2.0


def day_starts(sc: Scenario) -> list[float]:
    """Wall minute at which each working day of the horizon starts, one per working day.

    Minutes from midnight of ``calendar.start``: ``calendar days since the start x 1440 +
    the day's start time``. Length ``calendar.horizon_days``, increasing.
    """
    cal = sc.calendar
    first = cal.workday.start_min
    return [(d - cal.start).days * DAY_MIN + first for d in cal.dates]


def next_working_minute(
    t: float, starts: Sequence[float], *, span: float, half: float, pause: float
) -> float:
    """The first working minute at or after wall minute ``t``; ``math.inf`` past the horizon.

    ``starts`` are the working days' starts on the wall clock (``day_starts``), each day
    ``span`` wall minutes long with a pause of ``pause`` minutes after ``half`` working
    minutes (``morning_min``). A minute inside a working day's hours is itself, one inside
    the pause is the pause's end, one before a day's start or after its end is the next
    working day's start. This is where a calendar delay ends: a client answering on a
    Sunday, or at 20:00, is worked at the next working minute.
    """
    d = bisect.bisect_right(starts, t) - 1
    if d >= 0:
        start = starts[d]
        if t < start + span:
            noon = start + half
            return noon + pause if noon < t < noon + pause else t
    return starts[d + 1] if d + 1 < len(starts) else math.inf


def arrival_min_per_day(sc: Scenario) -> float:
    """Minutes of a working day over which inbound requests and referrals arrive.

    Under ``pause_rule: together`` requests arrive over the working minutes only (none in
    the common pause), so a day's requests spread over ``available_min``: 600 a day over
    450 minutes is 1.33 a minute. Under a rota the desk is open all day and they arrive
    over the whole span, pauses included (``span_min``: 510 minutes on 09:00-17:30).
    """
    day = sc.calendar.workday
    if pause_rule(sc) is PauseRule.ROTA:
        return day.span_min
    return available_min(sc)


GRID_MIN = 30.0  # the intervals over which the rota's share away is averaged


def pause_gross_up(sc: Scenario, interval: tuple[float, float] | None = None) -> float:
    """Agents on shift per agent present at the minutes requests arrive, for the pause.

    Under ``together`` everyone pauses at once and no request arrives then, so the pause
    takes no agent away from a minute when requests arrive: 1.0. Under a rota it is
    ``1 / (1 - away share)`` of ``interval`` (minutes from the day's start) or, with none
    given, of the half-hour with the most of the desk away (``sim.rules.rota.away_share``
    of a large desk, half-hours from the day's start): 1.2 when a sixth of the desk is at
    lunch. Raises TeamsimError when the rota leaves nobody at the desk in some half-hour.
    """
    if pause_rule(sc) is PauseRule.TOGETHER:
        return 1.0
    if interval is not None:
        worst, when = away_share(sc, None, *interval), interval[0]
    else:
        worst, when = _most_away(sc)
    if worst >= 1.0 - 1e-9:
        at = sc.calendar.workday.start_min + when
        raise TeamsimError(
            f"the break rota leaves nobody at the desk from {int(at // 60):02d}:"
            f"{int(at % 60):02d}: widen calendar.workday.pauses' windows so that the "
            "slots spread the desk"
        )
    return 1.0 / (1.0 - worst)


def _most_away(sc: Scenario) -> tuple[float, float]:
    """The largest share of a large desk away in a half-hour, and when that half-hour starts."""
    span = sc.calendar.workday.span_min
    worst, when, lo = 0.0, 0.0, 0.0
    while lo < span - 1e-9:
        share = away_share(sc, None, lo, min(lo + GRID_MIN, span))
        if share > worst + 1e-12:
            worst, when = share, lo
        lo += GRID_MIN
    return worst, when


def desk_open_all_day(sc: Scenario) -> bool:
    """Whether requests arrive through the whole day, from its start to its end.

    That is, whether :func:`arrival_min_per_day` is the day's whole span: not while
    everyone pauses together (requests then arrive around the common pause), yes when
    the day has no pause, and yes whenever the arrival minutes are the open span (as
    under a rota of pauses taken in turn, issue 13 stage S3). An arrival profile by
    interval of the day spreads requests over the whole day, so it needs this (the
    scenario's checks, ``sim.rules.profile.arrival_offsets``).
    """
    return arrival_min_per_day(sc) >= sc.calendar.workday.span_min


def common_pause_wall(sc: Scenario) -> tuple[float, float]:
    """The common pause as wall minutes after midnight: (from, to), e.g. (765.0, 825.0).

    ``morning_min`` working minutes after the day's start, ``pause_min`` long.
    """
    begin = sc.calendar.workday.start_min + morning_min(sc)
    return begin, begin + pause_min(sc)


def wall_time(minute: float) -> str:
    """A minute after midnight as the time of day, HH:MM (rounded down): 765 is "12:45"."""
    whole = int(minute) % int(DAY_MIN)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def presence(role: Role, sc: Scenario) -> float:
    """Share of working days a person of the role is at work (vacation, sickness, trips).

    ``1 - days away a year / working days a year``: 27.8 days away in a 252.4-day year
    leave 0.89. The simulator draws exactly that many days away on average.
    """
    return present_share(role.absence.total_days, sc)


def present_share(days_away_a_year: float, sc: Scenario) -> float:
    """Share of the calendar's working days at work for so many days away a year.

    The rule of :func:`presence` for any count of days away (one person's, from a team
    file): ``max(0, 1 - days_away_a_year / calendar.working_days_per_year)``.
    """
    return max(0.0, 1.0 - days_away_a_year / sc.calendar.working_days_per_year)


def horizon_years(sc: Scenario) -> float:
    """The horizon in years of working days: scales "a year" rates to the horizon."""
    return sc.calendar.horizon_days / sc.calendar.working_days_per_year
