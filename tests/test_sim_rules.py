"""The simulator plays the rules of sim.rules: exact traces of tiny runs and counts of big ones."""

from __future__ import annotations

import copy
import math
from collections import deque

import pytest
from model_helpers import BASE, day_minutes, tiny

from sim.model import run_replication
from sim.model.calls import Pools, draw_plan, make_dialer, return_unused
from sim.model.people import build_people
from sim.model.worker import carry_over
from sim.scenario import Scenario

CALL_FIRST = ["calls", "follow_ups", "duties", "meetings", "inbound", "approvals"]


def _won_share(rec: object) -> tuple[int, int]:
    deals = [d for d in rec.deals if d.outcome != "open"]  # type: ignore[attr-defined]
    return sum(d.outcome == "won" for d in deals), len(deals)


def test_ramp_scales_the_win_once_not_every_stage() -> None:
    # Every dial books a lead that passes three stages for sure; a seat always in its
    # first ramp month wins 40 % of them (0.4 ** 3 = 6 % if every stage were scaled).
    three = [{"name": f"s{i}", "work_min": 1, "convert": 1.0} for i in range(3)]
    sc = tiny(
        calendar={"horizon_days": 40},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        segments={"s": {"stages": three}},
        roles={"seller": {"ramp": {"productivity_by_month": [0.4], "new_hires_per_year": 5000}}},
    )
    won, closed = _won_share(run_replication(sc, 0, 11))
    assert closed > 300
    p = won / closed
    # Binomial: 4 standard errors either side.
    assert abs(p - 0.4) <= 4 * math.sqrt(0.4 * 0.6 / closed), (won, closed)


def test_duty_minutes_a_busy_day_cannot_hold_wait_for_the_next_day() -> None:
    # The day's one dial books a deal whose 400-minute stage comes before the 100-minute
    # duty: the day holds what is left of it, the rest waits (carry_over).
    sc = tiny(
        calendar={"horizon_days": 1, "workday": {"lunch_min": 60, "breaks_min": 0}},
        roles={"seller": {"call_quota_per_day": 1}},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        segments={"s": {"stages": [{"name": "work", "work_min": 400, "convert": 0.0}]}},
        duties={"admin": {"levels": ["line"], "minutes": 100, "per": "head_per_day"}},
        policies={"priorities": CALL_FIRST, "call_quota_per_day": 1},
    )
    day = day_minutes(run_replication(sc, 0, 1))["seller.01", 0]
    assert day["stage_work"] == pytest.approx(400)
    assert day["duty:admin"] == pytest.approx(480 - day["calls"] - 400)
    left = deque([["duty:admin", 25.0], ["after_sale", 5.0]])
    today = carry_over(left, [("duty:admin", 100.0), ("after_sale", 3.0), ("duty:x", 1.0)])
    assert list(today) == [["duty:admin", 125.0], ["after_sale", 8.0], ["duty:x", 1.0]]


def test_dials_a_day_could_not_hold_are_owed_to_the_next_days() -> None:
    sc = tiny()
    people = build_people(sc, 1, 0)
    (p,) = people
    dialer = p.calls = make_dialer(sc, p, 1, 0)
    assert dialer is not None
    pools = Pools(sc)
    pools.register(people)
    # Ten drawn, four made: six owed.
    dialer.wanted = 10
    dialer.plan = draw_plan(p, dialer, pools, 10, 0)
    dialer.plan.next = 4
    return_unused(dialer, pools, p.pid, 10)
    assert dialer.owed == 6 and dialer.plan is None
    # A day that held no calling at all owes its whole quota too.
    return_unused(dialer, pools, p.pid, 10)
    assert dialer.owed == 16


def test_an_inbound_request_stops_a_duty_at_once() -> None:
    # A one-hour duty from 09:00; requests rank above duties, so each is answered as it
    # comes (no wait), the duty resuming after it, and all 60 minutes are still done.
    data = copy.deepcopy(BASE)
    del data["segments"], data["calls"]
    data["calendar"]["horizon_days"] = 1
    # Pausing together: a lone answerer's own lunch under a rota would keep requests
    # waiting (tests/test_rota_sim.py), which is not this test's point.
    data["calendar"]["workday"]["pause_rule"] = "together"
    data["roles"]["seller"].update(handles_inbound=True, selling_share=0.0)
    data["channels"] = {
        "web": {"kind": "inbound", "requests_per_day": 20, "handle_min": 1, "answer_within_min": 1}
    }
    data["duties"] = {"admin": {"levels": ["line"], "minutes": 60, "per": "head_per_day"}}
    data["policies"].update(call_quota_per_day=0, max_calls_per_day=0)
    sc = Scenario.model_validate(data)
    rec = run_replication(sc, 0, 3)
    waits = [w.wait_min for w in rec.waits if w.kind == "inbound"]
    assert len(waits) >= 10
    assert max(waits) < 1.0  # one agent, one-minute requests: only another request delays
    assert day_minutes(rec)["seller.01", 0]["duty:admin"] == pytest.approx(60)


def test_each_caller_works_their_share_of_a_pool_s_release() -> None:
    # A pool of 30 for one day, everyone answers: the seller (share 1) reaches 20, the
    # lead (share 0.5) 10; then both go on to the cold list.
    sc = tiny(
        calendar={"horizon_days": 1},
        roles={
            "seller": {"reports_to": "lead", "call_quota_per_day": 25},
            "lead": {"level": "lower", "headcount": 1, "monthly_cost": 1, "selling_share": 0.5},
        },
        channels={"warm": {"kind": "warm", "pool": 30, "connect_rate": 1.0}},
        segments={"s": {"channels": ["warm", "cold"]}},
        calls={"lead_given_conversation": 0.0},
        policies={"call_quota_per_day": 25},
    )
    rec = run_replication(sc, 0, 1)
    warm = {r.person: r.dials for r in rec.calls if r.channel == "warm"}
    assert warm == {"seller.01": 20, "lead.01": 10}
    cold = {r.person: r.dials for r in rec.calls if r.channel == "cold"}
    assert cold == {"seller.01": 5, "lead.01": 2}  # quotas 25 and round(0.5 x 25) = 12


def test_referrals_go_to_sellers_in_proportion_to_selling_share() -> None:
    # Two sellers (share 1) and a lead selling 0.5: the lead gets 0.5 / 2.5 of referrals.
    sc = tiny(
        calendar={"horizon_days": 200},
        roles={
            "seller": {"headcount": 2, "reports_to": "lead", "call_quota_per_day": 0},
            "lead": {"level": "lower", "headcount": 1, "monthly_cost": 1, "selling_share": 0.5},
        },
        channels={"partners": {"kind": "referral", "leads_per_week": 50}},
        segments={"s": {"channels": ["cold", "partners"]}},
        policies={"call_quota_per_day": 0},
    )
    deals = run_replication(sc, 0, 5).deals
    lead = sum(d.owner == "lead.01" for d in deals)
    assert len(deals) > 1500
    share = lead / len(deals)
    assert abs(share - 0.2) <= 4 * math.sqrt(0.2 * 0.8 / len(deals)), (lead, len(deals))
