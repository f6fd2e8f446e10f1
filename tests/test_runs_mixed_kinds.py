"""A store holding a hiring plan beside simulated runs lists, prunes and shows them all.

Found by a fresh-user trial of issue 12: a hiring plan stored without --verify has no
seed and no replications; ``runs list`` and ``runs prune`` then compared pandas' NA as a
boolean and ended in a traceback for the whole store, and ``runs show`` printed
"Seed None".
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def test_a_hiring_run_beside_a_simulation_is_listed_pruned_and_shown(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    sim = runner.invoke(
        app,
        ["simulate", "scenarios/retail_bank.yaml", "-n", "2", "--workers", "1",
         "--set", "calendar.horizon_days=25", "--store", store],
        env=ENV,
    )  # fmt: skip
    assert sim.exit_code == 0, sim.output
    hiring = runner.invoke(
        app,
        ["plan", "scenarios/retail_bank_growth.yaml", "--hiring",
         "--set", "calendar.horizon_days=120", "--store", store],
        env=ENV,
    )  # fmt: skip
    assert hiring.exit_code == 0, hiring.output
    listed = runner.invoke(app, ["runs", "list", "--store", store], env=ENV)
    assert listed.exit_code == 0, listed.output
    rows = [line for line in listed.output.splitlines() if line.startswith("r2")]
    assert [row.split()[1] for row in rows] == ["hiring", "simulate"]
    # the hiring run's seed and replications cells are empty, the simulation's are not
    assert rows[0].split()[4] != "2" and rows[1].split()[5] == "2"
    run_id = rows[0].split()[0]
    shown = runner.invoke(app, ["runs", "show", run_id, "--store", store], env=ENV)
    assert shown.exit_code == 0, shown.output
    assert "None" not in shown.output and "Seed" not in shown.output
    dry = runner.invoke(app, ["runs", "prune", "--older-than", "0", "--store", store], env=ENV)
    assert dry.exit_code == 0, dry.output
    assert "2 run(s)" in dry.output and "Traceback" not in dry.output
    gone = runner.invoke(
        app, ["runs", "prune", "--older-than", "0", "--yes", "--store", store], env=ENV
    )
    assert gone.exit_code == 0, gone.output
    after = runner.invoke(app, ["runs", "list", "--store", store], env=ENV)
    assert after.exit_code == 0 and not any(x.startswith("r2") for x in after.output.splitlines())
