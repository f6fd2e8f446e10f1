"""Simulation results to and from the run store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim import SimMode, SimResult, attainment_by_month, plan_met_table, scenario_hash
from sim.scenario import Scenario, parse_scenario
from teamsim import __version__
from teamsim.compare import Side, partial_words
from teamsim.declared import WINDOW_PARAM as WINDOW_PARAM  # read here by its users
from teamsim.diagnose_view import diagnoses_json, run_diagnoses
from teamsim.store import RunMeta, Store, StoreError
from teamsim.verify_view import DIAGNOSES_PARAM


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
    detail: bool = False,
) -> str:
    """Store a simulation with its scenario text, seed and tidy tables; return the run id.

    ``scenario_text`` and the ``overrides`` in ``params`` must give ``result.scenario``:
    its hash is stored as the run's ``scenario_hash``. Without ``detail`` the raw event
    tables (:data:`teamsim.store.DETAIL_TABLES`) are left out, and the run says so.
    The params also keep what ``simulate`` printed beside its tables, so that ``runs
    show`` prints it again: the counted window (:data:`WINDOW_PARAM`) and the diagnoses
    (``teamsim.verify_view.DIAGNOSES_PARAM``).
    """
    window = result.frames.window
    shown = {
        WINDOW_PARAM: {
            "counted_days": window.counted_days,
            "warmup_days": window.warmup_days,
            "counted_months": list(window.counted_months),
        },
        DIAGNOSES_PARAM: diagnoses_json(run_diagnoses(result)),
    }
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
        params={"mode": result.mode, **shown, **dict(params or {})},
        scenario_hash=result.scenario_hash,
    )
    return store.save_run(meta, result.tables(), detail=detail)


def status_words(status: object, replications: object, params: Mapping[str, Any]) -> str:
    """A stored run's status in words: "complete", or "partial (6 of 20 replications)".

    A run stopped before its end is named by teamsim.compare.partial_words.

    ``replications``: those the run kept (the store's column); ``params``: the run's
    (``Store.run_meta``), which hold the replications asked for.
    """
    if str(status) != "partial":
        return str(status)
    requested = params.get("requested_replications")
    return partial_words(int(str(replications)), int(requested) if requested else None)


def run_statuses(store: Store, runs: pd.DataFrame) -> list[str]:
    """Each run of ``Store.list_runs`` by :func:`status_words`, in its order.

    Only a partial run's params are read (they hold the replications asked for).
    """
    out = []
    for row in runs.itertuples():
        params = store.run_meta(str(row.run_id))["params"] if row.status == "partial" else {}
        out.append(status_words(row.status, row.replications, params))
    return out


def side_from_run(store: Store, run: str, label: str | None = None) -> Side:
    """A comparison side from a stored run (its scenario is read back from the store)."""
    run_id = store.resolve(run)
    meta = store.run_meta(run_id)
    if "kpi_replications" not in meta["tables"]:
        if meta["kind"] == "sweep":
            raise StoreError(
                f"run {run_id} is a sweep's summary and holds no simulation of its own: "
                f"compare the runs of two of its points (`teamsim runs show {run_id}` lists "
                "them), or run the sweep again if its points were pruned"
            )
        raise StoreError(f"run {run_id} ({meta['kind']}) has no simulation KPIs to compare")
    scenario = stored_scenario(meta)
    partial = meta.get("status") == "partial"
    chances, months = stored_plan_met(store, run_id, scenario)
    return Side(
        # A head knows the team by its scenario's name, not by a run id.
        label or meta.get("label") or scenario.name,
        scenario,
        int(meta["seed"]),
        store.load_table(run_id, "kpi_replications"),
        partial_of=int(meta["params"].get("requested_replications", 0)) if partial else None,
        chances=chances,
        months=months,
        dials=stored_dials(store, run_id),
    )


def stored_dials(store: Store, run_id: str) -> pd.DataFrame | None:
    """The dials a day by role a run stored (``sim.dials_by_role``); None before it did."""
    if "dials_by_role" not in store.run_meta(run_id)["tables"]:
        return None
    return store.load_table(run_id, "dials_by_role")


def stored_plan_met(
    store: Store, run_id: str, scenario: Scenario
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stored run's P(plan met) chances and its attainment by calendar month.

    The tables the run stored (``plan_met``: sim.plan_met_table; ``attainment_by_month``:
    sim.attainment_by_month); for a run stored before them, the same functions over what
    it kept (``kpis``, ``attainment_month``); empty tables where it kept neither.
    """
    stored = store.run_meta(run_id)["tables"]
    if stored.get("plan_met"):
        chances = store.load_table(run_id, "plan_met")
    else:
        kpis = store.load_table(run_id, "kpis") if stored.get("kpis") else pd.DataFrame()
        chances = plan_met_table(kpis, scenario)
    if stored.get("attainment_by_month"):
        months = store.load_table(run_id, "attainment_by_month")
    else:
        kept = stored.get("attainment_month")
        frame = store.load_table(run_id, "attainment_month") if kept else pd.DataFrame()
        months = attainment_by_month(frame, scenario)
    return chances, months


def stored_scenario(meta: Mapping[str, Any]) -> Scenario:
    """A stored run's scenario, rebuilt from its text and overrides (``Store.run_meta``).

    Raises:
        ScenarioError: The stored text no longer validates (a run from an older teamsim).
    """
    overrides = meta["params"].get("overrides", [])
    if not isinstance(overrides, list):
        overrides = []
    return parse_scenario(meta["scenario_text"], f"run {meta['run_id']}", overrides)


def identical_run(
    store: Store,
    scenario: Scenario,
    *,
    seed: int,
    replications: int,
    mode: SimMode | str = SimMode.BLOCK,
) -> str | None:
    """The id of a stored complete run identical to simulating this now, or None.

    The one lookup by which a simulation is reused instead of run again (``teamsim
    compare``, the dashboard's Simulate and Compare pages). Identical: the same validated
    scenario (:func:`sim.scenario_hash`, overrides included), seed, replications and
    simulation mode (``sim.simulate``'s default unless given), and this teamsim's version
    (:data:`teamsim.__version__`); the rule is ``Store.find_identical``'s.
    """
    return store.find_identical(
        scenario_hash=scenario_hash(scenario),
        seed=int(seed),
        replications=int(replications),
        mode=SimMode(mode).value,
        code_version=__version__,
    )


def reused_words(run_id: str) -> str:
    """What a page says of a simulation it did not run again, reusing a stored run."""
    return (
        f"the stored run {run_id} of the same scenario, seed and replications: reused, "
        "not simulated again"
    )
