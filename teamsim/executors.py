"""Where replications run: local processes (default), or a Dask cluster.

Every executor applies the same top-level task function to the same tasks and returns
the results in task order, so the frames are identical whichever runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sim import TeamsimError

if TYPE_CHECKING:
    from sim import Executor

T = TypeVar("T")
R = TypeVar("R")


class ExecutorKind(StrEnum):
    """The choices of ``--executor``."""

    LOCAL = "local"
    DASK = "dask"
    DASK_LOCAL = "dask-local"


class ExecutorError(TeamsimError):
    """The executor cannot be used (no scheduler address, cannot connect)."""


class DaskExecutor:
    """Replications as Dask futures on a distributed cluster, gathered in task order."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Sequence[T],
        progress: Callable[[int], None] | None = None,
    ) -> list[R]:
        """Run ``fn`` on every task on the cluster; results in the order of the tasks."""
        from distributed import as_completed

        # pure=False: two equal tasks (same scenario, replication and seed) are still
        # two runs the caller asked for; Dask must not merge them by hash.
        futures = self.client.map(fn, tasks, pure=False)
        try:
            for done, _ in enumerate(as_completed(futures), start=1):
                if progress is not None:
                    progress(done)
            results: list[R] = self.client.gather(futures)
        except KeyboardInterrupt:
            finished = {i: f.result() for i, f in enumerate(futures) if f.status == "finished"}
            self.client.cancel(futures)
            from sim import Interrupted

            raise Interrupted(finished, "interrupted") from None
        return results


@contextmanager
def make_executor(
    kind: ExecutorKind | str = ExecutorKind.LOCAL,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Iterator[Executor]:
    """An executor for the duration of a command; clusters it started are shut down after."""
    kind = ExecutorKind(kind)
    if kind is ExecutorKind.LOCAL:
        from sim import local_executor

        yield local_executor(workers)  # sim's choice, the one simulate() makes
        return
    from distributed import Client, LocalCluster

    if kind is ExecutorKind.DASK:
        if not scheduler:
            raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT")
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield DaskExecutor(client)
        return
    cluster = LocalCluster(
        n_workers=workers or 2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        yield DaskExecutor(client)
