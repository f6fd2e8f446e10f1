"""Funnel arithmetic on hand-computed examples."""

from __future__ import annotations

import pytest

from optimizer import back_calculate
from optimizer.economics import channel_economics, segment_economics
from optimizer.rates import rates
from optimizer.team import assign_personas
from teamsim.io import load_scenario
from tests.optimizer_helpers import MARCH_DAYS, merge, scenario, tiny


def test_calendar_of_the_tiny_scenario() -> None:
    r = rates(scenario(tiny()))
    assert r.design.label == "2027-03"
    assert r.design.working_days == MARCH_DAYS
    assert r.plan_per_day == pytest.approx(5000.0)


def test_dial_economics_by_hand() -> None:
    sc = scenario(tiny())
    ch = channel_economics(sc, rates(sc))["cold"]
    assert ch.connects_per_dial == pytest.approx(0.5)
    assert ch.conversations_per_dial == pytest.approx(0.5)
    assert ch.leads_per_dial == pytest.approx(0.25)
    # 0.5 * 1 min unanswered + 0.25 * 2 booking + 0.25 * 2 conversation
    assert ch.minutes_per_dial == pytest.approx(1.5)
    assert ch.contacts_per_day is None


def test_follow_ups_add_conversation_time_not_leads() -> None:
    sc = scenario(tiny(**{"calls.follow_up_given_conversation": 0.2}))
    ch = channel_economics(sc, rates(sc))["cold"]
    assert ch.leads_per_dial == pytest.approx(0.25)
    assert ch.minutes_per_dial == pytest.approx(1.5 + 0.5 * 0.2 * 2)
    assert ch.calls_per_dial == pytest.approx(1.1)


def test_back_calculation_by_hand() -> None:
    funnel = back_calculate(scenario(tiny()))
    (row,) = funnel.rows
    # 5000 a day / 500 a lead = 10 leads a day, 23 days
    assert row.leads == pytest.approx(230)
    assert row.dials == pytest.approx(920)
    assert row.connects == pytest.approx(460)
    assert row.won == pytest.approx(115)
    assert row.revenue == pytest.approx(115_000)
    hours = {(h.level, h.activity): h.hours for h in funnel.hours}
    assert hours[("line", "calls")] == pytest.approx(920 * 1.5 / 60)
    assert hours[("line", "stage_work")] == pytest.approx(230)
    assert funnel.shortfall == {}


def test_referral_leads_reduce_dialling() -> None:
    data = tiny()
    data["channels"]["partners"] = {"kind": "referral", "leads_per_week": 25}  # 5 a day
    data["segments"]["deal"]["channels"] = ["cold", "partners"]
    (cold, partners) = back_calculate(scenario(data)).rows
    assert partners.leads == pytest.approx(5 * MARCH_DAYS)
    assert cold.leads == pytest.approx(5 * MARCH_DAYS)


def test_warm_pool_first_then_cold_and_shortfall_without_cold() -> None:
    data = tiny()
    # 23 contacts a day over the 20-day horizon: 460 connects, so 230 leads at most.
    data["channels"]["warm"] = {"kind": "warm", "pool": 230, "connect_rate": 0.5}
    data["segments"]["deal"]["channels"] = ["warm", "cold"]
    rows = {r.channel: r for r in back_calculate(scenario(data)).rows}
    assert rows["warm"].connects == pytest.approx(11.5 * MARCH_DAYS)
    assert rows["warm"].leads + rows["cold"].leads == pytest.approx(230)
    only_warm = merge(data, {"segments.deal.channels": ["warm"]})
    del only_warm["channels"]["cold"]
    assert back_calculate(scenario(only_warm)).shortfall["2027-03"] > 0


def test_stage_reach_approvals_and_persona_multipliers() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    e = segment_economics(sc, "consumer_loan", rates(sc))
    assert e.reach == pytest.approx((1.0, 0.45, 0.2475, 0.185625))
    assert e.win == pytest.approx(0.45 * 0.55 * 0.75 * 0.9)
    assert e.revenue == pytest.approx(350_000 * e.win)
    assert e.approvals[next(iter(e.approvals))] == pytest.approx(0.2475)
    better = segment_economics(sc, "consumer_loan", rates(sc), conversion_x=1.25, duration_x=1.1)
    # each conversion times 1.25, the contract's 0.9 capped at 1
    assert better.win == pytest.approx(0.45 * 0.55 * 0.75 * 1.25**3)
    assert better.work_min > e.work_min


@pytest.mark.parametrize(
    ("mix", "n", "expected"),
    [
        ({"a": 0.5, "b": 0.3, "c": 0.2}, 14, ["a"] * 7 + ["b"] * 4 + ["c"] * 3),
        ({"a": 0.5, "b": 0.5}, 3, ["a", "a", "b"]),
        ({}, 2, ["", ""]),
    ],
)
def test_personas_by_largest_remainder(mix: dict[str, float], n: int, expected: list[str]) -> None:
    assert assign_personas(mix, n) == expected
