"""``runs show`` prints a stored network run's *Results by unit* as simulate printed it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app

NETWORK = Path(__file__).resolve().parent / "data" / "two_branches.yaml"


def _units_table(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Results by unit" in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("└"))
    return lines[start : end + 1]


def test_runs_show_prints_a_network_runs_results_by_unit(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    runner = CliRunner()
    args = ["--workers", "1", "--store", store, "--set", "calendar.horizon_days=45"]
    simulated = runner.invoke(app, ["simulate", str(NETWORK), "-n", "2", *args])
    assert simulated.exit_code == 0, simulated.output
    listed = runner.invoke(app, ["runs", "list", "--store", store, "--json"])
    data = json.loads(listed.stdout)
    run_id = (data["runs"] if isinstance(data, dict) else data)[0]["run_id"]
    shown = runner.invoke(app, ["runs", "show", run_id, "--store", store])
    assert shown.exit_code == 0, shown.output
    table = _units_table(shown.stdout)
    assert any("North branch" in line for line in table)
    assert table == _units_table(simulated.stdout)
