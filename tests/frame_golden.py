"""Fingerprints of the bundled scenarios' simulated frames (for the test and the script).

A guard for refactors that must not move a simulated number (issue 13's stages,
docs/dev/inbound_plan.md section 10): each column of each frame table of a short run of
every bundled scenario, in both modes, is reduced to a fingerprint. New tables and new
columns are allowed; a stored column that changes or goes missing is not.

Why fingerprints compared with a tolerance and not hashes of the bits: CI installs on
another machine, whose numpy may take another SIMD path for exp, log or a sum and move a
value by an ulp. A numeric column is kept as its count, its NaN count and two exact sums
(math.fsum): of its values, and of its values weighted by a fixed pseudo-random weight per
row (so a changed, moved or swapped value shows). Two fingerprints agree when the counts
are equal and each sum within 1e-9 of the column's scale (the sum of absolute values).
Text and dates are deterministic and kept as a SHA-256 of their characters.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import SimMode, simulate
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "frames"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# Short enough for a fast test, long enough that every frame table has rows.
OVERRIDES = ("calendar.horizon_days=40", "calendar.warmup_days=10")
REPLICATIONS = 1
SEED = 20270104
# Relative to a column's sum of absolute values: far above an ulp's drift over a few
# thousand rows (about 1e-13), far below any change a model edit makes.
RELATIVE_TOLERANCE = 1e-9


def _row_weights(n: int) -> np.ndarray:
    """Fixed weights in [1, 2), one per row, the same on every machine (integer hashing)."""
    i = np.arange(n, dtype=np.uint64)
    mixed = (i * np.uint64(2654435761) + np.uint64(12345)) % np.uint64(1_000_003)
    return 1.0 + mixed.astype(np.float64) / 1_000_003.0


def fingerprint(values: pd.Series) -> dict[str, Any]:
    """A column's fingerprint: numbers by count and sums, the rest by a SHA-256 of its text.

    The dtype is left out (a column of the same numbers stored as category or as string
    keeps its fingerprint, as does an int column stored as float).
    """
    if pd.api.types.is_bool_dtype(values) or (
        pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype)
    ):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = ~np.isnan(numbers)
        kept = numbers[finite]
        weights = _row_weights(len(numbers))[finite]
        return {
            "n": len(numbers),
            "nan": int((~finite).sum()),
            "sum": math.fsum(kept.tolist()),
            "weighted": math.fsum((kept * weights).tolist()),
            "scale": math.fsum(np.abs(kept * weights).tolist()),
        }
    h = hashlib.sha256()
    if pd.api.types.is_datetime64_any_dtype(values):
        h.update(b"dt:" + "\x1f".join(values.astype(str)).encode())
    else:
        h.update(b"txt:" + "\x1f".join("" if pd.isna(v) else str(v) for v in values).encode())
    return {"n": len(values), "text": h.hexdigest()}


def agrees(have: dict[str, Any] | None, want: dict[str, Any]) -> bool:
    """Whether two fingerprints describe the same column (exact counts, sums within tolerance)."""
    if have is None or have.keys() != want.keys():
        return False
    if "text" in want:
        return bool(have == want)
    if (have["n"], have["nan"]) != (want["n"], want["nan"]):
        return False
    allowed = RELATIVE_TOLERANCE * max(want["scale"], 1.0)
    return all(abs(have[k] - want[k]) <= allowed for k in ("sum", "weighted", "scale"))


def fingerprints(path: Path) -> dict[str, Any]:
    """Rows and column fingerprints of every frame table, by mode, for one bundled scenario."""
    sc = load_scenario(path, OVERRIDES)
    result: dict[str, Any] = {"scenario": path.name, "overrides": list(OVERRIDES)}
    result.update({"replications": REPLICATIONS, "seed": SEED})
    for mode in SimMode:
        run = simulate(sc, replications=REPLICATIONS, seed=SEED, workers=1, mode=mode)
        result[mode.value] = {
            name: {
                "rows": len(table),
                "columns": {str(col): fingerprint(table[col]) for col in table.columns},
            }
            for name, table in run.frames.tables().items()
        }
    return result


def moved_columns(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every stored table or column of `want` that `got` lacks or changes, as mode/table.column."""
    moved = []
    for mode, tables in want.items():
        if not isinstance(tables, dict):
            if got.get(mode) != tables:
                moved.append(f"run setting {mode}: {got.get(mode)!r}, stored {tables!r}")
            continue
        for name, table in tables.items():
            have = got.get(mode, {}).get(name)
            if have is None:
                moved.append(f"{mode}/{name}: table missing")
                continue
            if have["rows"] != table["rows"]:
                moved.append(f"{mode}/{name}: {have['rows']} rows, stored {table['rows']}")
                continue
            moved += [
                f"{mode}/{name}.{col}"
                for col, stored in table["columns"].items()
                if not agrees(have["columns"].get(col), stored)
            ]
    return moved
