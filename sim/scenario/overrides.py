"""``--set path=value``: change any field of a scenario from the command line.

A path is dotted: mapping keys by name, list items by index or by their ``name``
(``segments.loan.stages.meeting.convert=0.4``). The value is read as YAML, so
``--set roles.seller.headcount={current: 8, min: 4, max: 12}`` works too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from sim.errors import PathPart, Problem
from sim.scenario.yamlmap import ScenarioLoader


@dataclass(frozen=True)
class Override:
    """One parsed ``path=value``."""

    text: str
    path: tuple[PathPart, ...]
    value: Any


def parse_override(text: str) -> Override:
    """Split ``path=value`` and read the value as YAML; raise ValueError if it is malformed."""
    path_text, sep, value_text = text.partition("=")
    parts = [p.strip() for p in path_text.strip().split(".")]
    if not sep or not all(parts):
        raise ValueError(f"expected path=value (e.g. policies.call_quota_per_day=30), got {text!r}")
    try:
        # The file's loader: an impossible date (2027-02-30) stays text for the schema to
        # reject at its field; PyYAML's own raises a bare ValueError with no field.
        value = yaml.load(value_text, Loader=ScenarioLoader) if value_text.strip() else None
    except yaml.YAMLError as exc:
        raise ValueError(f"the value {value_text!r} is not valid YAML: {exc}") from None
    path = tuple(int(p) if p.isdigit() else p for p in parts)
    return Override(text=text, path=path, value=_number_or_text(value))


def _number_or_text(value: Any) -> Any:
    """YAML 1.1 reads ``1e12`` (no dot) as text; on a command line it means a number."""
    if isinstance(value, str):
        try:
            return float(value) if _FLOAT.fullmatch(value.strip()) else value
        except ValueError:
            return value
    return value


_FLOAT = re.compile(r"[-+]?\d+(\.\d*)?[eE][-+]?\d+")


# The model's field names at a path of the raw data (the second argument: a channel's
# fields follow its kind), None where the keys are the user's (role ids, segment ids), so
# a missing key names what could be written there.
FieldsAt = Callable[[tuple[PathPart, ...], Any], Sequence[str] | None]
# Where a path of the raw data really goes (a template-made role's field: on its unit),
# and the data made ready for it.
Redirect = Callable[[tuple[PathPart, ...], Any], tuple[tuple[PathPart, ...], Any]]
# The ids the raw data makes at a path without writing them there (a template's roles made
# for each unit), for a missing key to be matched against: a path into one is redirected.
MadeAt = Callable[[tuple[PathPart, ...], Any], Sequence[str]]


def apply_overrides(
    data: Any,
    texts: Sequence[str],
    fields: FieldsAt | None = None,
    redirect: Redirect | None = None,
    made: MadeAt | None = None,
) -> tuple[Any, list[Override], list[Problem]]:
    """Apply overrides to the raw data (a copy); return it, the overrides applied, the problems.

    ``fields`` (the loader's model): a path into a key the file does not have lists the
    model's fields there, optional ones included, and the closest to the key written.
    ``redirect`` (the loader's templates): the path an override's path is written to; the
    override applied keeps its text and has that path. ``made`` (the loader's templates):
    the ids made at a path, listed and matched with the file's when a key is missing.
    """
    applied: list[Override] = []
    problems: list[Problem] = []
    for text in texts:
        try:
            ov = parse_override(text)
        except ValueError as exc:
            problems.append(Problem((), str(exc), source=f"--set {text}"))
            continue
        path, root = redirect(ov.path, data) if redirect else (ov.path, data)
        try:
            data = _set(root, path, ov.value, fields=_bound(fields, root), made=_bound(made, root))
        except LookupError as exc:
            problems.append(Problem(ov.path, str(exc).strip("'\""), source=f"--set {text}"))
            continue
        # Errors come back with list indices; a path that named an item must match them.
        applied.append(replace(ov, path=_resolved(data, path)))
    return data, applied, problems


# The problems a scenario has with only the given overrides applied.
WrongAt = Callable[[Sequence[str]], Sequence[Problem]]


def blame_overrides(
    problems: Sequence[Problem], source: str, texts: Sequence[str], wrong_at: WrongAt
) -> list[Problem]:
    """The problems, each the file has only with ``--set`` named by that ``--set``.

    A ``--set`` can make wrong a field it does not name: 99 client managers give their
    lead more coaching than a working day holds. The file is right there without it, so
    the file's line is the wrong place: the problem names the ``--set`` that alone makes
    it (each that does; all of them when none does alone). ``wrong_at``: the problems
    with only some overrides applied.
    """
    if not any(p.source == source for p in problems):
        return list(problems)
    in_file = {_kind(p) for p in wrong_at(())}
    alone = {text: wrong_at((text,)) for text in texts} if len(texts) > 1 else {}
    out = []
    for problem in problems:
        if problem.source != source or _kind(problem) in in_file:
            out.append(problem)
            continue
        makers = [t for t, found in alone.items() if _kind(problem) in map(_kind, found)]
        blamed = " and ".join(f"--set {text}" for text in makers or texts)
        out.append(replace(problem, source=blamed, line=None))
    return out


def _kind(problem: Problem) -> tuple[tuple[PathPart, ...], str]:
    """A problem's field and message without its figures ("474 min" is "# min")."""
    return problem.path, _FIGURE.sub("#", problem.message)


_FIGURE = re.compile(r"\d[\d,.]*")


def _bound(
    fields: Callable[[tuple[PathPart, ...], Any], Sequence[str] | None] | None, root: Any
) -> Callable[[tuple[PathPart, ...]], Sequence[str] | None] | None:
    """``fields`` (or ``made``) reading the data the override starts from."""
    if fields is None:
        return None
    return lambda at: fields(at, root)


def _resolved(data: Any, path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
    """The path with list items named by ``name`` replaced by their index."""
    out: list[PathPart] = []
    node = data
    for part in path:
        if isinstance(node, list):
            part = _list_index(node, part)
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(str(part))
        out.append(part)
    return tuple(out)


def _set(
    node: Any,
    path: tuple[PathPart, ...],
    value: Any,
    *,
    fields: Callable[[tuple[PathPart, ...]], Sequence[str] | None] | None = None,
    made: Callable[[tuple[PathPart, ...]], Sequence[str] | None] | None = None,
    at: tuple[PathPart, ...] = (),
) -> Any:
    """A copy of ``node`` with ``path`` set to ``value`` (copy-on-write down the path).

    A field of the model that the file leaves out is made on the way when it is a
    mapping (``channels.web.profile.interval_min=15`` writes ``profile:
    {interval_min: 15}``); a list left out has no item to go into: say to set it whole.
    """
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        key = str(head)
        child = node.get(key)
        if key not in node and rest:
            model = fields(at) if fields else None
            ids = made(at) if made else None
            # A key the data makes (a unit's template role) is as good as a field.
            if (not model or key not in model) and key not in (ids or ()):
                raise LookupError(_no_key(key, node, model, made=ids))
            if not isinstance(rest[0], str):
                where = ".".join(map(str, (*at, key)))
                raise LookupError(
                    f"{key} is not in the file, so it has no item {rest[0]}: set the whole "
                    f"list, as --set {where}=[...]"
                )
            child = {}
        return {**node, key: _set(child, rest, value, fields=fields, made=made, at=(*at, key))}
    if isinstance(node, list):
        index = _list_index(node, head)
        items = list(node)
        items[index] = _set(items[index], rest, value, fields=fields, made=made, at=(*at, index))
        return items
    raise LookupError(f"cannot go into {head!r}: the value there is not a mapping or a list")


def _no_key(
    key: str, node: dict[str, Any], model: Sequence[str] | None, *, made: Sequence[str] | None
) -> str:
    """A key the path goes through but the file lacks: what could be written there.

    Where the keys are the user's, the ids the file makes there (``made``: a template's
    roles made for each unit) are as good as those written.
    """
    if model:
        known = list(model)
    else:
        known = list(map(str, node))
        known += [m for m in made or () if m not in known]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    words = "the fields here are" if model else "expected one of"
    return f"no key {key!r} here{hint} ({words}: {', '.join(known) or '(none)'})"


def _list_index(items: list[Any], head: PathPart) -> int:
    if isinstance(head, int):
        if not 0 <= head < len(items):
            raise LookupError(f"index {head} is out of range (the list has {len(items)} items)")
        return head
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == head:
            return i
    raise LookupError(f"no item named {head!r} in the list")
