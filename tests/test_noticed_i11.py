"""Issue 11, things a head noticed: the dashboard's workbooks in the run's currency, titles
that read naturally mid-sentence, diagnoses that wrap under their own text, one home for
the choice of executor, and a workbook written as fast as it can be, unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from dashboard import exports
from sim import in_sentence
from teamsim.cli import app
from teamsim.commands.new import starter_text
from teamsim.compare import compare, side_from_result
from teamsim.executors import make_executor
from teamsim.export import workbook_currency, write_workbook
from teamsim.io import load_scenario
from teamsim.store import Store

ROOT = Path(__file__).resolve().parents[1]
# A short GBP run: the bundled support desk, two days and one replication (every sheet
# of a detailed run, with few rows: the test compares the formats of every cell).
SHORT = (
    "--set", "calendar.horizon_days=2", "--set", "calendar.warmup_days=0",
    "-n", "1", "--workers", "1",
)  # fmt: skip


def _cli(*args: str, columns: int = 80) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str]:
    """A store holding one short run of the support desk (GBP), with its raw tables."""
    path = tmp_path_factory.mktemp("store") / "runs.duckdb"
    scenario = str(ROOT / "scenarios" / "support_desk.yaml")
    code, text = _cli("simulate", scenario, *SHORT, "--detail", "--store", str(path))
    assert code == 0, text
    store = Store(path)
    return store, str(store.list_runs()["run_id"].iloc[0])


def _formats(book: openpyxl.Workbook) -> dict[str, list[list[Any]]]:
    """Every sheet's (value, number format) cells, row by row."""
    return {
        ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
        for ws in book.worksheets
    }


def _money_cells(book: openpyxl.Workbook, sheet: str) -> list[str]:
    """The number formats of the 'mean' cells of a sheet's rows in GBP."""
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    unit, mean = header.index("unit"), header.index("mean")
    return [row[mean].number_format for row in ws.iter_rows(min_row=2) if row[unit].value == "GBP"]


# 1. The dashboard's workbooks carry the currency the CLI's export names.


def test_the_dashboard_run_workbook_is_the_cli_export_in_the_runs_currency(
    stored: tuple[Store, str], tmp_path: Path
) -> None:
    store, run_id = stored
    dashboard_book = openpyxl.load_workbook(
        io.BytesIO(exports.run_workbook_bytes(store, run_id, {"run_id": run_id}))
    )
    money = _money_cells(dashboard_book, "kpis")
    assert money and set(money) == {'#,##0 "GBP"'}  # before: General, no currency
    code, text = _cli(
        "runs", "export", run_id, "--to", str(tmp_path), "--format", "xlsx", "--detail",
        "--store", str(store.path),
    )  # fmt: skip
    assert code == 0, text
    cli_book = openpyxl.load_workbook(tmp_path / run_id / f"{run_id}.xlsx")
    assert dashboard_book.sheetnames == cli_book.sheetnames
    dash, cli = _formats(dashboard_book), _formats(cli_book)
    for sheet in cli_book.sheetnames[1:]:  # the 'about' sheets say different things
        assert dash[sheet] == cli[sheet], sheet


def test_the_dashboard_comparison_workbook_formats_money_in_the_sides_currency() -> None:
    scenario = load_scenario(
        ROOT / "scenarios" / "b2b_smb.yaml", ["calendar.horizon_days=45", "calendar.warmup_days=5"]
    )
    a = sim.simulate(scenario, 2, seed=1, workers=1)
    b = sim.simulate(scenario, 2, seed=2, workers=1)
    result = compare([side_from_result("a", a), side_from_result("b", b)])
    book = openpyxl.load_workbook(io.BytesIO(exports.comparison_workbook_bytes(result, {})))
    about = {r[0].value: r[1].value for r in book["about"].iter_rows(min_row=2)}
    assert about["currency"] == "USD: every amount of money in this workbook"
    ws = book["comparison"]
    header = [c.value for c in ws[1]]
    money = [
        r[header.index("a")].number_format
        for r in ws.iter_rows(min_row=2)
        if r[header.index("unit")].value == "USD"
    ]
    assert money and set(money) == {'#,##0 "USD"'}  # before: General


