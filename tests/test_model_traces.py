"""Exact traces of tiny hand-computable scenarios: one person, fixed durations."""

from __future__ import annotations

import pytest
from model_helpers import AVAILABLE, DAY0, day_minutes, tiny

from sim.model import run_replication
from sim.model.clock import Clock
from sim.records import CallDayRecord, DealRecord


def test_ten_unanswered_calls_of_three_minutes_then_idle() -> None:
    rec = run_replication(tiny(), 0, 1)
    days = day_minutes(rec)
    assert len(days) == 5
    for d in range(5):
        assert days["seller.01", d] == {"calls": 30.0, "idle": AVAILABLE - 30.0}
        assert CallDayRecord("seller.01", d, "cold", 10, 0, 0, 0, 0, 0) in rec.calls
    assert rec.deals == [] and rec.funnel == [] and rec.waits == []


def test_day_starts_and_horizon_follow_the_real_dates() -> None:
    # Two weeks from Monday: the sixth working day is the next Monday, 7 days on.
    rec = run_replication(tiny(calendar={"horizon_days": 6}), 0, 1)
    assert rec.day_starts_min[:2] == [DAY0, DAY0 + 1440.0]
    assert rec.day_starts_min[5] == DAY0 + 7 * 1440.0
    assert rec.horizon_min == rec.day_starts_min[5] + 9 * 60.0
    assert rec.warmup_days == 0


def test_every_call_books_a_lead_and_the_stage_work_follows_the_run() -> None:
    sc = tiny(
        calendar={"horizon_days": 1},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
    )
    rec = run_replication(sc, 0, 1)
    # Ten booking calls of 5 min (09:00-09:50), then ten stage works of 10 min each.
    assert day_minutes(rec)["seller.01", 0] == {
        "calls": 50.0,
        "stage_work": 100.0,
        "idle": AVAILABLE - 150.0,
    }
    assert [d.created_min for d in rec.deals] == [DAY0 + 5.0 * k for k in range(1, 11)]
    assert [d.closed_min for d in rec.deals] == [DAY0 + 50.0 + 10.0 * k for k in range(1, 11)]
    assert all(d.outcome == "won" and d.value == 100.0 for d in rec.deals)
    assert rec.calls == [CallDayRecord("seller.01", 0, "cold", 10, 10, 10, 10, 0, 0)]


def test_work_runs_through_the_pause_and_into_overtime_only_to_finish() -> None:
    sc = tiny(
        calendar={"horizon_days": 1},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        policies={"call_quota_per_day": 1, "overtime_max_min_per_day": 30},
        segments={"s": {"stages": [{"name": "big", "work_min": 440, "convert": 1.0}]}},
    )
    rec = run_replication(sc, 0, 1)
    # One 5-min call, then 440 min of work: 445 of 450 minutes, no overtime, and the
    # 90-min pause (lunch and breaks) after 225 working minutes is skipped.
    (deal,) = rec.deals
    assert deal.closed_min == DAY0 + 445.0 + 90.0
    assert day_minutes(rec)["seller.01", 0] == {"calls": 5.0, "stage_work": 440.0, "idle": 5.0}


def test_meeting_at_nine_is_not_skipped_by_the_day_starting_at_nine() -> None:
    sc = tiny(
        calendar={"horizon_days": 3},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        policies={"call_quota_per_day": 1},
        segments={
            "s": {"stages": [{"name": "visit", "work_min": 60, "meeting": True, "convert": 1.0}]}
        },
    )
    rec = run_replication(sc, 0, 1)
    starts = rec.day_starts_min
    # Lead on day 0 at 09:05 -> meeting booked for day 1 at 09:00, the day's first
    # minute: it must happen then, before the day's call (which follows at 10:00).
    first, second = rec.deals[:2]
    assert first.created_min == starts[0] + 5.0
    assert first.closed_min == starts[1] + 60.0
    assert second.created_min == starts[1] + 65.0
    assert day_minutes(rec)["seller.01", 1] == {
        "meeting": 60.0,
        "calls": 5.0,
        "idle": AVAILABLE - 65.0,
    }


def test_clock_maps_working_minutes_around_the_pause() -> None:
    clock = Clock.of(tiny())
    noon = DAY0 + 225.0
    assert clock.after(0, DAY0, 225.0) == noon
    assert clock.after(0, noon, 1.0) == noon + 91.0
    assert clock.after(0, noon - 5.0, 10.0) == noon + 95.0
    assert clock.worked(0, DAY0, noon + 95.0) == 230.0
    assert clock.wall(0, 225.0) == noon + 90.0
    assert clock.workable(noon + 10.0) == noon + 90.0
    assert clock.workable(clock.end(0)) == clock.starts[1]
    # Friday 10:00 plus 3 calendar days is Monday 10:00, the fifth working day... of 5.
    assert clock.after_days(DAY0 + 4 * 1440 + 60, 3.0) == float("inf")
    assert clock.after_days(DAY0 + 60, 3.0) == clock.starts[3] + 60.0


@pytest.mark.parametrize("mode", ["block", "per_call"])
def test_a_paced_pool_moves_the_seller_to_cold_when_the_day_is_used(mode: str) -> None:
    # 15 contacts over 2 days: 7.5 released by the end of day 0, 15 by day 1. Everyone
    # answers, so each warm dial uses a contact: 7 warm then 3 cold, then 8 warm and 2.
    sc = tiny(
        calendar={"horizon_days": 2},
        channels={"warm": {"kind": "warm", "pool": 15, "connect_rate": 1.0}},
        segments={"s": {"channels": ["warm", "cold"]}},
        calls={"lead_given_conversation": 0.0},
    )
    rec = run_replication(sc, 0, 1, mode=mode)  # type: ignore[arg-type]
    dials = {(r.day, r.channel): r.dials for r in rec.calls}
    assert dials == {(0, "warm"): 7, (0, "cold"): 3, (1, "warm"): 8, (1, "cold"): 2}


def test_an_unanswered_dial_leaves_its_contact_in_the_pool() -> None:
    # Nobody answers: no contact is used up, so a pool of 2 (1 a day) carries every dial.
    sc = tiny(
        calendar={"horizon_days": 2},
        channels={"warm": {"kind": "warm", "pool": 2, "connect_rate": 0.0}},
        segments={"s": {"channels": ["warm", "cold"]}},
    )
    rec = run_replication(sc, 0, 1)
    assert {(r.day, r.channel): r.dials for r in rec.calls} == {(0, "warm"): 10, (1, "warm"): 10}


def test_no_deal_record_is_lost_at_the_horizon() -> None:
    sc = tiny(
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        segments={
            "s": {
                "stages": [
                    {"name": "wait", "work_min": 10, "client_delay_days": 30, "convert": 1.0}
                ]
            }
        },
    )
    rec = run_replication(sc, 0, 1)
    assert len(rec.deals) == 50
    assert all(
        d
        == DealRecord(d.deal, "s", "cold", "seller.01", d.created_min, -1.0, "open", 0.0, 0, False)
        for d in rec.deals
    )
