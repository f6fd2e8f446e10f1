"""``optimizer.plan_hiring``: who to hire in which month, least cost meeting every month's plan.

Issue 12, stage S11 (docs/dev/hiring_plan.md, section 5): one round of the hiring model
(optimizer.hiring_model), solved and read back. The fixed point over the team-dependent
coefficients, budgets, the revenue and margin objectives and the explanation of an
infeasible calendar by month come in stage S12.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulp

from optimizer.errors import InfeasiblePlanError
from optimizer.hiring_model import HiringModel, build_hiring
from optimizer.model import value
from optimizer.solve import Infeasible, solve
from optimizer.solvers import make_solver, solver_name
from sim.scenario import Scenario


@dataclass(frozen=True)
class HiringPlan:
    """A hiring calendar and what it gives month by month.

    ``hires``: (role, month label) -> people starting on that month's hire date (only
    months with a hire). ``headcount``: (role, month label) -> people in seat, a mean over
    the month's working days in the horizon. ``revenue`` and ``cost``: month label ->
    expected revenue closed in the month and the team's cost (scenario currency).
    ``plan``: the counted months' revenue plans.
    """

    months: tuple[str, ...]
    hires: dict[tuple[str, str], int]
    headcount: dict[tuple[str, str], float]
    revenue: dict[str, float]
    cost: dict[str, float]
    plan: dict[str, float]
    hire_dates: dict[str, str]  # month label -> ISO date a hire of that month starts
    solver: str
    notes: tuple[str, ...] = ()

    @property
    def total_cost(self) -> float:
        """The team's cost over the horizon."""
        return sum(self.cost.values())

    def hires_of(self, role: str) -> dict[str, int]:
        """A role's hires by month label."""
        return {m: n for (r, m), n in self.hires.items() if r == role}


def plan_hiring(scenario: Scenario, *, solver: str | None = None) -> HiringPlan:
    """The least-cost hiring calendar that meets every counted month's plan (one round).

    Raises:
        InfeasiblePlanError: No calendar within the headcount ranges meets the plan.
        PlanError: The solver found no optimal calendar.
    """
    lp_solver = make_solver(solver)
    hm = build_hiring(scenario)
    try:
        solve(hm.problem, lp_solver)
    except Infeasible:
        raise InfeasiblePlanError(
            "No hiring calendar within the headcount ranges meets every counted month's "
            "plan; the explanation by month comes with the next stage (issue 12, S12).",
            (),
        ) from None
    return extract_hiring(hm, lp_solver)


def _money(terms: dict[pulp.LpVariable, float]) -> float:
    return float(sum(c * value(v) for v, c in terms.items()))


def extract_hiring(hm: HiringModel, solver: pulp.LpSolver) -> HiringPlan:
    """Read a solved hiring model back as a :class:`HiringPlan`."""
    labels = tuple(m.label for m in hm.hr.months)
    hires = {
        (rid, labels[t]): round(value(h)) for (rid, t), h in hm.hires.items() if round(value(h))
    }
    return HiringPlan(
        months=labels,
        hires=hires,
        headcount={(rid, labels[t]): value(n) for (rid, t), n in hm.seats.items()},
        revenue={labels[t]: _money(hm.revenue.get(t, {})) for t in range(len(labels))},
        cost={labels[t]: _money(hm.cost.get(t, {})) for t in range(len(labels))},
        plan={m.label: m.target for m in hm.hr.counted},
        hire_dates={m.label: m.hire_date.isoformat() for m in hm.hr.months},
        solver=solver_name(solver),
        notes=tuple(hm.notes),
    )
