"""The goals-against-results report on a new user's files: what a fresh trial found.

Small synthetic exports written in tmp_path and calibrated through the same call the
command makes (teamsim.calibration.calibrate_files), then printed at 80 columns:
all deals open; an activities file alone; a team file whose account executives never
dial; a plan that is the team's own revenue; the cut list of people below plan; the
fields of the values kept; intervals in the value's unit; money in the scenario's locale.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from calibrate import Calibration, Fit, Kept, counted
from teamsim.calibrate_view import (
    fit_interval,
    months_note,
    print_fits,
    print_kept,
    print_report,
    team_cells,
)
from teamsim.calibration import CalibrateRequest, CalibrationOutcome, calibrate_files

FIRST = dt.date(2027, 1, 4)  # a Monday; the records run to 2027-04-14: April is partial
LAST = dt.date(2027, 4, 14)
SDRS = ("sdr.01", "sdr.02")
AES = ("ae.01",)


def _workdays() -> list[dt.date]:
    days = [FIRST + dt.timedelta(days=k) for k in range((LAST - FIRST).days + 1)]
    return [d for d in days if d.weekday() < 5]


def _deals(path: Path, *, closed: bool) -> Path:
    """Two deals a working day, by turns per owner; every third won, the others lost.

    ``closed`` False: every deal still open (no closed date, status open).
    """
    rows = []
    owners = (*SDRS, *AES)
    for k, day in enumerate(_workdays()):
        for j in range(2):
            n = 2 * k + j
            end = day + dt.timedelta(days=10)
            status = ("won" if n % 3 == 0 else "lost") if closed and end <= LAST else "open"
            rows.append(
                {
                    "deal_id": f"D{n:05d}",
                    "owner": owners[n % len(owners)],
                    "created": day.isoformat(),
                    "closed": end.isoformat() if status != "open" else "",
                    "status": status,
                    "stage": "proposal" if status != "won" else "won",
                    "value": 1000,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _activities(path: Path) -> Path:
    """Each SDR dials 40 a day (5 connects, 3 conversations, 1 booking), 120 minutes of
    calls; the account executive only holds two meetings a day, 90 minutes each."""
    rows = []
    for day in _workdays():
        for person in SDRS:
            for kind, count, minutes in (
                ("dial", 40, 120.0),
                ("connect", 5, math.nan),
                ("conversation", 3, math.nan),
                ("booking", 1, math.nan),
            ):
                rows.append(
                    {
                        "person": person,
                        "date": day.isoformat(),
                        "kind": kind,
                        "count": count,
                        "minutes": minutes,
                    }
                )
        for person in AES:
            rows.append(
                {
                    "person": person,
                    "date": day.isoformat(),
                    "kind": "meeting",
                    "count": 2,
                    "minutes": 180.0,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _team(path: Path) -> Path:
    rows = [{"person": p, "role": "sdr"} for p in SDRS]
    rows += [{"person": p, "role": "account_executive"} for p in AES]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _calibrate(tmp_path: Path, plan: float | None = None, **files: Path) -> CalibrationOutcome:
    request = CalibrateRequest(out_path=tmp_path / "team.yaml", workers=1, plan=plan, **files)  # type: ignore[arg-type]
    return calibrate_files(request)


def _printed(outcome: CalibrationOutcome, width: int = 80) -> str:
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=width), outcome.report, None)
    return " ".join(buffer.getvalue().split())  # captions wrap: read them as one line


def _at(people: pd.DataFrame, person: str, column: str) -> Any:
    """One cell of the people table (indexed by person)."""
    return people.to_dict(orient="index")[person][column]


def _team_row(outcome: CalibrationOutcome, stage: str) -> pd.Series:
    team = outcome.report.team
    return team.loc[team["stage"] == stage].iloc[0]


def test_all_deals_open_needs_the_written_plan_and_says_the_win_rate_is_not_fitted(
    tmp_path: Path,
) -> None:
    # A plan given: without one the plan is an assumption, and nothing is needed of it
    # (test_calibrate_report_words).
    outcome = _calibrate(
        tmp_path,
        deals=_deals(tmp_path / "deals.csv", closed=False),
        plan=36000.0,  # type: ignore[arg-type]
    )
    plan = outcome.scenario.plan.revenue_per_month[0]
    assert plan == 36000.0
    # The one number: the plan written into the scenario is what the report needs.
    assert _team_row(outcome, "revenue")["needed"] == pytest.approx(plan)
    for stage in ("dials", "conversations", "first_stage", "proposals", "won"):
        assert math.isnan(_team_row(outcome, stage)["needed"]), stage
    text = _printed(outcome)
    assert "No closed deal, so the win rate is not fitted (assumption kept: segments." in text
    assert ".convert" in text and "what the plan needs before revenue is not derived" in text
    # A seller's first stage: their deals created now, no need derived ("/ -").
    assert outcome.report.people["first_stage_needed"].isna().all()
    assert " / - " in text
    # Open deals alone measure no closing: no revenue "now" of 0, nobody "below plan".
    assert math.isnan(_team_row(outcome, "revenue")["now"])
    assert math.isnan(_team_row(outcome, "won")["now"])
    report = outcome.report
    assert not report.revenue_judged and report.furthest.empty
    assert (
        "Below plan: cannot be judged: no deal in the records is closed (an export of open "
        "deals only?), so the revenue won now is not measured." in " ".join(text.split())
    )


def test_activities_alone_judge_no_revenue_and_tell_callers_from_the_records(
    tmp_path: Path,
) -> None:
    outcome = _calibrate(tmp_path, activities=_activities(tmp_path / "acts.csv"))
    report = outcome.report
    text = _printed(outcome)
    assert not report.revenue_judged and report.furthest.empty
    assert "Below plan: nobody" not in text
    assert (
        "Below plan: cannot be judged: revenue against the plan needs deals, and the records "
        "hold none." in text
    )
    assert "No deals in the records, so the win rate is not fitted" in text
    people = report.people.set_index("person")
    # No team file: the role is what the records show, not one role for everybody.
    assert people.loc[list(SDRS), "role"].eq("dials in the records").all()
    assert _at(people, "ae.01", "role") == "no dials in the records"
    assert math.isnan(_at(people, "ae.01", "dials_now"))  # no caller: "-", never "0 / x"
    assert math.isnan(_at(people, "ae.01", "dials_needed"))
    assert _at(people, "sdr.01", "dials_now") > 0
    # The callers' rate: 40 dials a day at work over the two SDRs, not diluted by the AE.
    # The built role that dials has a quota of its own, which the records set.
    quota = [f for f in outcome.calibration.fits if f.path[-1] == "call_quota_per_day"]
    assert quota and quota[0].value == 40
    assert quota[0].note.startswith("fitted: 40 dials a day at work (")
    assert "2 callers; 1 person of seller logged no dial: not callers, left out" in quota[0].note
    # Shares of the day add to 100 %: the rest is said to be not logged. An SDR's day
    # holds 120 minutes of calls, the AE's 180 of meetings: over 3 person-days a day.
    share = next(u.fit for u in outcome.calibration.unwritten if "share of the day" in u.what)
    figures = [float(part.split()[-2]) for part in share.split(" (")[0].split(", ")]
    assert sum(figures) == pytest.approx(100.0, abs=0.15)
    assert "not logged" in share


def test_a_role_that_never_dials_gets_no_dial_target(tmp_path: Path) -> None:
    outcome = _calibrate(
        tmp_path,
        plan=100_000,  # a plan given: without one the team is compared with nothing
        deals=_deals(tmp_path / "deals.csv", closed=True),
        activities=_activities(tmp_path / "acts.csv"),
        team=_team(tmp_path / "team.csv"),
    )
    people = outcome.report.people.set_index("person")
    assert _at(people, "ae.01", "role") == "account_executive"  # from the team file
    assert math.isnan(_at(people, "ae.01", "dials_needed"))
    assert math.isnan(_at(people, "ae.01", "conversations_needed"))
    # The AE keeps the deal stages the records show: first stage and revenue.
    assert _at(people, "ae.01", "first_stage_needed") > 0
    # The team's dials are all the callers'.
    dials = _team_row(outcome, "dials")["needed"]
    assert people.loc[list(SDRS), "dials_needed"].sum() == pytest.approx(dials)


def test_a_plan_that_is_the_teams_own_revenue_is_met_over_the_same_months(
    tmp_path: Path,
) -> None:
    outcome = _calibrate(tmp_path, deals=_deals(tmp_path / "deals.csv", closed=True))
    report = outcome.report
    revenue = _team_row(outcome, "revenue")
    plan = outcome.scenario.plan.revenue_per_month[0]
    # The plan is the records' revenue a month over their whole months: the report
    # compares the team with itself, says so in its header, and shows no gap column.
    assert report.months_now == ("2027-01", "2027-02", "2027-03")
    assert report.plan_months == report.months_now
    assert revenue["now"] == pytest.approx(plan, abs=0.5)  # the plan is written whole
    assert report.plan_own and report.plan_assumed
    assert math.isnan(revenue["needed"]) and report.largest_gap is None
    text = _printed(outcome)
    assert text.startswith(
        "No plan to compare with: no plan given (no --plan, no --base): the plan written is "
        "the team's own revenue won a month in the records"
    )
    assert "so this report compares the team with itself and shows no gap; give --plan " in text
    assert "Current results: the team, a month (no plan to compare with)" in text
    assert "short / surplus" not in text and "on plan" not in text
    assert (
        "A month, over the 3 whole months of the records, 2027-01 to 2027-03 (partial months "
        "left out: 2027-04): now, the records' mean." in text
    )
    assert "mean of the whole months none" not in text
    written = (tmp_path / "team.yaml").exists() or outcome.text
    assert written and "the revenue won a month, mean over the 3 whole months" in outcome.text


def test_a_cut_list_says_how_many_are_shown_and_months_read_properly(tmp_path: Path) -> None:
    deals = _deals(tmp_path / "deals.csv", closed=True)
    outcome = _calibrate(tmp_path, plan=10_000_000, deals=deals)
    one = outcome.report.furthest.head(1)
    many = pd.concat([one.assign(person=f"p{k}") for k in range(9)], ignore_index=True)
    report = replace(outcome.report, furthest=many)
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=80), report, None)
    text = " ".join(buffer.getvalue().split())
    assert "5 of 9 shown, furthest short first; all of them: --excel FILE." in text
    # No whole month: the period's months, in words; never "months none" nor "1 months".
    bare = replace(report, months_now=(), partial_months=(), months_whole=False,
                   plan_months=("2027-01",))  # fmt: skip
    note = months_note(bare)
    assert note.startswith("a month, over the records' 1 month, 2027-01 (no whole month:")
    assert counted(1, "whole month") == "1 whole month"


def test_kept_values_name_their_field_and_intervals_keep_the_unit() -> None:
    kept = (
        Kept(("roles", "ae", "calls", "connect_rate"), "no activities file"),
        Kept(("roles", "ae", "headcount", "current"), "no team file"),
    )
    fit = Fit(
        ("channels", "cold", "connect_rate"), 0.0476, n=126, low=0.022, high=0.1, note="fitted"
    )
    calibration = Calibration(
        fits=(fit,),
        kept=kept,
        unwritten=(),
        people=pd.DataFrame(),
        period=(pd.Timestamp(FIRST), pd.Timestamp(LAST)),
    )
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)
    print_kept(console, calibration)
    print_fits(console, calibration, currency="USD")
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    assert lines[:5] == [
        "not calibrated: assumption kept: 2 values",
        "  no activities file:",
        "    roles.ae.calls.connect_rate",
        "  no team file:",
        "    roles.ae.headcount.current",
    ]
    assert "channels.cold.connect_rate: 4.8 %, 95 % 2.2 % to 10.0 %" in lines
    assert fit_interval("segments.s.deal_value", 9000.0, 11000.0, "USD") == "95 % $9K to $11K"


def test_money_follows_the_scenario_locale(tmp_path: Path) -> None:
    outcome = _calibrate(tmp_path, deals=_deals(tmp_path / "deals.csv", closed=True))
    report = replace(outcome.report, currency="EUR", locale="de_DE")
    row = _team_row(outcome, "revenue").to_dict()
    german = team_cells(row, "EUR", locale=report.locale)
    assert german[0].endswith("€") and "." in german[0]  # "33.333 €", not "€33.3K"
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=120), report, None)
    assert "€" in buffer.getvalue() and "€33" not in buffer.getvalue()


def test_won_deals_without_an_amount_judge_no_revenue(tmp_path: Path) -> None:
    # A deals file whose amount column is under a name not recognised (trial 10: "Netto")
    # read as won deals of no value: revenue now $0, "largest gap: revenue". Now the
    # revenue is not measured and nobody is "below plan".
    path = _deals(tmp_path / "deals.csv", closed=True)
    frame = pd.read_csv(path).rename(columns={"value": "Netto"})
    frame.to_csv(path, index=False)
    outcome = _calibrate(tmp_path, deals=path, plan=36000.0)  # type: ignore[arg-type]
    assert math.isnan(_team_row(outcome, "revenue")["now"])
    report = outcome.report
    assert not report.revenue_judged and report.furthest.empty
    won = int((pd.read_csv(path)["status"] == "won").sum())
    text = " ".join(_printed(outcome).split())
    assert f"none of the {won:,} won deals has an amount (map the file's amount column" in text
