"""The simulator: scenario schema and loader, the SimPy model, closed forms. Pure."""

from sim.errors import Problem, ScenarioError, TeamsimError
from sim.mode import SimMode
from sim.runner import SimResult, simulate
from sim.scenario import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "SimMode",
    "SimResult",
    "TeamsimError",
    "simulate",
]
