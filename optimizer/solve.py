"""Solving a built model: the status is always checked, duals put in one sign convention."""

from __future__ import annotations

import math
import os

import pulp

from optimizer.errors import SolverFailedError, UnboundedPlanError
from optimizer.solvers import solver_name
from sim.percent import format_significant


class Infeasible(Exception):
    """The model has no solution; caught by the planner, which explains why."""


def solve(problem: pulp.LpProblem, solver: pulp.LpSolver) -> bool:
    """Solve in place, or raise: Infeasible, UnboundedPlanError or SolverFailedError.

    Returns whether the answer is proven optimal: False when a whole-number model
    stopped at the time limit with a plan found (the best found, see :func:`unproven`).
    """
    status = problem.solve(solver)
    if status == pulp.LpStatusOptimal and problem.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        if problem.sol_status == pulp.LpSolutionIntegerFeasible and not _is_mip(problem):
            raise SolverFailedError(_stopped(solver, "a time or iteration limit"))
        return bool(problem.sol_status == pulp.LpSolutionOptimal)
    if status == pulp.LpStatusInfeasible:
        raise Infeasible
    if status == pulp.LpStatusUnbounded:
        raise UnboundedPlanError(
            "the plan is unbounded: some work brings revenue but costs no time and no "
            "limit caps it; check for zero durations (calls, stages) and for a missing "
            "policies.max_calls_per_day"
        )
    raise SolverFailedError(_stopped(solver, f"status {pulp.LpStatus.get(status, status)!r}"))


def unproven(solver: pulp.LpSolver, problem: pulp.LpProblem | None = None) -> str:
    """A plan's note when the solver stopped at its time limit with a plan in hand.

    With the ``problem`` just solved, the note says how far from the best possible the
    plan may be, by the bound the solver proved (:func:`proven_gap`).
    """
    limit = solver.timeLimit
    within = "" if limit is None else f" of {format_significant(float(limit))} s"
    gap = None if problem is None else proven_gap(problem, solver)
    how_far = (
        ""
        if gap is None
        else f" (at most {format_significant(100.0 * gap)} % from the best possible, by the "
        "bound it proved)"
    )
    return (
        f"The {solver_name(solver)} solver stopped at its time limit{within}: this plan is "
        f"the best it found, not proven least-cost{how_far}; allow more time (teamsim plan "
        "--time-limit, time_limit_s in the API) or try --solver highs"
    )


def proven_gap(problem: pulp.LpProblem, solver: pulp.LpSolver) -> float | None:
    """How far the last solve's plan may be from the best possible: a share of its objective.

    ``|objective - bound| / |objective|``, the bound being what the solver proved no plan
    can beat (CBC's "Lower bound" in its log, HiGHS's MIP dual bound); None when the
    solver gave none. A proven optimum has 0.
    """
    objective = pulp.value(problem.objective)
    bound = _bound(problem, solver)
    if objective is None or bound is None or not math.isfinite(bound) or objective == 0:
        return None
    return abs(abs(float(objective)) - abs(bound)) / abs(float(objective))


def _bound(problem: pulp.LpProblem, solver: pulp.LpSolver) -> float | None:
    if solver_name(solver) == "highs":
        highs = getattr(problem, "solverModel", None)
        return None if highs is None else float(highs.getInfo().mip_dual_bound)
    log = solver.optionsDict.get("logPath")
    if not log or not os.path.exists(log):
        return None
    with open(log, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("Lower bound:"):
                return float(line.partition(":")[2])
    return None


def _stopped(solver: pulp.LpSolver, why: str) -> str:
    return (
        f"the {solver_name(solver)} solver stopped on {why} without a proven optimal plan; "
        "raise the time limit or try --solver highs"
    )


def _is_mip(problem: pulp.LpProblem) -> bool:
    return any(v.cat == pulp.LpInteger for v in problem.variables())


def dual(problem: pulp.LpProblem, constraint: pulp.LpConstraint, solver: pulp.LpSolver) -> float:
    """Change of the objective per unit more right-hand side of a constraint.

    CBC reports it so; HiGHS solves a maximisation as the minimisation of the negated
    objective and reports that problem's duals, so its sign is turned back.
    """
    pi = float(constraint.pi or 0.0)
    if solver_name(solver) == "highs" and problem.sense == pulp.LpMaximize:
        pi = -pi
    return pi


def slack(constraint: pulp.LpConstraint) -> float:
    """Room left in a constraint at the solution (0 when it binds), from variable values.

    Computed here rather than read from the solver: CBC does not report slacks for
    integer models, and the two solvers differ in sign conventions.
    """
    activity = float(constraint.value() or 0.0)  # lhs - rhs
    if constraint.sense == pulp.LpConstraintLE:
        return -activity
    if constraint.sense == pulp.LpConstraintGE:
        return activity
    return abs(activity)
