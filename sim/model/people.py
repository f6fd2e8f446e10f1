"""People: each role's headcount expanded into persons, the org tree, personas, ramp.

A person is ``"<role>.NN"`` (1-based). Managers are assigned round-robin among the
people of the ``reports_to`` role so that spans are balanced; a too-wide span then
shows as approvals waiting at each manager, not as an assumption.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.absences import draw_absences, draw_hires, productivity
from sim.model.streams import Purpose, key_of, stream
from sim.records import PersonRecord
from sim.scenario import Level, Scenario
from sim.scenario.market import OUTBOUND_KINDS
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
    outbound: list[str]  # outbound channels, warm first (DOMAIN.md: cold is the last resort)
    absent: dict[int, str]
    hires: list[int]
    manager: Person | None = None
    reports: list[Person] = field(default_factory=list)
    duties: list[tuple[str, float]] = field(default_factory=list)  # activity, minutes a day
    # Run-time state.
    proc: simpy.Process | None = None
    state: State = State.OFF
    woken: bool = False
    idle_until: float = 0.0
    seat: int = -1  # index among the desk's answerers (-1: answers no requests)
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
        """Ramp share of full productivity on a day."""
        return productivity(self.role.ramp, self.hires, day)

    def push_followup(self, due: float, since: float, seq: int, task: Task) -> None:
        """Queue work caused at ``since`` that may be done from ``due`` on."""
        heapq.heappush(self.followups, (due, since, seq, task))

    def record(self) -> PersonRecord:
        """The person's row in the people table."""
        boss = self.manager.pid if self.manager else ""
        return PersonRecord(
            self.pid, self.role_id, self.level.value, self.persona, boss, self.productivity(0)
        )


def _outbound(sc: Scenario, role: Role, segments: list[str]) -> list[str]:
    fed = [c for s in segments for c in sc.segments[s].channels]
    allowed = set(role.channels) if role.channels is not None else set(fed)
    ours = [c for c in dict.fromkeys(fed) if c in allowed and sc.channels[c].kind in OUTBOUND_KINDS]
    return sorted(ours, key=lambda c: sc.channels[c].kind != "warm")


def _persona(sc: Scenario, role: Role, rng: np.random.Generator) -> tuple[str, float, float, float]:
    if not role.personas:
        return "", 1.0, 1.0, 1.0
    names = list(role.personas)
    shares = np.array([role.personas[n] for n in names])
    name = names[int(rng.choice(len(names), p=shares / shares.sum()))]
    p = sc.personas[name]
    return name, p.duration_x, p.conversion_x, p.variability_x


def build_people(sc: Scenario, seed: int, replication: int) -> list[Person]:
    """Every person of the team, in role order, with managers and reports linked."""
    days = sc.calendar.horizon_days
    people: list[Person] = []
    by_role: dict[str, list[Person]] = {}
    for rid, role in sc.roles.items():
        rkey = key_of(rid)
        hires = draw_hires(
            role.ramp, role.headcount.current, days, stream(seed, replication, Purpose.RAMP, rkey)
        )
        segments = role.segments if role.segments is not None else list(sc.segments)
        outbound = _outbound(sc, role, segments)
        by_role[rid] = []
        for i in range(role.headcount.current):
            persona = _persona(sc, role, stream(seed, replication, Purpose.PEOPLE, rkey, i))
            absent = draw_absences(
                role.absence, days, stream(seed, replication, Purpose.ABSENCES, rkey, i)
            )
            person = Person(
                f"{rid}.{i + 1:02d}",
                rid,
                role,
                i,
                *persona,
                segments=segments,
                outbound=outbound,
                absent=absent,
                hires=[d for w, d in hires if w == i],
            )
            by_role[rid].append(person)
            people.append(person)
    _link_managers(sc, by_role)
    return people


def _manager_role(sc: Scenario, rid: str, by_role: dict[str, list[Person]]) -> str | None:
    """The nearest role up the chain that has people (a vacant level is skipped)."""
    up = sc.roles[rid].reports_to
    while up is not None and not by_role[up]:
        up = sc.roles[up].reports_to
    return up


def _link_managers(sc: Scenario, by_role: dict[str, list[Person]]) -> None:
    # One turn counter per managing role, shared by every role reporting to it, so that
    # spans stay balanced when several roles report to the same one.
    turn: dict[str, int] = {}
    for rid, members in by_role.items():
        up = _manager_role(sc, rid, by_role)
        if up is None:
            continue
        bosses = by_role[up]
        for person in members:
            k = turn.get(up, 0)
            turn[up] = k + 1
            person.manager = bosses[k % len(bosses)]
            person.manager.reports.append(person)
