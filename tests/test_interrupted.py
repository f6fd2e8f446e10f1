"""An interrupted run keeps the replications that finished; nothing saved is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim
from sim.runner import InlineExecutor, Interrupted, ProcessExecutor, SimulationStopped
from teamsim.io import load_scenario
from teamsim.store import Store

SCENARIO = load_scenario("scenarios/retail_bank.yaml", ["calendar.horizon_days=45"])


def _die_on_three(task: int) -> int:
    if task == 3:
        os._exit(1)  # a worker killed mid-run
    return task * 10


def test_a_dead_worker_keeps_what_finished() -> None:
    with pytest.raises(Interrupted) as info:
        ProcessExecutor(1).map(_die_on_three, [0, 1, 2, 3, 4])
    assert info.value.finished == {0: 0, 1: 10, 2: 20}
    assert info.value.cause == "a worker died"


class StopsAfter:
    """Runs tasks in this process, then behaves as if Ctrl-C came after ``n`` of them."""

    def __init__(self, n: int) -> None:
        self.n = n

    def map(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Any = None
    ) -> list[Any]:
        done = InlineExecutor().map(fn, tasks[: self.n])
        raise Interrupted(dict(enumerate(done)), "interrupted")


def test_simulate_returns_the_finished_replications() -> None:
    partial = sim.simulate(SCENARIO, 5, seed=3, executor=StopsAfter(2))
    full = sim.simulate(SCENARIO, 5, seed=3, workers=1)
    assert not partial.complete and partial.stopped_by == "interrupted"
    assert partial.replications == 2
    # A replication's seed does not depend on how many were asked for: the summaries
    # (kpis, plan_met, attainment_by_month, dials_by_role) are those of a 2-replication run.
    two = sim.simulate(SCENARIO, 2, seed=3, workers=1).tables()
    summaries = [name for name, frame in partial.tables().items() if "replication" not in frame]
    assert {"kpis", "plan_met", "attainment_by_month", "dials_by_role"} <= set(summaries)
    for name, frame in partial.tables().items():
        if name in summaries:
            expected = two[name]
        else:
            expected = full.tables()[name]
            expected = expected.loc[expected["replication"] < 2]
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True), expected.reset_index(drop=True), obj=name
        )


def test_stopped_before_anything_finished_is_an_error() -> None:
    with pytest.raises(SimulationStopped, match="before any replication"):
        sim.simulate(SCENARIO, 3, executor=StopsAfter(0))


@pytest.mark.slow
def test_ctrl_c_on_the_command_keeps_a_partial_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    Store(store).save_run(*_earlier_run())  # already saved: must survive
    cmd = [
        sys.executable,
        "-m",
        "teamsim",
        "simulate",
        "scenarios/retail_bank.yaml",
        "-n",
        "400",
        "--workers",
        "1",
        "--store",
        str(store),
        "--set",
        "calendar.horizon_days=45",
    ]
    _, stderr = _interrupted(cmd)
    runs = Store(store).list_runs().set_index("kind")
    assert runs.loc["simulate", "status"] == "partial"
    kept = int(runs.loc["simulate", "replications"])
    assert 1 <= kept < 20000
    assert "kept the" in stderr and "partial run" in stderr
    assert "earlier" in set(Store(store).list_runs()["kind"])


def _interrupted(cmd: list[str]) -> tuple[str, str]:
    """Run ``cmd``, press Ctrl-C 12 s in (a few replications done, most not), and return
    its stdout and stderr after checking it stopped as an interrupted command should:
    exit 130 and no traceback."""
    # A pytest-xdist worker ignores SIGINT, and an ignored signal is inherited: the
    # command would start with Ctrl-C ignored (Python then installs no KeyboardInterrupt)
    # and run its 400 replications to the end. A terminal's command starts with the default.
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(12)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    # As a person does when the first press seems lost: press again. On the loaded
    # machine the first could land before the command's own handler, in a library's
    # import, and be swallowed there (the full suite timed out after 120 s).
    for _ in range(6):
        proc.send_signal(signal.SIGINT)
        try:
            stdout, stderr = proc.communicate(timeout=20)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        proc.kill()
        stdout, stderr = proc.communicate()
        raise AssertionError(f"still running after 6 presses of Ctrl-C: {stderr}")
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    return stdout, stderr


def _earlier_run() -> tuple[Any, dict[str, pd.DataFrame]]:
    import datetime as dt

    from teamsim.store import RunMeta

    meta = RunMeta(
        kind="earlier",
        scenario_name="x",
        scenario_text="x",
        seed=1,
        replications=1,
        code_version="t",
        started_at=dt.datetime.now(),
    )
    return meta, {"kpis": pd.DataFrame({"a": [1]})}


@pytest.mark.slow
def test_ctrl_c_on_compare_stops_it_and_a_partial_side_is_named(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    short = ["--set", "calendar.horizon_days=45"]
    cmd = [sys.executable, "-m", "teamsim", "compare", "scenarios/retail_bank.yaml",
           "scenarios/retail_bank.yaml", "-n", "400", "--workers", "1", "--store", str(store),
           *short]  # fmt: skip
    # Stopped as simulate stops: the first side kept and said, the second never simulated.
    stdout, stderr = _interrupted(cmd)
    assert "nothing compared" in stderr and "partial run" in stderr
    assert "Comparison" not in stdout
    runs = Store(store).list_runs()
    assert list(runs["status"]) == ["partial"]
    kept = int(runs["replications"].iloc[0])
    assert 1 <= kept < 400
    run_id = str(runs["run_id"].iloc[0])

    # Given the stored partial run, compare names it partial in its table and workbook.
    from typer.testing import CliRunner

    from teamsim.cli import app

    book = tmp_path / "c.xlsx"
    args = ["compare", run_id, "scenarios/retail_bank.yaml", "-n", "2", "--workers", "1",
            "--store", str(store), "--no-save", "--excel", str(book), *short]  # fmt: skip
    done = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    named = f"partial ({kept} of 400 replications)"
    assert named in " ".join(done.output.split())
    import openpyxl

    about = openpyxl.load_workbook(book)["about"]
    cells = [str(c.value) for row in about.iter_rows() for c in row if c.value is not None]
    assert named in cells
