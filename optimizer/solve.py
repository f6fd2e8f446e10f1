"""Solving a built model: the status is always checked, duals put in one sign convention."""

from __future__ import annotations

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


def unproven(solver: pulp.LpSolver) -> str:
    """A plan's note when the solver stopped at its time limit with a plan in hand."""
    limit = solver.timeLimit
    within = "" if limit is None else f" of {format_significant(float(limit))} s"
    return (
        f"The {solver_name(solver)} solver stopped at its time limit{within}: this plan is "
        "the best it found, not proven least-cost; allow more time (teamsim plan "
        "--time-limit, time_limit_s in the API) or try --solver highs"
    )


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
