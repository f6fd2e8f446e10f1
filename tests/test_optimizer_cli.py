"""``teamsim plan`` through typer's runner: tables, JSON, exit 3 on an impossible plan."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from optimizer import PlanMode
from teamsim.cli import app

RETAIL = "scenarios/retail_bank.yaml"
DESK = "scenarios/support_desk.yaml"
runner = CliRunner()


def test_plan_prints_the_tables() -> None:
    result = runner.invoke(app, ["plan", RETAIL])
    assert result.exit_code == 0, result.output
    for title in ("Headcount by level", "Duty allocation", "call targets", "Binding limits"):
        assert title in result.output
    # Sizing is whole numbers: no dual values, so no "marginal value" column of blanks.
    assert "marginal value" not in result.output


def test_allocation_limits_carry_their_marginal_value() -> None:
    # Allocation is a linear programme of the team as it is: each binding limit's dual.
    result = runner.invoke(app, ["plan", RETAIL, "--mode", "allocation"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    limits = result.output.partition("Binding limits")[2]
    assert "marginal value" in limits
    row = next(r for r in limits.splitlines() if "Client manager (14 of 14" in r)
    # Money written as all money (sim.money, issue 11), then its unit in words.
    assert re.search(r"RUB\xa0\d+(\.\d)?K a month per extra dial a day$", row.rstrip(" │")), row


def test_allocation_with_highs_lists_people() -> None:
    result = runner.invoke(app, ["plan", RETAIL, "--mode", "allocation", "--solver", "highs"])
    assert result.exit_code == 0, result.output
    assert "Call targets per person" in result.output
    assert "Client manager 1 " in result.output  # titles, not ids (issue 11)


def test_json() -> None:
    result = runner.invoke(app, ["plan", RETAIL, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "sizing"
    assert data["levels"]["line"] >= 1


def test_impossible_plan_exits_3_with_the_explanation() -> None:
    # 1e12 written out: PyYAML reads "1e12" (no dot) as a string.
    result = runner.invoke(app, ["plan", RETAIL, "--set", "plan.revenue_per_month=1000000000000"])
    assert result.exit_code == 3
    assert "The plan is impossible" in result.output
    assert "lower the plan to" in result.output
    assert "Traceback" not in result.output


def test_a_desk_plan_shows_its_load_seats_and_roster() -> None:
    result = runner.invoke(app, ["plan", DESK])
    assert result.exit_code == 0, result.output
    rows = _rows(result.output, "Inbound requests: load, seats and roster")
    # 600 requests over the 510 open minutes (the desk's default rota), 6 minutes each:
    # 7.06 Erlangs; Erlang C asks 10 on the floor for 80 % in 20 s, and the days away
    # (x1.25) and a sixth of the desk at lunch in the peak half-hours (x1.20) make that 15
    # on the roster (tests/test_rota.py's figures).
    assert rows["offered load, Erlangs"] == "7.1"
    assert rows["seats needed present"] == "10"
    assert rows["roster needed"] == "15"
    assert rows["answerers planned"] == "15"
    assert rows["target"] == "80.0 % within 20 s"
    expected = rows["expected service level"]
    assert expected.endswith(" %") and 80.0 <= float(expected.removesuffix(" %")) < 90.0
    # The desk's plan is nominal: the header names its service target, never "plan 0 GBP".
    # (Words joined again: the terminal's width may fold the header anywhere.)
    head = " ".join(result.output.split("Headcount by level")[0].split())
    assert "plan 0" not in head and "expected attainment" not in head.lower()
    assert f"Support requests 80.0 % within 20 s, expected {expected}" in head


def test_a_desk_plan_as_json_carries_the_roster() -> None:
    result = runner.invoke(app, ["plan", DESK, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [service] = data["services"]
    assert service["roster"] == 15 and service["seats_present"] == 10
    assert service["offered_load_erlangs"] == pytest.approx(600 * 6 / 510)
    assert data["expected_attainment"] is None
    assert data["plan_per_month"] == 0


def test_a_selling_plan_shows_its_expected_attainment() -> None:
    result = runner.invoke(app, ["plan", RETAIL])
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(app, ["plan", RETAIL, "--json"]).stdout)
    share = f"{100 * data['expected_attainment']:.1f} %"
    assert f"Expected attainment {share} of plan, mean over the counted months" in result.output
    # The bank answers website requests too: their table is shown beside the plan.
    assert "Inbound requests: load, seats and roster" in result.output


def test_allocation_mode_is_the_optimisers_vocabulary() -> None:
    result = runner.invoke(app, ["plan", RETAIL, "--mode", "allocation", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mode"] == PlanMode.ALLOCATION.value
    bad = runner.invoke(app, ["plan", RETAIL, "--mode", "optimal"])
    assert bad.exit_code == 2
    assert all(m.value in bad.output for m in PlanMode)


def _rows(output: str, title: str) -> dict[str, str]:
    """The rows of a two-column terminal table (figure, value) that follows its title."""
    rows: dict[str, str] = {}
    for line in output.split(title, 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 2 and cells[0]:
            rows[cells[0]] = cells[1]
        elif line.startswith("└"):
            break
    return rows
