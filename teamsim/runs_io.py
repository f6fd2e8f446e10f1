"""Simulation results to and from the run store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sim import SimResult
from sim.scenario import parse_scenario
from teamsim import __version__
from teamsim.compare import Side
from teamsim.store import RunMeta, Store, StoreError


def save_result(
    store: Store,
    result: SimResult,
    scenario_text: str,
    *,
    kind: str = "simulate",
    label: str = "",
    params: Mapping[str, Any] | None = None,
    started_at: dt.datetime | None = None,
    status: str = "complete",
) -> str:
    """Store a simulation with its scenario text, seed and tidy tables; return the run id.

    ``scenario_text`` and the ``overrides`` in ``params`` must give ``result.scenario``:
    its hash is stored as the run's ``scenario_hash``.
    """
    meta = RunMeta(
        kind=kind,
        scenario_name=result.scenario.name,
        scenario_text=scenario_text,
        seed=result.seed,
        replications=result.replications,
        code_version=__version__,
        started_at=started_at or dt.datetime.now(),
        status=status,
        label=label,
        params={"mode": result.mode, **dict(params or {})},
        scenario_hash=result.scenario_hash,
    )
    return store.save_run(meta, result.tables())


def side_from_run(store: Store, run: str, label: str | None = None) -> Side:
    """A comparison side from a stored run (its scenario is read back from the store)."""
    run_id = store.resolve(run)
    meta = store.run_meta(run_id)
    if "kpi_replications" not in meta["tables"]:
        raise StoreError(f"run {run_id} ({meta['kind']}) has no simulation KPIs to compare")
    overrides = meta["params"].get("overrides", [])
    scenario = parse_scenario(meta["scenario_text"], f"run {run_id}", overrides)
    return Side(
        label or meta.get("label") or run_id,
        scenario,
        int(meta["seed"]),
        store.load_table(run_id, "kpi_replications"),
    )
