"""Issue 11 (trial e): a run's export says what P(plan met) means (the KPI row and the
'about' sheet, for verify and simulate runs as compare's workbook does) and names the
verify loop's quota as every view does, today's quota beside it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_met_view import definition
from teamsim.store import Store

runner = CliRunner()
BANK = "scenarios/retail_bank.yaml"
SETS = ["--set", "calendar.horizon_days=75", "--workers", "1"]


def _rows(book: Path, sheet: str) -> list[dict[str, object]]:
    rows = list(load_workbook(book)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _export(store: Path, tmp: Path) -> Path:
    run_id = str(Store(store).list_runs()["run_id"].iloc[0])
    done = runner.invoke(app, ["runs", "export", run_id, "--to", str(tmp), "--format", "xlsx",
                               "--store", str(store)])  # fmt: skip
    assert done.exit_code == 0, done.output
    return tmp / run_id / f"{run_id}.xlsx"


def test_a_verify_runs_workbook_defines_p_plan_met_and_names_its_quotas(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    made = runner.invoke(app, ["plan", BANK, "--verify", "-n", "2", "--iterations", "1", *SETS,
                               "--store", str(store)])  # fmt: skip
    assert made.exit_code in (0, 3), made.output
    book = _export(store, tmp_path)
    meaning = definition(load_scenario(Path(BANK)))
    assert meaning.startswith("P(plan met): ")
    kpis = {r["kpi"]: r for r in _rows(book, "kpis")}
    assert kpis["plan_met"]["definition"] == meaning
    # Every other KPI row carries its own line (sim/kpis.py), not a blank.
    from sim import KPIS

    lines = {k.name: k.definition for k in KPIS}
    for name, row in kpis.items():
        if name != "plan_met":
            assert row["definition"] == lines[name] and row["definition"], name
    about = [str(v) for r in _rows(book, "about") for v in r.values()]
    assert "plan_met_definition" in about and meaning in about
    quotas = _rows(book, "quotas")
    assert quotas and "quota_set" not in quotas[0]
    columns = list(quotas[0])
    assert columns.index("todays_quota") == columns.index("recommended_quota") + 1
    today = {r["role"]: r["todays_quota"] for r in quotas}
    assert today["client_manager"] == 30  # policies.call_quota_per_day 30 x selling share 1


def test_a_simulate_runs_about_sheet_defines_p_plan_met(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    made = runner.invoke(app, ["simulate", BANK, "-n", "2", *SETS, "--store", str(store)])
    assert made.exit_code == 0, made.output
    book = _export(store, tmp_path)
    values = [str(v) for r in _rows(book, "about") for v in r.values()]
    assert "plan_met_definition" in values
    assert definition(load_scenario(Path(BANK))) in values
