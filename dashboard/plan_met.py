"""P(plan met) on a page: its meaning, the month-level chances and attainment by month.

The same pieces as the terminal (teamsim.plan_met_view), drawn for the browser: no page
shows P(plan met) without them.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from sim import SimResult, plan_met_definition
from teamsim.format import fmt_value
from teamsim.plan_met_view import chances, few_replications_warning, monthly, sells

__all__ = ["monthly_attainment_chart", "show_plan_met"]

_FONT = {"size": 16}


def monthly_attainment_chart(result: SimResult) -> go.Figure:
    """Attainment of each calendar month: mean, P10-P90 band, and the plan at 100 %."""
    months = monthly(result)
    labels = months["label"].tolist()
    mean = (100 * months["attainment"]).tolist()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=mean,
            mode="lines+markers",
            name="mean",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (100 * (months["p90"] - months["attainment"])).tolist(),
                "arrayminus": (100 * (months["attainment"] - months["p10"])).tolist(),
            },
            customdata=(100 * months["p_met"]).tolist(),
            hovertemplate="%{x}: mean %{y:.1f} %, P(met) %{customdata:.0f} %<extra></extra>",
        )
    )
    fig.add_hline(y=100, line_dash="dash", annotation_text="plan", annotation_position="right")
    fig.update_layout(
        title="Attainment by calendar month, % (bars: P10-P90 over the replications)",
        font=_FONT,
        height=420,
        showlegend=False,
        margin={"r": 60},
    )
    fig.update_xaxes(title="month", type="category")
    fig.update_yaxes(title="attainment, %", ticksuffix=" %", rangemode="tozero")
    return fig


def show_plan_met(result: SimResult, *, key: str) -> None:
    """The definition, the three chances as metrics and the month chart (nothing if no plan)."""
    if not sells(result):
        return
    st.markdown(f"**{plan_met_definition(result.scenario)}**")
    shown = chances(result)
    cols = st.columns(len(shown))
    for col, row in zip(cols, shown, strict=True):
        col.metric(str(row["label"]), fmt_value(float(row["mean"]), "share", ""))
        low = fmt_value(float(row["ci_low"]), "share", "")
        high = fmt_value(float(row["ci_high"]), "share", "")
        col.caption(f"95 % interval {low} to {high}")
    warning = few_replications_warning(result)
    if warning:
        st.warning(warning)
    st.plotly_chart(monthly_attainment_chart(result), width="stretch", theme=None, key=key)
    st.caption(
        "Each point is a calendar month's mean attainment over the replications; its bar "
        "holds 8 replications in 10. Hover for the share of replications that met the month."
    )
