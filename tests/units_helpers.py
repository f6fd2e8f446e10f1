"""A bundled scenario rewritten as a network of one unit (issue 14's guard, stage U0/U1).

Every existing scenario is a network of no units; the same team written as one unit
(``units: {hq: ...}`` and ``unit: hq`` on every role) must plan and simulate exactly
alike, at every stage that teaches the engines about units.
"""

from __future__ import annotations

from pathlib import Path

from teamsim.io import load_scenario

HQ = "hq"


def one_unit_overrides(path: Path) -> tuple[str, ...]:
    """The ``--set`` overrides that put every role of the scenario at ``path`` in unit hq."""
    sc = load_scenario(path)
    tree = f"units={{{HQ}: {{title: Head office}}}}"
    return (tree, *(f"roles.{rid}.unit={HQ}" for rid in sc.roles))
