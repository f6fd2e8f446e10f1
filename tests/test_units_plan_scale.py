"""Many alike branches are sized fast and alike (issue 14; optimizer.alike).

Alike units get ordering rows only when the built model cannot tell them apart; a branch
with one field changed is sized on its own; the rows never change a plan's cost.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import optimizer.model as optimizer_model
from optimizer import plan
from optimizer.model import PlanMode, build
from optimizer.rates import rates
from teamsim.cli import app
from teamsim.io import load_scenario
from tests.frame_golden import ROOT
from tests.test_units_plan import ALIKE, NETWORK, _branches

BANK = ROOT / "scenarios" / "retail_bank.yaml"


def _model(path: Path, overrides: tuple[str, ...] = ()) -> optimizer_model.Model:
    sc = load_scenario(path, overrides)
    return build(sc, rates(sc), PlanMode.SIZING)


def _alike_rows(model: optimizer_model.Model) -> list[str]:
    return [name for name in model.constraints if name.startswith("alike_")]


def test_two_alike_branches_are_one_class_and_two_unalike_are_not() -> None:
    alike = _model(NETWORK, ALIKE)
    assert alike.alike == [["north", "south"]]
    assert _alike_rows(alike) == ["alike_north_south", "alike_n_north_south"]
    # two_branches.yaml as written: North has 7 client managers now, South 5, so the
    # rules (pool shares, referral split) differ: no class, no row.
    assert _model(NETWORK).alike == []
    # A flat team has no units: no row at all (golden plans unchanged).
    assert _alike_rows(_model(BANK)) == []


def test_a_branch_with_one_field_changed_is_sized_on_its_own(tmp_path: Path) -> None:
    path = _branches(4, tmp_path, growth=1.5)
    assert _model(path).alike == [["b00", "b01", "b02", "b03"]]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["roles"]["b02__client_manager"]["monthly_cost"] = 96000
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    model = _model(path)
    assert model.alike == [["b00", "b01", "b03"]]
    assert not any("b02" in name for name in _alike_rows(model))
    assert "alike_b01_b03" in model.constraints


def test_the_alike_rows_never_change_the_cost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sc = load_scenario(_branches(6, tmp_path, growth=1.5))
    ordered = plan(sc, "sizing", "cbc", marginals=False)
    monkeypatch.setattr(optimizer_model, "_alike", lambda model: None)
    free = plan(sc, "sizing", "cbc", marginals=False)
    assert ordered.cost_per_month == pytest.approx(free.cost_per_month)
    heads = {r.role: r.headcount for r in ordered.roles}
    line = [heads[f"b{i:02d}__client_manager"] for i in range(6)]
    # The sizes are the free plan's, forced in the branches' order.
    free_line = sorted((r.headcount for r in free.roles if "client" in r.role), reverse=True)
    assert line == free_line and min(line) >= 4


def test_a_solve_stopped_by_its_time_limit_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the alike rows CBC cannot prove 20 growing branches in a second; it has a
    # plan from its first heuristics, returned with a note instead of passing for proven,
    # which says how far from the best possible it may be, by the bound CBC proved.
    sc = load_scenario(_branches(20, tmp_path, growth=1.5))
    least = plan(sc, "sizing", "cbc", marginals=False)  # proven, with the alike rows
    monkeypatch.setattr(optimizer_model, "_alike", lambda model: None)
    p = plan(sc, "sizing", "cbc", marginals=False, time_limit_s=1.0)
    (note,) = [n for n in p.notes if "time limit" in n]
    found = re.fullmatch(
        r"The cbc solver stopped at its time limit of 1 s: this plan is the best it found, "
        r"not proven least-cost \(at most ([0-9.]+) % from the best possible, by the bound "
        r"it proved\); allow more time \(teamsim plan --time-limit, time_limit_s in the API\) "
        r"or try --solver highs",
        note,
    )
    assert found, note
    gap = float(found[1]) / 100.0
    # The bound holds: the least cost is no lower than it (the objective is the cost plus
    # tie-breaks of about 0.1 %, and the note's share has three digits), and the plan
    # found is no cheaper than the least.
    assert 0.0 < gap < 0.5
    assert p.cost_per_month >= least.cost_per_month
    assert least.cost_per_month >= p.cost_per_month * (1.0 - gap) * (1.0 - 2e-3)


def test_the_proven_gap_of_a_proven_plan_is_none_or_zero(tmp_path: Path) -> None:
    from optimizer.model import PlanMode, build
    from optimizer.solve import proven_gap, solve
    from optimizer.solvers import make_solver

    sc = load_scenario(_branches(4, tmp_path, growth=1.5))
    for name in ("cbc", "highs"):
        model = build(sc, rates(sc), PlanMode.SIZING)
        solver = make_solver(name)
        assert solve(model.problem, solver)
        gap = proven_gap(model.problem, solver)
        # CBC prints no bound for a proven optimum; HiGHS's dual bound meets the plan.
        if name == "cbc":
            assert gap is None or gap < 1e-4, (name, gap)
        else:
            assert gap is not None and gap < 1e-4, (name, gap)


def test_plan_time_limit_gives_the_best_plan_found_with_the_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(optimizer_model, "_alike", lambda model: None)
    path = _branches(20, tmp_path, growth=1.5)
    result = CliRunner().invoke(app, ["plan", str(path), "--time-limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert any("stopped at its time limit of 1 s" in n for n in data["notes"]), data["notes"]
    # Its re-solves of one more person stop at the limit too, and are marked approximate.
    assert any("so read it as approximate" in n for n in data["notes"]), data["notes"]
    assert {u["org_unit"] for u in data["units"]} >= {f"b{i:02d}" for i in range(20)}


def test_time_limit_is_for_a_plain_plan_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", str(NETWORK), "--time-limit", "5", "--verify"])
    assert result.exit_code == 2
    assert "--time-limit caps the solves of a plain plan" in result.output


def test_a_marginal_re_solve_stopped_by_its_time_limit_is_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What one more person is worth is the difference of two solves; one stopped at its
    # time limit is two unproven plans apart, and the plan's note must say so.
    from optimizer import planner
    from optimizer.solvers import make_solver

    monkeypatch.setattr(optimizer_model, "_alike", lambda model: None)
    sc = load_scenario(_branches(20, tmp_path, growth=1.5))
    heads = {rid: role.headcount.current for rid, role in sc.roles.items()}
    bounds = {rid: (role.headcount.min, role.headcount.max) for rid, role in sc.roles.items()}
    stopped: list[str] = []
    cost = planner._objective_with(
        sc,
        rates(sc),
        solver=make_solver("cbc", 1.0),
        budget=None,
        bounds=bounds,
        heads=heads,
        role_id="b00__client_manager",
        people=6,
        cost_change=95000.0,
        stopped=stopped,
    )
    assert cost is not None and stopped == ["b00__client_manager"]


def test_the_note_names_the_roles_whose_re_solves_stopped() -> None:
    from optimizer.planner import _stopped_roles

    assert _stopped_roles(["b00__lead", "b00__lead", "b01__seller"]) == "b00__lead, b01__seller"
    five = [f"r{i}" for i in range(5)]
    assert _stopped_roles(five) == "5 roles (r0, r1, r2, ...)"


def test_a_branchs_referral_leads_are_named_by_its_own_partners() -> None:
    # Each branch's partners refer to that branch only (sim.rules.reach): its roles'
    # referral rows name that channel alone, and they add up to its leads (the card
    # once named every branch's partners, with the branch's own figures).
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_network import growing_network

    sc = growing_network(3)
    p = plan(sc, "sizing", "cbc", marginals=False)
    channels = {c.channel: c.leads_per_month for c in p.channels}
    for b in ("b000", "b001", "b002"):
        rows = [c for c in p.role_channels if c.role.startswith(f"{b}__") and c.kind == "referral"]
        assert {c.channel for c in rows} == {f"{b}__partners"}
        got = sum(c.leads_per_month for c in rows)
        assert got == pytest.approx(channels[f"{b}__partners"], rel=1e-6)


def test_alike_branches_share_their_marginal_re_solves_with_the_same_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from optimizer import planner
    from optimizer.alike import first_alike

    groups = [["b00", "b01"], ["x", "y"]]
    assert first_alike("b01__client_manager", groups) == "b00__client_manager"
    assert first_alike("regional_head", groups) == "regional_head"
    assert first_alike("b010__client_manager", groups) == "b010__client_manager"
    sc = load_scenario(_branches(4, tmp_path, growth=1.5))
    shared = {m.role: (m.one_more, m.one_fewer) for m in plan(sc, "sizing", "cbc").marginals}
    # Every role re-solved on its own: the same values.
    resolve = planner._resolve_values
    monkeypatch.setattr(
        planner, "_resolve_values", lambda *a, **k: resolve(*a, **{**k, "alike": ()})
    )
    alone = {m.role: (m.one_more, m.one_fewer) for m in plan(sc, "sizing", "cbc").marginals}
    assert shared == alone
