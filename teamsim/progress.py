"""Progress bars for long work (replications, sweep points, loop iterations) on stderr."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from teamsim.console import err


@contextmanager
def replication_progress(what: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar on stderr; yields a callback taking the number of items done so far."""
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Only on a terminal: piped output and CI logs stay clean. No refresh thread: with
    # one thread alive the process pool may fork, which starts workers much faster.
    with Progress(
        *columns, console=err, transient=True, disable=not err.is_terminal, auto_refresh=False
    ) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done, refresh=True)
