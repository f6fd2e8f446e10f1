"""Golden plans of the bundled scenarios, and CBC and HiGHS agreeing on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.optimizer_golden import GOLDEN, ROOT, summary

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _close(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, int | float):
        return got == pytest.approx(want, rel=1e-6, abs=0.01)
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(_close(got[k], want[k]) for k in want)
    return bool(got == want)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_golden_plan(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    if not golden.exists():
        pytest.skip(f"no golden plan; run scripts/regen_golden_plans.py to add {golden.name}")
    want = json.loads(golden.read_text())
    got = json.loads(json.dumps(summary(path)))
    assert _close(got, want), (
        f"{path.name}: the plan changed; if intended, run scripts/regen_golden_plans.py\n"
        f"got:  {json.dumps(got, sort_keys=True)}\nwant: {json.dumps(want, sort_keys=True)}"
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_cbc_and_highs_agree(path: Path) -> None:
    cbc, highs = summary(path, "cbc"), summary(path, "highs")
    for mode in ("sizing", "allocation"):
        a, b = cbc[mode], highs[mode]
        assert ("error" in a) == ("error" in b), (mode, a, b)
        if "error" in a:
            assert a["error"] == b["error"]
            continue
        assert a["cost_per_month"] == pytest.approx(b["cost_per_month"], rel=1e-6)
        assert a["revenue_per_month"] == pytest.approx(b["revenue_per_month"], rel=1e-5)
        if mode == "allocation":
            assert a["headcount"] == b["headcount"]
