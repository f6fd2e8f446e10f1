"""Results and KPIs on hand-built records, where every number can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.kpis import KPIS, per_replication, summarise
from sim.model import RunRecords
from sim.plan_met import attainment_by_month, judged_attainment, met_by_replication
from sim.records import (
    AbsenceRecord,
    CallDayRecord,
    DealRecord,
    PersonRecord,
    TimeUseRecord,
    WaitRecord,
)
from sim.results import build_frames, counted_months, to_columns
from sim.scenario import JudgedOn, Scenario
from sim.stats import spread, t_cdf, t_quantile, wilson_interval
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def records(sc: Scenario, warmup_days: int = 20, **lists: Any) -> RunRecords:
    """Hand-built records of one replication on the scenario's calendar."""
    return RunRecords(
        horizon_min=0.0, day_starts_min=day_starts(sc), warmup_days=warmup_days, **lists
    )


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    # 60 working days from Mon 2027-01-11: Jan = days 0-14, Feb 15-33, Mar 34-55, Apr 56-59.
    return load_scenario(ROOT / "scenarios/retail_bank.yaml", ["calendar.horizon_days=60"])


def day_starts(sc: Scenario) -> list[float]:
    start = sc.calendar.start
    return [(d - start).days * 1440.0 + 540.0 for d in sc.calendar.working_dates()]


def at(sc: Scenario, day: int, minute: float = 60.0) -> float:
    return day_starts(sc)[day] + minute


# A request's channel and outcome (WaitRecord's last fields): the bank's inbound channel,
# and an approval's (no channel).
WEB = ("website_requests", "answered")
APP = ("", "answered")


def person(pid: str, role: str = "client_manager", level: str = "line") -> PersonRecord:
    return PersonRecord(pid, role, level, "", "supervisor.01", 1.0)


# --- the calendar --------------------------------------------------------------------


def test_counted_months_are_whole_months_after_warmup(scenario: Scenario) -> None:
    # Jan began before the horizon, Feb is partly warm-up (days 15-19), Apr is cut off.
    assert counted_months(scenario, 20) == (2,)
    # Without warm-up, Feb is whole (Feb 1 is day 15, Feb 26 day 33); Jan still is not.
    assert counted_months(scenario, 0) == (1, 2)


# --- utilisation ---------------------------------------------------------------------


def test_utilisation_is_time_weighted(scenario: Scenario) -> None:
    # Week of days 20-24 (Mon 8 Feb - Fri 12 Feb 2027); available 450 min a day.
    rec = records(
        scenario,
        people=[person("a.01")],
        time_use=[
            TimeUseRecord("a.01", 20, "calls", 150.0),
            TimeUseRecord("a.01", 20, "duty:training", 30.0),
            TimeUseRecord("a.01", 20, "idle", 270.0),
            TimeUseRecord("a.01", 21, "calls", 450.0),
            TimeUseRecord("a.01", 21, "overtime", 30.0),
            TimeUseRecord("a.01", 22, "absent", 450.0),
        ],
        absences=[AbsenceRecord("a.01", 22, "sick", "")],
    )
    frames = build_frames(scenario, [to_columns(rec, 0, 7)])
    day = frames.utilisation_day.set_index("day")
    assert day.loc[20, "busy_min"] == 180.0
    assert day.loc[20, "utilisation"] == pytest.approx(180 / 450)
    assert day.loc[21, "utilisation"] == pytest.approx(480 / 450)  # overtime is work
    assert day.loc[22, "available_min"] == 0.0
    assert math.isnan(day.loc[22, "utilisation"])
    week = frames.utilisation_week
    assert len(week) == 1
    # Busy over available across the week, not the mean of the daily ratios (0.73).
    assert week["utilisation"].iloc[0] == pytest.approx(660 / 900)
    per_rep = per_replication(frames, scenario)
    assert per_rep["utilisation_line"].iloc[0] == pytest.approx(660 / 900)
    assert math.isnan(per_rep["utilisation_top"].iloc[0])


def test_frames_have_keys_and_derived_columns(scenario: Scenario) -> None:
    rec = records(
        scenario,
        people=[person("a.01")],
        time_use=[TimeUseRecord("a.01", 34, "calls", 100.0)],
    )
    frames = build_frames(scenario, [to_columns(rec, 3, 11)])
    tu = frames.time_use
    assert list(tu.columns[:3]) == ["scenario", "replication", "seed"]
    assert tu.iloc[0][["role", "level", "week", "month"]].to_list() == [
        "client_manager",
        "line",
        7,  # Mon 1 Mar 2027 is 7 weeks after Mon 11 Jan
        2,
    ]
    assert (tu["scenario"] == scenario.name).all()
    assert tu["seed"].iloc[0] == 11
    assert len(frames.deals) == 0  # empty tables keep their columns
    assert "cycle_days" in frames.deals


