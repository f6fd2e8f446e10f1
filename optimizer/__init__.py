"""The optimiser: size the team by level, allocate duties and call targets, explain the answer.

Pure: a scenario goes in, a :class:`Plan` comes out; nothing is printed or written.
"""

from optimizer.errors import InfeasiblePlanError, PlanError
from optimizer.funnel import Funnel, back_calculate
from optimizer.model import PlanMode
from optimizer.planner import plan
from optimizer.result import Plan
from optimizer.solvers import make_solver

__all__ = [
    "Funnel",
    "InfeasiblePlanError",
    "Plan",
    "PlanError",
    "PlanMode",
    "back_calculate",
    "make_solver",
    "plan",
]
