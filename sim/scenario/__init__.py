"""The scenario language: one frozen pydantic tree, loaded from YAML.

The face of the package: the tree's main types, the channel kinds, loading a file with
overrides, and the dotted field paths that messages and ``--set`` use.
"""

from sim.errors import PathPart, dotted
from sim.scenario.base import Level
from sim.scenario.calendar import DateOrder, slash_date_orders
from sim.scenario.distributions import Distribution
from sim.scenario.loader import MAX_SCENARIO_BYTES, parse_scenario, place_problem
from sim.scenario.market import ClosingRule, InboundChannel, ReferralChannel, WarmChannel
from sim.scenario.model import SCHEMA_VERSION, Scenario
from sim.scenario.overrides import apply_overrides
from sim.scenario.templates import redirect_override
from sim.scenario.units import OrgUnit, top_down, unit_roles
from sim.scenario.work import JudgedOn, SalesPlan

__all__ = [
    "MAX_SCENARIO_BYTES",
    "SCHEMA_VERSION",
    "ClosingRule",
    "DateOrder",
    "Distribution",
    "InboundChannel",
    "JudgedOn",
    "Level",
    "OrgUnit",
    "PathPart",
    "ReferralChannel",
    "SalesPlan",
    "Scenario",
    "WarmChannel",
    "apply_overrides",
    "dotted",
    "parse_scenario",
    "place_problem",
    "redirect_override",
    "slash_date_orders",
    "top_down",
    "unit_roles",
]
