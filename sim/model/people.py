"""People: each role's seats expanded into persons, the org tree, personas, ramp.

A person is ``"<role>.NN"`` (1-based), one per seat of :func:`sim.rules.staffing.seats`:
the people in seat now, then the planned joiners (issue 12, stage S5). Each is in seat
on the working days of their spell (first day, last day), so nobody works before joining
or after leaving; tenure (the ramp) counts from the seat's tenure start, or from a
replacement's start. The tree, the personas and the ramp follow :mod:`sim.rules.people`:
managers in turn among the people of the nearest staffed role up the chain (a too-wide
span then shows as approvals waiting at each manager, not as an assumption), personas by
largest remainder of the role's mix.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, cast

from sim.model.absences import draw_absences
from sim.model.attrition import Held, Leave, draw_leaves, spells
from sim.model.clock import Clock, RotaClock
from sim.model.streams import Purpose, key_of, stream
from sim.records import UNDATED_TENURE, PersonRecord, SpellRecord
from sim.rules import rota
from sim.rules.calls import dialled_channels
from sim.rules.day import horizon_years
from sim.rules.people import (
    assign_personas,
    link_managers,
    persona,
    ramp_days,
    ramp_productivity,
    staff_personas,
)
from sim.rules.service import answer_groups
from sim.rules.staffing import (
    Seat,
    fill_days,
    in_seat_share,
    leavers_per_year,
    seat_window,
    seats,
)
from sim.scenario import Level, Scenario
from sim.scenario.team import Role

if TYPE_CHECKING:
    import simpy

    from sim.model.calls import Dialer
    from sim.model.dialing import Run
    from sim.model.tasks import Task


class State(IntEnum):
    """What a person's process is doing, as far as others may interrupt it."""

    OFF = 0  # outside the working day or absent
    BUSY = 1  # in a task that finishes before anything else is looked at
    IDLE = 2  # waiting for work: anyone who brings work wakes them
    CALLING = 3  # in a run of calls: an inbound request may cut it short (block mode)
    WORKING = 4  # in splittable work that inbound outranks: a request stops it at once


