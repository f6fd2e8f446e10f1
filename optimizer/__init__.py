"""The optimiser: size the team by level, allocate duties and call targets, explain the answer.

Pure: a scenario goes in, a :class:`Plan` comes out (and, with :func:`verify`, the plan
simulated and recalibrated until it holds); nothing is printed or written. The face of
the package: front ends import from here, never from the modules behind it.
"""

from typing import TYPE_CHECKING

from sim.lazy import lazy_face

# The names behind the face, loaded on first use (sim.lazy): a command's --help
# imports no PuLP.
if TYPE_CHECKING:
    from optimizer.card import (
        DIALS_DIGITS,
        NAIVE_DIALS,
        PLANNED_DIALS,
        RECOMMENDED_QUOTA,
        TODAYS_QUOTA,
        CardLine,
        PlanCard,
        QuotaLine,
        call_quotas,
        plan_card,
        step_unit,
    )
    from optimizer.errors import InfeasiblePlanError, PlanError
    from optimizer.funnel import Funnel, back_calculate
    from optimizer.hiring import plan_hiring
    from optimizer.hiring_loop import VerifiedHiring, months_simulated, verify_hiring
    from optimizer.hiring_move import HireMove, hire_move, horizon_labels
    from optimizer.hiring_result import CalendarValue, Delay, HireLine, HiringPlan
    from optimizer.hiring_value import apply_hiring, delay_cost, evaluate_calendar, payback_month
    from optimizer.loop import VerifiedPlan, verify
    from optimizer.measure import outcome_label, sells
    from optimizer.modes import HIRING_REPLICATIONS, PlanMode
    from optimizer.planner import design_month_heading, is_design_month_note, plan
    from optimizer.result import Marginal, Plan, RoleLine, ServiceLine
    from optimizer.solvers import make_solver
    from optimizer.units import limits_said

__all__ = [
    "DIALS_DIGITS",
    "HIRING_REPLICATIONS",
    "NAIVE_DIALS",
    "PLANNED_DIALS",
    "RECOMMENDED_QUOTA",
    "TODAYS_QUOTA",
    "CalendarValue",
    "CardLine",
    "Delay",
    "Funnel",
    "HireLine",
    "HireMove",
    "HiringPlan",
    "InfeasiblePlanError",
    "Marginal",
    "Plan",
    "PlanCard",
    "PlanError",
    "PlanMode",
    "QuotaLine",
    "RoleLine",
    "ServiceLine",
    "VerifiedHiring",
    "VerifiedPlan",
    "apply_hiring",
    "back_calculate",
    "call_quotas",
    "delay_cost",
    "design_month_heading",
    "evaluate_calendar",
    "hire_move",
    "horizon_labels",
    "is_design_month_note",
    "limits_said",
    "make_solver",
    "months_simulated",
    "outcome_label",
    "payback_month",
    "plan",
    "plan_card",
    "plan_hiring",
    "sells",
    "step_unit",
    "verify",
    "verify_hiring",
]

lazy_face(__name__)
