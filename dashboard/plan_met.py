"""P(plan met) on a page: its meaning, the month-level chances and attainment by month.

The same pieces as the terminal (teamsim.plan_met_view), drawn for the browser: no page
shows P(plan met) without them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, ui
from sim import SimResult, plan_met_definition
from sim.scenario import Scenario
from teamsim.format import fmt_value
from teamsim.plan_met_view import chances, monthly, sells
from teamsim.plan_met_view import few_replications_text as terminal_text

__all__ = ["attainment_caption", "few_replications_text", "monthly_attainment_chart",
           "show_attainment", "show_plan_met", "show_plan_met_tables"]  # fmt: skip

_FONT = {"size": 16}


def monthly_attainment_chart(months: SimResult | pd.DataFrame) -> go.Figure:
    """Attainment of each calendar month: mean, P10-P90 band, and the plan at 100 %.

    ``months``: ``sim.attainment_by_month``'s table (a run's ``attainment_by_month``), or
    a result to take it from.
    """
    if isinstance(months, SimResult):
        months = monthly(months)
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


def few_replications_text(replications: int, control: str) -> str | None:
    """The warning under P(plan met) when it rests on few replications, else None.

    The terminal's rule (``teamsim.plan_met_view.FEW_REPLICATIONS``: fewer than 20), in a
    page's words: ``control`` says what to change there ("set **Replications** to 20 or
    more"), where the terminal says "-n".
    """
    text = terminal_text(replications, control=control)
    return None if text is None else text + "."


def show_plan_met(result: SimResult, *, key: str, control: str) -> None:
    """The definition, the three chances as metrics and the month chart (nothing if no plan).

    ``control``: what to change on the page for more replications (see
    :func:`few_replications_text`).
    """
    if not sells(result):
        return
    show_plan_met_tables(
        result.scenario,
        chances(result),
        monthly(result),
        replications=result.replications,
        key=key,
        control=control,
    )


def show_plan_met_tables(
    scenario: Scenario,
    rows: Sequence[dict[str, Any]],
    months: pd.DataFrame,
    *,
    replications: int,
    key: str,
    control: str,
) -> None:
    """The same block from the tables a run stores (``plan_met``, ``attainment_by_month``).

    ``rows``: ``sim.plan_met_table`` as records (label, mean, ci_low, ci_high); ``months``:
    ``sim.attainment_by_month``. Nothing for a team with no sales plan or no counted month.
    """
    if not scenario.segments or months.empty:
        return
    st.markdown(f"**{plan_met_definition(scenario)}**")
    cols = st.columns(len(rows))
    for col, row in zip(cols, rows, strict=True):
        col.metric(str(row["label"]), fmt_value(float(row["mean"]), "share", ""))
        low = fmt_value(float(row["ci_low"]), "share", "")
        high = fmt_value(float(row["ci_high"]), "share", "")
        col.caption(f"95 % interval {low} to {high}")
    warning = few_replications_text(replications, control)
    if warning:
        st.warning(warning)
    st.plotly_chart(monthly_attainment_chart(months), width="stretch", theme=None, key=key)
    st.caption(
        "Each point is a calendar month's mean attainment over the replications; its bar "
        "holds 8 replications in 10. Hover for the share of replications that met the month."
    )


def attainment_caption(scenario: Scenario, plan_met: float | None) -> str:
    """The attainment histogram's caption: what its bars are, and that P(plan met) is right.

    ``plan_met``: the KPI's mean (0..1), quoted in the caption; None or NaN: not quoted.
    """
    _, units = charts.judged_unit(scenario)
    said = ""
    if plan_met is not None and plan_met == plan_met:
        said = f" ({fmt_value(plan_met, 'share', '')})"
    return (
        f"Each bar counts {units} of all replications by their attainment (revenue over "
        f"plan), the units P(plan met) judges; the share of them at or right of the dashed "
        f"line is P(plan met){said}."
    )


def show_attainment(scenario: Scenario, frames: Mapping[str, pd.DataFrame], *, key: str) -> None:
    """The attainment histogram of what P(plan met) counts, with its caption.

    ``frames``: a run's tables (``attainment_month`` and ``kpis`` needed; nothing drawn
    without ``attainment_month`` or a sales plan).
    """
    if not scenario.segments or "attainment_month" not in frames:
        return
    kpis = frames["kpis"] if "kpis" in frames else pd.DataFrame()
    row = kpis.loc[kpis["kpi"] == "plan_met"] if "kpi" in kpis else kpis
    plan_met = float(row["mean"].iloc[0]) if len(row) else None
    ui.chart(
        charts.attainment_distribution(frames["attainment_month"], scenario),
        attainment_caption(scenario, plan_met),
        key=f"{key}_attainment",
    )
