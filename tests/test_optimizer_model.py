"""Tiny instances solved by hand, infeasible and unbounded guards, monotonicity."""

from __future__ import annotations

import re

import pulp
import pytest

from optimizer import InfeasiblePlanError, plan
from optimizer.errors import SolverUnavailableError, UnboundedPlanError
from optimizer.model import build
from optimizer.rates import rates
from optimizer.solve import solve
from optimizer.solvers import make_solver
from teamsim.io import load_scenario
from tests.optimizer_helpers import MONTH_DAYS, scenario, tiny, with_manager

LEAD_MIN = 66.0  # 4 dials of 1.5 min + 60 min of stage work
LEAD_VALUE = 500.0


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_sizing_by_hand(solver: str) -> None:
    # 10 leads a day * 66 min = 660 min; 480 min a person -> 2 people.
    p = plan(scenario(tiny()), "sizing", solver)
    (seller,) = p.roles
    assert seller.headcount == 2
    assert p.cost_per_month == 200
    assert p.levels == {"line": 2}
    assert p.revenue_per_month == pytest.approx(5000 * MONTH_DAYS, rel=1e-6)
    assert seller.dials_per_day == pytest.approx(40 / 2, rel=1e-6)
    assert seller.naive_dials_per_day == pytest.approx(480 / 2)
    assert any(lim.family == "plan" for lim in p.limits)


def test_sizing_marginals_by_re_solve() -> None:
    p = plan(scenario(tiny()), "sizing")
    (m,) = p.marginals
    assert m.method == "re-solve"
    assert m.one_more == pytest.approx(100)  # a third seller only costs
    assert m.one_fewer is None  # one seller cannot meet the plan


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_allocation_by_hand(solver: str) -> None:
    # Two people, 960 min a day, each lead 66 min: the most revenue is 960/66 leads a day.
    p = plan(scenario(tiny()), "allocation", solver)
    leads = 2 * 480 / LEAD_MIN
    assert p.revenue_per_month == pytest.approx(leads * LEAD_VALUE * MONTH_DAYS, rel=1e-6)
    assert [x.person for x in p.persons] == ["seller.01", "seller.02"]
    # The LP may let one person dial and the other close: only the total is pinned.
    assert sum(x.dials_per_day for x in p.persons) == pytest.approx(leads * 4, rel=1e-6)
    for person in p.persons:
        assert person.utilisation == pytest.approx(1.0, rel=1e-6)
    (cap,) = [lim for lim in p.limits if lim.family == "capacity"]
    # One more hour a week: 60 / 5 min a day at 500/66 a minute, for an average month.
    # rel 1e-5: the objective's tiny tie-break on busy time shifts the dual a little.
    assert cap.marginal == pytest.approx(LEAD_VALUE / LEAD_MIN * 12 * MONTH_DAYS, rel=1e-5)
    (m,) = p.marginals
    assert m.method == "duals"
    assert m.one_more == pytest.approx(480 * LEAD_VALUE / LEAD_MIN * MONTH_DAYS, rel=1e-5)


def test_budget_buys_the_most_revenue() -> None:
    p = plan(scenario(tiny()), "sizing", budget=100)
    assert p.cost_per_month == 100
    assert p.revenue_per_month == pytest.approx(480 / LEAD_MIN * LEAD_VALUE * MONTH_DAYS, rel=1e-6)


def test_calls_cap_binds() -> None:
    p = plan(
        scenario(
            tiny(
                **{
                    "policies.max_calls_per_day": 10,
                    "policies.call_quota_per_day": 10,
                    "plan.revenue_per_month": 40_000,
                }
            )
        ),
        "allocation",
    )
    assert {lim.family for lim in p.limits} >= {"calls_cap"}
    assert all(x.dials_per_day == pytest.approx(10) for x in p.persons)


