"""The verify loop's calibration input: less real capacity never needs fewer people."""

from __future__ import annotations

import pytest

import optimizer
from teamsim.io import load_scenario

SCENARIO = load_scenario("scenarios/retail_bank.yaml")


def _line(plan: optimizer.Plan) -> int:
    return sum(r.headcount for r in plan.roles if r.level == "line")


def test_capacity_factor_one_changes_nothing() -> None:
    base = optimizer.plan(SCENARIO, marginals=False)
    same = optimizer.plan(SCENARIO, marginals=False, capacity_factor={"client_manager": 1.0})
    assert _line(base) == _line(same)
    assert base.cost_per_month == pytest.approx(same.cost_per_month)


def test_less_capacity_needs_at_least_as_many_sellers() -> None:
    heads = [
        _line(optimizer.plan(SCENARIO, marginals=False, capacity_factor={"client_manager": f}))
        for f in (1.0, 0.85, 0.7)
    ]
    assert heads == sorted(heads)
    assert heads[-1] > heads[0]


def test_capacity_factor_is_checked() -> None:
    with pytest.raises(ValueError, match="capacity_factor"):
        optimizer.plan(SCENARIO, capacity_factor={"ghost": 0.9})
    with pytest.raises(ValueError, match="capacity_factor"):
        optimizer.plan(SCENARIO, capacity_factor={"client_manager": 0.0})
