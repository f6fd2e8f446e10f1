"""The calibrated example wins what its records won: the call quota is dials a day at work.

Issue 10. ``examples/synthetic_crm`` is replication 0 of ``scenarios/b2b_smb.yaml`` (seed
20270104, 300 working days from 2027-01-04): ten SDRs with the policy's quota of 50 dials
a day, who also work the deals they book. The simulator dials a person's quota on each
day at work and makes what a day of meetings and deal work could not hold on the
following days (sim.rules.people.daily_dials); such a full day logs no dial, meeting or
proposal, so it is missing from the activities: the SDRs logged 2,717 of their 2,767 days
at work. A quota fitted as dials over the days logged came out at 50.6 (written 51), and
a scenario built without ``--base`` also worked the nine US holidays of 2027 that nobody
logged: its simulated SDRs dialled 6.5 % more than the records, booked and won as much
more (57.7 won deals a month against the records' 54.1, 8 replications). Fitted over the
days at work (the calendar's working days less each person's days away,
calibrate.fit.activity.days_at_work), with the holidays read from the records
(calibrate.holidays), the quota is the scenario's 50 again, with ``--base`` and without.

The end-to-end check (slow tier) simulates the scenario built from the records alone
over the records' period, as ``teamsim calibrate --backtest`` does, and compares the
twelve whole months 2027-03 to 2028-02 with the records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from calibrate import (
    Calibration,
    Records,
    apply_fits,
    backtest_scenario,
    fit,
    records_with_ids,
    skeleton,
    skeleton_text,
)
from calibrate.contract import record_dates
from calibrate.fit.activity import days_at_work
from calibrate.holidays import quiet_weekdays
from sim import Scenario, simulate
from sim.scenario import parse_scenario
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "synthetic_crm"
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
TRUE_QUOTA = 50  # b2b_smb's policies.call_quota_per_day, every SDR's (selling share 1)
# The nine holidays of b2b_smb's calendar, all inside the records' period.
HOLIDAYS = [
    dt.date(2027, 1, 18),
    dt.date(2027, 2, 15),
    dt.date(2027, 5, 31),
    dt.date(2027, 6, 18),
    dt.date(2027, 7, 5),
    dt.date(2027, 9, 6),
    dt.date(2027, 11, 25),
    dt.date(2027, 11, 26),
    dt.date(2027, 12, 24),
]


@dataclass(frozen=True)
class Built:
    """The scenario built from the example's records alone, and its fits."""

    records: Records
    text: str
    scenario: Scenario
    calibration: Calibration


@pytest.fixture(scope="module")
def example() -> Records:
    records = read_records(
        deals=EXAMPLE / "deals.csv",
        stages=EXAMPLE / "stages.csv",
        activities=EXAMPLE / "activities.csv",
        team=EXAMPLE / "team.csv",
    )
    assert not [p for p in records.problems if p.fatal]
    return records


@pytest.fixture(scope="module")
def built(example: Records) -> Built:
    """``teamsim calibrate`` without ``--base``, up to the fits (no simulation)."""
    doc, sources = skeleton(example, name="wins")
    text = skeleton_text(doc, sources=sources, header="test")
    scenario = parse_scenario(text.encode(), "<built>")
    records = records_with_ids(example)
    return Built(records, text, scenario, fit(records, scenario))


def _quota(cal: Calibration, role: str) -> float:
    found = [f.value for f in cal.fits if f.path == ("roles", role, "call_quota_per_day")]
    assert len(found) == 1
    return float(found[0])  # type: ignore[arg-type]


def test_the_quiet_weekdays_of_the_records_are_the_scenarios_holidays(example: Records) -> None:
    assert quiet_weekdays(example, frozenset(range(5))) == HOLIDAYS


def test_a_few_loggers_or_a_long_gap_make_no_holiday(example: Records) -> None:
    acts = example.activities
    assert acts is not None
    # Two people's records: a quiet weekday may be one of them away.
    two = acts[acts["person"].isin(["sdr.01", "sdr.02"])]
    few = Records(activities=two)
    assert quiet_weekdays(few, frozenset(range(5))) == []
    # Three weeks missing from the activities (and no deal moving then): missing records.
    gap = (acts["date"] >= "2027-06-07") & (acts["date"] <= "2027-06-25")
    alone = Records(activities=acts[~gap])
    found = quiet_weekdays(alone, frozenset(range(5)))
    assert not [d for d in found if dt.date(2027, 6, 7) <= d <= dt.date(2027, 6, 25)]
    assert dt.date(2027, 5, 31) in found and dt.date(2027, 7, 5) in found


