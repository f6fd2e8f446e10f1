"""The bundled scenarios' simulated frames stay as they are (issue 13's guard, stage S0).

Each stored column of each frame table (tests/golden/frames, written by
scripts/frame_digests.py from a 40-day run of each bundled scenario, one replication, in
block and per-call mode) must keep its fingerprint (tests/frame_golden.py: counts exact,
sums within 1e-9 of the column's scale); new tables and columns are allowed.
Regenerating them is a deliberate commit that says which numbers moved and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.frame_golden import GOLDEN, SCENARIOS, agrees, fingerprint, fingerprints, moved_columns


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_frames_keep_their_fingerprints(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    assert golden.exists(), f"no fingerprints: run scripts/frame_digests.py to add {golden.name}"
    moved = moved_columns(json.loads(golden.read_text()), fingerprints(path))
    assert not moved, (
        f"{path.name}: simulated frames moved (if intended, run scripts/frame_digests.py):\n"
        + "\n".join(moved)
    )


def test_a_fingerprint_sees_a_changed_or_swapped_value_and_ignores_the_dtype() -> None:
    base = fingerprint(pd.Series([1.0, 2.5, float("nan"), 4.0]))
    assert agrees(fingerprint(pd.Series([1.0, 2.5, float("nan"), 4.0])), base)
    # An ulp of drift is allowed (another machine's libm), a change of 1e-6 is not.
    assert agrees(fingerprint(pd.Series([1.0, 2.5 + 2**-51, float("nan"), 4.0])), base)
    assert not agrees(fingerprint(pd.Series([1.0, 2.5 + 1e-6, float("nan"), 4.0])), base)
    # Same sum, values swapped: the row weights see it.
    assert not agrees(fingerprint(pd.Series([2.5, 1.0, float("nan"), 4.0])), base)
    # A NaN moved or a row added.
    assert not agrees(fingerprint(pd.Series([1.0, 2.5, 4.0, float("nan")])), base)
    assert not agrees(fingerprint(pd.Series([1.0, 2.5, float("nan"), 4.0, 0.0])), base)
    assert agrees(fingerprint(pd.Series([1, 2, 3])), fingerprint(pd.Series([1.0, 2.0, 3.0])))
    words = pd.Series(["a", "b", "a"])
    assert agrees(fingerprint(words.astype("category")), fingerprint(words))
    assert not agrees(fingerprint(pd.Series(["a", "a", "b"])), fingerprint(words))


def test_a_moved_column_or_missing_table_is_named() -> None:
    col = fingerprint(pd.Series([1.0, 2.0]))
    want = {"seed": 1, "block": {"days": {"rows": 2, "columns": {"x": col, "y": col}}}}
    other = fingerprint(pd.Series([1.0, 3.0]))
    got = {"seed": 1, "block": {"days": {"rows": 2, "columns": {"x": col, "y": other, "z": other}}}}
    assert moved_columns(want, got) == ["block/days.y"]
    assert moved_columns(want, {"seed": 2, "block": {}}) == [
        "run setting seed: 2, stored 1",
        "block/days: table missing",
    ]
