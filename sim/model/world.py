"""The shared state of a replication: the clock, the people, the queues and the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from sim.mode import SimMode
from sim.model.clock import Clock
from sim.model.output import RunRecords
from sim.model.people import Person, State
from sim.model.tasks import Task
from sim.rules.activities import TimeUse
from sim.rules.duties import event_minutes, nearest_approver
from sim.rules.season import SeasonKind, day_factors
from sim.rules.staffing import taker_roles
from sim.scenario import Level, Scenario
from sim.scenario.units import search_order
from sim.scenario.work import Activity, DutyScale

if TYPE_CHECKING:
    from sim.model.calls import Pools
    from sim.model.inbound import Desk, LeadOwners

_WAKEABLE = (State.IDLE, State.CALLING, State.WORKING)
_IDLE = State.IDLE  # (a global: an enum member's look-up costs ten times one)
OVERTIME = TimeUse.OVERTIME.value


@dataclass(eq=False, slots=True)
class World:
    """Everything the processes of one replication share."""

    env: simpy.Environment
    sc: Scenario
    clock: Clock
    mode: SimMode
    seed: int
    replication: int
    people: list[Person]
    out: RunRecords
    pools: Pools
    desks: list[Desk]  # one a group of answerers (sim.rules.service.answer_groups)
    desk_of: dict[str, Desk]  # inbound channel -> its desk
    by_role: dict[str, list[Person]] = field(default_factory=dict)
    open_deals: dict[int, Any] = field(default_factory=dict)  # deal id -> deals.Deal
    deal_duties: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    inbound_first: bool = field(init=False, default=True)
    # (channel, dialler's role or None) -> the segments a lead of the channel may be of
    # (sim.rules.deals.lead_segments) and their cumulative weights
    segment_weights: dict[tuple[str, str | None], tuple[list[str], list[float]]] = field(
        default_factory=dict
    )
    # per working day, the seasonal client-delay factor of its month (sim.rules.season)
    delay_x: list[float] = field(init=False, default_factory=list)
    _event_min: dict[tuple[DutyScale, Level], float] = field(default_factory=dict)
    # The approver rule's look-ups, made once: (unit, level) -> its people in the team's
    # order, and a unit -> where its approvals look (sim.scenario.units.search_order).
    _at_level: dict[tuple[str | None, Level], list[Person]] = field(
        init=False, default_factory=dict
    )
    _places: dict[str | None, list[str | None]] = field(init=False, default_factory=dict)
    # (channel, segment) -> who may own its leads that arrive by themselves, cached
    lead_owners: dict[tuple[str, str], LeadOwners] = field(default_factory=dict)
    # The part of the scenario (sim.rules.split) each role is in, and how many parts:
    # deals are numbered part by part, so a deal's number is the same whether the
    # replication is run whole or part by part.
    part_of: dict[str, int] = field(default_factory=dict)
    parts: int = 1
    _seq: int = 0
    _deals: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.people:
            self.by_role.setdefault(p.role_id, []).append(p)
            self._at_level.setdefault((p.role.unit, p.level), []).append(p)
        for unit in {p.role.unit for p in self.people}:
            self._places[unit] = search_order(self.sc.units, unit)
        order = self.sc.policies.priorities
        # Inbound cuts a run of calls short only when it ranks above calls.
        self.inbound_first = order.index(Activity.INBOUND) < order.index(Activity.CALLS)
        self.delay_x = day_factors(self.sc, SeasonKind.CLIENT_DELAY).tolist()

    def finish(self, p: Person, d: int, t: float, work: float) -> float:
        """When ``p``'s ``work`` begun at ``t`` on day ``d`` ends, cut at the overtime cap."""
        return min(p.clock.after(d, t, work), self.clock.caps[d])

    def account(self, p: Person, d: int, activity: str, t0: float, t1: float) -> None:
        """Add ``[t0, t1]`` of day ``d`` to the person's time use.

        Minutes inside the day go to the activity, minutes after its end to
        ``overtime``, so that a day's activities always sum to the available minutes
        plus the overtime worked.
        """
        end = self.clock.ends[d]
        today = p.today
        if t0 < end:
            inside = p.clock.worked(d, t0, t1 if t1 < end else end)
            today[activity] = today.get(activity, 0.0) + inside
        if t1 > end:
            today[OVERTIME] = today.get(OVERTIME, 0.0) + t1 - max(t0, end)

    def seq(self) -> int:
        """A tie-breaker for heaps: the order in which things were queued."""
        self._seq += 1
        return self._seq

    def new_deal_id(self, owner: Person) -> int:
        """The next deal number of the owner's part: 1, 2, 3... in a team of one part.

        The k-th deal (from 0) of part ``i`` of ``n`` is ``k * n + i + 1``: numbers are
        unique over the parts and do not depend on how the parts' events interleave.
        """
        part = self.part_of.get(owner.role_id, 0)
        k = self._deals.get(part, 0)
        self._deals[part] = k + 1
        return k * self.parts + part + 1

    def day_for(self, t: float) -> int:
        """The working day on which work queued at ``t`` can first be done."""
        d = self.clock.day_of(t)
        return d if d >= 0 and t < self.clock.end(d) else d + 1

    def wake(self, p: Person) -> None:
        """Interrupt a person who is idle, calling or in work a request outranks, once."""
        if p.state in _WAKEABLE and not p.woken and p.proc is not None:
            p.desk.stand(p.desk.seats(p.state), p)
            p.woken = True
            p.proc.interrupt()

    def give_followup(self, p: Person, due: float, task: Task, since: float | None = None) -> None:
        """Queue work caused at ``since`` (default now) at a person, to do from ``due`` on.

        The person is woken if idle and it is due before they would look again.
        """
        p.push_followup(due, self.env.now if since is None else since, self.seq(), task)
        if p.state is _IDLE and due < p.idle_until:
            self.wake(p)

    def give_approval(self, p: Person, task: Task) -> None:
        """Queue an approval or escalation at ``p``, or at their deputy when ``p`` is away."""
        d = self.day_for(self.env.now)
        if not p.at_work(d):
            p = self.deputy(p, d) or p
        p.approvals.append(task)
        if p.state is _IDLE:
            self.wake(p)

    def deputy(self, p: Person, day: int) -> Person | None:
        """Who covers for ``p`` on ``day``: the next present person of the deputy role."""
        if p.role.deputy is None:
            return None
        peers = self.by_role.get(p.role.deputy, [])
        n = len(peers)
        # Start after ``p`` within its own role so that peers share the covering.
        first = p.index + 1 if p.role.deputy == p.role_id else 0
        for k in range(n):
            q = peers[(first + k) % n]
            if q is not p and q.at_work(day):
                return q
        return None

    def successor(self, p: Person, day: int) -> Person | None:
        """Who takes over a leaver's open deals on ``day`` (the first day out of seat).

        The one rule of a handover (docs/dev/hiring_plan.md, section 4.4): the person's
        named ``successor`` when in seat that day, else the first role of
        ``sim.rules.staffing.taker_roles`` (the named person's role or the named role,
        the role's ``handover``, the role itself) with someone in seat: its person at
        work that day with the fewest open deals, ties to the lowest index, else one in
        seat (away that day) by the same rule. None with nobody in seat.
        """
        ref = p.successor
        if ref is not None and "." in ref:
            mates = self.by_role.get(ref.rpartition(".")[0], [])
            named = next((q for q in mates if q.pid == ref), None)
            if named is not None and named is not p and named.in_seat(day):
                return named
        for rid in taker_roles(self.sc, p.role_id, ref):
            taker = self._fewest_open(rid, p, day)
            if taker is not None:
                return taker
        return None

    def _fewest_open(self, role_id: str, p: Person, day: int) -> Person | None:
        """The role's person (not ``p``) at work on ``day`` with the fewest open deals.

        Ties to the lowest index; with nobody at work, one in seat by the same rule.
        """
        seated = [q for q in self.by_role.get(role_id, []) if q is not p and q.in_seat(day)]
        here = [q for q in seated if day not in q.absent] or seated
        return min(here, key=lambda q: (q.open_deals, q.index), default=None)

    def approver(self, owner: Person, level: Level) -> Person:
        """Who approves at ``level`` for a deal of ``owner`` (sim.rules.duties.nearest_approver)."""
        at_level = self._at_level
        return nearest_approver(
            owner,
            level,
            manager=_manager_of,
            level_of=_level_of,
            others_at=lambda lv, unit: (p for p in at_level.get((unit, lv), ()) if p is not owner),
            places=self._places[owner.role.unit],
        )

    def event_minutes(self, scale: DutyScale, level: Level) -> float:
        """Minutes of one approval or escalation at ``level`` (sim.rules.duties)."""
        key = (scale, level)
        if key not in self._event_min:
            self._event_min[key] = event_minutes(self.sc, scale, level)
        return self._event_min[key]


def _manager_of(p: Person) -> Person | None:
    return p.manager


def _level_of(p: Person) -> Level:
    return p.level
