"""Write a calibrated scenario: the base file with the fits set, each with its note beside it.

ruamel.yaml's round trip keeps the base's comments and layout; every fitted value gets an
end-of-line comment with its sample and interval (``convert: 0.41  # fitted: 388 won of
946 closed, 95 % 0.38-0.44``), every value the records cannot tell gets "not calibrated:
assumption kept (why)" after the base's own comment, and a header at the top says what
the scenario was calibrated from and what could not be written.

Paths are those of ``--set``: mapping keys, list items by their ``name`` (or index). A
mapping missing on the way is created. A value inside a flow mapping (``{name: demo,
work_min: 60, convert: 0.55}``) cannot carry its own comment, so that mapping (and any
flow mapping around it) is turned to block style: one field a line, each with its note.

Numbers are rounded so that the file reads well: money (``deal_value``, ``monthly_cost``,
``revenue_per_month``) to whole units, days (``*_days``) and minutes (``*_min``) to 0.1,
everything else (rates, shares, multipliers, flows) to 4 significant digits.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import pandas as pd
import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from calibrate.contract import Calibration
from sim.scenario import Scenario, redirect_override

__all__ = ["apply_fits", "rounded", "skeleton_text"]

Path = tuple[str | int, ...]

_MONEY = frozenset({"deal_value", "monthly_cost", "revenue_per_month"})
# A distribution's parameters take their rounding from the field that holds them.
_PARAMETERS = frozenset({"kind", "value", "mean", "sd", "low", "mode", "high"})
_COMMENT_COLUMN = 40  # where a new end-of-line comment starts, when the line is shorter
_KEPT = "not calibrated: assumption kept"


def apply_fits(base_text: str, calibration: Calibration, *, inputs: Sequence[str] = ()) -> str:
    """The calibrated scenario's YAML text: the base with every fit set at its path.

    Args:
        base_text: The base scenario's YAML (a bundled file, or :func:`skeleton_text`).
        calibration: The fits (set, with their note as the line's comment, replacing the
            base's comment there), the kept values ("not calibrated: assumption kept
            (why)" appended to the base's comment) and what cannot be written (listed in
            the header as "not written: no field yet: <what>: <fit>").
        inputs: What the records were (file names, tables), named in the header.

    Returns:
        YAML text; with valid fits it parses and validates as the base did.

    Raises:
        ValueError: If the base is not a mapping, or a fit's path goes through a list
            item that does not exist or into a value that is not a mapping or a list.
    """
    yaml = _yaml()
    doc = yaml.load(_lift_key_comments(base_text))
    if not isinstance(doc, CommentedMap):
        raise ValueError("the base scenario is not a mapping of fields")
    for fit in calibration.fits:
        parent, key = _locate(doc, _in_unit(doc, fit.path, seed=True), create=True)
        value = _node(fit.path, fit.value)
        if isinstance(parent, CommentedMap) and key not in parent:
            _add(parent, str(key), value, root=parent is doc)
        else:
            parent[key] = value
        _set_comment(parent, key, fit.note, append=False)
    for kept in calibration.kept:
        try:
            parent, key = _locate(doc, _in_unit(doc, kept.path, seed=False), create=False)
        except ValueError:
            continue  # not in the base: the header lists it
        _set_comment(parent, key, f"{_KEPT} ({kept.why})", append=True)
    _prepend_header(doc, _header(calibration, inputs))
    return _dump(yaml, doc)


def skeleton_text(
    doc: Mapping[str, Any], *, sources: Mapping[tuple[str, ...], str], header: str = ""
) -> str:
    """A scenario document (calibrate.skeleton) as YAML, each source beside its value.

    Mappings of plain values (a distribution, a headcount, a duty) are written in flow
    style on one line unless a source points inside them; ``sources`` maps a field path
    (list items by ``name``) to its comment ("default: Gong Labs 2024, ..."). ``header``
    (lines of text) goes at the top as comments.
    """
    yaml = _yaml()
    root = _build(doc, (), sources)
    if not isinstance(root, CommentedMap):
        raise ValueError("expected a mapping of scenario fields")
    for path, text in sources.items():
        try:
            parent, key = _locate(root, path, create=False)
        except ValueError:
            continue
        _set_comment(parent, key, text, append=False)
    if header:
        _prepend_header(root, header.splitlines())
    return _dump(yaml, root)


def rounded(path: Path, value: float) -> float | int:
    """``value`` rounded for the field at ``path``, so that the file reads well.

    Money (deal_value, monthly_cost, revenue_per_month) to whole units, days (``*_days``)
    and minutes (``*_min``) to 0.1 (a small positive value keeps two significant digits,
    not 0), everything else (rates, shares, multipliers, flows) to 4 significant digits.
    """
    field = _field_name(path)
    if field in _MONEY:
        return round(value)
    if field.endswith("_days") or field.endswith("_min") or "_min_" in field:
        out = round(value, 1)
        return out if out != 0 or value == 0 else float(f"{value:.2g}")
    return float(f"{value:.4g}")


# --- YAML machinery -----------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the base's long flow lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(yaml: YAML, doc: CommentedMap) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


_KEY_COMMENT = re.compile(r"^(\s*)([A-Za-z_][\w-]*):[ \t]+(#.*)$")


def _lift_key_comments(text: str) -> str:
    """Move ``key: # comment`` above its key when the value follows on the next line.

    ruamel.yaml drops such a comment when the value is a flow mapping on the next line
    (``prospect_research_and_email: # ...`` then ``{levels: ...}``); above the key it stays.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    for i, line in enumerate(lines):
        match = _KEY_COMMENT.match(line.rstrip("\n"))
        following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        if match and following[:1] in ("{", "["):
            indent, key, comment = match.groups()
            out.append(f"{indent}{comment}\n{indent}{key}:\n")
        else:
            out.append(line)
    return "".join(out)


def _field_name(path: Path) -> str:
    for part in reversed(path):
        if isinstance(part, str) and part not in _PARAMETERS:
            return part
    return ""


def _item_index(items: CommentedSeq, part: str | int, path: Path) -> int:
    if isinstance(part, int):
        if 0 <= part < len(items):
            return part
        raise ValueError(f"{_dotted(path)}: index {part} is out of range ({len(items)} items)")
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and item.get("name") == part:
            return i
    raise ValueError(f"{_dotted(path)}: no item named {part!r} in the list")


def _locate(
    doc: CommentedMap, path: Path, *, create: bool
) -> tuple[CommentedMap | CommentedSeq, str | int]:
    """The container that holds ``path``'s value and its key there (an index in a list).

    Flow mappings on the way are turned to block style, so that a comment can follow the
    value. With ``create``, missing mappings on the way are made; a missing list item is
    an error either way (a stage needs all its fields).
    """
    if not path:
        raise ValueError("an empty path names the whole scenario, not a field")
    node: CommentedMap | CommentedSeq = doc
    for depth, part in enumerate(path):
        _block(node)
        last = depth == len(path) - 1
        if isinstance(node, CommentedSeq):
            index = _item_index(node, part, path[: depth + 1])
            if last:
                return node, index
            child = node[index]
            if isinstance(child, CommentedMap) and child.fa.flow_style() and child:
                _unflow_item(node, index, child)
        else:
            key = str(part)
            if last:
                if key not in node and not create:
                    raise ValueError(f"{_dotted(path)}: not in the scenario")
                return node, key
            if key not in node or node[key] is None:
                if not create:
                    raise ValueError(f"{_dotted(path)}: not in the scenario")
                _add(node, key, CommentedMap(), root=depth == 0)
            child = node[key]
        if not isinstance(child, CommentedMap | CommentedSeq):
            raise ValueError(
                f"{_dotted(path)}: cannot go into {_dotted(path[: depth + 1])}: "
                "the value there is not a mapping or a list"
            )
        node = child
    raise AssertionError("unreachable")  # pragma: no cover


def _in_unit(doc: CommentedMap, path: Path, *, seed: bool) -> Path:
    """Where the file writes a template-made role's or channel's field: on its unit.

    A templated file has no ``roles.north__client_manager`` to write into (one written
    there would clash with the role the template makes): its headcount goes to
    ``units.north.headcount.client_manager``, any other field to
    ``units.north.roles.client_manager``, as ``--set`` sends it (redirect_override). With
    ``seed``, the template's value a field goes into (a headcount's ``current``) is first
    copied to the unit, so that the rest of it is kept. Any other path comes back as is.
    """
    target, seeded = redirect_override(path, doc)
    if target == path or not seed:
        return target
    for n in range(1, len(target)):
        if _at(doc, target[:n]) is None:
            value = _at(seeded, target[:n])
            if isinstance(value, Mapping) and value:
                parent, key = _locate(doc, target[:n], create=True)
                parent[key] = _copy(value)
            break
    return target


def _at(node: Any, path: Path) -> Any:
    """The value at a path of mapping keys, or None."""
    for part in path:
        node = node.get(str(part)) if isinstance(node, Mapping) else None
    return node


def _copy(value: Any) -> Any:
    """A copy of a mapping (of the template's, to become the unit's), its flow style kept."""
    if not isinstance(value, Mapping):
        return value
    out = CommentedMap((str(k), _copy(v)) for k, v in value.items())
    if not isinstance(value, CommentedMap) or value.fa.flow_style():
        out.fa.set_flow_style()
    return out


def _add(node: CommentedMap, key: str, value: Any, *, root: bool) -> None:
    """A new field; a new section of the scenario goes where the schema has it."""
    if not root or key in node:
        node[key] = value
        return
    order = list(Scenario.model_fields)
    rank = order.index(key) if key in order else len(order)
    before = [i for i, k in enumerate(node) if k in order and order.index(k) > rank]
    node.insert(before[0] if before else len(node), key, value)


def _unflow_item(items: CommentedSeq, index: int, item: CommentedMap) -> None:
    """A flow mapping in a list in block style, its line's comment kept where it was.

    The comment of ``- {name: demo, ...}  # online`` belongs to the list item; in block
    style it would sit alone after the dash, so its first line goes to the item's first
    field (``- name: demo  # online``) and the comment lines after it (notes about the
    whole list) after the item's last field, where they were.
    """
    item.fa.set_block_style()
    slots = items.ca.items.pop(index, None)
    token = slots[0] if slots else None
    if token is None:
        return
    first, _, rest = token.value.partition("\n")
    keys = list(item)
    if first.strip():
        column = min(token.start_mark.column, _COMMENT_COLUMN)
        item.ca.items.setdefault(keys[0], [None, None, None, None])[2] = CommentToken(
            first.strip() + "\n", CommentMark(column)
        )
    if rest.strip():
        slot = item.ca.items.setdefault(keys[-1], [None, None, None, None])
        old = slot[2]
        head = old.value.partition("\n")[0] if old is not None else ""
        column = old.start_mark.column if old is not None else _COMMENT_COLUMN
        slot[2] = CommentToken(f"{head}\n{rest}", CommentMark(column))


def _block(node: CommentedBase) -> None:
    if node.fa.flow_style():
        node.fa.set_block_style()


def _dotted(path: Sequence[object]) -> str:
    return ".".join(str(p) for p in path)


def _plain(value: Any) -> Any:
    """Scalars of numpy and pandas as the Python values YAML can write."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def _node(path: Path, value: Any) -> Any:
    """A fit's value as a YAML node: numbers rounded, mappings and lists as flow or block."""
    value = _plain(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{_dotted(path)}: {value} is not a finite number")
        return _tidy(rounded(path, value))
    if isinstance(value, str):
        return _scalar(value)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[str(k)] = _node((*path, str(k)), v)
        if _field_name(path) == "personas" and len(path) >= 3 and path[0] == "roles":
            _shares_sum_to_one(out)
        if all(not isinstance(v, Mapping) for v in out.values()):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_node((*path, i), v) for i, v in enumerate(value))
        if all(not isinstance(v, Mapping | list) for v in seq):
            seq.fa.set_flow_style()
        return seq
    return value


def _tidy(value: float | int) -> float | int:
    """A whole number without its ".0" (11 days, not 11.0), as the bundled files write it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _scalar(text: str) -> str:
    """Text quoted where the project's YAML 1.1 loader would read something else.

    ruamel writes YAML 1.2, where ``10:00`` and ``on`` are text; PyYAML (sim.scenario's
    loader) reads them as 600 and True, so they are quoted.
    """
    try:
        same = pyyaml.safe_load(text) == text
    except pyyaml.YAMLError:
        same = False
    return text if same else DoubleQuotedScalarString(text)


def _shares_sum_to_one(shares: CommentedMap) -> None:
    """After rounding, the largest share takes up the rest, so the mix still sums to 1."""
    if not shares or not all(isinstance(v, float) for v in shares.values()):
        return
    largest = max(shares, key=lambda k: shares[k])
    rest = sum(v for k, v in shares.items() if k != largest)
    shares[largest] = round(1.0 - rest, 10)


def _set_comment(
    parent: CommentedMap | CommentedSeq, key: str | int, text: str, *, append: bool
) -> None:
    """Put ``# text`` at the end of the line of ``parent[key]``.

    The base's comment on that line is replaced (or, with ``append``, extended with
    "; text"); comment lines that follow it in the file stay (ruamel keeps them in the
    same token).
    """
    slot = 0 if isinstance(parent, CommentedSeq) else 2
    items = parent.ca.items.setdefault(key, [None, None, None, None])
    old = items[slot]
    old_text = old.value if old is not None else ""
    first, newline, rest = old_text.partition("\n")
    first = first.strip()
    line = f"{first}; {text}" if append and first.startswith("#") else f"# {text}"
    column = old.start_mark.column if old is not None and first else _COMMENT_COLUMN
    items[slot] = CommentToken(line + newline + rest, CommentMark(column))


def _prepend_header(doc: CommentedMap, lines: Sequence[str]) -> None:
    """Comment lines before everything else, then an empty comment line, then the base's."""
    if doc.ca.comment is None:
        doc.ca.comment = [None, []]
    if doc.ca.comment[1] is None:
        doc.ca.comment[1] = []
    tokens = [CommentToken(f"# {line}".rstrip() + "\n", CommentMark(0)) for line in lines]
    if doc.ca.comment[1]:
        tokens.append(CommentToken("#\n", CommentMark(0)))
    doc.ca.comment[1][:0] = tokens


