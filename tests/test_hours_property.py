"""The optimiser's hours are the simulator's hours, on random small teams.

For each drawn scenario the optimiser's plan is applied and simulated; per role and
time-use activity, the planned hours a week (``Plan.duties``) and the simulated hours a
week over the counted days agree within 15 % and half an hour a week. The tolerance
covers the spread of six replications and the deals still in flight at the horizon's
end, whose later stages and approvals the counted days do not hold.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings

from optimizer import PlanError, plan
from optimizer.measure import apply_plan
from sim import simulate
from sim.scenario import Scenario
from tests.random_scenarios import small_scenarios

NOT_WORK = {"idle", "absent", "overtime"}


def hours_side_by_side(sc: Scenario) -> pd.DataFrame | None:
    """Planned and simulated hours a week per (role, activity); None if no plan exists."""
    try:
        p = plan(sc, marginals=False)
    except PlanError:
        return None
    result = simulate(apply_plan(sc, p), 6, workers=1)
    frames = result.frames
    counted = frames.time_use.loc[frames.time_use["day"] >= frames.window.warmup_days]
    per_week = sc.calendar.working_days_per_week / 60.0
    days = len(frames.replications) * frames.window.counted_days
    simulated = counted.groupby(["role", "activity"])["minutes"].sum() / days * per_week
    planned = pd.Series({(d.role, d.activity): d.hours_per_week for d in p.duties})
    both = pd.DataFrame({"planned": planned, "simulated": simulated}).fillna(0.0)
    return both.loc[~both.index.get_level_values(1).isin(NOT_WORK)]


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    # Each example simulates; shrinking a failure would take minutes, so it is not done.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(small_scenarios())
def test_planned_hours_are_the_simulated_hours(sc: Scenario) -> None:
    both = hours_side_by_side(sc)
    event("no plan within the limits" if both is None else "planned and simulated")
    if both is None:
        return
    off = both.loc[(both["simulated"] - both["planned"]).abs() > 0.15 * both["planned"] + 0.5]
    assert off.empty, f"\n{both.round(2)}"
