"""How the report splits the plan over the people, names its rows and says "no plan".

Two sellers in the team file and one deal owner who is not in it, three whole months
(January to March 2025), counts chosen by hand; every figure is worked out beside it.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from model_helpers import tiny
from rich.console import Console

from calibrate.contract import COLUMNS, ROW, Fit, Kind, Records
from calibrate.report import (
    NOT_IN_TEAM,
    OWN_PLAN_NOTE,
    PLAN_PATH,
    goals_against_results,
    plan_split,
)
from sim.scenario import Scenario
from teamsim.calibrate_view import print_report, write_excel

ANNA, BORIS, GONE = "Anna", "Boris", "Ann Smith (left)"
MONTHS = ("2025-01", "2025-02", "2025-03")
# Won deals a month, 1,000 each: Anna (ae) 3, Boris (sdr) 1, Gone (not in the team) 2.
WON = {ANNA: 3, BORIS: 1, GONE: 2}


def _scenario(plan: float = 8000) -> Scenario:
    stages = [{"name": "meeting", "work_min": 30, "convert": 0.5}]
    seller = {"level": "line", "headcount": 1, "monthly_cost": 1}
    return tiny(
        roles={"ae": seller, "sdr": {**seller, "selling_share": 0.5}},
        segments={"s": {"stages": stages}},
        plan={"revenue_per_month": plan},
    )


def _frame(kind: Kind, rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS[kind]))
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def _deals() -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for month in MONTHS:
        for owner, won in WON.items():
            for k, status in enumerate(["won"] * won + ["lost"]):
                rows.append(
                    {
                        "deal_id": f"{owner}-{month}-{k}",
                        "owner": owner,
                        "created": pd.Timestamp(f"{month}-{2 + k:02d}"),
                        "closed": pd.Timestamp(f"{month}-20"),
                        "status": status,
                        "value": 1000.0 if status == "won" else math.nan,
                    }
                )
    return _frame(Kind.DEALS, rows)


def _team() -> pd.DataFrame:
    return _frame(Kind.TEAM, [{"person": ANNA, "role": "ae"}, {"person": BORIS, "role": "sdr"}])


def _activities(kinds: tuple[str, ...]) -> pd.DataFrame:
    rows = [
        {"person": ANNA, "date": pd.Timestamp(f"{m}-{d}"), "kind": kind, "count": 2}
        for m in MONTHS
        for d in ("01", "28")
        for kind in kinds
    ]
    return _frame(Kind.ACTIVITIES, rows)


def _needs(plan: float = 8000) -> pd.DataFrame:
    """One plan month: 8,000 of revenue, 8 won, 16 first meetings."""
    row = {
        "month": "2025-04",
        "segment": "s",
        "channel": "c",
        "dials": 0.0,
        "connects": 0.0,
        "conversations": 0.0,
        "leads": 2 * plan / 1000,
        "won": plan / 1000,
        "revenue": plan,
        "meeting": 2 * plan / 1000,
    }
    return pd.DataFrame([row])


def test_plan_split_by_hand() -> None:
    # Roles a (two people, weights 1 and 3) and b (one): now a 30 + 10, b 60, need 200.
    # Role a: 200 x 40 / 100 = 80, shared 1 : 3 -> 20 and 60; role b: 120.
    split = plan_split(
        {"p": 30.0, "q": 10.0, "r": 60.0, "x": math.nan},
        {"p": "a", "q": "a", "r": "b", "x": "b"},
        {"p": 1.0, "q": 3.0, "r": 5.0, "x": 5.0},
        200.0,
    )
    assert split == pytest.approx({"p": 20.0, "q": 60.0, "r": 120.0})
    # Weights all 0 in a role: equal within it; nothing in the records: None.
    assert plan_split({"p": 1.0, "q": 1.0}, {"p": "a", "q": "a"}, {}, 10.0) == {
        "p": 5.0,
        "q": 5.0,
    }
    assert plan_split({"p": 0.0}, {"p": "a"}, {"p": 1.0}, 10.0) is None


def test_an_owner_not_in_the_team_file_gets_no_share_of_the_plan(tmp_path: Path) -> None:
    records = Records(deals=_deals(), team=_team())
    report = goals_against_results(records, _scenario(), _needs())
    people = report.people.set_index("person")
    # Won revenue a month over the whole months (January, February): Anna 3,000, Boris
    # 1,000 (the team file's people); Gone's 2,000 is shown but takes no share: the plan
    # of 8,000 splits 3 : 1.
    assert people.loc[GONE, "revenue_now"] == pytest.approx(2000)
    assert people.loc[GONE, "revenue_needed"] == 0.0
    assert people.loc[GONE, "share"] == 0.0
    assert people.loc[GONE, "role"] == NOT_IN_TEAM and not people.loc[GONE, "in_team"]
    assert people.loc[ANNA, "revenue_needed"] == pytest.approx(6000)
    assert people.loc[BORIS, "revenue_needed"] == pytest.approx(2000)
    assert people.loc[[ANNA, BORIS], "revenue_needed"].sum() == pytest.approx(8000)
    # Won deals and deals created likewise: 8 won (3 : 1); 16 created, of 4 and 2 a month.
    assert people.loc[ANNA, "won_needed"] == pytest.approx(6)
    assert people.loc[ANNA, "first_stage_needed"] == pytest.approx(16 * 4 / 6)
    assert people.loc[GONE, "first_stage_needed"] == 0.0
    # No activities: nothing of theirs to set a 0 beside ("-", not "- / 0.0").
    assert math.isnan(people.loc[GONE, "dials_needed"])
    assert dict(report.split) == pytest.approx({"ae": 0.75, "sdr": 0.25})
    assert report.split_note.startswith(
        "plan split by each role's share of won revenue in the records, Jan 2025 to Feb 2025: "
        "ae 75.0 %, sdr 25.0 %"
    )
    assert report.not_in_team == (GONE,)
    # Gone is not below plan (no share); the people below are the team file's.
    assert GONE not in set(report.furthest["person"])
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=120), report, None)
    text = " ".join(buffer.getvalue().split())
    assert text.count(f"Not in the team file: {GONE} (someone who left") == 1
    assert "Plan split by each role's share of won revenue in the records" in text
    # The workbook says the same: the split, the person outside, Gone's 0 beside 2,000.
    path = tmp_path / "r.xlsx"
    write_excel(path, report, None, None)
    book = openpyxl.load_workbook(path)
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["plan split"] == report.split_note
    assert str(about["not in the team file"]).startswith(f"not in the team file: {GONE} (")
    sheet = book["people"]
    header = [c.value for c in sheet[1]]
    gone = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == GONE)
    assert gone[header.index("Revenue, needed")] == 0
    assert gone[header.index("In the team file")] is False


def test_without_a_team_file_everyone_shares() -> None:
    report = goals_against_results(Records(deals=_deals()), _scenario(), _needs())
    people = report.people.set_index("person")
    # 3,000, 1,000 and 2,000 of 6,000: one role (the records' guess) split within it by
    # selling share, every one a line seller: equal thirds of 8,000.
    assert people["revenue_needed"].sum() == pytest.approx(8000)
    assert report.not_in_team == () and report.outside_note == ""


@pytest.mark.parametrize(
    ("deals", "kinds", "label"),
    [
        (True, (), "Deals created"),
        (False, ("booking",), "Meetings booked"),
        (False, ("meeting",), "Meetings held"),
        (False, ("booking", "meeting"), "Meetings booked or held"),
        (False, ("dial",), "First stage"),
    ],
)
def test_the_first_row_is_named_by_what_it_counts(
    deals: bool, kinds: tuple[str, ...], label: str, tmp_path: Path
) -> None:
    records = Records(
        deals=_deals() if deals else None,
        activities=_activities(kinds) if kinds else None,
        team=_team(),
    )
    report = goals_against_results(records, _scenario(), _needs())
    assert report.labels["first_stage"] == label
    assert report.team.set_index("stage").loc["first_stage", "label"] == label
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=120), report, None)
    assert f"│ {label} " in buffer.getvalue()
    assert "Meetings / first stage" not in buffer.getvalue()
    if deals:  # the workbook names the row alike
        path = tmp_path / "r.xlsx"
        write_excel(path, report, None, None)
        sheet = openpyxl.load_workbook(path)["team funnel"]
        assert label in [c.value for c in sheet["A"]]


def test_a_plan_from_the_teams_own_revenue_says_it_compares_the_team_with_itself() -> None:
    records = Records(deals=_deals(), team=_team())
    own = Fit(PLAN_PATH, 6000.0, n=3, low=None, high=None, note=f"{OWN_PLAN_NOTE}, mean")
    report = goals_against_results(records, _scenario(6000), _needs(6000), fits=(own,))
    assert report.plan_own and report.plan_assumed
    assert report.team["needed"].isna().all() and report.largest_gap is None
    assert report.furthest.empty and report.split == ()
    assert (
        report.no_plan
        == report.plan_note
        == (
            "no plan given (no --plan, no --base): the plan written is the team's own revenue "
            "won a month in the records, RUB\xa06K, so this report compares the team with "
            "itself and shows no gap; give --plan AMOUNT (revenue a month) or --base "
            "SCENARIO with a plan to see what the plan needs"
        )
    )
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=200), report, None)
    text = buffer.getvalue()
    assert text.startswith("No plan to compare with: no plan given (no --plan, no --base)")
    assert "short / surplus" not in text and "on plan" not in text
    # A plan given (a fit of --plan) is compared as before.
    given = Fit(PLAN_PATH, 6000.0, n=0, low=None, high=None, note="--plan")
    compared = goals_against_results(records, _scenario(6000), _needs(6000), fits=(given,))
    assert not compared.plan_own and compared.team["needed"].notna().any()
