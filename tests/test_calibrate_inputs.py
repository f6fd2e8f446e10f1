"""How ``teamsim calibrate`` reads a new user's exports: faults a trial found, kept fixed.

Issue 10: columns teamsim does not read are named (with the canonical column they may
be), a title above the header is skipped with a note, a ``--column`` name teamsim does
not know gets a sensible suggestion, a malformed ``--stage`` shows a ``--stage`` example,
and messages name the options the user types (``--dates``), never internal parameters.
Every case writes real files to a temporary folder and reads them through
``teamsim.records_io`` or the command line, and checks the exact message.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from calibrate.contract import Records, RowProblem
from teamsim.cli import app
from teamsim.records_io import MappingError, parse_mapping, read_records

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"
runner = CliRunner()

pytestmark = pytest.mark.xdist_group("calibrate_cli")

ROWS = (
    "D1,Ivan Petrov,2026-01-05,2026-01-20,won,1200,web,a note\n"
    "D2,Maria Lee,2026-01-06,,proposal,900,phone,\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _shown(records: Records, folder: Path) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in records.problems]


def _file_notes(records: Records) -> list[RowProblem]:
    return [p for p in records.problems if p.row is None]


def _said(output: str, folder: Path) -> str:
    """The command's output as one line (rich wraps long lines), paths relative."""
    return " ".join(output.replace(f"{folder}/", "").split())


# a. Columns teamsim does not read are named, once per file.


def test_columns_not_used_are_named_with_the_column_they_may_be(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "deals.csv", "Deal ID,Owner,Created,Closed,Stage,Amount,Lead-Kanal,Notiz\n" + ROWS
    )
    records = read_records(deals=path)
    assert _shown(records, tmp_path) == [
        "deals.csv: columns not used: Lead-Kanal, Notiz; 'Lead-Kanal' may be channel: "
        "map it with --column channel=Lead-Kanal"
    ]
    assert not records.problems[0].fatal
    assert records.deals is not None and list(records.deals["channel"]) == [None, None]
    mapped = read_records(deals=path, columns={"channel": "Lead-Kanal"})
    assert _shown(mapped, tmp_path) == [
        "deals.csv: columns not used: Notiz; to read one, map it with --column "
        "<name>=<column> (names: segment, account)"
    ]
    assert mapped.deals is not None and list(mapped.deals["channel"]) == ["web", "phone"]


def test_a_file_with_every_column_read_and_one_more(tmp_path: Path) -> None:
    header = "deal_id,owner,created,closed,status,stage,value,segment,channel,account,Notiz\n"
    row = "D1,Ivan Petrov,2026-01-05,,open,proposal,900,smb,web,Acme,call back\n"
    records = read_records(deals=_write(tmp_path, "deals.csv", header + row))
    assert _shown(records, tmp_path) == [
        "deals.csv: columns not used: Notiz; every column teamsim reads was found"
    ]


def test_a_column_with_no_likely_name_lists_the_names_still_free(tmp_path: Path) -> None:
    header = "Deal ID,Owner,Created,Closed,Stage,Amount,Created By,Betrag netto\n"
    path = _write(tmp_path, "deals.csv", header + ROWS)
    # "Created By" is not suggested as created: the file's "Created" is read already;
    # "Betrag netto" holds "betrag" (value), but value is read from "Amount".
    assert _shown(read_records(deals=path), tmp_path) == [
        "deals.csv: columns not used: Created By, Betrag netto; to read one, map it with "
        "--column <name>=<column> (names: segment, channel, account)"
    ]
    header = "Deal ID,Owner,Created,Closed,Stage,Kanal,Betrag netto,Notiz\n"
    path = _write(tmp_path, "deals.csv", header + ROWS)
    # No value column: one warning names 'Betrag netto' as the likely one (issue 10, trial 8).
    assert _shown(read_records(deals=path), tmp_path) == [
        "deals.csv: no value column (the deals' amount) was found (closest: 'Betrag netto'; "
        "other columns not read: 'Notiz'); map it with --column 'value=Betrag netto'; until "
        "then the 1 won deal has no amount, so deal values and revenue are not calibrated "
        "and no plan is taken from the records"
    ]


