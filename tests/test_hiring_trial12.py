"""Defects a fresh-user trial of issue 12 found in ``plan --hiring``, each as a test."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from optimizer import InfeasiblePlanError, plan_hiring
from teamsim.cli import app
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
        "Hiring calendar: No hire within the budget: the people in seat (with the joiners and "
        "leavers the scenario lists) fall short of the plan in Apr 2027, May 2027." in shown
    )
    assert "meet every counted month's plan" not in shown


def test_an_empty_least_cost_calendar_meets_every_month() -> None:
    sc = load_scenario(ROOT / "scenarios/retail_bank.yaml", ["calendar.horizon_days=120"])
    data = plan_hiring(sc, appraise=False).to_dict()
    assert data["calendar"] == [] and short_months(data) == []
    assert "No hire: the people in seat" in _shown(data, sc)
    # A lead-in month's revenue is not planned: its row shows no expected revenue (the
    # re-trial found February "expected" RUB 17.0M where the simulation closed 34.8M).
    jan = next(line for line in _shown(data, sc).splitlines() if line.startswith("│ Jan 2027"))
    assert "lead-in" in jan and jan.count("RUB") == 1, jan  # the cost only
    mar = next(line for line in _shown(data, sc).splitlines() if line.startswith("│ Mar 2027"))
    assert mar.count("RUB") == 3, mar  # plan, expected revenue, cost
    # With no hire the plan decided nothing: it is not named as a binding limit.
    assert all(limit["family"] != "plan" for limit in data["limits"])
    assert "sales plan" not in _shown(data, sc)
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


# --- the command's refusals and warnings ---------------------------------------------------

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def test_hiring_on_a_desk_that_sells_nothing_is_refused() -> None:
    # support_desk's nominal plan of GBP 1 read "plan £1", "attainment 0.0 %".
    done = runner.invoke(
        app, ["plan", "scenarios/support_desk.yaml", "--hiring", "--no-save"], env=ENV
    )
    assert done.exit_code == 2
    assert "has no segments to sell" in done.output and "Traceback" not in done.output


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--hiring", "-n", "5"], "--replications"),
        (["-n", "5"], "--replications"),
        (["--confidence", "0.9", "--seed", "3"], "--confidence, --seed"),
    ],
)
def test_verify_options_without_verify_are_said_not_ignored(extra: list[str], named: str) -> None:
    done = runner.invoke(app, ["plan", "scenarios/retail_bank.yaml", *extra, "--no-save"], env=ENV)
    assert done.exit_code == 2
    assert f"{named}: only with --verify" in done.output


def test_a_hiring_verify_on_few_replications_warns_as_simulate_does() -> None:
    done = runner.invoke(
        app,
        ["plan", "scenarios/retail_bank_growth.yaml", "--hiring", "--verify", "-n", "2",
         "--iterations", "1", "--workers", "1", "--set", "calendar.horizon_days=120", "--no-save"],
        env=ENV,
    )  # fmt: skip
    assert done.exit_code in (0, 3), done.output
    assert "warning: P(plan met) rests on 2 replications: its 95 % interval is wide" in done.output


# --- a headcount maximum the fixed point's own calendar meets ----------------------------------


def test_a_maximum_the_plans_own_calendar_meets_is_not_called_impossible() -> None:
    # retail_bank_growth with no maximum hires 3 client managers (11 in seat at most) and
    # meets every month; at most 11 was "impossible ... allow 1 more (max 11 -> 12)",
    # because the first round's shares (no hires) asked for 12.
    free = plan_hiring(load_scenario(ROOT / "scenarios/retail_bank_growth.yaml"), appraise=False)
    most = max(n for (rid, _), n in free.headcount.items() if rid == "client_manager")
    assert round(most) == 11
    capped = plan_hiring(
        load_scenario(
            ROOT / "scenarios/retail_bank_growth.yaml", ["roles.client_manager.headcount.max=11"]
        ),
        appraise=False,
    )
    assert capped.hires == free.hires
    # One fewer: impossible, and the remedy is the one seat missing, not two.
    with pytest.raises(InfeasiblePlanError, match=r"max 10 -> 11\)"):
        plan_hiring(
            load_scenario(
                ROOT / "scenarios/retail_bank_growth.yaml",
                ["roles.client_manager.headcount.max=10"],
            ),
            appraise=False,
        )
