"""Exports and differences a head reads at face value (issue 11).

The workbook of a verified plan formats each plan card row by its unit, gives no
percentiles for yes/no outcomes and names roles by title; a comparison's differences of
shares are in percentage points, in the workbook as in the terminal; a difference that
rounds to zero has no sign; the verify loop's reason writes P(plan met) as the view does.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.commands.new import starter_text
from teamsim.compare import Side, compare, comparison_sheets
from teamsim.export import count_format, write_workbook
from teamsim.format import fmt_points, fmt_value
from teamsim.io import load_scenario
from teamsim.store import Store

runner = CliRunner()
SHORT = ["--set", "calendar.horizon_days=60", "--set", "calendar.warmup_days=5"]


def at(store: Path) -> list[str]:
    return ["--store", str(store)]


def _sheet(path: Path, name: str) -> list[dict[str, tuple[object, str]]]:
    """A sheet's rows: header -> (value, number format)."""
    rows = list(load_workbook(path)[name].iter_rows())
    heads = [str(c.value) for c in rows[0]]
    return [
        {h: (c.value, c.number_format) for h, c in zip(heads, row, strict=True)}
        for row in rows[1:]
        if any(c.value is not None for c in row)
    ]


def test_a_verified_plans_workbook_reads_by_row_unit_and_title(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(starter_text(name="North team", currency="EUR"), encoding="utf-8")
    store = tmp_path / "runs.duckdb"
    env = {"COLUMNS": "80"}
    made = runner.invoke(
        app,
        ["plan", str(team), "--verify", "-n", "4", "--workers", "1", *SHORT, *at(store)],
        env=env,
    )
    assert made.exit_code == 0, made.output
    # The loop's reason writes P(plan met) as the view beside it: "80.0 %", not "80%".
    reason = re.search(r"plan (NOT )?verified: P\(plan met\) (\S+ %) \(95 % interval", made.output)
    assert reason, made.output
    shown = re.search(r"P\(plan met\): (\d+\.\d %) \(95 % interval", made.output)
    assert shown and shown.group(1) == reason.group(2), made.output
    run_id = Store(store).list_runs()["run_id"].iloc[0]
    out = runner.invoke(
        app,
        ["runs", "export", run_id, "--to", str(tmp_path), "--format", "xlsx", *at(store)],
        env=env,
    )
    assert out.exit_code == 0, out.output
    book = tmp_path / run_id / f"{run_id}.xlsx"
    money = '#,##0 "EUR"'

    card = _sheet(book, "plan_card")
    plan = next(r for r in card if r["step"][0] == "plan")
    assert plan["unit"][0] == "EUR" and plan["per_month"][1] == money
    revenue = [r for r in card if r["step"][0] == "revenue"]
    assert revenue and all(r["per_month"][1] == money for r in revenue)
    assert all(r["per_person_day"][1] == money for r in revenue)
    dials = [r for r in card if r["step"][0] == "dials"]
    assert dials and all(r["unit"][0] == "count" for r in dials)
    # Counts by the CLI's rule, three significant digits a cell (issue 11, trial e).
    assert all(r["per_month"][1] == count_format(r["per_month"][0]) for r in dials)
    # A yes/no column is TRUE/FALSE, never money.
    assert {r["target"][0] for r in card} == {True, False}
    assert all(r["target"][1] == "General" for r in card)

    kpis = {r["kpi"][0]: r for r in _sheet(book, "kpis")}
    for chance in ("plan_met", "month_met", "every_month_met"):
        row = kpis[chance]
        assert [row[p][0] for p in ("p10", "p50", "p90")] == [None, None, None], chance
        assert row["mean"][0] is not None and row["ci_low"][0] is not None
    assert kpis["attainment"]["p50"][0] is not None  # a measure keeps its percentiles

    iterations = _sheet(book, "iterations")
    for row in iterations:
        for column in ("capacity_factor", "days_held"):
            text = str(row[column][0])
            assert re.search(r"Sales manager \d\.\d\d", text), text
            assert "seller" not in text and "team_lead" not in text, text


def _side(label: str, scenario_path: str, met: list[float], wait: list[float]) -> Side:
    n = len(met)
    frame = pd.DataFrame(
        {
            "replication": np.arange(n),
            "plan_met": met,
            "approval_wait_min": wait,
        }
    )
    return Side(label, load_scenario(scenario_path), 7, frame)


def test_a_comparisons_workbook_writes_share_differences_in_points(tmp_path: Path) -> None:
    # P(plan met) 0.5 -> 0.6 over ten replications: +10.0 points, not "10.0 %".
    base = _side("A", "scenarios/retail_bank.yaml", [1.0] * 5 + [0.0] * 5, [60.0] * 10)
    other = _side("B", "scenarios/retail_bank.yaml", [1.0] * 6 + [0.0] * 4, [61.0] * 10)
    result = compare([base, other])
    path = write_workbook(tmp_path / "c.xlsx", comparison_sheets(result), currency="RUB")
    rows = {r["kpi"][0]: r for r in _sheet(path, "comparison")}
    met = rows["plan_met"]
    assert met["difference_unit"][0] == "points"
    assert math.isclose(float(str(met["B - A"][0])), 10.0)
    assert met["B - A"][1] == '0.0 "pp"'
    assert met["B - A CI low"][1] == '0.0 "pp"' and met["B - A CI high"][1] == '0.0 "pp"'
    assert float(str(met["B - A CI low"][0])) < 0 < float(str(met["B - A CI high"][0]))
    # The sides' own values stay shares, as percentages.
    assert met["A"] == (0.5, "0.0%") and met["B"] == (0.6, "0.0%")
    # A difference in minutes stays minutes, unformatted as a share.
    wait = rows["approval_wait_min"]
    assert wait["difference_unit"][0] == "min" and math.isclose(float(str(wait["B - A"][0])), 1)
    assert wait["B - A"][1] == "General"


def test_a_difference_that_rounds_to_zero_has_no_sign() -> None:
    assert fmt_value(-0.04, "min", "RUB", signed=True) == "0.0 min"
    assert fmt_value(0.04, "min", "RUB", signed=True) == "0.0 min"
    assert fmt_value(-0.06, "min", "RUB", signed=True) == "-0.1 min"
    assert fmt_value(0.06, "days", "RUB", signed=True) == "+0.1 days"
    assert fmt_value(-0.0004, "share", "RUB", signed=True) == "0.0 %"
    assert fmt_value(-0.04, "", "RUB", signed=True) == "0.0"
    assert fmt_value(-1234.56, "min", "RUB", signed=True) == "-1,234.6 min"
    assert fmt_points(-0.0004, signed=True) == "0.0 pp"
    assert fmt_points(0.5, signed=True) == "+50.0 pp"
    assert fmt_points(-0.0006, signed=True) == "-0.1 pp"