def test_a_german_export_is_read_whole(tmp_path: Path) -> None:
    text = (
        "Nummer;Verantwortlich;Erstellt am;Abgeschlossen am;Phase;Betrag;Kanal;Firma\n"
        "1;Ivan Petrov;05.01.2026;20.01.2026;won;1.200,50;Web;Acme\n"
        "2;Maria Lee;06.01.2026;;Angebot;900;Telefon;Beta\n"
    )
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    assert records.problems == ()
    assert records.deals is not None
    assert list(records.deals["channel"]) == ["Web", "Telefon"]
    assert list(records.deals["value"]) == [1200.5, 900.0]
    assert list(records.deals["account"]) == ["Acme", "Beta"]


@pytest.mark.parametrize(
    ("won", "lost", "open_"),
    [("Gewonnen", "Verloren", "Offen"), ("Gagnée", "Perdue", "En cours")],
)
def test_german_and_french_statuses(tmp_path: Path, won: str, lost: str, open_: str) -> None:
    text = (
        "Deal ID,Owner,Created,Closed,Status\n"
        f"1,Ivan Petrov,2026-01-05,2026-01-20,{won}\n"
        f"2,Ivan Petrov,2026-01-05,2026-01-21,{lost}\n"
        f"3,Ivan Petrov,2026-01-05,,{open_}\n"
    )
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    # the one warning: no value column (issue 10, trial 8)
    assert [p.message.split(" (")[0] for p in records.problems] == ["no value column"]
    assert records.deals is not None
    assert list(records.deals["status"]) == ["won", "lost", "open"]


def test_the_shipped_example_gives_no_note(tmp_path: Path) -> None:
    for name in ("deals.csv", "stages.csv", "activities.csv", "team.csv"):
        shutil.copy(CRM / name, tmp_path / name)
    records = read_records(
        deals=tmp_path / "deals.csv",
        stages=tmp_path / "stages.csv",
        activities=tmp_path / "activities.csv",
        team=tmp_path / "team.csv",
    )
    assert records.problems == ()


# b. A title above the header.

TITLED = "Deals report, exported 2027-10-01\n\nDeal ID,Owner,Created,Closed,Stage,Amount\n"


def test_a_title_above_the_header_is_skipped_with_a_note(tmp_path: Path) -> None:
    text = (
        TITLED + "D1,Ivan Petrov,2026-01-05,2026-01-20,won,1200\nD2,Maria Lee,soon,,proposal,900\n"
    )
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    assert _shown(records, tmp_path) == [
        "deals.csv: the header is on line 3: lines 1-2 above it are skipped (line 1 reads "
        "'Deals report, exported 2027-10-01')",
        # rows keep the file's line numbers
        "deals.csv:5: Created: 'soon' is not a date (expected a date such as 2026-03-01, "
        "01.03.2026, 3/1/2026 or an Excel serial number); the row is left out",
    ]
    assert records.deals is not None
    assert list(records.deals["deal_id"]) == ["D1"] and list(records.deals["row"]) == [4]
    assert records.deals["closed"].iloc[0] == dt.datetime(2026, 1, 20)


def test_a_title_with_a_comma_above_a_semicolon_header(tmp_path: Path) -> None:
    text = (
        "Deals report, exported 2027-10-01\n"
        "Deal ID;Owner;Created;Closed;Stage;Amount\n"
        "D1;Ivan Petrov;05.01.2026;20.01.2026;won;1.200,50\n"
    )
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    assert _shown(records, tmp_path) == [
        "deals.csv: the header is on line 2: line 1 above it is skipped (line 1 reads "
        "'Deals report, exported 2027-10-01')"
    ]
    assert records.deals is not None and list(records.deals["value"]) == [1200.5]


def test_a_workbook_with_a_title_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Pipeline export", "2027-10-01"])
    sheet.append(["Opportunity ID", "Opportunity Owner", "Created Date", "Stage"])
    sheet.append(["O1", "Ivan Petrov", dt.datetime(2026, 3, 1), "Proposal"])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    records = read_records(deals=path)
    assert _shown(records, tmp_path) == [
        "deals.xlsx: the header is on line 2: line 1 above it is skipped (line 1 reads "
        "'Pipeline export, 2027-10-01')"
    ]
    assert records.deals is not None and list(records.deals["row"]) == [3]


def test_a_title_above_a_header_that_still_lacks_a_column(tmp_path: Path) -> None:
    text = "Deals report\nDeal ID,Ownr,Created,Stage\nD1,Ivan Petrov,2026-01-05,proposal\n"
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    assert [
        (text, p.fatal) for text, p in zip(_shown(records, tmp_path), records.problems, strict=True)
    ] == [
        (
            "deals.csv: the header is on line 2: line 1 above it is skipped (line 1 reads "
            "'Deals report')",
            True,
        ),
        (
            "deals.csv: no column for 'owner' (columns found: 'Deal ID', 'Ownr', 'Created', "
            "'Stage'; closest: 'Ownr'); map it with --column owner=<column>",
            True,
        ),
    ]


