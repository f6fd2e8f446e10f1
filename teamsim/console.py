"""The terminal: one place for consoles and for turning user errors into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from sim.errors import ScenarioError, TeamsimError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


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
