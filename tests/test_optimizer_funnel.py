"""Funnel arithmetic on hand-computed examples: a dial's worth, a lead's, the back-calculation."""

from __future__ import annotations

import pytest

from optimizer import back_calculate
from optimizer.economics import channel_economics, lead_economics
from optimizer.rates import rates
from optimizer.team import sizing_units
from sim.rules.deals import deal_economics
from sim.rules.people import assign_personas
from sim.scenario.team import Persona
from teamsim.io import load_scenario
from tests.optimizer_helpers import MARCH_DAYS, MONTH_DAYS, merge, scenario, tiny


def test_calendar_of_the_tiny_scenario() -> None:
    r = rates(scenario(tiny()))
    assert r.design.label == "2027-03"
    assert r.design.working_days == MARCH_DAYS
    assert r.per_month == pytest.approx(MONTH_DAYS)
    assert r.plan_per_day == pytest.approx(5000.0)


def test_dial_economics_by_hand() -> None:
    sc = scenario(tiny())
    ch = channel_economics(sc)["cold"]
    assert ch.connects_per_dial == pytest.approx(0.5)
    assert ch.conversations_per_dial == pytest.approx(0.5)
    assert ch.leads_per_dial == pytest.approx(0.25)
    # 0.5 * 1 min unanswered + 0.25 * 2 booking + 0.25 * 2 conversation
    assert ch.minutes_per_dial == pytest.approx(1.5)
    assert ch.contacts_per_day is None


def test_call_backs_bring_conversations_and_leads() -> None:
    # A conversation asks to be called back 20 % of the time, and a call-back is a
    # conversation again: 1 / (1 - 0.2) conversations and 0.5 / 0.8 leads per conversation.
    sc = scenario(tiny(**{"calls.follow_up_given_conversation": 0.2}))
    ch = channel_economics(sc)["cold"]
    assert ch.conversations_per_dial == pytest.approx(0.5 / 0.8)
    assert ch.leads_per_dial == pytest.approx(0.25 / 0.8)
    # 0.5 unanswered + 0.3125 booking calls of 2 + 0.3125 other conversations of 2
    assert ch.minutes_per_dial == pytest.approx(0.5 + 0.3125 * 2 + 0.3125 * 2)


def test_back_calculation_by_hand() -> None:
    funnel = back_calculate(scenario(tiny()))
    (row,) = funnel.rows
    # 5000 a day / 500 a lead = 10 leads a day, over an average month
    assert row.leads == pytest.approx(10 * MONTH_DAYS)
    assert row.dials == pytest.approx(40 * MONTH_DAYS)
    assert row.connects == pytest.approx(20 * MONTH_DAYS)
    assert row.won == pytest.approx(5 * MONTH_DAYS)
    assert row.revenue == pytest.approx(5000 * MONTH_DAYS)
    assert funnel.shortfall == {}


def test_referral_leads_reduce_dialling() -> None:
    data = tiny()
    data["channels"]["partners"] = {"kind": "referral", "leads_per_week": 25}  # 5 a day
    data["segments"]["deal"]["channels"] = ["cold", "partners"]
    (cold, partners) = back_calculate(scenario(data)).rows
    assert partners.leads == pytest.approx(5 * MONTH_DAYS)
    assert cold.leads == pytest.approx(5 * MONTH_DAYS)


def test_warm_pool_first_then_cold_and_shortfall_without_cold() -> None:
    data = tiny()
    # 230 contacts over the 20-day horizon: 11.5 connects a day, 5.75 leads a day.
    data["channels"]["warm"] = {"kind": "warm", "pool": 230, "connect_rate": 0.5}
    data["segments"]["deal"]["channels"] = ["warm", "cold"]
    rows = {r.channel: r for r in back_calculate(scenario(data)).rows}
    assert rows["warm"].connects == pytest.approx(11.5 * MONTH_DAYS)
    assert rows["warm"].leads + rows["cold"].leads == pytest.approx(10 * MONTH_DAYS)
    only_warm = merge(data, {"segments.deal.channels": ["warm"]})
    del only_warm["channels"]["cold"]
    assert back_calculate(scenario(only_warm)).shortfall["2027-03"] > 0


def test_stage_reach_approvals_and_persona_multipliers() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    e = deal_economics(sc, "consumer_loan", Persona())
    assert e.reach == pytest.approx((1.0, 0.45, 0.2475, 0.185625))
    assert e.win == pytest.approx(0.45 * 0.55 * 0.75 * 0.9)
    assert e.revenue == pytest.approx(350_000 * e.win)
    assert e.approvals[next(iter(e.approvals))] == pytest.approx(0.2475)
    better = deal_economics(sc, "consumer_loan", Persona(duration_x=1.1, conversion_x=1.25))
    # each conversion times 1.25, the contract's 0.9 capped at 1
    assert better.win == pytest.approx(0.45 * 0.55 * 0.75 * 1.25**3)
    assert better.minutes["stage_work"] > e.minutes["stage_work"]


def test_a_role_mix_is_the_personas_its_people_have() -> None:
    # 14 client managers of a 50/30/20 mix are 7 executive, 4 erudite, 3 slow: the win
    # of a lead is the average over those people, each persona's conversions compounded.
    sc = load_scenario("scenarios/retail_bank.yaml")
    r = rates(sc)
    (cm,) = [u for u in sizing_units(sc, r, {"client_manager": 14}) if u.role == "client_manager"]
    wins = {
        name: deal_economics(sc, "consumer_loan", sc.personas[name]).win
        for name in ("executive", "erudite", "slow")
    }
    mix = (7 * wins["executive"] + 4 * wins["erudite"] + 3 * wins["slow"]) / 14
    e = lead_economics(sc, r, cm, "consumer_loan")
    assert e.won == pytest.approx(mix * cm.productivity)


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
