"""Issue 10: how ``teamsim calibrate`` tells a fresh user what is wrong with the exports.

A trial with messy exports found: warnings of one kind said row by row (the duplicate ids
only in the workbook), the missing columns said one batch a run (the deals' close date
only after the others were mapped), and a cp1251 file with no currency read as dollars
without a word. Each reproduced here on a file built in the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate import RowProblem, unnamed_currency
from sim.scenario import parse_scenario
from teamsim.calibrate_view import problem_lines, rows_text
from teamsim.calibration import CalibrateRequest, RecordsError, _base_currency, read_team_records
from teamsim.cli import app
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _messy_deals() -> pd.DataFrame:
    """60 deals (file rows 2-61): 14 repeated ids, 3 without owner, 2 bad amounts, 1 bad date.

    The repeated ids are on rows 12 and 40-52 (repeating rows 2-11's and 13-16's); no owner
    on rows 20, 21, 22; amounts "n/a" on rows 30 and 31; the created date "soon" on row 35.
    """
    rows = []
    for r in range(2, 62):
        closed = r % 3 != 2
        rows.append(
            {
                "Deal ID": f"D{r:03d}",
                "Owner": ["Ann Lee", "Bo Chan", "Cy Diaz"][r % 3],
                "Created": f"2026-01-{1 + r % 28:02d}",
                "Closed": f"2026-02-{1 + r % 28:02d}" if closed else "",
                "Stage": ["Closed Won", "Closed Lost", "Proposal"][r % 3],
                "Amount": str(1000 + r),
            }
        )
    frame = pd.DataFrame(rows)
    repeated = [12, *range(40, 53)]
    firsts = [*range(2, 12), *range(13, 17)]  # rows whose ids come again
    for r, first in zip(repeated, firsts, strict=True):
        frame.loc[r - 2, "Deal ID"] = f"D{first:03d}"
    frame.loc[[18, 19, 20], "Owner"] = ""
    frame.loc[[28, 29], "Amount"] = "n/a"
    frame.loc[33, "Created"] = "soon"
    return frame


def _shown(text: str, folder: Path) -> str:
    return text.replace(f"{folder}/", "")


def test_rows_are_said_in_order_the_first_three_named() -> None:
    assert rows_text([7]) == "row 7"
    assert rows_text([41, 12, 40]) == "rows 12, 40, 41"
    assert rows_text([12, 40, 41, 42, 43]) == "rows 12, 40, 41 and 2 more"


def test_a_messy_file_says_each_kind_once_with_its_count_and_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    _messy_deals().to_csv(path, index=False)
    records = read_records(deals=path)
    lines = [(kind, _shown(text, tmp_path)) for kind, text in problem_lines(records.problems)]
    assert lines == [
        (
            "warning",
            "deals.csv: Deal ID: 14 duplicate deal ids (rows 12, 40, 41 and 11 more): the first "
            "of each kept",
        ),
        (
            "warning",
            "deals.csv: Owner: 3 deals with no owner (rows 20, 21, 22): counted for the team's "
            "flow, win rate and cycle, not for any person's",
        ),
        (
            "warning",
            "deals.csv: Amount: 2 values that are not numbers (rows 30, 31): the rows kept "
            "without a value",
        ),
        # One row of a kind is said as it is, with the value that is wrong.
        (
            "warning",
            "deals.csv:35: Created: 'soon' is not a date (expected a date such as 2026-03-01, "
            "01.03.2026, 3/1/2026 or an Excel serial number); the row is left out",
        ),
    ]
    # Every row is still a problem of its own (the workbook's sheet lists each).
    assert len(records.problems) == 14 + 3 + 2 + 1
    assert records.dropped == {"deals": 15}


def test_the_terminal_says_kinds_and_the_workbook_every_row(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    _messy_deals().to_csv(path, index=False)
    book = tmp_path / "report.xlsx"
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "-o", str(tmp_path / "team.yaml"), "--workers", "1",
         "--report", "--excel", str(book)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = _shown(result.output, tmp_path)
    assert (
        "warning: deals.csv: Deal ID: 14 duplicate deal ids (rows 12, 40, 41 and 11 more): the "
        "first of each kept"
    ) in out
    assert out.count("duplicate deal id") == 1 and "again (first at row" not in out
    assert "printed above by kind; every row: --excel FILE, sheet problems" in " ".join(out.split())
    sheet = list(openpyxl.load_workbook(book)["problems"].iter_rows(values_only=True))
    group = sheet[0].index("group")
    assert sum(row[group] == "duplicate deal ids" for row in sheet[1:]) == 14
    assert sum(row[group] == "deals with no owner" for row in sheet[1:]) == 3


def test_every_missing_column_of_every_file_is_one_message(tmp_path: Path) -> None:
    # deals: no id and, with won deals in it, no close date (said at once, not after the id
    # is mapped); activities: no person; team: no role.
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Ref,Owner,Created,Stage,Amount\n1,Ann,2026-01-05,Won,100\n2,Bob,2026-01-06,Lost,200\n"
    )
    activities = tmp_path / "calls.csv"
    activities.write_text("Who,Date,Type\nAnn,2026-01-05,call\n")
    team = tmp_path / "team.csv"
    team.write_text("Name,Office\nAnn,Berlin\n")
    request = CalibrateRequest(deals=deals, activities=activities, team=team)
    with pytest.raises(RecordsError) as caught:
        read_team_records(request, None)
    message = _shown(str(caught.value), tmp_path)
    assert message.splitlines() == [
        "4 required columns missing in 3 files; map each with --column (the option repeats), "
        "then run again:",
        "  deals.csv: no column for 'deal_id' (columns found: 'Ref', 'Owner', 'Created', "
        "'Stage', 'Amount'; none close); map it with --column deal_id=<column>",
        "  deals.csv: no column for 'closed' (the date a deal was won or lost), so the 2 won or "
        "lost deals cannot be used (columns found: 'Ref', 'Owner', 'Created', 'Stage', "
        "'Amount'; none close); map it with --column closed=<column>",
        "  calls.csv: no column for 'person' (columns found: 'Who', 'Date', 'Type'; none "
        "close); map it with --column person=<column>",
        "  team.csv: no column for 'role' (columns found: 'Name', 'Office'; none close); map it "
        "with --column role=<column>",
    ]
    # The terminal: one "error:" message, exit 2, and nothing else said before it.
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(deals), "--activities", str(activities), "--team",
         str(team), "-o", str(tmp_path / "team.yaml")],
    )  # fmt: skip
    assert result.exit_code == 2
    said = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(said) == 5 and "4 required columns missing in 3 files" in said[0]


def test_a_file_with_open_deals_only_does_not_ask_for_a_close_date(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text("Ref,Owner,Created,Stage\n1,Ann,2026-01-05,Proposal\n")
    records = read_records(deals=deals)
    assert [re.findall(r"no column for '(\w+)'", p.message) for p in records.problems] == [
        ["deal_id"]
    ]


def _cp1251_deals(path: Path) -> None:
    """A Russian CRM's deals in cp1251, amounts with no currency sign or word."""
    frame = pd.DataFrame(
        {
            "Номер": [str(i) for i in range(1, 13)],
            "Ответственный": ["Иван Петров", "Мария Сидорова", "Олег Ким"] * 4,
            "Дата создания": [f"{i:02d}.01.2026" for i in range(1, 13)],
            "Дата закрытия": [f"{i + 10:02d}.02.2026" if i % 3 else "" for i in range(1, 13)],
            "Этап": [
                ("Успешно реализовано" if i % 2 else "Провалена") if i % 3 else "Переговоры"
                for i in range(1, 13)
            ],
            "Сумма": [str(10000 + 500 * i) for i in range(1, 13)],
        }
    )
    frame.to_csv(path, index=False, sep=";", encoding="cp1251")