def test_a_workbooks_currency_is_its_scenarios_one_currency_or_none() -> None:
    gbp = load_scenario(ROOT / "scenarios" / "support_desk.yaml")
    usd = load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")
    assert workbook_currency([gbp, gbp]) == "GBP"
    assert workbook_currency([gbp, usd]) is None  # no amount is in both
    assert workbook_currency([gbp, None]) is None  # a run whose scenario no longer loads
    assert workbook_currency([]) is None


# 2. Names mid-sentence.


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Team lead", "team lead"),
        ("Client referrals", "client referrals"),
        ("Sales manager 3", "sales manager 3"),
        ("Head of Sales", "Head of Sales"),  # capitals the user wrote: a name as written
        ("CEO", "CEO"),
        ("KAM team", "KAM team"),
        ("team lead", "team lead"),
        ("", ""),
    ],
)
def test_a_title_in_a_sentence(title: str, said: str) -> None:
    assert in_sentence(title) == said


def test_the_plans_limits_name_a_pool_in_quotes_and_a_role_in_lower_case(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(starter_text(name="North team", currency="EUR"), encoding="utf-8")
    six = ("--set", "roles.seller.headcount={current: 6, min: 3, max: 10}")
    code, text = _cli("plan", str(team), *six, columns=200)
    assert code == 0, text
    assert '│ the warm pool "Client referrals" is used up ' in text
    assert "warm pool Client referrals" not in text
    # A title mid-sentence in any limit or diagnosis would read "of Sales manager".
    assert not re.search(r"(of|at the|by|another|second) (Sales manager|Team lead|Head of)", text)


# 4. The executor: sim chooses, teamsim reads the choice.


def test_the_local_executor_is_sims_choice() -> None:
    with make_executor("local", workers=1) as one:
        assert isinstance(one, sim.InlineExecutor)
    with make_executor("local", workers=2) as two:
        assert isinstance(two, sim.ProcessExecutor) and two.workers == 2
    assert isinstance(sim.local_executor(1), sim.InlineExecutor)
    assert isinstance(sim.local_executor(None), sim.ProcessExecutor)
    # One home for the rule: teamsim names neither executor class.
    text = (ROOT / "teamsim" / "executors.py").read_text()
    assert "InlineExecutor" not in text and "ProcessExecutor" not in text


# 3. Diagnoses wrap under their own text.

B2B_SHORT = (
    str(ROOT / "scenarios" / "b2b_smb.yaml"),
    "-n", "2", "--workers", "1", "--no-save", "--seed", "5",
    "--set", "calendar.horizon_days=45", "--set", "calendar.warmup_days=5",
)  # fmt: skip


def _items(block: list[str]) -> list[str]:
    """The findings of a printed list: each item's lines joined, as one sentence."""
    items: list[str] = []
    for line in block:
        if line.startswith("  - "):
            items.append(line[4:].strip())
        else:
            assert re.match(r"^    \S", line), f"a continuation at the margin: {line!r}"
            items[-1] += " " + line.strip()
    return items


def test_simulate_hangs_a_diagnosis_under_its_text_at_80_columns() -> None:
    code, text = _cli("simulate", *B2B_SHORT, columns=80)
    assert code == 0, text
    lines = text.splitlines()
    start = lines.index(next(x for x in lines if x.rstrip() == "Diagnoses")) + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        block.append(line)
    assert len(block) > 4  # long findings, wrapped: the case that went wrong
    assert all(len(x.rstrip()) <= 80 for x in block)
    ran = CliRunner().invoke(app, ["simulate", *B2B_SHORT, "--json"], env={"COLUMNS": "80"})
    assert ran.exit_code == 0, ran.output
    found = json.loads(ran.stdout)["diagnoses"]
    # Joined back, the lines are the findings word for word: no word cut or lost.
    assert _items(block) == [f"{d['cause']}; {d['remedy']}" for d in found]


def test_a_long_word_and_brackets_in_a_diagnosis_are_kept_as_written() -> None:
    from rich.console import Console

    from sim import Diagnosis
    from teamsim.diagnose_view import render_diagnoses

    console = Console(width=40, record=True, color_system=None)
    finding = Diagnosis("a [bold] cause " + "word " * 12, "change roles.team_lead.headcount")
    console.print(render_diagnoses((finding,)))
    lines = console.export_text().splitlines()
    assert lines[0].rstrip() == "Diagnoses"
    assert _items(lines[1:]) == [finding.line.replace("  ", " ").strip()]


# 5. The workbook, written in openpyxl's write-only mode, holds what it held.

TINY = {
    # A KPI table: money and shares by the row's unit; "n" and text stay General.
    "kpis": pd.DataFrame(
        {
            "kpi": ["revenue_per_month", "utilisation_line", "calls_per_day", "empty"],
            "unit": ["currency", "share", "calls", "currency"],
            "mean": [150_000.5, 0.8125, 31.0, math.nan],
            "n": [20, 20, 20, 0],
        }
    ),
    # A raw table: dates, times, a missing date, text, ints, bools, infinities.
    "deals": pd.DataFrame(
        {
            "deal": ["d1", "d2", "d3"],
            "created_date": [dt.date(2027, 3, 1), dt.date(2027, 3, 2), None],
            "closed_at": [
                pd.Timestamp("2027-03-05 10:30"),
                pd.NaT,
                pd.Timestamp("2027-03-09 17:00"),
            ],
            "value": [1_000.0, math.inf, -math.inf],
            "won": [True, False, True],
            "cycle_min": [10, 20, 30],
            "revenue": [500.0, math.nan, 0.0],  # money by the column's name
        }
    ),
}


def _cells(book: openpyxl.Workbook, sheet: str) -> list[list[tuple[Any, str]]]:
    rows = book[sheet].iter_rows()
    return [[(c.value, c.number_format) for c in row] for row in rows]


def test_a_tiny_workbook_has_the_values_and_number_formats_it_always_had(
    tmp_path: Path,
) -> None:
    path = write_workbook(tmp_path / "tiny.xlsx", TINY, {"run": "r1"}, currency="EUR")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["about", "kpis", "deals"]
    money, share = '#,##0 "EUR"', "0.0%"
    assert _cells(book, "about") == [
        [("item", "General"), ("value", "General")],
        [("run", "General"), ("r1", "General")],
        [("currency", "General"), ("EUR: every amount of money in this workbook", "General")],
    ]
    assert _cells(book, "kpis") == [
        [("kpi", "General"), ("unit", "General"), ("mean", "General"), ("n", "General")],
        [("revenue_per_month", "General"), ("EUR", "General"), (150000.5, money), (20, "General")],
        [("utilisation_line", "General"), ("share", "General"), (0.8125, share), (20, "General")],
        [("calls_per_day", "General"), ("calls", "General"), (31, "General"), (20, "General")],
        [("empty", "General"), ("EUR", "General"), (None, money), (0, "General")],
    ]
    day, stamp = "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"
    assert _cells(book, "deals")[1:] == [
        [("d1", "General"), (dt.datetime(2027, 3, 1), day),
         (dt.datetime(2027, 3, 5, 10, 30), stamp),
         (1000, "General"), (True, "General"), (10, "General"), (500, money)],
        [("d2", "General"), (dt.datetime(2027, 3, 2), day), (None, "General"), ("inf", "General"),
         (False, "General"), (20, "General"), (None, money)],
        [("d3", "General"), (None, "General"), (dt.datetime(2027, 3, 9, 17), stamp),
         ("-inf", "General"), (True, "General"), (30, "General"), (0, money)],
    ]  # fmt: skip
    for ws in book.worksheets:  # a bold, boxed, centred header; the top row frozen
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:
            assert cell.font.b and cell.border.left.style == "thin"
            assert cell.alignment.horizontal == "center"
    assert book["deals"].column_dimensions["B"].width == 14  # "created_date" + 2


def test_the_values_are_the_ones_pandas_writes(tmp_path: Path) -> None:
    """pandas' own ``to_excel`` is the reference for how each kind of value is written."""
    path = write_workbook(tmp_path / "ours.xlsx", {"deals": TINY["deals"]})
    reference = tmp_path / "pandas.xlsx"
    TINY["deals"].to_excel(reference, sheet_name="deals", index=False)
    ours = _cells(openpyxl.load_workbook(path), "deals")
    theirs = _cells(openpyxl.load_workbook(reference), "deals")
    assert ours == theirs
