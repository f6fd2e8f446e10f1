"""Scenario text in, scenario out; every problem at once, each naming file, line and field.

Pure: the caller reads the file (``teamsim`` does) and passes its bytes or text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import PathPart, Problem, ScenarioError
from sim.scenario.base import ID_PATTERN, ID_WORDS
from sim.scenario.calendar import slash_date_orders
from sim.scenario.consistency import raw_references
from sim.scenario.distributions import Exponential
from sim.scenario.model import CURRENCY_PATTERN, Scenario
from sim.scenario.overrides import Override, WrongAt, apply_overrides, blame_overrides
from sim.scenario.templates import (
    Origins,
    expand_templates,
    made_ids,
    redirect_override,
    source_path,
    unknown_channel,
)
from sim.scenario.unit_checks import bad_unit_echoes, empty_units
from sim.scenario.yamlerrors import too_deep_problem, yaml_problem
from sim.scenario.yamlmap import duplicate_keys, locate, parse_with_nodes, user_path
from sim.words import noun_for

MAX_SCENARIO_BYTES = 2_000_000  # a scenario is a page or two; anything this big is not one


def parse_scenario(
    content: str | bytes, source: str = "<scenario>", overrides: Sequence[str] = ()
) -> Scenario:
    """Parse and validate scenario YAML; raise ScenarioError listing every problem."""
    text = _decode(content, source)
    try:
        return _parsed(text, source, overrides)
    except ScenarioError as exc:
        if not overrides:
            raise
        problems = blame_overrides(exc.problems, source, overrides, _wrong_at(text, source))
        raise ScenarioError(problems) from None


def _wrong_at(text: str, source: str) -> WrongAt:
    """The problems the text has with some of its overrides (for blaming)."""

    def wrong(overrides: Sequence[str]) -> list[Problem]:
        try:
            _parsed(text, source, overrides)
        except ScenarioError as exc:
            return exc.problems
        return []

    return wrong


def _parsed(text: str, source: str, overrides: Sequence[str]) -> Scenario:
    try:
        data, node = parse_with_nodes(text)
    except yaml.YAMLError as exc:
        raise ScenarioError([yaml_problem(exc, text, source)]) from None
    except RecursionError:  # thousands of nested '[': the parser's own recursion gives up
        raise ScenarioError([too_deep_problem(source)]) from None
    if data is None:
        raise ScenarioError([Problem((), "the file is empty; expected a scenario", source)])
    if not isinstance(data, dict):
        found = type(data).__name__
        raise ScenarioError(
            [Problem((), f"expected a mapping of scenario fields, found a {found}", source, 1)]
        )
    problems = [p.located(source, p.line) for p in duplicate_keys(node)]
    data, applied, override_problems = _overridden(data, overrides)
    problems += override_problems
    # Templates are made into roles and channels here rather than only in the model's
    # before-validator: the loader keeps where each came from, to name the file's lines.
    expansion = expand_templates(data)
    raw = _Where(data=data, node=node, source=source, applied=applied, origins=Origins())
    # An empty units: is the cause of every unknown unit (and, with templates, of every
    # role they would make missing): said first, those left unsaid.
    empty = empty_units(data)
    if empty is not None:
        problems.insert(0, raw.place(empty.path, empty.message)[0])
    problems += [raw.place(p.path, p.message)[0] for p in expansion.problems]
    if expansion.complete and not (empty is not None and data.get("templates")):
        try:
            scenario = validate(expansion.data, node, source, applied, origins=expansion.origins)
        except ScenarioError as exc:
            problems += [p for p in exc.problems if empty is None or not _names_a_unit(p.path)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _names_a_unit(path: Sequence[PathPart]) -> bool:
    """A role's or channel's ``unit``, whose unknown unit an empty ``units:`` explains."""
    return len(path) == 3 and path[0] in ("roles", "channels") and path[2] == "unit"


def _overridden(
    data: dict[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[Override], list[Problem]]:
    """``apply_overrides`` with the loader's model; a made role's field goes to its unit."""
    return apply_overrides(
        data, overrides, fields=_fields_at, redirect=redirect_override, made=_made_at
    )


def _made_at(path: tuple[PathPart, ...], root: Any) -> list[str]:
    """The ids the raw data's templates make at ``path`` (``roles``, ``channels``).

    At a unit's ``headcount`` and ``roles``, the roles of its template, which it may size
    and change; at its ``channels``, the template's channels.
    """
    if len(path) == 1 and path[0] in ("roles", "channels") and isinstance(root, dict):
        return list(made_ids(root, str(path[0])))
    if len(path) == 3 and path[0] == "units" and path[2] in ("headcount", "roles", "channels"):
        section = "channels" if path[2] == "channels" else "roles"
        items = _child_data(_template_of(root, path[1]), section)
        return [str(i) for i in items] if isinstance(items, dict) else []
    return []


def validate(
    data: dict[str, Any],
    node: yaml.Node | None,
    source: str,
    applied: Sequence[Override] = (),
    *,
    origins: Origins | None = None,
) -> Scenario:
    """Validate raw data against the schema, mapping errors back to the file's lines.

    ``origins``: what templates made (``data`` has the roles and channels; the file has
    them in ``templates`` and ``units``), to place their problems where the file wrote them.
    """
    where = _Where(
        data=data, node=node, source=source, applied=applied, origins=origins or Origins()
    )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        # A unit id that is no id is said once, at the unit: every name of it (a role's
        # unit, a parent) and every id its template made would only repeat it.
        echoes = bad_unit_echoes(data, where.origins.made)
        errors: list[Any] = [e for e in exc.errors() if not _echo(e, echoes)]
        placed = _merge(where.place(err["loc"], _message(err)) for err in errors)
        # A field error stops the model before its cross-field checks: the references
        # are checked on the raw mapping, so every problem is still reported at once.
        placed += _references(data, placed, where)
    except ScenarioError as exc:
        placed = [where.place(p.path, p.message) for p in exc.problems]
    raise ScenarioError(_in_made_roles(placed)) from None


def _echo(err: Any, echoes: frozenset[str]) -> bool:
    """Whether a field error only repeats a bad unit id (not the unit's own key)."""
    loc = tuple(err["loc"])
    if err["type"] != "string_pattern_mismatch" or err.get("input") not in echoes:
        return False
    return not (len(loc) == 3 and loc[0] == "units" and loc[2] == "[key]")


def _references(data: dict[str, Any], found: Sequence[_Placed], where: _Where) -> list[_Placed]:
    """Unknown references in the raw data, placed; none for a field already reported."""
    seen = {(p.path, made) for p, made in found}
    placed = [where.place(p.path, p.message) for p in raw_references(data)]
    return [(p, made) for p, made in placed if (p.path, made) not in seen]


def place_problem(
    content: str | bytes,
    source: str,
    path: Sequence[PathPart],
    message: str,
    overrides: Sequence[str] = (),
) -> Problem:
    """A problem found in a valid scenario (a warning), placed as the loader places errors.

    It names the line of ``path`` in the file, or of the nearest field above it that the
    file has (a role without ``max_span`` points at the role), or the ``--set`` that gave
    the field its value. ``content`` and ``overrides`` are those the scenario was loaded
    from, so both parse again.
    """
    data, node = parse_with_nodes(_decode(content, source))
    data, applied, _ = _overridden(data, overrides)
    expansion = expand_templates(data)
    where = _Where(
        data=expansion.data, node=node, source=source, applied=applied, origins=expansion.origins
    )
    return _in_made_roles([where.place(path, message)])[0]


def _decode(content: str | bytes, source: str) -> str:
    if isinstance(content, str):
        return content
    if len(content) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            [Problem((), f"is {len(content):,} bytes; a scenario is at most 2 MB", source)]
        )
    if b"\x00" in content[:8192]:
        raise ScenarioError([Problem((), "is a binary file; expected YAML text", source)])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem((), f"is not UTF-8 text (byte {exc.start}); expected YAML", source)]
        ) from None


