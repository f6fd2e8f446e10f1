"""Attrition: people who leave at random, each seat empty until its replacement starts.

Issue 12, stage S6 (docs/dev/hiring_plan.md, section 4 item 2). The rule is
:mod:`sim.rules.staffing`: a person in seat leaves at ``leave_rate_per_day`` a working day
(``leavers_per_year`` of the role, spread over its people in seat now); the seat then
stays empty ``fill_days`` working days, and the replacement starts the ramp again
(tenure 0). A seat is thus a renewal process: in seat ``1 / lambda`` days on average,
then empty ``v``, occupied ``in_seat_share = 1 / (1 + lambda v)`` of the time.

One draw path. Candidate leaves are a Poisson process over a group of seats (uniform
seat, uniform day); a candidate falling on a day its seat is not held (during a
vacancy, before its holder's start, after a planned last day) is dropped. Dropping the
points of a Poisson process where a seat is empty leaves, by memorylessness, exactly the
renewal process above. With no vacancy nothing is dropped that matters, so the people in
seat now, one group keyed by the role as the older role-level replacements were
(``Purpose.RAMP``), draw to the bit as before; each joiner is a group of its own
(``Purpose.ATTRITION``, keyed by role and seat index), so adding a joiner leaves
everyone else's draws as they were (common random numbers).

Days are working-day indices (negative before the horizon). A leave on day ``e`` is the
leaver's first day out; the replacement starts on ``e + v`` (``v`` a whole number of days
drawn so that its mean is ``fill_days``). With ``v = 0`` the replacement starts the same
day and the seat keeps its open deals; with ``v > 0`` the seat is out of seat from ``e``
and its deals pass to a successor (``sim.model.handover.hand_over``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Held:
    """When a seat has a holder who may leave: from ``first`` to ``last`` (None: stays).

    ``first`` is None for a seat held since before any draw (a person in seat now with
    no start date): every candidate from the draws' first day on counts.
    """

    first: int | None
    last: int | None


Leave = tuple[int, int]  # (leaver's first day out, replacement's first day in seat)


def draw_leaves(
    seats: Sequence[Held],
    per_year: float,
    *,
    first: int,
    last: int,
    days_per_year: float,
    fill_days: float,
    in_seat: float = 1.0,
    rng: np.random.Generator,
) -> list[list[Leave]]:
    """Each seat's leaves, in day order, for a group of seats sharing one stream.

    ``per_year`` leavers a year come over the group's seats (Poisson; ``days_per_year``
    working days a year) on days ``first`` to ``last - 1``, each on a uniform seat and
    day; ``first`` lies before the horizon by the ramp and the vacancy, so that the team
    starts in the steady state (some seats mid-ramp or empty on day 0). A vacancy lasts
    ``fill_days`` on average: its whole part, plus one day with the probability of its
    fraction.

    A seat held since before the draws (``Held.first`` None) starts them as the steady
    state has it: empty with probability ``1 - in_seat`` (``staffing.in_seat_share``),
    for the rest of a vacancy (uniform), as if its holder had left on day ``first``.
    Starting every seat held would leave too many empty at first, and the excess fades
    only over years.
    """
    found: list[list[Leave]] = [[] for _ in seats]
    if per_year <= 0 or not seats or last <= first:
        return found
    count = int(rng.poisson(per_year * (last - first) / days_per_year))
    who = rng.integers(len(seats), size=count)
    when = rng.integers(first, last, size=count)
    whole = math.floor(fill_days)
    vacancy = [whole] * count
    since: list[int | None] = [held.first for held in seats]
    if fill_days > 0:
        extra = rng.random(count) < fill_days - whole
        vacancy = [whole + int(x) for x in extra]
        empty, rest = rng.random(len(seats)), rng.random(len(seats))
        for i, held in enumerate(seats):
            if held.first is None and empty[i] >= in_seat:
                back = first + max(1, math.ceil(rest[i] * fill_days))
                found[i].append((first, back))
                since[i] = back
    for k in sorted(range(count), key=lambda k: int(when[k])):  # stable: draw order on a day
        i, day = int(who[k]), int(when[k])
        held, start = seats[i], since[i]
        if (start is not None and day < start) or (held.last is not None and day > held.last):
            continue  # the seat is empty or not this holder's yet
        found[i].append((day, day + vacancy[k]))
        since[i] = day + vacancy[k]
    return found


def spells(first: int, last: int, leaves: Sequence[Leave]) -> list[tuple[int, int]]:
    """Days in seat of a seat held ``first`` to ``last`` (inclusive), less its vacancies.

    Pieces that fall wholly outside ``first`` to ``last`` (a vacancy before the horizon,
    a replacement after it) are left out.
    """
    found = []
    start = first
    for out, back in leaves:
        if back == out:
            continue  # replaced the same day: no day out of seat
        if out - 1 >= start:
            found.append((start, min(out - 1, last)))
        start = max(start, back)
    if start <= last:
        found.append((start, last))
    return [(a, b) for a, b in found if a <= b]
