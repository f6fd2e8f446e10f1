"""The rules of the working day (sim.rules), each against a value worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim.analytic import service_level
from sim.rules import calls, day, deals, duties, people, service
from sim.scenario import Level
from sim.scenario.loader import parse_scenario
from sim.scenario.team import Persona
from teamsim.io import load_scenario
from tests.scenario_texts import BASE

WEEK = 365.25 / 7  # weeks in a year


def test_working_days_a_year_week_and_month_from_the_calendar() -> None:
    # Mon-Fri, no holidays: 5 working days in each of 52.18 weeks.
    sc = parse_scenario(BASE, "base.yaml")
    cal = sc.calendar
    assert cal.working_days_per_year == pytest.approx(5 * WEEK)
    assert cal.working_days_per_week == pytest.approx(5.0)
    assert cal.working_days_per_month == pytest.approx(5 * WEEK / 12)
    assert cal.month_working_days(2027, 3) == 23


def test_holidays_lower_the_year_at_the_rate_the_horizon_has_them() -> None:
    # Two weekday holidays in a horizon spanning `span` calendar days.
    holidays = "[2027-01-06, 2027-01-13]"
    sc = parse_scenario(BASE, "base.yaml", [f"calendar.holidays={holidays}"])
    cal = sc.calendar
    span = (cal.dates[-1] - cal.start).days + 1
    assert cal.working_days_per_year == pytest.approx(5 * WEEK - 2 * 365.25 / span)
    assert dt.date(2027, 1, 6) not in cal.dates
    assert not cal.is_working_day(dt.date(2027, 1, 9))  # a Saturday


def test_presence_is_days_at_work_in_the_calendars_year() -> None:
    sc = load_scenario("scenarios/support_desk.yaml")
    agent = sc.roles["agent"]
    year = sc.calendar.working_days_per_year
    assert day.presence(agent, sc) == pytest.approx(1 - 27.8 / year)
    # The desk's default rota: requests arrive over the whole open day, 09:00-17:30.
    assert day.arrival_min_per_day(sc) == 510.0
    assert day.pause_min(sc) == 60.0
    # Pausing together, over the working minutes: 8 h less 30 min of breaks.
    together = load_scenario("scenarios/support_desk.yaml", [TOGETHER])
    assert day.arrival_min_per_day(together) == 450.0


def test_a_duty_s_minutes_a_day_for_every_scaling() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    week, month = sc.calendar.working_days_per_week, sc.calendar.working_days_per_month
    report, coaching, planning = (sc.duties[d] for d in ("report", "coaching", "planning"))
    assert duties.minutes_per_day(sc, report) == 15
    assert duties.minutes_per_day(sc, coaching, reports=3) == pytest.approx(60 * 3 / week)
    assert duties.minutes_per_day(sc, planning) == pytest.approx(300 / week)
    assert duties.per_day(sc, duties.DutyScale.FIXED_PER_MONTH) == pytest.approx(1 / month)
    assert duties.activity("approval", sc.duties["approval"]) == "approval"
    assert duties.activity("report", report) == "duty:report"


def test_approval_minutes_are_the_sum_of_every_duty_that_lists_the_level() -> None:
    extra = "duties.credit_check={levels: [lower], minutes: 50, per: approval}"
    sc = parse_scenario(BASE, "base.yaml", [extra])
    assert duties.event_minutes(sc, duties.DutyScale.APPROVAL, Level.LOWER) == 60
    assert duties.event_minutes(sc, duties.DutyScale.APPROVAL, Level.MIDDLE) == 10


def test_the_approver_is_the_nearest_manager_at_the_level_or_above() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    staffed = {"head": 1, "lead": 1, "seller": 5}
    assert duties.approver_role(sc, "seller", Level.LOWER, staffed) == "lead"
    assert duties.approver_role(sc, "seller", Level.MIDDLE, staffed) == "head"
    # A vacant lead level is skipped: the head approves.
    assert duties.approver_role(sc, "seller", Level.LOWER, {**staffed, "lead": 0}) == "head"
    assert duties.fixed_holders(sc, "planning", staffed) == ["head"]


def test_managers_in_turn_so_spans_are_balanced() -> None:
    sc = parse_scenario(BASE, "base.yaml", ["roles.lead.headcount={current: 2, max: 3}"])
    tree = people.link_managers(sc, {"head": 1, "lead": 2, "seller": 5})
    assert [tree[f"seller.{i:02d}"] for i in range(1, 6)] == [
        "lead.01",
        "lead.02",
        "lead.01",
        "lead.02",
        "lead.01",
    ]
    assert tree["lead.02"] == "head.01"


def test_ramp_by_tenure_and_the_loss_of_the_team_sized() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    cm = sc.roles["client_manager"]
    month = sc.calendar.working_days_per_month
    assert people.ramp_productivity(cm.ramp, 0, month) == 0.25
    assert people.ramp_productivity(cm.ramp, 1.5 * month, month) == 0.5
    assert people.ramp_productivity(cm.ramp, 10 * month, month) == 1.0
    # 3 replacements a year, each losing 0.75 + 0.5 + 0.25 = 1.5 months of output.
    assert people.shortfall_months(cm.ramp) == pytest.approx(1.5)
    assert people.expected_productivity(cm, 14) == pytest.approx(1 - 3 * 1.5 / 12 / 14)
    assert people.expected_productivity(cm, 7) == pytest.approx(1 - 3 * 1.5 / 12 / 7)


def test_selling_share_caps_a_manager_s_dials() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    assert people.dial_cap(sc, "supervisor") == pytest.approx(0.2 * 60)
    assert people.daily_dials(sc, "supervisor") == 6  # 0.2 x the policy's 30
    assert people.planned_dials_cap(sc, "client_manager") == pytest.approx(0.85 * 60)


def test_a_dial_s_worth_with_call_backs() -> None:
    # b2b_smb's cold list: connect 0.054, conversation 0.58, lead 0.33, call back 0.2.
    sc = load_scenario("scenarios/b2b_smb.yaml")
    d = calls.dial_economics(sc, "cold_list")
    first = 0.054 * 0.58
    assert d.conversations == pytest.approx(first / 0.8)
    assert d.leads == pytest.approx(first / 0.8 * 0.33)
    minutes = (1 - 0.054) * 0.75 + 0.054 * 0.42 * 0.5 + d.leads * 5.8
    assert d.minutes == pytest.approx(minutes + (d.conversations - d.leads) * 3.2)
    o = calls.dial_outcomes(sc, "cold_list")
    q = o.thresholds()
    assert q[0] == pytest.approx(1 - 0.054) and q[3] - q[1] == pytest.approx(first * 0.53)


def test_warm_pools_come_first_then_cold_lists_in_turn() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    channels = ["individuals", "payroll_client_staff", "partners", "non_client_company_staff"]
    assert calls.dial_order(sc, channels) == (
        ["payroll_client_staff"],
        ["individuals", "non_client_company_staff"],
    )
    in_turn = load_scenario("scenarios/retail_bank.yaml", ["policies.channel_order=in_turn"])
    assert calls.dial_order(in_turn, channels)[0] == []


def test_a_pool_is_released_evenly_over_the_horizon() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    # 4000 contacts and a refill of 150 at each of the months after the first.
    total = 4000 + 150 * sc.months[-1]
    assert calls.pool_total(sc, "payroll_client_staff") == total
    assert calls.contacts_per_day(sc, "payroll_client_staff") == pytest.approx(total / 120)
    assert calls.released_by(sc, "payroll_client_staff", 0) == pytest.approx(total / 120)
    assert calls.released_by(sc, "payroll_client_staff", 119) == pytest.approx(total)
    assert calls.pool_shares({"a": 1.0, "b": 0.5}) == {"a": 2 / 3, "b": 1 / 3}


def test_a_deal_s_expected_course_by_hand() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    e = deals.deal_economics(sc, "loan", Persona(duration_x=2.0))
    assert e.reach == (1.0, 0.5, 0.25)
    assert e.win == pytest.approx(0.225)
    # Desk stages: 20 + 0.25 x 30; the meeting: 0.5 x 45; each doubled by the persona.
    assert e.minutes["stage_work"] == pytest.approx(2 * (20 + 0.25 * 30))
    assert e.minutes["meeting"] == pytest.approx(2 * 0.5 * 45)
    assert e.meetings == 0.5 and e.approvals == {Level.LOWER: 0.25}
    assert deals.lead_segments(sc, "cold_list", ["loan"]) == {"loan": 1.0}


def test_support_exposure_over_the_counted_days() -> None:
    # No client delays: wins from day 0, so day d carries d days of wins.
    sc = parse_scenario(BASE, "base.yaml", ["segments.loan.stages.meet.client_delay_days=0"])
    ex = deals.exposure(sc, "loan")
    assert ex.support_days == pytest.approx(sum(range(5, 40)) / 35)
    assert ex.repeat_open == ex.repeat_close == 0.0


TOGETHER = "calendar.workday.pause_rule=together"


def test_the_desk_s_roster_grosses_seats_up_for_days_away() -> None:
    # Pausing together, so that the days away are the only gross-up (the rota's is
    # tests/test_rota.py's).
    sc = load_scenario("scenarios/support_desk.yaml", [TOGETHER])
    (desk,) = service.desks(sc)
    assert desk.load_erlangs == pytest.approx(8.0)  # 600 over 450 minutes x 6 min
    assert desk.seats == 12
    p = desk.presence
    assert p == pytest.approx(day.presence(sc.roles["agent"], sc))
    by_hand = sum(
        math.comb(13, k) * p**k * (1 - p) ** (13 - k) * service_level(k, 600 / 450, 6, 1 / 3)
        for k in range(1, 14)
    )
    assert service.expected_service_level(desk, 1 / 3, 13) == pytest.approx(by_hand)
    assert by_hand >= 0.8 > service.expected_service_level(desk, 1 / 3, 12)
    assert desk.roster == 13 and desk.pause_gross_up == 1.0


def test_spans_beyond_max_span_are_warned() -> None:
    wide = load_scenario(
        "scenarios/support_desk.yaml", ["roles.agent.headcount={current: 30, min: 30, max: 40}"]
    )
    ((path, message),) = people.span_warnings(wide)
    assert path == ("roles", "team_lead", "max_span")
    assert "Support team lead needs 3 people, or a span of 30" in message
    assert people.span_warnings(load_scenario("scenarios/support_desk.yaml")) == []
