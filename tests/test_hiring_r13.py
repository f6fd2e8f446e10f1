"""The lag kernel counts the waits the simulator plays on our side (issue 12, R13).

A lead's course in the simulator waits for more than the client: a meeting is booked on a
later day at a half-hour slot and takes its travel, a follow-up waits for the work in its
owner's hands and for the meetings ahead, an approval takes its minutes at the approver,
work due on a day its owner is away waits for them (sim.rules.waits). Without them the
kernel closed retail_bank's loans 1.9 days and payroll projects 3.8 days before the
simulator did (6.35 against 8.27 days, 22.12 against 25.9), and its months were off by
up to 18 % given the same leads. The rules, each against a hand-solved case or the
simulator's own draws, then the first calendar of the small case simulated as it stands.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from model_helpers import AVAILABLE, tiny

from optimizer import apply_hiring, evaluate_calendar, plan_hiring
from optimizer.hiring_rates import hiring_rates
from optimizer.hiring_value import indexed, planned_dials, solved_calendar
from optimizer.solvers import make_solver
from sim import simulate
from sim.model.absences import draw_absences
from sim.rules.day import DAY_MIN, day_starts
from sim.rules.lag import stage_months
from sim.rules.waits import (
    absence_wait_days,
    approval_minutes,
    followup_span_min,
    followup_wait_min,
    meeting_minutes,
    owner_day,
    slot,
    stage_waits,
    vacation_blocks,
)
from sim.scenario import Scenario
from teamsim.io import load_scenario

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CASE = ("roles.client_manager.headcount.current=6", "calendar.horizon_days=120")
REPS = 16
TOLERANCE = 0.03  # of the expected revenue, on top of 2.58 standard errors


def _three_stages() -> Scenario:
    # a: a 30-minute follow-up converting half; b: a 60-minute meeting; c: 90 minutes.
    return tiny(
        segments={
            "s": {
                "stages": [
                    {"name": "a", "work_min": 30, "convert": 0.5},
                    {"name": "b", "work_min": 60, "convert": 1.0, "meeting": True},
                    {"name": "c", "work_min": 90, "convert": 1.0},
                ]
            }
        }
    )


# --- the rules --------------------------------------------------------------------------


def test_meetings_are_booked_at_half_hour_slots() -> None:
    assert [slot(x) for x in (0.0, 1.0, 30.0, 30.0 + 1e-12, 31.0, 449.0)] == [
        0.0,
        30.0,
        30.0,
        30.0,
        60.0,
        450.0,
    ]
    np.testing.assert_array_equal(slot(np.array([0.0, 45.0, 60.0])), [0.0, 60.0, 60.0])


def test_vacation_is_one_block_or_two_halves_and_the_simulator_draws_so() -> None:
    assert vacation_blocks(0) == [0]
    assert vacation_blocks(9) == [9]
    assert vacation_blocks(10) == [5, 5]
    assert vacation_blocks(21) == [10, 11]
    sc = load_scenario("scenarios/retail_bank.yaml")
    absence = sc.roles["client_manager"].absence.model_copy(update={"sick_days": 0.0})
    years = sc.calendar.horizon_days / sc.calendar.working_days_per_year
    away = draw_absences(absence, days=120, years=years, rng=np.random.default_rng(1))
    days = sorted(away)
    runs = np.split(days, np.flatnonzero(np.diff(days) > 1) + 1)
    assert sorted(len(r) for r in runs) in ([5, 5], [9])  # 20 x 120 / 247 = 9.7 days


def test_the_wait_for_an_owner_away_by_hand_and_against_the_simulators_draws() -> None:
    # Sick days only, one year: single days at rate r = 12 / Y; work due g < 1 day after
    # its owner was at work waits r (g - g^2 / 2) days, from g >= 1 on r / 2.
    sc = tiny(
        calendar={"horizon_days": 250},
        roles={"seller": {"absence": {"vacation_days": 0, "sick_days": 12}}},
    )
    r = 12 / sc.calendar.working_days_per_year
    assert absence_wait_days(sc, "seller", 0.0) == 0.0
    assert absence_wait_days(sc, "seller", 0.5) == pytest.approx(r * (0.5 - 0.125))
    assert absence_wait_days(sc, "seller", 1.0) == pytest.approx(r / 2)
    assert absence_wait_days(sc, "seller", 30.0) == pytest.approx(r / 2)
    # retail_bank's client managers over 120 days (vacation 9.7 days in one block of 9 or
    # two of 5, 2.9 sick days): the rule against 4,000 people drawn by the simulator, work
    # due g days after a day at work, at a minute uniform over its day, waiting for the
    # first morning back: the whole days away from its day on, less half a day.
    bank = load_scenario("scenarios/retail_bank.yaml", list(CASE))
    absence = bank.roles["client_manager"].absence
    years = 120 / bank.calendar.working_days_per_year
    rng = np.random.default_rng(20261201)
    away = np.zeros((4000, 140), dtype=bool)
    for row in away:
        row[list(draw_absences(absence, days=120, years=years, rng=rng))] = True
    for gap in (1, 2, 5, 10):
        waits = []
        for d0 in range(10, 100):
            here = ~away[:, d0]
            back = np.argmax(~away[:, d0 + gap :], axis=1)  # days until the first day at work
            waits.append(np.where(back > 0, back - 0.5, 0.0)[here])
        found = np.concatenate(waits)
        rule = absence_wait_days(bank, "client_manager", float(gap))
        assert abs(found.mean() - rule) <= 3 * found.std() / math.sqrt(4000) + 0.01, gap


def test_a_meeting_holds_its_owner_for_the_road_and_the_persona_pace() -> None:
    bank = load_scenario("scenarios/retail_bank.yaml")
    # Travel triangular 20/40/90: 50 minutes each way; personas 0.5 x 1.0 + 0.3 x 1.1 +
    # 0.2 x 1.4 = 1.11 on the 50-minute meeting.
    assert meeting_minutes(bank, "client_manager", 50.0) == pytest.approx(100.0 + 55.5)
    assert meeting_minutes(bank, "supervisor", 50.0) == pytest.approx(50.0)  # no road
    assert meeting_minutes(bank, "client_manager", 1000.0) == bank.calendar.workday.available_min
    # An approval of 15 minutes (supervisor or head) and an escalation of 30 on 3 % of
    # loans, one stage of four alike: 15 + 0.03 / 4 x 30.
    assert approval_minutes(bank, "consumer_loan", 2) == pytest.approx(15.0 + 0.225)
    assert approval_minutes(bank, "consumer_loan", 1) == pytest.approx(0.225)


def test_a_follow_up_waits_for_the_work_in_hand_by_hand() -> None:
    # At the 85 % cap, no duties: a lead asks 30 follow-up minutes (a), half a 60-minute
    # meeting (b) and half 90 follow-up minutes (c): 75 follow-up and 30 meeting minutes.
    sc = _three_stages()
    day = owner_day(sc, "seller")
    assert day.meetings == pytest.approx(0.85 * 30 / 105)
    assert day.followups == pytest.approx(0.85 * 75 / 105)
    assert day.duties == 0.0
    # Residuals E[S^2] / 2 E[S]: the meeting 60 / 2; follow-up pieces of at most 60
    # minutes, (30 x 30 + 0.5 x 90 x 60) / (2 x 75) = 24.
    assert day.meeting_residual == pytest.approx(30.0)
    assert day.followup_residual == pytest.approx(24.0)
    wait = (day.meetings * 30.0 + day.followups * 24.0) / (1.0 - day.meetings)
    assert followup_wait_min(sc, "seller") == pytest.approx(wait)
    assert wait == pytest.approx(28.8679, abs=1e-4)
    a, b, c = stage_waits(sc, "s")
    assert (a.meeting, b.meeting, c.meeting) == (False, True, False)
    # c's 90 minutes are two pieces: the second waits for the meetings that came due
    # during the first, 30 / (1 - rho_meetings) (a's and b's fit in one piece).
    stretched = 90.0 + 30.0 * day.meetings / (1.0 - day.meetings)
    assert followup_span_min(sc, "seller", 90.0) == pytest.approx(stretched)
    assert (a.work, b.work, c.work) == (30.0, 60.0, pytest.approx(stretched))
    assert (a.queue, b.queue) == (pytest.approx(wait), 0.0)
    # c comes due when the meeting ends: the follow-ups due meanwhile are ahead of it.
    assert c.queue == pytest.approx(wait + day.followups * 60.0)


def test_a_meeting_is_booked_a_day_later_in_the_kernel() -> None:
    # A meeting with no client delay, seven-day weeks: booked on the next day at its first
    # slot, so every lead's meeting (and close) is a date later: March's last date closes
    # in April, April's last in May, May's last after the horizon.
    sc = tiny(
        calendar={"start": "2027-03-01", "horizon_days": 92, "weekdays": EVERY_DAY},
        segments={
            "s": {"stages": [{"name": "m", "work_min": 60, "convert": 1.0, "meeting": True}]}
        },
    )
    k = stage_months(sc, "s")
    expected = np.array([[30 / 31, 1 / 31, 0.0], [0.0, 29 / 30, 1 / 30], [0.0, 0.0, 30 / 31]])
    np.testing.assert_allclose(k.close, expected, atol=1e-12)
    np.testing.assert_allclose(k.close_beyond, [0.0, 0.0, 1 / 31], atol=1e-12)
    # The meeting is at 09:00 the next day and lasts 60 minutes: a lead created at working
    # minute x of its day (wall minute x, or x + the 90-minute pause after noon) closes
    # 1 day + 60 - x minutes later (less the pause), x uniform over the 450.
    mean_min = DAY_MIN + 60.0 - AVAILABLE / 2 - 90.0 / 2
    assert k.cycle_days == pytest.approx(mean_min / DAY_MIN, abs=1e-3)
    np.testing.assert_allclose(k.work[0], k.close, atol=1e-12)


# --- the first calendar, simulated as it stands -----------------------------------------


@pytest.fixture(scope="module")
def case() -> dict[str, object]:
    sc = load_scenario("scenarios/retail_bank.yaml", list(CASE))
    plan = plan_hiring(sc)
    result = simulate(apply_hiring(sc, plan), REPS, workers=1)
    return {"scenario": sc, "plan": plan, "result": result}


@pytest.mark.slow
def test_the_first_calendar_delivers_its_expected_revenue_month_by_month(
    case: dict[str, object],
) -> None:
    sc, plan, result = case["scenario"], case["plan"], case["result"]
    assert isinstance(sc, Scenario)
    # What the calendar's team can sell by month (the verify loop's expectation).
    value = evaluate_calendar(sc, plan)  # type: ignore[arg-type]
    expected = {m.index: m.revenue for m in value.months if m.counted}
    frame = result.frames.attainment_month  # type: ignore[attr-defined]
    assert sorted(frame["month"].unique()) == sorted(expected) and len(expected) == 3
    for month, want in expected.items():
        revenue = frame.loc[frame["month"] == month, "revenue"].to_numpy(dtype=float)
        assert len(revenue) == REPS
        se = revenue.std(ddof=1) / math.sqrt(REPS)
        gap = revenue.mean() - want
        assert abs(gap) <= 2.58 * se + TOLERANCE * want, (month, revenue.mean(), want, se)
    # Each month is simulated with the dials it planned (call_quota_by_month): the months
    # before the plan's first dial make no leads. With one quota of the busiest month for
    # every month the people dialled February's 51 a day from January, whose leads' work
    # ate February: March came out 12 % short, April and May 6-7 % over (16 replications).
    hr = hiring_rates(sc)
    cal = indexed(sc, hr, plan)  # type: ignore[arg-type]
    hm = solved_calendar(sc, hr, cal, objective="revenue", solver=make_solver(None))
    by_month, _ = planned_dials(hm)
    first = min(t for dials in by_month.values() for t, d in enumerate(dials) if d > 0)
    assert first == 1  # February, in this case
    calls = result.frames.calls  # type: ignore[attr-defined]
    assert int(calls.loc[calls["month"] < first, "dials"].sum()) == 0


@pytest.mark.slow
def test_the_kernel_closes_the_simulated_leads_when_the_simulator_does(
    case: dict[str, object],
) -> None:
    # The kernel read on the simulation's own wins by month of creation (first sales):
    # where they close by month, paired by replication, and the mean cycle.
    sc, result = case["scenario"], case["result"]
    assert isinstance(sc, Scenario)
    deals = result.frames.deals  # type: ignore[attr-defined]
    won = deals[(deals["outcome"] == "won") & ~deals["repeat"]]
    starts, months = np.asarray(day_starts(sc)), np.asarray(sc.months)
    created = months[np.searchsorted(starts, won["created_min"].to_numpy(), "right") - 1]
    closed = won["close_month"].to_numpy()
    n = int(months.max()) + 1
    for sid in sc.segments:
        k = stage_months(sc, sid)
        rows = k.close / np.maximum(k.close.sum(axis=1, keepdims=True), 1e-12)
        mine = (won["segment"] == sid).to_numpy()
        sim_cycle = float(won.loc[mine, "cycle_days"].mean())
        assert abs(k.cycle_days - sim_cycle) <= 0.1 * sim_cycle, (sid, k.cycle_days, sim_cycle)
        value = won["value"].to_numpy()
        gaps, totals = np.zeros((REPS, n)), np.zeros((REPS, n))
        for r in range(REPS):
            here = mine & (won["replication"].to_numpy() == r)
            made = np.bincount(created[here], weights=value[here], minlength=n)
            got = np.bincount(closed[here], weights=value[here], minlength=n)
            gaps[r], totals[r] = made @ rows - got, got
        se = gaps.std(axis=0, ddof=1) / math.sqrt(REPS)
        bound = 2.58 * se + TOLERANCE * totals.mean(axis=0)
        assert (np.abs(gaps.mean(axis=0)) <= bound + 1e-9).all(), (sid, gaps.mean(0), bound)
