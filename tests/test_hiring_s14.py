"""The hiring plan verified month by month: the loop's rules on given months (issue 12, S14).

The loop is followed on the hand case of ``tests.test_hiring_s13`` (one seller over March
to July 2027, ramp ``[0.5]``, 3000 a day to May and 6000 from June: the plan hires one
seller on 3 May). What the simulator would say is given by a plain function of the
calendar the loop wrote as joiners (``months``), so each iteration's margins, calendar
and verdict can be traced exactly. By hand (3636.36 a seller-day): June's plan of
132,000 is met with the May hire, 22 + 0.5 + 21 = 43.5 seller-days (158,182); raised by
25 % (165,000, 45.4 seller-days) it needs a June hire too (+ 0.5 x 22), cheaper than two
in May; raised by 3 % or 6.1 % the May hire still does. The slow test simulates the
first plan of a case with every conversion 1 and checks each month's revenue.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from optimizer import (
    InfeasiblePlanError,
    VerifiedHiring,
    evaluate_calendar,
    plan_hiring,
    verify_hiring,
)
from optimizer.hiring_loop import LAG_STEP_DAYS, MonthsSimulated
from sim import wilson_interval
from sim.rules.lag import stage_months
from sim.scenario import Scenario
from tests.optimizer_helpers import scenario
from tests.test_hiring_model import MONTHS, _ramped
from tests.test_hiring_s12 import STEP
from tests.test_hiring_s13 import _with

REPS = 10
MAY = (("2027-05-03", 1),)
MAY_JUNE = (("2027-05-03", 1), ("2027-06-01", 1))
MET = [1.05] * REPS
HALF = [0.8] * 5 + [1.1] * 5  # 0.2 quantile 0.8: a margin step of 1 / 0.8 = +25 %
NEAR = [0.99] * 5 + [1.1] * 5  # 0.2 quantile 0.99: the least step, +3 %

Outcome = Callable[[tuple[tuple[str, int], ...]], dict[int, list[float]]]


def calendar_of(sc: Scenario) -> tuple[tuple[str, int], ...]:
    """The hires the loop wrote as joiners: (start date, people)."""
    return tuple((j.start.isoformat(), j.count) for j in sc.roles["seller"].joiners)


def months(
    outcome: Outcome, calls: list[tuple[tuple[str, int], ...]], cycle: float = 0.0
) -> Callable[[Scenario], MonthsSimulated]:
    """A simulator: each month's attainment by replication from the calendar played."""

    def simulator(sc: Scenario) -> MonthsSimulated:
        cal = calendar_of(sc)
        calls.append(cal)
        given = outcome(cal)
        rows = []
        for t in range(5):
            plan = sc.plan_target(t)
            for rep, att in enumerate(given.get(t, MET)):
                rows.append({"replication": rep, "month": t, "revenue": att * plan, "target": plan})
        frame = pd.DataFrame(rows)
        frame["attainment"] = frame["revenue"] / frame["target"]
        return MonthsSimulated(attainment=frame, cycle_days={"deal": cycle} if cycle else {})

    return simulator


def trace(v: VerifiedHiring) -> list[tuple[int, str, dict[int, float], str, str]]:
    """Per iteration: number, hires, margins, months below, what changed."""
    t = v.iterations_table()
    return [
        (it.number, row.hires, it.margins, row.months_below, row.change)
        for it, row in zip(v.iterations, t.itertuples(), strict=True)
    ]


def test_a_calendar_met_in_every_month_stops_at_once() -> None:
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(_ramped(STEP), simulator=months(lambda cal: {}, calls))
    assert v.met
    assert calls == [MAY]
    assert trace(v) == [(1, "seller 1@2027-05", {}, "", "target reached")]
    assert v.reason.startswith("every counted month meets its plan in at least 80.0 %")
    table = v.months_table()
    assert list(table["label"]) == list(MONTHS)
    assert list(table["p_met"]) == [1.0] * 5
    low, high = wilson_interval(REPS, REPS)
    assert list(table["p_low"]) == [low] * 5 and list(table["p_high"]) == [high] * 5
    assert table["simulated_revenue"].tolist() == pytest.approx(
        [1.05 * p for p in (69_000, 66_000, 63_000, 132_000, 132_000)]
    )
    # Expected: the most the calendar's team can close, as the simulated team sells.
    value = evaluate_calendar(_ramped(STEP), v.final.plan)
    assert table["expected_revenue"].tolist() == [value.revenue[label] for label in MONTHS]
    # The final calendar is appraised (a month's delay, payback), as plan_hiring's.
    assert v.final.plan.calendar[0].appraised


