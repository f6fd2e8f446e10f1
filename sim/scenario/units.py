"""Organisational units (issue 14): offices, branches and regions, and their tree.

A network is written as ordinary roles, each with a ``unit``, under a ``units:`` tree of
titles and parents. A role without a unit stands above the units (a regional or top head
over several offices), or, in a file with no ``units:``, is simply the team: every
existing scenario is a network of no units, and reads as before.

"Unit" here is the organisation's; frames and tables call it ``org_unit``, because the
optimiser's planned entity (``optimizer.team.Unit``), the judged period of a plan
(``sim.plan_met``) and a KPI's measurement unit already have the word.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import Field

from sim.scenario.base import Frozen, Identifier
from sim.scenario.team import HeadcountField
from sim.scenario.work import UnitPlan


class OrgUnit(Frozen):
    """One office, branch or region of a network."""

    title: str = Field("", description='What reports call the unit ("North branch").')
    parent: Identifier | None = Field(
        None,
        description=(
            "Unit id this unit belongs to (a branch in its region). Default: none, a unit "
            "at the top of the network."
        ),
    )
    shares_with: list[Identifier] = Field(
        default_factory=list,
        description=(
            "Unit ids whose roles this unit's roles may name as deputy, hand-over or "
            "successor. A unit's own roles, its parents' and its sub-units' may always be "
            "named; another branch's only when listed here. Default: none."
        ),
    )
    fallback: list[Identifier] = Field(
        default_factory=list,
        description=(
            "Unit ids whose people may take this unit's approvals and escalations, in this "
            "order, when nobody at the level is up the owner's reporting chain, in the unit "
            "itself, in the units above it or outside the units. Another branch is never "
            "asked unless listed here; without one the owner signs off their own deal. "
            "Default: none."
        ),
    )
    plan: UnitPlan | None = Field(
        None,
        description=(
            "The unit's own sales plan, {revenue_per_month: ...} as the team's plan.plan "
            "writes it (one value or twelve, January to December): the unit is judged on "
            "it and teamsim plan sizes the unit to meet it. Default: none, the unit "
            "answers for its sellers' share (by selling capacity) of what the plan above "
            "it leaves after the plans stated under that plan (sim.rules.unit_plan)."
        ),
    )
    # A template's instance (sim.scenario.templates): read before validation, which makes
    # the roles and leaves these empty, so a dump holds the tree only (exclude).
    template: Identifier | None = Field(
        None,
        exclude=True,
        description=(
            "Id of a template (in templates) whose roles and channels this unit has: unit "
            "north of a template with the role team_lead has the role north__team_lead, "
            "and of its channel walk_ins the channel north__walk_ins, with unit: north, "
            "after those written in roles and channels. Default: none, the unit's roles "
            "and channels are written in roles and channels."
        ),
    )
    headcount: dict[Identifier, HeadcountField] = Field(
        default_factory=dict,
        exclude=True,
        description=(
            "With a template: role id of the template -> this unit's headcount of it (a "
            "number or {current, min, max}), instead of the template's. --set "
            "units.north.headcount.team_lead=2 changes it, as does --set "
            "roles.north__team_lead.headcount=2. Default: the template's."
        ),
    )
    roles: dict[Identifier, dict[str, Any]] = Field(
        default_factory=dict,
        exclude=True,
        description=(
            "With a template: role id of the template -> fields of it that are this unit's "
            "(title, monthly_cost, max_span...), each replacing the template's whole. Not "
            "the headcount (in headcount) nor the unit. A made role's title is the "
            "template's and the unit's (\"Team lead, North branch\") unless written here. "
            "Default: none."
        ),
    )
    channels: dict[Identifier, dict[str, Any]] = Field(
        default_factory=dict,
        exclude=True,
        description=(
            "With a template: channel id of the template -> fields of it that are this "
            "unit's (requests_per_day, leads_per_week, pool...), each replacing the "
            "template's whole: the unit's copy north__walk_ins has them. Not the unit. "
            "--set units.north.channels.walk_ins.requests_per_day=20 changes one, as does "
            "--set channels.north__walk_ins.requests_per_day=20. Default: none."
        ),
    )


def ancestors(units: Mapping[str, OrgUnit], uid: str) -> list[str]:
    """The units above ``uid``, nearest first; stops at a unit named twice (a cycle).

    A cycle is reported by the scenario's checks (``sim.scenario.consistency``); here it
    only must not loop forever.
    """
    chain: list[str] = []
    parent = units[uid].parent if uid in units else None
    while parent is not None and parent in units and parent not in chain and parent != uid:
        chain.append(parent)
        parent = units[parent].parent
    return chain


def in_cycle(units: Mapping[str, OrgUnit], uid: str) -> bool:
    """Whether following ``parent`` from ``uid`` comes back to ``uid``."""
    seen: set[str] = set()
    parent = units[uid].parent
    while parent is not None and parent in units and parent not in seen:
        if parent == uid:
            return True
        seen.add(parent)
        parent = units[parent].parent
    return False


def children(units: Mapping[str, OrgUnit], uid: str | None) -> list[str]:
    """The units directly under ``uid`` (``None``: the units at the top), in file order."""
    return [u for u, unit in units.items() if unit.parent == uid]


def descendants(units: Mapping[str, OrgUnit], uid: str) -> Iterator[str]:
    """Every unit under ``uid``, depth first, in file order (``uid`` itself not included)."""
    for child in children(units, uid):
        if child != uid:
            yield child
            yield from descendants(units, child)


def subtree(units: Mapping[str, OrgUnit], uid: str) -> set[str]:
    """``uid`` and every unit under it: what a unit's figures and channels cover."""
    return {uid, *descendants(units, uid)}


