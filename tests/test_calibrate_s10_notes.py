"""Issue 10 S10: why a built scenario's channel is of its kind is a note, not a warning.

"channel demo_requests is referral: ... no dials are logged on it" explains an assumption;
counted among the warnings it made the report say "3 warnings" for one. It is printed as
a note, counted apart ("1 warning and 2 notes") and marked "note" in the workbook.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
from test_calibrate_report_words import _handful, _words
from test_calibrate_view import _report

from calibrate import RowProblem
from teamsim.calibrate_view import rows_note


def test_notes_are_counted_apart_from_warnings() -> None:
    report = _report()
    warning = RowProblem("deals.csv", 9, "owner", "not in the team file")
    fatal = RowProblem("team.csv", None, None, "is empty", fatal=True)
    note = RowProblem("deals.csv", None, None, "channel x is referral: ...", note=True)
    cases = [
        (0, (note,), "all rows used; no warnings and 1 note (see problems)"),
        (0, (warning, note, note), "all rows used; 1 warning and 2 notes (see problems)"),
        (1, (fatal, note), "1 row not used; 1 problem and 1 note (see problems)"),
        (0, (warning,), "all rows used; 1 warning (see problems)"),
    ]
    for rows, problems, expected in cases:
        shown = dataclasses.replace(report, rows_not_used=rows, problems=problems)
        assert rows_note(shown) == expected


def test_channel_kinds_are_notes_in_the_terminal_and_the_workbook(tmp_path: Path) -> None:
    out = _handful(tmp_path, "--excel", str(tmp_path / "report.xlsx"))
    lines = out.splitlines()
    kinds = [line for line in lines if "is referral:" in line]
    assert len(kinds) == 2  # demo_requests and marketing_leads
    assert all(line.startswith("note: ") for line in kinds)
    warned = [line for line in lines if line.startswith("warning: ")]
    assert len(warned) == 1 and "segment" in warned[0]  # the stage order inferred
    # The third note: the values name no currency, so the default was taken (issue 10).
    assert "All rows used; 1 warning and 3 notes (printed above)." in _words(out)
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx")["problems"]
    rows = list(sheet.iter_rows(values_only=True))
    kind = rows[0].index("kind")
    message = rows[0].index("message")
    said = {str(r[message]).split(":")[0]: r[kind] for r in rows[1:]}
    assert said["channel demo_requests is referral"] == "note"
    assert said["channel marketing_leads is referral"] == "note"
    assert (
        said["no currency in the value column 'value' (neither its header nor any value names one)"]
        == "note"
    )
    assert sorted(said.values()) == ["note", "note", "note", "warning"]
