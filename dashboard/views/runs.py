"""Runs: the store's runs; open one, delete it, export it to Excel or CSV."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import exports, state, tables, ui
from dashboard.views.plan import show_verified
from dashboard.views.simulate import show_results
from sim import TeamsimError, format_number
from teamsim.runs_io import run_statuses, status_words, stored_scenario
from teamsim.store import Store
from teamsim.verify_view import DIAGNOSES_PARAM, stored_plan

# The store's columns a head reads, in words (the store and --json keep the ids).
RUN_COLUMNS = {
    "run_id": "Run",
    "kind": "Kind",
    "label": "Label",
    "scenario_name": "Scenario",
    "status": "Status",
    "seed": "Seed",
    "replications": "Replications",
    "started_at": "Started",
}
ABOUT = ("run_id", "kind", "scenario_name", "label", "status", "seed", "replications",
         "started_at", "code_version")  # fmt: skip


def render() -> None:
    """The page."""
    ui.header(
        "Runs",
        "Every stored run, newest first: its scenario text, seed and tables are kept, so "
        "it can be compared (Compare page) or exported again later.",
    )
    store = state.store()
    st.caption(f"Store: `{store.path}`")
    try:
        runs = store.list_runs()
    except TeamsimError as exc:
        st.error(str(exc))
        return
    if runs.empty:
        st.info("No runs stored yet: run a simulation with **Keep the run in the store**.")
        return
    runs = runs.assign(status=run_statuses(store, runs))
    shown = [c for c in RUN_COLUMNS if c in runs.columns]
    st.dataframe(runs[shown].rename(columns=RUN_COLUMNS), hide_index=True, width="stretch")
    ids = runs["run_id"].astype(str).tolist()
    labels = dict(zip(ids, runs["label"].fillna("").astype(str), strict=True))
    # A run stopped before its end is named so wherever it is picked (as the CLI names it).
    for rid, status in zip(ids, runs["status"], strict=True):
        if status != "complete":
            labels[rid] = f"{labels[rid]}  {status}".strip()
    run_id = st.selectbox("Open a run", ids, format_func=lambda r: f"{r}  {labels[r]}".strip())
    if run_id is not None:
        _run(store, run_id)


def _run(store: Store, run_id: str) -> None:
    try:
        meta = store.run_meta(run_id)
    except TeamsimError as exc:
        st.error(str(exc))
        return
    status = status_words(meta["status"], meta["replications"], meta["params"])
    kind = meta["kind"] if status == "complete" else f"{meta['kind']}, {status}"
    st.subheader(f"{meta['label'] or meta['scenario_name']} ({kind})")
    about = {k: meta.get(k) for k in ABOUT}
    overrides = meta["params"].get("overrides") or []
    st.caption(
        f"Seed {meta['seed']}, {meta['replications']} replications, started "
        f"{meta['started_at']:%Y-%m-%d %H:%M}, code {meta['code_version']}"
        + (f"; edits: {', '.join(overrides)}" if overrides else "")
    )
    _results(store, meta)
    names = meta["tables"]
    st.caption(
        "Tables: " + ", ".join(f"{n} ({format_number(rows, 0)} rows)" for n, rows in names.items())
    )
    _export_and_delete(store, run_id, about)


class _Stored(Mapping[str, pd.DataFrame]):
    """A stored run's tables by name, each read from the store when first asked for."""

    def __init__(self, store: Store, run_id: str, names: Mapping[str, int]) -> None:
        self._store, self._run_id, self._names = store, run_id, list(names)
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = self._store.load_table(self._run_id, name)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


# What a stored run's reader can do for a probability from few replications.
AGAIN = "run it again with 20 or more replications"


def _results(store: Store, meta: dict[str, Any]) -> None:
    """The run's results as the page that made it showed them, through the same functions.

    A verify run as the Plan page's verified plan (``show_verified``, its final plan from
    the run's params), a simulation as the Simulate page's results (``show_results``).
    The scenario is rebuilt from the stored text; a run whose scenario no longer validates
    shows its KPIs as stored.
    """
    run_id = str(meta["run_id"])
    frames = _Stored(store, run_id, meta["tables"])
    try:
        scenario = stored_scenario(meta)
    except TeamsimError as exc:
        st.warning(f"This run's scenario no longer validates, so its results are shown as "
                   f"stored: {exc}")  # fmt: skip
        if "kpis" in frames:
            shown = tables.kpi_table(frames["kpis"], "", dials=frames.get("dials_by_role"))
            st.dataframe(shown, hide_index=True, width="stretch")
        return
    params = meta["params"]
    if meta["kind"] == "verify" and "iterations" in frames:
        show_verified(
            scenario,
            stored_plan(params),
            plan_factor=float(params.get("plan_factor") or 1.0),
            met=bool(params.get("met")),
            reason=str(params.get("reason", "")),
            confidence=float(params.get("confidence") or scenario.plan.confidence),
            iterations=frames["iterations"],
            quotas=frames["quotas"] if "quotas" in frames else pd.DataFrame(),
            frames=frames,
            replications=int(meta["replications"]),
            key=f"run_{run_id}",
            control=AGAIN,
        )
    elif "kpis" in frames:
        show_results(
            scenario,
            frames,
            replications=int(meta["replications"]),
            seed=int(meta["seed"]),
            key=f"run_{run_id}",
            control=AGAIN,
            diagnoses=params.get(DIAGNOSES_PARAM) or (),
        )


def _export_and_delete(store: Store, run_id: str, about: dict[str, Any]) -> None:
    a, b, c = st.columns(3)
    with a:
        st.download_button(
            "Export to Excel",
            lambda: exports.run_workbook_bytes(store, run_id, about),
            file_name=f"{run_id}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            help="An about sheet, then a sheet a table (large tables are cut at Excel's limit).",
        )
    with b:
        st.download_button(
            "Export as CSV (zip)",
            lambda: exports.csv_zip(store.load_tables(run_id)),
            file_name=f"{run_id}.zip",
            mime="application/zip",
        )
    with c:
        sure = st.checkbox("Yes, delete this run", key=f"confirm:{run_id}")
        if st.button("Delete the run", disabled=not sure):
            try:
                store.delete_run(run_id)
            except TeamsimError as exc:
                st.error(str(exc))
                return
            st.rerun()


if __name__ == "__main__":
    render()
