"""Runs of outbound calls: one timeout per run (block) or per call (per_call), same draws.

A run takes the next dials of the day's plan that can begin before the next meeting or
the day's end. In block mode the clock advances once, by the whole run; an inbound
request may interrupt it, and then exactly the dials begun before the interruption are
made (``np.searchsorted`` on the drawn cumulative minutes): the one under way is
finished, the rest stay in the plan. In per-call mode the person advances one dial at a
time and looks at the desk after each. Both settle the same dials, so with nothing
interrupting they give identical records.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from sim.mode import SimMode
from sim.model.calls import (
    CALLBACKS,
    CONVERSATIONS,
    FOLLOW_UPS,
    LEAD,
    LEADS,
    Dialer,
    adjusted_one,
    draw_one,
)
from sim.model.clock import NEVER
from sim.model.deals import create_deal, draws, lead_segment
from sim.model.people import Person, State
from sim.model.streams import Purpose, key_of
from sim.model.tasks import Task
from sim.model.world import World
from sim.rules.activities import TimeUse
from sim.rules.people import dial_cap

CALLS = TimeUse.CALLS.value
# Module constants: an enum member's look-up (State.IDLE) costs ten times a global's.
_BUSY, _CALLING = State.BUSY, State.CALLING


@dataclass(eq=False, slots=True)
class Run:
    """A run under way: when it began and the working-minute offsets of its dials."""

    t0: float
    day: int
    starts: list[float]
    ends: list[float]

    def made_by(self, p: Person, t: float) -> int:
        """Dials of ``p``'s run begun before ``t`` (the last of them may still be under way)."""
        return bisect_left(self.starts, p.clock.worked(self.day, self.t0, t))

    def busy_until(self, w: World, p: Person, t: float) -> float:
        """When the dial of ``p``'s run under way at ``t`` ends."""
        n = self.made_by(p, t)
        return w.finish(p, self.day, self.t0, self.ends[n - 1]) if n else t


def quota(p: Person, d: int) -> int:
    """Day ``d``'s dials: its month's quota under the cap (sim.rules.people.daily_dials)."""
    dialer = p.calls
    assert dialer is not None
    return dialer.quotas[dialer.months[d]]


def dials_today(w: World, p: Person, d: int) -> int:
    """Day ``d``'s dials: its quota and what earlier days owe, under the day's cap."""
    dialer = p.calls
    assert dialer is not None
    dialer.wanted = quota(p, d) + dialer.owed
    return min(dialer.wanted, math.floor(dial_cap(w.sc, p.role_id) + 1e-9))


def call_run(w: World, p: Person, d: int, stop: float) -> Generator[Any, Any, None]:
    """Make the plan's next dials that begin before ``stop``."""
    dialer = p.calls
    assert dialer is not None and dialer.plan is not None
    plan, t0, leads_before = dialer.plan, w.env.now, p.deals_made
    base = plan.cum[plan.next - 1] if plan.next else 0.0
    ends = [c - base for c in plan.cum[plan.next :]]
    starts = [0.0, *ends[:-1]]
    n = bisect_left(starts, p.clock.worked(d, t0, stop))
    run = Run(t0, d, starts[:n], ends[:n])
    if w.mode is SimMode.BLOCK:
        n = yield from _block(w, p, run)
    else:
        n = yield from _per_call(w, p, run, dialer)
    if w.mode is SimMode.BLOCK:
        settle(w, p, dialer=dialer, run=run, a=0, b=n)
    w.account(p, d, activity=CALLS, t0=t0, t1=w.env.now)
    if p.deals_made != leads_before:
        # Let the deals just created queue their first work before the person chooses
        # what to do next (their processes start at this minute, after we yield).
        yield w.env.timeout(0.0)


def _block(w: World, p: Person, run: Run) -> Generator[Any, Any, int]:
    n = len(run.starts)
    end = w.finish(p, run.day, run.t0, run.ends[n - 1])
    made = n
    while True:
        p.run, p.state = run, _CALLING
        p.desk.sit(p.desk.calling, p)
        try:
            yield w.env.timeout(end - w.env.now)
            p.desk.stand(p.desk.calling, p)
            break
        except simpy.Interrupt:  # (wake() has taken the person off the calling seats)
            p.state, p.woken = _BUSY, False
            now = w.env.now
            made = run.made_by(p, now)
            yield w.env.timeout(run.busy_until(w, p, now) - now)
            if p.desk.pending() or made >= n:
                break
            # Someone else took the request: go on dialling, as a per-call caller would.
            made = n
    p.run, p.state = None, _BUSY
    return made


