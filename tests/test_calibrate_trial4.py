"""A fresh user's fourth trial of `teamsim calibrate` (issue 10).

Filtered exports of the shipped example (won deals only, lost deals only) and a deals file
with one status/stage column: no gap named inside the months' own spread, no won deals or
revenue of 0 taken for the team's, no closing word silently an open stage. Files built
with pandas in tmp_path; values worked out in the comments or from the files by hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from calibrate import normalise
from calibrate.contract import Kind
from calibrate.report import _largest_gap
from teamsim.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"


def _example(status: str, tmp_path: Path) -> Path:
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    path = tmp_path / f"{status}.csv"
    deals.loc[deals["status"] == status].to_csv(path, index=False)
    return path


def _calibrate(*args: str) -> str:
    result = runner.invoke(app, ["calibrate", *args, "--report"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def _words(text: str) -> str:
    return " ".join(text.split())


def _team_row(output: str, label: str) -> list[str]:
    line = next(ln for ln in output.splitlines() if ln.startswith(f"│ {label} "))
    return [c.strip() for c in line.strip("│").split("│")]


# --- 1. a gap is named only beyond the spread of the months --------------------------


def _team(**rows: tuple[float, float, float, float]) -> pd.DataFrame:
    """stage -> (now, needed, now_low, now_high)."""
    return pd.DataFrame(
        [
            {
                "stage": stage,
                "now": now,
                "needed": need,
                "ratio": now / need if need > 0 else math.nan,
                "now_low": low,
                "now_high": high,
            }
            for stage, (now, need, low, high) in rows.items()
        ]
    )


def test_a_need_inside_the_interval_of_now_is_no_gap() -> None:
    nan = math.nan
    # won: 54.1 of 54.4 (99.4 %), interval 51.0-57.2 holds the need: noise.
    # revenue: 60 of 100, interval 50-70: short beyond it, the gap.
    team = _team(won=(54.1, 54.4, 51.0, 57.2), revenue=(60.0, 100.0, 50.0, 70.0))
    assert _largest_gap(team) == ("revenue", ("won",))
    # Both beyond their intervals: the lowest ratio (won 50 %, revenue 60 %).
    team = _team(won=(5.0, 10.0, 4.0, 6.0), revenue=(60.0, 100.0, 50.0, 70.0))
    assert _largest_gap(team) == ("won", ())
    # No interval (fewer than 2 whole months): the ratio alone, beyond rounding (1e-4).
    team = _team(won=(9.0, 10.0, nan, nan), revenue=(99.995, 100.0, nan, nan))
    assert _largest_gap(team) == ("won", ())
    # Not measured or not needed (ratio NaN): never a gap, whatever the interval.
    team = _team(won=(nan, 10.0, nan, nan), revenue=(5.0, nan, 1.0, 9.0))
    assert _largest_gap(team) == (None, ())


def test_a_won_only_export_names_no_gap_within_the_months_spread(tmp_path: Path) -> None:
    path = _example("won", tmp_path)
    # The plan: the team's own revenue a month over the steady months, given (without
    # --plan the report compares the team with itself and shows no gap at all).
    frame = pd.read_csv(path, parse_dates=["closed"])
    by_month = frame.groupby(frame["closed"].dt.to_period("M"))["value"].sum()
    steady = pd.period_range("2027-03", "2028-02", freq="M")
    plan = f"{by_month.reindex(steady, fill_value=0).mean():.2f}"
    out = _calibrate("--deals", str(path), "-o", str(tmp_path / "s.yaml"), "--plan", plan)
    text = _words(out)
    assert "Largest gap" not in text
    # The won deals of the 12 steady whole months 2027-03 to 2028-02 (2027-01 and
    # 2027-02 still filling, 2028-03 partial): their mean a month and its 95 % t interval
    # (examples/synthetic_crm as regenerated in issue 13's S10; 54.1, 51.0 to 57.2 before).
    deals = pd.read_csv(path, parse_dates=["closed"])
    months = pd.period_range("2027-03", "2028-02", freq="M")
    counts = deals["closed"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    mean, sd = counts.mean(), counts.std(ddof=1)
    half = stats.t.ppf(0.975, len(counts) - 1) * sd / math.sqrt(len(counts))
    assert (round(mean, 1), round(mean - half, 1), round(mean + half, 1)) == (54.0, 51.5, 56.5)
    won = _team_row(out, "Won deals")
    assert won[1:] == ["54.0", "54.4", "0.4 short", "99.3 %"]
    assert (
        "No gap beyond the months' spread: won deals 99.3 % of plan, the need inside "
        "now's 95 % 51.5 to 56.5." in text
    )
    # Closed deals all won: the win rate is the filter's, so nothing before won deals is
    # needed (meetings would be needed of an assumed win rate otherwise).
    assert "699 closed deals, all won (a won-only export?), so the win rate is not fitted" in text
    assert "what the plan needs before won deals is not derived from it" in text
    assert _team_row(out, "First stage")[1:] == ["-", "-", "-", "-"]


def test_a_real_shortfall_is_still_the_largest_gap(tmp_path: Path) -> None:
    # About twice the revenue the won deals bring (720K a month in examples/synthetic_crm
    # as regenerated in issue 13's S10; 722K before): won deals 54.0 against the 109.0 the
    # plan needs, revenue at 49.9 %; both far outside their intervals, the lower ratio is
    # named.
    path = _example("won", tmp_path)
    out = _calibrate("--deals", str(path), "-o", str(tmp_path / "s.yaml"), "--plan", "1444000")
    text = _words(out)
    assert "No gap beyond" not in text
    assert "Largest gap: won deals, 49.5 % of plan (55.0 short a month)." in text


# --- 3. a lost-only export: won deals and revenue not judged ---------------------------

# The lost deals of examples/synthetic_crm as regenerated in issue 13's S10 (4,886 before).
LOST_ONLY = (
    "4,885 closed deals, all lost (a lost-only export?), so the deals won and the revenue "
    "now are not measured"
)


def test_a_lost_only_export_does_not_judge_won_deals_and_revenue(tmp_path: Path) -> None:
    path = _example("lost", tmp_path)
    book = tmp_path / "r.xlsx"
    out = _calibrate(
        "--deals", str(path), "-o", str(tmp_path / "s.yaml"), "--plan", "700000",
        "--excel", str(book),
    )  # fmt: skip
    text = _words(out)
    # No "0.0" won deals nor "$0" of revenue a month beside the need, no gap from them.
    assert _team_row(out, "Won deals")[1:] == ["-", "28.0", "-", "-"]
    assert _team_row(out, "Revenue")[1:] == ["-", "$700K", "-", "-"]
    assert f"Won deals and revenue not judged: {LOST_ONLY}." in text
    assert f"Below plan: cannot be judged: {LOST_ONLY}." in text
    assert "Largest gap" not in text and "No gap to show" in text
    # Lost deals created a month are not every deal that came in: no first stage now.
    assert _team_row(out, "First stage")[1] == "-"
    # No mean cycle without won deals: no month "still filling" (it said "nan days").
    assert "nan days" not in text and "still filling" not in text
    sheet = openpyxl.load_workbook(book)["team funnel"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Won deals"][1] is None and rows["Won deals"][6] == "not judged"
    assert rows["Revenue"][1] is None and rows["Revenue"][6] == "not judged"
    about = {r[0]: r[1] for r in openpyxl.load_workbook(book)["about"].iter_rows(values_only=True)}
    assert about["not judged"] == f"won deals and revenue not judged: {LOST_ONLY}"
    assert about["largest gap"] == "no gap to show: no stage is both needed and measured"


@pytest.mark.slow  # the whole example calibrated: about 20 s here
def test_a_whole_export_says_nothing_is_unjudged(tmp_path: Path) -> None:
    book = tmp_path / "r.xlsx"
    out = _calibrate(
        "--deals", str(CRM / "deals.csv"), "-o", str(tmp_path / "s.yaml"),
        "--excel", str(book),
    )  # fmt: skip
    assert "not judged" not in _words(out)
    about = {r[0]: r[1] for r in openpyxl.load_workbook(book)["about"].iter_rows(values_only=True)}
    assert about["not judged"] == "none"


# --- 2. one status/stage column --------------------------------------------------------


def _one_column(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Deals as a CRM file's cells with one column of status and stage: (stage, closed)."""
    return pd.DataFrame(
        [
            {
                "deal_id": f"D{i}",
                "owner": "ann",
                "created": "2027-01-04",
                "closed": closed,
                "stage": stage,
                "value": "1000",
            }
            for i, (stage, closed) in enumerate(rows, start=1)
        ]
    )