# --- attainment ----------------------------------------------------------------------


def deal(i: int, owner: str, closed: float, outcome: str, value: float) -> DealRecord:
    return DealRecord(i, "consumer_loan", "partners", owner, 0.0, closed, outcome, value, 4, False)


def test_attainment_by_month_and_person(scenario: Scenario) -> None:
    sc = scenario  # plan 30 M a month; only March (month 2) is counted
    rec = records(
        sc,
        people=[person("a.01"), person("b.01"), person("sup.01", "supervisor", "lower")],
        deals=[
            deal(1, "a.01", at(sc, 34), "won", 10e6),  # 1 March
            deal(2, "b.01", at(sc, 55), "won", 5e6),  # 31 March
            deal(3, "a.01", at(sc, 40), "lost", 0.0),
            deal(4, "a.01", at(sc, 30), "won", 99e6),  # February: warm-up month, not counted
            deal(5, "b.01", at(sc, 57), "won", 7e6),  # April: cut off, not counted
            deal(6, "a.01", -1.0, "open", 0.0),
        ],
    )
    frames = build_frames(sc, [to_columns(rec, 0, 1)])
    month = frames.attainment_month
    assert month[["month", "deals_won", "revenue", "target"]].values.tolist() == [
        [2, 2, 15e6, 30e6]
    ]
    assert month["attainment"].iloc[0] == pytest.approx(0.5)
    # Sellers: two client managers (sells 1.0) and a supervisor (0.2): shares 1/2.2, 0.2/2.2.
    person_att = frames.attainment_person.set_index("person")
    assert person_att.loc["a.01", "target"] == pytest.approx(30e6 / 2.2)
    assert person_att.loc["a.01", "attainment"] == pytest.approx(10e6 / (30e6 / 2.2))
    assert person_att.loc["sup.01", "revenue"] == 0.0
    deals = frames.deals.set_index("deal")
    assert deals.loc[1, "close_month"] == 2
    assert deals.loc[6, "close_month"] == -1
    assert math.isnan(deals.loc[6, "cycle_min"])
    per_rep = per_replication(frames, sc)
    row = per_rep.iloc[0]
    assert row["attainment"] == pytest.approx(0.5)
    assert row["plan_met"] == 0.0
    assert row["revenue_per_month"] == pytest.approx(15e6)
    # Closed after warm-up: 1, 2, 3 and 5 (4 closed on day 30 >= 20 too): 4 won of 5.
    assert row["win_rate"] == pytest.approx(4 / 5)


def test_months_without_wins_count_as_zero(scenario: Scenario) -> None:
    sc = load_scenario(ROOT / "scenarios/retail_bank.yaml", ["calendar.horizon_days=60"])
    recs = [records(sc, warmup_days=0) for _ in range(2)]
    recs[1].deals.append(deal(1, "a.01", at(sc, 20), "won", 60e6))  # February
    frames = build_frames(sc, [to_columns(r, i, 5) for i, r in enumerate(recs)])
    att = frames.attainment_month
    assert att[["replication", "month", "attainment"]].values.tolist() == [
        [0, 1, 0.0],
        [0, 2, 0.0],
        [1, 1, 2.0],
        [1, 2, 0.0],
    ]
    per_rep = per_replication(frames, sc)
    assert per_rep["attainment"].to_list() == [0.0, 1.0]
    # Judged by month (the default): replication 1 meets February, not March.
    assert sc.plan.judged_on is JudgedOn.MONTH
    assert per_rep["plan_met"].to_list() == [0.0, 0.5]
    assert per_rep["month_met"].to_list() == [0.0, 0.5]
    assert per_rep["every_month_met"].to_list() == [0.0, 0.0]
    reps = pd.Index([0, 1])
    # February and March are one quarter: 2 + 0 against 1 + 1 meets it; so does the horizon.
    for rule, expected in [(JudgedOn.QUARTER, [0.0, 1.0]), (JudgedOn.HORIZON, [0.0, 1.0])]:
        assert met_by_replication(att, sc, reps, rule).to_list() == expected
    assert sorted(judged_attainment(att, sc, JudgedOn.EVERY_MONTH)) == [0.0, 0.0]
    assert sorted(judged_attainment(att, sc)) == [0.0, 0.0, 0.0, 2.0]
    horizon = load_scenario(
        ROOT / "scenarios/retail_bank.yaml", ["calendar.horizon_days=60", "plan.judged_on=horizon"]
    )
    assert per_replication(frames, horizon)["plan_met"].to_list() == [0.0, 1.0]
    by_month = attainment_by_month(att, sc)
    assert by_month["month"].to_list() == [1, 2]
    assert by_month["label"].to_list() == [sc.month_label(1), sc.month_label(2)]
    assert by_month["attainment"].to_list() == [1.0, 0.0]
    assert by_month["p10"].to_list() == pytest.approx([0.2, 0.0])
    assert by_month["p90"].to_list() == pytest.approx([1.8, 0.0])
    assert by_month["p_met"].to_list() == [0.5, 0.0]
    assert by_month["revenue"].iloc[0] == pytest.approx(30e6)


