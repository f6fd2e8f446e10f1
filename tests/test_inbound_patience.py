"""Patience and retrials (issue 13, stage S6): callers who hang up, and some who call again.

One rule for both engines: the simulator's callers hang up after their patience
(sim.model.inbound.hang_up_at), the desk is sized by Erlang A with the same patience
(sim.rules.service), and the optimiser's inbound rows count only the requests answered
(sim.rules.service.answered_share).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from model_helpers import desk

from sim.erlang import erlang_a
from sim.errors import ScenarioError, TeamsimError
from sim.model import run_replication
from sim.rules.activities import Outcome
from sim.rules.service import answered_share, desks, expected_abandoned, expected_blocked
from sim.scenario import Scenario

DAY = 480.0  # an 8-hour day with no pause: requests arrive over all of it


def _desk(agents: int, channel: dict[str, Any], days: int = 1, **policies: Any) -> Scenario:
    """A desk of ``agents`` who only answer requests, 09:00-17:00 with no pause."""
    return desk(agents, channel, days=days, **policies)


def _inbound(rec: Any) -> list[Any]:
    return sorted((w for w in rec.waits if w.kind == "inbound"), key=lambda w: w.arrived_min)


# --- the trace --------------------------------------------------------------------------


def test_one_agent_fixed_times_every_caller_hangs_up_or_is_answered_as_by_hand() -> None:
    # One agent, 10-minute requests, callers who wait 5 minutes at most. Replayed by hand
    # from the arrival times: FIFO, one server; a caller whose wait would pass 5 minutes
    # hangs up at arrival + 5, unless that is past closing (then carried, a callback).
    sc = _desk(1, {"requests_per_day": 30, "handle_min": 10, "patience_min": 5})
    rec = run_replication(sc, 0, 11)
    waits = _inbound(rec)
    assert len(waits) >= 20
    day0, close = 540.0, 540.0 + DAY
    free, expected = day0, []
    for w in waits:
        a = w.arrived_min
        start = max(free, a)
        if start - a > 5 and a + 5 < close:
            expected.append((a, Outcome.ABANDONED.value, a + 5 - a))
            continue
        if start >= close:  # still waiting at closing on the horizon's only day
            expected.append((a, Outcome.UNANSWERED.value, None))
            continue
        expected.append((a, Outcome.ANSWERED.value, start - a))
        free = start + 10
    got = [(w.arrived_min, w.outcome, w.wait_min) for w in waits]
    assert [g[1] for g in got] == [e[1] for e in expected]
    abandoned = [g for g in got if g[1] == Outcome.ABANDONED.value]
    assert abandoned, "the trace should have callers who hang up"
    assert all(g[2] == pytest.approx(5.0) for g in abandoned)
    for g, e in zip(got, expected, strict=True):
        if e[1] == Outcome.ANSWERED.value:
            assert g[2] == pytest.approx(e[2], abs=1e-9)
    # An abandoned request is never started, and late only if it waited past the target.
    for w in waits:
        if w.outcome == Outcome.ABANDONED.value:
            assert w.started_min == -1.0 and w.server == "" and w.late == (5.0 > 1 / 3)


def test_without_patience_nobody_hangs_up() -> None:
    sc = _desk(1, {"requests_per_day": 30, "handle_min": 10})
    outcomes = {w.outcome for w in _inbound(run_replication(sc, 0, 11))}
    assert Outcome.ABANDONED.value not in outcomes


def test_patience_is_drawn_per_request_whatever_the_team() -> None:
    # Common random numbers: the k-th request's arrival and handling do not move when
    # patience is added, and the same patience is drawn with 1 or 3 agents.
    base = _desk(2, {"requests_per_day": 60, "handle_min": 6})
    patient = _desk(2, {"requests_per_day": 60, "handle_min": 6, "patience_min": 3})
    arrivals = [w.arrived_min for w in _inbound(run_replication(base, 0, 5))]
    assert [w.arrived_min for w in _inbound(run_replication(patient, 0, 5))] == arrivals
    more = _desk(3, {"requests_per_day": 60, "handle_min": 6, "patience_min": 3})
    fewer_hang_up = sum(
        w.outcome == Outcome.ABANDONED.value for w in _inbound(run_replication(more, 0, 5))
    )
    hang_up = sum(
        w.outcome == Outcome.ABANDONED.value for w in _inbound(run_replication(patient, 0, 5))
    )
    assert fewer_hang_up <= hang_up


# --- the closed form ---------------------------------------------------------------------


def _shares_by_day(sc: Scenario, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per day: the share that hung up and the share answered within 20 s."""
    rec = run_replication(sc, 0, seed)
    by_day: dict[int, list[Any]] = {}
    for w in _inbound(rec):
        by_day.setdefault(int((w.arrived_min - 540.0) // 1440.0), []).append(w)
    ab = np.array([np.mean([w.outcome == "abandoned" for w in ws]) for ws in by_day.values()])
    sl = np.array(
        [np.mean([w.outcome == "answered" and not w.late for w in ws]) for ws in by_day.values()]
    )
    return ab, sl


def test_the_desk_hangs_up_and_answers_as_erlang_a_says() -> None:
    # 10 agents, 2 requests a minute of 4 minutes (8 Erlangs), patience 3 minutes
    # (exponential, as Erlang A assumes), 40 days of ~960 requests. Tolerance: 4 standard
    # errors of the mean over the 40 days (the days are independent: each starts empty),
    # plus the start-of-day transient (an empty desk at 09:00), under 0.002 here.
    channel = {
        "requests_per_day": 960,
        "handle_min": {"kind": "exponential", "mean": 4},
        "patience_min": {"kind": "exponential", "mean": 3},
    }
    sc = _desk(10, channel, days=40)
    closed = erlang_a(10, 2.0, 4.0, 3.0, 1 / 3)
    ab, sl = _shares_by_day(sc, 20270104)
    for sim_values, want in ((ab, closed.p_abandon), (sl, closed.service_level)):
        se = sim_values.std(ddof=1) / math.sqrt(len(sim_values))
        assert abs(sim_values.mean() - want) <= 4 * se + 0.002, (sim_values.mean(), want, se)
    # The sizing reads the same closed form: with everyone present it is Erlang A's.
    [desk] = desks(sc)
    assert desk.patience_min == pytest.approx(3.0)
    assert expected_abandoned(desk, 10) == pytest.approx(closed.p_abandon, rel=1e-12)
    assert desk.expected_service_level(sc, 10)["web"] == pytest.approx(
        closed.service_level, rel=1e-12
    )


def test_patience_sizes_a_smaller_desk_than_erlang_c() -> None:
    # Callers who hang up leave the queue: Erlang A needs no more agents than Erlang C.
    plain = _desk(10, {"requests_per_day": 960, "handle_min": 4})
    patient = _desk(10, {"requests_per_day": 960, "handle_min": 4, "patience_min": 3})
    [c], [a] = desks(plain), desks(patient)
    assert a.seats <= c.seats and a.roster <= c.roster
    assert c.seats == 11  # Erlang C: 8 Erlangs, 80 % in 20 s of 4-minute calls
    assert a.seats == 10  # Erlang A, 3 minutes' patience: 9 agents give 70.2 %, 10 give 80.4 %
    assert erlang_a(9, 2.0, 4.0, 3.0, 1 / 3).service_level < 0.8
    assert erlang_a(10, 2.0, 4.0, 3.0, 1 / 3).service_level >= 0.8


# --- retrials -----------------------------------------------------------------------------


def test_retrials_raise_the_desks_arrivals_by_the_fixed_point() -> None:
    channel = {
        "requests_per_day": 960,
        "handle_min": {"kind": "exponential", "mean": 4},
        "patience_min": {"kind": "exponential", "mean": 1},
        "retrial": {"share": 0.5, "delay_min": {"kind": "exponential", "mean": 5}},
    }
    sc = _desk(8, channel, days=30)
    [desk] = desks(sc)
    ab = expected_abandoned(desk, desk.roster)
    assert desk.first_per_min == pytest.approx(2.0)
    assert desk.arrivals_per_min == pytest.approx(2.0 / (1 - 0.5 * ab), rel=1e-9)
    assert answered_share(sc, "web") == pytest.approx((1 - ab) / (1 - 0.5 * ab), rel=1e-12)
    # Simulated with 8 agents (not the roster): attempts per first attempt and the share
    # answered as the fixed point at 8 agents predicts (its P(Ab) from Erlang A at the
    # retrial-raised load). Tolerance: 4 SE over days plus 0.01 for the transient.
    rec = run_replication(sc, 0, 3)
    waits = _inbound(rec)
    first = 960 * 30
    lam = 2.0
    for _ in range(200):
        p = erlang_a(8, lam, 4.0, 1.0, 1 / 3).p_abandon
        lam = 2.0 / (1 - 0.5 * p)
    attempts = len(waits) / first
    answered = sum(w.outcome == "answered" for w in waits) / first
    se = math.sqrt(first) / first * 2  # Poisson first attempts, doubled for the retrials
    assert abs(attempts - lam / 2.0) <= 4 * se + 0.01, (attempts, lam / 2.0)
    assert abs(answered - (1 - p) / (1 - 0.5 * p)) <= 4 * se + 0.01


# --- the optimiser reads the answered requests ----------------------------------------------


def test_the_plans_inbound_row_counts_the_requests_answered() -> None:
    from optimizer.economics import channel_economics

    channel = {"requests_per_day": 960, "handle_min": 4, "patience_min": 1}
    sc = _desk(8, channel)
    [desk] = desks(sc)
    econ = channel_economics(sc)["web"]
    assert econ.requests_per_day == pytest.approx(960)
    assert econ.answered_share == pytest.approx(1 - expected_abandoned(desk, desk.roster))
    assert econ.answered_per_day == pytest.approx(960 * econ.answered_share)
    assert 0.9 < econ.answered_share < 1.0
    plain = channel_economics(_desk(8, {"requests_per_day": 960, "handle_min": 4}))["web"]
    assert plain.answered_share == 1.0 and plain.answered_per_day == 960
    from optimizer.model import PlanMode, build
    from optimizer.rates import rates

    model = build(sc, rates(sc), PlanMode.SIZING)
    row = model.constraints["inbound_web"]
    assert -row.constant == pytest.approx(econ.answered_per_day)


# --- errors ----------------------------------------------------------------------------------


def test_retrial_without_patience_is_refused_with_the_field() -> None:
    with pytest.raises(ValueError, match="retrial: callers call again after hanging up"):
        retrial = {"share": 0.5, "delay_min": 5}
        _desk(1, {"requests_per_day": 1, "handle_min": 1, "retrial": retrial})


def test_a_patience_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="expected a mean above 0 minutes"):
        _desk(1, {"requests_per_day": 1, "handle_min": 1, "patience_min": 0})


def test_a_desk_mixing_patience_and_none_is_refused_by_name() -> None:
    sc = _desk(2, {"requests_per_day": 10, "handle_min": 1, "patience_min": 2})
    data = sc.model_dump(mode="json", exclude_none=True)
    data["channels"]["mail"] = {
        "kind": "inbound",
        "requests_per_day": 10,
        "handle_min": 1,
        "answer_within_min": 1,
    }
    # Said when the file is read (validate and simulate too), by the sizing's own rule.
    with pytest.raises(TeamsimError, match=r"channels\.mail: no patience_min, but web"):
        Scenario.model_validate(data)
    # Placed at the channel to change (its line in a file), the reason said once.
    with pytest.raises(ScenarioError) as caught:
        Scenario.model_validate(data)
    (problem,) = caught.value.problems
    assert problem.path == ("channels", "mail")
    assert problem.message.startswith("no patience_min, but web (answered by the same")


# --- lines and the waiting room (stage S8) ---------------------------------------------------


def test_one_line_one_agent_blocks_every_request_that_finds_it_busy_as_by_hand() -> None:
    # Erlang B's desk with one agent: 10-minute requests, one line. Replayed by hand: a
    # request that arrives while the one before is being answered is blocked (wait 0).
    sc = _desk(1, {"requests_per_day": 30, "handle_min": 10, "lines": 1})
    waits = _inbound(run_replication(sc, 0, 11))
    free, expected = 540.0, []
    for w in waits:
        if w.arrived_min < free:
            expected.append(Outcome.BLOCKED.value)
            continue
        expected.append(Outcome.ANSWERED.value)
        free = w.arrived_min + 10
    assert [w.outcome for w in waits] == expected
    assert expected.count(Outcome.BLOCKED.value) >= 3
    assert all(w.wait_min == 0 for w in waits)  # nobody waits: blocked or answered at once


def _outcome_shares(sc: Scenario, seed: int) -> dict[str, np.ndarray]:
    rec = run_replication(sc, 0, seed)
    by_day: dict[int, list[Any]] = {}
    for w in _inbound(rec):
        by_day.setdefault(int((w.arrived_min - 540.0) // 1440.0), []).append(w)
    return {
        "blocked": np.array(
            [np.mean([w.outcome == "blocked" for w in ws]) for ws in by_day.values()]
        ),
        "sl": np.array(
            [
                np.mean([w.outcome == "answered" and not w.late for w in ws])
                for ws in by_day.values()
            ]
        ),
    }


@pytest.mark.parametrize(
    ("limits", "closed"),
    [
        # Erlang B: no waiting (8 Erlangs, 10 agents): P(block) = B(10, 8).
        ({"waiting_room": 0}, erlang_a(10, 2.0, 4.0, math.inf, 1 / 3, waiting_room=0)),
        # M/M/c/K with K = 13 lines: at most 3 waiting.
        ({"lines": 13}, erlang_a(10, 2.0, 4.0, math.inf, 1 / 3, waiting_room=3)),
    ],
    ids=["erlang_b", "mmck"],
)
def test_the_desk_blocks_and_answers_as_the_closed_form_says(
    limits: dict[str, int], closed: Any
) -> None:
    # 40 days of ~960 requests; tolerance 4 SE of the daily mean plus 0.003 (a day starts
    # with an empty desk).
    channel = {"requests_per_day": 960, "handle_min": {"kind": "exponential", "mean": 4}}
    sc = _desk(10, {**channel, **limits}, days=40)
    shares = _outcome_shares(sc, 20270104)
    want = {"blocked": closed.p_block, "sl": (1 - closed.p_block) * closed.service_level}
    for name, values in shares.items():
        se = values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - want[name]) <= 4 * se + 0.003, (name, values.mean(), want[name])
    [desk] = desks(sc)
    assert expected_blocked(desk, 10) == pytest.approx(closed.p_block, rel=1e-12)


def test_too_few_lines_for_the_target_is_said_with_the_field() -> None:
    sc = _desk(10, {"requests_per_day": 960, "handle_min": 4, "lines": 8})
    with pytest.raises(TeamsimError, match=r"channels\.web\.lines: 8 lines answer at most"):
        desks(sc)


def test_lines_on_a_desk_of_two_channels_are_refused() -> None:
    sc = _desk(2, {"requests_per_day": 10, "handle_min": 1, "lines": 4})
    data = sc.model_dump(mode="json", exclude_none=True)
    data["channels"]["mail"] = {
        "kind": "inbound",
        "requests_per_day": 10,
        "handle_min": 1,
        "answer_within_min": 1,
    }
    with pytest.raises(TeamsimError, match=r"channels\.web: lines and waiting_room limit one"):
        desks(Scenario.model_validate(data))


def test_blocked_requests_are_not_answered_in_the_plan() -> None:
    from optimizer.economics import channel_economics

    sc = _desk(12, {"requests_per_day": 960, "handle_min": 4, "waiting_room": 2})
    [desk] = desks(sc)
    blocked = expected_blocked(desk, desk.roster)
    assert 0 < blocked < 0.1
    econ = channel_economics(sc)["web"]
    assert econ.answered_share == pytest.approx(1 - blocked)


@pytest.mark.parametrize(
    ("retrial", "said"),
    [
        ({"share": 1, "delay_min": 5}, r"retrial\.share\n  Input should be less than 1"),
        ({"share": 0.5, "delay_min": 0}, "callers call again after some time"),
    ],
)
def test_callers_who_always_or_at_once_call_again_are_refused(
    retrial: dict[str, Any], said: str
) -> None:
    # A trial's case: patience 0.05 min, every caller redialling at once made the plan
    # promise 11 % hanging up where the simulation gave 88 % (each redial meets the same
    # full desk; the fixed point assumes it finds it anew, and a share of 1 never ends).
    with pytest.raises(ValueError, match=said):
        _desk(1, {"requests_per_day": 1, "handle_min": 1, "patience_min": 1, "retrial": retrial})
