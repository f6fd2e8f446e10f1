"""``teamsim`` start-up, side by side: every command's libraries loaded at start, and lazily.

Before the lazy start-up, ``import teamsim.cli`` loaded every command's implementation
(the calibration's fits and SciPy, pandas, PuLP, DuckDB); now each command loads its own
when it runs. "eager" reproduces the old start-up by importing those modules before the
command; "lazy" is the command as it is. CPU seconds (user + sys) of a fresh interpreter,
the least of a few tries; the ratio is eager over lazy.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIES = 3
# What `import teamsim.cli` loaded before: each command module's implementation imports.
EAGER = (
    "calibrate.fit",
    "optimizer.planner",
    "sim.diagnose",
    "sim.runner",
    "teamsim.calibrate_cli",
    "teamsim.calibrate_view",
    "teamsim.calibration",
    "teamsim.compare",
    "teamsim.crm_io",
    "teamsim.dials_view",
    "teamsim.export",
    "teamsim.hiring_view",
    "teamsim.runs_io",
    "teamsim.store",
    "teamsim.summary",
    "teamsim.verify_view",
)
CASES = (("--version",), ("--help",), ("simulate", "--help"), ("calibrate", "--help"))


def cpu_seconds(code: str) -> float:
    """The least CPU time (user + sys) of ``python -c code`` over :data:`TRIES` runs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    best = float("inf")
    for _ in range(TRIES):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, used)
    return best


def command(args: tuple[str, ...], *, eager: bool) -> str:
    """Python code running ``teamsim ARGS``, the old start-up's imports first if ``eager``."""
    preload = "".join(f"import {m}\n" for m in EAGER) if eager else ""
    return (
        f"{preload}import sys\nfrom teamsim.cli import app\n"
        f"sys.argv = ['teamsim', *{list(args)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
    )


def main() -> None:
    print(f"{'teamsim':<22}{'eager, s':>10}{'lazy, s':>10}{'ratio':>8}")
    for args in CASES:
        eager = cpu_seconds(command(args, eager=True))
        lazy = cpu_seconds(command(args, eager=False))
        print(f"{' '.join(args):<22}{eager:>10.2f}{lazy:>10.2f}{eager / lazy:>8.1f}")
