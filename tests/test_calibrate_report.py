"""Goals against current results, the funnel now, pseudonyms and the workbook.

Two people, three whole months (January to March 2025) with counts chosen by hand, and a
plan whose needs are typed in; every figure below is worked out in the comments.
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

from calibrate.contract import COLUMNS, ROW, Kind, Records, RowProblem
from calibrate.observed import MEAN, observed_funnel
from calibrate.pseudonyms import pseudonymise, pseudonyms, record_names
from calibrate.report import goals_against_results
from optimizer.funnel import FunnelRow
from sim import TeamsimError
from sim.scenario import Scenario
from teamsim.calibrate_view import needs_frame, print_report, rows_note, write_excel

ANNA, BORIS, VERA = "Anna Ivanova", "Boris Petrov", "Vera Smirnova"
MONTHS = ("2025-01", "2025-02", "2025-03")
# Activities a month: (dials, conversations, proposals).
ACTS = {ANNA: (300, 60, 4), BORIS: (200, 30, 2)}
# Anna: 10 deals created a month, 2 won (1,000 each) and 3 lost. Boris: 5 created a month;
# January 1 won and 1 lost, February 2 lost, March 1 lost: 1 won of 5 closed.
BORIS_CLOSES = {"2025-01": ["won", "lost"], "2025-02": ["lost", "lost"], "2025-03": ["lost"]}


def _scenario(plan: float = 4000) -> Scenario:
    stages = [
        {"name": "meeting", "work_min": 30, "convert": 0.5},
        {"name": "proposal", "work_min": 30, "convert": 0.5},
        {"name": "contract", "work_min": 30, "convert": 0.8},
    ]
    lead = {"level": "line", "headcount": 1, "monthly_cost": 1, "selling_share": 0.5}
    head = {"level": "middle", "headcount": 1, "monthly_cost": 1}
    # The plan, 4,000 a month, is what the needs below are scaled to (the report's
    # "needed" rests on the plan written in the scenario, laid on the records' months).
    return tiny(
        roles={"lead": {**lead, "handles_inbound": False}, "head": head},
        segments={"s": {"stages": stages}},
        plan={"revenue_per_month": plan},
    )


def _frame(kind: Kind, rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS[kind]))
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def _activities() -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for person, counts in ACTS.items():
        for month, day in zip(MONTHS, ("01", "14", "31"), strict=True):
            # Anna's first and last rows fall on Jan 1 and Mar 31: the period's edges.
            date = pd.Timestamp(f"{month}-{day if person == ANNA else '15'}")
            for kind, count in zip(("dial", "conversation", "proposal"), counts, strict=True):
                rows.append({"person": person, "date": date, "kind": kind, "count": count})
    return _frame(Kind.ACTIVITIES, rows)


def _deals() -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for month in MONTHS:
        anna = ["won"] * 2 + ["lost"] * 3 + ["open"] * 5
        boris = BORIS_CLOSES[month] + ["open"] * (5 - len(BORIS_CLOSES[month]))
        for owner, statuses in ((ANNA, anna), (BORIS, boris)):
            for k, status in enumerate(statuses):
                closed = pd.Timestamp(f"{month}-20") if status != "open" else pd.NaT
                rows.append(
                    {
                        "deal_id": f"{owner[0]}-{month}-{k}",
                        "owner": owner,
                        "created": pd.Timestamp(f"{month}-{2 + k:02d}"),
                        "closed": closed,
                        "status": status,
                        "value": 1000.0 if status == "won" else math.nan,
                    }
                )
    return _frame(Kind.DEALS, rows)


def _records() -> Records:
    team = _frame(
        Kind.TEAM,
        [
            {"person": ANNA, "role": "seller", "manager": VERA},
            {"person": BORIS, "role": "lead", "manager": VERA},
            {"person": VERA, "role": "head"},
        ],
    )
    problem = RowProblem(
        "deals.csv", 9, "owner", f"'Boris P.' is not in the team file; did you mean '{BORIS}'?"
    )
    return Records(
        deals=_deals(),
        activities=_activities(),
        team=team,
        problems=(problem,),
        dropped={"deals": 2},
    )


def _needs() -> pd.DataFrame:
    """Two plan months: April 900 dials (two channels), May 1,100: a mean of 1,000."""
    rows = [
        ("2025-04", "cold", 900, 90, 10, 5, 2.0, 2000),
        ("2025-04", "inbound", 0, 0, 8, 4, 1.5, 1500),
        ("2025-05", "cold", 1100, 110, 22, 11, 4.5, 4500),
    ]
    return pd.DataFrame(
        [
            {
                "month": m,
                "segment": "s",
                "channel": ch,
                "dials": d,
                "connects": d / 2,
                "conversations": c,
                "leads": lead,
                "won": w,
                "revenue": r,
                "meeting": lead,
                "proposal": p,
                "contract": p * 0.5,
            }
            for m, ch, d, c, lead, p, w, r in rows
        ]
    )


def test_the_funnel_now_counts_each_month_and_means_the_whole_ones() -> None:
    team = observed_funnel(_records()).set_index("month")
    assert list(team.index) == [*MONTHS, MEAN]
    january = team.loc["2025-01"]
    assert [january[c] for c in ("dials", "conversations", "proposals")] == [500, 90, 6]
    # Created by created date, won and closed by closed date: Anna 2 + 5, Boris 1 + 2.
    assert [january[c] for c in ("created", "won", "closed", "revenue")] == [15, 3, 7, 3000]
    assert team.loc[MEAN, "won"] == pytest.approx(7 / 3)
    assert team.loc[MEAN, "win_rate"] == pytest.approx(7 / 20)  # all won over all closed
    # A partial last month (a row on April 10) is shown but left out of the mean.
    extra = _frame(Kind.ACTIVITIES, [{"person": ANNA, "date": "2025-04-10", "kind": "dial"}])
    records = Records(
        deals=_deals(),
        activities=pd.concat([_activities(), extra.assign(date=pd.Timestamp("2025-04-10"))]),
    )
    longer = observed_funnel(records).set_index("month")
    assert not longer.loc["2025-04", "whole"] and longer.loc["2025-04", "dials"] == 1
    assert longer.loc[MEAN, "dials"] == 500


def test_goals_against_results_team_stages_by_hand() -> None:
    report = goals_against_results(_records(), _scenario(), _needs())
    team = report.team.set_index("stage")
    # now: 500 dials, 90 conversations, 15 deals created, 6 proposals a month; 7 won and
    # 7,000 revenue over three months. Needed: the plan's 4,000 a month through the needs'
    # funnel (April and May pooled: 2,000 dials for 8,000 revenue, so 1,000 a month).
    assert team["now"].to_dict() == pytest.approx(
        {
            "dials": 500,
            "conversations": 90,
            "first_stage": 15,
            "proposals": 6,
            "won": 7 / 3,
            "revenue": 7000 / 3,
        }
    )
    assert team["needed"].to_dict() == pytest.approx(
        {
            "dials": 1000,
            "conversations": 100,
            "first_stage": 20,
            "proposals": 10,
            "won": 4,
            "revenue": 4000,
        }
    )
    assert team.loc["dials", "gap"] == 500 and team.loc["proposals", "gap"] == 4
    assert team.loc["first_stage", "ratio"] == 0.75 and team.loc["proposals", "ratio"] == 0.6
    assert report.largest_gap == "dials"  # 50 % of the need, the lowest ratio
    # Now and needed average over the same months: the records' whole months.
    assert report.months_now == MONTHS and report.plan_months == MONTHS
    assert rows_note(report) == "2 rows not used; 1 warning (see problems)"


def test_goals_against_results_people_shares_intervals_and_furthest() -> None:
    report = goals_against_results(_records(), _scenario(), _needs())
    people = report.people.set_index("person")
    # The plan is split by each role's share of the records (calibrate.report.plan_split),
    # not by the scenario's selling shares (1 and 0.5, which gave 2/3 and 1/3): won revenue
    # a month Anna (seller) 2,000, Boris (lead) 333.33, so 6/7 and 1/7; Vera sells nothing.
    assert list(people.index) == [ANNA, BORIS]
    assert people["share"].to_dict() == pytest.approx({ANNA: 6 / 7, BORIS: 1 / 7})
    assert people["revenue_needed"].sum() == pytest.approx(4000)
    # Dials likewise by the dials logged: 300 and 200 a month of the 1,000 needed.
    assert people.loc[ANNA, "dials_needed"] == pytest.approx(600)
    assert people.loc[BORIS, "dials_needed"] == pytest.approx(400)
    assert people.loc[BORIS, "revenue_now"] == pytest.approx(1000 / 3)
    # One person a role: each at the team's ratio, 2,333.33 / 4,000 = 7/12.
    assert people.loc[BORIS, "ratio"] == pytest.approx(7 / 12)  # 333.33 / 571.43
    assert people.loc[ANNA, "ratio"] == pytest.approx(7 / 12)  # 2,000 / 3,428.57
    assert [r for r, _ in report.split] == ["seller", "lead"]
    assert dict(report.split) == pytest.approx({"seller": 6 / 7, "lead": 1 / 7})
    # Wilson 95 % of 1 won in 5 closed: 0.0362-0.6245.
    assert (people.loc[BORIS, "win_low"], people.loc[BORIS, "win_high"]) == pytest.approx(
        (0.03622, 0.62447), abs=1e-5
    )
    # Boris's months 1,000, 0, 0: mean 333.33, sd 577.35; t(0.975, 2) = 4.3027.
    assert people.loc[BORIS, "revenue_low"] == 0.0
    assert people.loc[BORIS, "revenue_high"] == pytest.approx(1000 / 3 + 4.302653 * 1000 / 3)
    assert people.loc[ANNA, "revenue_high"] == pytest.approx(2000)  # the same each month
    assert sorted(report.furthest["person"]) == [ANNA, BORIS]


def test_needs_frame_names_the_stages_and_the_report_reads_either_form() -> None:
    sc = _scenario()
    rows = [
        FunnelRow(
            month="2025-04",
            segment="s",
            channel="cold",
            dials=1000.0,
            connects=500.0,
            conversations=100.0,
            leads=20.0,
            stage_entries=(20.0, 10.0, 5.0),
            won=4.0,
            revenue=4000.0,
        )
    ]
    named = needs_frame(rows, scenario=sc)
    assert list(named.columns[-3:]) == ["meeting", "proposal", "contract"]
    positional = needs_frame(rows)
    assert list(positional.columns[-3:]) == ["stage_1", "stage_2", "stage_3"]
    for needs in (named, positional):
        team = goals_against_results(_records(), sc, needs).team.set_index("stage")
        assert team.loc["proposals", "needed"] == 10.0


def test_pseudonyms_are_stable_distinct_and_hide_the_names() -> None:
    names = [ANNA, BORIS, VERA]
    first = pseudonyms(names, key="k1")
    assert first == pseudonyms(reversed(names), key="k1")  # stable, whatever the order
    assert first != pseudonyms(names, key="k2")
    many = [f"Person {i}" for i in range(3000)]  # 3,000 in 10,000 four-digit pseudonyms
    mapping = pseudonyms(many, key="k1")
    assert len(set(mapping.values())) == len(many)
    assert max(len(v) for v in mapping.values()) > len("person-0000")  # collisions lengthened
    for name, alias in first.items():
        parts = [p.casefold() for p in name.split()]
        assert not any(p in alias.casefold() for p in parts), (name, alias)
    with pytest.raises(ValueError, match="a pseudonym key is needed"):
        pseudonyms(names, key="")


def _rendered(report: object) -> str:
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=250), report, None)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_a_pseudonymised_report_and_workbook_carry_no_name(tmp_path: Path) -> None:
    records = _records()
    mapping = pseudonyms(record_names(records), key="secret")
    assert set(mapping) == {ANNA, BORIS, VERA}
    hidden = pseudonymise(records, mapping)
    report = goals_against_results(hidden, _scenario(), _needs())
    # Both at the team's ratio (one person a role): in the order of their pseudonyms.
    assert report.furthest["person"].tolist() == sorted([mapping[BORIS], mapping[ANNA]])
    # The misspelling's row was dropped, so the mapping cannot know it: it is withheld.
    assert hidden.problems[0].message == (
        f"'<name withheld>' is not in the team file; did you mean '{mapping[BORIS]}'?"
    )
    path = tmp_path / "report.xlsx"
    write_excel(path, report, None, None)
    book = openpyxl.load_workbook(path)
    cells = " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    text = _rendered(report) + cells
    assert mapping[BORIS] in text
    for name in (ANNA, BORIS, VERA, "Anna", "Boris", "Petrov"):
        assert name not in text


def test_the_workbook_has_its_sheets_and_a_bad_path_is_an_error(tmp_path: Path) -> None:
    report = goals_against_results(_records(), _scenario(), _needs())
    path = tmp_path / "out" / "report.xlsx"
    write_excel(path, report, None, None)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "about",
        "team funnel",
        "people",
        "furthest from plan",
        "back-test",
        "problems",
    ]
    # Tables with no rows are left out, and named (teamsim.export.write_workbook).
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["left out (no rows)"] == "fits, kept, not written"
    assert book["team funnel"]["A2"].value == "Dials"
    assert book["problems"]["D2"].value.startswith("'Boris P.' is not in the team file")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(TeamsimError, match=r"cannot write .*a_file"):
        write_excel(blocker / "report.xlsx", report, None, None)
    with pytest.raises(TeamsimError, match=r"expected a \.xlsx file name"):
        write_excel(tmp_path / "report.csv", report, None, None)
    # A caption wraps to its table's width: read it as one line.
    text = " ".join(_rendered(report).split())
    assert "Largest gap: dials, 50.0 % of plan (500.0 short a month)." in text


CARA = "Cara Orlova"


def _two_roles() -> Scenario:
    """An SDR who dials the cold list and sells segment s; account executives (selling
    share 0.5) who answer the web and sell s and t, never dialling. (The base's seller
    role stays, with nobody in it.)"""
    web = {
        "kind": "inbound",
        "requests_per_day": 10,
        "answer_within_min": 60,
        "handle_min": {"kind": "exponential", "mean": 8},
        "lead_share": 0.3,
    }
    s_stages = [
        {"name": "meeting", "work_min": 30, "convert": 0.5},
        {"name": "proposal", "work_min": 30, "convert": 0.5},
        {"name": "contract", "work_min": 30, "convert": 0.8},
    ]
    t_stages = [
        {"name": "call", "work_min": 30, "convert": 0.5},
        {"name": "contract", "work_min": 30, "convert": 0.8},
    ]
    line = {"level": "line", "headcount": 1, "monthly_cost": 1}
    return tiny(
        roles={
            "sdr": {**line, "segments": ["s"], "channels": ["cold"], "handles_inbound": False},
            "ae": {**line, "selling_share": 0.5, "segments": ["s", "t"], "channels": ["web"]},
        },
        channels={"web": web},
        segments={
            "s": {"stages": s_stages},
            "t": {
                "type": "b2c_short",
                "deal_value": 100,
                "channels": ["web"],
                "stages": t_stages,
            },
        },
        plan={"revenue_per_month": 4000},  # the needs' mean: the needs below, unscaled
    )


def _two_roles_needs() -> pd.DataFrame:
    """April and May: segment s by the cold list, segment t by the web (no dials)."""
    rows = [
        ("2025-04", "s", "cold", 900, 90, 10, 5, 2.0, 2000),
        ("2025-04", "t", "web", 0, 0, 8, math.nan, 1.5, 1500),
        ("2025-05", "s", "cold", 1100, 110, 22, 11, 4.5, 4500),
    ]
    return pd.DataFrame(
        [
            {
                "month": m,
                "segment": seg,
                "channel": ch,
                "dials": d,
                "connects": d / 2,
                "conversations": c,
                "leads": lead,
                "won": w,
                "revenue": r,
                "meeting": lead if seg == "s" else math.nan,
                "proposal": p,
                "call": lead if seg == "t" else math.nan,
                "contract": w,
            }
            for m, seg, ch, d, c, lead, p, w, r in rows
        ]
    )


def test_each_person_shares_only_the_stages_and_segments_their_role_works() -> None:
    team = _frame(
        Kind.TEAM,
        [
            {"person": ANNA, "role": "sdr"},
            {"person": BORIS, "role": "ae"},
            {"person": CARA, "role": "ae"},
        ],
    )
    records = Records(deals=_deals(), activities=_activities(), team=team)
    report = goals_against_results(records, _two_roles(), _two_roles_needs())
    people = report.people.set_index("person")
    assert sorted(people.index) == [ANNA, BORIS, CARA]  # Cara from the team file
    # Dials and conversations: only Anna's role dials, so all of them are hers, a month
    # (900 + 1,100) / 2 and (90 + 110) / 2; the account executives' are no need at all.
    assert (people.at[ANNA, "dials_needed"], people.at[ANNA, "conversations_needed"]) == (
        1000,
        100,
    )
    for person in (BORIS, CARA):
        assert people.loc[[person], ["dials_needed", "conversations_needed"]].isna().all(axis=None)
    # Each stage's need is split by each role's share of it in the records
    # (calibrate.report.plan_split), then within a role by selling share (the AEs 0.5
    # each: Cara, with no records, gets as much as Boris). A month: deals created Anna
    # (sdr) 10, Boris (ae) 5; proposals 4 and 2; won 2 and 1/3; revenue 2,000 and 333.33.
    # The team's needs a month: first stage (32 + 8) / 2 = 20, proposals 16 / 2 = 8, won
    # (6.5 + 1.5) / 2 = 4, revenue 4,000.
    shares = {"first_stage": 10 / 15, "proposals": 4 / 6, "won": 6 / 7, "revenue": 6 / 7}
    team_need = {"first_stage": 20, "proposals": 8, "won": 4, "revenue": 4000}
    expected = {s: (team_need[s] * shares[s], team_need[s] * (1 - shares[s]) / 2) for s in shares}
    assert expected["first_stage"] == pytest.approx((40 / 3, 10 / 3))
    for stage, (anna, boris) in expected.items():
        assert people.loc[ANNA, f"{stage}_needed"] == pytest.approx(anna), stage
        assert people.loc[BORIS, f"{stage}_needed"] == pytest.approx(boris), stage
        assert people.loc[CARA, f"{stage}_needed"] == pytest.approx(boris), stage
        # The people's needs add up to the team's.
        total = people[f"{stage}_needed"].sum()
        assert total == pytest.approx(report.team.set_index("stage").loc[stage, "needed"])
    assert people.loc[ANNA, "share"] == pytest.approx(6 / 7)
    assert people.loc[ANNA, "ratio"] == pytest.approx(7 / 12)  # 2,000 of 3,428.57
    # The terminal shows "-" where the role does not do the stage, never "0.0 / x".
    lines = [line for line in _rendered(report).splitlines() if BORIS in line]
    cells = [c.strip() for c in lines[0].split("│")]
    # person, dials, conversations, meetings / first stage
    assert cells[2:4] == ["-", "-"]  # dials, conversations: his 200 dials need none
    assert cells[4] == "5.0 / 3.3"  # 5 deals created a month against his 10 / 3
