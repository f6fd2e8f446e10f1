"""Status words of the big CRMs, and deals of a status word teamsim does not know (issue 10).

A deal whose status is not a won, lost or open word yet has a close date has ended: it is
never silently open. Small files in tmp_path; values counted by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate import normalise
from teamsim.cli import app

runner = CliRunner()


def _deals(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Deals as a CRM file's cells: id, status, created, closed; one owner, one stage."""
    return pd.DataFrame(
        [
            {
                "deal_id": f"D{i}",
                "owner": "ann",
                "created": created,
                "closed": closed,
                "status": status,
                "stage": stage,
                "value": "1000",
            }
            for i, (status, stage, created, closed) in enumerate(rows, start=1)
        ]
    )


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Провалена", "lost"),
        ("Сделка провалена", "lost"),
        ("Успешна", "won"),
        ("Сделка успешна", "won"),
        ("Успешно реализовано", "won"),
        ("Закрыто и не реализовано", "lost"),
        ("Closed Won", "won"),
        ("Closed Lost", "lost"),
        ("closedwon", "won"),
        ("closedlost", "lost"),
        ("Dead", "lost"),
        ("Disqualified", "lost"),
        ("Abandoned", "lost"),
        ("Cancelled", "lost"),
        ("Signed", "won"),
        ("Verloren", "lost"),
        ("Gewonnen", "won"),
        ("Abgesagt", "lost"),
        ("Perdu", "lost"),
        ("Gagné", "won"),
        ("Abandonné", "lost"),
    ],
)
def test_crm_status_words_are_won_or_lost(word: str, status: str) -> None:
    raw = _deals([(word, "demo", "2027-01-04", "2027-01-20"), ("open", "demo", "2027-01-05", "")])
    table, problems, left_out = normalise("deals", raw, source="d.csv")
    assert table is not None and problems == [] and left_out == 0
    assert list(table["status"]) == [status, "open"]
    assert table["closed"].iloc[0] == pd.Timestamp("2027-01-20")


def test_unknown_status_with_close_date_is_left_out_and_named() -> None:
    # 3 won, 1 lost, 2 'Kaput' with a close date (a minority of the 6 closed), 1 'Kaput'
    # without one (open, as a status word not known and no close date always was).
    raw = _deals(
        [
            ("won", "demo", "2027-01-04", "2027-01-10"),
            ("won", "demo", "2027-01-04", "2027-01-11"),
            ("Kaput", "demo", "2027-01-04", "2027-01-12"),
            ("won", "demo", "2027-01-04", "2027-01-13"),
            ("lost", "demo", "2027-01-04", "2027-01-14"),
            ("Kaput", "demo", "2027-01-04", "2027-01-15"),
            ("Kaput", "demo", "2027-01-04", ""),
            # 400 more closed deals: 2 unknown of 406 leave the win rate unsure by at most
            # 0.49 percentage points, under calibrate's one point (UNKNOWN_CLOSED_SPAN).
            *[(("won", "lost")[i % 2], "demo", "2027-01-04", "2027-01-20") for i in range(400)],
        ]
    )
    table, problems, left_out = normalise("deals", raw, source="d.csv")
    assert table is not None and left_out == 2
    assert [(p.row, p.column, p.fatal) for p in problems] == [(4, "status", False)]
    assert problems[0].message == (
        "status 'Kaput' is not a won, lost or open word teamsim knows, yet 2 rows have a "
        'closed date (first at row 4); map it with --stage "Kaput=lost" or '
        '--stage "Kaput=won"; the rows are left out'
    )
    assert list(table["deal_id"])[:5] == ["D1", "D2", "D4", "D5", "D7"]
    assert list(table["status"])[:5] == ["won", "won", "won", "lost", "open"]


def test_unknown_status_of_most_closed_deals_stops() -> None:
    # 2 'Kaput' with a close date against 1 won: most of the 3 closed deals.
    raw = _deals(
        [
            ("Kaput", "demo", "2027-01-04", "2027-01-12"),
            ("won", "demo", "2027-01-04", "2027-01-13"),
            ("Kaput", "demo", "2027-01-04", "2027-01-15"),
        ]
    )
    table, problems, left_out = normalise("deals", raw, source="d.csv")
    assert table is None and left_out == 3
    assert [(p.row, p.fatal) for p in problems] == [(2, True)]
    assert problems[0].message.endswith(
        "; they are 2 of the 3 deals with a closed date, so the win rate could be anywhere "
        "in a span of 66.7 percentage points without them"
    )


def test_unknown_status_of_a_few_closed_deals_stops_when_it_leaves_the_win_rate_unsure() -> None:
    # The trial's case: the unknown word is a minority (2 of 42 closed), yet every one of
    # them was lost or won; left out, the win rate could be off by up to 4.8 points.
    rows = [("Kaput", "demo", "2027-01-04", "2027-01-12")] * 2
    rows += [(("won", "lost")[i % 2], "demo", "2027-01-04", "2027-01-13") for i in range(40)]
    table, problems, _ = normalise("deals", _deals(rows), source="d.csv")
    assert table is None
    assert [(p.row, p.fatal) for p in problems] == [(2, True)]
    assert problems[0].message.endswith(
        "; they are 2 of the 42 deals with a closed date, so the win rate could be anywhere "
        "in a span of 4.8 percentage points without them"
    )