def test_one_column_unknown_word_with_a_close_date_is_named_and_left_out() -> None:
    # Rows 2-9: won, Closed Lost and Dead (closing words), Kaput twice with a close date
    # and once without (row 7), Proposal open without one (row 8), Proposal with one
    # (row 9: an unknown word with a close date, as Kaput).
    raw = _one_column(
        [
            ("Won", "2027-01-10"),
            ("Closed Lost", "2027-01-11"),
            ("Kaput", "2027-01-12"),
            ("Dead", "2027-01-13"),
            ("Kaput", "2027-01-14"),
            ("Kaput", ""),
            ("Proposal", ""),
            ("Proposal", "2027-01-15"),
            # 400 more closed deals: 3 unknown of 406 closed leave the win rate unsure by
            # under one percentage point (UNKNOWN_CLOSED_SPAN), so they are left out.
            *[(("Won", "Closed Lost")[i % 2], "2027-01-20") for i in range(400)],
        ]
    )
    table, problems, left_out = normalise(Kind.DEALS, raw, source="d.csv")
    assert table is not None and left_out == 3
    assert [(p.row, p.column, p.fatal) for p in problems] == [
        (4, "stage", False),
        (9, "stage", False),
    ]
    assert problems[0].message == (
        "stage 'Kaput' is not a won, lost or open word teamsim knows, yet 2 rows have a "
        'closed date (first at row 4); map it with --stage "Kaput=lost" or --stage '
        '"Kaput=won" (an open stage: --stage "Kaput=<stage>"); the rows are left out'
    )
    assert problems[1].message.startswith("stage 'Proposal' is not a won, lost or open word")
    assert "yet 1 row have a closed date (first at row 9)" in problems[1].message
    assert list(table["deal_id"])[:5] == ["D1", "D2", "D4", "D6", "D7"]
    assert list(table["status"])[:5] == ["won", "lost", "lost", "open", "open"]
    # Without a close date a word is an open deal's stage, as it always was.
    assert list(table["stage"])[:5] == [None, None, None, "Kaput", "Proposal"]


