"""A bundled scenario rewritten as a network of one unit (issue 14's guard, stage U0/U1).

Every existing scenario is a network of no units; the same team written as one unit
(``units: {hq: ...}`` and ``unit: hq`` on every role) must plan and simulate exactly
alike, at every stage that teaches the engines about units.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from sim.errors import Problem, ScenarioError
from sim.scenario import parse_scenario
from teamsim.io import load_scenario

HQ = "hq"


def one_unit_overrides(path: Path) -> tuple[str, ...]:
    """The ``--set`` overrides that put every role of the scenario at ``path`` in unit hq."""
    sc = load_scenario(path)
    tree = f"units={{{HQ}: {{title: Head office}}}}"
    return (tree, *(f"roles.{rid}.unit={HQ}" for rid in sc.roles))


def problems_in(text: str, overrides: Sequence[str] = ()) -> list[Problem]:
    """The problems a network's text (read as net.yaml) has, with ``overrides`` applied."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "net.yaml", tuple(overrides))
    return info.value.problems


def only(problems: list[Problem]) -> Problem:
    """The one problem of a list that must hold exactly one."""
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]
