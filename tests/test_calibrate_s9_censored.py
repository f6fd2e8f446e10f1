"""Issue 10, session 9: the eventual win rate and the won cycle with open deals censored.

Synthetic deals with a known win rate and a known won cycle, lost deals decided sooner
than won ones and carrying no stage (a HubSpot or Bitrix export), no stage history: the
deals decided by the records' last date are the quicker losses first, so won / closed is
biased low and a censored exponential of the won cycles runs long. The competing-risks
fit (calibrate.fit.censored, lifelines' Aalen-Johansen) recovers both.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate import Fit, Kind, Records, combine, fit, normalise
from calibrate.fit.censored import eventual_win
from sim.scenario import Scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
WIN = 0.2  # the generator's win rate
STAGE_MEANS = (4.0, 8.0, 12.0, 16.0)  # a won deal's days at each stage: its cycle is 40
CYCLE = sum(STAGE_MEANS)
LOST_MEAN = 8.0  # days to a loss: lost deals are decided sooner
START = dt.datetime(2027, 1, 4)
DAYS = 300  # deals created over 300 days; the records end on the last of them
SAMPLE_CYCLE = 38.6  # the won deals' mean cycle in _deals()'s sample, generator's days


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _deals(n: int = 4000, seed: int = 20270104) -> pd.DataFrame:
    """``n`` deals of smb_core created at uniform times; lost ones carry no stage."""
    rng = np.random.default_rng(seed)
    created = np.sort(rng.uniform(0.0, DAYS, n))
    won = rng.random(n) < WIN
    cycle = sum(rng.exponential(m, n) for m in STAGE_MEANS)
    ends = created + np.where(won, cycle, rng.exponential(LOST_MEAN, n))
    end_of_records = math.floor(created[-1])
    rows = []
    for i in range(n):
        made = START + dt.timedelta(days=float(created[i]))
        done = math.floor(ends[i]) <= end_of_records
        closed = START + dt.timedelta(days=float(ends[i]))
        rows.append(
            {
                "deal_id": f"D{i}",
                "owner": f"account_executive.0{1 + i % 3}",
                "segment": "smb_core",
                "channel": "demo_requests",
                "created": made.date().isoformat(),
                "closed": closed.date().isoformat() if done else "",
                "status": ("won" if won[i] else "lost") if done else "open",
                "stage": "contract" if done and won[i] else ("" if done else "discovery"),
                "value": "20000",
            }
        )
    return pd.DataFrame(rows, dtype=str)


@pytest.fixture(scope="module")
def records() -> Records:
    table, problems, dropped = normalise(Kind.DEALS, _deals(), source="deals.csv")
    assert table is not None
    return combine(
        {Kind.DEALS: table}, problems, {"deals": dropped}, sources={Kind.DEALS: "deals.csv"}
    )


def _core(records: Records, smb: Scenario, field: str) -> dict[str, Fit]:
    fits = fit(records, smb).fits
    return {
        str(f.path[3]): f
        for f in fits
        if f.path[:2] == ("segments", "smb_core") and f.path[-1] == field
    }


def test_the_samples_own_won_cycle() -> None:
    rng = np.random.default_rng(20270104)
    n = 4000
    rng.uniform(0.0, DAYS, n)
    won = rng.random(n) < WIN
    cycle = sum(rng.exponential(m, n) for m in STAGE_MEANS)
    assert float(np.mean(cycle[won])) == pytest.approx(SAMPLE_CYCLE, abs=0.05)


def test_won_over_closed_is_biased_low_by_the_quicker_losses(records: Records) -> None:
    deals = records.deals
    assert deals is not None
    won = int((deals["status"] == "won").sum())
    lost = int((deals["status"] == "lost").sum())
    opened = int((deals["status"] == "open").sum())
    # the sample this file pins: many open deals, most of them young wins to be
    assert (won, lost, opened) == (684, 3116, 200)
    assert won / (won + lost) == pytest.approx(0.18, abs=1e-4)  # against 0.2


def test_the_eventual_win_rate_recovers_the_generators(records: Records) -> None:
    deals = records.deals
    assert deals is not None
    win = eventual_win(deals, pd.Timestamp(deals["created"].max()))
    assert win is not None
    assert (win.won, win.lost, win.open) == (684, 3116, 200)
    assert win.low <= WIN <= win.high
    assert win.rate == pytest.approx(WIN, abs=0.01)
    # won / closed falls below the interval: the bias is beyond the sample's noise
    assert win.won / (win.won + win.lost) < win.low


def test_the_one_stage_path_writes_the_eventual_win_rate(records: Records, smb: Scenario) -> None:
    converts = _core(records, smb, "convert")
    product = math.prod(float(str(f.value)) for f in converts.values())
    # the generator's 0.2 (the sample's own share won, 0.199); it was won / closed, 0.180
    assert product == pytest.approx(0.197, abs=5e-4)
    assert product == pytest.approx(WIN, abs=0.01)
    note = converts["contract"].note
    assert "eventual win rate" in note and "open deals censored at their age" in note
    assert "of 684 won, 3116 lost and 200 open" in note and "won / closed 18.0 %" in note


def test_the_won_cycle_without_a_stage_history_recovers_the_generators(
    records: Records, smb: Scenario
) -> None:
    delays = _core(records, smb, "client_delay_days")
    assert list(delays) == ["discovery", "onsite_demo", "proposal", "contract"]
    total = sum(float(f.value["mean"]) for f in delays.values())
    low = sum(float(f.low) for f in delays.values())
    high = sum(float(f.high) for f in delays.values())
    # The generator's won cycle is 40 days; this sample's won deals' own mean is 38.6
    # (SAMPLE_CYCLE), which the export records. The censored exponential of the won
    # cycles (open deals weighted by their chance to be won) wrote 41.3, 7 % long.
    assert total == pytest.approx(SAMPLE_CYCLE, rel=0.03)
    assert low <= SAMPLE_CYCLE <= high
    assert total == pytest.approx(CYCLE, rel=0.05)
    note = delays["contract"].note
    assert note.startswith("fitted: the won deals' mean cycle ")


def test_no_open_deal_gives_won_over_closed_exactly(records: Records) -> None:
    deals = records.deals
    assert deals is not None
    decided = deals[deals["status"] != "open"]
    win = eventual_win(decided, pd.Timestamp(deals["created"].max()))
    assert win is not None and win.open == 0
    assert win.rate == pytest.approx(684 / (684 + 3116), abs=1e-12)
