"""What a fresh-user trial of ``calibrate --report --backtest`` and the Calibrate page found.

No plan given: the page's Below-plan tab says there is no plan to compare with (not
"nobody is below plan"). The back-test says once how "a correct model: 8 to 11" is
computed and what a count outside it means, and leaves out the same months as the
report above. The page's words after the command's options are rewritten read as
English. The plan is named with its amount and source (terminal, workbook, page).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.console import Console

from calibrate import BACKTEST_MEASURES, Backtest
from dashboard.views.calibrate import (
    backtest_caption,
    page_words,
    plan_caption,
)
from teamsim.calibrate_view import (
    below_plan_note,
    expected_verdicts,
    left_out_note,
    months_note,
    plan_source,
    plan_words,
    print_report,
    write_excel,
)
from teamsim.calibration import CalibrateRequest, CalibrationOutcome, calibrate_files

FIRST = dt.date(2027, 1, 4)  # a Monday; the records run to 2027-04-14: April is partial
LAST = dt.date(2027, 4, 14)
OWNERS = ("sdr.01", "sdr.02", "ae.01")


def _deals(path: Path) -> Path:
    """Two deals a working day, by turns per owner; every third won, the others lost,
    closed ten days after they were created (open when that is past the last date)."""
    days = [FIRST + dt.timedelta(days=k) for k in range((LAST - FIRST).days + 1)]
    rows = []
    for k, day in enumerate(d for d in days if d.weekday() < 5):
        for j in range(2):
            n = 2 * k + j
            end = day + dt.timedelta(days=10)
            status = ("won" if n % 3 == 0 else "lost") if end <= LAST else "open"
            rows.append(
                {
                    "deal_id": f"D{n:05d}",
                    "owner": OWNERS[n % len(OWNERS)],
                    "created": day.isoformat(),
                    "closed": end.isoformat() if status != "open" else "",
                    "status": status,
                    "stage": "proposal" if status != "won" else "won",
                    "value": 1000,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def own_plan(tmp_path_factory: pytest.TempPathFactory) -> CalibrationOutcome:
    """Deals alone, no plan and no base: the plan written is the team's own revenue."""
    folder = tmp_path_factory.mktemp("own_plan")
    request = CalibrateRequest(
        out_path=folder / "team.yaml", workers=1, deals=_deals(folder / "deals.csv")
    )
    return calibrate_files(request)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- 1. no plan given: the page says there is none to compare with ----------------------


def test_no_plan_given_the_below_plan_tab_says_there_is_none_to_compare_with(
    own_plan: CalibrationOutcome,
) -> None:
    report = own_plan.report
    assert report.plan_own and report.furthest.empty
    note = page_words(below_plan_note(report))
    assert note.startswith(
        "Below plan: no plan to compare with: no plan given (no Plan and no Base scenario): "
        "the plan written is the team's own revenue won a month in the records"
    )
    assert "give a Plan (revenue a month) or a Base scenario with a plan" in note
    assert "nobody" not in note.lower()
    # The command says it once, in its header, and prints no below-plan line.
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=200), report, None)
    text = _one_line(buffer.getvalue())
    assert text.startswith("No plan to compare with: no plan given (no --plan, no --base)")
    assert "Below plan" not in text
    # The team tab's caption says no plan either, not what "the plan needs".
    caption = page_words(plan_caption(report))
    assert caption.startswith(
        "A month: now, the records' whole months. No plan given (no Plan and no Base "
        "scenario): the plan written is the team's own revenue"
    )
    assert "the plan needs;" not in caption


# -- 2. the back-test's range: how it is computed, what a count outside it means ---------


def _backtest(inside: dict[str, tuple[int, int]], expected: dict[str, tuple[int, int]]) -> Backtest:
    rows = [["2027-03", m, 1.0, 1.0, 0.5, 1.5, 0.5, 1.5, True] for m in BACKTEST_MEASURES]
    table = pd.DataFrame(
        rows, columns=["month", "measure", "observed", "mean", "p10", "p90", "low", "high",
                       "inside"]
    )  # fmt: skip
    return Backtest(
        table=table,
        inside=inside,
        months=("2027-03",),
        replications=30,
        currency="USD",
        filling=("2027-02",),
        expected=expected,
        still_filling=("2027-01", "2027-02"),
        partial=("2028-03",),
    )


