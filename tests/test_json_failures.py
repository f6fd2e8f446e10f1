"""``--json`` when a command fails: stdout is one JSON object saying what failed and why.

The message still goes to stderr and the exit code is kept (2 bad input, 3 impossible
plan); a script reading stdout gets ``{"error": {"kind", "exit_code", "message", ...}}``.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from teamsim.cli import app

DESK = "examples/contact_centre/desk.yaml"
runner = CliRunner()


def test_an_impossible_plan_says_so_in_json_on_stdout() -> None:
    few = ["--set", "roles.agent.headcount.max=9", "--set", "roles.agent.headcount.current=9"]
    result = runner.invoke(app, ["plan", DESK, "--json", *few])
    assert result.exit_code == 3
    assert "The plan is impossible" in result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "infeasible" and error["exit_code"] == 3
    assert error["reason"].startswith("The plan is impossible")
    [way_out] = error["relaxations"]
    # 12 seats present ask 17 on the roster: 8 more than the 9 allowed.
    assert way_out["subject"] == "agent" and way_out["amount"] == 8
    assert "(max 9 -> 17)" in way_out["text"]


def test_a_wrong_field_names_it_in_json_for_plan_and_simulate() -> None:
    for command in ("plan", "simulate"):
        result = runner.invoke(
            app, [command, DESK, "--json", "--set", "roles.agent.headcount.max=9"]
        )
        assert result.exit_code == 2, command
        assert "expected min <= current <= max" in result.stderr
        error = json.loads(result.stdout)["error"]
        assert error["kind"] == "invalid_scenario" and error["exit_code"] == 2
        [problem] = error["problems"]
        assert problem["field"] == "roles.agent.headcount"
        assert problem["message"] == "expected min <= current <= max, got 8, 17, 9"


def test_a_usage_error_of_compare_is_json_too() -> None:
    result = runner.invoke(app, ["compare", DESK, "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "invalid_input"
    assert "give 2 to 4 scenarios or runs, got 1" in error["message"]


def test_hiring_refusal_is_json_too() -> None:
    result = runner.invoke(app, ["plan", DESK, "--hiring", "--json"])
    assert result.exit_code == 2
    assert "no segments to sell" in result.stderr
    assert "no segments to sell" in json.loads(result.stdout)["error"]["message"]


def test_without_json_stdout_stays_empty_on_failure() -> None:
    result = runner.invoke(app, ["plan", DESK, "--set", "roles.agent.headcount.max=9"])
    assert result.exit_code == 2
    assert result.stdout == ""
