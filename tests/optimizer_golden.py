"""The summary of a plan that golden files pin (shared by the test and the regen script)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optimizer import PlanError, plan
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "plans"
MODES = ("sizing", "allocation")


def summary(path: Path, solver: str = "cbc", overrides: Sequence[str] = ()) -> dict[str, Any]:
    """Headcount, cost, revenue and binding limits of each mode, or the error's relaxations."""
    sc = load_scenario(path, overrides)
    result: dict[str, Any] = {"scenario": path.name}
    for mode in MODES:
        try:
            p = plan(sc, mode, solver, marginals=False)
        except PlanError as exc:
            result[mode] = {"error": type(exc).__name__, "message": str(exc).splitlines()[0]}
            continue
        result[mode] = {
            "headcount": {r.role: r.headcount for r in p.roles},
            "levels": p.levels,
            "cost_per_month": round(p.cost_per_month, 2),
            "revenue_per_month": round(p.revenue_per_month, 2),
            "binding": sorted(lim.name for lim in p.limits),
        }
    return result
