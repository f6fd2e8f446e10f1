"""Start-up stays light: a command's module, and the faces, load no heavy library at import.

Each check runs in a fresh interpreter, so what another test imported does not count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "scipy", "simpy", "pulp", "duckdb", "streamlit", "plotly", "calibrate")
COMMANDS = (
    "new",
    "validate",
    "simulate",
    "plan",
    "compare",
    "sweep",
    "runs",
    "calibrate",
    "dashboard",
)


def _loaded_after(code: str) -> set[str]:
    """The heavy top-level packages in ``sys.modules`` after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "face", ["sim", "calibrate", "optimizer", "teamsim", "teamsim.console", "teamsim.declared"]
)
def test_a_face_loads_nothing_heavy_until_a_name_is_used(face: str) -> None:
    itself = {face.split(".")[0]} & set(HEAVY)  # importing calibrate loads calibrate
    assert _loaded_after(f"import {face}") == itself


def test_a_name_from_a_face_loads_only_its_own_module() -> None:
    # sim.errors is plain Python; the runner (SimPy, pandas) stays unloaded.
    assert _loaded_after("from sim import TeamsimError, ScenarioError") == set()
    assert "pandas" in _loaded_after("from sim import simulate")


def test_a_face_name_that_spells_a_submodule_stays_the_function() -> None:
    # sim.diagnose and calibrate.fit are both modules and the functions the faces export.
    code = (
        "import sim.diagnose, calibrate.fit.common\n"
        "from sim import diagnose\nfrom calibrate import fit\n"
        "assert callable(diagnose) and diagnose.__module__ == 'sim.diagnose'\n"
        "assert callable(fit) and fit.__module__ == 'calibrate.fit'"
    )
    _loaded_after(code)


@pytest.mark.parametrize("command", [*COMMANDS, "hiring"])
def test_a_command_module_loads_nothing_heavy(command: str) -> None:
    assert _loaded_after(f"import teamsim.commands.{command}") == set()


def test_version_and_help_load_nothing_heavy() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom teamsim import __version__\n"
        "from teamsim.cli import app\nr = CliRunner()\n"
        "assert r.invoke(app, ['--version']).output == f'teamsim {__version__}\\n'\n"
        "assert 'simulate' in r.invoke(app, ['--help']).output"
    )
    assert _loaded_after("import teamsim.cli") == set()
    assert _loaded_after(code) == set()


@pytest.mark.parametrize("command", [*COMMANDS, "runs list", "runs export", "runs show"])
def test_a_commands_help_loads_nothing_heavy(command: str) -> None:
    code = (
        "from typer.testing import CliRunner\nfrom teamsim.cli import app\n"
        f"run = CliRunner().invoke(app, {command.split()!r} + ['--help'])\n"
        "assert run.exit_code == 0 and 'Usage' in run.output, run.output"
    )
    assert _loaded_after(code) == set()


def test_calibrate_help_still_lists_its_options() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "teamsim", "calibrate", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    for option in ("--deals", "--output", "--set", "--dates", "--backtest"):
        assert option in run.stdout
