"""Closing time (issue 13, stage S7): what happens to the requests waiting at closing.

``at_closing`` per inbound channel: ``carry`` (the default, as before: answered the next
working day), ``overtime`` (answered after closing up to ``policies.overtime_max_min_per_day``,
the rest carried) or ``lose`` (dropped at closing, recorded ``lost``). One rule for both
engines: the simulator plays it (sim.model.worker, sim.model.inbound.Door.closing) and the
optimiser reads its expectation (sim.rules.closing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from model_helpers import desk

from sim.model import run_replication
from sim.model.clock import Clock
from sim.rules.activities import Outcome, TimeUse
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
HANDLE = 10.0
CAP = 25.0  # overtime a day, minutes: two requests and a half after a free 17:00


def _desk(agents: int, channel: dict[str, Any], days: int = 3, **policies: Any) -> Scenario:
    """A desk of ``agents`` who only answer requests, 09:00-17:00 with no pause."""
    return desk(agents, channel, days=days, **policies)


def _late_desk(rule: str) -> Scenario:
    """One agent, 10-minute requests, all arriving 16:00-17:00: a queue at closing."""
    late = {"interval_min": 60, "weights": [0, 0, 0, 0, 0, 0, 0, 1]}
    channel = {"requests_per_day": 14, "handle_min": HANDLE, "profile": late, "at_closing": rule}
    return _desk(1, channel, overtime_max_min_per_day=CAP)


def _inbound(rec: Any) -> list[Any]:
    return sorted((w for w in rec.waits if w.kind == "inbound"), key=lambda w: w.arrived_min)


def _by_hand(sc: Scenario, arrivals: list[float], rule: str) -> list[tuple[str, float]]:
    """One agent, FIFO, fixed handling, replayed from the arrival times: (outcome, start).

    ``start``: when answered (lost: the closing minute; unanswered: -1). A request waiting
    at closing is answered the next morning (carry), after closing while the day's cap
    allows (overtime; one cut at the cap is finished first thing the next morning), or
    dropped at closing (lose).
    """
    clock = Clock.of(sc)
    starts, ends, caps = clock.starts, clock.ends, clock.caps
    free, out = starts[0], []
    for a in arrivals:
        t = max(free, a)
        d = max(i for i, s in enumerate(starts) if s <= t)
        if t >= ends[d]:
            if rule == "lose":
                out.append((Outcome.LOST.value, ends[d]))
                continue
            if rule == "carry" or t >= caps[d]:
                if d + 1 >= clock.days:
                    out.append((Outcome.UNANSWERED.value, -1.0))
                    continue
                t, d = starts[d + 1], d + 1
        out.append((Outcome.ANSWERED.value, t))
        free = t + HANDLE
        if free > caps[d]:  # cut at the cap: its rest is done first the next morning
            free = starts[d + 1] + free - caps[d] if d + 1 < clock.days else free
    return out


@pytest.mark.parametrize("rule", ["carry", "overtime", "lose"])
def test_the_queue_at_closing_is_carried_answered_late_or_lost_as_by_hand(rule: str) -> None:
    sc = _late_desk(rule)
    rec = run_replication(sc, 0, 5)
    waits = _inbound(rec)
    arrivals = [w.arrived_min for w in waits]
    expected = _by_hand(sc, arrivals, rule)
    got = [(w.outcome, w.started_min if w.outcome == "answered" else -1.0) for w in waits]
    assert [g[0] for g in got] == [e[0] for e in expected]
    for w, (outcome, start) in zip(waits, expected, strict=True):
        if outcome == Outcome.ANSWERED.value:
            assert w.started_min == pytest.approx(start, abs=1e-9)
            assert w.wait_min == pytest.approx(start - w.arrived_min, abs=1e-9)
        elif outcome == Outcome.LOST.value:  # its wait up to closing, never started
            assert w.started_min == -1.0
            assert w.wait_min == pytest.approx(start - w.arrived_min, abs=1e-9)
    clock = Clock.of(sc)
    starts, ends = clock.starts, clock.ends
    answered = [w for w in waits if w.outcome == Outcome.ANSWERED.value]
    day0 = [w for w in waits if w.arrived_min < ends[0]]
    left = [w for w in day0 if w.started_min < 0 or w.started_min >= ends[0]]
    assert len(left) >= 3, "the trace should leave a queue at closing"
    late = [w for w in answered if any(e <= w.started_min < e + CAP for e in ends)]
    next_day = [w for w in day0 if starts[1] <= w.started_min < ends[1]]
    lost = [w for w in waits if w.outcome == Outcome.LOST.value]
    if rule == "carry":  # all answered the next morning, none after closing, none lost
        assert not late and not lost and next_day
        assert all(w.started_min >= starts[1] for w in left)
    elif rule == "overtime":  # some after 17:00 within the cap, the rest next morning
        assert late and next_day and not lost
        assert any(ends[0] <= w.started_min < ends[0] + CAP for w in day0)
    else:  # lost at 17:00, nothing after closing or carried
        assert lost and not late and not next_day
        assert all(w.wait_min == pytest.approx(ends[0] - w.arrived_min) for w in left)


def test_overtime_minutes_are_time_use_overtime_within_the_cap() -> None:
    rec = run_replication(_late_desk("overtime"), 0, 5)
    over = [t.minutes for t in rec.time_use if t.activity == TimeUse.OVERTIME.value]
    assert over and max(over) <= CAP + 1e-9
    carry = run_replication(_late_desk("carry"), 0, 5)
    over_carry = sum(t.minutes for t in carry.time_use if t.activity == TimeUse.OVERTIME.value)
    assert sum(over) > over_carry


# --- the expectation the optimiser reads, against the simulation ------------------------

AGENTS, DAYS = 8, 120
BUSY = {"requests_per_day": 624, "handle_min": {"kind": "exponential", "mean": 5.0}}  # 6.5 E


def _busy_desk(rule: str) -> Scenario:
    """8 agents always at work, 6.5 Erlangs over an 8-hour day: a queue now and then."""
    sc = _desk(AGENTS, {**BUSY, "at_closing": rule}, days=DAYS, overtime_max_min_per_day=240)
    data = sc.model_dump(mode="json", exclude_unset=True)
    data["roles"]["seller"]["absence"] = {}
    return Scenario.model_validate(data)


def _per_day(sc: Scenario, rule: str, seed: int) -> list[float]:
    """Requests a day left at closing: answered after it (overtime) or lost (lose)."""
    clock = Clock.of(sc)
    rec = run_replication(sc, 0, seed)
    counts = [0.0] * clock.days
    for w in rec.waits:
        if w.kind != "inbound":
            continue
        d = clock.day_of(w.arrived_min)
        lost = w.outcome == Outcome.LOST.value
        late = w.outcome == Outcome.ANSWERED.value and w.started_min >= clock.ends[d]
        counts[d] += lost if rule == "lose" else late
    return counts


@pytest.mark.parametrize("rule", ["overtime", "lose"])
def test_the_queue_at_closing_is_what_the_rule_expects(rule: str) -> None:
    # 120 days x 2 seeds = 240 closings; the days are independent (the queue is gone by
    # the next morning), so the standard error is the days' spread / sqrt(240). Tolerance:
    # 4 SE plus 10 % of the expectation (the rule takes the last interval at its steady
    # state; the day's first hours start empty, which the closing hour has forgotten).
    from sim.rules.closing import closing_minutes, closing_queue, lost_share

    sc = _busy_desk(rule)
    days = _per_day(sc, rule, 1) + _per_day(sc, rule, 2)
    n = len(days)
    mean = sum(days) / n
    se = (sum((x - mean) ** 2 for x in days) / (n - 1) / n) ** 0.5
    # The team simulated (8), not the roster the desk's target would size (10).
    expected = closing_queue(sc, "web", people=AGENTS)
    assert abs(mean - expected) <= 4 * se + 0.1 * expected, (mean, se, expected)
    if rule == "overtime":  # the queue shared out: minutes per agent present
        assert closing_minutes(sc, "web", people=AGENTS) == pytest.approx(expected * 5.0 / AGENTS)
        assert lost_share(sc, "web", people=AGENTS) == 0.0
    else:
        assert lost_share(sc, "web", people=AGENTS) == pytest.approx(expected / 624)
        assert closing_minutes(sc, "web", people=AGENTS) == 0.0


# --- the closing rule with lines and patience --------------------------------------------


def test_a_lost_queue_leaves_the_lines_and_nobody_hangs_up_after_closing() -> None:
    # Three lines, every request late in the day, callers who would wait 30 minutes: each
    # day the queue is dropped at closing. Had the lost requests kept their lines, every
    # later day's request would be blocked; had a lost caller's patience timer fired after
    # closing, a request would have two records.
    late = {"interval_min": 60, "weights": [0, 0, 0, 0, 0, 0, 0, 1]}
    channel = {
        "requests_per_day": 14,
        "handle_min": HANDLE,
        "profile": late,
        "at_closing": "lose",
        "lines": 3,
        "patience_min": {"kind": "exponential", "mean": 30.0},
    }
    sc = _desk(1, channel, days=5)
    rec = run_replication(sc, 0, 5)
    waits = _inbound(rec)
    clock = Clock.of(sc)
    outcomes = {o.value: 0 for o in Outcome}
    for w in waits:
        outcomes[w.outcome] += 1
    assert outcomes["lost"] and outcomes["blocked"] and outcomes["abandoned"]
    for d in range(clock.days):  # the first request of every day finds the desk empty
        first = min((w for w in waits if clock.day_of(w.arrived_min) == d), key=_arrived)
        assert first.outcome == Outcome.ANSWERED.value and first.wait_min == 0.0
    # One record per request: no abandonment after closing, nothing answered after it.
    assert len({w.arrived_min for w in waits}) == len(waits)
    for w in waits:
        end = clock.ends[clock.day_of(w.arrived_min)]
        if w.outcome == Outcome.ABANDONED.value:
            assert w.arrived_min + w.wait_min < end
        if w.outcome == Outcome.LOST.value:
            assert w.arrived_min + w.wait_min == pytest.approx(end)
        if w.outcome == Outcome.ANSWERED.value:
            assert w.started_min < end


def _arrived(w: Any) -> float:
    return float(w.arrived_min)


def test_carry_is_the_default_and_draws_nothing_new() -> None:
    # The default rule leaves the simulator as it was: the same records, bit for bit (the
    # bundled scenarios' frames are guarded by tests/test_frame_digests.py).
    late = {"interval_min": 60, "weights": [0, 0, 0, 0, 0, 0, 0, 1]}
    base = {"requests_per_day": 14, "handle_min": HANDLE, "profile": late}
    default = _desk(1, base, overtime_max_min_per_day=CAP)
    said = _desk(1, {**base, "at_closing": "carry"}, overtime_max_min_per_day=CAP)
    assert default.channels["web"].at_closing == "carry"
    a, b = run_replication(default, 0, 5), run_replication(said, 0, 5)
    assert a.waits == b.waits and a.time_use == b.time_use


# --- the optimiser ------------------------------------------------------------------------


def test_lost_requests_are_not_answered_in_the_plan() -> None:
    from optimizer.economics import channel_economics
    from optimizer.model import PlanMode, build
    from optimizer.rates import rates
    from sim.rules.closing import lost_share

    sc = _busy_desk("lose")
    share = lost_share(sc, "web")  # at the roster the desk's target sizes
    assert 0.0 < share < 0.01
    econ = channel_economics(sc)["web"]
    assert econ.answered_share == pytest.approx(1.0 - share)
    model = build(sc, rates(sc), PlanMode.SIZING)
    assert -model.constraints["inbound_web"].constant == pytest.approx(624 * (1.0 - share))
    carry = channel_economics(_busy_desk("carry"))["web"]
    assert carry.answered_share == 1.0


def test_overtime_at_closing_is_a_named_row_within_the_cap() -> None:
    from optimizer.model import PlanMode, build
    from optimizer.rates import rates
    from sim.rules.closing import closing_minutes

    sc = _busy_desk("overtime")
    minutes = closing_minutes(sc, "web")
    assert 0.0 < minutes < 240
    model = build(sc, rates(sc), PlanMode.SIZING)
    row = model.constraints["closing_web"]
    assert -row.constant == pytest.approx(240.0)
    [var] = row.keys()
    assert var.lowBound == var.upBound == pytest.approx(minutes)
    # The answerers' working time gains the overtime, on the days they are at work.
    plain = build(_busy_desk("carry"), rates(sc), PlanMode.SIZING)
    assert "closing_web" not in plain.constraints
    extra = model.constraints["capacity_seller"].get(model.count["seller"], 0.0)
    before = plain.constraints["capacity_seller"].get(plain.count["seller"], 0.0)
    assert before - extra == pytest.approx(minutes)  # presence 1


def test_more_overtime_than_the_policy_allows_is_carried_and_said() -> None:
    # What the cap leaves waits for the next working day (as the simulator carries it):
    # the plan holds the overtime at the cap and says so, it is not impossible.
    from optimizer.model import PlanMode, build
    from optimizer.planner import plan
    from optimizer.rates import rates
    from sim.rules.closing import closing_minutes

    data = _busy_desk("overtime").model_dump(mode="json", exclude_unset=True)
    data["policies"]["overtime_max_min_per_day"] = 0
    data["roles"]["seller"]["headcount"] = {"current": 8, "min": 1, "max": 30}
    sc = Scenario.model_validate(data)
    assert closing_minutes(sc, "web") > 0
    [var] = build(sc, rates(sc), PlanMode.SIZING).constraints["closing_web"].keys()
    assert var.lowBound == var.upBound == 0.0
    notes = " ".join(plan(sc).notes)
    assert "the queue left at closing needs 0.1 minutes of overtime a day" in notes
    assert "allows 0, so the rest is answered the next working day" in notes


# --- input and summary ----------------------------------------------------------------------


def test_an_unknown_closing_rule_names_the_field_and_the_values() -> None:
    from sim.errors import ScenarioError
    from sim.scenario import parse_scenario

    text = (ROOT / "scenarios/support_desk.yaml").read_text()
    bad = text.replace("kind: inbound", "kind: inbound\n    at_closing: later", 1)
    assert bad != text
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad.encode(), "desk.yaml")
    said = str(caught.value)
    assert "desk.yaml" in said and "at_closing" in said
    assert "'carry', 'overtime' or 'lose'" in said and "later" in said


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            "overtime",
            "Callers: Support requests still waiting at closing: answered in overtime "
            "(up to 10 min a day; the rest the next working day)",
        ),
        ("lose", "Callers: Support requests still waiting at closing: lost (at_closing: lose)"),
        ("carry", None),
    ],
)
def test_the_summary_says_a_closing_rule_that_is_not_carry(rule: str, words: str | None) -> None:
    from typer.testing import CliRunner

    from teamsim.cli import app

    path = ROOT / "scenarios/support_desk.yaml"
    args = ["validate", str(path), "--summary"]
    args += ["--set", f"channels.support_requests.at_closing={rule}"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    if words is None:
        assert not any("closing" in line for line in lines)
    else:
        assert words in lines
