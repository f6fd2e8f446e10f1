"""Issue 10, session 9: a deal with no owner counts for the team; channel kinds explained.

A deal whose owner is empty is still a deal the team had: it counts for the lead flow,
the win rate and the cycle, only not for any person's figures. A scenario built without
--base says why each channel is of its kind (referral: deals and no dials; cold: dials).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate import Kind, Records, combine, fit, normalise
from sim.scenario import Scenario
from teamsim.cli import app
from teamsim.io import load_scenario

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _deals(n: int = 60, no_owner: tuple[int, ...] = (4, 7)) -> pd.DataFrame:
    """``n`` deals of demo_requests, one a day; every third won; ``no_owner`` rows blank."""
    start = dt.date(2027, 1, 4)
    rows = []
    for i in range(n):
        created = start + dt.timedelta(days=i)
        rows.append(
            {
                "deal_id": f"D{i}",
                "owner": "" if i in no_owner else f"account_executive.0{1 + i % 2}",
                "segment": "smb_core",
                "channel": "demo_requests",
                "created": created.isoformat(),
                "closed": (created + dt.timedelta(days=20)).isoformat(),
                "status": "won" if i % 3 == 0 else "lost",
                "value": "20000",
            }
        )
    return pd.DataFrame(rows, dtype=str)


def _records(raw: pd.DataFrame) -> Records:
    table, problems, dropped = normalise(Kind.DEALS, raw, source="deals.csv")
    assert table is not None
    return combine(
        {Kind.DEALS: table}, problems, {"deals": dropped}, sources={Kind.DEALS: "deals.csv"}
    )


def test_a_deal_with_no_owner_is_kept_and_said() -> None:
    records = _records(_deals())
    assert records.deals is not None and len(records.deals) == 60
    assert records.dropped.get("deals", 0) == 0
    said = [(p.row, p.column, p.message) for p in records.problems if p.column == "owner"]
    # file rows are data rows + 2 (the header is row 1)
    assert said == [
        (
            r,
            "owner",
            "no owner: the deal counts for the team's flow, win rate and cycle, "
            "not for any person's",
        )
        for r in (6, 9)
    ]


def test_a_deal_with_no_owner_counts_for_the_team_not_a_person(smb: Scenario) -> None:
    cal = fit(_records(_deals()), smb)
    fits = {f.path: f for f in cal.fits}
    flow = fits[("channels", "demo_requests", "requests_per_day")]
    assert flow.n == 60  # both deals with no owner are in the flow (58 before)
    assert flow.note.startswith("fitted: 60 deals created in 60 days")
    contract = fits[("segments", "smb_core", "stages", "contract", "convert")]
    # every third deal won: D0, D3, ..., D57 = 20 of 60 closed (D4 and D7 lost)
    assert contract.note.startswith("fitted: 20 won of 60 closed, none open")
    people = cal.people
    assert sorted(people["person"]) == ["account_executive.01", "account_executive.02"]
    assert int(people["closed"].sum()) == 58


def test_a_built_scenario_says_why_each_channel_is_of_its_kind(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    _deals().to_csv(path, index=False)
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "-o", str(tmp_path / "o.yaml")],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "channel demo_requests is referral: assumption: deals come from it and no dials are "
        "logged on it, so its leads arrive by themselves at a rate (referral, "
        "leads_per_week); an inbound desk or a warm list of contacts needs --base to say so"
    ) in text
