"""What a fresh user's CRM exports must not do to the fits (issue 10's second trial).

Each test builds a small export in tmp_path whose right answer is worked out by hand: a
file filtered by status fits no flow of new deals, the stages' delays add up to the won
deals' cycle, a misspelt stage leaves only its own deals out, intervals of quantities that
cannot go below 0 do not, a floored delay says so, and a team file alone has no period.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calibrate import Fit, net_of_lag, skeleton
from calibrate.contract import Calibration
from calibrate.fit import fit
from calibrate.fit.common import mean_interval
from calibrate.records import lookalike
from sim import Scenario
from teamsim.io import load_scenario
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
HEADER = "deal_id,owner,created,closed,status,stage,value,segment,channel"
START = dt.date(2027, 1, 4)
FLOWS = (
    ("channels", "marketing_leads", "refill_per_month"),
    ("channels", "demo_requests", "requests_per_day"),
    ("channels", "partner_referrals", "leads_per_week"),
    ("channels", "customer_success_referrals", "leads_per_week"),
)


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(BASE)


def _rows(n: int, status: str, stage: str, *, first: int, days: int = 3) -> list[str]:
    """n smb_core deals created on START, closed ``days`` later (open: not closed)."""
    closed = "" if status == "open" else str(START + dt.timedelta(days=days))
    return [
        f"D{i:04d},rep.{i % 3},{START},{closed},{status},{stage},20000,smb_core,demo_requests"
        for i in range(first, first + n)
    ]


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _kept(cal: Calibration) -> dict[tuple[str | int, ...], str]:
    return {k.path: k.why for k in cal.kept}


def _fits(cal: Calibration) -> dict[tuple[str | int, ...], Fit]:
    return {f.path: f for f in cal.fits}


# 1. An export filtered by status fits no flow of new deals --------------------------------


def test_a_won_only_export_fits_no_flow(tmp_path: Path, smb: Scenario) -> None:
    records = read_records(deals=_csv(tmp_path / "won.csv", _rows(30, "won", "", first=0)))
    cal = fit(records, smb)
    why = (
        "no lost deals among 30 closed: is this a won-only export? Its deals are not every "
        "lead that came in: flow not fitted, assumption kept"
    )
    kept, fitted = _kept(cal), _fits(cal)
    for path in FLOWS:
        assert path not in fitted
        assert kept[path] == why
    # Nor is the cold list's booking rate matched by simulation to the won deals.
    assert kept[("channels", "cold_list", "lead_given_conversation")] == why


def test_an_open_only_export_is_warned_of_and_fits_no_flow(tmp_path: Path, smb: Scenario) -> None:
    path = _csv(tmp_path / "open.csv", _rows(12, "open", "proposal", first=0))
    records = read_records(deals=path)
    assert [p.message for p in records.problems] == [
        "no closed deal among 12: is this an export of open deals only? win rate and flow "
        "of new deals not fitted, assumptions kept"
    ]
    cal = fit(records, smb)
    kept, fitted = _kept(cal), _fits(cal)
    for flow in FLOWS:
        assert flow not in fitted
        assert kept[flow] == (
            "no closed deal among 12: is this an export of open deals only? Its deals are "
            "not every lead that came in: flow not fitted, assumption kept"
        )


def test_a_few_open_deals_or_both_outcomes_still_fit_the_flow(
    tmp_path: Path, smb: Scenario
) -> None:
    # Four open deals are no sign of a filter; won and lost together are a whole export.
    few = read_records(deals=_csv(tmp_path / "few.csv", _rows(4, "open", "proposal", first=0)))
    assert not few.problems
    both = _rows(6, "won", "", first=0) + _rows(4, "lost", "proposal", first=6)
    cal = fit(read_records(deals=_csv(tmp_path / "both.csv", both)), smb)
    flow = _fits(cal)[("channels", "demo_requests", "requests_per_day")]
    assert flow.n == 10


# 2. Without a stage history the delays add up to the won deals' cycle -----------------------


def _cycle_rows(*, open_deals: int) -> list[str]:
    """5 won in 10..50 days, 5 lost at proposal in 2 days, open deals at proposal."""
    rows = [
        f"W{i},rep.1,{START},{START + dt.timedelta(days=d)},won,,20000,smb_core,demo_requests"
        for i, d in enumerate((10, 20, 30, 40, 50))
    ]
    rows += _rows(5, "lost", "proposal", first=0, days=2)
    rows += _rows(open_deals, "open", "proposal", first=100)
    return rows


def _delays(cal: Calibration) -> dict[str, float]:
    found = {}
    for f in cal.fits:
        if f.path[:2] == ("segments", "smb_core") and f.path[-1] == "client_delay_days":
            assert isinstance(f.value, dict)
            found[str(f.path[3])] = float(f.value["mean"])
    return found


def test_the_stages_delays_add_up_to_the_won_deals_cycle(tmp_path: Path, smb: Scenario) -> None:
    path = _csv(tmp_path / "d.csv", _cycle_rows(open_deals=0))
    cal = fit(read_records(deals=path), smb)
    delays = _delays(cal)
    # The won cycle is (10 + 20 + 30 + 40 + 50) / 5 = 30 days; the lost deals' 2 days do
    # not shorten it. Spread as the base's delays 3, 7, 10, 14 (of 34) are.
    assert delays == {
        "discovery": round(30 * 3 / 34, 3),
        "onsite_demo": round(30 * 7 / 34, 3),
        "proposal": round(30 * 10 / 34, 3),
        "contract": round(30 * 14 / 34, 3),
    }
    assert sum(delays.values()) == pytest.approx(30.0, abs=2e-3)
    note = _fits(cal)[("segments", "smb_core", "stages", "contract", "client_delay_days")].note
    assert note.startswith(
        "fitted: the won deals' mean cycle 30 days of 5 won, 5 lost and 0 open (Aalen-Johansen"
    )
    assert "; 41.2 % of it, 95 % " in note
    assert "; no stage history: the won deals' cycle" in note


def test_open_deals_as_old_as_the_oldest_win_add_no_won_cycle(
    tmp_path: Path, smb: Scenario
) -> None:
    path = _csv(tmp_path / "d.csv", _cycle_rows(open_deals=2))
    cal = fit(read_records(deals=path), smb)
    # The open deals are 50 days old on the records' last date (the last won deal's
    # close). The won cycle is the competing-risks fit's (calibrate.fit.censored): open
    # deals censored at 50 days, the age of the last win, leave the won deals' cycles as
    # they are: 30 days. (It was 40, an exponential's time at risk over the wins, with
    # each open deal weighted by its chance to be won: an exponential sees beyond the
    # records, the fit does not.)
    delays = _delays(cal)
    assert sum(delays.values()) == pytest.approx(30.0, abs=2e-3)
    assert delays["contract"] == round(30 * 14 / 34, 3)
    note = _fits(cal)[("segments", "smb_core", "stages", "contract", "client_delay_days")].note
    assert "of 5 won, 5 lost and 2 open (Aalen-Johansen" in note


# 3. A misspelt stage leaves only its own deals out ----------------------------------------


def test_a_misspelt_stage_leaves_its_deals_out_and_fits_every_stage(
    tmp_path: Path, smb: Scenario
) -> None:
    rows = (
        _rows(10, "won", "", first=0)
        + _rows(10, "lost", "discovery", first=10)
        + _rows(10, "lost", "onsite_demo", first=20)
        + _rows(10, "lost", "proposal", first=30)
        + _rows(5, "lost", "contract", first=40)
        + _rows(3, "lost", "propsal", first=50)
    )
    stages = {st.name for seg in smb.segments.values() for st in seg.stages}
    records = read_records(deals=_csv(tmp_path / "d.csv", rows), known_stages=stages)
    warning = next(p for p in records.problems if "propsal" in p.message)
    assert "it looks like 'proposal'" in warning.message
    converts = {
        str(f.path[3]): f
        for f in fit(records, smb).fits
        if f.path[:2] == ("segments", "smb_core") and f.path[-1] == "convert"
    }
    # The 3 'propsal' deals are left out everywhere (deals alone: their path is unknown
    # from the first stage); the rest stage by stage: 35 of 45, 25 of 35, 15 of 25, 10 of 15.
    assert {s: (f.value, f.n) for s, f in converts.items()} == {
        "discovery": (round(35 / 45, 4), 45),
        "onsite_demo": (round(25 / 35, 4), 35),
        "proposal": (0.6, 25),
        "contract": (round(10 / 15, 4), 15),
    }
    assert converts["proposal"].note == (
        "fitted: 15 passed of 25 decided, 0 open there censored, 95 % 40.7 % to 76.6 %; "
        "'propsal' looks like 'proposal': its 3 deals left out of the stages their path is "
        'unknown at (map it with --stage "propsal=proposal")'
    )
    assert not any("does not have" in f.note or "scaled alike" in f.note for f in converts.values())


@pytest.mark.parametrize(
    ("name", "like"),
    [
        ("disco", "discovery"),
        ("onsite", "onsite_demo"),
        ("review", "account_review"),
        ("propsal", "proposal"),
        ("de", None),  # too short to tell: the start of demo, or of anything
        ("demo", None),  # a stage itself, and a word of onsite_demo: two, so none
        ("con", "contract"),
    ],
)
def test_a_stage_name_abbreviated_looks_like_the_one_it_starts(name: str, like: str | None) -> None:
    stages = ["discovery", "demo", "proposal", "contract", "onsite_demo", "account_review"]
    assert lookalike(name, stages) == like


def test_abbreviations_are_not_taken_among_a_files_own_stages() -> None:
    # No scenario: "Demo" beside "Onsite Demo" is a stage of its own.
    assert lookalike("Demo", ["Onsite Demo"], abbreviations=False) is None
    assert lookalike("Demo", ["Onsite Demo"]) == "Onsite Demo"


# 4. Intervals of quantities that cannot go below 0 ----------------------------------------


def test_the_interval_of_a_non_negative_mean_is_floored_at_0() -> None:
    # Mean 8, sd sqrt(320): t(0.975, 4) x sd / sqrt(5) = 22.2 each side, so 8 - 22.2 < 0.
    values = np.array([0.0, 0.0, 0.0, 0.0, 40.0])
    half = float(stats.t.ppf(0.975, 4)) * math.sqrt(320.0) / math.sqrt(5.0)
    low, high = mean_interval(values)
    assert low == 0.0
    assert high == pytest.approx(8.0 + half)
    # Values that can be negative keep the symmetric interval.
    low, high = mean_interval(values - 10.0)
    assert (low, high) == pytest.approx((-2.0 - half, -2.0 + half))


def test_days_away_of_a_skewed_team_has_no_negative_low(tmp_path: Path, smb: Scenario) -> None:
    team = tmp_path / "team.csv"
    lines = ["person,role,days_away"] + [f"tl{i},team_lead,{d}" for i, d in enumerate((0, 0, 40))]
    team.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cal = fit(read_records(team=team), smb)
    vacation = _fits(cal)[("roles", "team_lead", "absence", "vacation_days")]
    assert vacation.low == 0.0
    assert vacation.high is not None and vacation.high > 0


# 5. A delay floored at 0.1 days says so ----------------------------------------------------


def test_a_delay_floored_at_a_tenth_of_a_day_says_so(smb: Scenario) -> None:
    path = ("segments", "smb_core", "stages", "discovery", "client_delay_days")
    first = Fit(path, {"kind": "exponential", "mean": 0.245}, n=9, low=0.1, high=0.5, note="fitted")
    cal = Calibration(
        fits=(first,),
        kept=(),
        unwritten=(),
        people=pd.DataFrame(),
        period=(pd.Timestamp(START), pd.Timestamp(START)),
    )
    given = smb.segments["smb_core"].stages[0].client_delay_days.expected_value()
    shifted = net_of_lag(cal, smb, {("smb_core", "discovery"): given + 0.6}).fits[0]
    assert isinstance(shifted.value, dict) and shifted.value["mean"] == 0.1
    assert shifted.note == (
        "fitted; less 0.6 days the simulated team takes to get to the work (weekends, a busy "
        "day, approvals), floored at 0.1 days (an exponential needs a positive mean)"
    )
    # Not floored: no word of it.
    same = net_of_lag(cal, smb, {("smb_core", "discovery"): given + 0.1}).fits[0]
    assert "floored" not in same.note
    assert isinstance(same.value, dict) and same.value["mean"] == pytest.approx(0.145)


# 6. A team file alone has no period of records ---------------------------------------------


def test_a_team_file_alone_fits_no_hires_a_year(tmp_path: Path, smb: Scenario) -> None:
    team = tmp_path / "team.csv"
    lines = ["person,role,start"] + [
        f"ae{i},account_executive,2026-{m:02d}-05" for i, m in enumerate((1, 4, 10))
    ]
    team.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cal = fit(read_records(team=team), smb)
    path = ("roles", "account_executive", "ramp", "new_hires_per_year")
    assert path not in _fits(cal)
    assert _kept(cal)[path] == "no dated deals or activities: no period to count hires a year in"
    assert not [u for u in cal.unwritten if "started within" in u.fit]


# Without a base: the built scenario's flow from a filtered export, and a team file alone.


def test_a_won_only_export_without_a_base_stands_for_its_leads(tmp_path: Path) -> None:
    # 21 won deals over 3 weeks (2027-01-04 to 2027-01-24): 7 a week, each 1 / 0.21 leads.
    rows = [
        f"W{i:03d},rep.{i % 3},{START + dt.timedelta(days=i)},"
        f"{START + dt.timedelta(days=i)},won,contract,5000,smb,web"
        for i in range(21)
    ]
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    doc, sources = skeleton(records, name="won only")
    assert doc["channels"]["web"]["leads_per_week"] == pytest.approx(round(7 / 0.21, 2))
    assert sources[("channels", "web", "leads_per_week")] == (
        "records: 21 deals created in 3.0 weeks, each won deal taken as 1 / 0.21 leads "
        "(the published win rate)"
    )


def test_a_team_file_alone_has_no_period(smb: Scenario) -> None:
    team = ROOT / "examples" / "synthetic_crm" / "team.csv"
    cal = fit(read_records(team=team), smb)
    assert not cal.dated
    assert cal.period_words() == "the records (no dated deal or activity: no period)"
