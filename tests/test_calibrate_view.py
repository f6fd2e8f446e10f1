"""The calibration report as a department head reads it: whole names, words, formats.

The hand-built records of ``test_calibrate_report`` (two people, three months), renamed
to long names, rendered at 80 columns; the back-test and the fits built by hand, so each
printed sentence and each workbook cell can be checked exactly.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.console import Console
from test_calibrate_report import ANNA, BORIS, VERA, _needs, _records, _scenario

from calibrate import (
    LABELS,
    Backtest,
    Calibration,
    Fit,
    GoalsReport,
    RowProblem,
    goals_against_results,
    pseudonymise,
)
from teamsim.calibrate_view import (
    fit_value,
    gap_note,
    print_fits,
    print_report,
    rows_note,
    sentences,
    write_excel,
)

LONG = "Alexandra Konstantinopolskaya"  # a real name with a space: never split
CODE = "account_executive.06"  # a CRM login: never cut
DELAY = "segments.smb_new_business.stages.discovery.client_delay_days"  # 60 characters


def _report(factor: float = 1.0) -> GoalsReport:
    """The report of the hand-built records, Anna and Boris renamed; the plan x ``factor``.

    "Needed" is the plan written in the scenario through the needs' funnel, so the plan
    scales every need.
    """
    records = pseudonymise(_records(), {ANNA: LONG, BORIS: CODE, VERA: "Vera"})
    return goals_against_results(records, _scenario(plan=4000 * factor), _needs())


def _backtest() -> Backtest:
    """One month, four measures; won and cycle inside the band, revenue and win rate not."""
    rows = [
        ("2025-03", "won", 7.0, 6.0, 5.0, 8.0, True),
        ("2025-03", "revenue", 7000.0, 9000.0, 8000.0, 10000.0, False),
        ("2025-03", "win_rate", 0.35, 0.2, 0.15, 0.25, False),
        ("2025-03", "cycle_days", 30.5, 31.0, 28.0, 33.0, True),
    ]
    columns = ["month", "measure", "observed", "mean", "p10", "p90", "inside"]
    table = pd.DataFrame(rows, columns=columns)
    # The band is the replications' 80 % prediction band; here it is set to the P10-P90.
    table.insert(6, "low", table["p10"])
    table.insert(7, "high", table["p90"])
    return Backtest(
        table=table,
        inside={"won": (1, 1), "revenue": (0, 1), "win_rate": (0, 1), "cycle_days": (1, 1)},
        months=("2025-03",),
        replications=1,
        currency="RUB",
        filling=("2025-02",),
        expected={"won": (0, 1)},
    )


def _calibration() -> Calibration:
    fits = (
        Fit(("segments", "s", "stages", "meeting", "convert"), 0.7101, 911, 0.685, 0.734,
            "fitted: 911 passed of 1283"),
        Fit(("segments", "s", "deal_value"), 20000.0, 188, 19000.0, 21000.0, "fitted: 188 won"),
        Fit(tuple(DELAY.split(".")), {"kind": "exponential", "mean": 4.0537}, 4180, 4.93,
            5.24, "fitted: exponential mean 5.08 days of 4180 ended"),
    )  # fmt: skip
    period = (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"))
    return Calibration(fits, (), (), pd.DataFrame(), period)


def _printed(width: int, *, factor: float = 1.0) -> str:
    console = Console(width=width, record=True)
    print_report(console, _report(factor), _backtest())
    print_fits(console, _calibration(), currency="RUB")
    return console.export_text()


@pytest.mark.parametrize("width", [80, 100, 120])
def test_names_and_paths_are_whole_at_a_normal_terminal_width(width: int) -> None:
    text = _printed(width)
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())
    lines = text.splitlines()
    for name in (LONG, CODE):
        # Whole on a line in each of the three people tables and in "below plan".
        assert sum(name in line for line in lines) == 4, name
    assert DELAY in text
    assert "exponential, mean 4.1 days" in text


def test_a_fit_reads_as_a_planner_says_it() -> None:
    delay = "segments.s.stages.demo.client_delay_days"
    cases = {
        (delay, "exponential"): "exponential, mean 4.0 days",
        (delay, "lognormal"): "lognormal, mean 4.0 days, sd 1.5 days",
        (delay, "fixed"): "2.0 days (fixed)",
        (delay, "triangular"): "triangular, 1.0 to 7.0 days, most often 3.0 days",
        (delay, "uniform"): "uniform, 1.0 to 7.0 days",
    }
    specs = {
        "exponential": {"kind": "exponential", "mean": 4.0},
        "lognormal": {"kind": "lognormal", "mean": 4.0, "sd": 1.5},
        "fixed": {"kind": "fixed", "value": 2},
        "triangular": {"kind": "triangular", "low": 1, "mode": 3, "high": 7},
        "uniform": {"kind": "uniform", "low": 1, "high": 7},
    }
    for (path, kind), expected in cases.items():
        assert fit_value(path, specs[kind], "RUB") == expected
    multipliers = {"conversion_x": 0.9136, "duration_x": 1.0642}
    assert fit_value("personas.low", multipliers, "RUB") == "conversion x0.91, duration x1.06"
    mix = {"sdr_low": 0.4, "sdr_high": 0.6}
    assert fit_value("roles.sdr.personas", mix, "RUB") == "sdr_low 40.0 %, sdr_high 60.0 %"
    # Money by Babel, RUB in English number style by default (the scenario's `locale` can
    # change it): the code parted from the digits by a no-break space.
    assert fit_value("segments.s.deal_value", 20000.0, "RUB") == "RUB\xa020K"
    assert fit_value("segments.s.stages.meeting.convert", 0.7101, "RUB") == "71.0 %"
    assert fit_value("roles.sdr.headcount.current", 10, "RUB") == "10"
    assert fit_value("channels.web.leads_per_week", 4.905, "RUB") == "4.9"


def test_a_surplus_is_no_gap_and_the_largest_gap_is_the_furthest_short() -> None:
    # Dials needed a quarter of the hand-built plan (250 a month against 500 done) and
    # revenue half (2,000 against 2,333): both surpluses. Short: won deals 7/3 of 4 a
    # month (58.3 %), proposals 6 of 10, first stage 15 of 20, conversations 90 of 100.
    needs = _needs()
    needs["dials"] = needs["dials"] / 4
    needs["revenue"] = needs["revenue"] / 2
    records = pseudonymise(_records(), {ANNA: LONG, BORIS: CODE, VERA: "Vera"})
    # The plan is 2,000 a month: the needs' funnel (500 dials for 4,000 revenue) on it.
    report = goals_against_results(records, _scenario(plan=2000), needs)
    assert report.largest_gap == "won"
    assert gap_note(report) == "largest gap: won deals, 58.3 % of plan (1.7 short a month)"
    text = _rendered(report)
    dials = next(line for line in text.splitlines() if "Dials" in line)  # the team's row
    assert [c.strip() for c in dials.split("│")][1:-1] == [
        "Dials", "500.0", "250.0", "250.0 surplus", "200.0 %"]  # fmt: skip
    revenue = next(line for line in text.splitlines() if "Revenue" in line)
    # Now and needed in one scale and decimals ("2.00K" beside "2.33K", not "2K"); the
    # surplus, under a thousand, in full (sim.money's rule), never "0.33K".
    assert [c.strip() for c in revenue.split("│")][1:-1] == [
        "Revenue", "RUB\xa02.33K", "RUB\xa02.00K", "RUB\xa0333 surplus", "116.7 %"]  # fmt: skip
    assert "Largest gap: won deals, 58.3 % of plan (1.7 short a month)." in " ".join(text.split())


def _rendered(report: GoalsReport) -> str:
    console = Console(width=120, record=True)
    print_report(console, report, None)
    return console.export_text()


def test_nobody_short_is_said_not_listed() -> None:
    # A fifth of the plan: every stage and both people above it.
    report = _report(factor=0.2)
    assert report.largest_gap is None and report.furthest.empty
    assert gap_note(report) == "no shortfall: every stage measured is at or above plan"
    text = " ".join(_rendered(report).split())
    assert "No shortfall: every stage measured is at or above plan." in text
    assert (
        "Below plan: nobody (2 people with a revenue need compared; each at or above their "
        "share)." in text
    )
    assert "Largest gap" not in text
    # The plan is split by each role's share of the records' revenue: one person a role,
    # each at the team's ratio. Half the plan (2,333 now of 2,000): nobody short; one and
    # a half (2,333 of 6,000): both, at 38.9 %.
    assert _report(factor=0.5).furthest.empty
    furthest = _report(factor=1.5).furthest
    assert sorted(furthest["person"]) == sorted([CODE, LONG])
    assert furthest["ratio"].tolist() == pytest.approx([7 / 18, 7 / 18])


def test_rows_used_and_warnings_in_words() -> None:
    report = _report()
    warning = RowProblem("deals.csv", 9, "owner", "not in the team file")
    fatal = RowProblem("team.csv", None, None, "is empty", fatal=True)
    cases = [
        (0, (), "all rows used; no warnings"),
        (0, (warning,) * 7, "all rows used; 7 warnings (see problems)"),
        (1, (warning,), "1 row not used; 1 warning (see problems)"),
        (2, (warning, fatal), "2 rows not used; 1 warning and 1 problem (see problems)"),
    ]
    for rows, problems, expected in cases:
        shown = dataclasses.replace(report, rows_not_used=rows, problems=problems)
        assert rows_note(shown) == expected


def test_joined_sentences_each_end_with_a_full_stop() -> None:
    assert sentences(["inside the band: 3 of 4", "", "band: P10-P90.", "left out: x"]) == (
        "Inside the band: 3 of 4. Band: P10-P90. Left out: x."
    )
    text = " ".join(_printed(100).split())
    assert (
        "Band: the 1st to 1st of 1 replication sorted, a prediction band that holds a month "
        "of a correct model with probability 0 % (Wilks 1941), so about that share of the "
        "observed months falls inside it. Left out" in text
    )
    assert (
        "Inside the band: won deals 1 of 1 (a correct model: 0 to 1), revenue 0 of 1, "
        "win rate 0 of 1, cycle time (days) 1 of 1." in text
    )
    assert "(simulated 80 % band, 1 replication)" in text
    assert "Fitted from the records: 3 values" in text
    # The back-test's columns in the field's words, from the one table of labels.
    for measure in ("Won deals", "Revenue (RUB)", "Win rate", "Cycle time (days)"):
        assert measure in text


def test_the_workbook_is_formatted_for_reading(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_excel(path, _report(), _backtest(), _calibration())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "about"
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["sheet: back-test"] == (
        "observed months against the simulated 80 % band, measure by measure"
    )
    assert about["rows"] == "2 rows not used; 1 warning (see sheet problems)"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.bold for c in sheet[1] if c.value is not None), sheet.title
        widths = [d.width for d in sheet.column_dimensions.values()]
        assert widths and all(8 <= w <= 60 for w in widths), sheet.title
    team = book["team funnel"]
    assert [c.value for c in team[1]] == ["Stage", "Now, a month", "Needed, a month",
        "Short of plan", "Surplus", "Now / needed", "Now from"]  # fmt: skip
    assert [team.cell(r, 1).value for r in range(2, 8)] == [LABELS[s] for s in
        ("dials", "conversations")] + ["Deals created"] + [LABELS[s] for s in
        ("proposals", "won", "revenue")]  # fmt: skip
    assert team["B2"].number_format == "#,##0.0"  # dials a month
    assert team["B7"].number_format == '#,##0 "RUB"'  # revenue
    assert team["F2"].number_format == "0.0%"
    assert team.column_dimensions["A"].width >= len("Conversations")
    people = book["people"]
    at = {str(c.value): int(c.column or 0) for c in people[1]}
    assert people.cell(2, at["Share of the revenue need"]).number_format == "0.0%"
    assert people.cell(2, at["Revenue, now"]).number_format == '#,##0 "RUB"'
    assert people.cell(2, at["Dials, needed"]).number_format == "#,##0.0"
    assert people.cell(2, at["Deals closed"]).number_format == "#,##0"
    bt = book["back-test"]
    assert [bt.cell(r, 2).value for r in range(2, 6)] == [
        "Won deals", "Revenue", "Win rate", "Cycle time (days)"]  # fmt: skip
    assert [bt.cell(r, 3).number_format for r in range(2, 6)] == [
        "#,##0.0", '#,##0 "RUB"', "0.0%", "#,##0.0"]  # fmt: skip
    assert bt["G2"].value == "yes" and bt["G3"].value == "no"
    fits = book["fits"]
    assert [fits.cell(r, 2).number_format for r in (2, 3)] == ["0.0%", '#,##0 "RUB"']
    assert fits["B4"].value == "exponential, mean 4.1 days"
    assert fits["D2"].number_format == "0.0%"  # its 95 % interval in its unit