def test_stage_maps_an_unknown_status(tmp_path: Path) -> None:
    raw = _deals(
        [
            ("Kaput", "demo", "2027-01-04", "2027-01-12"),
            ("won", "demo", "2027-01-04", "2027-01-13"),
        ]
    )
    table, problems, _ = normalise("deals", raw, source="d.csv", stage_map={"Kaput": "lost"})
    assert table is not None and problems == []
    assert list(table["status"]) == ["lost", "won"]


def test_cli_stops_with_exit_2_on_unknown_status(tmp_path: Path) -> None:
    rows = [("Kaput", "demo", "2027-01-04", f"2027-02-{d:02d}") for d in range(1, 21)]
    rows += [("won", "demo", "2027-01-04", f"2027-03-{d:02d}") for d in range(1, 11)]
    path = tmp_path / "deals.csv"
    _deals(rows).to_csv(path, index=False)
    out = tmp_path / "s.yaml"
    result = runner.invoke(app, ["calibrate", "--deals", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "status 'Kaput' is not a won, lost or open word teamsim knows, yet 20 rows" in (
        " ".join(result.output.split())
    )
    assert not out.exists()


ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"


def _report(*args: str) -> str:
    result = runner.invoke(app, ["calibrate", *args, "--report"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def _team_row(output: str, label: str) -> list[str]:
    line = next(ln for ln in output.splitlines() if ln.startswith(f"│ {label} "))
    return [c.strip() for c in line.strip("│").split("│")]


def test_a_won_only_export_measures_no_stage_before_won(tmp_path: Path) -> None:
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    won = deals.loc[deals["status"] == "won"]
    path = tmp_path / "won.csv"
    won.to_csv(path, index=False)
    out = _report("--deals", str(path), "-o", str(tmp_path / "s.yaml"))
    # Deals created in a file of won deals are the won deals again, not every deal
    # that entered the funnel: no "now" there, so no gap.
    # No --plan: the plan is the team's own revenue, so only "now" is shown.
    first = _team_row(out, "First stage")
    assert first[1:] == ["-"]
    assert "Largest gap: " not in " ".join(out.split())
    # The scenario built from deals alone dials no channel: no call stage is measured.
    assert _team_row(out, "Dials")[1:] == ["-"]
    assert _team_row(out, "Conversations")[1:] == ["-"]


def test_the_team_first_stage_is_the_sum_of_the_peoples(tmp_path: Path) -> None:
    # January-March 2027 whole (from Monday the 4th): 20, 20 and 23 working days = 63.
    # sdr.01 books 1 a day on marketing_leads; ae.01 holds 2 a day on demo_requests (a
    # channel nobody books: inbound first meetings) and 1 a day on marketing_leads (the
    # booked ones again, counted by their booking).
    days = pd.bdate_range("2027-01-04", "2027-03-31")
    rows = []
    for day in days:
        date = f"{day:%Y-%m-%d}"
        rows += [
            {
                "person": "sdr.01",
                "date": date,
                "kind": "booking",
                "channel": "marketing_leads",
                "count": 1,
            },
            {
                "person": "ae.01",
                "date": date,
                "kind": "meeting",
                "channel": "demo_requests",
                "count": 2,
            },
            {
                "person": "ae.01",
                "date": date,
                "kind": "meeting",
                "channel": "marketing_leads",
                "count": 1,
            },
        ]
    path = tmp_path / "acts.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    out = _report("--activities", str(path), "-o", str(tmp_path / "s.yaml"))
    assert _team_row(out, "ae.01")[3] == "42.0 / -"  # 2 x 63 / 3
    assert _team_row(out, "sdr.01")[3] == "21.0 / -"  # 63 / 3
    assert _team_row(out, "Meetings booked or held")[1] == "63.0"  # 42 + 21


def test_meetings_a_week_is_one_figure_with_or_without_a_base(tmp_path: Path) -> None:
    # ae.01 holds 1 meeting on each of the 20 working days from 4 to 29 January 2027, and
    # logs a dial-free day on each: 20 held over 20 person-days, a week of 5 days: 5.
    # The base's holidays do not enter: the person-days are days worked already.
    days = pd.bdate_range("2027-01-04", "2027-01-29")
    rows = [
        {"person": "ae.01", "date": f"{d:%Y-%m-%d}", "kind": "meeting", "count": 1} for d in days
    ]
    path = tmp_path / "acts.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    figure = "meetings a week: 5 a person (20 held over 20 person-days)"
    for base in ([], ["--base", str(ROOT / "scenarios" / "b2b_smb.yaml")]):
        result = runner.invoke(
            app,
            ["calibrate", "--activities", str(path), *base, "-o", str(tmp_path / "s.yaml")],
            env={"COLUMNS": "200"},
        )
        assert result.exit_code == 0, result.output
        assert figure in " ".join(result.output.split()), base


def test_a_team_file_alone_asks_for_a_plan_in_plain_words(tmp_path: Path) -> None:
    out = " ".join(_report("--team", str(CRM / "team.csv"), "-o", str(tmp_path / "s.yaml")).split())
    assert "no deals: give --plan: plan.revenue_per_month" in out
    assert "won deals over 0.0 months" not in out
    # No plan and no dated record: no month of a plan to speak of.
    assert "A month: the records hold no dated event to measure now by." in out
    assert "over the plan's" not in out
    assert "No plan given: give --plan AMOUNT to compare." in out