def test_one_column_stage_maps_the_word() -> None:
    raw = _one_column([("Won", "2027-01-10"), ("Kaput", "2027-01-12"), ("Demo", "")])
    table, problems, _ = normalise(Kind.DEALS, raw, source="d.csv", stage_map={"Kaput": "lost"})
    assert table is not None and problems == []
    assert list(table["status"]) == ["won", "lost", "open"]
    # An open stage mapped to itself keeps its close date out of the question.
    raw = _one_column([("Won", "2027-01-10"), ("Review", "2027-03-01"), ("Demo", "")])
    table, problems, _ = normalise(Kind.DEALS, raw, source="d.csv", stage_map={"Review": "Review"})
    assert table is not None and problems == []
    assert list(table["status"]) == ["won", "open", "open"]
    assert list(table["stage"]) == [None, "Review", "Demo"]


def test_one_column_stage_of_the_scenario_with_a_close_date_stays_open() -> None:
    # With a scenario, its own stage names are known words: an expected close date on
    # an open deal at "demo" is no closing.
    raw = _one_column([("Won", "2027-01-10"), ("demo", "2027-02-01"), ("demo", "")])
    table, problems, left_out = normalise(
        Kind.DEALS, raw, source="d.csv", known_stages=["demo", "proposal"]
    )
    assert table is not None and problems == [] and left_out == 0
    assert list(table["status"]) == ["won", "open", "open"]
    assert list(table["stage"]) == [None, "demo", "demo"]


