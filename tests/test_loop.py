"""The simulate-and-optimise loop: reaches the target, or stops and says why."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import optimizer
import sim
from optimizer.loop import _next_margin, _recalibrate_capacity, verify
from optimizer.measure import apply_plan, attainment_quantile, measure_roles
from sim.rules.people import daily_dials
from sim.stats import wilson_interval
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.store import Store

RETAIL = "scenarios/retail_bank.yaml"


def test_apply_plan_sets_headcounts_and_quotas() -> None:
    sc = load_scenario(RETAIL)
    plan = optimizer.plan(sc, marginals=False)
    applied = apply_plan(sc, plan)
    for line in plan.roles:
        assert applied.roles[line.role].headcount.current == line.headcount
        assert applied.roles[line.role].headcount.max == sc.roles[line.role].headcount.max
    seller = next(r for r in plan.roles if r.role == "client_manager")
    cap = sc.policies.max_calls_per_day
    quota = daily_dials(applied, "client_manager")
    assert quota == min(cap, math.ceil(seller.dials_per_day - 1e-6))
    assert applied.plan == sc.plan
    # Sellers dial only the outbound channels the plan allocates leads to.
    planned = {c.channel for c in plan.channels if c.kind in ("warm", "cold") and c.dials_per_month}
    outbound = {
        c
        for c in applied.roles["client_manager"].channels or []
        if applied.channels[c].kind in ("warm", "cold")
    }
    assert outbound == planned
    assert "partners" in (applied.roles["client_manager"].channels or [])


def test_recalibration_arithmetic() -> None:
    from optimizer.measure import RoleMeasure

    measures = (
        RoleMeasure("seller", planned_dials=50.0, realised_dials=40.0, utilisation=0.8),
        RoleMeasure("lead", planned_dials=10.0, realised_dials=9.9, utilisation=0.5),
        RoleMeasure("head", planned_dials=0.0, realised_dials=0.0, utilisation=0.3),
    )
    assert _recalibrate_capacity({}, measures) == {"seller": 0.8}
    assert _recalibrate_capacity({"seller": 0.8}, measures) == {"seller": 0.64}


def _result_with_attainment(values: list[float]) -> sim.SimResult:
    sc = load_scenario(RETAIL, ["calendar.horizon_days=30"])
    result = sim.simulate(sc, 2, workers=1)
    frame = pd.DataFrame({"replication": range(len(values)), "attainment": values})
    # One counted month a replication, plan 1: each month's attainment is its value.
    months = pd.DataFrame(
        {"replication": range(len(values)), "month": 0, "revenue": values, "target": 1.0}
    )
    from dataclasses import replace

    frames = replace(result.frames, attainment_month=months)
    return replace(result, kpi_replications=frame, frames=frames)


def test_margin_lifts_the_low_quantile_to_one() -> None:
    result = _result_with_attainment([0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8])
    low = attainment_quantile(result, 0.2)
    assert low == pytest.approx(1.0)
    assert _next_margin(1.0, result, 0.8) == 1.03  # at least a small step
    result = _result_with_attainment([0.5] * 10)
    assert _next_margin(1.0, result, 0.8) == 1.5  # at most 50 % at once
    result = _result_with_attainment([0.8] * 10)
    assert _next_margin(1.1, result, 0.8) == pytest.approx(1.375)


def test_measures_count_only_days_at_work_after_warmup() -> None:
    sc = load_scenario(RETAIL, ["calendar.horizon_days=45"])
    plan = optimizer.plan(sc, marginals=False)
    applied = apply_plan(sc, plan)
    result = sim.simulate(applied, 2, workers=1)
    measures = {m.role: m for m in measure_roles(result, plan)}
    calls = result.frames.calls
    util = result.frames.utilisation_day
    warm = sc.calendar.warmup_days
    people = result.frames.people.drop_duplicates("person").set_index("person")["role"]
    mine = calls.loc[(calls["day"] >= warm) & (calls["person"].map(people) == "client_manager")]
    days = util.loc[
        (util["day"] >= warm) & (util["available_min"] > 0) & (util["role"] == "client_manager")
    ]
    assert measures["client_manager"].realised_dials == pytest.approx(
        mine["dials"].sum() / len(days)
    )
    # Dials a busy day could not hold are made later, never above the day's cap.
    cap = applied.policies.max_calls_per_day * applied.roles["client_manager"].sells
    assert 0 < measures["client_manager"].realised_dials <= cap


@pytest.mark.slow
def test_loop_reaches_the_target_on_the_default_scenario() -> None:
    sc = load_scenario(RETAIL)
    verified = verify(sc, replications=20, workers=2)
    assert verified.met, verified.reason
    final = verified.final
    assert final.p_plan_met >= sc.plan.confidence
    assert "reaches" in verified.reason
    table = verified.iterations_table()
    assert list(table["iteration"]) == list(range(1, len(verified.iterations) + 1))
    assert table["change"].iloc[-1] == "target reached"
    # The final plan carries what one more person is worth (re-solved at the end).
    assert final.plan.marginals

    # Fresh seeds: the verified team is not a lucky draw. 40 new replications must not
    # be significantly below the confidence (the Wilson interval reaches it).
    fresh = sim.simulate(final.scenario, 40, seed=sc.seed + 1_000_003, workers=2)
    met = fresh.kpi_replications["plan_met"].to_numpy(dtype=float)
    low, high = wilson_interval(float(met.sum()), len(met))
    assert high >= sc.plan.confidence, (met.mean(), low, high)


@pytest.mark.slow
def test_loop_stops_with_a_reason_when_the_margin_cannot_be_staffed() -> None:
    # Enough sellers for the expected plan, not for the margin its spread needs.
    sc = load_scenario(
        RETAIL,
        [
            "plan.revenue_per_month=44000000",
            "roles.client_manager.headcount={current: 12, min: 6, max: 12}",
        ],
    )
    verified = verify(sc, replications=10, workers=2, max_iterations=4)
    assert not verified.met
    assert "cannot be staffed" in verified.reason or "below" in verified.reason
    assert verified.final.p_plan_met < sc.plan.confidence
    assert all(it.change for it in verified.iterations)


def test_impossible_from_the_start_raises_the_optimisers_explanation() -> None:
    sc = load_scenario(RETAIL, ["plan.revenue_per_month=1000000000000"])
    with pytest.raises(optimizer.InfeasiblePlanError):
        verify(sc, replications=2, workers=1)


runner = CliRunner()


def _verify_cli(scenario: str, store: Path, *extra: str) -> Any:
    """`teamsim plan SCENARIO --verify` with few replications, in this process."""
    args = ["plan", scenario, "--verify", "--replications", "3", "--iterations", "2"]
    return runner.invoke(app, [*args, "--workers", "1", "--store", str(store), *extra])


def test_cli_verify_stores_the_run_and_prints_the_iterations(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    result = _verify_cli(RETAIL, store, "--set", "calendar.horizon_days=65")
    assert result.exit_code in (0, 3), result.output
    assert "Iterations" in result.output and "Call quotas" in result.output
    runs = Store(store).list_runs()
    assert runs["kind"].tolist() == ["verify"]
    run_id = str(runs["run_id"].iloc[0])
    tables = Store(store).run_meta(run_id)["tables"]
    assert {"iterations", "quotas", "plan_roles", "kpis", "attainment_by_month"} <= set(tables)
    assert "time_use" not in tables  # raw event tables only with --detail (issue 11)
    assert Store(store).run_meta(run_id)["params"]["overrides"] == ["calendar.horizon_days=65"]


@pytest.mark.parametrize("name", ["auto_credit_partners", "b2b_smb", "b2g_tenders", "support_desk"])
def test_cli_verify_on_every_bundled_scenario(tmp_path: Path, name: str) -> None:
    store = tmp_path / "runs.duckdb"
    result = _verify_cli(f"scenarios/{name}.yaml", store)
    assert result.exit_code in (0, 3), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "plan verified" in result.output or "plan NOT verified" in result.output
    assert Store(store).list_runs()["kind"].tolist() == ["verify"]


@pytest.mark.slow
def test_a_desk_is_verified_on_its_service_target() -> None:
    desk = load_scenario("scenarios/support_desk.yaml")
    verified = verify(desk, replications=10, workers=2)
    assert verified.met, verified.reason
    assert "P(service target met)" in verified.reason
    first, final = verified.iterations[0], verified.final
    agents = {it.number: it.plan.levels.get("line", 0) for it in verified.iterations}
    assert agents[final.number] >= agents[first.number]
    target = desk.channels["support_requests"].service_level_target  # type: ignore[union-attr]
    levels = final.result.kpi_replications["inbound_service_level"]
    assert (levels >= target).mean() >= desk.plan.confidence