def test_impossible_plan_is_explained() -> None:
    data = tiny()
    data["roles"]["seller"]["headcount"] = {"current": 1, "min": 0, "max": 1}
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(scenario(data), "sizing")
    err = caught.value
    assert err.exit_code == 3
    kinds = {r.kind: r for r in err.relaxations}
    assert kinds["headcount"].amount == 1
    assert "allow 1 more (max 1 -> 2)" in str(err)
    # One seller sells at most 480/66 leads a day.
    reach = 480 / LEAD_MIN * LEAD_VALUE * MONTH_DAYS
    assert kinds["plan"].amount == pytest.approx(5000 * MONTH_DAYS - reach, rel=1e-6)
    # Written as every report writes money (sim.money, the scenario's locale), rounded
    # down to the digits said: a plan lowered to the figure said can be met.
    said = re.search(r"lower the plan to RUB\xa0([\d.]+)K a month", str(err))
    assert said is not None, str(err)
    assert 0.99 * reach <= float(said.group(1)) * 1000 <= reach


def test_impossible_allocation_names_the_missing_hours() -> None:
    data = tiny(**{"plan.revenue_per_month": 10_000 * MONTH_DAYS})
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(scenario(data), "allocation")
    kinds = {r.kind: r for r in caught.value.relaxations}
    # 20 leads a day take 1320 min; two people have 960: 360 min a day, 30 h a week.
    assert kinds["capacity"].amount == pytest.approx(30, rel=1e-6)
    assert "line-level hours a week" in str(caught.value)


def test_span_of_a_fixed_team_is_checked() -> None:
    data = with_manager(1)
    with pytest.raises(InfeasiblePlanError, match="beyond a span of 1"):
        plan(scenario(data), "allocation")


def test_unbounded_is_a_domain_error() -> None:
    problem = pulp.LpProblem("unbounded", pulp.LpMaximize)
    x = problem.add_variable("x", 0)
    problem += x
    problem += pulp.LpConstraint(x, pulp.LpConstraintGE, "floor", 1)
    with pytest.raises(UnboundedPlanError, match="unbounded"):
        solve(problem, make_solver("cbc"))


def test_unknown_solver_names_the_choices() -> None:
    with pytest.raises(SolverUnavailableError, match="cbc, highs"):
        make_solver("gurobi")


def test_constraint_families_are_named_from_their_indices() -> None:
    sc = scenario(with_manager(4))
    names = set(build(sc, rates(sc), "sizing").constraints)
    families = {"plan", "leads_seller_deal", "capacity_seller", "calls_cap_seller", "span_lead"}
    assert families <= names
    alloc = set(build(sc, rates(sc), "allocation").constraints)
    assert {"capacity_seller.01", "calls_cap_seller.02", "fair_hi_seller.01"} <= alloc


@pytest.mark.parametrize("span", [1, 2, 3])
def test_span_sizes_managers(span: int) -> None:
    p = plan(scenario(with_manager(span)), "sizing", marginals=False)
    heads = {r.role: r.headcount for r in p.roles}
    assert heads == {"seller": 2, "lead": -(-2 // span)}


def test_wider_span_never_needs_more_managers() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    supervisors = []
    for span in (3, 5, 8, 12):
        changed = sc.model_copy(
            update={
                "roles": {
                    **sc.roles,
                    "supervisor": sc.roles["supervisor"].model_copy(update={"max_span": span}),
                }
            }
        )
        p = plan(changed, "sizing", marginals=False)
        supervisors.append(next(r.headcount for r in p.roles if r.role == "supervisor"))
    assert supervisors == sorted(supervisors, reverse=True)


def test_higher_plan_never_costs_less() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    costs = []
    for target in (10e6, 20e6, 30e6, 45e6):
        changed = sc.model_copy(
            update={"plan": sc.plan.model_copy(update={"revenue_per_month": [target]})}
        )
        costs.append(plan(changed, "sizing", marginals=False).cost_per_month)
    assert costs == sorted(costs)
