"""One "none" in every day column of the exports (issue 11, fresh-user trial d).

Exports said "none" in two ways: -1 in ``closed_day``, ``close_month``, ``started_day``,
``joined_day`` and ``left_day``, an empty cell in ``tenure_from``; and an open deal's
``close_month`` -1 got the month name of the month before the horizon. Now every such
column says "none" with an empty cell (teamsim.export.none_days), and so does the date or
month name beside it; the columns stay whole numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sim import UNDATED_TENURE, simulate
from sim.scenario.loader import parse_scenario
from teamsim.export import NONE_DAYS, exported, none_days, write_tables, write_workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bank() -> tuple[object, dict[str, pd.DataFrame]]:
    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
    sc = parse_scenario(text, "retail_bank.yaml", ["calendar.horizon_days=120"])
    return sc, simulate(sc, 1, 3, workers=1).tables()


def test_every_none_day_is_an_empty_cell_and_its_date_too(bank) -> None:
    sc, tables = bank
    raw = {n: t for n, t in tables.items() if set(NONE_DAYS) & set(t.columns)}
    # The simulator's "none" is in the tables this checks: open deals, people who
    # neither join nor leave, undated spells.
    assert (raw["deals"]["closed_day"] == -1).any()
    assert (raw["people"]["joined_day"] == -1).all()
    assert (raw["spells"]["tenure_from"] == UNDATED_TENURE).any()
    for name, frame in raw.items():
        got = exported(frame, sc)
        for column, none in NONE_DAYS.items():
            if column not in frame.columns:
                continue
            said = frame[column] == none
            assert got[column].isna().tolist() == said.tolist(), (name, column)
            assert str(got[column].dtype) == "Int64"  # 12, not 12.0
            assert got.loc[~said.to_numpy(), column].tolist() == frame.loc[~said, column].tolist()
    deals = exported(raw["deals"], sc)
    open_ = deals["closed_day"].isna()
    # The date and month name of an open deal are empty (close_month -1 was named
    # after the month before the horizon); a closed deal's are its own.
    assert deals.loc[open_, ["closed_date", "close_month_name"]].isna().all().all()
    assert deals.loc[~open_, ["closed_date", "close_month_name"]].notna().all().all()


def test_csv_and_excel_write_none_as_an_empty_cell(bank, tmp_path: Path) -> None:
    sc, tables = bank
    deals = exported(tables["deals"], sc)
    [path] = write_tables({"deals": deals}, tmp_path, formats=("csv",))
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["closed_day"] for r in rows if r["outcome"] == "open"} == {""}
    assert all(r["closed_day"].lstrip("-").isdigit() for r in rows if r["outcome"] == "won")
    book = tmp_path / "deals.xlsx"
    write_workbook(book, {"deals": deals}, {})
    sheet = openpyxl.load_workbook(book)["deals"]
    header = [c.value for c in sheet[1]]
    column = header.index("closed_day")
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    outcomes = [
        row[header.index("outcome")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert {v for v, o in zip(values, outcomes, strict=True) if o == "open"} == {None}
    assert all(isinstance(v, int) for v, o in zip(values, outcomes, strict=True) if o == "won")


def test_none_days_leaves_other_tables_alone() -> None:
    frame = pd.DataFrame({"day": [0, -1], "wait_min": [1.0, 2.0]})
    assert none_days(frame) is frame
