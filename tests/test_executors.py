"""Local processes and a real Dask LocalCluster on loopback give identical frames."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from teamsim.executors import ExecutorError, make_executor
from teamsim.io import load_scenario

SCENARIO = load_scenario("scenarios/retail_bank.yaml", ["calendar.horizon_days=45"])


def _frames(executor_kind: str, **kwargs: object) -> dict[str, pd.DataFrame]:
    with make_executor(executor_kind, **kwargs) as executor:  # type: ignore[arg-type]
        return sim.simulate(SCENARIO, 3, seed=11, executor=executor).tables()


@pytest.mark.slow
def test_dask_local_cluster_equals_local_processes() -> None:
    local = _frames("local", workers=2)
    dask = _frames("dask-local", workers=2)
    assert local.keys() == dask.keys()
    for name in local:
        pd.testing.assert_frame_equal(local[name], dask[name], check_exact=True, obj=name)


def test_dask_without_scheduler_is_a_user_error() -> None:
    with pytest.raises(ExecutorError, match="--scheduler"), make_executor("dask"):
        pass


def test_unreachable_scheduler_is_a_user_error() -> None:
    with (
        pytest.raises(ExecutorError, match="cannot reach"),
        make_executor("dask", scheduler="tcp://127.0.0.1:9"),
    ):
        pass
