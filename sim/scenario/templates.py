"""Team templates (issue 14, stage U7): a unit made of a template's roles, with its own sizes.

Sugar that compiles to the canonical form of a network before validation. A unit with
``template: branch`` gets each role ``r`` of ``templates.branch.roles`` as the flat role
``<unit>__r`` with ``unit: <unit>``, after the roles written in ``roles:``. A template's
names of its own roles (``reports_to``, ``deputy``, ``handover``, a staff member's
``successor``) become the unit's; any other name (``reports_to: regional_head``) is kept.
The unit's ``headcount`` and ``roles`` replace the template's values, field by field, and
a template role's title gets the unit's (``Team lead`` in North branch: "Team lead, North
branch") unless the unit writes one.

What is left is what a hand-written file says: flat roles and a tree-only ``units``, no
``templates``. So a validated scenario's dump validates to itself, and a templated file
and its hand-written twin have one ``scenario_hash``. Channels are not in templates: a
channel has no unit yet (stages U2 and U3).

:func:`source_path` maps a made role's field back to where the file wrote its value, for
the loader to name that line; :func:`redirect_override` sends ``--set roles.<made>.<f>``
to the unit that made the role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from sim.errors import PathPart, Problem
from sim.scenario.base import Frozen, Identifier
from sim.scenario.team import Role

# The fields of a role that name another role (a staff member's successor aside).
_ROLE_REFERENCES = ("reports_to", "deputy", "handover")
# A unit's fields that instantiate a template; gone once the roles are made.
_UNIT_KEYS = ("template", "headcount", "roles")


class TeamTemplate(Frozen):
    """A team that units instantiate: its roles, made once per unit (north__team_lead)."""

    roles: dict[Identifier, Role] = Field(
        min_length=1,
        description=(
            "Roles, by id, written as in the scenario's roles (no unit: the unit using the "
            "template gives it). A unit's headcount and roles replace their values. Names "
            "of the template's own roles (reports_to, deputy, handover, successor) mean the "
            "unit's; others (a regional head above the units) are kept. Channels are not "
            "in templates."
        ),
    )


@dataclass(frozen=True)
class MadeRole:
    """Where a template-made role came from: the unit, its template and the role there."""

    unit: str
    template: str
    role: str
    unit_fields: frozenset[str]  # fields the unit's ``roles`` gave
    unit_headcount: bool  # the unit's ``headcount`` gave the headcount


@dataclass(frozen=True)
class Expansion:
    """A raw scenario with its templates made into roles, and what went wrong."""

    data: dict[str, Any]
    made: dict[str, MadeRole]
    problems: list[Problem]
    # Every unit's roles were made: the data is worth validating. An unknown template
    # leaves a unit without roles, and every name of them would read as a mistake.
    complete: bool


@dataclass
class _Found:
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True

    def add(self, path: tuple[PathPart, ...], message: str, *, fatal: bool = False) -> None:
        self.problems.append(Problem(path, message))
        self.complete = self.complete and not fatal


def uses_templates(data: Mapping[str, Any]) -> bool:
    """Whether a raw scenario has templates or a unit instantiating one."""
    units = data.get("units")
    return "templates" in data or any(
        isinstance(unit, dict) and any(key in unit for key in _UNIT_KEYS)
        for unit in (units.values() if isinstance(units, dict) else ())
    )


def expand_templates(data: dict[str, Any]) -> Expansion:
    """The raw scenario with each unit's template made into flat roles (a copy).

    Problems carry the paths of the file (``units.north.template``); a data without
    templates comes back as it is.
    """
    if not uses_templates(data):
        return Expansion(data, {}, [], complete=True)
    found = _Found()
    templates = _templates(data.get("templates"), found)
    raw_units = data.get("units")
    units = dict(raw_units) if isinstance(raw_units, dict) else {}
    raw_roles = data.get("roles")
    roles = dict(raw_roles) if isinstance(raw_roles, dict) else {}
    made: dict[str, MadeRole] = {}
    for uid, unit in units.items():
        if not isinstance(unit, dict):
            continue
        units[uid] = {k: v for k, v in unit.items() if k not in _UNIT_KEYS}
        for rid, role, origin in _instantiate(str(uid), unit, templates, found):
            if rid in roles or rid in made:
                found.add(("units", uid, "template"), _clash(rid, origin, made), fatal=True)
                continue
            roles[rid], made[rid] = role, origin
    out = {k: v for k, v in data.items() if k != "templates"}
    if isinstance(raw_units, dict):
        out["units"] = units
    if made or isinstance(raw_roles, dict):
        out["roles"] = roles
    return Expansion(out, made, found.problems, found.complete)


def _clash(rid: str, origin: MadeRole, made: Mapping[str, MadeRole]) -> str:
    where = (
        f"the role unit {made[rid].unit!r} makes from template {made[rid].template!r}"
        if rid in made
        else f"a role written in roles: (roles.{rid})"
    )
    return (
        f"the template's role {origin.role!r} would make role {rid!r} for this unit, and "
        f"{where} has that id: rename one of them"
    )


def _templates(raw: Any, found: _Found) -> dict[str, dict[str, dict[str, Any]]]:
    """The templates whose shape is right: id -> role id -> role fields."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        found.add(
            ("templates",),
            f"expected a mapping of template id -> {{roles: {{...}}}}, got {_short(raw)}",
            fatal=True,
        )
        return {}
    good: dict[str, dict[str, dict[str, Any]]] = {}
    for tid, template in raw.items():
        path: tuple[PathPart, ...] = ("templates", str(tid))
        if not isinstance(template, dict):
            found.add(path, f"expected {{roles: {{...}}}}, got {_short(template)}", fatal=True)
            continue
        for key in template:
            if key != "roles":
                found.add(
                    (*path, str(key)),
                    f"unknown field {key!r}: a template holds roles only (a unit's "
                    "channels are written in channels:)",
                )
        roles = _template_roles(template.get("roles"), (*path, "roles"), found)
        if roles is not None:
            good[str(tid)] = roles
    return good


