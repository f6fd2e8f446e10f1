"""Progress bars for long work (replications, sweep points, loop iterations) on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from teamsim.console import err


class Advance(Protocol):
    """Moves a bar: items done so far, and optionally what is being done now."""

    def __call__(self, done: int, what: str | None = None) -> None:
        """Update the bar."""


@contextmanager
def replication_progress(what: str, total: int) -> Iterator[Advance]:
    """A bar on stderr; yields a callback taking the number of items done so far."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # Only on a terminal: piped output and CI logs stay clean. No refresh thread: with
    # one thread alive the process pool may fork, which starts workers much faster.
    with Progress(
        *columns, console=err, transient=True, disable=not err.is_terminal, auto_refresh=False
    ) as bar:
        task = bar.add_task(what, total=total)

        def advance(done: int, what: str | None = None) -> None:
            bar.update(
                task, completed=done, description=what or bar.tasks[0].description, refresh=True
            )

        yield advance
