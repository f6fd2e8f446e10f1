"""Issue 10, session 9: with a stage history, the stages add up to the won deals' cycle.

Each stage's mean from the history is every deal's time there, lost ones too; the
simulator draws one delay for a deal that will pass and one that will not. Where won
deals spend longer at the stages than the deals lost there, the stages' means add up to
less than the won cycle and the back-test's simulated cycle comes out short (the shipped
example: 7 of 12 months inside the band, observed above it in 4). The stages are scaled
alike to the won deals' mean cycle (calibrate.fit.cycle._won_scale).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from calibrate import Kind, Records, combine, fit, normalise
from sim.scenario import Scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("discovery", "onsite_demo", "proposal", "contract")
PASSED_DAYS, LOST_DAYS = 10, 4  # days at a stage of a deal that passes it, that is lost there


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _records() -> Records:
    """400 deals of smb_core; one in five is lost at each stage (80, 64, 51, 41), 164 won.

    A deal spends 10 days at a stage it passes and 4 at the stage it is lost at: every
    stage's mean is (passed x 10 + lost x 4) / decided, 8.8 days at each, while every
    won deal's cycle is 40 days. No deal is open.
    """
    start = dt.date(2027, 1, 4)
    deals, stages = [], []
    alive = list(range(400))
    lost_at: dict[int, int] = {}
    for k in range(len(STAGES)):
        cut = len(alive) // 5
        for i in alive[:cut]:
            lost_at[i] = k
        alive = alive[cut:]
    for i in range(400):
        created = start + dt.timedelta(days=i % 200)
        last = lost_at.get(i, len(STAGES) - 1)
        day = created
        for k in range(last + 1):
            stages.append({"deal_id": f"D{i}", "stage": STAGES[k], "entered": day.isoformat()})
            day += dt.timedelta(days=LOST_DAYS if i in lost_at and k == last else PASSED_DAYS)
        deals.append(
            {
                "deal_id": f"D{i}",
                "owner": "account_executive.01",
                "segment": "smb_core",
                "channel": "demo_requests",
                "created": created.isoformat(),
                "closed": day.isoformat(),
                "status": "lost" if i in lost_at else "won",
                "stage": STAGES[last],
                "value": "20000",
            }
        )
    tables, problems = {}, []
    for kind, rows, name in ((Kind.DEALS, deals, "deals.csv"), (Kind.STAGES, stages, "s.csv")):
        table, found, _ = normalise(kind, pd.DataFrame(rows, dtype=str), source=name)
        assert table is not None
        tables[kind] = table
        problems += found
    return combine(tables, problems, {}, sources={Kind.DEALS: "deals.csv", Kind.STAGES: "s.csv"})


def test_the_stages_add_up_to_the_won_deals_cycle(smb: Scenario) -> None:
    records = _records()
    assert records.deals is not None
    assert int((records.deals["status"] == "won").sum()) == 164
    delays = {
        str(f.path[3]): f
        for f in fit(records, smb).fits
        if f.path[:2] == ("segments", "smb_core") and f.path[-1] == "client_delay_days"
    }
    means = {s: float(f.value["mean"]) for s, f in delays.items()}  # type: ignore[index]
    # Each stage's history mean is 8.8 days (it was written so: 35.2 days in all against
    # the won deals' 40); scaled alike by 40 / 35.2, each is the 10 days a won deal spent.
    assert sum(means.values()) == pytest.approx(40.0, abs=0.05)
    for stage in STAGES:
        assert means[stage] == pytest.approx(10.0, abs=0.05)
    note = delays["contract"].note
    assert note.startswith("fitted: exponential mean 8.8 days of 205 ended, 0 open censored")
    assert "so that the stages add up to the won deals' mean cycle 40 days of 164 won" in note