def _template_roles(
    raw: Any, path: tuple[PathPart, ...], found: _Found
) -> dict[str, dict[str, Any]] | None:
    if not isinstance(raw, dict) or not raw:
        words = "required field is missing" if raw is None else f"got {_short(raw)}"
        found.add(path, f"{words}; expected a mapping of role id -> role fields", fatal=True)
        return None
    roles: dict[str, dict[str, Any]] = {}
    for rid, role in raw.items():
        if not isinstance(role, dict):
            message = f"expected the role's fields, got {_short(role)}"
            found.add((*path, str(rid)), message, fatal=True)
            continue
        if "unit" in role:
            found.add(
                (*path, str(rid), "unit"),
                "a template's role is in the unit that uses the template: leave unit out",
            )
        if "headcount" not in role:
            found.add(
                (*path, str(rid), "headcount"),
                "required field is missing: the headcount of each unit that writes none "
                "in its headcount",
                fatal=True,
            )
        roles[str(rid)] = role
    return roles


_Templates = Mapping[str, dict[str, dict[str, Any]]]  # template id -> role id -> its fields


def _instantiate(
    uid: str, unit: dict[str, Any], templates: _Templates, found: _Found
) -> list[tuple[str, dict[str, Any], MadeRole]]:
    """The roles a unit makes from its template: (role id, fields, origin)."""
    tid = unit.get("template")
    if tid is None:
        for key in ("headcount", "roles"):
            if key in unit:
                found.add(
                    ("units", uid, key),
                    f"a unit's {key} is for the roles of its template, and this unit has "
                    "none: write template: <id>, or write the unit's roles in roles: with "
                    f"unit: {uid}",
                )
        return []
    if not isinstance(tid, str) or tid not in templates:
        found.add(("units", uid, "template"), _unknown_template(tid, list(templates)), fatal=True)
        return []
    troles = templates[tid]
    sizes = _for_template_roles(unit, uid=uid, key="headcount", troles=troles, found=found)
    changes = _for_template_roles(unit, uid=uid, key="roles", troles=troles, found=found)
    title = unit.get("title")
    title = title if isinstance(title, str) and title else uid
    made: list[tuple[str, dict[str, Any], MadeRole]] = []
    for rid, trole in troles.items():
        change = _change(uid, rid, changes.get(rid), found)
        role = {k: v for k, v in {**trole, **change}.items() if k != "unit"}
        for key in _ROLE_REFERENCES:
            if key in role:
                role[key] = _local(uid, role[key], troles)
        if isinstance(role.get("staff"), list):
            role["staff"] = [_staff_local(uid, s, troles) for s in role["staff"]]
        if "title" not in change and isinstance(trole.get("title"), str) and trole["title"]:
            role["title"] = f"{trole['title']}, {title}"
        if rid in sizes:
            role["headcount"] = sizes[rid]
        role["unit"] = uid
        origin = MadeRole(uid, tid, rid, frozenset(change), unit_headcount=rid in sizes)
        made.append((f"{uid}__{rid}", role, origin))
    return made


def _unknown_template(tid: Any, known: list[str]) -> str:
    if not known:
        return f"unknown template {tid!r}: the file has no templates: section"
    return f"unknown template {tid!r}; expected one of: {', '.join(sorted(known))}"


def _for_template_roles(
    unit: dict[str, Any], *, uid: str, key: str, troles: Mapping[str, Any], found: _Found
) -> dict[str, Any]:
    """A unit's ``headcount`` or ``roles``: the entries naming a role of its template."""
    raw = unit.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        found.add(("units", uid, key), f"expected a mapping of role id -> ..., got {_short(raw)}")
        return {}
    known = ", ".join(troles)
    good = {}
    for rid, value in raw.items():
        if str(rid) in troles:
            good[str(rid)] = value
        else:
            found.add(
                ("units", uid, key, str(rid)),
                f"the unit's template has no role {rid!r}; expected one of: {known}",
            )
    return good