def test_a_count_above_the_range_is_no_sign_below_it_the_model_misses_it(
    own_plan: CalibrationOutcome,
) -> None:
    bt = _backtest(
        {"won": (12, 12), "revenue": (10, 12), "win_rate": (5, 12), "cycle_days": (9, 12)},
        {"won": (8, 11), "revenue": (7, 12), "win_rate": (6, 12), "cycle_days": (8, 11)},
    )
    assert expected_verdicts(bt) == [
        "won deals: above that range, more months inside than a correct model usually "
        "gives, which is no sign of a wrong model (the band is wide)",
        "win rate: below that range, fewer months inside than a correct model gives: the "
        "model misses it",
    ]
    inside_all = replace(bt, inside={m: (9, 12) for m in BACKTEST_MEASURES})
    assert expected_verdicts(inside_all) == []
    # The terminal says the range's rule once, the verdicts, and the same months left
    # out as the report above (2027-01 too, though it falls in the warm-up).
    buffer = io.StringIO()
    report = own_plan.report
    print_report(Console(file=buffer, width=200), report, bt)
    text = _one_line(buffer.getvalue())
    assert text.count("correct model: each simulated replication") == 1
    assert (
        "A correct model: each simulated replication in turn played as the observed history "
        "against the band of the others, P10 to P90 of its months inside (the months of one "
        "history move together, so the range is wide). Won deals: above that range" in text
    )
    assert "Win rate: below that range" in text
    assert (
        "Left out, as in the report above: Jan 2027, Feb 2027, still filling (within one mean "
        "cycle of the records' first date: the pipeline before it may be missing); Mar 2028, "
        "partial." in text
    )
    page = page_words(backtest_caption(bt))
    assert "Won deals: above that range" in page and "Jan 2027, Feb 2027, still filling" in page


def test_the_left_out_months_are_the_reports() -> None:
    bt = _backtest({"won": (9, 12)}, {"won": (8, 11)})
    assert left_out_note(replace(bt, still_filling=(), filling=(), partial=())) == ""
    assert left_out_note(replace(bt, still_filling=(), filling=())) == (
        "left out, as in the report above: Mar 2028, partial"
    )


# -- 3. the page's words read as English -----------------------------------------------


@pytest.mark.parametrize(
    ("command", "page"),
    [
        ("no plan given (no --plan, no --base): the plan written is the team's own",
         "no plan given (no Plan and no Base scenario): the plan written is the team's own"),
        ("if they are in another currency, give it with --currency (e.g. --currency EUR)",
         "if they are in another currency, set it in the Currency box (e.g. EUR)"),
        ("an inbound desk or a warm list of contacts needs --base to say so",
         "an inbound desk or a warm list of contacts needs a Base scenario to tell"),
        ("convert them to EUR, or calibrate without --base and give theirs with --currency",
         "convert them to EUR, or choose 'Build from the records' as the Base scenario and "
         "set theirs in the Currency box"),
    ],
)  # fmt: skip
def test_page_words_read_as_english(command: str, page: str) -> None:
    assert page_words(command) == page
    assert " a a " not in page and "no a " not in page and "a Currency (" not in page


# -- 4. the plan named with its amount and where it comes from ------------------------


def test_the_plan_is_named_with_its_amount_and_source(
    own_plan: CalibrationOutcome, tmp_path: Path
) -> None:
    assert plan_source(plan=None, base="b2b_smb.yaml") == "from the base scenario b2b_smb.yaml"
    assert plan_source(plan=470_000, base="b2b_smb.yaml") == "given with --plan"
    assert plan_source(plan=None, base=None) == ""
    report = replace(
        own_plan.report,
        plan_own=False,
        plan_assumed=False,
        not_judged="",
        plan_note="",
        plan_per_month=(470_000.0,),
        plan_source="from the base scenario b2b_smb.yaml",
    )
    said = "the plan: $470K a month, from the base scenario b2b_smb.yaml, plan.revenue_per_month"
    assert plan_words(report) == said
    assert months_note(report).endswith(f"needed, {said}, on the same months, through its funnel")
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=200), report, None)
    assert f"needed, {said}, on the same months" in _one_line(buffer.getvalue())
    assert plan_caption(report).endswith(f"; {said}.")
    path = tmp_path / "report.xlsx"
    write_excel(path, report, None, own_plan.calibration)
    about = openpyxl.load_workbook(path)["about"]
    cells = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert cells["plan"] == said
    twelve = replace(report, plan_per_month=(400_000.0,) * 6 + (520_000.0,) * 6)
    assert plan_words(twelve).startswith("the plan: $400K to $520K a month by calendar month")
