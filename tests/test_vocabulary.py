"""Vocabularies that travel as strings are enums defined once (STYLE.md, habit 14).

Time-use activities and the kinds of waits are ``sim.rules.TimeUse``, the simulator's
mode ``sim.SimMode``, the optimiser's mode ``optimizer.PlanMode``. The public functions
still accept the plain strings (the enums are StrEnums); no module spells a member's
value as a bare string literal instead of naming the member. One name means one thing:
``SalesPlan`` is what the team must sell, ``optimizer.Plan`` what the optimiser answers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from model_helpers import canonical, team, tiny

import optimizer
import sim.scenario.work
from optimizer import PlanMode, plan
from sim import SimMode, simulate
from sim.model import run_replication
from sim.rules import DUTY_PREFIX, TimeUse
from sim.scenario import SalesPlan, Scenario
from tests.optimizer_helpers import scenario
from tests.optimizer_helpers import tiny as tiny_plan

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "optimizer", "teamsim", "dashboard")
WORDS = {
    m.value: f"{enum.__name__}.{m.name}" for enum in (TimeUse, SimMode, PlanMode) for m in enum
}
WAIT_KINDS = {TimeUse.APPROVAL.value, TimeUse.ESCALATION.value, TimeUse.INBOUND.value}

# The same words in other vocabularies, each with its own home.
OTHER_VOCABULARIES = {
    ("sim/kpis.py", "calls"): "the unit of a KPI (a count of calls)",
    ("sim/results.py", "calls"): "the table of call-day records",
    ("teamsim/store.py", "calls"): "the stored table of call-day records (DETAIL_TABLES)",
    ("sim/scenario/consistency.py", "calls"): "a field path of the scenario",
    ("sim/scenario/consistency.py", "approval"): "a field path of the scenario",
    ("sim/rules/checks.py", "approval"): "a field path of the scenario",
    ("optimizer/extract.py", "inbound"): "a constraint family of the model (inbound_<channel>)",
    ("sim/inbound_intervals.py", "overtime"): "a column: requests answered after the day's end",
    ("sim/kpis.py", "overtime"): "the column of requests answered after the day's end",
}


def _exempt(tree: ast.Module) -> set[int]:
    """Constants that may spell a value: docstrings, enum members, ``Literal[...]`` types."""
    out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
        if isinstance(node, ast.ClassDef) and any(
            ast.unparse(b).endswith("Enum") for b in node.bases
        ):
            out.update(
                id(s.value)
                for s in node.body
                if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
            )
        if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Literal"):
            out.update(id(c) for c in ast.walk(node.slice))
    return out


def test_no_module_spells_a_vocabulary_as_a_bare_string() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), rel)
            exempt = _exempt(tree)
            for node in ast.walk(tree):
                value = getattr(node, "value", None)
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(value, str)
                    and value in WORDS
                    and id(node) not in exempt
                    and (rel, value) not in OTHER_VOCABULARIES
                ):
                    found.append(f"{rel}:{node.lineno}: {value!r}, use {WORDS[value]}")
    assert not found, "bare vocabulary strings:\n" + "\n".join(found)


def test_a_runs_activities_and_waits_are_the_enums_words() -> None:
    records = run_replication(team(), 0, 3)
    activities = {r.activity for r in records.time_use}
    plain = {a for a in activities if not a.startswith(DUTY_PREFIX)}
    assert plain <= {m.value for m in TimeUse}
    assert {TimeUse.CALLS, TimeUse.INBOUND, TimeUse.IDLE} <= plain
    kinds = {w.kind for w in records.waits}
    assert kinds <= WAIT_KINDS
    assert {TimeUse.APPROVAL, TimeUse.INBOUND} <= kinds


def test_the_simulators_mode_is_one_enum_that_accepts_its_values() -> None:
    sc = tiny()
    assert canonical(run_replication(sc, 0, 5, mode="per_call")) == canonical(
        run_replication(sc, 0, 5, mode=SimMode.PER_CALL)
    )
    result = simulate(sc, 1, seed=5, workers=1, mode="block")
    assert result.mode is SimMode.BLOCK
    assert f"{result.mode} mode" == "block mode"
    with pytest.raises(ValueError, match="mode must be 'block' or 'per_call', got 'fast'"):
        simulate(sc, 1, workers=1, mode="fast")
    with pytest.raises(ValueError, match="got 'fast'"):
        run_replication(sc, 0, 5, mode="fast")


def test_the_optimisers_mode_is_one_enum_that_accepts_its_values() -> None:
    sc = scenario(tiny_plan())
    by_value = plan(sc, mode="sizing", marginals=False)
    by_member = plan(sc, mode=PlanMode.SIZING, marginals=False)
    assert by_value.mode is PlanMode.SIZING
    assert by_value.to_dict() == by_member.to_dict()
    assert plan(sc, mode="allocation", marginals=False).mode is PlanMode.ALLOCATION
    with pytest.raises(ValueError, match="mode must be one of sizing, allocation, got 'size'"):
        plan(sc, mode="size")


def test_the_sales_plan_and_the_optimisers_plan_have_different_names() -> None:
    # SalesPlan: what the team must sell (the scenario's ``plan:``); Plan: the optimiser's answer.
    assert Scenario.model_fields["plan"].annotation is SalesPlan
    assert SalesPlan is not optimizer.Plan and optimizer.Plan.__name__ == "Plan"
    assert not hasattr(sim.scenario, "Plan") and not hasattr(sim.scenario.work, "Plan")
    schema = Scenario.model_json_schema()
    assert "SalesPlan" in schema["$defs"] and "Plan" not in schema["$defs"]
    assert schema["properties"]["plan"]["$ref"] == "#/$defs/SalesPlan"
