"""Issue 11 (trial e): the Excel plan card writes counts by the CLI's rule (three
significant digits a cell: 0.0385 reads 0.04, not 0.0)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from optimizer import plan, plan_card
from teamsim.export import count_format, write_workbook
from teamsim.format import fmt_count
from teamsim.io import load_scenario
from teamsim.plan_card_view import plan_card_frame

ROOT = Path(__file__).resolve().parent.parent


def test_count_format_follows_count_digits() -> None:
    assert count_format(0.0385) == "#,##0.00"
    assert count_format(48.35) == "#,##0.0"
    assert count_format(2315.2) == "#,##0"
    assert count_format(0.0) == "#,##0"


def test_the_plan_card_sheet_shows_each_count_as_the_cli_does(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    path = tmp_path / "card.xlsx"
    write_workbook(path, {"plan_card": plan_card_frame(card)}, {}, currency="RUB")
    rows = list(load_workbook(path)["plan_card"].iter_rows())
    heads = [str(c.value) for c in rows[0]]
    checked = 0
    for row in rows[1:]:
        cells = dict(zip(heads, row, strict=True))
        if cells["unit"].value != "count":
            continue
        for column in ("per_month", "per_person_day", "per_person_week"):
            cell = cells[column]
            if not isinstance(cell.value, float):
                continue
            digits = cell.number_format.partition(".")[2].count("0")
            # The cell as Excel shows it is the CLI's text: 0.04, not 0.0.
            assert f"{round(cell.value, digits):,.{digits}f}" == fmt_count(cell.value), (
                column, cell.value, cell.number_format)  # fmt: skip
            checked += 1
    assert checked > 20
