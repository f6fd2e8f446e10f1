"""A team's files read into the canonical tables: columns, dtypes, rows, mappings, dates.

The happy path of teamsim.records_io and calibrate.records (the messy files are in
test_calibrate_messy.py): what comes out is exactly calibrate.contract's tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate.contract import COLUMNS, ROW, ActivityKind, Kind, Status
from calibrate.dates import parse_dates
from calibrate.records import normalise, parse_number, person_key
from sim import TeamsimError
from teamsim.records_io import (
    MappingError,
    parse_mapping,
    read_mapping_file,
    read_raw,
    read_records,
)

DTYPES = {
    "created": "datetime64[ns]",
    "closed": "datetime64[ns]",
    "entered": "datetime64[ns]",
    "date": "datetime64[ns]",
    "start": "datetime64[ns]",
    "value": "float64",
    "count": "float64",
    "minutes": "float64",
    "days_away": "float64",
    ROW: "int64",
}


def _frame(text: str) -> pd.DataFrame:
    rows = [line.split(",") for line in text.strip().splitlines()]
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=str)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "deals": _write(
            tmp_path,
            "deals.csv",
            "Opportunity ID,Assigned To,Date Created,Close Date,Deal Stage,Deal Value,"
            "Product,Lead Source,Company\n"
            'A1,Ivan Petrov,2026-03-01,2026-03-20,Closed Won,"12,000.50",Loans,web,Acme\n'
            "\n"
            "A2,Maria Lee,2026-03-02,,Negotiation,800,Cards,,\n"
            "A3,Maria Lee,2026-03-03 10:15:00,2026-03-09,Closed Lost,,Loans,cold,Beta\n",
        ),
        "stages": _write(
            tmp_path,
            "stages.csv",
            "Deal,To Stage,Changed At\nA1,Negotiation,2026-03-05\nA1,Closed Won,2026-03-20\n",
        ),
        "activities": _write(
            tmp_path,
            "activities.tsv",
            "Employee\tDay\tActivity Type\tQty\tDuration\tResult\n"
            "Ivan Petrov\t2026-03-02\tOutgoing call\t40\t95\t\n"
            "Ivan Petrov\t2026-03-02\tКП\t\t\tsent\n"
            "Maria Lee\t2026-03-02\tMeeting booked\t2\t\t\n",
        ),
        "team": _write(
            tmp_path,
            "team.csv",
            "Full Name,Position,Reports To,Office,Hire Date,Absence Days,Level\n"
            "Ivan Petrov,Sales rep,Olga Head,North,2025-09-01,24,line\n"
            "Maria Lee,Sales rep,Olga Head,North,,,LINE\n"
            "Olga Head,Head of sales,,North,2020-01-15,30,middle\n",
        ),
    }


def test_every_table_has_the_contract_columns_and_dtypes(files: dict[str, Path]) -> None:
    records = read_records(
        deals=files["deals"],
        stages=files["stages"],
        activities=files["activities"],
        team=files["team"],
    )
    assert records.problems == ()
    assert records.dropped == {"deals": 0, "stages": 0, "activities": 0, "team": 0}
    for kind in Kind:
        table = getattr(records, kind.value)
        assert tuple(table.columns) == (*COLUMNS[kind], ROW)
        for column in table.columns:
            assert str(table[column].dtype) == DTYPES.get(column, "object"), (kind, column)


def test_deals_read_through_recognised_spellings(files: dict[str, Path]) -> None:
    deals = read_records(deals=files["deals"]).deals
    assert deals is not None
    assert deals.to_dict("list") == {
        "deal_id": ["A1", "A2", "A3"],
        "owner": ["Ivan Petrov", "Maria Lee", "Maria Lee"],
        "created": [pd.Timestamp(2026, 3, 1), pd.Timestamp(2026, 3, 2), pd.Timestamp(2026, 3, 3)],
        "closed": [pd.Timestamp(2026, 3, 20), pd.NaT, pd.Timestamp(2026, 3, 9)],
        "status": [Status.WON, Status.OPEN, Status.LOST],
        "stage": [None, "Negotiation", None],
        "value": [12000.50, 800.0, pytest.approx(np.nan, nan_ok=True)],
        "segment": ["Loans", "Cards", "Loans"],
        "channel": ["web", None, "cold"],
        "account": ["Acme", None, "Beta"],
        ROW: [2, 4, 5],  # the blank line is row 3
    }


def test_activities_kinds_counts_and_minutes(files: dict[str, Path]) -> None:
    activities = read_records(activities=files["activities"]).activities
    assert activities is not None
    assert list(activities["kind"]) == [
        ActivityKind.DIAL,
        ActivityKind.PROPOSAL,
        ActivityKind.BOOKING,
    ]
    assert list(activities["count"]) == [40.0, 1.0, 2.0]  # an empty count is one activity
    assert activities["minutes"].iloc[0] == 95.0 and activities["minutes"].isna().sum() == 2
    assert list(activities["outcome"]) == [None, "sent", None]


def test_team_levels_are_exact_names_in_any_case(files: dict[str, Path]) -> None:
    team = read_records(team=files["team"]).team
    assert team is not None
    assert list(team["level"]) == ["line", "line", "middle"]
    assert list(team["manager"]) == ["Olga Head", "Olga Head", None]
    assert list(team["days_away"].fillna(-1)) == [24.0, -1.0, 30.0]
    assert team["start"].iloc[2] == pd.Timestamp(2020, 1, 15)


def test_stage_history_maps_closing_stages_to_won_and_lost(files: dict[str, Path]) -> None:
    records = read_records(deals=files["deals"], stages=files["stages"])
    assert records.stages is not None
    assert list(records.stages["stage"]) == ["Negotiation", Status.WON]
    assert list(records.stages["entered"]) == [pd.Timestamp(2026, 3, 5), pd.Timestamp(2026, 3, 20)]


def test_the_users_column_mapping_wins_over_the_spellings() -> None:
    raw = _frame(
        "Number,Owner,Responsible,Opened,Phase\n7,Front Desk,Ivan Petrov,2026-03-01,Offer\n"
    )
    table, problems, left_out = normalise(
        Kind.DEALS,
        raw,
        source="deals.csv",
        columns={"owner": "responsible", "status": "Phase", "person": "Unused"},
    )
    assert problems == [] and left_out == 0 and table is not None
    assert list(table["owner"]) == ["Ivan Petrov"]
    assert list(table["deal_id"]) == ["7"]
    assert list(table["stage"]) == ["Offer"]
    assert table.attrs["columns"]["owner"] == "Responsible"


def test_stage_mapping_onto_the_scenarios_stages() -> None:
    raw = _frame(
        "id,owner,created,closed,stage\n"
        "1,A,2026-03-01,,Demo done\n"
        "2,A,2026-03-01,2026-03-04,Signed\n"
        "3,A,2026-03-01,,PROPOSAL\n"
        "4,A,2026-03-01,2026-03-04,Closed Lost\n"
    )
    table, problems, _ = normalise(
        Kind.DEALS,
        raw,
        source="deals.csv",
        stage_map={"demo done": "meeting", "Signed": "won"},
        known_stages=["meeting", "proposal"],
    )
    assert problems == [] and table is not None
    assert list(table["status"]) == [Status.OPEN, Status.WON, Status.OPEN, Status.LOST]
    assert list(table["stage"]) == ["meeting", None, "proposal", None]


@pytest.mark.parametrize(
    ("cells", "order", "expected"),
    [
        (["2026-03-01", "2026-03-02T09:30:00"], None, [(2026, 3, 1), (2026, 3, 2)]),
        (["2026-03-01 00:00:00", "46085"], None, [(2026, 3, 1), (2026, 3, 4)]),
        (["01.03.2026", "02.03.26"], None, [(2026, 3, 1), (2026, 3, 2)]),  # dots: d.m.Y
        (["01.03.2026"], "mdy", [(2026, 3, 1)]),  # dots stay day-first
        (["03/01/2026", "25/01/2026"], None, [(2026, 1, 3), (2026, 1, 25)]),  # 25 proves dmy
        (["03/01/2026", "01/25/2026"], None, [(2026, 3, 1), (2026, 1, 25)]),  # 25 proves mdy
        (["03/01/2026", "04/02/2026"], "dmy", [(2026, 1, 3), (2026, 2, 4)]),
        (["03/01/2026", "04/02/2026"], "mdy", [(2026, 3, 1), (2026, 4, 2)]),
        (["3/1/2026 14:05", ""], "mdy", [(2026, 3, 1), None]),
    ],
)
def test_dates_in_each_form_and_order(
    cells: list[str], order: str | None, expected: list[tuple[int, int, int] | None]
) -> None:
    values = pd.Series(cells, dtype=object)
    rows = np.arange(2, 2 + len(cells))
    parsed, problems = parse_dates(
        values,
        rows=rows,
        column="Created",
        source="f.csv",
        order=order,  # type: ignore[arg-type]
    )
    # Slash dates whose order a value decided say so in a note (issue 10), nothing else.
    decided = order is None and any("/" in c for c in cells)
    assert [p.note for p in problems] == ([True] if decided else [])
    want = [pd.NaT if e is None else pd.Timestamp(*e) for e in expected]
    assert list(parsed) == want


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12 000,50", 12000.50),
        ("12,000.50", 12000.50),
        ("12.000,50", 12000.50),
        ("$1,200", 1200.0),
        ("1 200 ₽", 1200.0),
        ("1\u00a0200 руб.", 1200.0),
        ("12,5", 12.5),
        ("1.200.000", 1200000.0),
        ("-300", -300.0),
        ("€ 99.90", 99.90),
    ],
)
def test_numbers_as_people_write_them(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["twelve", "", "n/a", "12abc34"])
def test_what_is_not_a_number(text: str) -> None:
    assert np.isnan(parse_number(text))


def test_people_spelled_alike_share_a_key() -> None:
    assert person_key("Ivan  Petrov") == person_key("petrov ivan") == person_key("Ivan Petrov.")
    assert person_key("Пётр Смирнов") == person_key("петр смирнов")
    assert person_key("Ivan Petrov") != person_key("Ivan Petrova")


def test_parse_mapping_splits_at_the_first_equals_sign() -> None:
    assert parse_mapping(["owner=Responsible", " stage = Deal=Stage "], option="--column") == {
        "owner": "Responsible",
        "stage": "Deal=Stage",
    }


_FORM = "expected --column 'name teamsim reads=file column' with both sides given"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("owner", f"--column 'owner': {_FORM}, e.g. --column owner=Responsible"),
        ("=Responsible", f"--column '=Responsible': {_FORM}"),
        ("owner=", f"--column 'owner=': {_FORM}"),
    ],
)
def test_a_bad_mapping_item_names_the_option_and_item(item: str, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping([item], option="--column")
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TeamsimError)


def test_a_name_mapped_twice_is_refused() -> None:
    with pytest.raises(MappingError, match="'owner' is already mapped to 'A'"):
        parse_mapping(["owner=A", "owner=B"], option="--column")


def test_mapping_files_in_yaml_and_csv(tmp_path: Path) -> None:
    yaml = _write(tmp_path, "m.yaml", "owner: Responsible\nstatus: Phase\n")
    csv = _write(tmp_path, "m.csv", "crm,scenario\nClosed Won,won\nDemo; done,meeting\n")
    assert read_mapping_file(yaml) == {"owner": "Responsible", "status": "Phase"}
    assert read_mapping_file(csv) == {"Closed Won": "won", "Demo; done": "meeting"}
    bad = _write(tmp_path, "bad.csv", "Closed Won\n")
    with pytest.raises(MappingError, match="row 1: expected two values, found 1"):
        read_mapping_file(bad)


def test_an_unknown_canonical_column_is_a_mapping_error(files: dict[str, Path]) -> None:
    with pytest.raises(
        MappingError, match="'ownr' is not a column teamsim reads; did you mean 'owner'\\? "
    ):
        read_records(deals=files["deals"], columns={"ownr": "Responsible"})


def test_a_utf16_tab_separated_export(tmp_path: Path) -> None:
    text = "Person\tDate\tKind\nIvan Petrov\t2026-03-02\tcall\n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-16"))
    raw, problems = read_raw(path)
    assert problems == [] and list(raw.columns) == ["Person", "Date", "Kind"]
    assert raw.iloc[0].tolist() == ["Ivan Petrov", "2026-03-02", "call"]


def test_one_spelling_per_person_without_a_team_file(tmp_path: Path) -> None:
    deals = _write(
        tmp_path,
        "deals.csv",
        "id,owner,created,stage\n1,Ivan Petrov,2026-03-01,x\n2,ivan petrov,2026-03-01,x\n"
        "3,Ivan Petrov,2026-03-01,x\n",
    )
    activities = _write(tmp_path, "acts.csv", "person,date,kind\nIVAN PETROV,2026-03-01,call\n")
    records = read_records(deals=deals, activities=activities)
    assert records.deals is not None and records.activities is not None
    assert set(records.deals["owner"]) == {"Ivan Petrov"}
    assert set(records.activities["person"]) == {"Ivan Petrov"}
    assert len(records.problems) == 2 and not any(p.fatal for p in records.problems)
    assert dt.date(2026, 3, 1) == records.deals["created"].iloc[0].date()