CURRENCY_NOTE = (
    "note: deals.csv: Сумма: no currency in the value column 'Сумма' (neither its header nor "
    "any value names one): the amounts are taken as USD, the default without --base, and "
    "the scenario is written in USD; if they are in another currency, give it with "
    "--currency (e.g. --currency RUB)"
)
ENCODING_NOTE = (
    "note: deals.csv: read as cp1251 (Windows Cyrillic): the file is not UTF-8 and names no "
    "encoding, so it was guessed from its bytes; if names or stages read wrong, save the "
    "file as CSV UTF-8"
)


def test_a_cp1251_file_with_no_currency_says_which_was_taken_and_how_to_set_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deals.csv"
    _cp1251_deals(path)
    out_path = tmp_path / "team.yaml"
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "-o", str(out_path), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    lines = _shown(result.output, tmp_path).splitlines()
    assert lines.count(CURRENCY_NOTE) == 1
    assert lines.count(ENCODING_NOTE) == 1
    assert "currency: USD" in out_path.read_text(encoding="utf-8")
    # Given, the currency is the user's word: no note.
    again = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "-o", str(out_path), "--workers", "1",
         "--currency", "RUB"],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "no currency in the value column" not in again.output
    assert "currency: RUB" in out_path.read_text(encoding="utf-8")