# A placed problem, and the template-made role or channel it is about when the file wrote
# the value in a template (which several units share): ("role", "north__team_lead").
_Placed = tuple[Problem, tuple[str, str] | None]


@dataclass(frozen=True)
class _Where:
    """What a problem is placed by: the data validated, the file's nodes, its ``--set``."""

    data: Any
    node: yaml.Node | None
    source: str
    applied: Sequence[Override]
    origins: Origins  # what templates made (sim.scenario.templates)

    def place(self, loc: Sequence[Any], message: str) -> _Placed:
        """Name the field's ``--set``, or its file and line.

        The path is followed through the data the overrides made, not the file's nodes: a
        field inside a list or mapping that a ``--set`` gave is not in the file, whose walk
        would drop its parts (``roles.seller.start``) and blame the file. A made role's
        field is where the file wrote it: the unit's headcount, roles or channels, or the
        template; a template channel's copy in a segment, where the file named the channel.
        """
        path = user_path(self.data, loc, _field_names().__contains__)
        message = self._channel_message(path, message)
        path, made = source_path(path, self.origins)
        role = made if path[:1] == ("templates",) else None
        for ov in reversed(self.applied):
            # The override's own field, anything under it, or the object it belongs to
            # (a cross-field check such as min <= current <= max reports at the parent).
            inside = path[: len(ov.path)] == ov.path
            parent = len(path) == len(ov.path) - 1 and ov.path[: len(path)] == path
            if inside or parent or _made_by(ov, path, self.node):
                return Problem(path, message, f"--set {ov.text}"), role
        _, line = locate(self.node, path, _field_names().__contains__)
        return Problem(path, message, self.source, line), role

    def _channel_message(self, path: tuple[PathPart, ...], message: str) -> str:
        """An unknown channel in a templated file: the ids valid there (``unknown_channel``)."""
        if not self.origins.made or not message.startswith("unknown channel "):
            return message
        if len(path) != 4 or path[0] not in ("roles", "segments") or path[2] != "channels":
            return message
        value = _child_data(_child_data(_child_data(self.data, path[0]), path[1]), "channels")
        value = _child_data(value, path[3])
        return (
            unknown_channel(path, value, self.data, self.origins)
            if isinstance(value, str)
            else message
        )


