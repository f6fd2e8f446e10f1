"""One place that creates solvers: CBC bundled with PuLP 3.x, or HiGHS through highspy."""

from __future__ import annotations

import atexit
import contextlib
import functools
import itertools
import os
import sys
import tempfile

import pulp

from optimizer.errors import SolverUnavailableError

SOLVERS = ("cbc", "highs")
DEFAULT_SOLVER = "cbc"


def make_solver(name: str | None = None, time_limit_s: float | None = None) -> pulp.LpSolver:
    """A quiet PuLP solver by name: "cbc" (default, bundled) or "highs" (needs highspy).

    Raises:
        SolverUnavailableError: For an unknown name, or "highs" without highspy installed.
    """
    key = (name or DEFAULT_SOLVER).strip().lower()
    if key == "cbc":
        # COIN_CMD on the CBC binary bundled with PuLP 3.x: PULP_CBC_CMD itself warns
        # that it goes away in PuLP 4, which the project does not use.
        # The log is kept (one file a solver, each solve's over the last) for the bound a
        # solve stopped at its time limit has proved (optimizer.solve.proven_gap).
        log = os.path.join(_log_dir(), f"cbc-{next(_SOLVER_IDS)}.log")
        return pulp.COIN_CMD(msg=False, timeLimit=time_limit_s, path=_bundled_cbc(), logPath=log)
    if key == "highs":
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit_s)
        if not solver.available():
            raise SolverUnavailableError(
                "--solver highs needs the highspy package (pip install 'teamsim[highs]'); "
                "use --solver cbc, which ships with PuLP"
            )
        _silence_highs_banner()
        return solver
    raise SolverUnavailableError(f"unknown solver {name!r}; expected one of: {', '.join(SOLVERS)}")


_SOLVER_IDS = itertools.count()


@functools.cache
def _log_dir() -> str:
    """A directory of this process's CBC logs, removed when the process ends."""
    folder = tempfile.TemporaryDirectory(prefix="teamsim-cbc-")
    atexit.register(folder.cleanup)
    return folder.name


def _bundled_cbc() -> str:
    path: str = pulp.PULP_CBC_CMD.pulp_cbc_path
    if not os.path.exists(path):
        raise SolverUnavailableError(f"the CBC solver bundled with PuLP is missing ({path})")
    return path


def solver_name(solver: pulp.LpSolver) -> str:
    """The short name ("cbc", "highs") of a solver made by :func:`make_solver`."""
    return "highs" if isinstance(solver, pulp.HiGHS) else "cbc"


@functools.cache
def _silence_highs_banner() -> None:
    # HiGHS writes its copyright banner to the C-level stdout the first time a Highs
    # object is built in a process, before PuLP can set output_flag; the optimiser
    # prints nothing, so that first construction happens here with fd 1 muted.
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        with contextlib.suppress(Exception):
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
