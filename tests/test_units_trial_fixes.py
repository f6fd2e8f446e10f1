"""Fixes from a fresh user's trial of networks (docs/units.md): what they saw, each once.

1. *Results by unit* cut a month's revenue to "RUB 67…" at 100 to 170 columns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from sim import SimResult, simulate
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.unit_view import render_units, unit_table

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
SHORT = "calendar.horizon_days=60"
# Titles as long as a real network's ("Nizhny Novgorod branch", three levels down).
LONG_TITLES = (
    SHORT,
    "units.region_a.title=Central region of the network",
    "units.north.title=Nizhny Novgorod branch",
)
# A month's revenue written whole: "RUB 19.4M" (a no-break space inside).
WHOLE_MONEY = re.compile(r"RUB\xa0\d+(\.\d+)?[KMB]?")


@pytest.fixture(scope="module")
def network_run() -> SimResult:
    sc = load_scenario(NETWORK, LONG_TITLES)
    return simulate(sc, replications=2, seed=20261202, workers=1)


@pytest.mark.parametrize("width", [100, 120, 170])
def test_results_by_unit_shows_every_revenue_in_full(network_run: SimResult, width: int) -> None:
    run = network_run
    console = Console(width=width, record=True, color_system=None)
    console.print(render_units(run.kpis, run.kpis_by_unit, run.scenario))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)
    table = unit_table(run.kpis, run.kpis_by_unit, run.scenario)
    revenue = table.headers.index("revenue a month") - 1
    assert [name for *_, name, _ in table.rows][1:] == [
        "Central region of the network",
        "Nizhny Novgorod branch",
        "South branch",
    ]
    for *_, name, cells in table.rows:
        assert WHOLE_MONEY.fullmatch(cells[revenue]), cells[revenue]
        row = next(line for line in lines if f" {name} " in line)
        assert f" {cells[revenue]} │" in row, (name, cells[revenue], lines)


def test_runs_show_prints_the_revenue_in_full_at_100_columns(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "runs.duckdb")]
    args = ["simulate", str(NETWORK), "-n", "2", "--workers", "1", "--set", SHORT, *store]
    narrow = {"COLUMNS": "100"}
    simulated = CliRunner().invoke(app, args, env=narrow)
    assert simulated.exit_code == 0, simulated.output
    listed = CliRunner().invoke(app, ["runs", "list", *store, "--json"])
    run_id = json.loads(listed.stdout)["runs"][0]["run_id"]
    shown = CliRunner().invoke(app, ["runs", "show", run_id, *store], env=narrow)
    assert shown.exit_code == 0, shown.output
    for output in (simulated.stdout, shown.stdout):
        lines = output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Results by unit"))
        north = next(line for line in lines[start:] if "North branch" in line)
        assert WHOLE_MONEY.search(north) and "…" not in north, north
