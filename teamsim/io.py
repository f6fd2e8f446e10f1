"""Reading scenario files: the file-system side of the loader."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim import Problem, ScenarioError
from sim.scenario import MAX_SCENARIO_BYTES, Scenario, parse_scenario


def read_scenario_bytes(path: Path) -> bytes:
    """The file's bytes, or a ScenarioError saying why it cannot be a scenario file."""
    source = str(path)
    if not path.exists():
        raise ScenarioError([Problem((), "no such file", source)])
    if path.is_dir():
        raise ScenarioError([Problem((), "is a directory; expected a scenario file", source)])
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                [Problem((), f"is {size:,} bytes; a scenario is at most 2 MB", source)]
            )
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem((), f"cannot be read: {exc.strerror}", source)]) from None


def load_scenario(path: Path | str, overrides: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file, applying ``--set`` overrides."""
    path = Path(path)
    return parse_scenario(read_scenario_bytes(path), str(path), overrides)
