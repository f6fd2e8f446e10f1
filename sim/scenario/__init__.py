"""The scenario language: one frozen pydantic tree, loaded from YAML."""

from sim.scenario.base import Level
from sim.scenario.distributions import Distribution
from sim.scenario.model import SCHEMA_VERSION, Scenario
from sim.scenario.work import SalesPlan

__all__ = ["SCHEMA_VERSION", "Distribution", "Level", "SalesPlan", "Scenario"]