def _change(uid: str, rid: str, raw: Any, found: _Found) -> dict[str, Any]:
    """The unit's changes to one template role: fields but its headcount and unit."""
    if raw is None:
        return {}
    path: tuple[PathPart, ...] = ("units", uid, "roles", rid)
    if not isinstance(raw, dict):
        found.add(path, f"expected the role's fields to change, got {_short(raw)}")
        return {}
    if "headcount" in raw:
        found.add(
            (*path, "headcount"),
            f"a unit's headcount of a role goes in units.{uid}.headcount.{rid}",
        )
    if "unit" in raw:
        found.add((*path, "unit"), f"the unit's roles are in unit {uid!r}: leave unit out")
    return {k: v for k, v in raw.items() if k not in ("headcount", "unit")}


def _local(uid: str, ref: Any, troles: Mapping[str, Any]) -> Any:
    """A name of one of the template's roles, as the unit's role id; any other as it is."""
    return f"{uid}__{ref}" if isinstance(ref, str) and ref in troles else ref


def _staff_local(uid: str, member: Any, troles: Mapping[str, Any]) -> Any:
    """A staff member whose successor (a role, or a person ``role.03``) is the unit's."""
    successor = member.get("successor") if isinstance(member, dict) else None
    if not isinstance(successor, str):
        return member
    rid, dot, number = successor.partition(".")
    return {**member, "successor": f"{_local(uid, rid, troles)}{dot}{number}"}


def source_path(
    path: tuple[PathPart, ...], made: Mapping[str, MadeRole]
) -> tuple[tuple[PathPart, ...], str | None]:
    """Where the file wrote a made role's field, and the made role's id (else ``None``).

    ``roles.north__client_manager.headcount`` is ``units.north.headcount.client_manager``
    when the unit wrote it, else ``templates.branch.roles.client_manager.headcount``.
    """
    if len(path) < 2 or path[0] != "roles" or str(path[1]) not in made:
        return path, None
    rid = str(path[1])
    origin, rest = made[rid], path[2:]
    key = str(rest[0]) if rest else None
    if key == "headcount" and origin.unit_headcount:
        return ("units", origin.unit, "headcount", origin.role, *rest[1:]), rid
    if key in origin.unit_fields:
        return ("units", origin.unit, "roles", origin.role, *rest), rid
    if key == "unit":
        return ("units", origin.unit, "template"), rid
    return ("templates", origin.template, "roles", origin.role, *rest), rid


def made_roles(data: Mapping[str, Any]) -> dict[str, tuple[str, str, str]]:
    """The roles a raw scenario's units make: id -> (unit, template, template's role)."""
    templates = data.get("templates")
    units = data.get("units")
    if not isinstance(templates, dict) or not isinstance(units, dict):
        return {}
    out: dict[str, tuple[str, str, str]] = {}
    for uid, unit in units.items():
        tid = unit.get("template") if isinstance(unit, dict) else None
        template = templates.get(tid) if isinstance(tid, str) else None
        roles = template.get("roles") if isinstance(template, dict) else None
        for rid in roles if isinstance(roles, dict) else ():
            out[f"{uid}__{rid}"] = (str(uid), str(tid), str(rid))
    return out


def redirect_override(
    path: tuple[PathPart, ...], data: dict[str, Any]
) -> tuple[tuple[PathPart, ...], dict[str, Any]]:
    """``--set roles.<made role>.<field>...``: the path on the unit that makes the role.

    The headcount goes to ``units.<u>.headcount.<role>``, any other field to
    ``units.<u>.roles.<role>.<field>``. The data gets the unit's mappings on the way, and
    the template's value of a field the path goes into (``headcount.max``), so the rest
    of it is kept. A role written in ``roles:`` keeps its path.
    """
    roles = data.get("roles")
    if len(path) < 3 or path[0] != "roles" or (isinstance(roles, dict) and path[1] in roles):
        return path, data
    origin = made_roles(data).get(str(path[1]))
    if origin is None:
        return path, data
    uid, tid, rid = origin
    key, rest = str(path[2]), path[3:]
    unit = data["units"][uid]
    if key == "headcount":
        container: tuple[PathPart, ...] = ("units", uid, "headcount")
        have = _get(unit, "headcount", rid)
    else:
        container = ("units", uid, "roles", rid)
        have = _get(unit, "roles", rid, key)
    if not isinstance(_get(data, *map(str, container)), dict):
        data = _put(data, container, {})
    target = (*container, rid) if key == "headcount" else (*container, key)
    if rest and have is None:
        seed = _get(data["templates"][tid], "roles", rid, key)
        if isinstance(seed, int) and key == "headcount":
            seed = {"current": seed, "min": seed, "max": seed}
        if isinstance(seed, dict):
            data = _put(data, target, seed)
    return (*target, *rest), data


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _put(data: dict[str, Any], path: tuple[PathPart, ...], value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` (mapping keys) set, mappings made on the way."""
    head, rest = str(path[0]), path[1:]
    if not rest:
        return {**data, head: value}
    child = data.get(head)
    return {**data, head: _put(child if isinstance(child, dict) else {}, rest, value)}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
