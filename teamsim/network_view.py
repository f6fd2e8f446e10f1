"""The network's tree for ``validate --summary`` (issue 14): units, headcount by level.

Only shown for a scenario with ``units:``; a team without units has its Team table alone.
"""

from __future__ import annotations

from rich.tree import Tree

from sim import format_money, format_number, title
from sim.scenario import Level, Scenario, top_down, unit_roles


def network_tree(sc: Scenario) -> Tree:
    """The units from the top down, each with its people by level, sub-units included.

    A unit's line reads "North branch (north): 8 people: 1 lower, 7 line", its people
    counting those of the units under it, at current headcount, with the range the
    optimiser may size them in where a role has one, and its own plan where it states one
    ("; its own plan RUB 20M a month"). Roles outside every unit come first.
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
        line = f"{title(uid, sc)} ({uid}): {people}{_own_plan(sc, uid)}"
        nodes.append(nodes[depth].add(line))
    return root


def _own_plan(sc: Scenario, uid: str) -> str:
    """'; its own plan RUB 20M a month' (a range when it differs by month), or ''."""
    plan = sc.units[uid].plan
    if plan is None:
        return ""
    low, high = min(plan.revenue_per_month), max(plan.revenue_per_month)
    money = format_money(low, sc.currency, sc.money_locale)
    if high > low:
        money += f" to {format_money(high, sc.currency, sc.money_locale)} by month"
    return f"; its own plan {money} a month"


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
