"""YAML parsing that keeps where each value came from, so errors can name the line."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import yaml

from sim.errors import PathPart, Problem


class ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date (2027-13-04) as text for the schema to reject.

    PyYAML raises a bare ValueError there, with no line; the schema's message has one.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """The date or time, or the text when no calendar has that day."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


ScenarioLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", ScenarioLoader.construct_yaml_timestamp
)


def parse_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML safely, returning the data and its node tree (for line numbers).

    Raises ``yaml.YAMLError`` on a syntax error; the caller turns it into a problem.
    """
    loader = ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def duplicate_keys(node: yaml.Node | None, path: tuple[PathPart, ...] = ()) -> Iterator[Problem]:
    """Keys repeated in one mapping: YAML keeps the last silently, which hides mistakes."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield Problem((*path, name), "key repeated in the same mapping", line=_line(key))
            seen.add(name)
            yield from duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from duplicate_keys(item, (*path, i))


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def locate(
    node: yaml.Node | None, loc: Sequence[PathPart], is_field: Callable[[str], bool]
) -> tuple[tuple[PathPart, ...], int]:
    """Follow an error location through the node tree.

    Returns the path as the user wrote it (validator-internal parts such as union tags
    dropped) and the line of the deepest node found: the value itself, or, for a missing
    or unknown field, the key or its mapping.
    """
    path: list[PathPart] = []
    line = _line(node) if node is not None else 1
    for i, part in enumerate(loc):
        child, key_line = _child(node, part)
        if child is not None:
            path.append(part)
            node, line = child, _line(child)
            # A scalar's key and value share a line; for a block the key line reads better.
            if key_line is not None and not isinstance(child, yaml.ScalarNode):
                line = key_line
        elif i == len(loc) - 1 and isinstance(part, str) and is_field(part):
            path.append(part)  # a missing field: point at the mapping that lacks it
        # else: a validator-internal part (a union tag, a type name, "[key]"): not in the file
    return tuple(path), line


def user_path(
    data: Any, loc: Sequence[PathPart], is_field: Callable[[str], bool]
) -> tuple[PathPart, ...]:
    """An error location as the user wrote it, followed through the data (after ``--set``).

    The parts :func:`locate` keeps, found in the data rather than the file's nodes, so a
    field inside a list or mapping a ``--set`` gave has its whole path
    (``roles.seller.joiners.0.start``), the file lacking it.
    """
    path: list[PathPart] = []
    for i, part in enumerate(loc):
        if isinstance(data, dict) and (key := _data_key(data, part)) is not _NONE:
            path.append(part)
            data = data[key]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            path.append(part)
            data = data[part]
        elif i == len(loc) - 1 and isinstance(part, str) and is_field(part):
            path.append(part)  # a missing field, as locate names it
    return tuple(path)


_NONE = object()


def _data_key(data: dict[Any, Any], part: PathPart) -> Any:
    """The key of ``data`` that ``part`` names (keys compared as text, as in the file)."""
    return next((k for k in data if str(k) == str(part)), _NONE)


def _child(node: yaml.Node | None, part: PathPart) -> tuple[yaml.Node | None, int | None]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return value, _line(key)
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part], None
    return None, None