def test_with_a_base_the_note_names_the_base_currency(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    _cp1251_deals(path)
    records = read_team_records(CalibrateRequest(deals=path), None)
    base = parse_scenario((ROOT / "scenarios" / "b2g_tenders.yaml").read_bytes(), "base")
    said = _base_currency(records, base, None).problems[0]
    assert said.note and said.column == "Сумма"
    assert said.message == (
        "no currency in the value column 'Сумма' (neither its header nor any value names "
        "one): the amounts are taken as EUR, the base scenario's currency; if they are in "
        "another, convert them to EUR, or calibrate without --base and give theirs with "
        "--currency"
    )
    # --currency with a base and no currency in the values: the base's is kept, and said.
    given = _base_currency(records, base, "RUB").problems[:2]
    assert [p.note for p in given] == [True, False]
    assert given[1].message.startswith("--currency RUB names the currency of a scenario built")


def test_slash_dates_and_thousands_commas_say_how_they_were_read(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "Deal ID,Owner,Created,Closed,Stage,Amount\n"
        'D1,Ann,03/01/2026,25/01/2026,Closed Won,"1,200"\n'
        'D2,Ann,13/01/2026,,Proposal,"2,500"\n'
    )
    records = read_records(deals=path)
    notes = [_shown(str(p), tmp_path) for p in records.problems if p.note]
    assert notes == [
        # Said once for the file, with both columns, though each decided alike.
        "deals.csv: Created, Closed: slash dates read day first (d/m/Y): '13/01/2026' "
        "decides it (its first number is above 12); --dates dmy or --dates mdy sets the order",
        "deals.csv: Amount: a comma before three digits is read as a thousands separator in 2 "
        "values ('1,200' as 1200); if it is a decimal comma, write them with a dot",
    ]
    assert [p for p in records.problems if not p.note] == []


def test_commas_read_both_ways_in_one_column_are_a_warning() -> None:
    from calibrate.records import _comma_note

    cells = pd.Series(["12,5", "1,200"])
    said = _comma_note(cells, pd.Series([12.5, 1200.0]), source="d.csv", column="Amount")
    assert isinstance(said, RowProblem) and not said.note
    assert said.message.startswith(
        "the comma is read two ways: as a decimal comma ('12,5' as 12.5) and, before three "
        "digits, as a thousands separator ('1,200' as 1200)"
    )
    assert unnamed_currency("d.csv", None, "USD", base=False).column is None