def test_one_column_every_open_deal_dated_is_an_expected_close_date() -> None:
    # Every deal read as open has a close date (Salesforce's CloseDate is the expected
    # one for open deals): the dates tell nothing, the words stay open stages.
    raw = _one_column([("Won", "2027-01-10"), ("Kaput", "2027-02-01"), ("Demo", "2027-03-01")])
    table, problems, left_out = normalise(Kind.DEALS, raw, source="d.csv")
    assert table is not None and problems == [] and left_out == 0
    assert list(table["status"]) == ["won", "open", "open"]
    assert table["closed"].isna().tolist() == [False, True, True]


def test_one_column_unknown_words_of_most_closed_deals_stop(tmp_path: Path) -> None:
    # 3 Kaput with a close date against 1 won and 1 lost; 1 open at Demo, undated.
    raw = _one_column(
        [("Kaput", "2027-01-12")] * 3 + [("Won", "2027-01-10"), ("Lost", "2027-01-11")]
        + [("Demo", "")]
    )  # fmt: skip
    table, problems, left_out = normalise(Kind.DEALS, raw, source="d.csv")
    assert table is None and left_out == 6
    assert [(p.row, p.fatal) for p in problems] == [(2, True)]
    assert problems[0].message.endswith(
        "; they are 3 of the 5 deals with a closed date, so the win rate could be anywhere "
        "in a span of 60.0 percentage points without them"
    )
    path = tmp_path / "deals.csv"
    raw.to_csv(path, index=False)
    out = tmp_path / "s.yaml"
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "-o", str(out)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 2, result.output
    assert "stage 'Kaput' is not a won, lost or open word teamsim knows, yet 3 rows" in (
        _words(result.output)
    )
    assert "Traceback" not in result.output and not out.exists()


def test_one_column_example_with_an_unknown_closing_word(tmp_path: Path) -> None:
    # The shipped example with its status and stage in one column (an open deal's
    # stage, else won or lost), 30 of its lost deals spelt "Kaput".
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    one = deals.assign(stage=deals["stage"].where(deals["status"] == "open", deals["status"]))
    one = one.drop(columns="status")
    kaput = one.index[one["stage"] == "lost"][:30]
    one.loc[kaput, "stage"] = "Kaput"
    path = tmp_path / "deals.csv"
    one.to_csv(path, index=False)
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "-o", str(tmp_path / "s.yaml")],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    first = int(kaput[0]) + 2
    assert (
        f"stage 'Kaput' is not a won, lost or open word teamsim knows, yet 30 rows have a "
        f"closed date (first at row {first})" in text
    )
    # Not a stage of the built scenario: no "kaput" among the stages seen.
    assert "kaput" not in (tmp_path / "s.yaml").read_text().casefold()


# --- 4. one helper for the warnings of a name's rows ------------------------------------


def test_a_name_with_braces_is_counted_and_kept_as_written() -> None:
    raw = pd.DataFrame(
        {
            "person": ["ann", "ann", "bob"],
            "date": ["2027-01-04"] * 3,
            "kind": ["{rows}", "{rows}", "dial"],
        }
    )
    table, problems, _ = normalise(Kind.ACTIVITIES, raw, source="a.csv")
    assert table is not None
    assert [(p.row, p.column) for p in problems] == [(2, "kind")]
    assert problems[0].message.startswith("activity kind '{rows}' is none of")
    assert problems[0].message.endswith("; counted as other (2 rows)")
    assert np.array_equal(table["kind"].to_numpy(), np.array(["other", "other", "dial"]))


@pytest.mark.parametrize("misspelt", ["Angbeot"])
def test_stage_warnings_name_their_first_row_and_count(misspelt: str) -> None:
    # Without a scenario a rarer lookalike is said to look like the commoner stage.
    rows = [("Angebot", "")] * 3 + [(misspelt, "")] * 2 + [("Won", "2027-01-10")]
    table, problems, _ = normalise(Kind.DEALS, _one_column(rows), source="d.csv")
    assert table is not None
    assert [(p.row, p.column) for p in problems] == [(5, "stage")]
    assert problems[0].message == (
        f"stage '{misspelt}' looks like 'Angebot' (2 rows against 3): if they are one "
        f'stage, map it with --stage "{misspelt}=Angebot"; as it is, it becomes a stage '
        "of its own"
    )
