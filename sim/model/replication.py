"""One replication of a scenario: build the world, start its processes, run, collect."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import simpy

from sim.mode import SimMode
from sim.model.calls import Pools, make_dialer
from sim.model.clock import Clock
from sim.model.duties import assign_duties, deal_duties
from sim.model.inbound import Desk, referrals, requests
from sim.model.output import RECORD_LISTS, RunRecords
from sim.model.people import Person, build_people, give_clocks
from sim.model.worker import person_process
from sim.model.world import World
from sim.records import (
    AbsenceRecord,
    CallDayRecord,
    DealRecord,
    FunnelRecord,
    PersonRecord,
    SpellRecord,
    TimeUseRecord,
    WaitRecord,
)
from sim.rules.service import answer_groups, desk_groups
from sim.rules.split import Part, parts
from sim.scenario import Scenario
from sim.scenario.market import InboundChannel, ReferralChannel


def run_replication(
    scenario: Scenario,
    replication: int,
    seed: int,
    *,
    mode: SimMode | str = SimMode.BLOCK,
    part: int | None = None,
    split: Sequence[Part] | None = None,
) -> RunRecords:
    """Play out one replication of a scenario (or one part of it): a pure function.

    Args:
        scenario: The scenario.
        replication: Index of the replication; part of every random stream's key.
        seed: Root seed of the run's random streams.
        mode: :class:`SimMode` or its value: ``"block"`` (a run of calls is one event) or
            ``"per_call"`` (one event per dial; the reference the block mode is tested
            against).
        part: Index of one of ``sim.rules.split.parts(scenario)`` to play out alone (its
            people and channels); None plays out the whole team.
        split: ``sim.rules.split.parts(scenario)`` when the caller has it already (a run
            of many parts computes it once, not once a part).

    Returns:
        The run's records, in the order they happened, part by part for a scenario of
        several parts: the whole run's records are the parts' records one after the other
        (:func:`join_parts`), each part's in the order they happened.

    Raises:
        IndexError: For a ``part`` the scenario does not have.
    """
    sim_mode = SimMode.of(mode)
    # The run makes almost no cyclic garbage (a few thousand objects a year), but the
    # cyclic collector keeps walking the growing record lists (about 15 % of the run)
    # and, while the people are built, every person made so far (a set-up growing with
    # the square of the team: 0.43 ms a person at 100 people under cProfile, 0.004 at 50).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _play(scenario, replication, seed, mode=sim_mode, part=part, split=split)
    finally:
        if collecting:
            gc.enable()


def _play(
    scenario: Scenario,
    replication: int,
    seed: int,
    *,
    mode: SimMode,
    part: int | None,
    split: Sequence[Part] | None,
) -> RunRecords:
    """``run_replication``'s work, with the cyclic collector off."""
    clock = Clock.of(scenario)
    out = RunRecords(clock.horizon, list(clock.starts), scenario.calendar.warmup_days)
    split = parts(scenario) if split is None else split
    mine = split[part] if part is not None else None
    people = build_people(scenario, seed, replication, mine.roles if mine else None)
    assign_duties(scenario, people)
    give_clocks(scenario, people, clock)
    desks, desk_of = _desks(scenario, people)
    env = simpy.Environment()
    w = World(
        env=env,
        sc=scenario,
        clock=clock,
        mode=mode,
        seed=seed,
        replication=replication,
        people=people,
        out=out,
        pools=Pools(scenario),
        desks=desks,
        desk_of=desk_of,
        part_of={rid: i for i, pt in enumerate(split) for rid in pt.roles},
        parts=len(split),
    )
    w.deal_duties = deal_duties(scenario)
    for p in people:
        p.calls = make_dialer(scenario, p, seed, replication)
    w.pools.register(people)
    for p in people:
        p.proc = env.process(person_process(w, p))
        out.people.append(p.record())
        out.spells += p.spell_records(scenario.calendar.horizon_days)
    for cid, ch in scenario.channels.items():
        if mine is not None and cid not in mine.channels:
            continue
        if isinstance(ch, InboundChannel):
            env.process(requests(w, cid, ch))
        elif isinstance(ch, ReferralChannel):
            env.process(referrals(w, cid, ch))
    # Past the horizon so that the last day's end (at exactly the horizon) is processed.
    env.run(until=clock.horizon + 1.0)
    _flush_open(w)
    if mine is None and len(split) > 1:
        return _in_part_order(out, w, split)
    return out


