"""The break rota: who of the desk's answerers pauses when (issue 13, docs/dev/inbound_plan.md 2.1).

Under ``calendar.workday.pause_rule: rota`` the people who answer inbound requests take
their lunch and breaks in turn: each pause of the rota (``workday.pauses``, or
:func:`default_pauses`) has a window cut into back-to-back slots of the pause's length,
``floor(window / minutes)`` of them, and each answerer takes one slot of every pause
(:func:`person_pauses`). Everyone else keeps the common mid-day pause of
``sim.rules.day``. Under ``together`` there is no rota: :func:`pauses` is empty.

A pause begins after the request in hand: an answerer in a call when their slot comes
finishes it first and then takes the full pause (``sim.model.worker``), so the day's
working minutes are unchanged; the shares of this module (:func:`away_share`) ignore that
shift, which is at most one handling time.

Read by the simulator (each answerer's clock, ``sim.model.people``), the desk's sizing
(``sim.rules.day.pause_gross_up``, ``sim.rules.service``), the run-time checks
(``sim.scenario.consistency``) and ``teamsim validate --summary``.
"""

from __future__ import annotations

import math

from sim.percent import format_significant
from sim.scenario import Scenario
from sim.scenario.calendar import Pause, PauseKind, PauseRule, Workday
from sim.scenario.market import InboundChannel

LUNCH_WINDOW_MIN = 180.0  # the default lunch's window, centred on the middle of the day
BREAK_WINDOW_MIN = 90.0  # each default break's window
FIRST_BREAK_AFTER_MIN = 60.0  # the first break's window opens an hour after the start
LAST_BREAK_BEFORE_MIN = 45.0  # the second break's window closes 45 minutes before closing


