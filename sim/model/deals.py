"""Deals: one SimPy process per deal, moving through its segment's stages.

Each stage: the client's calendar delay first (times the seasonal ``client_delay``
factor of the month the stage starts in, sim.rules.season), then the owner's work (a
follow-up, or a booked meeting with travel), then an escalation or approval when one is
due (queued at the owner's manager at that level), then the conversion draw. The
owner's persona scales every stage's conversion; their ramp share scales the last one
only, so that a seller at 40 % wins 40 % of the deals a tenured one would
(sim.rules.people, sim.rules.deals). A won deal leaves after-sale work and support with
its owner and may come back as a repeat sale.
Every draw of a deal comes from its own stream, keyed by where the deal came from, so
its fate does not depend on what else happened in the run. Its first uniform draws its
segment (sim.rules.deals.lead_segments): before its owner for a lead that arrives by
itself (sim.model.inbound), among the dialler's segments for a dialled one
(sim.model.dialing).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Generator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import numpy as np
import simpy

from sim.model.agenda import book
from sim.model.calls import adjusted_one, draw_one
from sim.model.clock import NEVER
from sim.model.people import Person
from sim.model.streams import keyed_stream
from sim.model.tasks import Task
from sim.model.world import World
from sim.records import DealRecord, FunnelRecord
from sim.rules.activities import TimeUse
from sim.rules.deals import lead_segments, segments_sold
from sim.rules.people import stage_conversion
from sim.scenario import Level
from sim.scenario.market import Segment, Stage
from sim.scenario.work import DutyScale

# Appended to a won deal's key to key its repeat sale (non-zero: see streams.py).
REPEAT_KEY = 0xBEEF
STAGE_WORK, MEETING, TRAVEL = TimeUse.STAGE_WORK.value, TimeUse.MEETING.value, TimeUse.TRAVEL.value
AFTER_SALE = TimeUse.AFTER_SALE.value
APPROVAL, ESCALATION = TimeUse.APPROVAL.value, TimeUse.ESCALATION.value


@dataclass(eq=False, slots=True)
class Deal:
    """A deal's identity and the state its process carries."""

    id: int
    segment_id: str
    seg: Segment
    channel: str
    owner: Person
    created: float
    keys: tuple[int, ...]  # (purpose, *keys) of its stream
    rng: np.random.Generator
    repeat: bool
    conversion_x: float  # the owner's persona multiplier on every stage's conversion
    productivity: float  # the owner's ramp share when the deal began
    escalate_at: int
    passed: int = field(default=0)

    def funnel(self, w: World, stage: int, event: str, t: float) -> None:
        """Record a funnel event of this deal."""
        name = self.seg.stages[stage].name
        # Positional for speed: a record appended in the hot loop (keywords double its cost).
        w.out.funnel.append(
            FunnelRecord(self.id, self.segment_id, self.channel, stage, name, event, t)
        )

    def close(self, w: World, outcome: str, t: float, value: float) -> None:
        """Record the deal's end and forget it as open."""
        w.open_deals.pop(self.id, None)
        self.owner.open_deals -= 1
        w.out.deals.append(self.record(t, outcome, value))

    def pass_to(self, owner: Person) -> None:
        """Give the open deal to a new owner (a leaver's successor): their work from now.

        The deal's ramp share (``productivity``) and persona multiplier stay as drawn when
        it began.
        """
        self.owner.open_deals -= 1
        self.owner = owner
        owner.open_deals += 1

    def record(self, closed: float, outcome: str, value: float) -> DealRecord:
        """The deal's row."""
        # Positional for speed: a record appended in the hot loop (keywords double its cost).
        return DealRecord(
            self.id,
            self.segment_id,
            self.channel,
            self.owner.pid,
            self.created,
            closed,
            outcome,
            value,
            self.passed,
            self.repeat,
        )


@dataclass(frozen=True, slots=True)
class Draws:
    """A new deal's stream, keyed by where it came from, and its first three uniforms."""

    keys: tuple[int, ...]  # (purpose, *keys) of its stream
    rng: np.random.Generator
    segment: float  # draws its segment (sim.rules.deals.lead_segments)
    escalate: float  # whether the deal is escalated once
    stage: float  # and at which stage


def draws(w: World, keys: tuple[int, ...]) -> Draws:
    """The stream of a deal keyed ``keys`` and its first draws, before its owner is known.

    A lead that arrives by itself draws its segment before its owner (segment first,
    sim.rules.deals.lead_segments), from the same uniform a dialled lead draws it by.
    """
    rng = keyed_stream(w.seed, w.replication, keys)
    u_segment, u_escalate, u_stage = rng.random(3).tolist()
    return Draws(keys, rng, segment=u_segment, escalate=u_escalate, stage=u_stage)


def lead_segment(w: World, channel: str, u: float, owner: Person | None = None) -> str:
    """The segment of a lead of ``channel`` (sim.rules.deals.lead_segments).

    ``owner`` None: a lead that arrives by itself, in the channel's mix over every
    segment it feeds; else a lead booked by ``owner``, among the segments they sell.
    """
    key = (channel, owner.role_id if owner is not None else None)
    if key not in w.segment_weights:
        mine = segments_sold(w.sc, owner.role_id) if owner is not None else None
        shares = lead_segments(w.sc, channel, mine)
        w.segment_weights[key] = (list(shares), list(accumulate(shares.values())))
    segments, weights = w.segment_weights[key]
    return segments[min(bisect_right(weights, u * weights[-1]), len(segments) - 1)]


