"""teamsim: the public API, the ``teamsim`` command and the run store."""

from sim import ScenarioError, TeamsimError
from sim.scenario import Scenario
from teamsim.io import load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "TeamsimError", "__version__", "load_scenario"]
