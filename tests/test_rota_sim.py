"""The break rota in the simulator (issue 13, S3): each answerer's own pauses, a desk open all day.

docs/dev/inbound_plan.md sections 3 and 6 (items 1-3). A traced day of three agents with
staggered lunches: who is on pause when, requests answered during the lunch window, the
day's working minutes kept; and a pause that waits for the request in hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.model import run_replication
from sim.rules import rota
from sim.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "scenarios" / "support_desk.yaml"
NINE = 9 * 60.0  # the first day (Monday 2027-01-04) starts at 09:00, minute 540


def three_agents(handle: dict[str, Any], per_day: float, **workday: Any) -> Scenario:
    """support_desk with three agents always at work, one day, a lunch rota."""
    data = yaml.safe_load(DESK.read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=1, warmup_days=0)
    data["calendar"]["workday"] = {
        "start": "09:00",
        "hours": 8,
        "pause_rule": "rota",
        "breaks_min": 0,
        "pauses": [{"kind": "lunch", "minutes": 30, "window": ["11:45", "14:45"]}],
        **workday,
    }
    agent = data["roles"]["agent"]
    agent["headcount"] = {"current": 3, "min": 1, "max": 3}
    agent["absence"] = {}
    channel = data["channels"]["support_requests"]
    channel.update(requests_per_day=per_day, handle_min=handle)
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "support_desk.yaml")


def lunches(sc: Scenario) -> dict[str, tuple[float, float]]:
    """Each agent's lunch on day 0, wall minutes."""
    found = {}
    for i in range(3):
        ((start, minutes),) = rota.person_pauses(sc, i, 3)
        found[f"agent.{i + 1:02d}"] = (NINE + start, NINE + start + minutes)
    return found


def test_three_agents_take_staggered_lunches_and_the_desk_answers_through_them() -> None:
    sc = three_agents({"kind": "fixed", "value": 2.0}, per_day=120.0)
    lunch = lunches(sc)
    # Three agents over the six 30-minute slots of 11:45-14:45: every other slot.
    assert lunch == {
        "agent.01": (NINE + 165.0, NINE + 195.0),  # 11:45-12:15
        "agent.02": (NINE + 225.0, NINE + 255.0),  # 12:45-13:15
        "agent.03": (NINE + 285.0, NINE + 315.0),  # 13:45-14:15
    }
    rec = run_replication(sc, 0, 20270104)
    waits = [r for r in rec.waits if r.kind == "inbound"]
    assert len(waits) > 80
    # Requests arrive over the whole open day, the old common pause 12:45-13:45 included.
    assert any(NINE + 225.0 <= r.arrived_min < NINE + 285.0 for r in waits)
    assert max(r.arrived_min for r in waits) > NINE + 480.0  # and into the day's last half-hour
    for r in waits:
        a, b = lunch[r.server]
        # Nobody answers on their lunch, nor holds a call across it (2-minute calls).
        assert not (a <= r.started_min < b), r
        assert not (r.started_min < a < r.started_min + 2.0), r
    # Those arriving in someone's lunch are answered by the others, at once at this load.
    in_lunch = [r for r in waits if any(a <= r.arrived_min < b for a, b in lunch.values())]
    assert in_lunch and all(r.started_min >= 0 for r in in_lunch)
    answered_by = {r.server for r in in_lunch}
    assert len(answered_by) >= 2
    # Each agent's day: exactly the available minutes (480: 8 hours, no breaks), so the
    # lunch is outside them, wherever it fell.
    for pid in lunch:
        day = [t for t in rec.time_use if t.person == pid and t.day == 0]
        minutes = sum(t.minutes for t in day if t.activity != "overtime")
        assert abs(minutes - 480.0) < 1e-6, (pid, minutes)


def test_together_keeps_no_arrival_in_the_common_pause() -> None:
    """The same desk under together: arrivals skip 12:45-13:15 (lunch 30 after 225 min)."""
    sc = three_agents(
        {"kind": "fixed", "value": 2.0}, per_day=120.0, pause_rule="together", pauses=None
    )
    rec = run_replication(sc, 0, 20270104)
    waits = [r for r in rec.waits if r.kind == "inbound"]
    noon = NINE + 240.0  # available 480 minutes, the pause after 240
    assert waits and not any(noon <= r.arrived_min < noon + 30.0 for r in waits)


