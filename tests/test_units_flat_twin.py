"""A team written as one unit plans and simulates as the team (issue 14's guard).

Units change what crosses between offices; a network of one unit has nothing to cross,
so its plan and its frames must be the flat file's, bar columns that only name the unit.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim import SimMode, simulate
from teamsim.io import load_scenario
from tests.frame_golden import OVERRIDES, ROOT, SEED
from tests.optimizer_golden import summary
from tests.units_helpers import HQ, one_unit_overrides

BANK = ROOT / "scenarios" / "retail_bank.yaml"
DESK = ROOT / "scenarios" / "support_desk.yaml"
UNIT_COLUMNS = {"org_unit"}  # the unit's name; nothing else may differ


@pytest.mark.parametrize("path", [BANK, DESK], ids=lambda p: p.stem)
def test_one_unit_simulates_as_the_team(path) -> None:  # type: ignore[no-untyped-def]
    flat = load_scenario(path, OVERRIDES)
    unit = load_scenario(path, (*OVERRIDES, *one_unit_overrides(path)))
    assert set(unit.role_units.values()) == {HQ}
    a = simulate(flat, replications=1, seed=SEED, workers=1, mode=SimMode.BLOCK).frames.tables()
    b = simulate(unit, replications=1, seed=SEED, workers=1, mode=SimMode.BLOCK).frames.tables()
    assert a.keys() <= b.keys()
    assert (b["people"]["org_unit"] == HQ).all()
    for name, table in a.items():
        assert set(table.get("org_unit", [""])) <= {""}
        # Inbound requests of a channel without a unit belong to no unit.
        assert set(b[name].get("org_unit", [HQ])) <= {HQ, ""}
        flat = table.drop(columns=list(UNIT_COLUMNS & set(table.columns)))
        other = b[name].drop(columns=list(UNIT_COLUMNS & set(b[name].columns)))
        pd.testing.assert_frame_equal(flat, other, obj=f"{path.stem}: {name}")


def test_one_unit_plans_as_the_team() -> None:
    assert summary(BANK, overrides=one_unit_overrides(BANK)) == summary(BANK)