def _header(calibration: Calibration, inputs: Sequence[str]) -> list[str]:
    source = ", ".join(inputs) if inputs else "the team's records"
    first, last = (pd.Timestamp(t).date() for t in calibration.period)
    when = f"{first} to {last}" if calibration.dated else "no dated deal or activity"
    lines = [
        f"Calibrated by teamsim from {source}, {when}:",
        f"{len(calibration.fits)} values fitted (each marked beside it), "
        f"{len(calibration.kept)} assumptions kept, "
        f"{len(calibration.unwritten)} fits not written.",
    ]
    if calibration.kept:
        lines.append(f"{_KEPT}:")
        lines += [f"  {_dotted(k.path)} ({k.why})" for k in calibration.kept]
    lines += [f"not written: {u.why}: {u.what}: {u.fit}" for u in calibration.unwritten]
    return lines


def _build(value: Any, path: tuple[str, ...], sources: Mapping[tuple[str, ...], str]) -> Any:
    """A plain document as ruamel nodes: flow style where no source points inside."""
    value = _plain(value)
    if isinstance(value, float):
        return _tidy(rounded(path, value))
    if isinstance(value, str):
        return _scalar(value)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[str(k)] = _build(v, (*path, str(k)), sources)
        inner = any(len(p) > len(path) and p[: len(path)] == path for p in sources)
        scalars = all(not isinstance(v, Mapping) for v in out.values())
        if path and scalars and not inner and len(path) > 1:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list | tuple):
        items = [
            _build(
                v,
                (*path, str(v["name"]) if isinstance(v, Mapping) and "name" in v else ""),
                sources,
            )
            for v in value
        ]
        seq = CommentedSeq(items)
        if all(not isinstance(v, Mapping | list) for v in seq):
            seq.fa.set_flow_style()
        return seq
    return value
