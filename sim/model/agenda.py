"""Booking in-person meetings into a person's agenda, in working-minute slots.

A meeting (with its travel before and after) is booked on a day after the one it is
booked on (clients are seen by appointment, never the same day), on a day the owner
is present, at the first half-hour slot that is free from the time the stage becomes
workable (the slot is ``sim.rules.waits.slot``, which the lag kernel reads too).
Because today's agenda never changes once the day has begun, a run of calls
can stop exactly at the next meeting.
"""

from __future__ import annotations

import heapq

from sim.model.clock import NEVER
from sim.model.people import Person
from sim.model.tasks import Task
from sim.model.world import World
from sim.rules.waits import slot


def _free_offset(booked: list[tuple[float, float]], lo: float, length: float) -> float:
    """First slot at or after ``lo`` where ``length`` minutes overlap no booking."""
    o = slot(lo)
    for b0, b1 in sorted(booked):
        if o + length <= b0:
            break
        if o < b1:
            o = slot(b1)
    return o


def book(w: World, p: Person, due: float, task: Task) -> float:
    """Put a meeting in ``p``'s agenda at the first free slot from ``due``; its start."""
    clock = p.clock  # the owner's working minutes (their own pauses under a rota)
    length = min(task.minutes, clock.available)
    due_day = w.day_for(due)
    for d in range(max(clock.day_of(w.env.now) + 1, due_day), clock.days):
        if d in p.absent:
            continue
        lo = clock.offset(d, due) if d == due_day else 0.0
        booked = p.booked.setdefault(d, [])
        o = _free_offset(booked, lo, length)
        if o + length <= clock.available + 1e-9:
            booked.append((o, o + length))
            start = clock.wall(d, o)
            heapq.heappush(p.agenda, (start, w.seq(), task))
            return start
    return NEVER
