"""The what-if grid of ``teamsim sweep``: ``--set path=a..b:step`` or ``path=x,y,z`` axes.

Each axis expands to values; the grid is their cartesian product, each point a list of
plain ``path=value`` overrides that the loader applies.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim import Problem, ScenarioError, format_number

MAX_POINTS = 10_000
_RANGE = re.compile(r"^\s*(?P<a>-?[\d.]+)\s*\.\.\s*(?P<b>-?[\d.]+)\s*(?::\s*(?P<step>[\d.]+))?\s*$")


@dataclass(frozen=True)
class Axis:
    """One swept field and the values it takes."""

    path: str
    values: tuple[str, ...]


def parse_axis(text: str) -> Axis:
    """``path=a..b:step`` (inclusive, step 1 by default), ``path=x,y,z`` or ``path=v``."""
    path, sep, spec = text.partition("=")
    if not sep or not path.strip() or not spec.strip():
        raise ScenarioError([_bad(text, "expected path=a..b:step, path=x,y,z or path=value")])
    match = _RANGE.match(spec)
    if match:
        values = _range_values(text, match["a"], match["b"], match["step"])
    elif spec.lstrip().startswith(("{", "[")):
        values = [spec]  # a YAML mapping or list is one value, not a list of choices
    else:
        values = [v.strip() for v in spec.split(",") if v.strip()]
    return Axis(path.strip(), tuple(values))


def _range_values(text: str, a: str, b: str, step: str | None) -> list[str]:
    try:
        start, stop, inc = float(a), float(b), float(step or 1)
    except ValueError:
        raise ScenarioError([_bad(text, "range bounds and step must be numbers")]) from None
    if inc <= 0:
        raise ScenarioError([_bad(text, "step must be > 0")])
    if stop < start:
        raise ScenarioError([_bad(text, f"range goes down ({a}..{b}); write it low..high")])
    count = int((stop - start) / inc + 1e-9) + 1
    if count > MAX_POINTS:
        most = f"at most {format_number(MAX_POINTS, 0)}"
        raise ScenarioError([_bad(text, f"{format_number(count, 0)} values; {most}")])
    integral = all(re.fullmatch(r"-?\d+", s) for s in (a, b, step or "1"))
    points = [start + i * inc for i in range(count)]
    # The points become "--set path=value" overrides: Python's syntax, read back as typed.
    return [str(int(p)) if integral else f"{round(p, 10):g}" for p in points]


def _bad(text: str, message: str) -> Problem:
    return Problem((), message, source=f"--set {text}")


def grid(axes_texts: Sequence[str]) -> tuple[list[Axis], list[list[str]]]:
    """The axes and every point of their product as a list of ``path=value`` overrides."""
    axes = [parse_axis(t) for t in axes_texts]
    size = 1
    for axis in axes:
        size *= len(axis.values)
    if size > MAX_POINTS:
        raise ScenarioError(
            [
                Problem(
                    (),
                    f"the grid has {format_number(size, 0)} points; "
                    f"at most {format_number(MAX_POINTS, 0)}",
                    "--set",
                )
            ]
        )
    points = [
        [f"{axis.path}={value}" for axis, value in zip(axes, combo, strict=True)]
        for combo in itertools.product(*(axis.values for axis in axes))
    ]
    return axes, points
