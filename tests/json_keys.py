"""The key paths of ``plan --json`` and ``simulate --json`` that golden files pin.

Shared by tests/test_json_keys.py and scripts/regen_json_keys.py. A golden file,
``tests/golden/json_keys/<scenario>__<command>.json``, is the sorted list of the key
paths one bundled scenario's output had: dict keys joined by ``.``, every element of a
list merged into ``[]`` (``roles[].headcount``). Keys may be added to the output, never
removed or renamed (issue 14: "--json keys keep working").

Keys are kept as they are, not normalised: the one mapping keyed by data, a plan's
``levels``, is keyed by the fixed ``sim.Level`` names (line, lower, middle, top), and a
golden belongs to one scenario, whose role, channel and month ids do not vary from run
to run. Role, channel and month ids appear as values in lists of records, not as keys.

A list can be empty in one run and not in another (a run with nothing to diagnose has
``diagnoses: []``; a plan with no binding limit has ``limits: []``): the keys of its
elements cannot be checked then, and are not reported missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from teamsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "json_keys"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
COMMANDS = ("plan", "simulate")
# A short run that still holds every key. Most bundled scenarios warm up for 20 days or
# more (b2g_tenders 250), so a 20-day horizon is refused: the warm-up is set to 0. Those
# that start on 11 January hold no whole month in 20 days, and without a counted month
# simulate leaves out its plan-met keys; retail_bank_growth refuses a horizon shorter
# than its 42 calendar days to fill a seat. 40 working days pass all three.
SIMULATE_ARGS = (
    "-n",
    "1",
    "--workers",
    "1",
    "--no-save",
    "--set",
    "calendar.horizon_days=40",
    "--set",
    "calendar.warmup_days=0",
)
LIST = "[]"


@dataclass
class KeyPaths:
    """The key paths of one output, and the list paths seen only empty."""

    present: set[str] = field(default_factory=set)
    empty_lists: set[str] = field(default_factory=set)


def key_paths(data: Any) -> KeyPaths:
    """The key paths of a JSON value (see the module's docstring for the notation)."""
    out = KeyPaths()
    filled: set[str] = set()
    _walk(data, "", out, filled)
    out.empty_lists -= filled
    return out


def _walk(value: Any, path: str, out: KeyPaths, filled: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            out.present.add(child)
            _walk(item, child, out, filled)
    elif isinstance(value, list):
        inner = path + LIST
        (filled if value else out.empty_lists).add(inner)
        for item in value:
            _walk(item, inner, out, filled)


def missing(golden: Iterable[str], got: KeyPaths) -> list[str]:
    """The golden paths ``got`` lacks, outermost only, bar those inside an empty list.

    A path under a missing one (``a.b`` under ``a``) is not listed again; a path under a
    list seen only empty (``diagnoses[].cause`` with ``diagnoses: []``) is not checked.
    """
    lost = {p for p in golden if p not in got.present and not _under(p, got.empty_lists)}
    return sorted(p for p in lost if not _under(p, lost))


def _under(path: str, prefixes: set[str]) -> bool:
    """True when ``path`` lies strictly inside one of ``prefixes`` (a key or a list of it)."""
    return any(path.startswith(p) and path[len(p) : len(p) + 1] in (".", "[") for p in prefixes)


def golden_file(scenario: Path, command: str) -> Path:
    """The golden file of one scenario and command."""
    return GOLDEN / f"{scenario.stem}__{command}.json"


def read_golden(scenario: Path, command: str) -> list[str]:
    """The stored key paths (an empty list when there is no golden file)."""
    target = golden_file(scenario, command)
    return json.loads(target.read_text(encoding="utf-8")) if target.exists() else []


def command_args(scenario: Path, command: str) -> list[str]:
    """The command line whose output a golden file pins."""
    args = [command, str(scenario), "--json"]
    return [*args, *SIMULATE_ARGS] if command == "simulate" else args


def run_json(scenario: Path, command: str) -> Any:
    """The JSON that ``teamsim <command> <scenario> --json`` prints (in process)."""
    args = command_args(scenario, command)
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise AssertionError(
            f"teamsim {' '.join(args)} exited {result.exit_code}:\n{result.output}"
        )
    return json.loads(result.stdout)


def lost_keys_message(scenario: Path, command: str, golden: Iterable[str], data: Any) -> str:
    """Why ``data`` fails its golden key paths, or "" when it keeps them all."""
    lost = missing(golden, key_paths(data))
    if not lost:
        return ""
    target = golden_file(scenario, command).relative_to(ROOT)
    return (
        f"{scenario.name}: `teamsim {command} --json` no longer has the key(s) "
        f"{', '.join(lost)} (a key is named once for all the keys under it). Keys may be "
        "added, never removed or renamed (issue 14); if the removal is deliberate, delete "
        f"the paths from {target} by hand (scripts/regen_json_keys.py only adds)."
    )
