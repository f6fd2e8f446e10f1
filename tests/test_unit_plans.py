"""A unit's own plan (issue 14, decision D3): one rule read by the optimiser and the reports.

``units.<u>.plan`` states a branch's plan; a unit without one answers for its sellers'
share (by selling capacity) of what the plan above leaves (``sim.rules.unit_plan``). The
optimiser sizes each stated unit to its plan (``plan_<unit>`` rows), the simulation judges
each unit on the same plan, and the first plan, simulated as it stands, keeps each
unit's promise.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import plan
from optimizer.errors import InfeasiblePlanError
from optimizer.loop import verify
from sim import simulate
from sim.errors import ScenarioError
from sim.rules.checks import rule_warnings
from sim.rules.unit_plan import holder, holder_plan, unit_target
from sim.unit_results import kpis_by_unit
from teamsim.cli import app
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"  # team plan RUB 30M a month
SHORT = ("calendar.horizon_days=60",)
M = 1_000_000.0
NORTH_20 = "units.north.plan.revenue_per_month=20000000"
SOUTH_10 = "units.south.plan.revenue_per_month=10000000"


def _plain(text: str) -> str:
    return text.replace("\xa0", " ")  # money is written with a no-break space


def _sc(*overrides: str):  # type: ignore[no-untyped-def]
    return load_scenario(NETWORK, (*SHORT, *overrides))


# --- the rule, worked by hand -------------------------------------------------------


def test_with_no_unit_plan_a_unit_answers_for_its_share_of_selling_capacity() -> None:
    sc = _sc()
    capacity = {"north": 8.0, "south": 6.0, "region_a": 0.0}
    assert unit_target(sc, "north", 2, capacity) == pytest.approx(30 * M * 8 / 14)
    assert unit_target(sc, "south", 2, capacity) == pytest.approx(30 * M * 6 / 14)
    assert unit_target(sc, "region_a", 2, capacity) == pytest.approx(30 * M)


def test_a_stated_plan_is_the_units_own_and_the_rest_is_shared_by_the_others() -> None:
    sc = _sc(NORTH_20)
    assert holder(sc, "north") == "north" and holder(sc, "south") is None
    # One seller outside the units answers to the team's plan with South's six.
    capacity = {"north": 8.0, "south": 6.0, None: 1.0}
    assert unit_target(sc, "north", 2, capacity) == 20 * M
    assert unit_target(sc, "south", 2, capacity) == pytest.approx(10 * M * 6 / 7)
    assert unit_target(sc, "region_a", 2, capacity) == pytest.approx(20 * M + 10 * M * 6 / 7)


def test_twelve_values_are_january_to_december_whatever_month_the_horizon_starts() -> None:
    months = ",".join(str((i + 1) * 1_000_000) for i in range(12))
    sc = _sc(f"units.north.plan.revenue_per_month=[{months}]", "calendar.start=2027-03-01")
    assert [holder_plan(sc, "north", m) for m in range(3)] == [3 * M, 4 * M, 5 * M]


# --- checks ---------------------------------------------------------------------------


def test_plans_above_the_team_plan_and_a_rest_nobody_sells_are_warned() -> None:
    over = [
        _plain(text) for _, text in rule_warnings(_sc("units.north.plan.revenue_per_month=9e7"))
    ]
    assert any("add up to RUB 90M in January, above the team's plan (RUB 30M)" in t for t in over)
    nobody = rule_warnings(_sc(NORTH_20, SOUTH_10, "plan.revenue_per_month=4e7"))
    assert any("the rest is nobody's target" in text for _, text in nobody)
    assert not [w for w in rule_warnings(_sc(NORTH_20, SOUTH_10)) if "plan" in w[0]]


def test_a_plan_for_a_unit_with_nobody_who_sells_is_an_error_naming_the_field() -> None:
    no_sellers = [f"roles.{r}.selling_share=0" for r in ("north__team_lead",)]
    no_sellers.append("roles.north__client_manager.selling_share=0")
    with pytest.raises(ScenarioError) as err:
        _sc(NORTH_20, *no_sellers)
    assert "units.north.plan: unit north states a plan, but no role in it" in str(err.value)


def test_validate_says_a_bad_plan_value_on_the_set_line_without_a_traceback() -> None:
    got = CliRunner().invoke(
        app, ["validate", str(NETWORK), "--set", "units.north.plan.revenue_per_month=abc"]
    )
    assert got.exit_code == 2  # an invalid file, as for every other field
    assert "units.north.plan.revenue_per_month" in got.output
    assert "Traceback" not in got.output


# --- the optimiser --------------------------------------------------------------------


def test_each_unit_is_sized_to_meet_its_own_plan() -> None:
    p = plan(_sc(NORTH_20, SOUTH_10), marginals=False)
    sales = {u.org_unit: u for u in p.unit_sales}
    assert sales["north"].own_plan and sales["north"].plan_per_month == 20 * M
    assert sales["north"].revenue_per_month >= 20 * M * (1 - 1e-6)
    assert sales["south"].revenue_per_month >= 10 * M * (1 - 1e-6)
    heads = {r.role: r.headcount for r in p.roles}
    assert heads["north__client_manager"] > heads["south__client_manager"]
    limits = {lim.name: lim for lim in p.limits}
    assert _plain(limits["plan_north"].text) == "North branch's own plan (RUB 20M a month)"
    assert limits["plan_north"].org_unit == "north"


def test_without_unit_plans_the_plan_reports_each_units_share() -> None:
    p = plan(_sc(), marginals=False)
    sales = {u.org_unit: u for u in p.unit_sales}
    heads = {r.role: r.headcount for r in p.roles}
    capacity = {
        unit: sum(heads[f"{unit}__{r}"] * s for r, s in (("client_manager", 1), ("team_lead", 0.2)))
        for unit in ("north", "south")
    }
    total = sum(capacity.values())
    assert sales["north"].plan_per_month == pytest.approx(30 * M * capacity["north"] / total)
    assert not sales["north"].own_plan
    assert sales["region_a"].plan_per_month == pytest.approx(30 * M)


def test_a_bigger_own_plan_never_gets_a_branch_fewer_people() -> None:
    people = []
    for north in (10, 15, 20, 25):
        p = plan(_sc(f"units.north.plan.revenue_per_month={north * M}"), marginals=False)
        people.append(sum(r.headcount for r in p.roles if r.org_unit == "north"))
    assert people == sorted(people) and people[-1] > people[0], people


def test_an_unreachable_unit_plan_is_explained_by_the_units_own_field() -> None:
    with pytest.raises(InfeasiblePlanError) as err:
        plan(_sc("units.north.plan.revenue_per_month=9e7"), marginals=False)
    (relax,) = [r for r in err.value.relaxations if r.subject == "north"]
    assert relax.kind == "plan"
    assert "lower North branch's own plan (units.north.plan) to RUB" in _plain(relax.text)
    assert "and North branch's own plan" in err.value.reason


# --- the simulation judges each unit on the same plan ----------------------------------


def test_a_stated_units_people_answer_for_exactly_its_plan() -> None:
    run = simulate(_sc(NORTH_20), replications=2, seed=20261202, workers=1)
    f = run.frames
    months = len(f.window.counted_months)
    for rep in f.replications:
        rows = f.attainment_person.loc[f.attainment_person["replication"] == rep]
        north = rows.loc[rows["org_unit"] == "north", "target"].sum()
        rest = rows.loc[rows["org_unit"] != "north", "target"].sum()
        assert north == pytest.approx(20 * M * months)
        assert rest == pytest.approx(10 * M * months)
    by_unit = kpis_by_unit(f, run.scenario).set_index(["org_unit", "kpi"])
    revenue = by_unit.loc[("north", "revenue_per_month"), "mean"]
    assert by_unit.loc[("north", "attainment"), "mean"] == pytest.approx(revenue / (20 * M))


@pytest.mark.slow
def test_the_first_plan_keeps_each_units_promise() -> None:
    reps = 6
    it = verify(_sc(NORTH_20, SOUTH_10), replications=reps, max_iterations=1, workers=2)
    first = it.iterations[0]
    assert first.plan_factor == 1.0
    sales = {u.org_unit: u for u in first.plan.unit_sales}
    by_unit = kpis_by_unit(first.result.frames, first.scenario).set_index(["org_unit", "kpi"])
    for unit in ("north", "south"):
        mean = by_unit.loc[(unit, "attainment"), "mean"]
        se = by_unit.loc[(unit, "attainment"), "sd"] / math.sqrt(reps)
        expected = sales[unit].revenue_per_month / sales[unit].plan_per_month
        assert 0.9 <= mean <= 1.15, (unit, mean)
        assert abs(mean - expected) <= 2.58 * se + 0.05, (unit, mean, expected, se)


def test_a_branch_with_nobody_selling_has_no_plan_to_meet_not_a_missed_one() -> None:
    empty = ("roles.south__client_manager.headcount=0", "roles.south__team_lead.headcount=0")
    run = simulate(_sc(*empty), replications=2, seed=20261202, workers=1)
    by_unit = kpis_by_unit(run.frames, run.scenario)
    south = set(by_unit.loc[by_unit["org_unit"] == "south", "kpi"])
    north = set(by_unit.loc[by_unit["org_unit"] == "north", "kpi"])
    assert "plan_met" in north and "attainment" in north
    # Its plan is 0 (no selling capacity): neither attainment nor P(plan met) is measured.
    assert "plan_met" not in south and "attainment" not in south


def test_a_margin_raises_what_is_sized_for_not_the_plan_shown() -> None:
    # What the verify loop hands the optimiser with a +20 % margin: every plan raised.
    raised = _sc("plan.revenue_per_month=36000000", "units.north.plan.revenue_per_month=24000000")
    sales = {u.org_unit: u for u in plan(raised, marginals=False, plan_factor=1.2).unit_sales}
    assert sales["north"].plan_per_month == pytest.approx(20 * M)
    assert sales["north"].revenue_per_month / sales["north"].plan_per_month >= 1.2 - 1e-6


def test_a_monthly_unit_plan_is_sized_and_shown_at_its_own_highest_month() -> None:
    months = ["10e6"] * 12
    months[4] = "28e6"  # May
    sc = _sc(
        "calendar.horizon_days=120", f"units.north.plan.revenue_per_month=[{','.join(months)}]"
    )
    p = plan(sc, marginals=False)
    north = next(u for u in p.unit_sales if u.org_unit == "north")
    assert (north.month, north.plan_per_month) == ("2027-05", 28 * M)
    assert north.revenue_per_month >= 28 * M * (1 - 1e-6)
    assert p.month == "2027-03"  # the team's design month: its plan is the same every month
    assert any("a unit's own plan at its own highest month" in n for n in p.notes)


def test_within_a_budget_the_units_plans_are_said_not_kept() -> None:
    p = plan(_sc(NORTH_20, SOUTH_10), budget=1_300_000, marginals=False)
    assert any("the units' own plans (units.<u>.plan) are not kept" in n for n in p.notes)
    assert {u.org_unit: u.plan_per_month for u in p.unit_sales}["north"] == 20 * M


def test_a_unit_plan_nobody_can_sell_is_explained_by_removing_it() -> None:
    nobody = (
        "roles.south__client_manager.headcount={current: 0, min: 0, max: 0}",
        "roles.south__team_lead.selling_share=0",
        "units.south.plan.revenue_per_month=5000000",
    )
    with pytest.raises(InfeasiblePlanError) as err:
        plan(_sc(*nobody), marginals=False)
    (relax,) = [r for r in err.value.relaxations if r.subject == "south"]
    assert relax.text.startswith("remove South branch's own plan (units.south.plan)")


def test_validate_summary_shows_each_units_own_plan() -> None:
    got = CliRunner().invoke(
        app, ["validate", str(NETWORK), "--summary", "--set", NORTH_20], env={"COLUMNS": "200"}
    )
    assert got.exit_code == 0, got.output
    out = _plain(got.output)
    assert "North branch (north): 8 people (4..17): 1 lower, 7 line; its own plan RUB 20M" in out
    assert "South branch (south): 6 people (4..17): 1 lower, 5 line\n" in out


def test_plan_verify_reports_the_final_run_by_unit(tmp_path: Path) -> None:
    args = ["plan", str(NETWORK), "--verify", "-n", "2", "--iterations", "1", "--workers", "1"]
    args += ["--store", str(tmp_path / "runs.duckdb"), "--set", SHORT[0], "--set", NORTH_20]
    got = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert got.exit_code in (0, 3), got.output  # 3: not verified in one iteration
    assert "Results by unit" in got.output and "North branch" in got.output
    run_id = got.output.split("stored as run ")[1].split()[0]
    shown = CliRunner().invoke(
        app,
        ["runs", "show", run_id, "--store", str(tmp_path / "runs.duckdb")],
        env={"COLUMNS": "200"},
    )
    assert "Results by unit" in shown.output, shown.output
    as_json = CliRunner().invoke(app, [*args, "--no-save", "--json"])
    units = {row["org_unit"] for row in json.loads(as_json.stdout)["kpis_by_unit"]}
    assert units == {"region_a", "north", "south"}


def test_hiring_meets_a_branchs_own_plan_by_hiring_there() -> None:
    args = ["plan", str(NETWORK), "--hiring", "--no-save", "--json"]
    args += ["--set", "plan.revenue_per_month=50000000"]
    plain = json.loads(CliRunner().invoke(app, args).stdout)
    assert plain["calendar"] == []  # the people in seat meet the network's 50M
    north = [*args, "--set", "units.north.plan.revenue_per_month=45000000"]
    got = json.loads(CliRunner().invoke(app, north).stdout)
    hired = {hire["role"] for hire in got["calendar"]}
    assert hired and all(role.startswith("north__") for role in hired), hired
    assert ("plan", "north") in {(lim["family"], lim["subject"]) for lim in got["limits"]}
