"""Defects a fresh-user trial of issue 12 found in ``plan --hiring``, each as a test."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from optimizer import plan_hiring
from teamsim.hiring_view import render_hiring, short_months
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _shown(data: dict, sc: object) -> str:
    console = Console(width=400, record=True)
    console.print(render_hiring(data, sc))  # type: ignore[arg-type]
    return console.export_text()


def test_an_empty_calendar_within_a_budget_names_the_months_it_leaves_short() -> None:
    # It said "no hire. The people in seat ... meet every counted month's plan" while its
    # own table showed April at 99.0 % and May at 89.0 %.
    sc = load_scenario(ROOT / "scenarios/retail_bank_growth.yaml", ["calendar.horizon_days=120"])
    data = plan_hiring(sc, objective="revenue", budget=1_310_000, appraise=False).to_dict()
    assert data["calendar"] == []
    assert short_months(data) == ["2027-04", "2027-05"]
    for m in data["months"]:
        if m["label"] in ("2027-04", "2027-05"):
            assert m["expected_revenue"] < m["plan"]
    shown = _shown(data, sc)
    assert (
        "Hiring calendar: no hire within the budget. The people in seat (with the joiners and "
        "leavers the scenario lists) fall short of the plan in Apr 2027, May 2027." in shown
    )
    assert "meet every counted month's plan" not in shown


def test_an_empty_least_cost_calendar_meets_every_month() -> None:
    sc = load_scenario(ROOT / "scenarios/retail_bank.yaml", ["calendar.horizon_days=120"])
    data = plan_hiring(sc, appraise=False).to_dict()
    assert data["calendar"] == [] and short_months(data) == []
    assert "no hire. The people in seat" in _shown(data, sc)
    assert "falls short" not in _shown(data, sc)


def test_a_calendar_a_budget_leaves_short_says_so_under_its_lines() -> None:
    # April and May raised to RUB 36M and 40M: RUB 1.6M a month buys 3 client managers
    # from January, and May is still short.
    plans = "[24000000, 24000000, 26000000, 36000000, 40000000, 40000000" + ", 30000000" * 6 + "]"
    sc = load_scenario(
        ROOT / "scenarios/retail_bank_growth.yaml",
        ["calendar.horizon_days=120", f"plan.revenue_per_month={plans}"],
    )
    data = plan_hiring(sc, objective="revenue", budget=1_600_000, appraise=False).to_dict()
    assert [(c["role"], c["month"], c["count"]) for c in data["calendar"]] == [
        ("client_manager", "2027-01", 3)
    ]
    assert short_months(data) == ["2027-05"]
    assert "The calendar falls short of the plan in May 2027." in _shown(data, sc)