@dataclass(eq=False, slots=True)
class Person:
    """A person: who they are (fixed for the run) and what they hold (changes in it)."""

    pid: str
    role_id: str
    role: Role
    index: int  # within the role, 0-based: keys the person's random streams
    persona: str
    duration_x: float
    conversion_x: float
    variability_x: float
    segments: list[str]
    outbound: list[str]  # outbound channels: those dialled first, then those in turn
    first: int  # how many of ``outbound`` are dialled first (sim.rules.calls.dial_order)
    absent: dict[int, str]
    hires: list[int]  # days tenure (the ramp) restarts, ascending; may be negative
    month_days: float  # working days in a month of tenure
    # In-seat spells, (first day, last day) inclusive, in working-day indices: nobody
    # works outside them (a joiner before their start, a leaver after their last day).
    spells: list[tuple[int, int]] = field(default_factory=list)
    joined_day: int = -1  # a planned joiner's first day in seat in the horizon, else -1
    left_day: int = -1  # a planned leaver's last day in seat in the horizon, else -1
    # Who takes over the person's open deals on leaving: a person or role id, None for
    # the role's handover (World.successor).
    successor: str | None = None
    # The direct manager (None at the top of the tree, or when the manager is in
    # another part of a replication run part by part: sim.rules.split), their person
    # id whatever part they are in, and how many direct reports the person has.
    manager: Person | None = None
    manager_pid: str = ""
    report_count: int = 0
    duties: list[tuple[str, float]] = field(default_factory=list)  # activity, minutes a day
    # The person's working clock (give_clocks): the replication's, or their own under a rota.
    clock: Clock = field(default=cast(Clock, None))
    rota: RotaClock | None = None  # the same clock when it is the person's own (a rota)
    # Run-time state.
    proc: simpy.Process | None = None
    state: State = State.OFF
    woken: bool = False
    idle_until: float = 0.0
    seat: int = -1  # index among the desk's answerers (-1: answers no requests)
    # The desk the person answers at (sim.model.inbound.Desk; a network's desk by unit);
    # someone who answers no requests has the first desk, where they hold no seat.
    desk: Any = None
    preempted: frozenset[int] = frozenset()  # activity codes a request stops (worker.py)
    # Heap by (due, caused at, seq): the middle key breaks ties of work due at the same
    # minute (a day's start) by when it was caused, not by when it was queued, which
    # differs between block and per-call mode.
    followups: list[tuple[float, float, int, Task]] = field(default_factory=list)
    agenda: list[tuple[float, int, Task]] = field(default_factory=list)  # heap by start
    booked: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    approvals: deque[Task] = field(default_factory=deque)
    today: dict[str, float] = field(default_factory=dict)
    chores: deque[list[Any]] = field(default_factory=deque)  # today's duties: [activity, min]
    support_per_day: float = 0.0
    calls: Dialer | None = None
    run: Run | None = None
    deals_made: int = 0
    open_deals: int = 0

    @property
    def level(self) -> Level:
        """The person's hierarchy level."""
        return self.role.level

    @property
    def sells(self) -> float:
        """Share of a line seller's selling load."""
        return self.role.sells

    def in_seat(self, day: int) -> bool:
        """Whether the person holds their seat on working day ``day`` (absent or not)."""
        for first, last in self.spells:  # noqa: SIM110 (any() of a generator costs 3x)
            if first <= day <= last:
                return True
        return False

    def at_work(self, day: int) -> bool:
        """Whether the person works on ``day``: in seat and not away."""
        return day not in self.absent and self.in_seat(day)

    def productivity(self, day: int) -> float:
        """Ramp share of full productivity on a day (1 with no hire at or before it)."""
        if not self.hires:
            return 1.0
        started = [h for h in self.hires if h <= day]
        if not started:
            return 1.0
        return ramp_productivity(self.role.ramp, day - started[-1], self.month_days)

    def push_followup(self, due: float, since: float, seq: int, task: Task) -> None:
        """Queue work caused at ``since`` that may be done from ``due`` on."""
        heapq.heappush(self.followups, (due, since, seq, task))

    def record(self) -> PersonRecord:
        """The person's row in the people table."""
        return PersonRecord(
            person=self.pid,
            role=self.role_id,
            level=self.level.value,
            persona=self.persona,
            manager=self.manager_pid,
            # On their first day in the horizon: a joiner's share when they start.
            start_productivity=self.productivity(max(0, self.spells[0][0]) if self.spells else 0),
            joined_day=self.joined_day,
            left_day=self.left_day,
        )

    def spell_records(self, horizon_days: int) -> list[SpellRecord]:
        """The person's spells in seat within the horizon, cut where tenure restarts.

        Each piece reads its ramp share from one tenure start, the latest of ``hires`` on
        or before its first day, as :meth:`productivity` does (``UNDATED_TENURE``: none).
        """
        found = []
        for spell_first, spell_last in self.spells:
            first, last = max(spell_first, 0), min(spell_last, horizon_days - 1)
            cuts = sorted({h for h in self.hires if first < h <= last})
            for start, end in zip([first, *cuts], [c - 1 for c in cuts] + [last], strict=True):
                if start > end:
                    continue
                tenure = max((h for h in self.hires if h <= start), default=UNDATED_TENURE)
                found.append(SpellRecord(self.pid, start, end, tenure))
        return found


