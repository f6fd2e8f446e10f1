"""Work cut at the day's overtime cap waits for the next working day (issue 12).

``World.finish`` stops work at the day's end plus ``overtime_max_min_per_day``. What it
cuts off is not done: the task keeps its minutes left, goes back to the front of the
queue it came from and is complete only when all its minutes are worked. Before, a task
cut there was completed whole, its missing minutes free (a stage closed at 18:00 with an
hour of its work undone), while the optimiser counts every minute.

Exact traces of one person (the tiny day: 09:00 to 18:00, 450 working minutes, a
90-minute pause after the first 225): a stage's work (a follow-up, done in chunks), an
approval (work done whole once begun), a duty and an inbound request, each cut at the
day's end with no overtime, finished within a big enough overtime, or cut at a smaller
cap and carried.
"""

from __future__ import annotations

import pytest
from model_helpers import AVAILABLE, DAY0, day_minutes, tiny

from sim.model import run_replication
from sim.model.clock import Clock
from sim.scenario import Scenario

PAUSE = 90.0
END0 = DAY0 + AVAILABLE + PAUSE  # 18:00 on the first day
DAY1 = DAY0 + 1440.0  # 09:00 on the second


def _stage(overtime: float) -> Scenario:
    """A call a day books a lead (5 min) whose stage takes 500 minutes of work."""
    return tiny(
        calendar={"horizon_days": 2},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        policies={"call_quota_per_day": 1, "overtime_max_min_per_day": overtime},
        segments={"s": {"stages": [{"name": "big", "work_min": 500, "convert": 1.0}]}},
    )


def test_a_stage_cut_at_the_days_end_finishes_the_next_morning() -> None:
    rec = run_replication(_stage(0.0), 0, 1)
    days = day_minutes(rec)
    # Day 1: the call (09:00-09:05), then 445 of the stage's 500 minutes to 18:00.
    assert days["seller.01", 0] == {"calls": 5.0, "stage_work": 445.0}
    first, second = rec.deals
    assert first.created_min == DAY0 + 5.0
    # Its 55 minutes left come first on day 2 (before the day's call): done at 09:55,
    # not at 18:00 of day 1 as when the cut minutes were free.
    assert first.outcome == "won" and first.closed_min == DAY1 + 55.0
    # Then the call (09:55-10:00) and 390 of the next stage's 500 minutes, still open.
    assert second.created_min == DAY1 + 60.0 and second.outcome == "open"
    assert days["seller.01", 1] == {"stage_work": 55.0 + 390.0, "calls": 5.0}


def test_a_stage_that_fits_the_overtime_cap_finishes_the_same_day() -> None:
    rec = run_replication(_stage(60.0), 0, 1)
    first = rec.deals[0]
    assert first.closed_min == END0 + 55.0
    assert day_minutes(rec)["seller.01", 0] == {"calls": 5.0, "stage_work": 445.0, "overtime": 55.0}


def _approval(overtime: float) -> Scenario:
    """The stage (400 min) ends at 17:15; then the boss approves it in 100 minutes."""
    return tiny(
        calendar={"horizon_days": 2},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        roles={
            "boss": {"level": "lower", "headcount": 1, "monthly_cost": 1},
            "seller": {"reports_to": "boss"},
        },
        duties={"approval": {"levels": ["lower"], "minutes": 100, "per": "approval"}},
        policies={"call_quota_per_day": 1, "overtime_max_min_per_day": overtime},
        segments={
            "s": {"stages": [{"name": "big", "work_min": 400, "convert": 1.0, "approval": "lower"}]}
        },
    )


@pytest.mark.parametrize(
    ("overtime", "closed", "day1", "day2"),
    [
        # No overtime: 45 minutes to 18:00, the other 55 first thing on day 2; then the
        # second deal's approval (asked at 17:15 again) is cut the same way.
        (0.0, DAY1 + 55.0, {"approval": 45.0}, {"approval": 55.0 + 45.0}),
        # A cap of 30: 45 + 30 minutes of overtime on day 1, the last 25 on day 2.
        (
            30.0,
            DAY1 + 25.0,
            {"approval": 45.0, "overtime": 30.0},
            {"approval": 25.0 + 45.0, "overtime": 30.0},
        ),
        # A cap of 60: finished in overtime at 18:55, nothing carried.
        (
            60.0,
            END0 + 55.0,
            {"approval": 45.0, "overtime": 55.0},
            {"approval": 45.0, "overtime": 55.0},
        ),
    ],
)
def test_an_approval_cut_at_the_cap_is_resumed_first_the_next_day(
    overtime: float, closed: float, day1: dict[str, float], day2: dict[str, float]
) -> None:
    rec = run_replication(_approval(overtime), 0, 1)
    days = day_minutes(rec)
    asked = DAY0 + 405.0 + PAUSE  # 17:15: the call and the stage's 400 minutes
    first = rec.deals[0]
    assert first.outcome == "won" and first.closed_min == closed
    worked = {a: m for a, m in days["boss.01", 0].items() if a != "idle"}
    assert worked == day1
    # What day 2 holds after the carried part: the second approval, begun at 17:15.
    worked = {a: m for a, m in days["boss.01", 1].items() if a != "idle"}
    assert worked == day2
    # Each approval's wait is recorded once, when it begins; a cut one is not "never
    # started" at the horizon.
    assert [(w.arrived_min, w.started_min, w.server) for w in rec.waits] == [
        (asked, asked, "boss.01"),
        (asked + 1440.0, asked + 1440.0, "boss.01"),
    ]


