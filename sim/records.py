"""Flat typed records written during a run; turned into tidy DataFrames once at the end.

These are the contract between the SimPy model (which appends them) and everything that
reads results (KPIs, the store, the dashboard). Times are minutes from the start of the
horizon; ``day`` is the 0-based index of the working day. Every frame built from them
gets ``scenario``, ``replication`` and ``seed`` columns.
"""

from __future__ import annotations

from typing import NamedTuple

# ``SpellRecord.tenure_from`` of a spell with no dated start (fully ramped): so many
# working days before the horizon that every ramp is over, so the ramp rule
# (``sim.rules.people.ramp_productivity``) reads 1 without a case of its own.
UNDATED_TENURE = -1_000_000_000


class PersonRecord(NamedTuple):
    """Who was in the team: one row per person (a seat of ``sim.rules.staffing.seats``)."""

    person: str  # e.g. "client_manager.03"
    role: str
    level: str
    persona: str  # "" when the role has no persona mix
    manager: str  # person id of the direct manager, "" for the top of the tree
    start_productivity: float  # ramp share on day 0 (1.0 for a fully ramped person)
    # A planned joiner's first working day in seat (-1: in seat from the horizon's first
    # day, or never in it); a planned leaver's last working day in seat (-1: stays, or
    # leaves after the horizon).
    joined_day: int = -1
    left_day: int = -1


class SpellRecord(NamedTuple):
    """A stretch of working days one occupant held a person's seat, within the horizon.

    The seat's in-seat spell, cut where tenure restarts (a leaver replaced the same day:
    the older ``ramp.new_hires_per_year``), so that every day of a spell reads its ramp
    share from one ``tenure_from``: ``ramp_productivity(ramp, day - tenure_from, ...)``.
    """

    person: str
    first_day: int  # first working day in seat (>= 0)
    last_day: int  # last working day in seat (<= the horizon's last), inclusive
    tenure_from: int  # working day tenure counts from (negative: before the horizon)


class TimeUseRecord(NamedTuple):
    """Minutes a person spent on one activity on one working day."""

    person: str
    day: int
    activity: str  # a TimeUse value, or duty:<id> (sim.rules.activities)
    minutes: float


class CallDayRecord(NamedTuple):
    """Outbound calling of one person on one day, by channel."""

    person: str
    day: int
    channel: str
    dials: int
    connects: int
    conversations: int
    leads: int
    follow_ups: int
    # Call-backs of earlier conversations made that day; they are counted in
    # ``conversations`` (and their bookings in ``leads``) but not in dials or connects.
    callbacks: int = 0
    # Call-backs a leaver's successor could not make (they do not dial the channel),
    # dropped at the handover: the leaver's row on their first day out of seat.
    callbacks_lost: int = 0


class FunnelRecord(NamedTuple):
    """A deal entering, passing or being lost at a stage."""

    deal: int
    segment: str
    channel: str
    stage: int  # 0-based index in the segment's stages
    stage_name: str
    event: str  # "entered", "passed", "lost"
    time_min: float


class DealRecord(NamedTuple):
    """A deal's life: one row per deal created (open deals at the horizon's end included)."""

    deal: int
    segment: str
    channel: str
    owner: str  # person id
    created_min: float
    closed_min: float  # -1.0 while open
    outcome: str  # "won", "lost", "open"
    value: float  # revenue when won, else 0.0
    stages_passed: int
    repeat: bool  # a repeat sale of an earlier won deal


class WaitRecord(NamedTuple):
    """Something waiting on a person: an approval, an escalation, an inbound request."""

    kind: str  # TimeUse.APPROVAL, ESCALATION or INBOUND (sim.rules.activities)
    server: str  # person id that served it ("" when never served)
    level: str  # level of the server or the level asked for
    arrived_min: float
    started_min: float  # -1.0 when not started by the end of the horizon
    wait_min: float  # started - arrived (or horizon end - arrived when never started)
    late: bool  # inbound: beyond the channel's answer_within_min
    channel: str  # inbound: the channel it arrived by ("" for approvals and escalations)
    outcome: str  # how it ended: an Outcome (sim.rules.activities)
    # Approvals and escalations: person id of the deal's owner when it asked ("" for an
    # inbound request); a network's results count the wait with the owner's unit.
    owner: str = ""


class AbsenceRecord(NamedTuple):
    """A working day a person was away, and who covered."""

    person: str
    day: int
    reason: str  # "vacation", "sick", "trip"
    deputy: str  # person id who took over their queue, "" if the work waited
