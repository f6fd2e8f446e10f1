"""The waits a deal's stage meets on our side: the owner's absence, a meeting's slot, the queue.

Issue 12 (R13). The lag kernel (``sim.rules.lag``) follows a lead through its stages on
the working clock; these are the rules of what the simulator's people add to the client's
delays, each the simulator's own rule or its expected value:

* days away (``sim.model.absences`` draws them by :func:`vacation_blocks`): work due on
  a day its owner is away waits until they are back (follow-ups stay with their owner, a
  meeting is booked on a day they are present); :func:`absence_wait_days` is the expected
  wait of work due ``gap`` working days after its owner was last seen at work;
* a meeting (``sim.model.agenda.book``) is booked on a working day after the one it is
  booked on, at the first half-hour slot (:func:`slot`) from the time the stage becomes
  workable, and takes the travel there and back with it (:func:`meeting_minutes`);
* work waits in its owner's queue (:func:`followup_wait_min`): a follow-up is taken when
  the work in hand ends (nothing is interrupted for it) and after the meetings, requests
  and earlier follow-ups that come first (``policies.priorities``);
* an approval (or an escalation) takes its minutes at the approver after the stage's work
  (:func:`approval_minutes`).

Every figure is an expectation over the role's personas and people: the kernel adds it to
each lead's course as working minutes, so that what does not fit in a day carries over to
the next working day as the simulator's work does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

from sim.rules.activities import TimeUse
from sim.rules.deals import deal_economics, lead_segments, segments_sold
from sim.rules.duties import event_minutes, minutes_per_day
from sim.rules.people import mean_duration_x, persona_mix
from sim.scenario import Scenario
from sim.scenario.team import Absence
from sim.scenario.work import DutyScale

SLOT_MIN = 30.0  # meetings are booked at half-hour slots of the working day
# Vacations this long or longer are split in two blocks, as most people take them.
SPLIT_VACATION_DAYS = 10
# The longest piece of splittable work done before its doer looks at their queues again
# (sim.model.worker), so that requests and due work are seen at least this often during
# long work: what a follow-up due in the middle of it waits for at most.
CHUNK_MIN = 60.0
# The share of a seller's time meetings are taken to hold at most when a follow-up's wait
# is stretched by them: a day booked solid still leaves gaps between meetings.
MOST_MEETINGS = 0.95


@overload
def slot(offset_min: float) -> float: ...
@overload
def slot(offset_min: NDArray[np.float64]) -> NDArray[np.float64]: ...
def slot(offset_min: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
    """The first half-hour slot at or after ``offset_min`` working minutes of a day."""
    found = np.ceil(np.asarray(offset_min) / SLOT_MIN - 1e-9) * SLOT_MIN
    return found if isinstance(offset_min, np.ndarray) else float(found)


def vacation_blocks(vacation_days: int) -> list[int]:
    """A year's whole vacation days as the blocks they are taken in: one, or two halves."""
    if vacation_days < SPLIT_VACATION_DAYS:
        return [vacation_days]
    return [vacation_days // 2, vacation_days - vacation_days // 2]


def _blocks(absence: Absence, days: int, years: float) -> list[tuple[float, float]]:
    """(length in working days, blocks starting per working day) of a person's days away.

    As ``sim.model.absences.draw_absences``: each year of the horizon (the last part year
    in proportion) its vacation rounded at random and taken in :func:`vacation_blocks`,
    each block placed uniformly in its year; sick and trip days scattered one by one.
    """
    out: list[tuple[float, float]] = []
    year_days = days / years if years > 0 else float(days)
    first = 0
    while first < days:
        last = min(days, round(first + year_days))
        share, span = (last - first) / year_days, last - first
        weight = span / days  # the share of the horizon this year's rate applies to
        vacation = absence.vacation_days * share
        low = math.floor(vacation)
        for whole, chance in ((low, 1.0 - (vacation - low)), (low + 1, vacation - low)):
            for size in vacation_blocks(whole) if chance > 0 else []:
                if size > 0:
                    out.append((float(size), chance * weight / max(span - size + 1, 1)))
        first = last
    scattered = (absence.sick_days + absence.trip_days) / year_days
    if scattered > 0:
        out.append((1.0, scattered))
    return out


def absence_wait_days(sc: Scenario, role_id: str, gap_days: float) -> float:
    """Expected working days work waits for its owner away, ``gap_days`` after they were at work.

    A block of ``L`` days away begun ``u < min(gap, L)`` days before the work is due keeps
    it waiting ``L - u`` days; blocks start at rate ``r`` a day, so the wait is
    ``sum r (L m - m^2 / 2)`` with ``m = min(gap, L)``. With a gap longer than every block
    the chance of finding the owner away is ``sum r L``, the share of days away
    (``sim.rules.day.presence``). 0 for work due the day its owner was at work.
    """
    if gap_days <= 0:
        return 0.0
    role, cal = sc.roles[role_id], sc.calendar
    years = cal.horizon_days / cal.working_days_per_year
    wait = 0.0
    for length, rate in _blocks(role.absence, cal.horizon_days, years):
        m = min(gap_days, length)
        wait += rate * (length * m - m * m / 2.0)
    return wait


def meeting_minutes(sc: Scenario, role_id: str, work_min: float) -> float:
    """Working minutes a meeting of ``work_min`` holds its owner: travel there, it, travel back.

    The work at the role's mean persona pace, the road's time without (as
    ``sim.model.deals``); a meeting longer than a working day is squeezed into one.
    """
    travel = sc.roles[role_id].travel_min
    road = 2.0 * max(travel.expected_value(), 0.0) if travel is not None else 0.0
    return min(work_min * mean_duration_x(sc, role_id) + road, sc.calendar.workday.available_min)


def approval_minutes(sc: Scenario, segment_id: str, stage: int) -> float:
    """Minutes a stage's approval (if any) and its expected escalation take after its work."""
    seg = sc.segments[segment_id]
    st = seg.stages[stage]
    minutes = event_minutes(sc, DutyScale.APPROVAL, st.approval) if st.approval else 0.0
    # An escalation falls on one stage of a deal, each alike (sim.model.deals.create_deal).
    escalation = event_minutes(sc, DutyScale.ESCALATION, seg.escalation_level)
    return minutes + seg.escalation_rate / len(seg.stages) * escalation


def meeting_minutes_of(sc: Scenario, shares: list[tuple[float, str]], work_min: float) -> float:
    """:func:`meeting_minutes` over the owning roles' shares."""
    return sum(w * meeting_minutes(sc, rid, work_min) for w, rid in shares)


def owners(sc: Scenario, segment_id: str) -> list[tuple[float, str]]:
    """The roles that own a segment's deals, with their shares (people in seat x selling)."""
    found = [
        (role.headcount.current * role.sells, rid)
        for rid, role in sc.roles.items()
        if role.sells > 0 and segment_id in segments_sold(sc, rid)
    ]
    total = sum(w for w, _ in found)
    return [(w / total, rid) for w, rid in found] if total > 0 else []


@dataclass(frozen=True)
class StageWaits:
    """What our side adds to one stage of a lead's course, expected over its owners."""

    meeting: bool  # booked in the agenda (sim.model.agenda) rather than queued
    work: float  # working minutes of the stage's work (a meeting: with its travel)
    after: float  # working minutes of its approval and expected escalation, after the work
    queue: float  # working minutes a due follow-up waits in its owner's queue (not a meeting)
    away: NDArray[np.float64]  # [gap]: working days waiting for the owner back (absence_wait_days)


def stage_waits(sc: Scenario, segment_id: str) -> list[StageWaits]:
    """Every stage's waits on our side, weighted over the roles that own the segment's deals."""
    seg = sc.segments[segment_id]
    shares = owners(sc, segment_id)
    longest = int(max((st.client_delay_days.expected_value() for st in seg.stages), default=0))
    gaps = np.arange(max(3 * longest, 10) + 2, dtype=np.float64)
    out = []
    for i, st in enumerate(seg.stages):
        work = st.work_min.expected_value()
        if st.meeting:
            minutes = meeting_minutes_of(sc, shares, work)
        else:
            minutes = sum(w * followup_span_min(sc, rid, work) for w, rid in shares)
        away = np.array([sum(w * absence_wait_days(sc, rid, g) for w, rid in shares) for g in gaps])
        queue = 0.0
        if not st.meeting:
            queue = sum(w * followup_wait_min(sc, rid) for w, rid in shares)
            if i > 0 and seg.stages[i - 1].meeting:
                # The follow-ups due while the owner was at the meeting come first.
                held = meeting_minutes_of(sc, shares, seg.stages[i - 1].work_min.expected_value())
                queue += sum(w * owner_day(sc, rid).followups for w, rid in shares) * held
        out.append(
            StageWaits(
                meeting=st.meeting,
                work=minutes if shares else work,
                after=approval_minutes(sc, segment_id, i),
                queue=queue,
                away=away,
            )
        )
    return out


@dataclass(frozen=True)
class OwnerDay:
    """A seller's working day at the occupancy cap, by what a due follow-up meets.

    Shares of the working minutes (``rho``) and mean residual minutes of a piece in hand
    (``E[S^2] / 2 E[S]``): meetings with their travel come before follow-ups; follow-up
    pieces and duty stretches are not interrupted for one (sim.model.worker).
    """

    meetings: float  # rho of meetings with travel
    followups: float  # rho of follow-up work (stage work, after-sale)
    duties: float  # rho of recurring duties
    meeting_residual: float  # minutes
    followup_residual: float  # minutes


def owner_day(sc: Scenario, role_id: str) -> OwnerDay:
    """The load a role's seller carries when planned to ``policies.occupancy_cap``.

    Duties take their minutes a day (sim.rules.duties); the rest of the cap goes to the
    deals, split between meetings and follow-ups as one lead of the role's mix asks them
    (sim.rules.deals.deal_economics over its personas; segments in the role's channels'
    lead mix, sim.rules.deals.lead_segments). Dials, last in every priority order and a
    short run at a time, are left out: the cap is taken as the deals' and duties' load.
    """
    role, available = sc.roles[role_id], sc.calendar.workday.available_min
    duties = (
        sum(
            minutes_per_day(sc, d)
            for did, d in sc.duties.items()
            if role_id in sc.duty_roles(did)
            and d.per in (DutyScale.HEAD_PER_DAY, DutyScale.HEAD_PER_WEEK, DutyScale.HEAD_PER_MONTH)
        )
        / available
    )
    sold = segments_sold(sc, role_id)
    channels = role.channels if role.channels is not None else list(sc.channels)
    mix: dict[str, float] = {}
    for cid in channels:
        for sid, share in lead_segments(sc, cid, sold).items():
            mix[sid] = mix.get(sid, 0.0) + share
    total = sum(mix.values())
    meet = meet_sq = follow = follow_sq = 0.0
    for sid, weight in mix.items():
        seg = sc.segments[sid]
        for p_share, persona in persona_mix(sc, role_id):
            econ = deal_economics(sc, sid, persona)
            share = weight / total * p_share
            for stage, reach in zip(seg.stages, econ.reach, strict=True):
                work = stage.work_min.expected_value() * persona.duration_x
                if stage.meeting:
                    held = meeting_minutes(sc, role_id, stage.work_min.expected_value())
                    meet += share * reach * held
                    meet_sq += share * reach * held * held
                else:
                    piece = min(work, CHUNK_MIN)
                    follow += share * reach * work
                    follow_sq += share * reach * work * piece
            after = econ.minutes.get(TimeUse.AFTER_SALE.value, 0.0)
            follow += share * after
            follow_sq += share * after * min(after, CHUNK_MIN)
    deals = max(sc.policies.occupancy_cap - duties, 0.0)
    work = meet + follow
    return OwnerDay(
        meetings=deals * meet / work if work > 0 else 0.0,
        followups=deals * follow / work if work > 0 else 0.0,
        duties=duties,
        meeting_residual=meet_sq / (2.0 * meet) if meet > 0 else 0.0,
        followup_residual=follow_sq / (2.0 * follow) if follow > 0 else 0.0,
    )


def followup_span_min(sc: Scenario, role_id: str, work_min: float) -> float:
    """Working minutes from taking up a follow-up of ``work_min`` to its end.

    The work at the role's mean persona pace, in pieces of at most ``CHUNK_MIN``: after
    each piece its owner looks at their queues again, and the meetings that came due
    meanwhile go first, so the pieces after the first are stretched by ``1 / (1 -
    rho_meetings)`` (the completion time of preemptive-resume priority, at the pieces'
    ends; ``rho_meetings`` at most ``MOST_MEETINGS``).
    """
    work = work_min * mean_duration_x(sc, role_id)
    meetings = min(owner_day(sc, role_id).meetings, MOST_MEETINGS)
    return work + max(work - CHUNK_MIN, 0.0) * meetings / (1.0 - meetings)


def followup_wait_min(sc: Scenario, role_id: str) -> float:
    """Working minutes a follow-up due now waits for its owner to take it up.

    The non-preemptive priority queue's wait at the head of the follow-ups' line (Cobham's
    formula without the follow-ups queued ahead): the residual of the piece in hand (a
    meeting, a follow-up piece, a duty stretch), stretched by the meetings that come first,
    ``R / (1 - rho_meetings)`` (``rho_meetings`` at most ``MOST_MEETINGS``). Follow-ups
    that fell due while their owner was at a meeting are ahead of one due when it ends:
    :func:`stage_waits` adds them to the stage after a meeting. Checked against the
    simulator on retail_bank (tests/test_hiring_r13.py).
    """
    day = owner_day(sc, role_id)
    residual = (
        day.meetings * day.meeting_residual
        + day.followups * day.followup_residual
        + day.duties * CHUNK_MIN / 2.0
    )
    return residual / (1.0 - min(day.meetings, MOST_MEETINGS))
