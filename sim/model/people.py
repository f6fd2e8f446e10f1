"""People: each role's headcount expanded into persons, the org tree, personas, ramp.

A person is ``"<role>.NN"`` (1-based). The tree, the personas and the ramp follow
:mod:`sim.rules.people`: managers in turn among the people of the nearest staffed role
up the chain (a too-wide span then shows as approvals waiting at each manager, not as
an assumption), personas by largest remainder of the role's mix.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from sim.model.absences import draw_absences, draw_hires
from sim.model.streams import Purpose, key_of, stream
from sim.records import PersonRecord
from sim.rules.calls import dialled_channels
from sim.rules.day import horizon_years
from sim.rules.people import (
    assign_personas,
    link_managers,
    persona,
    ramp_days,
    ramp_productivity,
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
    hires: list[int]
    month_days: float  # working days in a month of tenure
    manager: Person | None = None
    reports: list[Person] = field(default_factory=list)
    duties: list[tuple[str, float]] = field(default_factory=list)  # activity, minutes a day
    # Run-time state.
    proc: simpy.Process | None = None
    state: State = State.OFF
    woken: bool = False
    idle_until: float = 0.0
    seat: int = -1  # index among the desk's answerers (-1: answers no requests)
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
        boss = self.manager.pid if self.manager else ""
        return PersonRecord(
            person=self.pid,
            role=self.role_id,
            level=self.level.value,
            persona=self.persona,
            manager=boss,
            start_productivity=self.productivity(0),
        )


def build_people(sc: Scenario, seed: int, replication: int) -> list[Person]:
    """Every person of the team, in role order, with managers and reports linked."""
    days = sc.calendar.horizon_days
    years = horizon_years(sc)
    month = sc.calendar.working_days_per_month
    people: list[Person] = []
    by_id: dict[str, Person] = {}
    for rid, role in sc.roles.items():
        rkey = key_of(rid)
        n = role.headcount.current
        hires = draw_hires(
            role,
            n,
            days=days,
            days_per_year=sc.calendar.working_days_per_year,
            before=ramp_days(role.ramp, month),
            rng=stream(seed, replication, Purpose.RAMP, rkey),
        )
        segments = role.segments if role.segments is not None else list(sc.segments)
        outbound, first = dialled_channels(sc, rid)
        for i, name in enumerate(assign_personas(role.personas, n)):
            p = persona(sc, name)
            absent = draw_absences(
                role.absence, days, years, stream(seed, replication, Purpose.ABSENCES, rkey, i)
            )
            person = Person(
                pid=f"{rid}.{i + 1:02d}",
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
                hires=[d for w, d in hires if w == i],
                month_days=month,
            )
            by_id[person.pid] = person
            people.append(person)
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    for pid, boss in link_managers(sc, staffed).items():
        by_id[pid].manager = by_id[boss]
        by_id[boss].reports.append(by_id[pid])
    return people