def _duty(overtime: float) -> Scenario:
    """A daily report of 100 minutes, done after the day's work (priorities: calls first).

    One warm contact of 2 released over 4 days (the pool is paced: one on days 2 and 4)
    books a lead whose stage takes 400 minutes; other dials go unanswered (3 minutes).
    """
    return tiny(
        calendar={"horizon_days": 4},
        channels={"warm": {"kind": "warm", "pool": 2, "refill_per_month": 0, "connect_rate": 1.0}},
        duties={"report": {"levels": ["line"], "minutes": 100, "per": "head_per_day"}},
        policies={
            "call_quota_per_day": 1,
            "overtime_max_min_per_day": overtime,
            "priorities": ["meetings", "inbound", "approvals", "follow_ups", "calls", "duties"],
        },
        segments={
            "s": {
                "channels": ["warm", "cold"],
                "stages": [{"name": "big", "work_min": 400, "convert": 1.0}],
            }
        },
    )


def test_a_duty_cut_at_the_days_end_adds_its_minutes_left_to_the_next_day() -> None:
    days = day_minutes(run_replication(_duty(0.0), 0, 1))
    quiet = {"calls": 3.0, "duty:report": 100.0, "idle": AVAILABLE - 103.0}
    assert days["seller.01", 0] == quiet
    # Day 2: the lead's call and stage (405 minutes), then 45 of the report's 100.
    assert days["seller.01", 1] == {"calls": 5.0, "stage_work": 400.0, "duty:report": 45.0}
    # Day 3: the report's 55 minutes left and the day's own 100 (before: 100 only).
    assert days["seller.01", 2] == {"calls": 3.0, "duty:report": 155.0, "idle": AVAILABLE - 158.0}


def test_a_duty_that_fits_the_overtime_cap_leaves_nothing_for_the_next_day() -> None:
    days = day_minutes(run_replication(_duty(60.0), 0, 1))
    assert days["seller.01", 1]["overtime"] == 55.0
    assert days["seller.01", 2] == {"calls": 3.0, "duty:report": 100.0, "idle": AVAILABLE - 103.0}


def _inbound(overtime: float) -> Scenario:
    """One person at the desk, no dials; requests of exactly 400 minutes, one a day.

    Each request answered is a lead whose stage is due 30 days on (past the horizon), so
    the desk's work alone fills the trace. The desk pauses together (its default is the
    rota): the trace crosses the common pause.
    """
    return tiny(
        calendar={"horizon_days": 3, "workday": {"pause_rule": "together"}},
        roles={"seller": {"handles_inbound": True}},
        channels={
            "web": {
                "kind": "inbound",
                "requests_per_day": 1,
                "answer_within_min": 60,
                "handle_min": 400,
                "lead_share": 1.0,
            }
        },
        policies={"call_quota_per_day": 0, "overtime_max_min_per_day": overtime},
        segments={
            "s": {
                "channels": ["cold", "web"],
                "stages": [
                    {"name": "close", "work_min": 10, "convert": 1.0, "client_delay_days": 30}
                ],
            }
        },
    )


@pytest.mark.parametrize("overtime", [0.0, 60.0])
def test_a_request_cut_at_the_cap_is_answered_first_the_next_day(overtime: float) -> None:
    sc = _inbound(overtime)
    clock = Clock.of(sc)
    # Seed 5 draws no request on day 1, one on day 2 (at a) and three on day 3; a is
    # late enough that the cap cuts the request.
    rec = run_replication(sc, 0, 5)
    first, second, *unanswered = rec.waits
    a = first.arrived_min
    assert clock.day_of(a) == 1 and first.started_min == a and first.server == "seller.01"
    # Begun after the pause: the minutes to the cap (less than its 400) are done on day 2.
    done_first = clock.end(1) + overtime - a
    assert a > clock.pause_start(1) + PAUSE and done_first < 400.0
    days = day_minutes(rec)
    today = days["seller.01", 1]
    assert today["inbound"] + today.get("overtime", 0.0) == pytest.approx(done_first, abs=1e-9)
    # The rest is answered first on day 3, across the pause; its lead is booked then.
    answered = clock.starts[2] + 400.0 - done_first + PAUSE
    assert [d.created_min for d in rec.deals] == [pytest.approx(answered, abs=1e-9)]
    # The next request begins at once and is cut at the horizon's end: its wait is
    # recorded when it began, never as "not answered"; the last two never began.
    assert second.started_min == rec.deals[0].created_min and second.server == "seller.01"
    assert [w.server for w in unanswered] == ["", ""]
    assert len(rec.waits) == 4
    assert days["seller.01", 2] == {"inbound": AVAILABLE} | (
        {"overtime": overtime} if overtime else {}
    )
