"""P(plan met) is never shown without its meaning, the month-level chances and the months."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_met_view import chances, few_replications_warning, monthly

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "scenarios" / "retail_bank.yaml")
# 90 working days from March 2027: the counted months start with March.
SHORT = ["--set", "calendar.horizon_days=90", "--workers", "1", "--no-save"]

runner = CliRunner()


def test_simulate_shows_the_definition_the_chances_and_the_months() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "-n", "4", *SHORT])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "P(plan met): the chance that a month meets its plan (share of simulated months)" in out
    for label in ("P(a month meets its plan): ", "P(every month meets its plan): "):
        assert label in out
    assert "Attainment by calendar month" in out
    # A month by its name (teamsim.format.month_title); JSON keeps "2027-04".
    assert "Apr 2027" in out and "P10-P90" in out
    # Four replications: the interval is too wide to read, and stderr says so.
    assert "P(plan met) rests on 4 replications" in result.stderr
    assert "rests on" not in out


def test_json_carries_the_same_fields_and_stays_one_document() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "-n", "3", *SHORT, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["judged_on"] == "month"
    assert data["plan_met_definition"].startswith("P(plan met): the chance that a month")
    assert [c["kpi"] for c in data["plan_met_chances"]] == [
        "plan_met",
        "month_met",
        "every_month_met",
    ]
    assert [m["label"] for m in data["attainment_by_month"]][:1] == ["2027-03"]
    assert "3 replications" in data["warning"]


@pytest.mark.parametrize("rule", ["every_month", "horizon"])
def test_the_stated_choice_is_what_p_plan_met_means(rule: str) -> None:
    sc = load_scenario(SCENARIO, ["calendar.horizon_days=90", f"plan.judged_on={rule}"])
    result = sim.simulate(sc, 6, workers=1)
    shown = {c["kpi"]: c["mean"] for c in chances(result)}
    months = result.frames.attainment_month
    if rule == "every_month":
        every = months.groupby("replication")["attainment"].min() >= 1
        assert shown["plan_met"] == pytest.approx(every.mean())
        assert shown["plan_met"] == shown["every_month_met"]
    else:
        sums = months.groupby("replication")[["revenue", "target"]].sum()
        assert shown["plan_met"] == pytest.approx((sums["revenue"] >= sums["target"]).mean())
    # P(a month meets its plan) is the share of all simulated months, whatever the rule.
    assert shown["month_met"] == pytest.approx((months["attainment"] >= 1).mean())
    assert monthly(result)["p_met"].to_list() == pytest.approx(
        (months["attainment"] >= 1).groupby(months["month"]).mean().to_list()
    )
    assert few_replications_warning(result) is not None


def test_no_warning_from_twenty_replications() -> None:
    sc = load_scenario(SCENARIO, ["calendar.horizon_days=45"])
    result = sim.simulate(sc, 20, workers=1)
    assert few_replications_warning(result) is None


def test_percentiles_of_a_yes_no_outcome_are_not_shown() -> None:
    # Wide: at 80 columns the labels would wrap (xdist's workers get COLUMNS=80).
    result = runner.invoke(app, ["simulate", SCENARIO, "-n", "2", *SHORT], env={"COLUMNS": "200"})
    # The label's "%" follows a no-break space (never alone on a line).
    lines = result.stdout.replace("\u00a0", " ").splitlines()
    line = next(x for x in lines if "P(every month meets its plan), %" in x)
    cells = [c.strip() for c in line.split("│") if c.strip()]
    assert len(cells) == 3  # label, mean and interval; no P10, P50, P90


def test_the_dashboard_chart_draws_each_month_with_its_p10_p90_bar() -> None:
    from dashboard.plan_met import monthly_attainment_chart

    sc = load_scenario(SCENARIO, ["calendar.horizon_days=90"])
    result = sim.simulate(sc, 5, workers=1)
    months = result.frames.attainment_month.groupby("month")["attainment"]
    [trace] = monthly_attainment_chart(result).data
    assert list(trace.x) == [sc.month_label(int(m)) for m in months.mean().index]
    assert list(trace.y) == pytest.approx((100 * months.mean()).to_list())
    assert list(trace.error_y.array) == pytest.approx(
        (100 * (months.quantile(0.9) - months.mean())).to_list()
    )
    assert list(trace.error_y.arrayminus) == pytest.approx(
        (100 * (months.mean() - months.quantile(0.1))).to_list()
    )
