"""Conservation, records inside the horizon, deals from leads, common random numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_helpers import AVAILABLE, day_minutes, team

from sim.model import RunRecords, run_replication
from sim.scenario.loader import parse_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", params=["block", "per_call"])
def runs(request: pytest.FixtureRequest) -> list[RunRecords]:
    return [run_replication(team(), r, 3, mode=request.param) for r in range(2)]


def test_every_person_day_sums_to_the_day_plus_overtime_within_the_cap(
    runs: list[RunRecords],
) -> None:
    cap = team().policies.overtime_max_min_per_day
    for rec in runs:
        days = day_minutes(rec)
        assert len(days) == len(rec.people) * len(rec.day_starts_min)
        for minutes in days.values():
            overtime = minutes.get("overtime", 0.0)
            assert 0.0 <= overtime <= cap + 1e-9
            assert sum(minutes.values()) == pytest.approx(AVAILABLE + overtime, abs=1e-6)
            assert all(m > 0 for m in minutes.values())
            if "absent" in minutes:
                assert minutes == {"absent": AVAILABLE}


def test_every_record_lies_in_the_horizon(runs: list[RunRecords]) -> None:
    for rec in runs:
        end = rec.horizon_min
        assert all(0 <= f.time_min <= end for f in rec.funnel)
        for d in rec.deals:
            assert 0 <= d.created_min <= end
            assert d.closed_min == -1.0 or d.created_min <= d.closed_min <= end
        for w in rec.waits:
            assert 0 <= w.arrived_min <= end and w.wait_min >= 0
            assert w.started_min == -1.0 or w.arrived_min <= w.started_min <= end
        days = len(rec.day_starts_min)
        assert all(0 <= r.day < days for r in rec.time_use + rec.calls + rec.absences)


def test_every_won_deal_entered_the_funnel_as_a_lead(runs: list[RunRecords]) -> None:
    for rec in runs:
        entered = {f.deal for f in rec.funnel if f.stage == 0 and f.event == "entered"}
        won = [d for d in rec.deals if d.outcome == "won"]
        assert won and all(d.deal in entered for d in won)
        assert len({d.deal for d in rec.deals}) == len(rec.deals)
        stages = len(team().segments["s"].stages)
        assert all(d.stages_passed == stages for d in won)


def test_people_and_managers_are_balanced(runs: list[RunRecords]) -> None:
    people = runs[0].people
    assert [p.person for p in people if p.role == "supervisor"] == [
        "supervisor.01",
        "supervisor.02",
    ]
    bosses = [p.manager for p in people if p.role == "seller"]
    assert bosses.count("supervisor.01") == bosses.count("supervisor.02") == 3


def _inbound_arrivals(rec: RunRecords) -> list[float]:
    return sorted(w.arrived_min for w in rec.waits if w.kind == "inbound")


def test_adding_a_line_person_leaves_the_arrival_streams_unchanged() -> None:
    small = run_replication(team(), 0, 9)
    big = run_replication(team(roles={"seller": {"headcount": 7}}), 0, 9)
    assert _inbound_arrivals(small) == _inbound_arrivals(big)
    assert len(_inbound_arrivals(small)) > 200
    referral = {d.created_min for d in small.deals if d.channel == "partners" and not d.repeat}
    referral_big = {d.created_min for d in big.deals if d.channel == "partners" and not d.repeat}
    assert referral == referral_big and referral
    # The first six sellers keep their personas and absences.
    assert set(small.people) < set(big.people)
    assert set(small.absences) <= set(big.absences)


def test_the_bundled_retail_bank_runs_and_conserves_time() -> None:
    sc = parse_scenario(
        (ROOT / "scenarios/retail_bank.yaml").read_text(),
        "retail_bank",
        ["calendar.horizon_days=40", "calendar.warmup_days=5"],
    )
    rec = run_replication(sc, 0, sc.seed)
    assert rec.warmup_days == 5 and len(rec.people) == 17
    cap = sc.policies.overtime_max_min_per_day
    for minutes in day_minutes(rec).values():
        overtime = minutes.get("overtime", 0.0)
        assert sum(minutes.values()) == pytest.approx(AVAILABLE + overtime, abs=1e-6)
        assert overtime <= cap + 1e-9
    assert any(d.outcome == "won" for d in rec.deals)
    assert {w.kind for w in rec.waits} == {"approval", "escalation", "inbound"}