def _hhmm(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def pause_rule(sc: Scenario) -> PauseRule:
    """How the day's pauses are taken: ``calendar.workday.pause_rule`` when the file says.

    Left out: ``rota`` when the scenario has an inbound channel (its answerers pause in
    turn, so the desk is never empty while requests arrive; the issue-13 default for files
    that give only ``lunch_min`` and ``breaks_min``) or when ``pauses`` are written;
    ``together`` otherwise (a team with no desk keeps its common mid-day pause). Every
    reader of the rule (the simulator's clocks, arrivals, the desk's sizing, the lag kernel,
    the summary) asks here.
    """
    day = sc.calendar.workday
    if day.pause_rule is not None:
        return day.pause_rule
    desk = any(isinstance(ch, InboundChannel) for ch in sc.channels.values())
    return PauseRule.ROTA if desk or day.pauses is not None else PauseRule.TOGETHER


def stated(sc: Scenario) -> bool:
    """Whether the file states ``pause_rule`` (False: :func:`pause_rule`'s default)."""
    return sc.calendar.workday.pause_rule is not None


def pauses(sc: Scenario) -> tuple[Pause, ...]:
    """The rota's pauses: as written, the default rota when none are, empty under ``together``."""
    day = sc.calendar.workday
    if pause_rule(sc) is PauseRule.TOGETHER:
        return ()
    return tuple(day.pauses) if day.pauses is not None else default_pauses(day)


def default_pauses(workday: Workday) -> tuple[Pause, ...]:
    """The rota of a day that gives only ``lunch_min`` and ``breaks_min``.

    ``lunch_min`` as one lunch in a 3-hour window centred on the middle of the day
    (``start + span/2 +- 90 min``); ``breaks_min`` as two equal breaks, the first in the
    90 minutes from an hour after opening, the second in the 90 minutes ending 45 minutes
    before closing; ``most_away`` None. When the windows would overlap or not fit (days
    shorter than about 7 hours), the breaks join the lunch as one pause in its window.
    Windows are whole minutes (HH:MM), clipped to the day. 09:00-17:30 with lunch 30 and
    breaks 30: lunch 30 in 11:45-14:45, breaks 15 in 10:00-11:30 and 15:15-16:45.
    """
    start = workday.start_min
    end = start + workday.span_min
    mid = start + workday.span_min / 2.0
    lunch_lo = max(start, math.floor(mid - LUNCH_WINDOW_MIN / 2.0))
    lunch_hi = min(end, math.ceil(mid + LUNCH_WINDOW_MIN / 2.0))
    lunch, breaks = workday.lunch_min, workday.breaks_min
    if lunch <= 0 and breaks <= 0:
        return ()
    half = breaks / 2.0
    first = (start + FIRST_BREAK_AFTER_MIN, start + FIRST_BREAK_AFTER_MIN + BREAK_WINDOW_MIN)
    second = (end - LAST_BREAK_BEFORE_MIN - BREAK_WINDOW_MIN, end - LAST_BREAK_BEFORE_MIN)
    separate = (
        breaks > 0
        and first[1] <= lunch_lo
        and second[0] >= lunch_hi
        and half <= BREAK_WINDOW_MIN
        and lunch <= lunch_hi - lunch_lo
    )
    if not separate:
        together = lunch + breaks
        kind = PauseKind.LUNCH if lunch > 0 else PauseKind.BREAK
        lo, hi = lunch_lo, lunch_hi
        if hi - lo < together:  # a long pause on a short day: the whole day is its window
            lo, hi = start, end
        return (Pause(kind=kind, minutes=together, window=(_hhmm(lo), _hhmm(hi))),)
    found = [Pause(kind=PauseKind.BREAK, minutes=half, window=(_hhmm(first[0]), _hhmm(first[1])))]
    if lunch > 0:
        found.append(
            Pause(kind=PauseKind.LUNCH, minutes=lunch, window=(_hhmm(lunch_lo), _hhmm(lunch_hi)))
        )
    found.append(
        Pause(kind=PauseKind.BREAK, minutes=half, window=(_hhmm(second[0]), _hhmm(second[1])))
    )
    return tuple(found)


def slots(pause: Pause, workday: Workday) -> tuple[float, ...]:
    """Starts of a pause's slots, minutes from the day's start: back to back from the window's.

    ``floor(window / minutes)`` slots (at least one: a window is never shorter than its
    pause). Lunch 30 in 11:45-14:45 of a 09:00 day: 165, 195, 225, 255, 285, 315.
    """
    n = max(1, math.floor((pause.window_max - pause.window_min) / pause.minutes + 1e-9))
    first = pause.window_min - workday.start_min
    return tuple(first + k * pause.minutes for k in range(n))


def slot_of(index: int, people: int, count: int) -> int:
    """The slot the ``index``-th of ``people`` answerers takes among ``count`` slots.

    With at least as many answerers as slots, in turn (``index mod count``: the slots
    hold ``ceil(people / count)`` or one fewer each); with fewer, spread evenly over the
    window (``index x count // people``), one to a slot.
    """
    if people >= count:
        return index % count
    return index * count // people


def person_pauses(sc: Scenario, index: int, people: int) -> tuple[tuple[float, float], ...]:
    """The pauses of the ``index``-th of ``people`` answerers: (start, minutes), in day order.

    Starts are minutes from the day's start. Answerers are ranked by role in file order,
    then person index (the desk's order, ``sim.model.inbound.Desk``). Empty under
    ``together``.
    """
    day = sc.calendar.workday
    found = []
    for pause in pauses(sc):
        starts = slots(pause, day)
        found.append((starts[slot_of(index, people, len(starts))], pause.minutes))
    return tuple(sorted(found))


def away_share(sc: Scenario, people: int | None, lo_min: float, hi_min: float) -> float:
    """The time-average share of the desk's answerers on pause over ``[lo_min, hi_min)``.

    Minutes from the day's start. ``people`` answerers take their slots by
    :func:`slot_of`; ``None`` is the large desk, where each slot holds ``1 / slots`` of
    it. 0 under ``together`` (nobody answers, and nothing arrives, in the common pause).
    """
    width = hi_min - lo_min
    if width <= 0:
        raise ValueError(f"expected an interval with hi_min > lo_min, got {lo_min}-{hi_min}")
    day = sc.calendar.workday
    away = 0.0
    for pause in pauses(sc):
        starts = slots(pause, day)
        m = pause.minutes
        if people is None:
            away += sum(_overlap(s, s + m, lo_min, hi_min) for s in starts) / len(starts)
        elif people > 0:
            taken = [starts[slot_of(i, people, len(starts))] for i in range(people)]
            away += sum(_overlap(s, s + m, lo_min, hi_min) for s in taken) / people
    return away / width


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def most_away_needed(pause: Pause, workday: Workday, people: int) -> int:
    """Most answerers on the pause at once when ``people`` take its slots: ``ceil(N / slots)``."""
    return math.ceil(people / len(slots(pause, workday))) if people > 0 else 0


def describe_pauses(sc: Scenario) -> str:
    """One line on how the day's pauses are taken (``teamsim validate --summary``)."""
    day = sc.calendar.workday
    if pause_rule(sc) is PauseRule.TOGETHER:
        total = day.lunch_min + day.breaks_min
        if total <= 0:
            return "none"
        noon = day.start_min + day.available_min / 2.0
        return f"together {_hhmm(noon)}-{_hhmm(noon + total)} (pause_rule: together)"
    found = pauses(sc)
    if not found:
        return "rota, but no lunch or breaks: none"
    parts = []
    most = {p.most_away for p in found}
    same = len(most) == 1 and None not in most  # one cap for every pause: said once
    for kind in (PauseKind.LUNCH, PauseKind.BREAK):
        mine = [p for p in found if p.kind is kind]
        if not mine:
            continue
        noun = "lunch" if kind is PauseKind.LUNCH else ("break" if len(mine) == 1 else "breaks")
        each = [
            f"{format_significant(p.minutes, 6)} min in {p.window[0]}-{p.window[1]}"
            + (f" (up to {p.most_away} away)" if p.most_away and not same else "")
            for p in mine
        ]
        parts.append(f"{noun} " + " and ".join(each))
    cap = f", up to {found[0].most_away} away at once" if same else ""
    return f"rota{_origin(sc)}: " + ", ".join(parts) + cap + _joined(sc, found)


def _joined(sc: Scenario, found: tuple[Pause, ...]) -> str:
    """Said when the default rota took lunch and breaks as one pause (a short day)."""
    day = sc.calendar.workday
    if day.pauses is not None or len(found) != 1 or day.breaks_min <= 0 or day.lunch_min <= 0:
        return ""
    return (
        f" (lunch_min {format_significant(day.lunch_min, 6)} and breaks_min "
        f"{format_significant(day.breaks_min, 6)} taken as one pause: the day is too short "
        "for breaks in windows of their own; write pauses to place them)"
    )


def _origin(sc: Scenario) -> str:
    """Where a rota comes from, when the file did not write it: said in the summary."""
    if sc.calendar.workday.pauses is not None:
        return ""
    if stated(sc):
        return " (the default rota for a day that gives lunch_min and breaks_min)"
    return (
        " (the default for a desk: lunch_min and breaks_min spread over the day; "
        "pause_rule: together for one common pause)"
    )
