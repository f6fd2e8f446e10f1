"""Issue 11 (trial): every workbook's sheet names are unique and clean.

Two sides of one scenario share the first 31 characters of their labels; the compare
workbook held one 'replications' sheet with the second side's rows only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from teamsim.compare import Side, compare, comparison_sheets
from teamsim.export import sheet_name, write_workbook
from teamsim.io import load_scenario

_LABEL = "B2B inside sales, small and medium companies"


def _side(run: str, met: list[float]) -> Side:
    frame = pd.DataFrame({"replication": np.arange(len(met)), "plan_met": met})
    return Side(f"{_LABEL} [{run}]", load_scenario("scenarios/b2b_smb.yaml"), 7, frame)


def test_two_sides_of_one_scenario_keep_both_sides_replications(tmp_path: Path) -> None:
    a = _side("r20261202-002358", [1.0, 0.0, 1.0])
    b = _side("r20261202-002329", [0.0, 0.0, 0.0, 1.0])
    path = write_workbook(tmp_path / "c.xlsx", comparison_sheets(compare([a, b])))
    book = openpyxl.load_workbook(path)
    replications = [n for n in book.sheetnames if n.startswith("replications")]
    assert replications == ["replications A B2B inside sales", "replications B B2B inside sales"]
    rows = {name: [r for r in book[name].iter_rows(values_only=True)][1:] for name in replications}
    # Each sheet holds its own side's rows, named in full in its first column.
    assert [r[0] for r in rows[replications[0]]] == [a.label] * 3
    assert [r[2] for r in rows[replications[0]]] == [1.0, 0.0, 1.0]
    assert [r[0] for r in rows[replications[1]]] == [b.label] * 4
    assert [r[2] for r in rows[replications[1]]] == [0.0, 0.0, 0.0, 1.0]


def test_sheet_names_are_cut_cleaned_and_made_unique() -> None:
    assert sheet_name("replications B2B inside sales, small") == "replications B2B inside sales"
    assert sheet_name("a/b: c*d?[e]\\f") == "a b c d e f"
    assert sheet_name("x" * 40) == "x" * 31
    taken = ["replications B2B inside sales"]
    assert sheet_name("replications B2B inside sales, small", taken) == (
        "replications B2B inside sal (2)"
    )
    # Excel compares names without case.
    assert sheet_name("About", ["about"]) == "About (2)"
    assert sheet_name("about", ["about", "about (2)"]) == "about (3)"
    assert sheet_name("...") == "sheet"


def test_a_workbook_of_tables_whose_names_collide_keeps_every_table(tmp_path: Path) -> None:
    tables = {
        "attainment by unit, first half of a long name": pd.DataFrame({"v": [1]}),
        "attainment by unit, first half of a long name 2": pd.DataFrame({"v": [2]}),
    }
    book = openpyxl.load_workbook(write_workbook(tmp_path / "t.xlsx", tables))
    assert book.sheetnames == [
        "attainment by unit, first half",
        "attainment by unit, first h (2)",
    ]
    values = [[r[0] for r in book[n].iter_rows(values_only=True)][1] for n in book.sheetnames]
    assert values == [1, 2]


def test_a_table_with_no_rows_is_left_out_and_named_in_about(tmp_path: Path) -> None:
    # A verify run's attainment_by_unit had no rows: it was an empty 1x1 sheet.
    tables = {
        "kpis": pd.DataFrame({"kpi": ["plan_met"], "mean": [0.9]}),
        "attainment_by_unit": pd.DataFrame(),
        "plan_met": pd.DataFrame(columns=["kpi", "mean"]),
    }
    seen: list[tuple[int, str]] = []
    path = write_workbook(
        tmp_path / "e.xlsx", tables, progress=lambda k, name: seen.append((k, name))
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["about", "kpis"]
    about = dict(r for r in book["about"].iter_rows(values_only=True))
    assert about["left out (no rows)"] == "attainment_by_unit, plan_met"
    # The progress bar still counts every table.
    assert seen == [(1, "kpis"), (2, "attainment_by_unit"), (3, "plan_met")]
