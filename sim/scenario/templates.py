"""Team templates (issue 14, stages U7 and U7b): a unit made of a template's roles and channels.

Sugar that compiles to the canonical form of a network before validation. A unit with
``template: branch`` gets each role ``r`` of ``templates.branch.roles`` as the flat role
``<unit>__r``, and each channel ``c`` of ``templates.branch.channels`` as the flat channel
``<unit>__c``, with ``unit: <unit>``, after those written in ``roles:`` and ``channels:``.
A template's names of its own roles (``reports_to``, ``deputy``, ``handover``, a staff
member's ``successor``) and of its own channels (a role's ``channels``) become the unit's;
any other name (``reports_to: regional_head``) is kept. Outside the templates, a template's
channel id (in a segment's ``channels`` or ``lead_weight``, a written role's ``channels``)
stands for every unit's copy of it, in unit order. The unit's ``headcount``, ``roles`` and
``channels`` replace the template's values, field by field (a field whole), and a made
role's or channel's title gets the unit's (``Team lead`` in North branch: "Team lead, North
branch") unless the unit writes one.

What is left is what a hand-written file says: flat roles and channels and a tree-only
``units``, no ``templates`` but those no unit uses (which the model checks, keeps out of
its dump, and a warning names). So a validated scenario's dump validates to itself, and a
templated file and its hand-written twin have one ``scenario_hash``.

:func:`source_path` maps a made role's or channel's field (and an expanded list item) back
to where the file wrote its value, for the loader to name that line;
:func:`redirect_override` sends ``--set roles.<made>.<f>`` and ``--set channels.<made>.<f>``
to the unit that made it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from sim.errors import PathPart, Problem
from sim.scenario.base import ID_PATTERN, ID_WORDS, Frozen, Identifier
from sim.scenario.market import Channel
from sim.scenario.team import Role

# The fields of a role that name another role (a staff member's successor aside).
_ROLE_REFERENCES = ("reports_to", "deputy", "handover")
# What a template makes, each a section of the scenario with the same name.
_SECTIONS = ("roles", "channels")
_NOUN = {"roles": "role", "channels": "channel"}
# A unit's fields that instantiate a template; gone once the roles and channels are made.
_UNIT_KEYS = ("template", "headcount", *_SECTIONS)

_Path = tuple[PathPart, ...]


class TeamTemplate(Frozen):
    """A team that units instantiate: its roles and channels, made once per unit."""

    roles: dict[Identifier, Role] = Field(
        min_length=1,
        description=(
            "Roles, by id, written as in the scenario's roles (no unit: the unit using the "
            "template gives it). A unit's headcount and roles replace their values. Names "
            "of the template's own roles (reports_to, deputy, handover, successor) and "
            "channels (channels) mean the unit's; others (a regional head above the units) "
            "are kept."
        ),
    )
    channels: dict[Identifier, Channel] = Field(
        default_factory=dict,
        description=(
            "Channels, by id, written as in the scenario's channels (no unit: the unit "
            "using the template gives it): a branch's own walk-in desk or referrals, made "
            "for unit north as north__walk_ins with unit: north. A unit's channels replace "
            "their values (units.north.channels.walk_ins.requests_per_day). In a segment's "
            "channels and lead_weight, and a role's channels outside the template, the id "
            "(walk_ins) means every unit's copy, in unit order. Default: none."
        ),
    )


@dataclass(frozen=True)
class Made:
    """Where a template-made role or channel came from: its unit, template and id there."""

    section: str  # "roles" or "channels"
    unit: str
    template: str
    name: str  # the role's or channel's id in the template
    unit_fields: frozenset[str]  # fields the unit's ``roles`` or ``channels`` gave
    unit_headcount: bool = False  # the unit's ``headcount`` gave a role's headcount


@dataclass(frozen=True)
class Origins:
    """Where the expanded data's made parts are in the file, to place their problems."""

    made: Mapping[tuple[str, str], Made] = field(default_factory=dict)  # (section, id)
    # An item of an expanded list or a key of an expanded mapping -> the file's
    # (segments.loan.channels.3 -> segments.loan.channels.2, the template's id there).
    moved: Mapping[_Path, _Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Expansion:
    """A raw scenario with its templates made into roles and channels, and what went wrong."""

    data: dict[str, Any]
    origins: Origins
    problems: list[Problem]
    # Every unit's roles were made: the data is worth validating. An unknown template
    # leaves a unit without roles, and every name of them would read as a mistake.
    complete: bool


@dataclass
class _Found:
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True

    def add(self, path: _Path, message: str, *, fatal: bool = False) -> None:
        self.problems.append(Problem(path, message))
        self.complete = self.complete and not fatal


# A template's parts: section -> id -> fields (its roles, its channels).
_Template = dict[str, dict[str, dict[str, Any]]]


def uses_templates(data: Mapping[str, Any]) -> bool:
    """Whether a raw scenario has templates or a unit instantiating one."""
    units = data.get("units")
    return "templates" in data or any(
        isinstance(unit, dict) and any(key in unit for key in _UNIT_KEYS)
        for unit in (units.values() if isinstance(units, dict) else ())
    )


def expand_templates(data: dict[str, Any]) -> Expansion:
    """The raw scenario with each unit's template made into flat roles and channels (a copy).

    Problems carry the paths of the file (``units.north.template``); a data without
    templates comes back as it is.
    """
    if not uses_templates(data):
        return Expansion(data, Origins(), [], complete=True)
    found = _Found()
    sections = {s: dict(data[s]) if isinstance(data.get(s), dict) else {} for s in _SECTIONS}
    templates = _templates(data.get("templates"), set(sections["channels"]), found)
    raw_units = data.get("units")
    units = dict(raw_units) if isinstance(raw_units, dict) else {}
    made: dict[tuple[str, str], Made] = {}
    copies: dict[str, list[str]] = {}  # a template's channel id -> the units' copies
    for uid, unit in units.items():
        if not isinstance(unit, dict):
            continue
        if "template" in unit and not re.match(ID_PATTERN, str(uid)):
            # Its roles and channels would be "<uid>__<id>", wrong ids each, and every
            # section naming one would fail for it (a second, false error): said once.
            found.add(("units", uid), f"expected an id: {ID_WORDS}, got {uid!r}", fatal=True)
            continue
        units[uid] = {k: v for k, v in unit.items() if k not in _UNIT_KEYS}
        for iid, item, origin in _instantiate(str(uid), unit, templates, found):
            have = sections[origin.section]
            if iid in have:
                found.add(("units", uid, "template"), _clash(iid, origin, made), fatal=True)
                continue
            have[iid], made[origin.section, iid] = item, origin
            if origin.section == "channels":
                copies.setdefault(origin.name, []).append(iid)
    out = {k: v for k, v in data.items() if k != "templates"}
    # A template no unit names is kept (excluded from the dump), for the model to check
    # its fields and the warnings to say that it makes nothing.
    unit_maps = raw_units.values() if isinstance(raw_units, dict) else ()
    used = {u.get("template") for u in unit_maps if isinstance(u, dict)}
    unused = {t: v for t, v in _raw_templates(data).items() if t not in used}
    if unused:
        out["templates"] = unused
    if isinstance(raw_units, dict):
        out["units"] = units
    for section, items in sections.items():
        if isinstance(data.get(section), dict) or any(s == section for s, _ in made):
            out[section] = items
    moved: dict[_Path, _Path] = {}
    if copies:
        written = {str(r) for r in data["roles"]} if isinstance(data.get("roles"), dict) else set()
        _with_copies(out, copies=copies, written_roles=written, moved=moved)
    return Expansion(out, Origins(made, moved), found.problems, found.complete)


def _raw_templates(data: Mapping[str, Any]) -> dict[Any, Any]:
    raw = data.get("templates")
    return dict(raw) if isinstance(raw, dict) else {}


def _clash(iid: str, origin: Made, made: Mapping[tuple[str, str], Made]) -> str:
    section, noun = origin.section, _NOUN[origin.section]
    other = made.get((section, iid))
    where = (
        f"the {noun} unit {other.unit!r} makes from template {other.template!r}"
        if other is not None
        else f"a {noun} written in {section}: ({section}.{iid})"
    )
    return (
        f"the template's {noun} {origin.name!r} would make {noun} {iid!r} for this unit, "
        f"and {where} has that id: rename one of them"
    )


def _templates(raw: Any, written_channels: set[str], found: _Found) -> dict[str, _Template]:
    """The templates whose shape is right: id -> section -> item id -> its fields."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        found.add(
            ("templates",),
            f"expected a mapping of template id -> {{roles: {{...}}}}, got {_short(raw)}",
            fatal=True,
        )
        return {}
    good: dict[str, _Template] = {}
    for tid, template in raw.items():
        path: _Path = ("templates", str(tid))
        if not isinstance(template, dict):
            found.add(path, f"expected {{roles: {{...}}}}, got {_short(template)}", fatal=True)
            continue
        for key in template:
            if key not in _SECTIONS:
                found.add(
                    (*path, str(key)),
                    f"unknown field {key!r}: a template holds roles and channels only",
                )
        roles = _template_items(template.get("roles"), (*path, "roles"), found)
        channels = _template_items(template.get("channels", {}), (*path, "channels"), found)
        for cid in set(channels or {}) & written_channels:
            found.add(
                (*path, "channels", cid),
                f"a channel written in channels: (channels.{cid}) has this id too; outside "
                "the template the id stands for every unit's copy of the template's "
                "channel, so it must be the template's alone: rename one of them",
                fatal=True,
            )
        if roles is not None and channels is not None:
            good[str(tid)] = {"roles": roles, "channels": channels}
    return good


def _template_items(raw: Any, path: _Path, found: _Found) -> dict[str, dict[str, Any]] | None:
    """A template's roles (at least one) or channels: id -> fields, if their shape is right."""
    section = str(path[-1])
    noun = _NOUN[section]
    if not isinstance(raw, dict) or (section == "roles" and not raw):
        words = "required field is missing" if raw is None else f"got {_short(raw)}"
        found.add(path, f"{words}; expected a mapping of {noun} id -> {noun} fields", fatal=True)
        return None
    items: dict[str, dict[str, Any]] = {}
    for iid, item in raw.items():
        if not isinstance(item, dict):
            message = f"expected the {noun}'s fields, got {_short(item)}"
            found.add((*path, str(iid)), message, fatal=True)
            continue
        if "unit" in item:
            found.add(
                (*path, str(iid), "unit"),
                f"a template's {noun} is in the unit that uses the template: leave unit out",
            )
        if section == "roles" and "headcount" not in item:
            found.add(
                (*path, str(iid), "headcount"),
                "required field is missing: the headcount of each unit that writes none "
                "in its headcount",
                fatal=True,
            )
        items[str(iid)] = item
    return items


def _instantiate(
    uid: str, unit: dict[str, Any], templates: Mapping[str, _Template], found: _Found
) -> Iterator[tuple[str, dict[str, Any], Made]]:
    """The roles, then the channels, a unit makes from its template: (id, fields, origin)."""
    tid = unit.get("template")
    if tid is None:
        for key, words in (
            ("headcount", "a unit's headcount is for the roles"),
            ("roles", "a unit's roles are for the roles"),
            ("channels", "a unit's channels are for the channels"),
        ):
            if key in unit:
                section = "channels" if key == "channels" else "roles"
                found.add(
                    ("units", uid, key),
                    f"{words} of its template, and this unit has none: write template: "
                    f"<id>, or write the unit's {section} in {section}: with unit: {uid}",
                )
        return
    if not isinstance(tid, str) or tid not in templates:
        found.add(("units", uid, "template"), _unknown_template(tid, list(templates)), fatal=True)
        return
    template = templates[tid]
    sizes = _for_template(unit, uid=uid, key="headcount", template=template, found=found)
    title = unit.get("title")
    title = title if isinstance(title, str) and title else uid
    for section in _SECTIONS:
        changes = _for_template(unit, uid=uid, key=section, template=template, found=found)
        for iid, titem in template[section].items():
            change = _change(uid, section, iid, raw=changes.get(iid), found=found)
            item = {k: v for k, v in {**titem, **change}.items() if k != "unit"}
            if section == "roles":
                _localise_role(uid, item, template)
                if iid in sizes:
                    item["headcount"] = sizes[iid]
            if "title" not in change and isinstance(titem.get("title"), str) and titem["title"]:
                item["title"] = f"{titem['title']}, {title}"
            item["unit"] = uid
            origin = Made(
                section=section,
                unit=uid,
                template=tid,
                name=iid,
                unit_fields=frozenset(change),
                unit_headcount=iid in sizes,
            )
            yield f"{uid}__{iid}", item, origin


def _localise_role(uid: str, role: dict[str, Any], template: _Template) -> None:
    """The template's names of its roles and channels in a made role, as the unit's."""
    troles, tchannels = template["roles"], template["channels"]
    for key in _ROLE_REFERENCES:
        if key in role:
            role[key] = _local(uid, role[key], troles)
    if isinstance(role.get("staff"), list):
        role["staff"] = [_staff_local(uid, s, troles) for s in role["staff"]]
    if isinstance(role.get("channels"), list):
        role["channels"] = [_local(uid, c, tchannels) for c in role["channels"]]


def _unknown_template(tid: Any, known: list[str]) -> str:
    if not known:
        return f"unknown template {tid!r}: the file has no templates: section"
    return f"unknown template {tid!r}; expected one of: {', '.join(sorted(known))}"


def _for_template(
    unit: dict[str, Any], *, uid: str, key: str, template: _Template, found: _Found
) -> dict[str, Any]:
    """A unit's ``headcount``, ``roles`` or ``channels``: the entries its template has."""
    raw = unit.get(key)
    if raw is None:
        return {}
    section = "channels" if key == "channels" else "roles"
    noun, items = _NOUN[section], template[section]
    if not isinstance(raw, dict):
        found.add(("units", uid, key), f"expected a mapping of {noun} id -> ..., got {_short(raw)}")
        return {}
    good = {}
    for iid, value in raw.items():
        if str(iid) in items:
            good[str(iid)] = value
        else:
            hint = _did_you_mean(str(iid), list(items))
            known = f"expected one of: {', '.join(items)}" if items else f"it has no {section}"
            found.add(
                ("units", uid, key, str(iid)),
                f"the unit's template has no {noun} {iid!r}{hint}; {known}",
            )
    return good


def _change(uid: str, section: str, iid: str, *, raw: Any, found: _Found) -> dict[str, Any]:
    """The unit's changes to one template role or channel: fields but its unit (headcount)."""
    if raw is None:
        return {}
    path: _Path = ("units", uid, section, iid)
    noun = _NOUN[section]
    if not isinstance(raw, dict):
        found.add(path, f"expected the {noun}'s fields to change, got {_short(raw)}")
        return {}
    if section == "roles" and "headcount" in raw:
        found.add(
            (*path, "headcount"),
            f"a unit's headcount of a role goes in units.{uid}.headcount.{iid}",
        )
    if "unit" in raw:
        found.add((*path, "unit"), f"the unit's {section} are in unit {uid!r}: leave unit out")
    dropped = ("headcount", "unit") if section == "roles" else ("unit",)
    return {k: v for k, v in raw.items() if k not in dropped}


def _local(uid: str, ref: Any, names: Mapping[str, Any]) -> Any:
    """A name of one of the template's roles or channels, as the unit's id; any other as is."""
    return f"{uid}__{ref}" if isinstance(ref, str) and ref in names else ref


def _staff_local(uid: str, member: Any, troles: Mapping[str, Any]) -> Any:
    """A staff member whose successor (a role, or a person ``role.03``) is the unit's."""
    successor = member.get("successor") if isinstance(member, dict) else None
    if not isinstance(successor, str):
        return member
    rid, dot, number = successor.partition(".")
    return {**member, "successor": f"{_local(uid, rid, troles)}{dot}{number}"}


def _with_copies(
    out: dict[str, Any],
    *,
    copies: Mapping[str, list[str]],
    written_roles: set[str],
    moved: dict[_Path, _Path],
) -> None:
    """A template's channel id outside the template, as every unit's copy (in ``out``).

    In a segment's ``channels`` and ``lead_weight`` and a written role's ``channels``;
    ``moved`` gets where each copy's item was written. A copy named by its own id as
    well keeps its own weight.
    """
    segments = out.get("segments")
    if isinstance(segments, dict):
        out["segments"] = segments = dict(segments)
        for sid, seg in segments.items():
            if not isinstance(seg, dict):
                continue
            seg = segments[sid] = dict(seg)
            path: _Path = ("segments", str(sid))
            if "channels" in seg:
                items = _list_with_copies(seg["channels"], copies, (*path, "channels"), moved)
                seg["channels"] = items
            weights = seg.get("lead_weight")
            if isinstance(weights, dict) and any(k in copies for k in weights):
                new: dict[Any, Any] = {}
                for key, weight in weights.items():
                    for copy in copies.get(key, [key]) if isinstance(key, str) else [key]:
                        if copy != key and copy not in weights:
                            new[copy] = weight
                            moved[(*path, "lead_weight", copy)] = (*path, "lead_weight", key)
                        elif copy == key:
                            new[key] = weight
                seg["lead_weight"] = new
    roles = out.get("roles")
    if isinstance(roles, dict):
        out["roles"] = roles = dict(roles)
        for rid in written_roles:
            role = roles.get(rid)
            if isinstance(role, dict) and "channels" in role:
                path = ("roles", rid, "channels")
                items = _list_with_copies(role["channels"], copies, path, moved)
                roles[rid] = {**role, "channels": items}


def _list_with_copies(
    raw: Any, copies: Mapping[str, list[str]], path: _Path, moved: dict[_Path, _Path]
) -> Any:
    """A list of channel ids with each template id as its copies; ``moved``: their items."""
    if not isinstance(raw, list) or not any(isinstance(c, str) and c in copies for c in raw):
        return raw
    items: list[Any] = []
    for i, cid in enumerate(raw):
        for copy in copies[cid] if isinstance(cid, str) and cid in copies else [cid]:
            moved[(*path, len(items))] = (*path, i)
            items.append(copy)
    return items


def _did_you_mean(value: str, known: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest of ``known`` (difflib, 0.6), or ''."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_channel(path: _Path, value: str, data: Mapping[str, Any], origins: Origins) -> str:
    """An unknown channel id in a templated file, with the ids valid where it is written.

    ``path``: a role's or a segment's ``channels`` item in the expanded data. In a role a
    template made (its template's ``channels``, or its unit's ``roles``): the template's
    channel ids, each the unit's own, and those written in ``channels:``. Elsewhere: those
    written, and every template's channel ids, each all units' copies. A unit's copy by
    its own id (``north__walk_ins``) is valid anywhere: matched for the hint, not listed.
    """
    written = data.get("channels")
    copies = {cid: m for (section, cid), m in origins.made.items() if section == "channels"}
    own = [c for c in (written if isinstance(written, dict) else {}) if c not in copies]
    origin = origins.made.get(("roles", str(path[1]))) if path[0] == "roles" else None
    names = [m.name for m in copies.values() if origin is None or m.template == origin.template]
    names = list(dict.fromkeys(names))
    hint = _did_you_mean(value, [*names, *own, *copies])
    if origin is not None:
        groups = [f"the template's channels (the unit's own): {', '.join(names)}"]
    else:
        groups = [f"the templates' channels (every unit's copy): {', '.join(names)}"]
    if own:
        groups.append(f"of channels: {', '.join(own)}")
    if origin is None and copies:
        groups.append(f"one unit's copy by its id ({next(iter(copies))})")
    return f"unknown channel {value!r}{hint}; expected one of {'; or '.join(groups)}"


def source_path(path: _Path, origins: Origins) -> tuple[_Path, tuple[str, str] | None]:
    """Where the file wrote a field of the expanded data, and what made it.

    ``roles.north__client_manager.headcount`` is ``units.north.headcount.client_manager``
    when the unit wrote it, else ``templates.branch.roles.client_manager.headcount``;
    ``channels.north__walk_ins.requests_per_day`` is the unit's ``channels`` or the
    template's. What made it: (``"role"``, its id) for a made role, ``"channel"`` for a
    channel, ``None`` for a part written as it is.
    """
    for n in range(len(path), 2, -1):
        if path[:n] in origins.moved:
            return (*origins.moved[path[:n]], *path[n:]), None
    origin = origins.made.get((str(path[0]), str(path[1]))) if len(path) >= 2 else None
    if origin is None:
        return path, None
    made = (_NOUN[origin.section], str(path[1]))
    rest = path[2:]
    key = str(rest[0]) if rest else None
    if key == "headcount" and origin.unit_headcount:
        return ("units", origin.unit, "headcount", origin.name, *rest[1:]), made
    if key in origin.unit_fields:
        return ("units", origin.unit, origin.section, origin.name, *rest), made
    if key == "unit":
        return ("units", origin.unit, "template"), made
    return ("templates", origin.template, origin.section, origin.name, *rest), made


def made_ids(data: Mapping[str, Any], section: str) -> dict[str, tuple[str, str, str]]:
    """The roles or channels a raw scenario's units make: id -> (unit, template, its id)."""
    templates = data.get("templates")
    units = data.get("units")
    if not isinstance(templates, dict) or not isinstance(units, dict):
        return {}
    out: dict[str, tuple[str, str, str]] = {}
    for uid, unit in units.items():
        tid = unit.get("template") if isinstance(unit, dict) else None
        template = templates.get(tid) if isinstance(tid, str) else None
        items = template.get(section) if isinstance(template, dict) else None
        for iid in items if isinstance(items, dict) else ():
            out[f"{uid}__{iid}"] = (str(uid), str(tid), str(iid))
    return out


def redirect_override(path: _Path, data: dict[str, Any]) -> tuple[_Path, dict[str, Any]]:
    """``--set roles.<made role>.<field>...`` (or a made channel's): the path on its unit.

    A role's headcount goes to ``units.<u>.headcount.<role>``, any other field to
    ``units.<u>.roles.<role>.<field>`` (``units.<u>.channels.<channel>.<field>``). The
    data gets the unit's mappings on the way, and the template's value of a field the
    path goes into (``headcount.max``), so the rest of it is kept. A role or channel
    written in ``roles:`` or ``channels:`` keeps its path.

    A path into a unit's headcount of a role it does not size
    (``units.<u>.headcount.<role>.current``) gets the template's value the same way.
    """
    made = _made_path(path, data)
    if made is not None:
        target, seeded = redirect_override(made, data)
        return (target, seeded) if target[:1] == ("units",) else (path, data)
    if len(path) < 3 or path[0] not in _SECTIONS:
        return path, data
    section = str(path[0])
    written = data.get(section)
    if isinstance(written, dict) and path[1] in written:
        return path, data
    origin = made_ids(data, section).get(str(path[1]))
    if origin is None:
        return path, data
    uid, tid, iid = origin
    key, rest = str(path[2]), path[3:]
    unit = data["units"][uid]
    sized = section == "roles" and key == "headcount"
    if sized:
        container: _Path = ("units", uid, "headcount")
        have = _get(unit, "headcount", iid)
    else:
        container = ("units", uid, section, iid)
        have = _get(unit, section, iid, key)
    if not isinstance(_get(data, *map(str, container)), dict):
        data = _put(data, container, {})
    target = (*container, iid) if sized else (*container, key)
    if rest and have is None:
        seed = _get(data["templates"][tid], section, iid, key)
        if isinstance(seed, int) and sized:
            seed = {"current": seed, "min": seed, "max": seed}
        if isinstance(seed, dict):
            data = _put(data, target, seed)
    return (*target, *rest), data


def _made_path(path: _Path, data: dict[str, Any]) -> _Path | None:
    """A path into a unit's headcount of its template's role, as the made role's; or None.

    ``units.north.headcount.team_lead.current`` is ``roles.north__team_lead.headcount.current``:
    where the unit does not size the role, the template's range is kept.

    A unit's ``roles`` and ``channels`` are not seeded so: there, as in the file, the
    unit's field replaces the template's whole.
    """
    if len(path) < 5 or path[0] != "units" or path[2] != "headcount":
        return None
    uid, iid = str(path[1]), str(path[3])
    made = f"{uid}__{iid}"
    origin = made_ids(data, "roles").get(made)
    if origin is None or (origin[0], origin[2]) != (uid, iid):
        return None
    return ("roles", made, "headcount", *path[4:])


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _put(data: dict[str, Any], path: _Path, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` (mapping keys) set, mappings made on the way."""
    head, rest = str(path[0]), path[1:]
    if not rest:
        return {**data, head: value}
    child = data.get(head)
    return {**data, head: _put(child if isinstance(child, dict) else {}, rest, value)}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
