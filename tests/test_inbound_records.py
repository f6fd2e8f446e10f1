"""Inbound requests' records, columns and table by interval (issue 13, stage S2).

docs/dev/inbound_plan.md, sections 6.7 and 7: each request's channel and outcome, the
derived weekday, interval, carried and overtime columns, the ``inbound_intervals`` table,
the new KPIs, and a 0-second answer target (the probability of no delay).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim import analytic, simulate
from sim.erlang import service_levels_upto
from sim.inbound_intervals import COLUMNS, LEAST_REQUESTS, within_target, worst_interval
from sim.kpis import KPIS, per_replication
from sim.model import RunRecords
from sim.records import PersonRecord, WaitRecord
from sim.results import build_frames, to_columns
from sim.rules import Outcome
from sim.rules.profile import INTERVAL_MIN, Interval, intervals
from sim.scenario import Scenario
from teamsim.io import load_scenario
from tests.model_helpers import NEW_INBOUND_KPIS, tiny

DAY = 1440.0
NINE = 540.0  # 09:00, the tiny calendar's opening (Monday 2027-01-11 is day 0)
NEW_KPIS = NEW_INBOUND_KPIS


def two_agent_desk(horizon_days: int = 2, **channel: object) -> Scenario:
    """Two people answering one channel of long fixed requests, nothing else to do.

    The tiny day: 09:00-18:00, 450 working minutes with the common pause 12:45-14:15
    (stated: a desk's default is the rota), no overtime; 6 requests a day of 120 minutes
    is 1.6 Erlangs on two agents.
    """
    web = {"kind": "inbound", "requests_per_day": 6, "handle_min": 120, "answer_within_min": 10}
    return tiny(
        calendar={
            "horizon_days": horizon_days,
            "warmup_days": 0,
            "workday": {"pause_rule": "together"},
        },
        roles={"seller": {"headcount": 2, "handles_inbound": True}},
        channels={"web": {**web, **channel}},
        policies={"call_quota_per_day": 0, "max_calls_per_day": 0},
    )


# --- the grid -------------------------------------------------------------------------


def test_the_open_day_is_cut_in_half_hours_up_to_closing() -> None:
    sc = two_agent_desk()
    grid = intervals(sc, "web")
    assert INTERVAL_MIN == 30.0
    # 09:00-18:00 is 540 minutes: 18 half hours, every one whole.
    assert len(grid) == 18
    assert grid[0] == Interval(0, 0.0, 30.0) and grid[-1] == Interval(17, 510.0, 540.0)
    short = tiny(calendar={"workday": {"hours": 7.75, "lunch_min": 0, "breaks_min": 0}})
    short = short.model_copy(update={"channels": sc.channels})
    cut = intervals(short, "web")
    # 465 minutes: 15 whole half hours and a last one of 15 minutes.
    assert len(cut) == 16 and cut[-1] == Interval(15, 450.0, 465.0) and cut[-1].minutes == 15.0
    with pytest.raises(ValueError, match="channel 'cold' is not inbound"):
        intervals(sc, "cold")


# --- a traced desk --------------------------------------------------------------------

# Seed 3, two working days (Mon, Tue). Each row: minutes from midnight of day 0 at which
# the request arrived and was started, who took it, as the model wrote them.
TRACE = [
    (551.780044, 551.780044, "seller.01"),
    (569.528491, 569.528491, "seller.02"),
    (859.222536, 859.222536, "seller.01"),
    (883.575349, 883.575349, "seller.02"),
    (930.512947, 979.222536, "seller.01"),
    (968.087742, 1003.575349, "seller.02"),
    # 16:15 Monday, both busy to closing. The two requests in hand are cut at 18:00 and go
    # back to the front of the queue; at 09:00 Tuesday seller.02 takes the one begun at
    # 16:19 (19.2 minutes left), finishes it at 09:19 and starts this one: a callback.
    (975.224934, 1999.222536, "seller.02"),
    (2126.881747, 2126.881747, "seller.01"),
    (2150.523641, 2150.523641, "seller.02"),
    (2365.785844, 2365.785844, "seller.01"),
    (2484.112290, 2484.112290, "seller.02"),
]


def test_a_two_agent_desk_traced_by_hand() -> None:
    sc = two_agent_desk()
    result = simulate(sc, replications=1, seed=3, workers=1)
    waits = result.frames.waits
    assert waits["arrived_min"].to_list() == pytest.approx([t[0] for t in TRACE], abs=1e-6)
    assert waits["started_min"].to_list() == pytest.approx([t[1] for t in TRACE], abs=1e-6)
    assert waits["server"].to_list() == [t[2] for t in TRACE]
    assert set(waits["kind"]) == {"inbound"} and set(waits["channel"]) == {"web"}
    assert set(waits["outcome"]) == {Outcome.ANSWERED.value}
    # By hand: the day is the calendar day (Mon 0, Tue 1: consecutive), the interval the
    # half hour after 09:00 the request arrived in (09:11 the first, 16:15 the 15th).
    day = [int(a // DAY) for a, _, _ in TRACE]
    assert day == [0] * 7 + [1] * 4
    into = [a - d * DAY - NINE for (a, _, _), d in zip(TRACE, day, strict=True)]
    by_hand = [int(m // 30) for m in into]
    assert by_hand == [0, 0, 10, 11, 13, 14, 14, 4, 5, 12, 16]
    assert waits["interval"].to_list() == by_hand
    assert waits["weekday"].to_list() == ["mon"] * 7 + ["tue"] * 4
    assert waits["carried"].to_list() == [False] * 6 + [True] + [False] * 4
    assert not waits["overtime"].any()
    # Late: waited past 10 minutes (48.7, 35.5 and the night).
    assert waits["late"].to_list() == [False] * 4 + [True] * 3 + [False] * 4
    assert waits["wait_min"].iloc[6] == pytest.approx(1999.222536 - 975.224934)

    # org_unit: a column of every table (sim.results), the desk's unit here
    table = result.frames.inbound_intervals.set_index(["weekday", "interval"])
    assert list(result.frames.inbound_intervals.columns) == [*COLUMNS, "org_unit"]
    assert len(table) == 2 * 18 and (table["days"] == 1).all()
    first = table.loc[("mon", 0), ["offered", "answered", "within_target", "waited"]]
    assert first.to_list() == [2, 2, 2, 0]
    late_hour = table.loc[("mon", 14)]
    assert late_hour[["offered", "within_target", "waited", "carried"]].to_list() == [2, 0, 2, 1]
    # Only the request answered the same day counts in the speed of answer.
    assert late_hour["wait_sum_min"] == pytest.approx(1003.575349 - 968.087742)
    assert table.loc[("mon", 13), "wait_sum_min"] == pytest.approx(979.222536 - 930.512947)
    assert table.loc[("tue", 16), ["offered", "within_target"]].to_list() == [1, 1]
    assert table["offered"].sum() == 11 and table.loc[("mon", 9), "offered"] == 0
    assert table.loc[("mon", 0), "starts"] == "09:00"
    assert table.loc[("tue", 17), "starts"] == "17:30"

    row = result.kpi_replications.iloc[0]
    assert row["inbound_service_level"] == pytest.approx(8 / 11)
    assert row["inbound_day_service_level"] == pytest.approx(8 / 10)  # the callback apart
    assert row["inbound_carried_share"] == pytest.approx(1 / 11)
    for name in NEW_KPIS[2:]:
        assert row[name] == 0.0  # no patience, lines nor closing rule: 0, not NaN
    # No interval has LEAST_REQUESTS requests: nothing to judge.
    assert math.isnan(row["inbound_interval_min_service_level"])


# --- outcomes, carried and overtime on hand-built records -------------------------------


def _request(arrived: float, started: float, wait: float, outcome: Outcome) -> WaitRecord:
    server = "seller.01" if outcome is Outcome.ANSWERED else ""
    return WaitRecord(
        "inbound", server, "line", arrived, started, wait, wait > 10, "web", outcome.value
    )


def test_each_outcome_is_counted_apart_and_never_within_target() -> None:
    sc = two_agent_desk(horizon_days=5)
    mon, tue = NINE, DAY + NINE
    end = 540.0  # the tiny day's span: 09:00-18:00
    waits = [
        _request(mon + 5, mon + 5, 0.0, Outcome.ANSWERED),  # at once
        _request(mon + 40, mon + 48, 8.0, Outcome.ANSWERED),  # within 10 minutes
        _request(mon + 45, -1.0, 4.0, Outcome.ABANDONED),  # gave up within target
        _request(mon + 50, -1.0, 30.0, Outcome.ABANDONED),  # gave up late
        _request(mon + 55, -1.0, 0.0, Outcome.BLOCKED),  # turned away at once
        _request(mon + 530, -1.0, 10.0, Outcome.LOST),  # dropped at closing
        # 17:59 Monday, answered 18:05 in overtime (a closing rule's overtime).
        _request(mon + 539, mon + end + 5, 6.0, Outcome.ANSWERED),
        _request(mon + 520, tue + 3, DAY - 517, Outcome.ANSWERED),  # a callback Tuesday
    ]
    rec = RunRecords(
        horizon_min=4 * DAY + NINE + end,
        day_starts_min=[d * DAY + NINE for d in range(5)],
        warmup_days=0,
        people=[PersonRecord("seller.01", "seller", "line", "", "", 1.0)],
        waits=waits,
    )
    frames = build_frames(sc, [to_columns(rec, 0, 1)])
    w = frames.waits
    assert w["outcome"].to_list() == [r.outcome for r in waits]
    assert within_target(w).to_list() == [True, True, False, False, False, False, True, False]
    assert w["overtime"].to_list() == [False] * 6 + [True, False]
    assert w["carried"].to_list() == [False] * 7 + [True]
    assert w["interval"].to_list() == [0, 1, 1, 1, 1, 17, 17, 17]

    row = per_replication(frames, sc).iloc[0]
    n = len(waits)
    assert row["inbound_service_level"] == pytest.approx(3 / n)
    assert row["inbound_day_service_level"] == pytest.approx(3 / (n - 1))
    assert row["inbound_abandoned_share"] == pytest.approx(2 / n)
    assert row["inbound_abandoned_within_target_share"] == pytest.approx(1 / n)
    assert row["inbound_blocked_share"] == pytest.approx(1 / n)
    assert row["inbound_lost_share"] == pytest.approx(1 / n)
    assert row["inbound_overtime_share"] == pytest.approx(1 / n)
    assert row["inbound_carried_share"] == pytest.approx(1 / n)
    # The speed of answer: the three answered the same day (0, 8 and 6 minutes).
    assert row["inbound_asa_min"] == pytest.approx(14 / 3)

    table = frames.inbound_intervals
    # Five weekdays of the week, 18 half hours each; every request in one cell.
    assert len(table) == 5 * 18
    sums = table[["offered", "answered", "abandoned", "abandoned_within_target"]].sum()
    assert sums.to_list() == [8, 4, 2, 1]
    last = table.set_index(["weekday", "interval"]).loc[("mon", 17)]
    counts = ["offered", "answered", "lost", "overtime", "carried", "within_target"]
    assert last[counts].to_list() == [3, 2, 1, 1, 1, 1]
    assert last["wait_sum_min"] == 6.0  # the callback's night is not a wait of the day


def test_a_request_still_waiting_at_the_horizon_is_unanswered_not_carried() -> None:
    sc = two_agent_desk(horizon_days=1, requests_per_day=40)
    result = simulate(sc, replications=1, seed=1, workers=1)
    w = result.frames.waits
    never = w["started_min"] < 0
    assert never.any()
    assert (w.loc[never, "outcome"] == Outcome.UNANSWERED.value).all()
    assert (w.loc[~never, "outcome"] == Outcome.ANSWERED.value).all()
    assert not w.loc[never, "carried"].any()
    row = result.kpi_replications.iloc[0]
    # Left unanswered counts with the callbacks, as inbound_carried_share always has.
    assert row["inbound_carried_share"] == pytest.approx(never.mean())


# --- the table against the waits ---------------------------------------------------------


def test_the_interval_table_adds_up_to_the_waits() -> None:
    sc = load_scenario("scenarios/support_desk.yaml", ["calendar.horizon_days=25"])
    result = simulate(sc, replications=2, seed=7, workers=1)
    w, table = result.frames.waits, result.frames.inbound_intervals
    warm = sc.calendar.warmup_days
    asked = w.loc[(w["kind"] == "inbound") & (w["day"] >= warm)]
    dates = sc.calendar.working_dates()[warm:25]
    weekdays = {d.strftime("%a").lower() for d in dates}
    assert len(table) == 2 * len(weekdays) * len(intervals(sc, "support_requests"))
    by_rep = table.groupby("replication")
    answered = asked["outcome"] == "answered"
    same_day = answered & ~asked["carried"]
    expected = pd.DataFrame(
        {
            "offered": asked.groupby("replication").size(),
            "answered": answered.groupby(asked["replication"]).sum(),
            "within_target": within_target(asked).groupby(asked["replication"]).sum(),
            "waited": (asked["wait_min"] > 0).groupby(asked["replication"]).sum(),
            "carried": asked["carried"].groupby(asked["replication"]).sum(),
        }
    )
    got = by_rep[list(expected.columns)].sum()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False)
    wait_sum = asked["wait_min"].where(same_day, 0.0).groupby(asked["replication"]).sum()
    assert by_rep["wait_sum_min"].sum().to_numpy() == pytest.approx(wait_sum.to_numpy())
    # Counted days of each weekday: the calendar's, after the warm-up.
    days = table.drop_duplicates("weekday").set_index("weekday")["days"]
    assert days.sum() == len(dates)

    kpis = result.kpi_replications.set_index("replication")
    sums = by_rep[["offered", "within_target", "answered", "carried", "wait_sum_min"]].sum()
    assert kpis["inbound_service_level"].to_numpy() == pytest.approx(
        (sums["within_target"] / sums["offered"]).to_numpy()
    )
    assert kpis["inbound_asa_min"].to_numpy() == pytest.approx(
        (sums["wait_sum_min"] / (sums["answered"] - sums["carried"])).to_numpy()
    )
    # Each cell has about 600 x 30/450 = 40 requests a day: every interval is judged; the
    # lowest one's mean is at most the day's, and it is one interval's level (every weekday
    # together: the desk is alike every weekday) in each replication.
    low = kpis["inbound_interval_min_service_level"]
    assert low.notna().all() and low.mean() <= kpis["inbound_service_level"].mean()
    pooled = table.groupby(["replication", "channel", "interval"], as_index=False)[
        ["offered", "within_target"]
    ].sum()
    levels = pooled["within_target"] / pooled["offered"].where(pooled["offered"] > 0)
    for rep, value in low.items():
        assert np.isclose(levels[pooled["replication"] == rep], value, rtol=0, atol=1e-12).any()


def test_each_channel_has_its_own_rows() -> None:
    web = {"kind": "inbound", "requests_per_day": 6, "handle_min": 120, "answer_within_min": 10}
    phone = {"kind": "inbound", "requests_per_day": 3, "handle_min": 20, "answer_within_min": 0}
    sc = tiny(
        calendar={"horizon_days": 3, "warmup_days": 1},
        roles={"seller": {"headcount": 2, "handles_inbound": True}},
        channels={"web": web, "phone": phone},
        policies={"call_quota_per_day": 0, "max_calls_per_day": 0},
    )
    result = simulate(sc, replications=2, seed=4, workers=1)
    w, table = result.frames.waits, result.frames.inbound_intervals
    # Two replications x two channels x Tue and Wed (Monday is the warm-up) x 18.
    assert len(table) == 2 * 2 * 2 * 18 and set(table["weekday"]) == {"tue", "wed"}
    asked = w.loc[w["day"] >= 1]
    offered = table.groupby(["replication", "channel"])["offered"].sum()
    counted = asked.groupby(["replication", "channel"]).size()
    pd.testing.assert_series_equal(offered, counted, check_names=False, check_dtype=False)
    # The phone's 0-second target: within target is exactly "did not wait".
    on_phone = asked.loc[asked["channel"] == "phone"]
    assert (within_target(on_phone) == (on_phone["wait_min"] <= 0)).all()
    rows = table.loc[table["channel"] == "phone"]
    assert rows["within_target"].sum() == rows["offered"].sum() - rows["waited"].sum()


def test_the_lowest_interval_is_judged_on_its_mean_among_those_with_enough_requests() -> None:
    rows = []
    # (weekday, interval): offered and within target in replications 0 and 1.
    cells = {
        ("mon", 0): ((40, 30), (40, 34)),  # 0.750, 0.850: mean 0.800
        ("mon", 1): ((50, 35), (60, 51)),  # 0.700, 0.850: mean 0.775, the lowest judged
        ("tue", 0): ((45, 44), (30, 30)),  # 0.978, 1.000
        ("tue", 1): ((29, 0), (80, 40)),  # 29 < LEAST_REQUESTS in replication 0: not judged
    }
    for (weekday, interval), reps in cells.items():
        for rep, (offered, within) in enumerate(reps):
            rows.append((rep, "web", weekday, interval, offered, within))
    table = pd.DataFrame(
        rows, columns=["replication", "channel", "weekday", "interval", "offered", "within_target"]
    )
    assert LEAST_REQUESTS == 30
    low = worst_interval(table)
    assert low.to_dict() == {0: pytest.approx(0.7), 1: pytest.approx(0.85)}
    assert worst_interval(table, least=100).empty


# --- a 0-second target ----------------------------------------------------------------


def test_a_zero_second_target_is_valid_and_a_negative_one_is_not() -> None:
    web = two_agent_desk(answer_within_min=0).channels["web"]
    assert web.answer_within_min == 0.0  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        two_agent_desk(answer_within_min=-1)


def test_zero_seconds_sizes_on_the_probability_of_no_delay() -> None:
    # Erlang C at t = 0: the service level is 1 - P(wait), at every number of agents.
    load, handle = 10.0, 3.0
    levels = service_levels_upto(20, load, handle, 0.0)
    for c in range(11, 21):
        assert levels[c] == pytest.approx(1.0 - analytic.erlang_c(c, load), abs=1e-12)
    need = analytic.agents_for_service_level(load / handle, handle, 0.0, 0.8)
    assert need == min(c for c in range(11, 40) if 1.0 - analytic.erlang_c(c, load) >= 0.8)
    assert need == 14  # P(wait) 0.174 at 14 agents, 0.246 at 13 (pyworkforce's example)


AGENTS, HANDLE, RHO = 10, 2.0, 0.75
OPEN_MIN, SKIP_START, SKIP_END = 16 * 60.0, 240.0, 60.0


def test_a_zero_second_target_on_an_erlang_c_desk_is_one_minus_p_wait() -> None:
    """Six replications of two 16-hour days, 10 agents at 7.5 Erlangs, exponential 2 min.

    Requests of the steady part of the day (after 4 hours, before the last hour) are
    compared with Erlang C (1 - P(wait) = 0.6934): about 3.75 x 660 x 2 = 4,950 a
    replication, so a replication's share has an SE near sqrt(D p (1-p) / n) = 0.03 (D
    about 40, docs/dev/inbound_plan.md 8.1): 4 SE of the mean of six is about 0.05.
    Measured: 0.6847, SE 0.0124.
    """
    rate = RHO * AGENTS / HANDLE
    sc = load_scenario(
        "scenarios/support_desk.yaml",
        [
            "duties={}",
            "calendar.workday.breaks_min=0",
            "calendar.workday.lunch_min=0",
            "calendar.workday.hours=16",
            'calendar.workday.start="06:00"',
            "calendar.warmup_days=0",
            "calendar.horizon_days=2",
            "roles.agent.absence={}",
            "roles.team_lead.absence={}",
            f"roles.agent.headcount={AGENTS}",
            "roles.team_lead.max_span=null",
            f"channels.support_requests.requests_per_day={rate * OPEN_MIN}",
            f"channels.support_requests.handle_min={{kind: exponential, mean: {HANDLE}}}",
            "channels.support_requests.answer_within_min=0",
        ],
    )
    result = simulate(sc, replications=6, seed=5, workers=1)
    w = result.frames.waits
    asked = w.loc[w["kind"] == "inbound"]
    into = asked["arrived_min"] - (asked["arrived_min"] // DAY) * DAY - 6 * 60.0
    steady = asked.loc[(into >= SKIP_START) & (into < OPEN_MIN - SKIP_END)]
    level = within_target(steady).groupby(steady["replication"]).mean()
    theory = 1.0 - analytic.erlang_c(AGENTS, RHO * AGENTS)
    se = level.std(ddof=1) / math.sqrt(len(level))
    assert abs(level.mean() - theory) <= 4 * se, (level.mean(), theory, se)
    # The spread is the one planned (measured 0.0124), not wide enough to pass anything.
    assert se <= 1.5 * 0.03 / math.sqrt(len(level))
    # With a 0-second target, within target is exactly "did not wait" in every replication.
    kpis = result.kpi_replications
    assert np.allclose(kpis["inbound_service_level"], 1.0 - kpis["inbound_wait_share"])


# --- KPIs --------------------------------------------------------------------------------


def test_the_new_kpis_are_defined_and_nan_only_without_a_desk() -> None:
    by_name = {k.name: k for k in KPIS}
    for name in NEW_KPIS:
        kpi = by_name[name]
        assert kpi.unit == "share" and kpi.bounds == (0.0, 1.0) and kpi.definition.strip()
    assert "lowest" in by_name["inbound_interval_min_service_level"].definition
    assert str(LEAST_REQUESTS) in by_name["inbound_interval_min_service_level"].definition
    # No inbound channel: every inbound KPI is NaN (unmeasured), and the table is empty.
    sc = tiny(calendar={"horizon_days": 5, "warmup_days": 0})
    result = simulate(sc, replications=1, seed=1, workers=1)
    row = result.kpi_replications.iloc[0]
    assert all(math.isnan(row[n]) for n in (*NEW_KPIS, "inbound_service_level"))
    table = result.frames.inbound_intervals
    assert table.empty and list(table.columns) == [*COLUMNS, "org_unit"]


def test_a_profile_sets_the_grid_of_the_columns_and_the_table() -> None:
    # An hour grid with a morning peak (stage S4's profile) on a day with no pause, so
    # the desk is open from 09:00 to 17:00: 8 intervals of an hour.
    weights = [4, 3, 2, 1, 1, 1, 1, 1]
    sc = tiny(
        calendar={
            "horizon_days": 5,
            "warmup_days": 0,
            "workday": {"hours": 8, "lunch_min": 0, "breaks_min": 0},
        },
        roles={"seller": {"headcount": 2, "handles_inbound": True}},
        channels={
            "web": {
                "kind": "inbound",
                "requests_per_day": 40,
                "handle_min": 5,
                "answer_within_min": 10,
                "profile": {"interval_min": 60, "weights": weights},
            }
        },
        policies={"call_quota_per_day": 0, "max_calls_per_day": 0},
    )
    assert [i.minutes for i in intervals(sc, "web")] == [60.0] * 8
    result = simulate(sc, replications=1, seed=2, workers=1)
    w, table = result.frames.waits, result.frames.inbound_intervals
    hour = ((w["arrived_min"] - NINE) % DAY // 60).astype(int)
    assert (w["interval"] == hour).all()
    assert len(table) == 5 * 8 and table["minutes"].eq(60.0).all()
    assert table.groupby("interval")["offered"].sum().to_list() == (
        hour.value_counts().reindex(range(8), fill_value=0).to_list()
    )
    assert table["starts"].to_list()[:3] == ["09:00", "10:00", "11:00"]


def test_under_a_rota_the_pause_hours_have_their_requests() -> None:
    # Stage S3's rota opens the desk all day: requests arrive 12:45-13:45 too, and the
    # table counts them in their half hours (under the common pause 13:00-13:30 has none).
    rows = {}
    for rule in ("together", "rota"):
        sc = load_scenario(
            "scenarios/support_desk.yaml",
            ["calendar.horizon_days=10", f"calendar.workday.pause_rule={rule}"],
        )
        result = simulate(sc, replications=1, seed=1, workers=1)
        table, w = result.frames.inbound_intervals, result.frames.waits
        asked = w.loc[(w["kind"] == "inbound") & (w["day"] >= sc.calendar.warmup_days)]
        assert table["offered"].sum() == len(asked)
        rows[rule] = table.groupby("starts")["offered"].sum()
    assert rows["together"]["13:00"] == 0 and rows["rota"]["13:00"] > 0
    assert (rows["rota"] > 0).all()
