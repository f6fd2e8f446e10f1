"""Replications: run them (in this process or on local worker processes), gather the results.

Pure: a scenario goes in, a :class:`SimResult` comes out. Replication ``r`` of seed ``s``
always draws from the streams the model spawns from ``SeedSequence(s, spawn_key=(r,))``
and results are ordered by replication, so the frames are the same whatever executes
the tasks and in whatever order they finish.

An executor is anything with a ``map`` that applies a top-level (picklable) function to
each task and returns the results in the order of the tasks; a Dask executor only has to
implement that one method.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import pandas as pd

from sim.dials import dials_by_role
from sim.errors import TeamsimError
from sim.kpis import per_replication, summarise
from sim.mode import SimMode
from sim.plan_met import attainment_by_month, attainment_by_unit, plan_met_table
from sim.results import Frames, ReplicationColumns, build_frames, join_columns, to_columns
from sim.rules.split import Part, parts
from sim.scenario import Scenario
from sim.unit_results import kpis_by_unit

__all__ = [
    "Executor",
    "InlineExecutor",
    "Interrupted",
    "ProcessExecutor",
    "ReplicationTask",
    "SimResult",
    "SimulationStopped",
    "local_executor",
    "run_task",
    "scenario_hash",
    "simulate",
]

Progress = Callable[[int], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ReplicationTask:
    """One replication to run (or one part of it): everything a worker needs, picklable.

    ``part``: an index of ``split`` (``sim.rules.split.parts(scenario)``), None for the
    whole team.
    """

    scenario: Scenario
    replication: int
    seed: int
    mode: SimMode
    part: int | None = None
    split: tuple[Part, ...] | None = None


def run_task(task: ReplicationTask) -> ReplicationColumns:
    """Run one replication (or part) and return its records as columns (cheap to send back)."""
    from sim.model import run_replication  # the model is only needed where tasks run

    records = run_replication(
        task.scenario,
        task.replication,
        task.seed,
        mode=task.mode,
        part=task.part,
        split=task.split,
    )
    return to_columns(records, task.replication, task.seed)


def _tasks(
    scenario: Scenario, replications: int, seed: int, *, mode: SimMode, split: bool | None
) -> list[ReplicationTask]:
    """The tasks of a run: a replication each, or a replication's parts when it is split.

    ``split``: True splits a scenario that separates (sim.rules.split), False never does,
    None (the default) splits when it separates. A replication split into parts gives the
    frames of the whole (``tests/test_split_runs.py``); each part costs what a team of its
    size does, and the parts of one replication can run on different workers.
    """
    found = tuple(parts(scenario)) if split is not False else ()
    if len(found) <= 1:
        return [ReplicationTask(scenario, r, seed, mode) for r in range(replications)]
    return [
        ReplicationTask(scenario, r, seed, mode, part=i, split=found)
        for r in range(replications)
        for i in range(len(found))
    ]


def _by_replication(
    tasks: Sequence[ReplicationTask], done: dict[int, ReplicationColumns]
) -> list[ReplicationColumns]:
    """Each replication whose parts all finished, its parts joined, in replication order."""
    grouped: dict[int, list[int]] = {}
    for i, task in enumerate(tasks):
        grouped.setdefault(task.replication, []).append(i)
    return [
        join_columns([done[i] for i in indexes])
        for _, indexes in sorted(grouped.items())
        if all(i in done for i in indexes)
    ]


class Interrupted(Exception):
    """An executor stopped early (Ctrl-C, a worker that died): what finished, by task index."""

    def __init__(self, finished: dict[int, Any], cause: str) -> None:
        super().__init__(cause)
        self.finished = finished
        self.cause = cause


class SimulationStopped(TeamsimError):
    """The run was stopped before any replication finished: nothing to keep."""

    exit_code = 130


class Executor(Protocol):
    """Runs tasks and gathers their results in task order."""

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """``[fn(t) for t in tasks]``, calling ``progress(done)`` as each finishes."""
        ...


class InlineExecutor:
    """Runs every task in this process, one after the other."""

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """``[fn(t) for t in tasks]``, calling ``progress(done)`` as each finishes."""
        results: list[R] = []
        try:
            for done, task in enumerate(tasks, start=1):
                results.append(fn(task))
                if progress is not None:
                    progress(done)
        except KeyboardInterrupt:
            raise Interrupted(dict(enumerate(results)), "interrupted") from None
        return results


def _start_context() -> multiprocessing.context.BaseContext:
    """Fork when it is safe (one thread alive): fast, and scripts need no main guard.

    A parent with other threads (a progress bar's refresher) must not fork: a lock held
    by another thread would stay locked in the child. Then forkserver (or spawn where
    there is no fork), whose workers import the caller's main module: scripts calling
    ``simulate`` from a thread need the ``if __name__ == "__main__":`` guard.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported the model once, not each afresh.
        context.set_forkserver_preload(["sim.runner", "sim.model"])
        return context
    return multiprocessing.get_context("spawn")


class ProcessExecutor:
    """Runs tasks on local worker processes."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """``[fn(t) for t in tasks]``, calling ``progress(done)`` as each finishes."""
        if not tasks:
            return []
        workers = min(self.workers, len(tasks))
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_start_context())
        futures = [pool.submit(fn, task) for task in tasks]
        try:
            for done, _ in enumerate(as_completed(futures), start=1):
                if progress is not None:
                    progress(done)
            return [f.result() for f in futures]
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            cause = "interrupted" if isinstance(exc, KeyboardInterrupt) else "a worker died"
            raise Interrupted(_finished(futures), cause) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def local_executor(workers: int | None = None) -> Executor:
    """The executor a run uses on this machine: inline for one worker, else processes.

    ``workers``: 1 runs every replication in this process (no start-up cost, easy to
    debug); None or more than 1 a :class:`ProcessExecutor` (None: one per CPU).
    """
    return InlineExecutor() if workers == 1 else ProcessExecutor(workers)


def _finished(futures: Sequence[Future[R]]) -> dict[int, R]:
    """Results of the futures that completed, by index; the rest are lost with the run."""
    return {
        i: f.result()
        for i, f in enumerate(futures)
        if f.done() and not f.cancelled() and f.exception() is None
    }


@dataclass(frozen=True, eq=False)
class SimResult:
    """Replications of a scenario: tidy frames, KPIs with their spread, and provenance."""

    scenario: Scenario
    scenario_hash: str
    seed: int
    replications: int
    mode: SimMode
    frames: Frames
    kpis: pd.DataFrame
    kpi_replications: pd.DataFrame
    # A network's KPIs unit by unit (sim.unit_results.kpis_by_unit); empty without units.
    kpis_by_unit: pd.DataFrame = field(default_factory=pd.DataFrame)
    # False when the run was stopped early: the replications that finished are kept.
    complete: bool = True
    stopped_by: str = ""
    # The parts each replication was played out as (sim.rules.split); 1: whole.
    parts: int = 1

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every tidy table by name, the KPI tables included."""
        return {
            **self.frames.tables(),
            "kpi_replications": self.kpi_replications,
            "kpis": self.kpis,
            "plan_met": plan_met_table(self.kpis, self.scenario),
            "attainment_by_month": attainment_by_month(self.frames.attainment_month, self.scenario),
            "attainment_by_unit": attainment_by_unit(self.frames.attainment_month, self.scenario),
            "dials_by_role": dials_by_role(self.frames, self.scenario),
            # Only a network has it: a team's run keeps its tables as they were.
            **({"kpis_by_unit": self.kpis_by_unit} if self.scenario.units else {}),
        }


def _share(progress: Progress | None, replications: int, tasks: int) -> Progress | None:
    """Progress in replications' worth of finished tasks (a task may be a part of one)."""
    if progress is None or tasks == replications:
        return progress
    return lambda done: progress(done * replications // tasks)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario's canonical JSON: equal scenarios, equal hashes.

    The one meaning of "scenario hash" everywhere (``SimResult.scenario_hash``, the run
    store's ``scenario_hash`` column): taken after validation, so ``--set`` overrides
    and defaults are in it, while comments, key order and layout of the file are not.
    The file's text has its own hash (``teamsim.store.scenario_text_hash``). Fields at
    their defaults are left out, so that a field added to the scenario language (with a
    default that keeps the old behaviour) leaves every existing scenario's hash as it was.
    """
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def simulate(
    scenario: Scenario,
    replications: int = 10,
    seed: int | None = None,
    *,
    workers: int | None = None,
    mode: SimMode | str = SimMode.BLOCK,
    progress: Progress | None = None,
    executor: Executor | None = None,
    split: bool | None = None,
) -> SimResult:
    """Run replications of a scenario and summarise them.

    Args:
        scenario: The scenario to play out.
        replications: Number of independent replications, at least 1.
        seed: Root seed; ``None`` takes the scenario's ``seed``.
        workers: Local processes (default: every core); 1 runs in this process.
            Ignored when ``executor`` is given.
        mode: :class:`SimMode` or its value: ``"block"`` (runs of calls as one event) or
            ``"per_call"`` (reference).
        progress: Called with the number of replications finished, as they finish.
        executor: Runs the replications (default: chosen from ``workers``).
        split: Whether to run each replication part by part where the scenario
            separates (``sim.rules.split``: a network whose branches share nobody below
            the managers that join them): None (default) when it does, False never. The
            frames are the same either way; the cost a person stays that of a part.

    Returns:
        The frames of every replication, the KPIs per replication and their summary.

    Raises:
        ValueError: If ``replications`` or ``workers`` is below 1 or ``mode`` is unknown.
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    sim_mode = SimMode.of(mode)
    root = scenario.seed if seed is None else seed
    tasks = _tasks(scenario, replications, root, mode=sim_mode, split=split)
    if executor is None:
        executor = local_executor(workers)
    share = _share(progress, replications, len(tasks))
    try:
        done = dict(enumerate(executor.map(run_task, tasks, share)))
        stopped_by = ""
    except Interrupted as stop:
        done, stopped_by = stop.finished, stop.cause
    runs = _by_replication(tasks, done)
    if not runs:
        raise SimulationStopped(f"{stopped_by} before any replication finished") from None
    frames = build_frames(scenario, runs)
    per_rep = per_replication(frames, scenario)
    return SimResult(
        scenario=scenario,
        scenario_hash=scenario_hash(scenario),
        seed=root,
        replications=len(runs),
        mode=sim_mode,
        frames=frames,
        kpis=summarise(per_rep),
        kpi_replications=per_rep,
        kpis_by_unit=kpis_by_unit(frames, scenario),
        complete=not stopped_by,
        stopped_by=stopped_by,
        parts=len(tasks) // replications,
    )
