"""A network's results by unit (issue 14): the tree coloured by a KPI, units side by side.

Shown on the Simulate page (and for a stored run on the Runs page) only for a scenario
with units. The figures are the run's ``kpis_by_unit`` (``sim.unit_results``); the table's
texts are the terminal's (``teamsim.unit_view.unit_table``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import tables, ui
from sim import title
from sim.scenario import Scenario, top_down
from teamsim.format import fmt_value
from teamsim.unit_view import unit_table

ROOT = "__network__"  # the tree's root: the whole network (no unit id can start with _)
# KPIs the map can be coloured by: (label, colour scale, the share the scale turns at).
MAP_KPIS = {
    "attainment": ("Plan attainment", "RdYlGn", None),
    "utilisation_line": ("Utilisation, line level", "RdYlGn_r", "cap"),
    "utilisation_lower": ("Utilisation, lower level", "RdYlGn_r", "cap"),
    "plan_met": ("P(plan met)", "RdYlGn", None),
}
WHOLE = "whole network"
UNITS_NOTE = (
    "Means over replications. A unit's figures include the units under it; its plan is "
    "the team's plan times its people's share of the selling capacity."
)


def network_map(
    kpis: pd.DataFrame, by_unit: pd.DataFrame, scenario: Scenario, kpi: str
) -> go.Figure:
    """The network as nested boxes sized by people in seat and coloured by ``kpi`` (%).

    A treemap: the whole network, its top units, their sub-units; a box's size is its
    people in seat (mean a working day), its colour the KPI's mean over replications,
    grey where the unit has none (a region without sellers for attainment). Attainment
    turns from red to green at 100 %; utilisation from green to red at the occupancy cap
    (``policies.occupancy_cap``).
    """
    label, scale, turn = MAP_KPIS[kpi]
    means = by_unit.pivot(index="org_unit", columns="kpi", values="mean")
    team = kpis.set_index("kpi")["mean"]
    ids, parents, names, sizes, colours, texts = [ROOT], [""], [WHOLE], [], [], []
    sizes.append(float(team.get("headcount_mean", 0.0)))
    colours.append(float(team.get(kpi, math.nan)))
    for uid, _ in top_down(scenario.units):
        ids.append(uid)
        parents.append(scenario.units[uid].parent or ROOT)
        names.append(title(uid, scenario))
        row = means.loc[uid] if uid in means.index else pd.Series(dtype=float)
        sizes.append(float(row.get("headcount_mean", 0.0)))
        colours.append(float(row.get(kpi, math.nan)))
    currency = scenario.currency
    texts = [fmt_value(c, "share", currency) if math.isfinite(c) else "no figure" for c in colours]
    shares = [100 * c if math.isfinite(c) else None for c in colours]
    mid = 100.0 if turn is None else 100 * scenario.policies.occupancy_cap
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=names,
            values=sizes,
            branchvalues="total",
            customdata=texts,
            texttemplate="%{label}<br>%{customdata}<br>%{value:.0f} people",
            hovertemplate="%{label}: %{customdata}, %{value:.1f} people<extra></extra>",
            marker={
                "colors": shares,
                "colorscale": scale,
                "cmid": mid,
                "colorbar": {"title": {"text": "%"}},
            },
        )
    )
    fig.update_layout(
        title={"text": f"The network by unit: {label} (%), size by people in seat"},
        font={"size": 16},
        height=460,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig


def units_frame(kpis: pd.DataFrame, by_unit: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The units side by side: the terminal's 'Results by unit' table as a DataFrame."""
    shown = unit_table(kpis, by_unit, scenario)
    rows = [
        [f"{'· ' * (depth + 1) if uid else ''}{name}", *cells]
        for uid, depth, name, cells in shown.rows
    ]
    return pd.DataFrame(rows, columns=list(shown.headers))


def show_units(scenario: Scenario, frames: Mapping[str, pd.DataFrame], *, key: str) -> None:
    """The section: the map, the units side by side, and one unit's KPI table."""
    by_unit = frames.get("kpis_by_unit")
    if not scenario.units or by_unit is None or by_unit.empty:
        return
    kpis = frames["kpis"]
    st.subheader("Results by unit")
    measured = [k for k in MAP_KPIS if k in set(by_unit["kpi"])]
    if measured:
        kpi = st.selectbox(
            "Colour the network by",
            measured,
            format_func=lambda k: MAP_KPIS[k][0],
            key=f"{key}_map_kpi",
        )
        ui.chart(
            network_map(kpis, by_unit, scenario, kpi),
            "Each box is a unit, inside the unit it belongs to; its size is its people in "
            "seat, its colour the KPI's mean over replications (grey: not measured there).",
            key=f"{key}_map",
        )
    st.dataframe(units_frame(kpis, by_unit, scenario), hide_index=True, width="stretch")
    st.caption(UNITS_NOTE)
    options = [uid for uid, _ in top_down(scenario.units)]
    uid = st.selectbox(
        "One unit's KPIs", options, format_func=lambda u: title(u, scenario), key=f"{key}_unit"
    )
    rows = by_unit.loc[by_unit["org_unit"] == uid].drop(columns=["org_unit"])
    table = tables.kpi_table(rows, scenario.currency, scenario.money_locale, scenario=scenario)
    st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_unit_kpis")