def test_the_days_at_work_are_the_working_days_less_days_away(example: Records) -> None:
    base = parse_scenario(BASE.read_bytes(), str(BASE))
    acts = example.activities
    assert acts is not None and example.team is not None
    roles = dict(zip(example.team["person"], example.team["role"], strict=True))
    at_work = days_at_work(acts, roles, base, team=example.team)
    # sdr.01 logged from the first day to the last, 300 working days of b2b_smb's
    # calendar, and was away 19.2 days a year of its 252.25 working days (the nine
    # holidays in the 2027-01-04 .. 2028-03-09 horizon, a year's rate of them).
    row = example.team.set_index("person").loc["sdr.01"]
    share = 1 - float(row["days_away"]) / base.calendar.working_days_per_year
    assert at_work["sdr.01"] == pytest.approx(300 * share)
    logged = acts.groupby("person")["date"].nunique()
    sdrs = [p for p in at_work.index if p.startswith("sdr.")]
    # The days logged are fewer: a day at work full of deal work logs nothing.
    assert at_work[sdrs].sum() - logged[sdrs].sum() == pytest.approx(50, abs=2)


def test_the_quota_fitted_with_a_base_is_the_scenarios(example: Records) -> None:
    # The SDRs given a quota of their own, so that the records' figure is written.
    quota = f"roles.sdr.call_quota_per_day={TRUE_QUOTA}"
    base = parse_scenario(BASE.read_bytes(), str(BASE), overrides=[quota])
    cal = fit(example, base)
    assert _quota(cal, "sdr") == TRUE_QUOTA  # over the days logged: 50.6, written 51
    note = next(f.note for f in cal.fits if f.path[-1] == "call_quota_per_day")
    # examples/synthetic_crm as regenerated in issue 13's S10 (49.6 of 137353 dials before).
    assert note.startswith("fitted: 49.7 dials a day at work (137387 dials, 10 callers; ")
    assert "2717 of them logged" in note


def test_the_quota_fitted_without_a_base_is_the_scenarios(built: Built) -> None:
    # Without the holidays the built calendar had 9 more working days: 48 a day.
    assert built.scenario.calendar.holidays == HOLIDAYS
    assert "records: 9 weekdays on which nobody logged" in built.text
    assert _quota(built.calibration, "sdr") == TRUE_QUOTA


# The twelve whole months the report and the back-test count (2027-01 and -02 fill the
# pipeline, 2028-03 is partial).
MONTHS = [str(m) for m in pd.period_range("2027-03", "2028-02", freq="M")]
REPLICATIONS = 4


def _records_month(records: Records) -> dict[str, float]:
    deals, acts = records.deals, records.activities
    assert deals is not None and acts is not None
    closed = deals["closed"].dt.to_period("M").astype(str)
    created = deals["created"].dt.to_period("M").astype(str)
    dials = acts.loc[acts["kind"] == "dial"]
    in_months = dials["date"].dt.to_period("M").astype(str).isin(MONTHS)
    return {
        "won": float(((deals["status"] == "won") & closed.isin(MONTHS)).sum()) / 12,
        "created": float(created.isin(MONTHS).sum()) / 12,
        "dials": float(dials.loc[in_months, "count"].sum()) / 12,
    }


@pytest.mark.slow
def test_the_scenario_built_from_the_records_wins_what_they_won(built: Built) -> None:
    period = record_dates(built.records)
    scenario = parse_scenario(apply_fits(built.text, built.calibration, inputs=[]).encode())
    placed = backtest_scenario(scenario, (period.min(), period.max()))
    run = simulate(placed, REPLICATIONS, workers=1)
    dates = pd.Series(pd.to_datetime(list(placed.calendar.dates)))
    month = dates.dt.to_period("M").astype(str).to_numpy()
    deals, calls = run.frames.deals, run.frames.calls
    won = deals.loc[(deals["outcome"] == "won") & (deals["closed_day"] >= 0)]
    dialled = pd.Series(month[calls["day"]]).isin(MONTHS).to_numpy()
    sim = {
        "won": float(pd.Series(month[won["closed_day"]]).isin(MONTHS).sum()),
        "created": float(pd.Series(month[deals["created_day"]]).isin(MONTHS).sum()),
        "dials": float(calls["dials"].to_numpy()[dialled].sum()),
    }
    sim = {k: v / 12 / REPLICATIONS for k, v in sim.items()}
    rec = _records_month(built.records)
    # Dials are the quota times the days at work: they vary only with the days away drawn,
    # and the quota is a whole number (49.6 written as 50: 0.8 % more). Measured: +1.4 %
    # (8 replications); before: 10,273 a month against 9,642 (+6.5 %).
    assert sim["dials"] == pytest.approx(rec["dials"], rel=0.02)
    # Deals created follow the dials (SDRs) and the fitted referral rates (AEs); 4 x 12
    # months of about 410 deals: sd of the mean about 1 %. Before: 428 against 412.
    assert sim["created"] == pytest.approx(rec["created"], rel=0.03)
    # Won deals: the records are one history, whose twelve-month mean of 54.1 a month
    # moves by about 1.5 a month from one history to the next (sd over replications);
    # the band is 5 %. Before: 57.7 (+6.7 %).
    assert sim["won"] == pytest.approx(rec["won"], rel=0.05), (sim, rec)
