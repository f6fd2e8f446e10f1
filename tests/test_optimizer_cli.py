"""``teamsim plan`` through typer's runner: tables, JSON, exit 3 on an impossible plan."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from teamsim.cli import app

RETAIL = "scenarios/retail_bank.yaml"
runner = CliRunner()


def test_plan_prints_the_tables() -> None:
    result = runner.invoke(app, ["plan", RETAIL])
    assert result.exit_code == 0, result.output
    for title in ("Headcount by level", "Duty allocation", "call targets", "Binding limits"):
        assert title in result.output


def test_allocation_with_highs_lists_people() -> None:
    result = runner.invoke(app, ["plan", RETAIL, "--mode", "allocation", "--solver", "highs"])
    assert result.exit_code == 0, result.output
    assert "Call targets per person" in result.output
    assert "client_manager.01" in result.output


def test_json() -> None:
    result = runner.invoke(app, ["plan", RETAIL, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mode"] == "sizing"
    assert data["levels"]["line"] >= 1


def test_impossible_plan_exits_3_with_the_explanation() -> None:
    # 1e12 written out: PyYAML reads "1e12" (no dot) as a string.
    result = runner.invoke(app, ["plan", RETAIL, "--set", "plan.revenue_per_month=1000000000000"])
    assert result.exit_code == 3
    assert "The plan is impossible" in result.output
    assert "lower the plan to" in result.output
    assert "Traceback" not in result.output