def test_attainment_reads_each_months_plan_by_calendar_month() -> None:
    # From Monday 1 March 2027, no warm-up: March (month 0) and April (1) are whole, May is
    # cut off. A twelve-value plan is January 1 M ... December 12 M, whatever the start.
    plan = "plan.revenue_per_month=[" + ", ".join(f"{m}e6" for m in range(1, 13)) + "]"
    sc = load_scenario(
        ROOT / "scenarios/retail_bank.yaml",
        ["calendar.start=2027-03-01", "calendar.horizon_days=60", plan],
    )
    rec = records(sc, warmup_days=0, people=[person("a.01")])
    rec.deals.append(deal(1, "a.01", at(sc, 5), "won", 1.5e6))  # March
    frames = build_frames(sc, [to_columns(rec, 0, 1)])
    att = frames.attainment_month
    assert att[["month", "target", "attainment"]].values.tolist() == [
        [0, 3e6, 0.5],  # March's plan, not the list's first (January)
        [1, 4e6, 0.0],
    ]
    # One seller: their target is the whole counted plan, March plus April.
    assert frames.attainment_person["target"].to_list() == [7e6]


# --- calls and waits -----------------------------------------------------------------


def test_call_and_wait_kpis(scenario: Scenario) -> None:
    sc = scenario
    rec = records(
        sc,
        people=[person("a.01"), person("b.01")],
        time_use=[TimeUseRecord(p, d, "calls", 300.0) for p in ("a.01", "b.01") for d in (20, 21)],
        calls=[
            CallDayRecord("a.01", 20, "individuals", 30, 3, 2, 1, 0),
            CallDayRecord("a.01", 21, "individuals", 20, 2, 1, 0, 1),
            CallDayRecord("a.01", 5, "individuals", 999, 0, 0, 0, 0),  # warm-up: not counted
        ],
        waits=[
            WaitRecord("inbound", "a.01", "line", at(sc, 20), at(sc, 20), 0.0, False, *WEB),
            WaitRecord("inbound", "a.01", "line", at(sc, 21), at(sc, 21, 90), 30.0, False, *WEB),
            WaitRecord("inbound", "b.01", "line", at(sc, 22), at(sc, 22, 300), 240.0, True, *WEB),
            WaitRecord("approval", "sup.01", "lower", at(sc, 21), at(sc, 22), 1000.0, False, *APP),
            WaitRecord("approval", "sup.01", "lower", at(sc, 3), at(sc, 4), 5000.0, False, *APP),
        ],
    )
    frames = build_frames(sc, [to_columns(rec, 0, 1)])
    row = per_replication(frames, sc).iloc[0]
    # a.01 dialled on two present days after warm-up; b.01 never dialled.
    assert row["dials_per_caller_day"] == pytest.approx(50 / 2)
    assert row["conversations_per_day"] == pytest.approx(3 / 40)
    assert row["meetings_booked_per_day"] == pytest.approx(1 / 40)
    assert row["inbound_service_level"] == pytest.approx(2 / 3)
    assert row["inbound_wait_share"] == pytest.approx(2 / 3)
    assert row["inbound_asa_min"] == pytest.approx(270 / 3)
    assert row["approval_wait_min"] == pytest.approx(1000.0)
    assert math.isnan(row["escalation_wait_min"])
    # Issue 13 (S2): the derived columns. Each request arrived at 10:00, the third half
    # hour of the bank's 09:00 day; none was carried nor answered after closing.
    waits = frames.waits
    assert waits["channel"].to_list() == ["website_requests"] * 3 + ["", ""]
    assert waits["outcome"].to_list() == ["answered"] * 5
    assert waits["interval"].to_list() == [2, 2, 2, -1, -1]
    dates = sc.calendar.working_dates()
    weekdays = [dates[d].strftime("%a").lower() for d in (20, 21, 22, 21, 3)]
    assert waits["weekday"].to_list() == weekdays
    # The approvals were started a working day after they were asked for.
    assert waits["carried"].to_list() == [False, False, False, True, True]
    assert not waits["overtime"].any()
    assert row["inbound_day_service_level"] == pytest.approx(2 / 3)
    for name in ("abandoned", "abandoned_within_target", "blocked", "lost", "overtime"):
        assert row[f"inbound_{name}_share"] == 0.0
    # One request per interval: no interval has enough requests to judge.
    assert math.isnan(row["inbound_interval_min_service_level"])
    table = frames.inbound_intervals
    assert table["offered"].sum() == 3 and table["within_target"].sum() == 2
    assert table["wait_sum_min"].sum() == 270.0