def test_the_month_that_falls_short_is_raised_and_pulls_a_hire() -> None:
    # June met in half the replications under the May calendar; its 0.2 quantile 0.8
    # raises its plan by 1 / 0.8 = +25 %, which takes a June hire too; then met.
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(
        _ramped(STEP),
        simulator=months(lambda cal: {3: HALF} if cal == MAY else {}, calls),
    )
    assert v.met
    assert calls == [MAY, MAY_JUNE]
    assert trace(v) == [
        (1, "seller 1@2027-05", {}, "2027-06", "margin Jun 2027 +25 %"),
        (2, "seller 1@2027-05, 1@2027-06", {3: 1.25}, "", "target reached"),
    ]
    first = v.iterations[0].months[3]
    assert (first.p_met, (first.p_low, first.p_high)) == (0.5, wilson_interval(5, REPS))
    assert v.iterations[0].p_plan_met == pytest.approx(0.9)  # 45 of 50 months met
    # The months table is the final calendar's, with the real plan and the margin.
    june = v.months_table().iloc[3]
    assert (june["plan"], june["margin"], june["p_met"]) == (132_000.0, 1.25, 1.0)
    assert v.final.plan.plan["2027-06"] == pytest.approx(165_000.0)  # the raised row


def test_the_loop_stops_at_its_last_iteration_and_names_the_month() -> None:
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(
        _ramped(STEP), max_iterations=2, simulator=months(lambda cal: {3: HALF}, calls)
    )
    assert not v.met
    assert calls == [MAY, MAY_JUNE]
    assert trace(v) == [
        (1, "seller 1@2027-05", {}, "2027-06", "margin Jun 2027 +25 %"),
        (2, "seller 1@2027-05, 1@2027-06", {3: 1.25}, "2027-06", "margin Jun 2027 +56 %"),
    ]
    head, cause = v.reason.split("\n")
    assert head == (
        "stopped after 2 iterations: P(month met) of Jun 2027 below the 80.0 % asked for"
    )
    assert cause.startswith("- Jun 2027 met in 50.0 % (95 % interval")
    assert "with a plan margin of +25 %; allow more iterations" in cause


def test_a_calendar_that_stops_changing_is_no_progress() -> None:
    # June's 0.2 quantile 0.99: the least step (+3 %), then +6.1 %: the May hire still
    # does, so the same calendar comes back twice and is simulated once.
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(_ramped(STEP), simulator=months(lambda cal: {3: NEAR}, calls))
    assert not v.met
    assert calls == [MAY]
    assert trace(v) == [
        (1, "seller 1@2027-05", {}, "2027-06", "margin Jun 2027 +3 %"),
        (2, "seller 1@2027-05", {3: 1.03}, "2027-06", "margin Jun 2027 +6 %"),
        (3, "seller 1@2027-05", {3: 1.061}, "2027-06", "no progress"),
    ]
    assert v.reason.startswith(
        "the calendar stopped changing: 2 raises of the months below 80.0 % moved no hire; "
        "P(month met) of Jun 2027 below"
    )
    assert "raise the headcount limits" in v.reason


def test_a_raised_month_that_cannot_be_staffed_stops_the_loop() -> None:
    # At most 2 sellers: June +25 % needs a third seat-share (a June hire as well).
    sc = _with(_ramped(STEP), headcount={"current": 1, "min": 0, "max": 2})
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(sc, simulator=months(lambda cal: {3: HALF}, calls))
    assert not v.met and calls == [MAY] and len(v.iterations) == 1
    assert v.reason.startswith(
        "the calendar with the margins the months' spread needs (Jun 2027 +25 %) cannot be staffed"
    )
    assert v.causes  # the hiring plan's explanation of the raised plan
    # The first calendar's own impossibility is the caller's error, as in plain verify.
    tight = _with(_ramped(STEP), headcount={"current": 1, "min": 0, "max": 1})
    with pytest.raises(InfeasiblePlanError):
        verify_hiring(tight, simulator=months(lambda cal: {}, []))


def test_the_lag_is_calibrated_from_the_simulated_cycle() -> None:
    """A simulated cycle 5 days longer than the kernel's is taken up once, not again.

    With 5 days added the kernel's mean cycle is 5.66 days, not 0.26 + 5 (a delay ends at
    the next working minute): the simulated 5.26 is then 0.40 day off, under a day. (0.26:
    the lead's hour of work and its 30 minutes in the seller's queue, sim.rules.waits;
    0.17 and 5.62 before issue 12 R13 counted the queue.)
    """
    sc = _ramped(STEP)
    k0 = stage_months(sc, "deal").cycle_days
    assert (round(k0, 2), round(stage_months(sc, "deal", 5.0).cycle_days, 2)) == (0.26, 5.66)
    calls: list[tuple[tuple[str, int], ...]] = []
    v = verify_hiring(
        sc, max_iterations=3, simulator=months(lambda cal: {3: NEAR}, calls, cycle=k0 + 5.0)
    )
    lags = [it.lag_extra_days for it in v.iterations]
    assert lags == [{}, {"deal": 5.0}, {"deal": 5.0}]
    assert v.iterations[0].change == "margin Jun 2027 +3 %; lag deal +5.0 days"
    assert v.iterations_table()["lag_extra_days"].tolist() == ["", "deal +5.0", "deal +5.0"]