def test_a_header_on_line_one_is_not_searched_for(tmp_path: Path) -> None:
    # One required column missing: the file's own header is still the header, and the
    # data row that happens to hold a column's name is not taken for one.
    text = "Deal ID,Ownr,Created,Stage\nD1,owner,2026-01-05,proposal\n"
    records = read_records(deals=_write(tmp_path, "deals.csv", text))
    assert _shown(records, tmp_path) == [
        "deals.csv: no column for 'owner' (columns found: 'Deal ID', 'Ownr', 'Created', "
        "'Stage'; closest: 'Ownr'); map it with --column owner=<column>"
    ]


# c. A --column name teamsim does not read.


def test_an_unknown_column_name_suggests_what_it_likely_means(tmp_path: Path) -> None:
    path = _write(tmp_path, "deals.csv", "Deal ID,Owner,Created,Stage\n" + "D1,A,2026-01-05,won\n")
    reads = (
        "(it reads: account, channel, closed, count, created, date, days_away, deal_id, "
        "entered, kind, level, manager, minutes, outcome, owner, person, role, segment, "
        "stage, start, status, unit, value)"
    )
    expected = {
        "id": "--column id=Foo: 'id' is not a column teamsim reads; did you mean 'deal_id'? ",
        "Deal Number": "--column 'Deal Number=Foo': 'Deal Number' is not a column teamsim "
        "reads; did you mean 'deal_id'? ",
        "amout": "--column amout=Foo: 'amout' is not a column teamsim reads; did you mean "
        "'value' or 'count'? ",
        "xyz": "--column xyz=Foo: 'xyz' is not a column teamsim reads ",
    }
    for name, message in expected.items():
        with pytest.raises(MappingError) as caught:
            read_records(deals=path, columns={name: "Foo"})
        assert str(caught.value) == message + reads
    with pytest.raises(MappingError) as caught:
        read_records(deals=path, columns={"Responsible": "owner"})
    assert str(caught.value) == (
        "--column Responsible=owner: 'Responsible' is not a column teamsim reads; the name "
        "teamsim reads comes first: --column owner=Responsible " + reads
    )


# d. A malformed --stage item.


def test_a_malformed_stage_item_shows_a_stage_example(tmp_path: Path) -> None:
    expected = (
        "--stage 'Won': expected --stage 'CRM name=stage' with both sides given, "
        "e.g. --stage 'Closed Won=won'"
    )
    with pytest.raises(MappingError) as caught:
        parse_mapping(["Won"], option="--stage")
    assert str(caught.value) == expected
    deals = _write(tmp_path, "deals.csv", "Deal ID,Owner,Created,Stage\nD1,A,2026-01-05,won\n")
    result = runner.invoke(
        app, ["calibrate", "--deals", str(deals), "--stage", "Won", "-o", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 2
    assert expected in _said(result.output, tmp_path)


def test_a_mapping_file_row_is_named_by_its_line(tmp_path: Path) -> None:
    from teamsim.records_io import read_mapping_file

    path = _write(tmp_path, "map.csv", "crm,stage\nClosed Won,won\nClosed Won,lost\n")
    with pytest.raises(MappingError) as caught:
        read_mapping_file(path)
    assert str(caught.value) == f"{path}: row 3: 'Closed Won' is already mapped to 'won'"


# e. Messages name the option the user types.


def test_ambiguous_dates_name_the_dates_option(tmp_path: Path) -> None:
    deals = _write(
        tmp_path,
        "deals.csv",
        "Deal ID,Owner,Created,Stage\nD1,A,03/01/2026,proposal\nD2,B,04/02/2026,proposal\n",
    )
    out = tmp_path / "x.yaml"
    result = runner.invoke(app, ["calibrate", "--deals", str(deals), "-o", str(out)])
    assert result.exit_code == 2
    said = _said(result.output, tmp_path)
    assert (
        "deals.csv: Created: dates such as '03/01/2026' and '04/02/2026' can be read "
        "day-first or month-first and no value decides; say which with --dates dmy (day "
        "first) or --dates mdy (month first)"
    ) in said
    assert "date_order" not in said
    records = read_records(deals=deals, date_order="dmy")
    assert records.deals is not None
    assert list(records.deals["created"]) == [dt.datetime(2026, 1, 3), dt.datetime(2026, 2, 4)]