def _in_part_order(out: RunRecords, w: World, split: Sequence[Part]) -> RunRecords:
    """The records part by part (sim.rules.split), each part's in the order they happened.

    What a run part by part gives: ``join_parts`` of the parts' records.
    """
    of_person = {p.pid: w.part_of[p.role_id] for p in w.people}
    channel_part = {cid: i for i, pt in enumerate(split) for cid in pt.channels}

    def of_wait(r: WaitRecord) -> int:  # the asking owner's, else the channel's
        if r.owner:
            return of_person[r.owner]
        return channel_part[r.channel] if r.channel else of_person[r.server]

    def by_person(field: str) -> Callable[[list[Any]], list[int]]:
        get = attrgetter(field)
        return lambda records: list(map(of_person.__getitem__, map(get, records)))

    # Each list holds records of one type; a list's parts found in one pass (map in C, not
    # a key function a record: a replication's tens of thousands of records).
    part_lists: dict[type, Callable[[list[Any]], list[int]]] = {
        PersonRecord: by_person("person"),
        SpellRecord: by_person("person"),
        TimeUseRecord: by_person("person"),
        CallDayRecord: by_person("person"),
        AbsenceRecord: by_person("person"),
        DealRecord: by_person("owner"),
        FunnelRecord: lambda rs: [(r.deal - 1) % w.parts for r in rs],  # World.new_deal_id
        WaitRecord: lambda rs: list(map(of_wait, rs)),
    }
    for name in RECORD_LISTS:
        records = getattr(out, name)
        if not records:
            continue
        where = part_lists[type(records[0])](records)
        if where.count(where[0]) == len(where):
            continue  # all in one part: already in order
        buckets: list[list[Any]] = [[] for _ in range(w.parts)]
        for r, i in zip(records, where, strict=True):
            buckets[i].append(r)
        setattr(out, name, [r for bucket in buckets for r in bucket])
    return out


def join_parts(runs: Sequence[RunRecords]) -> RunRecords:
    """The records of a replication run part by part, in the order of the parts."""
    first = runs[0]
    out = RunRecords(first.horizon_min, list(first.day_starts_min), first.warmup_days)
    for name in RECORD_LISTS:
        setattr(out, name, [r for run in runs for r in getattr(run, name)])
    return out


def _desks(sc: Scenario, people: list[Person]) -> tuple[list[Desk], dict[str, Desk]]:
    """The desks (sim.rules.service.answer_groups: one in a team) and each channel's desk.

    Each desk seats its roles' people in the team's order; someone who answers no
    requests holds no seat and points at the first desk.
    """
    groups = desk_groups(sc)
    desks = [
        Desk(
            answerers=[p for p in people if p.role_id in roles],
            channels=tuple(groups.get(roles, ())),
        )
        for roles in answer_groups(sc)
    ]
    if not desks:
        desks = [Desk()]
    for p in people:
        if p.desk is None:
            p.desk = desks[0]
    desk_of = {cid: desk for desk in desks for cid in desk.channels}
    # A channel nobody answers (no role its unit reaches: a check refuses it) queues at
    # the first desk, unanswered, as a team without answerers does.
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel):
            desk_of.setdefault(cid, desks[0])
    return desks, desk_of


def _flush_open(w: World) -> None:
    """Rows for what the horizon cut off: open deals, and waits never served."""
    end = w.clock.horizon
    for deal in w.open_deals.values():
        w.out.deals.append(deal.record(-1.0, "open", 0.0))
    waiting = [t for p in w.people for t in p.approvals]
    waiting += [t for desk in w.desks for q in desk.queues.values() for t in q]
    for task in waiting:
        if task.started < 0:  # (one begun and cut at a day's end has its wait recorded)
            w.out.waits.append(task.wait_record("", end))
