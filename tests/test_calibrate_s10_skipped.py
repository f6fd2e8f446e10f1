"""Issue 10 S10: a deal that skips a stage in its history counts alike in funnel and cycle.

The funnel counts a deal at every stage before the deepest it reached (it passed them);
the cycle fit read a stage's spell only from the entry into the very next stage, so a
deal whose history goes discovery -> proposal (no onsite_demo) was decided at discovery
for the funnel and had no spell there for the cycle: "decided" and "ended" differed by
one. One rule now: a deal's time at a stage ends when it enters the next stage it
reached; a stage it skipped it passed the day it entered that next stage (0 days).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from calibrate import Kind, Records, combine, fit, normalise
from calibrate.fit.common import fmt
from sim.scenario import Scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("discovery", "onsite_demo", "proposal", "contract")
DAYS = 5  # days at each stage entered


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _records() -> Records:
    """60 deals of smb_core, every one won after its four stages, D0 with no onsite_demo.

    D0's history is discovery (day 0), proposal (day 5), contract (day 10), won day 15.
    """
    start = dt.date(2027, 1, 4)
    deals, stages = [], []
    for i in range(60):
        created = start + dt.timedelta(days=i)
        day = created
        for k, name in enumerate(STAGES):
            if i == 0 and k == 1:
                continue  # D0 skips onsite_demo in its history
            stages.append({"deal_id": f"D{i}", "stage": name, "entered": day.isoformat()})
            day += dt.timedelta(days=DAYS)
        deals.append(
            {
                "deal_id": f"D{i}",
                "owner": "account_executive.01",
                "segment": "smb_core",
                "channel": "demo_requests",
                "created": created.isoformat(),
                "closed": day.isoformat(),
                "status": "lost" if i % 3 == 2 else "won",
                "stage": STAGES[-1],
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


def test_decided_and_ended_read_one_rule(smb: Scenario) -> None:
    fits = [f for f in fit(_records(), smb).fits if f.path[:2] == ("segments", "smb_core")]
    decided = {str(f.path[3]): f.n for f in fits if f.path[-1] == "convert"}
    ended = {}
    for f in fits:
        if f.path[-1] == "client_delay_days":
            found = re.search(r"of (\d+) ended", f.note)
            assert found is not None, f.note
            ended[str(f.path[3])] = int(found.group(1))
    # Every deal passed (or closed at) every stage: 60 decided at each, 60 spells ended.
    assert decided == {s: 60 for s in STAGES}
    assert ended == decided
    delays = {str(f.path[3]): f for f in fits if f.path[-1] == "client_delay_days"}
    # D0 was at onsite_demo 0 days (skipped): 59 spells of 5 days and one of 0 there.
    note = delays["onsite_demo"].note
    assert note.startswith(f"fitted: exponential mean {fmt(59 * DAYS / 60)} days of 60 ended")