def _per_call(w: World, p: Person, run: Run, dialer: Dialer) -> Generator[Any, Any, int]:
    stop_for_desk = w.inbound_first and p.role.answers_inbound
    for k in range(len(run.starts)):
        yield w.env.timeout(w.finish(p, run.day, run.t0, run.ends[k]) - w.env.now)
        settle(w, p, dialer=dialer, run=run, a=k, b=k + 1)
        if stop_for_desk and p.desk.pending():
            return k + 1
    return len(run.starts)


def settle(w: World, p: Person, dialer: Dialer, run: Run, a: int, b: int) -> None:
    """Settle the run's dials ``a`` to ``b``: leads as deals, call-backs queued.

    Their counters are tallied once at the day's end (``calls.tally_day``).
    """
    plan = dialer.plan
    assert plan is not None
    i0 = plan.next - a  # plan index of the run's first dial
    hits = plan.hits
    for j in hits[bisect_left(hits, i0 + a) : bisect_left(hits, i0 + b)]:
        t = w.finish(p, run.day, run.t0, run.ends[j - i0])
        if plan.outcome[j] == LEAD:
            new_lead(w, p, dialer.channels[plan.ch[j]], t)
        else:
            schedule_callback(w, p, dialer=dialer, k=plan.ch[j], t=t)
    plan.next = i0 + b


def new_lead(w: World, p: Person, channel: str, t: float) -> None:
    """A lead booked by ``p``: a deal they own, on a stream keyed by them and a counter."""
    keys = (Purpose.DEALS, key_of(p.role_id), p.index, p.deals_made)
    p.deals_made += 1
    # Owner first: the dialler books a lead of a segment they sell (sim.rules.deals).
    lead = draws(w, keys)
    segment = lead_segment(w, channel, lead.segment, owner=p)
    create_deal(w, p, lead, channel=channel, t=t, segment=segment)


def schedule_callback(w: World, p: Person, dialer: Dialer, k: int, t: float) -> None:
    """Queue a call-back: after the client's delay it is a conversation again."""
    calls = w.sc.calls
    assert calls is not None
    rng = dialer.callback_rng
    days = draw_one(calls.follow_up_after_days, rng)
    u = float(rng.random())
    lead = u < dialer.lead_p[k]
    again = not lead and u < dialer.lead_p[k] + dialer.follow_p[k]
    dist = calls.booking_call_min if lead else calls.conversation_min
    minutes = adjusted_one(dist, rng, p)
    due = p.clock.after_days(t, days)
    if due == NEVER:
        return
    on_done = CallBack(w, dialer, k, lead=lead, again=again)
    task = Task(CALLS, minutes, due, splittable=False, on_done=on_done)
    w.give_followup(p, due, task, since=t)


@dataclass(eq=False, slots=True)
class CallBack:
    """What a call-back does when made: its tallies, the lead it books, the next call-back.

    The call-back's draws come from the dialer that first reached the client (``dialer``,
    channel index ``k``), whoever makes it; its tallies go to the maker's dialer, which
    differs after a handover (``sim.model.handover``: a successor who dials the channel).
    """

    w: World
    dialer: Dialer
    k: int
    lead: bool
    again: bool

    @property
    def channel(self) -> str:
        """The channel the client was first reached on."""
        return self.dialer.channels[self.k]

    def __call__(self, q: Person, t_done: float) -> None:
        """Tally the call-back at its maker ``q`` and book what it brought."""
        mine = q.calls
        k = self.k
        if mine is not None and mine is not self.dialer:
            k = mine.channels.index(self.channel)
        row = (mine or self.dialer).counts[k]
        row[CONVERSATIONS] += 1
        row[CALLBACKS] += 1
        if self.lead:
            row[LEADS] += 1
            new_lead(self.w, q, self.channel, t_done)
        elif self.again:
            row[FOLLOW_UPS] += 1
            schedule_callback(self.w, q, dialer=self.dialer, k=self.k, t=t_done)