def create_deal(
    w: World,
    owner: Person,
    lead: Draws,
    *,
    channel: str,
    t: float,
    segment: str,
    repeat_of: Deal | None = None,
) -> Deal:
    """A new deal of ``segment`` entering its first stage at ``t``; starts its process."""
    seg = w.sc.segments[segment]
    escalate = int(lead.stage * len(seg.stages)) if lead.escalate < seg.escalation_rate else -1
    deal = Deal(
        id=w.new_deal_id(owner),
        segment_id=segment,
        seg=seg,
        channel=channel,
        owner=owner,
        created=t,
        keys=lead.keys,
        rng=lead.rng,
        repeat=repeat_of is not None,
        conversion_x=owner.conversion_x,
        productivity=owner.productivity(max(0, w.clock.day_of(t))),
        escalate_at=escalate,
    )
    w.open_deals[deal.id] = deal
    owner.open_deals += 1
    for activity, minutes in w.deal_duties.get(owner.role_id, []):
        w.give_followup(owner, owner.clock.workable(t), Task(activity, minutes, t), since=t)
    w.env.process(run_deal(w, deal))
    return deal


def _stage_task(w: World, deal: Deal, stage: Stage, t: float, due: float) -> simpy.Event | None:
    """Queue the owner's work on a stage; the event fires when it is done (None: never)."""
    owner, rng = deal.owner, deal.rng
    work = adjusted_one(stage.work_min, rng, owner)
    done = w.env.event()
    if not stage.meeting:
        w.give_followup(owner, due, Task(STAGE_WORK, work, due, done=done), since=t)
        return done
    travel = owner.role.travel_min
    # Travel is the road's time, not the seller's style: no persona multiplier.
    there, back = travel.sample(rng, 2).clip(0.0).tolist() if travel else (0.0, 0.0)
    plain = ((TRAVEL, float(there)), (MEETING, work), (TRAVEL, float(back)))
    total = sum(m for _, m in plain)
    # A meeting longer than a working day is squeezed into one.
    scale = min(1.0, w.clock.available / total) if total > 0 else 1.0
    parts = tuple((a, m * scale) for a, m in plain)
    task = Task(MEETING, total * scale, due, splittable=False, done=done, parts=parts)
    return done if book(w, owner, due, task) < NEVER else None


def _ask(w: World, deal: Deal, scale: DutyScale, level: Level) -> Generator[Any, Any, None]:
    """Queue an approval or escalation above the owner and wait until it is done."""
    done = w.env.event()
    kind = APPROVAL if scale is DutyScale.APPROVAL else ESCALATION
    task = Task(
        kind,
        w.event_minutes(scale, level),
        w.env.now,
        splittable=False,
        done=done,
        kind=kind,
        level=level.value,
        owner=deal.owner.pid,
    )
    w.give_approval(w.approver(deal.owner, level), task)
    yield done


def run_deal(w: World, deal: Deal) -> Generator[Any, Any, None]:
    """The deal's life through its stages, then the win (or the loss)."""
    t = deal.created
    last = len(deal.seg.stages) - 1
    for i, stage in enumerate(deal.seg.stages):
        deal.funnel(w, i, "entered", t)
        # The client's delay times the seasonal factor of the month the stage starts in
        # (the month of the working day begun last at t, as the lag kernel counts).
        delay = draw_one(stage.client_delay_days, deal.rng) * w.delay_x[max(0, w.clock.day_of(t))]
        due = deal.owner.clock.after_days(t, delay)
        done = _stage_task(w, deal, stage=stage, t=t, due=due) if due < NEVER else None
        if done is None:
            return  # beyond the horizon: the deal stays open
        yield done
        if deal.escalate_at == i:
            yield from _ask(w, deal, DutyScale.ESCALATION, deal.seg.escalation_level)
        if stage.approval is not None:
            yield from _ask(w, deal, DutyScale.APPROVAL, stage.approval)
        t = w.env.now
        passing = stage_conversion(stage.convert, deal.conversion_x)
        if i == last:
            passing *= deal.productivity  # ramp scales the win, once
        if deal.rng.random() >= passing:
            deal.funnel(w, i, "lost", t)
            deal.close(w, "lost", t, 0.0)
            return
        deal.funnel(w, i, "passed", t)
        deal.passed += 1
    _win(w, deal)


def _win(w: World, deal: Deal) -> None:
    """Record the win, leave after-sale work with the owner, maybe schedule a repeat."""
    now, owner, after = w.env.now, deal.owner, deal.seg.after_sale
    deal.close(w, "won", now, deal.seg.deal_value)
    minutes = sum(
        adjusted_one(d, deal.rng, owner) for d in (after.payment_control_min, after.handoff_min)
    )
    if minutes > 0:
        w.give_followup(owner, owner.clock.workable(now), Task(AFTER_SALE, minutes, now))
    month = w.sc.calendar.working_days_per_month
    owner.support_per_day += after.support_min_per_month / month * owner.duration_x
    again = deal.rng.random() < after.repeat_probability
    days = draw_one(after.repeat_after_days, deal.rng)
    start = owner.clock.after_days(now, days)
    if again and start < NEVER:
        w.env.process(_repeat(w, deal, start))


def _repeat(w: World, deal: Deal, start: float) -> Generator[Any, Any, None]:
    yield w.env.timeout(start - w.env.now)
    owner, day = deal.owner, w.day_for(start)
    if not owner.in_seat(day):  # the seller has left: the client comes back to a successor
        owner = w.successor(owner, day) or owner
    lead = draws(w, (*deal.keys, REPEAT_KEY))
    create_deal(
        w, owner, lead, channel=deal.channel, t=start, segment=deal.segment_id, repeat_of=deal
    )
