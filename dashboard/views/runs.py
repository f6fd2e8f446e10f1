"""Runs: the store's runs; open one, delete it, export it to Excel or CSV."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import charts, exports, state, tables, ui
from sim import TeamsimError
from teamsim.store import Store

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
    shown = [c for c in ("run_id", "kind", "label", "scenario_name", "status", "seed",
                         "replications", "started_at") if c in runs.columns]  # fmt: skip
    st.dataframe(runs[shown], hide_index=True, width="stretch")
    ids = runs["run_id"].astype(str).tolist()
    labels = dict(zip(ids, runs["label"].fillna("").astype(str), strict=True))
    run_id = st.selectbox("Open a run", ids, format_func=lambda r: f"{r}  {labels[r]}".strip())
    if run_id is not None:
        _run(store, run_id)


def _run(store: Store, run_id: str) -> None:
    try:
        meta = store.run_meta(run_id)
    except TeamsimError as exc:
        st.error(str(exc))
        return
    st.subheader(f"{meta['label'] or meta['scenario_name']} ({meta['kind']})")
    about = {k: meta.get(k) for k in ABOUT}
    overrides = meta["params"].get("overrides") or []
    st.caption(
        f"Seed {meta['seed']}, {meta['replications']} replications, started "
        f"{meta['started_at']:%Y-%m-%d %H:%M}, code {meta['code_version']}"
        + (f"; edits: {', '.join(overrides)}" if overrides else "")
    )
    names = meta["tables"]
    if "kpis" in names:
        kpis = store.load_table(run_id, "kpis")
        currency = _currency(meta)
        st.dataframe(tables.kpi_table(kpis, currency), hide_index=True, width="stretch")
    if "kpi_replications" in names:
        ui.chart(charts.attainment_distribution(store.load_table(run_id, "kpi_replications")),
                 "Each bar counts replications by their mean monthly attainment; right of the "
                 "dashed line the plan was met.")  # fmt: skip
    st.caption("Tables: " + ", ".join(f"{n} ({rows:,} rows)" for n, rows in names.items()))
    _export_and_delete(store, run_id, about)


def _currency(meta: dict[str, Any]) -> str:
    try:
        scenario = state.parse(str(meta["scenario_text"]), f"run {meta['run_id']}",
                               tuple(meta["params"].get("overrides") or ()))  # fmt: skip
    except TeamsimError:
        return ""
    return scenario.currency


def _export_and_delete(store: Store, run_id: str, about: dict[str, Any]) -> None:
    a, b, c = st.columns(3)
    with a:
        st.download_button(
            "Export to Excel",
            lambda: exports.workbook_bytes(store.load_tables(run_id), about),
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
