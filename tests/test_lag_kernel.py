"""The lag kernel (sim.rules.lag) and the wall-clock rule it shares with the simulator.

Hand-solved calendars: on a seven-day week a calendar month's working days are its dates,
so "a lead of 1 March plus 30 days" is 31 March, by hand. The slow test plays a tiny team
in the simulator and compares its close months with the kernel's.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from model_helpers import AVAILABLE, DAY0, tiny

from sim import simulate
from sim.model.clock import Clock
from sim.rules.day import DAY_MIN, day_starts, morning_min, next_working_minute, pause_min
from sim.rules.lag import stage_months
from sim.rules.waits import followup_wait_min
from sim.scenario import Scenario
from sim.scenario.season import Seasonality

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = EVERY_DAY[:5]
SPAN = 540.0  # 8 h and a 60-minute lunch: 09:00 to 18:00
PAUSE = 90.0  # lunch and breaks, taken together


def one_stage(
    delay: Any, work: float = 0.0, weekdays: list[str] = EVERY_DAY, days: int = 92
) -> Scenario:
    """One segment, one stage converting all, from Monday 1 March 2027 for ``days`` days."""
    stage = {"name": "close", "work_min": work, "convert": 1.0, "client_delay_days": delay}
    return tiny(
        calendar={"start": "2027-03-01", "horizon_days": days, "weekdays": weekdays},
        segments={"s": {"stages": [stage]}},
    )


def stages(delays: list[Any], work: float = 0.0, days: int = 92) -> Scenario:
    """One segment with a stage per delay, every stage converting all, seven-day weeks."""
    steps = [
        {"name": f"s{i}", "work_min": work, "convert": 1.0, "client_delay_days": d}
        for i, d in enumerate(delays)
    ]
    return tiny(
        calendar={"start": "2027-03-01", "horizon_days": days, "weekdays": EVERY_DAY},
        segments={"s": {"stages": steps}},
    )


# --- the wall-clock rule ---------------------------------------------------------------


def test_next_working_minute_by_hand() -> None:
    sc = tiny()  # Monday 11 January 2027, five working days, 09:00-18:00, pause at 12:45
    starts = day_starts(sc)
    assert starts == [DAY0 + d * DAY_MIN for d in range(5)]
    assert (morning_min(sc), pause_min(sc)) == (AVAILABLE / 2, PAUSE)

    def nwm(t: float) -> float:
        return next_working_minute(t, starts, span=SPAN, half=AVAILABLE / 2, pause=PAUSE)

    noon = DAY0 + AVAILABLE / 2
    assert nwm(0.0) == DAY0  # midnight before the first day: its start
    assert nwm(DAY0 + 60.0) == DAY0 + 60.0  # inside the hours: itself
    assert nwm(noon) == noon  # the pause's first minute is the morning's end
    assert nwm(noon + 1.0) == noon + PAUSE  # inside the pause: its end
    assert nwm(noon + PAUSE) == noon + PAUSE
    assert nwm(DAY0 + SPAN) == starts[1]  # the day's end: the next morning
    assert nwm(DAY0 + 20 * 60.0) == starts[1]  # 20:00: the next morning
    assert nwm(starts[4] + SPAN) == math.inf  # after the last day: never
    assert nwm(math.inf) == math.inf


def test_the_clock_lands_delays_by_the_rule() -> None:
    sc = tiny(calendar={"horizon_days": 10})  # two weeks: a weekend inside
    clock = Clock.of(sc)
    assert clock.starts == day_starts(sc)
    # Friday 10:00 plus one calendar day is Saturday: Monday 09:00; plus 2.5 days is
    # Sunday 22:00: Monday 09:00 too; plus 3 days is Monday 10:00.
    friday = clock.starts[4] + 60.0
    assert clock.after_days(friday, 1.0) == clock.starts[5]
    assert clock.after_days(friday, 2.5) == clock.starts[5]
    assert clock.after_days(friday, 3.0) == clock.starts[5] + 60.0
    grid = np.linspace(0.0, clock.horizon + DAY_MIN, 3001).tolist()
    for t in grid:
        rule = next_working_minute(
            t, clock.starts, span=clock.span, half=clock.half, pause=clock.pause
        )
        assert clock.workable(t) == rule
        assert clock.after_days(t, 0.5) == clock.workable(t + 720.0)


# --- hand-solved kernels ---------------------------------------------------------------


def test_a_30_day_delay_moves_each_lead_by_30_dates() -> None:
    # March has 31 days: 1 March + 30 is 31 March, every later date lands in April. April
    # has 30: all land in May. May: 1 May lands on 31 May, the rest after the horizon.
    k = stage_months(one_stage(30), "s")
    expected = np.array([[1 / 31, 30 / 31, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1 / 31]])
    np.testing.assert_allclose(k.close, expected, atol=1e-12)
    np.testing.assert_allclose(k.close_beyond, [0.0, 0.0, 30 / 31], atol=1e-12)
    # With no work, each stage's work starts where the lead closes.
    np.testing.assert_allclose(k.work[0], expected, atol=1e-12)
    np.testing.assert_allclose(k.work_beyond[0], k.close_beyond, atol=1e-12)
    assert k.cycle_days == pytest.approx(30.0, abs=1e-9)


def test_a_seasonal_client_delay_stretches_the_delays_begun_in_its_month() -> None:
    # client_delay x2 in March only: a March lead's 15 days become 30 (the 30-day case's
    # March row); April's stay 15: 1-15 April close in April, 16-30 April in May.
    plain = one_stage(15)
    season = Seasonality(client_delay=[1.0, 1.0, 2.0] + [1.0] * 9)
    k = stage_months(plain.model_copy(update={"seasonality": season}), "s")
    np.testing.assert_allclose(k.close[0], [1 / 31, 30 / 31, 0.0], atol=1e-12)
    np.testing.assert_allclose(k.close[1], [0.0, 15 / 30, 15 / 30], atol=1e-12)
    np.testing.assert_allclose(k.close[1:], stage_months(plain, "s").close[1:], atol=1e-12)


def test_a_zero_delay_closes_in_the_month_of_the_lead() -> None:
    k = stage_months(one_stage(0), "s")
    np.testing.assert_allclose(k.close, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(k.close_beyond, 0.0, atol=1e-12)
    assert k.cycle_days == pytest.approx(0.0, abs=1e-9)


def test_work_begun_late_on_a_months_last_day_ends_in_the_next_month() -> None:
    # 45 minutes of work behind the owner's queue (q working minutes, sim.rules.waits;
    # issue 12 R13: a follow-up waits for the work in hand): a lead created in the last
    # 45 + q of the day's 450 working minutes finishes the next morning, so that share of
    # the month's last day closes a month later (10 % before the queue was counted).
    sc = one_stage(0, work=45.0)
    late = (45.0 + followup_wait_min(sc, "seller")) / AVAILABLE
    assert 0.1 < late < 0.2
    k = stage_months(sc, "s")
    slot = 1.0 / (31 * math.ceil(4096 / 31))  # the quadrature's grain of time of day
    assert k.close[0, 1] == pytest.approx(late / 31, abs=slot)
    assert k.close[1, 2] == pytest.approx(late / 30, abs=slot)
    assert k.close[0, 0] + k.close[0, 1] == pytest.approx(1.0, abs=1e-12)


def test_a_delay_ending_on_a_weekend_waits_for_monday() -> None:
    # Monday to Friday from 1 March 2027 for 65 days: March 23 days, April 22, May 20
    # (to Friday 28 May). One day's delay: only Wednesday 31 March lands in April; Friday
    # 30 April lands on Saturday 1 May, worked Monday 3 May; Friday 28 May lands on
    # Monday 31 May, after the horizon.
    k = stage_months(one_stage(1, weekdays=WEEKDAYS, days=65), "s")
    expected = np.array([[22 / 23, 1 / 23, 0.0], [0.0, 21 / 22, 1 / 22], [0.0, 0.0, 19 / 20]])
    np.testing.assert_allclose(k.close, expected, atol=1e-12)
    np.testing.assert_allclose(k.close_beyond, [0.0, 0.0, 1 / 20], atol=1e-12)
    # Half a day: 09:00-18:00 plus 12 hours is the night, so the next working morning:
    # the same months as a whole day.
    half = stage_months(one_stage(0.5, weekdays=WEEKDAYS, days=65), "s")
    np.testing.assert_allclose(half.close, expected, atol=1e-12)


def test_stages_chain_and_extra_days_lengthen_the_delays() -> None:
    # 10 + 20 days: stage 1's work starts 10 dates after the lead (after its own delay),
    # stage 2's and the close 30 after.
    k = stage_months(stages([10, 20]), "s")
    ten, thirty = stage_months(one_stage(10), "s"), stage_months(one_stage(30), "s")
    np.testing.assert_allclose(k.work[0], ten.close, atol=1e-12)
    np.testing.assert_allclose(k.work[1], thirty.close, atol=1e-12)
    np.testing.assert_allclose(k.close, thirty.close, atol=1e-12)
    assert k.cycle_days == pytest.approx(30.0, abs=1e-9)
    # extra_days is spread evenly over the stages, on top of the client's delays.
    longer = stage_months(stages([0, 10]), "s", 20.0)
    np.testing.assert_allclose(longer.work[0], ten.close, atol=1e-12)
    np.testing.assert_allclose(longer.close, thirty.close, atol=1e-12)
    shorter = stage_months(one_stage(40), "s", -10.0)
    np.testing.assert_allclose(shorter.close, thirty.close, atol=1e-12)
    # A correction longer than the delays leaves them at 0, never below.
    np.testing.assert_allclose(stage_months(one_stage(5), "s", -10.0).close, np.eye(3))


def test_rows_are_shares_later_stages_come_later_and_the_kernel_is_pure() -> None:
    delays = [{"kind": "exponential", "mean": 6}, 3, {"kind": "uniform", "low": 2, "high": 20}]
    sc = stages(delays, work=30.0, days=150)
    k = stage_months(sc, "s")
    assert k.work.shape == (3, 5, 5) and k.close.shape == (5, 5)
    np.testing.assert_allclose(k.work.sum(axis=2) + k.work_beyond, 1.0, atol=1e-12)
    np.testing.assert_allclose(k.close.sum(axis=1) + k.close_beyond, 1.0, atol=1e-12)
    assert (k.work >= 0).all() and (k.close >= 0).all()
    np.testing.assert_array_equal(np.tril(k.close, -1), 0.0)  # never before the lead
    # Each stage is at or after the one before, the close at or after the last stage:
    # by every month, no more of a later step is done than of an earlier one.
    steps = [*k.work, k.close]
    for early, late in itertools.pairwise(steps):
        assert (np.cumsum(late, axis=1) <= np.cumsum(early, axis=1) + 1e-12).all()
    # The mean cycle sits near the delays' means (6 + 3 + 11 days), shortened a little
    # by the horizon cutting off the longest cycles of the last months.
    assert 17.0 < k.cycle_days < 20.5
    again = stage_months(sc, "s")
    np.testing.assert_array_equal(again.work, k.work)
    np.testing.assert_array_equal(again.close, k.close)


def test_a_horizon_starting_mid_month_counts_its_days_only() -> None:
    # From Monday 15 March 2027, seven-day weeks, 30 days: 17 days of March, 13 of April.
    sc = tiny(
        calendar={"start": "2027-03-15", "horizon_days": 30, "weekdays": EVERY_DAY},
        segments={
            "s": {"stages": [{"name": "c", "work_min": 0, "convert": 1.0, "client_delay_days": 10}]}
        },
    )
    k = stage_months(sc, "s")
    # 15..21 March close in March (7 of 17), 22..31 in April; April 1..3 (3 of 13) close
    # inside the horizon (it ends 13 April), the rest after it.
    np.testing.assert_allclose(k.close, [[7 / 17, 10 / 17], [0.0, 3 / 13]], atol=1e-12)
    np.testing.assert_allclose(k.close_beyond, [0.0, 10 / 13], atol=1e-12)


# --- the simulator agrees --------------------------------------------------------------


@pytest.mark.slow
def test_simulated_close_months_agree_with_the_kernel() -> None:
    # Two stages, conversions 1, fixed work and delays (3 and 10 calendar days, so many
    # land on a weekend), Monday to Friday, one lightly loaded seller on cold calls.
    steps = [
        {"name": "consult", "work_min": 10, "convert": 1.0, "client_delay_days": 3},
        {"name": "sign", "work_min": 15, "convert": 1.0, "client_delay_days": 10},
    ]
    sc = tiny(
        calendar={"start": "2027-03-01", "horizon_days": 85, "weekdays": WEEKDAYS},
        channels={"cold": {"kind": "cold", "connect_rate": 0.3}},
        segments={"s": {"stages": steps}},
        policies={"call_quota_per_day": 20, "max_calls_per_day": 20},
    )
    reps = 8
    deals = simulate(sc, replications=reps, seed=7, workers=1).frames.deals
    assert not deals["repeat"].any()  # no repeat sales: every deal is a lead
    months = np.asarray(sc.months)
    created = months[deals["created_day"].to_numpy()]
    closed = deals["close_month"].to_numpy()
    k = stage_months(sc, "s")
    n = k.close.shape[0]
    for t0 in range(n):
        shares = np.zeros((reps, n + 1))  # the last column: still open at the end
        for r in range(reps):
            mine = (created == t0) & (deals["replication"].to_numpy() == r)
            assert mine.sum() >= 10, "too few leads a month to compare shares"
            for t in range(n):
                shares[r, t] = float((closed[mine] == t).mean())
            shares[r, n] = float((closed[mine] < 0).mean())
        mean = shares.mean(axis=0)
        se = shares.std(axis=0, ddof=1) / math.sqrt(reps)
        kernel = np.append(k.close[t0], k.close_beyond[t0])
        assert (np.abs(mean - kernel) <= 3.0 * se + 0.02).all(), (t0, mean, kernel, se)