def test_refused_arguments() -> None:
    sc = _ramped(STEP)
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        verify_hiring(sc, confidence=1.0)
    with pytest.raises(ValueError, match="at least 2 replications"):
        verify_hiring(sc, replications=1)
    with pytest.raises(ValueError, match=r"margins\[9\] must be a counted month's"):
        plan_hiring(sc, margins={9: 1.1})
    with pytest.raises(ValueError, match="lag_extra_days names no segment 'x'"):
        plan_hiring(sc, lag_extra_days={"x": 1.0})


# --- the first plan simulated -----------------------------------------------------------------


def _certain(per_day: dict[int, float]) -> Scenario:
    """The hand case with every conversion 1: each dial connects and books a lead that wins.

    A dial takes 1 (booking) + 2 (conversation) minutes and is a lead; a lead takes 3 +
    60 minutes and brings 1000, so a seller brings 480 / 63 x 1000 = 7619 a working day.
    """
    data = _ramped(per_day).model_dump(mode="json", exclude_none=True)
    data["channels"]["cold"]["connect_rate"] = 1.0
    data["calls"]["lead_given_conversation"] = 1.0
    data["segments"]["deal"]["stages"][0]["convert"] = 1.0
    return scenario(data)


@pytest.mark.slow
def test_the_first_hiring_plan_simulated_delivers_each_months_plan() -> None:
    """The loop's first calendar played by the simulator delivers every month's plan.

    The plan (2 x STEP: 6000 a day to May, 12,000 from June) hires one seller in May, as
    in the hand case. Simulated (8 replications): every month reaches its plan, so the
    loop stops at its first iteration. The simulated seller dials the plan's 8 a day
    (``apply_hiring``: 480 / 62 = 7.74 dials rounded up), not the scenario's 30 (at 30 the
    leads of a day waited 7.8 days for their owner and June came 7.7 % short). Each
    month's mean revenue is what the team can close (``evaluate_calendar``) within 2.58
    standard errors + 3 %, and so is the sum: measured -1.0 % to +1.0 %, the sum +0.0 %.
    Before issue 12's fix the simulator completed a stage cut at the day's end, its
    missing minutes free: +3.3 % to +4.8 %, held by a 5 % margin now tightened to 3 %.
    """
    sc = _certain({m: 2 * v for m, v in STEP.items()})
    v = verify_hiring(sc, replications=8, seed=20270104, max_iterations=1, workers=1)
    assert v.met and len(v.iterations) == 1
    it = v.final
    assert it.plan.hires == {("seller", "2027-05"): 1}
    table = v.months_table()
    assert (table["simulated_revenue"] >= table["plan"]).all()
    assert (table["p_met"] == 1.0).all()
    frame = it.simulated.attainment
    for t in range(5):
        values = frame.loc[frame["month"] == t, "revenue"].to_numpy(dtype=np.float64)
        se = float(values.std(ddof=1)) / np.sqrt(len(values))
        row = table.iloc[t]
        gap = abs(row["simulated_revenue"] - row["expected_revenue"])
        assert gap <= 2.58 * se + 0.03 * row["expected_revenue"], row["label"]
    total, expected = table["simulated_revenue"].sum(), table["expected_revenue"].sum()
    assert abs(total - expected) <= 0.03 * expected
    assert it.scenario.roles["seller"].call_quota_per_day == 8
    kernel = stage_months(sc, "deal").cycle_days
    # The lead's 62 minutes of work and its wait in the seller's queue (sim.rules.waits;
    # 0.1701 before issue 12 R13 counted the queue).
    assert kernel == pytest.approx(0.2591, abs=1e-4)
    # Re-pinned (issue 12, free minutes removed): 8 dials a day are 8 x 62 = 496 minutes
    # of a 480-minute day, so the 16 minutes over are carried to the next day and the
    # stage work queues, a queue that grows through the horizon (the simulated seller
    # works 464 minutes of stages a day, 7.73 leads: the plan's 7.74). The simulated cycle
    # is 1.55 days, the kernel's (which ignores queueing, R6) plus 1.38: more than the
    # loop's lag step. It was 0.22 while the minutes cut at 18:00 were free.
    assert it.simulated.cycle_days["deal"] == pytest.approx(1.5532, abs=1e-4)
    assert it.simulated.cycle_days["deal"] - kernel > LAG_STEP_DAYS
