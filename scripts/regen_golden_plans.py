"""Regenerate tests/golden/plans/*.json from the bundled scenarios (CBC).

Run explicitly, and only when a change of the plans is intended:
    .venv/bin/python scripts/regen_golden_plans.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.optimizer_golden import GOLDEN, ROOT, summary


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        target = GOLDEN / f"{path.stem}.json"
        target.write_text(json.dumps(summary(path), indent=2, sort_keys=True) + "\n")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
