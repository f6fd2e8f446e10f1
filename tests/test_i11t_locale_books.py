"""Issue 11 (trial): a ru_RU scenario's workbooks write months and money as its terminal.

The terminal said "март 2027 г." and "млн ₽"; the workbooks "March 2027" and
'#,##0 "RUB"'. A scenario that names no locale keeps English names and the ISO code.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from sim import month_title
from teamsim.cli import app
from teamsim.export import money_format, workbook_locale, write_workbook
from teamsim.io import load_scenario

BANK = "scenarios/retail_bank.yaml"


def _months() -> dict[str, pd.DataFrame]:
    return {
        "attainment_by_month": pd.DataFrame(
            {
                "month": [0, 1],
                "month_name": ["March 2027", "April 2027"],
                "revenue": [1_500_000.0, 2_000_000.0],
            }
        )
    }


def test_a_named_locale_writes_its_month_names_and_symbol(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "m.xlsx", _months(), currency="RUB", locale="ru_RU")
    sheet = openpyxl.load_workbook(path)["attainment_by_month"]
    assert [c.value for c in sheet["A"][1:]] == [
        month_title("2027-03", "ru_RU", wide=True),
        month_title("2027-04", "ru_RU", wide=True),
    ]
    assert sheet["A2"].value.startswith("март 2027")
    assert sheet["B2"].number_format == '#,##0 "₽"'


def test_without_a_locale_english_and_the_code(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "m.xlsx", _months(), currency="RUB")
    sheet = openpyxl.load_workbook(path)["attainment_by_month"]
    assert [c.value for c in sheet["A"][1:]] == ["March 2027", "April 2027"]
    assert sheet["B2"].number_format == '#,##0 "RUB"'


def test_the_symbol_stands_where_the_locale_puts_it() -> None:
    assert money_format("RUB", "ru_RU") == '#,##0 "₽"'
    assert money_format("USD", "en_US") == '"$"#,##0'
    assert money_format("RUB", "en_US") == '"RUB "#,##0'
    assert money_format("EUR") == '#,##0 "EUR"'


def test_one_named_locale_or_none() -> None:
    ru = load_scenario(BANK, ["locale=ru_RU"])
    plain = load_scenario(BANK)
    assert workbook_locale([ru, ru]) == "ru_RU"
    assert workbook_locale([ru, plain]) is None
    assert workbook_locale([plain]) is None and workbook_locale([None]) is None


def test_compare_excel_of_a_ru_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "ru.yaml"
    text = Path(BANK).read_text(encoding="utf-8")
    scenario.write_text(text.replace("\ncurrency:", "\nlocale: ru_RU\ncurrency:", 1))
    assert "locale: ru_RU" in scenario.read_text(encoding="utf-8")
    book = tmp_path / "c.xlsx"
    args = ["compare", str(scenario), str(scenario), "--excel", str(book), "--no-save"]
    args += ["-n", "2", "--workers", "1", "--set", "calendar.horizon_days=60"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    sheets = openpyxl.load_workbook(book)
    months = [c.value for c in sheets["attainment_by_month"]["B"][1:]]
    assert months and all(str(m).endswith("2027\u00a0г.") for m in months), months
    formats = {c.number_format for row in sheets["team"].iter_rows() for c in row}
    assert '#,##0 "₽"' in formats and '#,##0 "RUB"' not in formats


def test_the_hiring_workbook_writes_money_in_the_named_locale(tmp_path: Path) -> None:
    # The hiring plan's --excel (teamsim/commands/hiring.py) follows the same rule.
    book = tmp_path / "h.xlsx"
    args = ["plan", BANK, "--hiring", "--set", "locale=ru_RU", "--set", "calendar.horizon_days=120"]
    args += ["--set", "roles.client_manager.headcount.current=6", "--no-save", "--excel", str(book)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    formats = {
        c.number_format
        for sheet in openpyxl.load_workbook(book).worksheets
        for row in sheet.iter_rows()
        for c in row
    }
    assert '#,##0 "₽"' in formats and '#,##0 "RUB"' not in formats


def test_the_dashboards_download_takes_the_locale() -> None:
    # dashboard/exports.workbook_bytes: the pages' downloads (hiring, runs, compare).
    import io

    from dashboard.exports import workbook_bytes

    data = workbook_bytes(_months(), {"what": "test"}, currency="RUB", locale="ru_RU")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["attainment_by_month"]
    assert str(sheet["A2"].value).startswith("март 2027")
    assert sheet["B2"].number_format == '#,##0 "₽"'
    plain = workbook_bytes(_months(), {"what": "test"}, currency="RUB")
    sheet = openpyxl.load_workbook(io.BytesIO(plain))["attainment_by_month"]
    assert sheet["A2"].value == "March 2027" and sheet["B2"].number_format == '#,##0 "RUB"'