def top_down(units: Mapping[str, OrgUnit]) -> list[tuple[str, int]]:
    """(unit id, depth) from the top of the tree down, each unit's sub-units under it.

    Depth 0 for a unit without a parent; file order among siblings. The one walk of the
    tree the reports read (the summary's tree, the plan's and the simulation's tables by
    unit, the dashboard's map). A unit in a circle of parents is never reached (the
    scenario's checks report it).
    """
    found: list[tuple[str, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for uid in children(units, parent):
            if uid not in seen:
                seen.add(uid)
                found.append((uid, depth))
                walk(uid, depth + 1)

    walk(None, 0)
    return found


def related(units: Mapping[str, OrgUnit], a: str | None, b: str | None) -> bool:
    """Whether a role of unit ``a`` may name a role of unit ``b`` without saying so.

    True for the same unit, a unit above or below, and a role outside the units (``None``)
    on either side; else only when ``a`` lists ``b`` in ``shares_with``. The rule of
    explicit crossings (deputy, hand-over, successor).
    """
    if a is None or b is None or a == b:
        return True
    if a not in units or b not in units:
        return True  # an unknown unit has its own problem
    if b in ancestors(units, a) or a in ancestors(units, b):
        return True
    return b in units[a].shares_with


def search_order(units: Mapping[str, OrgUnit], uid: str | None) -> list[str | None]:
    """Where an implicit fallback looks for someone of unit ``uid``, in order.

    The unit itself, the units above it (nearest first), the roles outside the units
    (``None``: above them all), then the unit's ``fallback`` units as listed; each once.
    Never another branch unasked. A role outside the units, and every role of a file
    without units, looks only outside the units: ``[None]``, the whole team of a flat file.
    """
    if uid is None or uid not in units:
        return [None]
    order: list[str | None] = [uid, *ancestors(units, uid), None]
    for other in units[uid].fallback:
        if other in units and other not in order:
            order.append(other)
    return order


def unit_roles(
    units: Mapping[str, OrgUnit], role_units: Mapping[str, str | None], uid: str | None
) -> list[str]:
    """Ids of the roles in unit ``uid`` and every unit under it, in file order.

    ``role_units`` maps each role id to its ``unit`` (``Scenario.role_units``). ``None``:
    the roles outside every unit.
    """
    if uid is None:
        return [rid for rid, u in role_units.items() if u is None]
    inside = subtree(units, uid)
    return [rid for rid, u in role_units.items() if u in inside]


def in_reach(units: Mapping[str, OrgUnit], channel_unit: str | None, role_unit: str | None) -> bool:
    """Whether people of a role in ``role_unit`` work a channel of ``channel_unit``.

    A channel without a unit is the whole team's; a unit's channel is worked by the roles
    of that unit and of the units under it (a region's channel by its branches too), never
    by roles outside the units or in other branches. The one rule of who answers, owns
    and dials a channel's work (``sim.rules.reach``).
    """
    if channel_unit is None:
        return True
    return role_unit == channel_unit or (
        role_unit is not None and role_unit in units and channel_unit in ancestors(units, role_unit)
    )
