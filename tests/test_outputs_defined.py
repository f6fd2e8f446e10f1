"""P(plan met) never shown without its meaning: compare, sweep, runs show (issue 11).

Every output of `compare` and `sweep` (terminal, --json, Excel) carries the one-line
definition beside P(plan met); `runs show` of a `plan --verify` run prints the run as
`plan --verify` did, through the same view functions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from teamsim.cli import app

runner = CliRunner()
RETAIL = Path("scenarios/retail_bank.yaml")
MONTH = "P(plan met): the chance that a month meets its plan (share of simulated months)"
HORIZON = "P(plan met): the chance that the revenue of the counted months reaches their plan"
FAST = ["--workers", "1", "--set", "calendar.horizon_days=60"]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """The retail bank judged by month (as bundled) and the same judged on the horizon."""
    text = RETAIL.read_text(encoding="utf-8")
    month, horizon = tmp_path / "month.yaml", tmp_path / "horizon.yaml"
    month.write_text(text, encoding="utf-8")
    assert "  judged_on: month" in text
    horizon.write_text(text.replace("  judged_on: month", "  judged_on: horizon"), "utf-8")
    return month, horizon


def _about(path: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    return {str(r[0].value): str(r[1].value) for r in book["about"].iter_rows(min_row=2)}


def _sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(map(str, rows[0]), row, strict=True)) for row in rows[1:]]


def test_compare_defines_p_plan_met_in_the_terminal_json_and_excel(tmp_path: Path) -> None:
    month, horizon = _files(tmp_path)
    store = ["--store", str(tmp_path / "runs.duckdb"), "--replications", "2", *FAST]
    same = runner.invoke(app, ["compare", str(month), str(month), *store])
    assert same.exit_code == 0, same.output
    # One meaning for both sides: one line, unwrapped, right after the tables.
    lines = same.output.splitlines()
    assert lines.count(MONTH) == 1
    assert lines.index(MONTH) > max(i for i, x in enumerate(lines) if "Team and plan" in x)

    excel = tmp_path / "cmp.xlsx"
    mixed = runner.invoke(app, ["compare", str(month), str(horizon), *store, "--excel", str(excel)])
    assert mixed.exit_code == 0, mixed.output
    assert f"month: {MONTH}" in mixed.output.splitlines()
    assert f"horizon: {HORIZON}" in mixed.output.splitlines()
    team = _sheet(excel, "team")
    assert [r["plan_met_definition"] for r in team] == [MONTH, HORIZON]
    assert _about(excel)["plan_met_definition"] == f"month: {MONTH}; horizon: {HORIZON}"

    shown = runner.invoke(app, ["compare", str(month), str(horizon), *store, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)  # one JSON document: the "reused run" notes on stderr
    assert data["plan_met_definition"] == [f"month: {MONTH}", f"horizon: {HORIZON}"]
    assert [t["plan_met_definition"] for t in data["team"]] == [MONTH, HORIZON]
    assert [t["side"] for t in data["team"]] == ["month", "horizon"]
    compared = {r["kpi"] for r in data["comparison"]}
    assert compared >= {"plan_met", "revenue_per_month", "headcount_mean"}
    # No segment of the bank states a gross margin: no margin KPI to compare (issue 12).
    assert "margin_per_month" not in compared


def test_sweep_defines_p_plan_met_in_the_terminal_json_excel_and_runs_show(
    tmp_path: Path,
) -> None:
    store = ["--store", str(tmp_path / "runs.duckdb")]
    excel = tmp_path / "sweep.xlsx"
    args = ["sweep", str(RETAIL), "--set", "plan.judged_on=month,horizon", "-n", "2", *FAST]
    result = runner.invoke(app, [*args, *store, "--excel", str(excel)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert MONTH in lines and HORIZON in lines
    points = _sheet(excel, "sweep")
    assert [p["plan_met_definition"] for p in points] == [MONTH, HORIZON]
    assert _about(excel)["plan_met_definition"] == f"{MONTH}; {HORIZON}"

    shown = runner.invoke(app, [*args, "--no-save", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["plan_met_definition"] == [MONTH, HORIZON]
    assert [p["plan_met_definition"] for p in data["points"]] == [MONTH, HORIZON]
    assert [p["plan.judged_on"] for p in data["points"]] == ["month", "horizon"]
    assert data["sweep_id"] is None  # nothing stored

    sweep_id = re.search(r"summary as run (\S+)", result.output)
    assert sweep_id is not None
    again = runner.invoke(app, ["runs", "show", sweep_id[1], *store])
    assert again.exit_code == 0, again.output
    assert MONTH in again.output.splitlines() and HORIZON in again.output.splitlines()


def _key_lines(text: str) -> list[str]:
    """The lines that carry results, in order: headers, verdict, P(plan met), table rows."""
    keep: tuple[str, ...] = ("Design month", "Plan card", "Final team", "P(", "  P(")
    keep += ("plan verified", "plan NOT", "│")
    return [line for line in text.splitlines() if line.startswith(keep)]


def test_runs_show_prints_a_verify_run_as_plan_verify_did(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "runs.duckdb")]
    made = runner.invoke(
        app,
        [
            "plan",
            str(RETAIL),
            "--verify",
            "--replications",
            "2",
            "--iterations",
            "2",
            *FAST,
            *store,
        ],
        env={"COLUMNS": "140"},
    )
    assert made.exit_code in (0, 3), made.output
    found = re.search(r"teamsim runs show (\S+)\)", made.stdout)
    assert found is not None, made.stdout
    shown = runner.invoke(app, ["runs", "show", found[1], *store], env={"COLUMNS": "140"})
    assert shown.exit_code == 0, shown.output
    original, again = _key_lines(made.stdout), _key_lines(shown.stdout)
    # Everything plan --verify printed is printed again, in the same order (runs show
    # adds its 'about' table before and the KPIs after).
    start = again.index(original[0])
    assert again[start : start + len(original)] == original
    for needed in ("Design month", "Plan card", "Final team", MONTH, "Iterations"):
        assert needed in shown.stdout
    assert "P(plan met): " in "\n".join(original) and "│ 2. " in shown.stdout
    # The stored plan is not shown as a param.
    assert "param: final_plan" not in shown.stdout