def _in_made_roles(placed: Iterable[_Placed]) -> list[Problem]:
    """The problems, one for a template's field however many units' roles it is wrong in.

    A problem in a template's value names the roles (channels) made of it: "(in role
    north__client_manager)", or every unit's at once.
    """
    made: dict[Problem, dict[str, list[str]]] = {}  # problem -> noun -> ids
    for problem, what in placed:
        ids = made.setdefault(problem, {})
        if what is not None and what[1] not in ids.setdefault(what[0], []):
            ids[what[0]].append(what[1])
    return [
        replace(p, message=f"{p.message} (in {'; '.join(_named(n, i) for n, i in ids.items())})")
        if ids
        else p
        for p, ids in made.items()
    ]


def _named(noun: str, ids: list[str]) -> str:
    return f"{noun_for(len(ids), noun)} {', '.join(ids)}"


def _made_by(ov: Override, path: tuple[PathPart, ...], node: yaml.Node | None) -> bool:
    """Whether ``path`` lies in a mapping the override made (the file has none there).

    ``--set channels.web.retrial.share=0.2`` on a file with no ``retrial`` makes one; its
    missing ``delay_min`` is the override's to fix, not the file's.
    """
    shared = 0
    for mine, theirs in zip(path, ov.path, strict=False):
        if mine != theirs:
            break
        shared += 1
    if shared == 0:
        return False
    found, _ = locate(node, path[:shared], lambda _: False)
    return len(found) < shared