def build_people(
    sc: Scenario, seed: int, replication: int, roles: Collection[str] | None = None
) -> list[Person]:
    """Every person of the team (or of ``roles``), in role order, with managers linked.

    ``roles`` builds one part of a replication run part by part (sim.rules.split): its
    people are those of the whole team, drawn on the same streams; a manager in another
    part is known by person id only, and report counts are the whole team's.

    One person per seat of :func:`sim.rules.staffing.seats` (people in seat now, then
    joiners). Random streams are keyed by (role, seat index) as before seats existed;
    attrition (:mod:`sim.model.attrition`) draws the people in seat now as one group on
    the role's stream, as the older role-level replacements did, so a scenario with no
    vacancy, staff dates or joiners draws exactly as before, and each joiner on a stream
    of its own.
    """
    days = sc.calendar.horizon_days
    years = horizon_years(sc)
    month = sc.calendar.working_days_per_month
    people: list[Person] = []
    by_id: dict[str, Person] = {}
    staffed: dict[str, int] = {}
    for rid, role in sc.roles.items():
        rkey = key_of(rid)
        segments = role.segments if role.segments is not None else list(sc.segments)
        outbound, first = dialled_channels(sc, rid)
        roster = seats(sc, rid)
        staffed[rid] = len(roster)
        if roles is not None and rid not in roles:
            continue
        leaves = _leaves(sc, rid, roster, seed=seed, replication=replication)
        for seat, name, left in zip(roster, _personas(role, roster), leaves, strict=True):
            i = seat.index
            p = persona(sc, name)
            absent = draw_absences(
                role.absence, days, years, stream(seed, replication, Purpose.ABSENCES, rkey, i)
            )
            person = Person(
                pid=seat.person,
                role_id=rid,
                role=role,
                index=i,
                persona=name,
                duration_x=p.duration_x,
                conversion_x=p.conversion_x,
                variability_x=p.variability_x,
                segments=segments,
                outbound=outbound,
                first=first,
                absent=absent,
                hires=_tenure_starts(sc, seat, [back for _, back in left]),
                month_days=month,
                spells=_spells(sc, seat, left),
                successor=seat.successor,
            )
            person.joined_day, person.left_day = _planned_moves(
                sc, seat, joiner=i >= role.headcount.current
            )
            by_id[person.pid] = person
            people.append(person)
    for pid, boss in link_managers(sc, staffed).items():
        if pid in by_id:
            by_id[pid].manager = by_id.get(boss)
            by_id[pid].manager_pid = boss
        if boss in by_id:
            by_id[boss].report_count += 1
    return people


def give_clocks(sc: Scenario, people: list[Person], clock: Clock) -> None:
    """Each person's working clock: the common one, or their own pauses under a rota.

    Under ``pause_rule: rota`` each desk's answerers (roles in file order, then person
    index, as ``sim.model.inbound.Desk`` seats them; a network has a desk by unit:
    ``sim.rules.service.answer_groups``) take their slots of the desk's rota
    (``sim.rules.rota.person_pauses``); everyone else, and everyone under ``together``,
    shares ``clock`` (the common mid-day pause).
    """
    for p in people:
        p.clock = clock
    if not rota.pauses(sc):
        return
    for roles in answer_groups(sc):
        desk = [p for p in people if p.role_id in roles]
        for i, p in enumerate(desk):
            p.clock = p.rota = clock.with_pauses(rota.person_pauses(sc, i, len(desk)))


