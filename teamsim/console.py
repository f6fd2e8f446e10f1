"""The terminal: one place for consoles and for turning user errors into messages."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from sim.errors import ScenarioError, TeamsimError

# Off a terminal (pipes, CI logs, `make run | tee`) rich would wrap at 80 columns,
# which folds the wide tables; $COLUMNS still wins where it is set.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 140
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=_WIDTH)


def report_error(exc: TeamsimError) -> None:
    """Print a user error, one line per problem, without a traceback."""
    lines = [str(p) for p in exc.problems] if isinstance(exc, ScenarioError) else [str(exc)]
    for line in lines:
        err.print(f"[bold red]error:[/] {line}", soft_wrap=True, markup=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a TeamsimError into its message and exit code (2 bad input, 3 impossible plan)."""
    try:
        yield
    except TeamsimError as exc:
        report_error(exc)
        raise typer.Exit(exc.exit_code) from None
