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
from teamsim.plan_met_view import (
    chances,
    chances_side_by_side,
    definition_lines,
    monthly,
    sells,
)
from teamsim.plan_met_view import few_replications_text as terminal_text

__all__ = ["attainment_caption", "chances_frame", "few_replications_text",
           "monthly_attainment_chart", "show_attainment", "show_plan_met",
           "show_plan_met_side_by_side", "show_plan_met_tables"]  # fmt: skip

_FONT = {"size": 16}


def monthly_attainment_chart(months: SimResult | pd.DataFrame) -> go.Figure:
    """Attainment of each calendar month: mean, P10-P90 band, and the plan at 100 %.

    ``months``: ``sim.attainment_by_month``'s table (a run's ``attainment_by_month``), or
    a result to take it from.
    """
    if isinstance(months, SimResult):
        months = monthly(months)
    return _months_figure([_month_trace(months, "mean")], legend=False)


def sides_attainment_chart(runs: Sequence[tuple[str, pd.DataFrame]]) -> go.Figure:
    """Attainment of each calendar month, a line per run (a comparison's sides).

    ``runs``: (name, ``sim.attainment_by_month``) per run; each point is the run's mean
    attainment of the month, its bar the P10-P90 over the run's replications.
    """
    return _months_figure([_month_trace(months, name) for name, months in runs], legend=True)


def _month_trace(months: pd.DataFrame, name: str) -> go.Scatter:
    """One run's months: mean attainment, % (x: YYYY-MM), with its P10-P90 bar."""
    return go.Scatter(
        x=months["label"].tolist(),
        y=(100 * months["attainment"]).tolist(),
        mode="lines+markers",
        name=name,
        error_y={
            "type": "data",
            "symmetric": False,
            "array": (100 * (months["p90"] - months["attainment"])).tolist(),
            "arrayminus": (100 * (months["attainment"] - months["p10"])).tolist(),
        },
        customdata=(100 * months["p_met"]).tolist(),
        hovertemplate=f"{name}, " + "%{x}: mean %{y:.1f} %, P(met) %{customdata:.0f} %"
        "<extra></extra>",
    )


def _months_figure(traces: Sequence[go.Scatter], *, legend: bool) -> go.Figure:
    fig = go.Figure()
    for trace in traces:
        fig.add_trace(trace)
    fig.add_hline(y=100, line_dash="dash", annotation_text="plan", annotation_position="right")
    fig.update_layout(
        title="Attainment by calendar month, % (bars: P10-P90 over the replications)",
        font=_FONT,
        height=420,
        showlegend=legend,
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


def chances_frame(runs: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> pd.DataFrame:
    """P(plan met) and the month-level chances of several runs, a column per run.

    The terminal's table (``teamsim.plan_met_view.chances_side_by_side``): a row per
    chance, each cell "83.3 % (62.1 % to 93.9 %)"; ``runs``: (name, chances records).
    """
    grid = chances_side_by_side(runs)
    return pd.DataFrame({grid.key: [str(k) for k in grid.keys], **grid.columns})


def show_plan_met_side_by_side(
    runs: Sequence[tuple[str, Scenario, Sequence[Mapping[str, Any]], pd.DataFrame]], *, key: str
) -> None:
    """What P(plan met) means, the chances beside it and the months of each run.

    ``runs``: (name, scenario, chances records, ``sim.attainment_by_month``) per run that
    sells; nothing shown for none. The chances as one table (a column per run), the months
    as one chart (a line per run).
    """
    if not runs:
        return
    for line in definition_lines([(name, scenario) for name, scenario, _, _ in runs]):
        st.markdown(f"**{line}**")
    ui.text_table(chances_frame([(name, rows) for name, _, rows, _ in runs]))
    drawn = [(name, months) for name, _, _, months in runs if not months.empty]
    if drawn:
        ui.chart(
            sides_attainment_chart(drawn),
            "Each point is a calendar month's mean attainment over a scenario's "
            "replications; its bar holds 8 replications in 10. Hover for the share of "
            "replications that met the month.",
            key=key,
        )
