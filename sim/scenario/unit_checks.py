"""Checks of a network's units (issue 14): the tree, where roles sit, what crosses units.

Kept apart from ``sim.scenario.consistency`` (which runs them with its other checks) so
that the rules of units read in one module. The crossing rule itself is
``sim.scenario.units.related``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sim.errors import Problem
from sim.scenario.base import ID_PATTERN
from sim.scenario.market import InboundChannel
from sim.scenario.units import ancestors, in_cycle, related, subtree
from sim.words import noun_for

if TYPE_CHECKING:
    from sim.scenario.model import Scenario
    from sim.scenario.templates import Made


def unknown_unit(uid: str, known: list[str]) -> str:
    """The message of a unit id that names no unit (a role's ``unit``, a ``parent``)."""
    if not known:
        return (
            f"unknown unit {uid!r}: the file has no units; add a units: section "
            f"({uid}: {{title: ...}}) or leave unit out"
        )
    return f"unknown unit {uid!r}; expected one of: {', '.join(sorted(known))}"


def bad_unit_echoes(
    data: Mapping[str, Any], made: Mapping[tuple[str, str], Made]
) -> frozenset[str]:
    """The unit ids of a raw scenario that are no ids, and the ids their templates made.

    A field naming one (a role's unit, a parent, a made role's reports_to) fails for the
    unit's id alone: the loader reports the unit's key and drops these.
    """
    units = data.get("units")
    bad = {
        u for u in (units if isinstance(units, dict) else ())
        if isinstance(u, str) and not re.fullmatch(ID_PATTERN, u)
    }  # fmt: skip
    return frozenset(bad | {iid for (_, iid), m in made.items() if m.unit in bad})


def empty_units(data: Mapping[str, Any]) -> Problem | None:
    """``units: {}`` in a raw scenario whose roles or channels name units, or with templates.

    The one cause of every unknown unit there (and, with templates, of every role they
    would make being missing), said at ``units`` before them.
    """
    if data.get("units") != {}:
        return None
    named: list[str] = []
    for section in ("roles", "channels"):
        for thing in _raw(data.get(section)).values():
            uid = thing.get("unit") if isinstance(thing, dict) else None
            if isinstance(uid, str) and uid not in named:
                named.append(uid)
    templates = [str(t) for t in _raw(data.get("templates"))]
    if not named and not templates:
        return None
    causes = [f"roles or channels name units ({', '.join(named)})"] if named else []
    if templates:
        verb = "is" if len(templates) == 1 else "are"
        written = f"{noun_for(len(templates), 'template')} {', '.join(templates)}"
        causes.append(f"{written} {verb} written for units to use")
    example = named[0] if named else "branch"
    return Problem(
        ("units",),
        f"units is empty, but {' and '.join(causes)}: write each unit here ({example}: "
        "{title: ...}), or leave units out and no role or channel names one",
    )


def unit_problems(sc: Scenario) -> Iterator[Problem]:
    """Every problem of the units' tree and of the roles' places in it."""
    tree = list(_tree(sc))
    yield from tree
    # A broken tree (an unknown parent, a circle) would make every crossing look wrong:
    # only the roles' unknown units are reported with it.
    yield from _roles_in_units(sc, crossings=not tree)
    yield from _channels_in_units(sc, reach=not tree)
    if not tree:
        yield from _plans_without_sellers(sc)


def _plans_without_sellers(sc: Scenario) -> Iterator[Problem]:
    """A unit that states a plan must have someone who could sell it, now or by plan."""
    for uid, unit in sc.units.items():
        if unit.plan is None:
            continue
        inside = subtree(sc.units, uid)
        if any(r.unit in inside and r.sells > 0 for r in sc.roles.values()):
            continue
        yield Problem(
            ("units", uid, "plan"),
            f"unit {uid} states a plan, but no role in it or its sub-units sells: give a "
            "role of the unit a selling_share above 0 (or level: line), or remove the plan",
        )


def raw_unit_references(data: dict[str, Any], roles: dict[str, Any]) -> list[Problem]:
    """The unknown-unit part of :func:`unit_problems` on a raw mapping whose fields failed.

    Same paths and messages as the typed check; parts of another shape are skipped (their
    field errors say why).
    """
    raw = data.get("units")
    units = {k: v for k, v in raw.items() if isinstance(k, str)} if isinstance(raw, dict) else {}
    known = list(units)
    found: list[Problem] = []
    for uid, unit in units.items():
        if not isinstance(unit, dict):
            continue
        parent = unit.get("parent")
        if isinstance(parent, str) and parent not in units:
            found.append(Problem(("units", uid, "parent"), unknown_unit(parent, known)))
        for field in ("shares_with", "fallback"):
            named = unit.get(field)
            for i, other in enumerate(named if isinstance(named, list) else []):
                if (
                    isinstance(other, str)
                    and re.fullmatch(ID_PATTERN, other)
                    and other not in units
                ):
                    found.append(Problem(("units", uid, field, i), unknown_unit(other, known)))
    for kind, things in (("roles", roles), ("channels", _raw(data.get("channels")))):
        for key, thing in things.items():
            named = thing.get("unit") if isinstance(thing, dict) else None
            if isinstance(named, str) and named not in units:
                found.append(Problem((kind, key, "unit"), unknown_unit(named, known)))
    return found


def _raw(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


def _tree(sc: Scenario) -> Iterator[Problem]:
    known = list(sc.units)
    for uid, unit in sc.units.items():
        path = ("units", uid)
        if unit.parent is not None:
            if unit.parent not in sc.units:
                yield Problem((*path, "parent"), unknown_unit(unit.parent, known))
            elif unit.parent == uid:
                yield Problem((*path, "parent"), "a unit cannot be its own parent")
            elif in_cycle(sc.units, uid):
                circle = " -> ".join([uid, *ancestors(sc.units, uid), uid])
                yield Problem(
                    (*path, "parent"),
                    f"the units' parents go round in a circle ({circle}): one of them must "
                    "be at the top (no parent)",
                )
        for field in ("shares_with", "fallback"):
            for i, other in enumerate(getattr(unit, field)):
                if other not in sc.units:
                    yield Problem((*path, field, i), unknown_unit(other, known))
                elif other == uid:
                    yield Problem(
                        (*path, field, i),
                        f"unit {uid!r} names itself in its {field}: {_OWN[field]}; expected "
                        "other units only, so leave it out",
                    )


# Why a unit's own id has no place in its lists of other units.
_OWN = {
    "shares_with": "a unit's own roles may always be named as deputy, hand-over or successor",
    "fallback": "a unit's own people are asked before any fallback",
}


def _roles_in_units(sc: Scenario, *, crossings: bool) -> Iterator[Problem]:
    known = list(sc.units)
    for rid, role in sc.roles.items():
        path = ("roles", rid)
        if role.unit is not None and role.unit not in sc.units:
            yield Problem((*path, "unit"), unknown_unit(role.unit, known))
            continue
        if not crossings:
            continue
        if role.reports_to in sc.roles and (msg := _reports_across(sc, rid)):
            yield Problem((*path, "reports_to"), msg)
        for field, ref in (("deputy", role.deputy), ("handover", role.handover)):
            if ref in sc.roles and (msg := _crossing(sc, rid, ref)):
                yield Problem((*path, field), msg)
        for i, member in enumerate(role.staff):
            ref = (member.successor or "").rpartition(".")[0] or member.successor
            if ref in sc.roles and (msg := _crossing(sc, rid, ref)):
                yield Problem((*path, "staff", i, "successor"), msg)


def _unit_words(uid: str | None) -> str:
    return "outside the units" if uid is None else f"of unit {uid!r}"


def _reports_across(sc: Scenario, rid: str) -> str | None:
    """Why a role may not report where it does: only within its unit or upwards."""
    role = sc.roles[rid]
    boss = role.reports_to or ""
    own, theirs = role.unit, sc.roles[boss].unit
    if theirs is None or own == theirs or any(u not in sc.units for u in (own, theirs) if u):
        return None  # an unknown unit has its own problem
    if own is None:
        return (
            f"a role outside the units cannot report to {boss!r}, a role of unit {theirs!r}: "
            f"give this role unit: {theirs}, or report to a role outside the units"
        )
    if own in sc.units and theirs in ancestors(sc.units, own):
        return None
    return (
        f"a role of unit {own!r} reports to {boss!r}, a role of unit {theirs!r}, which is "
        f"neither {own!r} nor above it: report within the unit, to a unit above "
        f"({', '.join(ancestors(sc.units, own)) or 'none'}) or to a role outside the units"
    )


def _crossing(sc: Scenario, rid: str, ref: str) -> str | None:
    """Why a role may not name ``ref`` (deputy, hand-over, successor) across units."""
    own, theirs = sc.roles[rid].unit, sc.roles[ref].unit
    if related(sc.units, own, theirs):
        return None
    return (
        f"{ref!r} is a role {_unit_words(theirs)}, another branch of the network than "
        f"this role's unit {own!r}: name a role of {own!r}, of a unit above or below it, or "
        f"list {theirs!r} in units.{own}.shares_with"
    )


def _channels_in_units(sc: Scenario, *, reach: bool) -> Iterator[Problem]:
    """A channel's unit exists, its desk has answerers, and desks do not overlap."""
    from sim.rules.service import answering_roles  # the rules read the finished model

    known = list(sc.units)
    for cid, ch in sc.channels.items():
        if ch.unit is not None and ch.unit not in sc.units:
            yield Problem(("channels", cid, "unit"), unknown_unit(ch.unit, known))
    if not reach or any(
        ch.unit is not None and ch.unit not in sc.units for ch in sc.channels.values()
    ):
        return
    desks: dict[str, set[str]] = {}
    for cid, ch in sc.channels.items():
        if not isinstance(ch, InboundChannel) or ch.requests_per_day <= 0:
            continue
        roles = set(answering_roles(sc, cid))
        if ch.unit is not None and not roles and any(r.answers_inbound for r in sc.roles.values()):
            yield Problem(
                ("channels", cid, "unit"),
                f"no role of unit {ch.unit!r} or the units under it answers inbound requests: "
                f"give one of its roles handles_inbound: true, or the channel another unit",
            )
        for other, theirs in desks.items():
            if roles & theirs and roles != theirs:
                yield Problem(
                    ("channels", cid, "unit"),
                    f"answered by {_words(roles)}, and {other!r} by {_words(theirs)}: a desk "
                    "is one queue, so two channels' answerers are the same or apart; give "
                    f"both the same unit, or units neither of which is under the other",
                )
                break
        desks[cid] = roles


def _words(roles: set[str]) -> str:
    return ", ".join(sorted(roles))
