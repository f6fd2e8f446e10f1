"""Print, per bundled scenario and case file, the first plan simulated as it stands.

The figures that ``tests/test_first_plan.py`` asserts: iteration 1 of the verify loop
(no margin), with the test's replications, against what the optimiser expected.

    .venv/bin/python scripts/first_plan.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer import verify
from sim import kpi_value
from teamsim.io import load_scenario
from tests.test_first_plan import FILES, _path


def main() -> None:
    for name, n in FILES.items():
        sc = load_scenario(_path(name))
        it = verify(sc, replications=n, max_iterations=1, workers=2).iterations[0]
        kpis = it.result.kpis
        held = ", ".join(f"{m.role} {m.ratio:.2f}" for m in it.measures if m.planned_dials > 0)
        if sc.segments:
            mean, sd = kpi_value(kpis, "attainment"), kpi_value(kpis, "attainment", "sd")
            half = 1.96 * sd / math.sqrt(n)
            expected = it.plan.expected_attainment or math.nan
            outcome = f"attainment {mean:.1%} +-{half:.1%}, expected {expected:.1%}"
        else:
            level = kpi_value(kpis, "inbound_service_level")
            line = it.plan.services[0]
            outcome = (
                f"service level {level:.1%}, expected {line.expected_service_level:.1%}, "
                f"target {line.service_level_target:.0%}"
            )
        print(f"{name}: {n} replications: {outcome}; days held: {held or '-'}", flush=True)


if __name__ == "__main__":
    main()
