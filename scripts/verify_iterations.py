"""Print every iteration of the verify loop for scenario files (20 replications each).

    .venv/bin/python scripts/verify_iterations.py scenarios/*.yaml

One line per iteration: team by level, margin, the simulated outcome, P(plan met), the
capacity factors the plan was made with (none: the plan's own day) and what changed.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer import verify
from teamsim.io import load_scenario


def main(files: list[str]) -> None:
    for f in files:
        verified = verify(load_scenario(Path(f)), replications=20, workers=2)
        print(f"{Path(f).stem}: {'verified' if verified.met else 'NOT verified'}", flush=True)
        for it in verified.iterations:
            outcome = it.attainment if not math.isnan(it.attainment) else it.service_level
            caps = ", ".join(f"{r} {v:.2f}" for r, v in it.capacity_factor.items()) or "none"
            print(
                f"  {it.number}: team {dict(it.plan.levels)}, margin {it.plan_factor - 1:+.0%}, "
                f"outcome {outcome:.1%}, P {it.p_plan_met:.0%}, capacity factors {caps}; "
                f"{it.change}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
