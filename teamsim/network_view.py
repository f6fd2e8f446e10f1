"""The network's tree for ``validate --summary`` (issue 14): units, headcount by level.

Only shown for a scenario with ``units:``; a team without units has its Team table alone.
"""

from __future__ import annotations

from rich.tree import Tree

from sim import format_number, title
from sim.scenario import Level, Scenario, top_down, unit_roles


def network_tree(sc: Scenario) -> Tree:
    """The units from the top down, each with its people by level, sub-units included.

    A unit's line reads "North branch (north): 8 people: 1 lower, 7 line", its people
    counting those of the units under it, at current headcount, with the range the
    optimiser may size them in where a role has one. Roles outside every unit come first.
    """
    roles = sc.role_units
    everyone = _people(sc, list(roles))
    root = Tree(f"[bold]Network of {len(sc.units)} units[/]: {everyone}")
    outside = unit_roles(sc.units, roles, None)
    if outside:
        root.add(f"outside the units: {_people(sc, outside)}")
    # The walk is top-down, so a unit's parent is the last node added one level up.
    nodes = [root]
    for uid, depth in top_down(sc.units):
        people = _people(sc, unit_roles(sc.units, roles, uid))
        del nodes[depth + 1 :]
        nodes.append(nodes[depth].add(f"{title(uid, sc)} ({uid}): {people}"))
    return root


def _people(sc: Scenario, role_ids: list[str]) -> str:
    """'8 people (5..17): 1 lower, 7 line', levels from the most senior down."""
    loc = sc.money_locale
    heads = [sc.roles[rid].headcount for rid in role_ids]
    now = sum(h.current for h in heads)
    low, high = sum(h.min for h in heads), sum(h.max for h in heads)
    span = ""
    if not low == high == now:
        span = f" ({format_number(low, 0, locale=loc)}..{format_number(high, 0, locale=loc)})"
    by_level = [
        f"{format_number(n, 0, locale=loc)} {lv.value}"
        for lv in reversed(Level)
        if (n := sum(sc.roles[r].headcount.current for r in role_ids if sc.roles[r].level is lv))
    ]
    word = "person" if now == 1 else "people"
    return f"{format_number(now, 0, locale=loc)} {word}{span}: {', '.join(by_level) or 'nobody'}"
