"""A person's working day: one SimPy process that takes work in the order of priorities.

At every decision point the person looks at the activities in ``policies.priorities``
order and takes the first that has work *now*: a meeting whose time has come, a request
at the desk, an approval or escalation, a follow-up that is due, a duty of today, or
dials left in today's quota. With nothing to do they wait, and whoever brings work
wakes them. Same-minute order is explicit: queues are heaps by due time checked with
``<=`` at the decision point, so a meeting at 09:00 is seen by the day that starts at
09:00 whatever order SimPy fires events of that minute in.
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.model.calls import draw_plan, return_unused, tally_day
from sim.model.clock import NEVER
from sim.model.dialing import call_run, dials_today, quota
from sim.model.handover import hand_over
from sim.model.people import Person, State
from sim.model.tasks import Task
from sim.model.world import World
from sim.records import AbsenceRecord, CallDayRecord, TimeUseRecord
from sim.rules.activities import TimeUse
from sim.rules.waits import CHUNK_MIN
from sim.scenario.market import ClosingRule, InboundChannel
from sim.scenario.work import Activity

ABSENT, AFTER_SALE = TimeUse.ABSENT.value, TimeUse.AFTER_SALE.value
IDLE, OVERTIME = TimeUse.IDLE.value, TimeUse.OVERTIME.value
# Module constants: an enum member's look-up (State.IDLE) costs ten times a global's.
_OFF, _BUSY, _IDLE, _WORKING = State.OFF, State.BUSY, State.IDLE, State.WORKING

EPS = 1e-9
Steps = Generator[Any, Any, None]


def person_process(w: World, p: Person) -> Steps:
    """The person's whole horizon, day by day.

    The decision loop is the hot path of the run (a person-day of a seller under a rota
    goes round it a dozen times): the rota's pause (``RotaClock.resume``) and the wait
    for work (``_idle``) are inlined here, and ``now`` read once a turn.
    """
    clock, env = w.clock, w.env
    timeout = env.timeout
    order = _priorities(w, p)
    # The usual order (the default priorities, less what the person never does) has a
    # straight-line chooser: no loop over the activities, no comparisons of their codes.
    usual = order == sorted(order)
    inbound, calls = _INBOUND in order, _CALLS in order
    mine = p.rota
    walls = mine.walls if mine is not None else None
    late = _late_channels(w, p)
    starts, ends = clock.starts, clock.ends
    for d in range(clock.days):
        yield timeout(starts[d] - env.now)
        if not p.in_seat(d):
            _out_of_seat(w, p, d)
            continue
        if d in p.absent:
            _away(w, p, d)
            continue
        _start_day(w, p, d)
        end = ends[d]
        while True:
            now = env.now
            if now >= end:
                break
            if walls is not None:  # on a pause of the rota: nobody's request waits for it
                back = now  # RotaClock.resume, inlined
                for a, b in walls[d]:
                    if a <= back < b:
                        back = b
                if back > now:
                    yield timeout(back - now)
                    continue
            step = (
                _next_in_usual_order(w, p, d, now=now, inbound=inbound, calls=calls)
                if usual
                else _next_step(w, p, d, order, now=now)
            )
            if step is not None:
                yield from step
                continue
            # Nothing to do now: wait for the next due work, a meeting or the day's end
            # (the next pause at most); anyone may wake us (World.wake).
            until = _idle_until(p, d, now, end)
            p.state, p.idle_until = _IDLE, until
            seat = p.seat
            if seat >= 0:  # Desk.sit
                insort(p.desk.idle, seat)
            # (try/except: contextlib.suppress costs a context manager on every wait.)
            try:  # noqa: SIM105
                yield timeout(until - now)
            except simpy.Interrupt:
                pass
            if seat >= 0 and not p.woken:  # (a woken person has left the idle seats already)
                p.desk.stand(p.desk.idle, p)
            p.state, p.woken = _BUSY, False
        if late:
            yield from _after_closing(w, p, d, late)
        _end_day(w, p, d)


def _late_channels(w: World, p: Person) -> tuple[str, ...]:
    """The channels whose requests ``p`` answers after closing (``at_closing: overtime``)."""
    if not p.role.answers_inbound:
        return ()
    channels = w.sc.channels
    return tuple(
        cid
        for cid in p.desk.channels
        if isinstance(ch := channels[cid], InboundChannel) and ch.at_closing is ClosingRule.OVERTIME
    )


def _after_closing(w: World, p: Person, d: int, channels: tuple[str, ...]) -> Steps:
    """After the day's end: requests of ``channels`` while some wait, up to the day's cap.

    Nothing new arrives after closing, so nobody waits for more: the answerers share the
    queue left (longest-waiting first) and stop when it is empty or the cap is reached.
    The minutes are overtime (``World.account``); a request the cap cuts goes back to the
    front of its queue (:func:`_whole`) and, with what is left, is carried.
    """
    desk, cap = p.desk, w.clock.caps[d]
    while w.env.now < cap:
        task = desk.take_from(channels)
        if task is None:
            return
        yield from _answer(w, p, d, task)


def _answer(w: World, p: Person, d: int, task: Task) -> Steps:
    """Answer a request taken from the desk (one resumed keeps its first answerer's minutes)."""
    if task.started < 0:
        task.minutes *= p.duration_x
        task.level = p.level.value
    return _whole(w, p, d, task=task, back=p.desk.put_back)


# Activities as small ints for the decision loop (enum lookups there cost real time).
_MEETINGS, _INBOUND, _APPROVALS, _FOLLOW_UPS, _DUTIES, _CALLS = range(6)
_CODES = {
    Activity.MEETINGS: _MEETINGS,
    Activity.INBOUND: _INBOUND,
    Activity.APPROVALS: _APPROVALS,
    Activity.FOLLOW_UPS: _FOLLOW_UPS,
    Activity.DUTIES: _DUTIES,
    Activity.CALLS: _CALLS,
}


def _priorities(w: World, p: Person) -> list[int]:
    """The person's activities in priority order, without those they never do.

    Also sets which splittable work an inbound request stops at once: follow-ups and
    duties that rank below inbound, for people who answer requests.
    """
    never = set()
    if not p.role.answers_inbound:
        never.add(_INBOUND)
    if p.calls is None:
        never.add(_CALLS)
    order = [c for c in (_CODES[a] for a in w.sc.policies.priorities) if c not in never]
    if _INBOUND in order:
        below = order[order.index(_INBOUND) + 1 :]
        p.preempted = frozenset(c for c in below if c in (_FOLLOW_UPS, _DUTIES))
    return order


def _away(w: World, p: Person, d: int) -> None:
    """A day of absence: the whole day is 'absent'; queued approvals go to the deputy."""
    deputy = w.deputy(p, d)
    w.out.absences.append(AbsenceRecord(p.pid, d, p.absent[d], deputy.pid if deputy else ""))
    w.out.time_use.append(TimeUseRecord(p.pid, d, ABSENT, w.clock.available))
    if deputy is not None and p.approvals:
        deputy.approvals.extend(p.approvals)
        p.approvals.clear()
        w.wake(deputy)


def _out_of_seat(w: World, p: Person, d: int) -> None:
    """A day out of seat (before joining, after leaving): no time use, no absence.

    On the first day after a spell in seat the person's open deals and queued work pass
    to their successor (:func:`sim.model.handover.hand_over`); approvals queued at them
    go to their deputy, as on a day away (work moves or waits: DOMAIN.md).
    """
    if d > 0 and p.in_seat(d - 1):
        hand_over(w, p, d)
    if p.approvals:
        deputy = w.deputy(p, d)
        if deputy is not None:
            deputy.approvals.extend(p.approvals)
            p.approvals.clear()
            w.wake(deputy)


def _start_day(w: World, p: Person, d: int) -> None:
    """Today's duties: each day's share, and what earlier days at work could not hold.

    Work does not vanish (DOMAIN.md): duty minutes a busy day leaves undone wait for the
    next day at work (sim.rules.duties), so the duties are real load on average.
    """
    p.state, p.today = _BUSY, {}
    today = list(p.duties)
    if p.support_per_day > 0:
        today.append((AFTER_SALE, p.support_per_day))
    p.chores = carry_over(p.chores, today)
    w.pools.refresh(d)


def carry_over(left: deque[list[Any]], today: list[tuple[str, float]]) -> deque[list[Any]]:
    """Today's chores: each duty's share for today plus its minutes left undone before."""
    undone: dict[str, float] = {}
    for activity, minutes in left:
        undone[activity] = undone.get(activity, 0.0) + minutes
    return deque([a, m + undone.get(a, 0.0)] for a, m in today)


def _end_day(w: World, p: Person, d: int) -> None:
    """Flush the day's time use (idle is what is left) and call tallies."""
    p.state = _OFF
    today, pid = p.today, p.pid
    if OVERTIME in today:
        worked = sum(m for a, m in today.items() if a != OVERTIME)
    else:
        worked = sum(today.values())  # the same sum, in the same order
    today[IDLE] = max(0.0, w.clock.available - worked)
    append = w.out.time_use.append
    for activity, minutes in today.items():
        if minutes > 0:
            append(TimeUseRecord(pid, d, activity, minutes))
    dialer = p.calls
    if dialer is None:
        return
    tally_day(dialer)
    for k, row in enumerate(dialer.counts):
        if any(row):
            # Positional for speed: a record appended in the hot loop (keywords double its
            # cost); the counts are in the record's field order.
            w.out.calls.append(CallDayRecord(pid, d, dialer.channels[k], *row))
            row[:] = [0] * 6
    return_unused(dialer, w.pools, p.pid, quota(p, d))


def _next_meeting(p: Person) -> float:
    return p.agenda[0][0] if p.agenda else NEVER


def _next_step(w: World, p: Person, d: int, order: list[int], now: float) -> Steps | None:
    """The first activity, in priority order, that has work at ``now``."""
    for code in order:
        if code == _MEETINGS:
            if p.agenda and p.agenda[0][0] <= now:
                return _meeting(w, p, d, heapq.heappop(p.agenda)[2])
        elif code == _INBOUND:
            if p.desk.waiting:
                return _answer(w, p, d, p.desk.take())
        elif code == _APPROVALS:
            if p.approvals:
                return _whole(w, p, d, task=p.approvals.popleft(), back=p.approvals.appendleft)
        elif code == _FOLLOW_UPS:
            if p.followups and p.followups[0][0] <= now:
                return _followup(w, p, d)
        elif code == _DUTIES:
            if p.chores:
                return _chore(w, p, d)
        else:
            step = _calls(w, p, d)
            if step is not None:
                return step
    return None


def _next_in_usual_order(
    w: World, p: Person, d: int, now: float, inbound: bool, calls: bool
) -> Steps | None:
    """:func:`_next_step` for the default order of priorities, straight-line.

    Meetings, inbound, approvals, follow-ups, duties, calls, less inbound or calls for
    whoever never does them (``inbound``, ``calls``).
    """
    if p.agenda and p.agenda[0][0] <= now:
        return _meeting(w, p, d, heapq.heappop(p.agenda)[2])
    if inbound and p.desk.waiting:
        return _answer(w, p, d, p.desk.take())
    if p.approvals:
        return _whole(w, p, d, task=p.approvals.popleft(), back=p.approvals.appendleft)
    if p.followups and p.followups[0][0] <= now:
        return _followup(w, p, d)
    if p.chores:
        return _chore(w, p, d)
    return _calls(w, p, d) if calls else None


def _idle_until(p: Person, d: int, now: float, end: float) -> float:
    """How long an idle person waits: the next due work, a meeting, or the day's end.

    Under a rota, the next pause at most.
    """
    until = end
    if p.followups and p.followups[0][0] < until:
        until = p.followups[0][0]
    if p.agenda and p.agenda[0][0] < until:
        until = p.agenda[0][0]
    if until <= now:
        until = end
    if p.rota is not None:  # idle until the next pause at most
        until = min(until, p.rota.next_pause(d, now))
    return until


def _begin(w: World, p: Person, task: Task) -> None:
    if task.kind and task.started < 0:
        task.started = w.env.now
        w.out.waits.append(task.wait_record(p.pid, w.env.now))


def _complete(p: Person, task: Task, t: float) -> None:
    task.minutes = 0.0
    if task.done is not None:
        task.done.succeed()
    if task.on_done is not None:
        task.on_done(p, t)


def _worked(w: World, p: Person, d: int, work: float, t0: float, t1: float) -> float:
    """Minutes of ``work`` begun at ``t0`` done by ``t1``, its end or the overtime cap.

    ``World.finish`` stops work at the day's cap; only the minutes up to it are done
    (issue 12: work cut there was completed whole, its missing minutes free, while the
    optimiser counts every one of them).
    """
    if t1 < w.clock.caps[d]:
        return work
    return min(work, p.clock.worked(d, t0, t1))


def _whole(w: World, p: Person, d: int, task: Task, back: Callable[[Task], None]) -> Steps:
    """Work that runs to its end once begun, into overtime up to the cap.

    What the cap cuts off is left for the next working day: the task keeps its minutes
    left and goes ``back`` to the front of the queue it came from, so that it is resumed
    first; it is complete only when all its minutes are worked. Under a rota an inbound
    request runs to its end before the answerer's next pause, which then begins (its
    length kept: ``RotaClock.hold``); other work crosses a pause as it crosses the common one.
    """
    _begin(w, p, task)
    t0 = w.env.now
    if p.rota is not None and task.channel:
        # A pause of the rota waits for the request in hand (sim.rules.rota).
        p.rota.hold(d, t0, task.minutes)
    t1 = w.finish(p, d, t0, task.minutes)
    yield w.env.timeout(t1 - t0)
    w.account(p, d, activity=task.activity, t0=t0, t1=t1)
    task.minutes -= _worked(w, p, d, work=task.minutes, t0=t0, t1=t1)
    if task.minutes > EPS:
        back(task)
        return
    _complete(p, task, t1)


def _meeting(w: World, p: Person, d: int, task: Task) -> Steps:
    """Travel there, the meeting, travel back: one appointment, never split.

    Nobody may interrupt it, so it is one event when that lands exactly where a timeout
    per part would have: each part begins at ``now + (t1 - now)``, SimPy's sum, and a
    single timeout from ``start`` reaches the last end exactly when the difference is
    exact (Sterbenz: ``end <= 2 * start``, true of every day but a midnight first one).
    The agenda books a meeting inside a day; one begun late (after work that ran to its
    end across the booked start) is cut at the overtime cap, never carried to a later day.
    """
    start = t0 = w.env.now
    spans = []
    for activity, minutes in task.parts:
        t1 = w.finish(p, d, t0, minutes)
        spans.append((activity, t0, t1))
        t0 = t0 + (t1 - t0)
    if t0 <= 2.0 * start:
        for activity, a, b in spans:
            w.account(p, d, activity=activity, t0=a, t1=b)
        yield w.env.timeout(t0 - start)
    else:
        for activity, minutes in task.parts:
            a = w.env.now
            b = w.finish(p, d, a, minutes)
            yield w.env.timeout(b - a)
            w.account(p, d, activity=activity, t0=a, t1=b)
    _complete(p, task, w.env.now)


def _chunk(w: World, p: Person, d: int, left: float) -> float:
    """Working minutes of splittable work to do now.

    Up to the next meeting, a chunk, or the day's end; past the end only to finish the
    work within the overtime cap.
    """
    now, end = w.env.now, w.clock.ends[d]
    stop = p.agenda[0][0] if p.agenda and p.agenda[0][0] < end else end
    if p.rota is not None:  # and the next pause: nobody in stoppable work on a pause
        stop = min(stop, p.rota.next_pause(d, now))
    room = p.clock.worked(d, now, stop if stop > now else now)
    want = min(left, CHUNK_MIN)
    if want <= room + EPS:
        return want
    if stop >= end and left - room <= w.clock.overtime + EPS:
        return left
    return room if room > EPS else want


def _until(w: World, p: Person, t1: float, stoppable: bool) -> Generator[Any, Any, float]:
    """Work until ``t1``; when a request may stop it (``stoppable``), perhaps sooner.

    Returns when the work stopped: ``t1``, or the minute a request arrived.
    """
    now = w.env.now
    if not stoppable:
        yield w.env.timeout(t1 - now)
        return t1
    p.state = _WORKING
    p.desk.sit(p.desk.working, p)
    try:
        yield w.env.timeout(t1 - now)
        p.desk.stand(p.desk.working, p)
    except simpy.Interrupt:  # (wake() has taken the person off the working seats)
        t1 = w.env.now
    p.state, p.woken = _BUSY, False
    return t1


def _piece(
    w: World, p: Person, d: int, task: Task, stoppable: bool = False
) -> Generator[Any, Any, bool]:
    """Do a chunk of a splittable task (all of one that is not); True when it is finished.

    Work the overtime cap cuts off is not done: the task keeps those minutes (its
    caller queues it again) and is finished only when all its minutes are worked.
    """
    work = _chunk(w, p, d, task.minutes) if task.splittable else task.minutes
    _begin(w, p, task)
    t0 = w.env.now
    t1 = w.finish(p, d, t0, work)
    stopped = yield from _until(w, p, t1, stoppable and task.splittable)
    if stopped < t1:
        t1, work = stopped, p.clock.worked(d, t0, stopped)
    else:
        work = _worked(w, p, d, work=work, t0=t0, t1=t1)
    w.account(p, d, activity=task.activity, t0=t0, t1=t1)
    task.minutes -= work
    if task.minutes > EPS:
        return False
    _complete(p, task, t1)
    return True


def _followup(w: World, p: Person, d: int) -> Steps:
    entry = heapq.heappop(p.followups)
    finished = yield from _piece(w, p, d=d, task=entry[3], stoppable=_FOLLOW_UPS in p.preempted)
    if not finished:
        heapq.heappush(p.followups, entry)


def _chore(w: World, p: Person, d: int) -> Steps:
    """Today's duties, the cheap way.

    As many whole duties as fit in a chunk before the next stop are done as one stretch
    of time (one event); when not even the first fits, a piece of it.
    """
    now, clock, chores = w.env.now, p.clock, p.chores
    end = clock.ends[d]
    stop = p.agenda[0][0] if p.agenda and p.agenda[0][0] < end else end
    if p.rota is not None:  # and the next pause: nobody in stoppable work on a pause
        stop = min(stop, p.rota.next_pause(d, now))
    room = min(clock.worked(d, now, stop if stop > now else now), CHUNK_MIN) + EPS
    stoppable = _DUTIES in p.preempted
    t = now
    stretch = []
    while chores and clock.worked(d, now, t) + chores[0][1] <= room:
        activity, minutes = chores.popleft()
        t1 = clock.after(d, t, minutes)
        stretch.append((activity, minutes, t, t1))
        t = t1
    if t > now:
        stopped = yield from _until(w, p, t, stoppable)
        _account_stretch(w, p, d=d, stretch=stretch, stopped=stopped)
        return
    chore = p.chores[0]
    task = Task(chore[0], chore[1], w.env.now)
    yield from _piece(w, p, d=d, task=task, stoppable=stoppable)
    chore[1] = task.minutes
    if chore[1] <= EPS:
        p.chores.popleft()


def _account_stretch(
    w: World, p: Person, d: int, stretch: list[tuple[str, float, float, float]], stopped: float
) -> None:
    """Account the duties of a stretch done by ``stopped``; the rest go back, in order."""
    back = []
    for activity, minutes, a, b in stretch:
        if b <= stopped:
            w.account(p, d, activity=activity, t0=a, t1=b)
        elif a < stopped:
            w.account(p, d, activity=activity, t0=a, t1=stopped)
            back.append([activity, minutes - p.clock.worked(d, a, stopped)])
        else:
            back.append([activity, minutes])
    p.chores.extendleft(reversed(back))


def _calls(w: World, p: Person, d: int) -> Steps | None:
    """A run of calls if dials are left and one can begin before the next stop."""
    dialer = p.calls
    if dialer is None:
        return None
    plan = dialer.plan
    if plan is None:
        plan = dialer.plan = draw_plan(p, dialer, pools=w.pools, n=dials_today(w, p, d), day=d)
    if plan.next >= len(plan.ch):
        return None
    now, end = w.env.now, w.clock.ends[d]
    stop = p.agenda[0][0] if p.agenda and p.agenda[0][0] < end else end
    if p.rota is not None:  # and the next pause: nobody in stoppable work on a pause
        stop = min(stop, p.rota.next_pause(d, now))
    if p.clock.worked(d, now, stop if stop > now else now) <= EPS:
        return None
    return call_run(w, p, d, stop)