def test_a_pause_waits_for_the_call_in_hand() -> None:
    """Long calls (50 min) at a heavy load: a lunch begins when the call ends, in full."""
    sc = three_agents({"kind": "fixed", "value": 50.0}, per_day=40.0)
    lunch = lunches(sc)
    rec = run_replication(sc, 0, 20270104)
    waits = [r for r in rec.waits if r.kind == "inbound" and r.started_min >= 0]
    held = 0
    for pid, (a, _) in lunch.items():
        mine = sorted(r.started_min for r in waits if r.server == pid)
        # No call of a person is cut by, or stretched over, their lunch.
        calls = [(s, s + 50.0) for s in mine]
        crossing = [c for c in calls if c[0] < a < c[1]]
        if crossing:
            held += 1
            ((_, end),) = crossing
            # The lunch starts when that call ends and lasts 30 minutes: the next call
            # begins no earlier than its end.
            later = [s for s in mine if s >= end]
            assert not later or later[0] >= end + 30.0 - 1e-9, (pid, end, later[:1])
        day = [t for t in rec.time_use if t.person == pid and t.day == 0]
        assert abs(sum(t.minutes for t in day if t.activity != "overtime") - 480.0) < 1e-6
    assert held >= 1  # at this load some lunch had a call in hand at its slot


ROTA_DAY = {"calendar": {"workday": {"pause_rule": "rota"}}}


def test_block_and_per_call_identical_under_a_rota() -> None:
    """tests/test_model_modes' exact check with the sellers (who answer) on the default rota."""
    from model_helpers import canonical, team

    sc = team(
        channels={"web": {"lead_share": 0.0}, "partners": {"leads_per_week": 0.0}}, **ROTA_DAY
    )
    assert rota.pauses(sc)
    block = run_replication(sc, 0, 3, mode="block")
    per_call = run_replication(sc, 0, 3, mode="per_call")
    assert sum(w.kind == "inbound" for w in block.waits) > 200
    assert canonical(block) == canonical(per_call)


def test_every_mechanism_keeps_a_days_minutes_under_a_rota() -> None:
    """Calls, meetings, follow-ups, duties and requests: a day at work is its available minutes.

    Each day at work sums to ``available_min`` plus overtime for everyone, answerers on
    their own clocks and the supervisors and head on the common one.
    """
    from model_helpers import team

    sc = team(**ROTA_DAY)
    rec = run_replication(sc, 0, 11)
    available = sc.calendar.workday.available_min
    days: dict[tuple[str, int], float] = {}
    for t in rec.time_use:
        if t.activity not in ("overtime", "absent"):
            days[t.person, t.day] = days.get((t.person, t.day), 0.0) + t.minutes
    assert days and all(abs(m - available) < 1e-6 for m in days.values()), sorted(
        (k, m) for k, m in days.items() if abs(m - available) >= 1e-6
    )[:5]
    assert [r for r in sc.roles if sc.roles[r].answers_inbound] == ["seller"]


def test_the_simulators_clocks_are_the_rules_shares() -> None:
    """The answerers' clocks (people.give_clocks) put exactly away_share of the desk on pause.

    support_desk's 12 agents on the default rota, per half-hour of the first day, before
    any request moves a pause (docs/dev/inbound_plan.md 3, the agreement rule).
    """
    from sim.model.clock import Clock
    from sim.model.people import build_people, give_clocks

    sc = parse_scenario(
        DESK.read_text(encoding="utf-8"),
        "support_desk.yaml",
        overrides=["calendar.workday.pause_rule=rota"],
    )
    clock = Clock.of(sc)
    people = build_people(sc, 1, 0)
    give_clocks(sc, people, clock)
    desk = [p for p in people if p.role.answers_inbound]
    assert len(desk) == 12 and all(p.rota is p.clock for p in desk)
    assert all(p.rota is None and p.clock is clock for p in people if p not in desk)
    start = clock.starts[0]
    for lo in range(0, 510, 30):
        hi = lo + 30.0
        away = 0.0
        for p in desk:
            assert p.rota is not None
            for a, b in p.rota.walls[0]:
                away += max(0.0, min(b, start + hi) - max(a, start + lo))
        assert away / (12 * 30.0) == pytest.approx(rota.away_share(sc, 12, lo, hi), abs=1e-12)
