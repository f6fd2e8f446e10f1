"""Issue 11 (trial e): the plan's header reads in one style with or without a margin
("plan RUB 30.0M", not "RUB 30M" without --verify and "RUB 30.0M" with it), and the
guide's example header is what ``teamsim plan`` prints."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from optimizer import plan, plan_card
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_card_view import header_text

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_the_header_keeps_three_significant_digits_with_or_without_a_margin() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    solved = plan(sc, marginals=False)
    plain = header_text(plan_card(solved, sc))
    margin = header_text(plan_card(solved, sc, 1.19))
    assert plain == "plan RUB\xa030.0M"
    assert margin.startswith("plan RUB\xa030.0M; sized for RUB\xa0")


def test_the_guides_example_header_is_the_real_output() -> None:
    result = runner.invoke(app, ["plan", "scenarios/retail_bank.yaml"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    printed = result.stdout.replace("\xa0", " ").splitlines()
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    example = next(line for line in guide.splitlines() if line.startswith("Design month Mar 2027"))
    assert example in printed