def _leaves(
    sc: Scenario, rid: str, roster: tuple[Seat, ...], *, seed: int, replication: int
) -> list[list[Leave]]:
    """Each seat's random leaves (sim.model.attrition), one list per seat of ``roster``.

    The rate per person is ``sim.rules.staffing.leavers_per_year`` of the people in seat
    now (at least one) spread over them, as the optimiser expects it
    (``leave_rate_per_day``). Draws start the ramp and the vacancy before the horizon
    (the steady state). Without a ramp and a vacancy a leave changes nothing, and none
    is drawn.
    """
    role = sc.roles[rid]
    fill = fill_days(sc, rid)
    found: list[list[Leave]] = [[] for _ in roster]
    if role.ramp is None and fill <= 0:
        return found
    cal = sc.calendar
    n = role.headcount.current
    per_year = leavers_per_year(role, max(n, 1))
    first = -math.ceil(ramp_days(role.ramp, cal.working_days_per_month) + fill)
    rkey = key_of(rid)
    # (stream, seats, first day of the draws): the people in seat now as one group, then
    # each joiner from their start.
    groups = [(stream(seed, replication, Purpose.RAMP, rkey), roster[:n], first)]
    for seat in roster[n:]:
        rng = stream(seed, replication, Purpose.ATTRITION, rkey, seat.index)
        groups.append((rng, (seat,), max(first, cal.day_index(seat.first_day))))
    for rng, group, start in groups:
        left = draw_leaves(
            [_held(sc, seat) for seat in group],
            # The group's share of the role's leavers (all of them for the people in seat
            # now: written so, older files draw to the bit as before).
            per_year * (len(group) / max(n, 1)),
            first=start,
            last=cal.horizon_days,
            days_per_year=cal.working_days_per_year,
            fill_days=fill,
            in_seat=in_seat_share(sc, rid, max(n, 1)),
            rng=rng,
        )
        for seat, mine in zip(group, left, strict=True):
            found[seat.index] = mine
    return found


def _held(sc: Scenario, seat: Seat) -> Held:
    """When a seat's holder may leave at random: from their start to their last day.

    A person in seat now with no start date holds the seat from before any draw (None);
    a stayer to the end (None).
    """
    _, last = seat_window(sc, seat)
    tenure = None if seat.tenure_from is None else sc.calendar.day_index(seat.tenure_from)
    return Held(first=tenure, last=last)


def _spell(sc: Scenario, seat: Seat) -> tuple[int, int]:
    """A seat's days in seat within the horizon's indices (a stayer: to the last day)."""
    first, last = seat_window(sc, seat)
    return first, sc.calendar.horizon_days - 1 if last is None else last


def _spells(sc: Scenario, seat: Seat, leaves: list[Leave]) -> list[tuple[int, int]]:
    """A seat's spells in seat: its window (``_spell``) less the vacancies of its leaves."""
    first, last = _spell(sc, seat)
    if all(back == out for out, back in leaves):
        return [(first, last)]
    return spells(first, last, leaves)


def _planned_moves(sc: Scenario, seat: Seat, *, joiner: bool) -> tuple[int, int]:
    """A seat's joined and left day in the horizon, else -1 (as ``staffing.role_month``)."""
    first, last = seat_window(sc, seat)
    days = range(sc.calendar.horizon_days)
    return (
        first if joiner and first in days else -1,
        last if last is not None and last in days else -1,
    )


def _tenure_starts(sc: Scenario, seat: Seat, replacements: list[int]) -> list[int]:
    """Days the seat's tenure restarts: its tenure start (if dated), then replacements.

    A replacement drawn before the dated start is earlier in time, so the later start
    wins in ``Person.productivity`` (the latest start on or before a day).
    """
    if seat.tenure_from is None:
        return replacements
    return sorted([sc.calendar.day_index(seat.tenure_from), *replacements])


def _personas(role: Role, roster: tuple[Seat, ...]) -> list[str]:
    """Each seat's persona: the people in seat now by largest remainder, as before seats.

    Joiners then take, one by one, the persona furthest below its share of the grown
    team (ties to the first listed), so that adding a joiner never changes anyone
    else's persona (common random numbers between calendars). A staff entry's
    ``persona`` pins that person's.
    """
    n = role.headcount.current
    names = assign_personas(role.personas, n)
    mix = role.personas
    for k in range(n, len(roster)):
        if not mix:
            names.append("")
            continue
        held = {name: names.count(name) for name in mix}
        names.append(max(mix, key=lambda name: mix[name] * (k + 1) - held[name]))
    return [*staff_personas(role, n), *names[n:]]
