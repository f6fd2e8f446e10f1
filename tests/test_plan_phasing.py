"""A monthly plan is by calendar month: one value for every month, or January to December."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.rates import rates
from sim.errors import ScenarioError
from sim.scenario import SalesPlan, Scenario
from sim.scenario.loader import parse_scenario
from teamsim.cli import app
from teamsim.reference import json_schema_text
from tests.scenario_texts import BASE

# January 1,000 ... December 12,000: a month's value tells which month it is.
TWELVE = [1000.0 * month for month in range(1, 13)]


def scenario(plan: str, start: str = "2027-03-01", horizon_days: int = 40) -> Scenario:
    """The tiny scenario with another plan, start and horizon."""
    text = (
        BASE.replace("revenue_per_month: 100000", f"revenue_per_month: {plan}")
        .replace("start: 2027-01-04", f"start: {start}")
        .replace("horizon_days: 40", f"horizon_days: {horizon_days}")
    )
    return parse_scenario(text, "plan.yaml")


def twelve() -> str:
    return "[" + ", ".join(f"{v:g}" for v in TWELVE) + "]"


def test_twelve_values_are_january_to_december_whatever_the_start() -> None:
    # Horizon from Monday 1 March 2027: month 0 is March, month 4 is July.
    sc = scenario(twelve(), horizon_days=120)
    assert sc.calendar_month(0) == (2027, 3)
    assert sc.month_label(4) == "2027-07"
    assert sc.plan_target(4) == 7000.0  # July's value, not the list's fifth (May)
    assert [sc.plan_target(m) for m in sorted(set(sc.months))] == TWELVE[2:8]


def test_month_zero_is_the_month_of_the_first_working_day() -> None:
    # Sunday 31 January 2027: the first working day is 1 February, as in Scenario.months.
    sc = scenario(twelve(), start="2027-01-31")
    assert sc.months[0] == 0
    assert sc.month_label(0) == "2027-02"
    assert sc.plan_target(0) == 2000.0


def test_single_value_is_every_months_plan() -> None:
    sc = scenario("5000", horizon_days=300)
    assert sc.plan.revenue_per_month == [5000.0]
    assert {sc.plan_target(m) for m in range(24)} == {5000.0}
    assert scenario("[5000]").plan_target(7) == 5000.0


def test_horizon_longer_than_a_year_repeats_january_to_december() -> None:
    sc = scenario(twelve(), horizon_days=300)  # March 2027 to April 2028
    labels = [sc.month_label(m) for m in sorted(set(sc.months))]
    assert labels[0] == "2027-03" and labels[-1] == "2028-04"
    assert sc.month_label(10) == "2028-01"
    assert sc.plan_target(10) == 1000.0  # January again
    assert sc.plan_target(12) == sc.plan_target(0) == 3000.0  # March, a year apart
    assert sc.month_label(9) == "2027-12" and sc.plan_target(9) == 12000.0
    assert sc.month_label(13) == "2028-04" and sc.plan_target(13) == 4000.0


@pytest.mark.parametrize("values", ["[1000, 2000, 3000]", "[]", "[" + "1, " * 13 + "1]"])
def test_other_lengths_are_refused_naming_file_line_field_and_lengths(values: str) -> None:
    text = BASE.replace("revenue_per_month: 100000", f"revenue_per_month: {values}")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "plan.yaml")
    [problem] = info.value.problems
    found = values.count(",") + 1 if values != "[]" else 0
    line = text[: text.index("revenue_per_month:")].count("\n") + 1
    assert str(problem) == (
        f"plan.yaml:{line}: plan.revenue_per_month: expected 1 value (every month) "
        f"or 12 (January to December), got {found} values"
    )


def test_the_optimiser_reads_each_month_by_its_calendar_month() -> None:
    sc = scenario(twelve(), horizon_days=120)
    months = rates(sc).months
    assert [(mp.label, mp.target) for mp in months] == [
        (sc.month_label(mp.index), sc.plan_target(mp.index)) for mp in months
    ]
    assert ("2027-07", 7000.0) in [(mp.label, mp.target) for mp in months]


def test_a_calendar_month_outside_1_to_12_is_an_error() -> None:
    plan = SalesPlan(revenue_per_month=TWELVE)
    assert plan.for_calendar_month(12) == 12000.0
    with pytest.raises(ValueError, match=r"1\.\.12"):
        plan.for_calendar_month(0)


def test_validate_summary_shows_the_plan_by_calendar_month(tmp_path: Path) -> None:
    path = tmp_path / "phased.yaml"
    text = BASE.replace("revenue_per_month: 100000", f"revenue_per_month: {twelve()}")
    path.write_text(text.replace("start: 2027-01-04", "start: 2027-03-01"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), "--summary"])
    assert result.exit_code == 0, result.output
    assert "Plan by month" in result.output
    rows = {
        cells[0]: cells[1:]
        for line in result.output.splitlines()
        if (cells := [c.strip() for c in line.strip("│ ").split("│")])[0].endswith(" 2027")
    }
    # 40 working days from 1 March: March 23 (the five warm-up days among them), April 17;
    # months by their names (sim.month_title, issue 11).
    assert rows == {
        "Mar 2027": ["23", "no: warm-up", "3,000"],
        "Apr 2027": ["17", "no: part of the month", "4,000"],
    }


@pytest.mark.parametrize(
    ("value", "valid"),
    [(5000, True), ([5000], True), (TWELVE, True), ([1, 2, 3], False), ([], False)],
)
def test_schema_lets_editors_check_the_plans_length(value: object, valid: bool) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    defs = json.loads(json_schema_text())["$defs"]
    plan = {"revenue_per_month": value}
    validator = jsonschema.Draft202012Validator({"$defs": defs, "$ref": "#/$defs/SalesPlan"})
    assert validator.is_valid(plan) is valid
