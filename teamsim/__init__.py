"""teamsim: the public API, the ``teamsim`` command and the run store."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim import ScenarioError, TeamsimError
    from sim.scenario import Scenario
    from teamsim.io import load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "TeamsimError", "__version__", "load_scenario"]

# Where each name lives, loaded on first use: ``teamsim --version`` and ``--help`` import
# neither the scenario model nor pydantic.
_BEHIND = {
    "Scenario": "sim.scenario",
    "ScenarioError": "sim",
    "TeamsimError": "sim",
    "load_scenario": "teamsim.io",
}


def __getattr__(name: str) -> Any:
    if name not in _BEHIND:
        raise AttributeError(f"module 'teamsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_BEHIND[name]), name)
    globals()[name] = value
    return value