def _merge(placed: Iterable[_Placed]) -> list[_Placed]:
    """One line per field: a union reports once per alternative, which reads as noise."""
    merged: dict[tuple[Any, ...], _Placed] = {}
    for p, role in placed:
        key = (p.source, p.path, role)
        if key in merged and p.message not in merged[key][0].message:
            old = merged[key][0]
            merged[key] = (
                Problem(p.path, f"{old.message}; or {p.message}", p.source, old.line),
                role,
            )
        else:
            merged.setdefault(key, (p, role))
    return list(merged.values())


def _message(err: dict[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field(str(err["loc"][-1]))
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        name = str(ctx.get("discriminator", "kind")).strip("'")
        return f"needs a '{name}' field saying which variant it is"
    if kind == "too_short" and tuple(err["loc"]) == ("roles",):
        return "a team needs at least one role"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        # Ids go into --set paths (split on dots) and reports: say what one may hold.
        return f"expected an id: {ID_WORDS}, got {_short(err.get('input'))}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == CURRENCY_PATTERN:
        value = err.get("input")
        return (
            "expected a three-letter ISO 4217 code such as RUB, USD, EUR, "
            f"got {_short(value)}{_currency_hint(value)}"
        )
    msg = str(err["msg"])
    if kind == "int_from_float":
        return f"expected a whole number, got {_short(err.get('input'))}"
    if kind == "model_type" and ctx.get("class_name") == "Headcount":
        # A headcount is a number or its mapping (sim.scenario.team._int_to_headcount).
        return (
            f"expected a number of people (e.g. 5) or {{current: 5, min: 3, max: 8}}, "
            f"got {_short(err.get('input'))}"
        )
    if kind in ("model_type", "model_attributes_type"):
        # A value where a mapping was expected: what to write, in words, by the field.
        value = err.get("input")
        return f"expected {_mapping_words(err['loc'])}, got {_short(value)}{_share_of(value, ctx)}"
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = err.get("input")
    if kind in _DATE_KINDS and not (isinstance(value, str) and _ISO_DATE.match(value)):
        # pydantic's reason ("invalid character in year") is about ISO parsing, which
        # the user did not know was meant; the form to write is what helps.
        return f"expected a date, got {_short(value)}; {_date_hint(value)}"
    msg = msg.replace("Input should be", "expected").replace("String should", "expected to")
    return f"{msg}, got {_short(value)}{_share_hint(kind, ctx, value, err['loc'])}"


# Date errors of pydantic for a date field, whatever form the input took.
_DATE_KINDS = frozenset(
    ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _date_hint(value: Any) -> str:
    """What to write instead of a date in another form.

    A dotted date is day first (01.03.2027 is 1 March) wherever it is used, so the
    example is that date. A slashed one is read day-first in some countries and
    month-first in others (:func:`slash_date_orders`): each reading it allows is named,
    so 01/03/2027 is "1 March 2027 or 3 January 2027" and 13/03/2027 "13 March 2027".
    """
    example = "2027-03-01"
    text = value.strip() if isinstance(value, str) else ""
    if match := _DOTTED_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        with contextlib.suppress(ValueError):
            example = dt.date(year, month, day).isoformat()
    elif match := _SLASHED_DATE.match(text):
        first, second, year = (int(g) for g in match.groups())
        readings: list[dt.date] = []
        for order in slash_date_orders(first, second):
            day, month = (first, second) if order == "dmy" else (second, first)
            with contextlib.suppress(ValueError):
                if (reading := dt.date(year, month, day)) not in readings:
                    readings.append(reading)
        if readings:
            words = " or ".join(f"{d.day} {d:%B} {d.year}" for d in readings)
            iso = " or ".join(d.isoformat() for d in readings)
            return f"{text} reads as {words}: write YYYY-MM-DD ({iso})"
    return f"write YYYY-MM-DD, e.g. {example}"


def _share_hint(kind: str, ctx: dict[str, Any], value: Any, loc: Sequence[Any] = ()) -> str:
    """The hint for a share written as a percentage (35 or "35 %" where 0.35 is meant).

    A number above an upper bound of at most 1 is taken for a percentage when it is at
    most 100; a number written with a percent sign always is. "write 0.9 for 90 %" only
    when that share is one the field takes; else the field's range ("a share from 0.5 to
    0.99"): a confidence of 2 is no 2 %.
    """
    percent: float | None = None
    if isinstance(value, str) and (match := _PERCENT.match(value)):
        percent = float(match.group(1))
    elif (
        kind in ("less_than", "less_than_equal")
        and float(ctx.get("lt", ctx.get("le", 2))) <= 1.0
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and 1 < value <= 100
    ):
        percent = float(value)
    if percent is None:
        return ""
    low, high = _bounds(loc)
    if low <= percent / 100 <= high:
        return f"; write {percent / 100:g} for {percent:g} %"
    return f"; write a share from {low:g} to {high:g}"


# What a field taking a mapping holds, in words, by its model (class name); a model not
# named here is described by its fields.
_MAPPING_WORDS = {
    "Retrial": (
        "{share: 0.3, delay_min: 10} (the share of the callers who hang up who call "
        "again, below 1, and the minutes before they do)"
    ),
}
_DISTRIBUTION_EXAMPLE = "{kind: exponential, mean: 2}"


def _mapping_words(loc: Sequence[Any]) -> str:
    """What to write where a mapping is expected: a distribution's two forms, or a model's.

    A distribution (``sim.scenario.distributions``) is a number or a mapping naming its
    kind; minutes when the field says so (``_min``).
    """
    name = str(loc[-1]) if loc else ""
    models = _models_at(loc)
    if Exponential in models:
        unit = " of minutes" if name.endswith("_min") else ""
        return (
            f"a number{unit} (e.g. 2) or a distribution such as {_DISTRIBUTION_EXAMPLE} "
            "(kinds: fixed, exponential, lognormal, triangular, uniform)"
        )
    if len(models) == 1 and models[0].__name__ in _MAPPING_WORDS:
        return _MAPPING_WORDS[models[0].__name__]
    fields = [f for m in models for f in m.model_fields]
    return f"a mapping of {', '.join(fields)}" if fields else "a mapping (field: value)"


def _share_of(value: Any, ctx: dict[str, Any]) -> str:
    """A bare share where a retrial's mapping is meant: the mapping that says it."""
    if ctx.get("class_name") != "Retrial" or not isinstance(value, int | float):
        return ""
    if isinstance(value, bool) or not 0 <= value < 1:
        return ""
    return f"; for a share of {value:g} write {{share: {value:g}, delay_min: 10}}"


def _models_at(loc: Sequence[Any]) -> list[type[BaseModel]]:
    """The models a field of the scenario takes, found by its path; empty if not found.

    Dict keys (role and channel ids), list indexes and a variant's name are stepped over:
    the models stay those of the values they hold.
    """
    models: list[type[BaseModel]] = [Scenario]
    found = False
    for part in loc:
        hits = [m.model_fields[part] for m in models if str(part) in m.model_fields]
        found = bool(hits)
        if hits:
            models = _models_in(hits[0].annotation)
    return models if found else []


def _bounds(loc: Sequence[Any]) -> tuple[float, float]:
    """The bounds a share field declares (ge/gt, le/lt), found by its path; else 0 and 1."""
    model: Any = Scenario
    low, high = 0.0, 1.0
    for part in loc:
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            continue  # a dict key or list index, or a variant's name: its value's model
        info = fields[part]
        for rule in info.metadata:
            low = float(getattr(rule, "ge", getattr(rule, "gt", low)))
            high = float(getattr(rule, "le", getattr(rule, "lt", high)))
        model = info.annotation
    return low, high


# Currency names a user may write for their code: the code is what the field takes.
_CURRENCY_WORDS = {
    "ruble": "RUB", "rouble": "RUB", "dollar": "USD", "euro": "EUR", "pound": "GBP",
    "yen": "JPY", "franc": "CHF", "yuan": "CNY", "rupee": "INR",
}  # fmt: skip


def _currency_hint(value: Any) -> str:
    """The code meant by a currency's name or a lower-case code ("rubles", "rub"), if any."""
    word = value.strip().lower() if isinstance(value, str) else ""
    code = _CURRENCY_WORDS.get(word.removesuffix("s")) or (word.upper() if len(word) == 3 else "")
    return f"; did you mean {code!r}?" if code.isalpha() and code.isascii() else ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_field(name: str) -> str:
    # The name itself is no hint: a field of another model (an inbound channel's
    # profile written on a referral channel) is unknown here, not misspelt.
    close = difflib.get_close_matches(name, sorted(_field_names() - {name}), n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field {name!r}{hint}"


@cache
def _field_names() -> frozenset[str]:
    """Every field name of the scenario tree, to suggest the one meant in a typo."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [Scenario]
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return frozenset(names)


def _fields_at(path: tuple[PathPart, ...], root: Any = None) -> list[str] | None:
    """The scenario model's field names at a path of the raw data ``root``, optional ones too.

    None where the keys are the user's (role and segment ids, list items). A model of
    several variants (a channel) is the one whose ``kind`` the data there gives; None
    when the data gives none.
    """
    if len(path) >= 3 and path[0] == "units" and path[2] in ("roles", "channels"):
        # A unit's changes to its template's roles or channels: the template's ids, then
        # the fields of one (free mappings in the model, which only the template types;
        # a channel's are those of the kind the template or the unit gives).
        section = str(path[2])
        template = _template_of(root, path[1])
        items = _child_data(template, section)
        if len(path) == 3:
            return None  # ids, not fields: _made_at's
        change = _child_data(
            _child_data(_child_data(_child_data(root, "units"), path[1]), section), path[3]
        )
        item = _child_data(items, path[3])
        merged = {
            **(item if isinstance(item, dict) else {}),
            **(change if isinstance(change, dict) else {}),
        }
        return _fields_at((section, *path[3:]), {section: {str(path[3]): merged}})
    candidates: list[type[BaseModel]] = [Scenario]
    node = root
    keyed = False  # the part is a dict's key or a list's index, not a field
    for part in path:
        if keyed:
            keyed, node = False, _child_data(node, part)
            continue
        model = _variant(candidates, node)
        found = getattr(model, "model_fields", {}) if model is not None else {}
        if part not in found:
            return None
        annotation = found[part].annotation
        candidates = _models_in(annotation)
        if not candidates:
            return None
        keyed, node = _is_container(annotation), _child_data(node, part)
    model = None if keyed else _variant(candidates, node)
    return list(getattr(model, "model_fields", {})) or None


def _template_of(root: Any, uid: PathPart) -> Any:
    """The raw template unit ``uid`` instantiates, if it names one the file has."""
    tid = _child_data(_child_data(_child_data(root, "units"), uid), "template")
    return _child_data(_child_data(root, "templates"), tid) if isinstance(tid, str) else None


def _child_data(node: Any, part: PathPart) -> Any:
    if isinstance(node, dict):
        return node.get(str(part))
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _variant(models: list[type[BaseModel]], node: Any) -> type[BaseModel] | None:
    """The one model, or of several the one whose ``kind`` literal the data gives."""
    if len(models) == 1:
        return models[0]
    kind = node.get("kind") if isinstance(node, dict) else None
    for model in models:
        field = model.model_fields.get("kind")
        if field is not None and kind in typing.get_args(field.annotation):
            return model
    return None


def _is_container(annotation: Any) -> bool:
    """A dict or a list (optional or annotated): its next path part is a key or index."""
    origin = typing.get_origin(annotation)
    if origin in (dict, list, tuple, Mapping, Sequence):
        return True
    if origin is typing.Annotated:
        return _is_container(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return origin is not None and len(args) == 1 and _is_container(args[0])


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found.extend(_models_in(getattr(meta, "json_schema_input_type", None)))
    return found