def test_summary_has_every_kpi_in_order(scenario: Scenario) -> None:
    recs = [records(scenario) for _ in range(3)]
    frames = build_frames(scenario, [to_columns(r, i, 1) for i, r in enumerate(recs)])
    table = summarise(per_replication(frames, scenario))
    assert table["kpi"].to_list() == [k.name for k in KPIS]
    assert table.set_index("kpi").loc["attainment", "n"] == 3
    assert table.set_index("kpi").loc["inbound_asa_min", "n"] == 0


# --- spread over replications --------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        # Reference values (R's qt, to 9 decimals).
        (0.975, 1, 12.706204736),
        (0.975, 2, 4.302652730),
        (0.975, 3, 3.182446305),
        (0.975, 4, 2.776445105),
        (0.975, 9, 2.262157163),
        (0.975, 19, 2.093024054),
        (0.975, 29, 2.045229642),
        (0.975, 100, 1.983971519),
        (0.975, 200, 1.971896224),  # past here: the Cornish-Fisher expansion
        (0.975, 1000, 1.962339081),
        (0.95, 10, 1.812461123),
        (0.9, 3, 1.637744354),
        (0.995, 4, 4.604094871),
        (0.025, 9, -2.262157163),
    ],
)
def test_t_quantile_matches_tables(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=2e-9)


def test_t_cdf_closed_forms() -> None:
    assert t_cdf(1.0, 1) == pytest.approx(0.75)  # Cauchy
    assert t_cdf(2.0, 2) == pytest.approx(0.5 + 2 / (2 * math.sqrt(6)))
    assert t_cdf(0.0, 7) == 0.5
    assert t_quantile(0.5, 5) == 0.0
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.9, 0)
    with pytest.raises(ValueError, match="strictly between"):
        t_quantile(1.0, 3)


def test_confidence_interval_by_hand() -> None:
    s = spread([1.0, 2.0, 3.0, 4.0, 5.0])
    # mean 3, sd sqrt(2.5); half-width t(0.975, 4) sd / sqrt(5) = 2.776445105 * 0.707107
    half = 2.776445105 * math.sqrt(2.5) / math.sqrt(5)
    assert (s.n, s.mean, s.sd) == (5, 3.0, pytest.approx(math.sqrt(2.5)))
    assert (s.p10, s.p50, s.p90) == (pytest.approx(1.4), 3.0, pytest.approx(4.6))
    assert s.ci_low == pytest.approx(3 - half) and s.ci_high == pytest.approx(3 + half)
    assert half == pytest.approx(1.963243, abs=1e-6)


def test_spread_edge_cases() -> None:
    one = spread([2.0, math.nan])
    assert one.n == 1 and one.mean == 2.0 and math.isnan(one.ci_low)
    assert spread([]).n == 0
    low, high = wilson_interval(8, 10)
    assert (low, high) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))
    share = spread([1.0] * 5, share=True)
    assert share.ci_high == 1.0 and share.ci_low == pytest.approx(0.5655, abs=1e-4)


def test_columns_are_typed() -> None:
    rec = RunRecords(0.0, [540.0], 0, people=[person("a.01")])
    cols = to_columns(rec, 0, 1)
    assert cols.tables["people"]["start_productivity"].dtype == np.float64
    assert cols.tables["deals"]["repeat"].dtype == np.bool_
    assert cols.rows("deals") == 0 and cols.rows("people") == 1
    assert dt.date(2027, 1, 11).weekday() == 0


def test_a_desk_that_sells_nothing_has_no_sales_kpis() -> None:
    from sim import simulate
    from teamsim.io import load_scenario

    desk = load_scenario("scenarios/support_desk.yaml", ["calendar.horizon_days=30"])
    result = simulate(desk, 2, workers=1)
    kpis = result.kpis.set_index("kpi")
    for name in ("revenue_per_month", "attainment", "plan_met", "deals_won_per_month"):
        assert kpis.loc[name, "n"] == 0
    assert kpis.loc["inbound_service_level", "n"] == 2


def test_wilson_bounds_at_none_and_all_met_are_exact() -> None:
    # centre - half at 0 successes is 2.8e-17 in floating point: an export printed it.
    for n in (1, 7, 10, 40):
        low, high = wilson_interval(0, n)
        assert low == 0.0 and 0.0 < high < 1.0
        low, high = wilson_interval(n, n)
        assert high == 1.0 and 0.0 < low < 1.0
    assert wilson_interval(0, 10)[1] == pytest.approx(1 - wilson_interval(10, 10)[0])
