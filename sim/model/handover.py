"""A leaver's handover: their open deals and queued work pass to a successor.

Issue 12, stage S7 (docs/dev/hiring_plan.md, section 4.4). It runs on the first day a
person is out of seat after a spell in it: a planned leave, or a random leave whose seat
stays empty a while (with no vacancy the seat, and its replacement, keep the deals). Who
takes over is one rule, ``World.successor``: the named successor, else the role's
``handover`` role, else the role itself.
"""

from __future__ import annotations

from sim.model.agenda import book
from sim.model.dialing import CallBack
from sim.model.people import Person
from sim.model.world import World
from sim.records import CallDayRecord


def hand_over(w: World, p: Person, d: int) -> None:
    """Pass a leaver's open deals, follow-ups, meetings, call-backs and support on.

    Each open deal changes owner (its ramp share stays as drawn when it began); queued
    follow-ups keep their due time; meetings are booked again in the successor's agenda
    from their booked start (one no day can hold is never held, and its deal stays
    open); the support of clients won moves too. A call-back moves when the successor
    dials its channel; else it is dropped and counted (``CallDayRecord.callbacks_lost``,
    the leaver's row on day ``d``). With nobody in seat the work waits with the leaver.
    """
    taker = w.successor(p, d)
    if taker is None:
        return
    for deal in list(w.open_deals.values()):
        if deal.owner is p:
            deal.pass_to(taker)
    dials = set(taker.calls.channels) if taker.calls is not None else set()
    lost: dict[str, int] = {}
    queued, p.followups = p.followups, []
    for due, since, _, task in sorted(queued, key=lambda e: e[:3]):
        call = task.on_done
        if isinstance(call, CallBack) and call.channel not in dials:
            lost[call.channel] = lost.get(call.channel, 0) + 1
            continue
        w.give_followup(taker, due, task, since=since)
    for channel, n in lost.items():
        w.out.calls.append(CallDayRecord(p.pid, d, channel, 0, 0, 0, 0, 0, 0, n))
    meetings, p.agenda = p.agenda, []
    p.booked.clear()
    for start, _, task in sorted(meetings, key=lambda e: e[:2]):
        book(w, taker, start, task)
    taker.support_per_day += p.support_per_day
    p.support_per_day = 0.0
