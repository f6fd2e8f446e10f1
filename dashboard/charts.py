"""Plotly figures as pure functions of tidy DataFrames: testable without Streamlit.

Every figure has a title with its unit and large type, so that it reads on a projector.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.rules import DUTY_PREFIX, TimeUse
from sim.scenario import Level

__all__ = [
    "activity_group",
    "attainment_distribution",
    "attainment_overlay",
    "cost_vs_plan",
    "funnel_by_segment",
    "headcount_by_level",
    "plan_headcount",
    "quotas",
    "time_use_by_level",
    "utilisation_heatmap",
    "waits",
]

LEVELS = tuple(level.value for level in reversed(Level))  # the most senior first
PALETTE = ("#1f5fa8", "#e07b28", "#2e9e5b", "#c23b3b", "#7d5ba6", "#8c6d31", "#d45fa0", "#5f6b73")
_FONT = {"size": 16}
FLOOR_MIN = 0.1  # waits shorter than this are drawn at it on the log axis
_HEIGHT = 460

# Activities grouped for a readable legend; every duty:<id> is a duty.
_GROUPS: dict[str, str] = {
    TimeUse.CALLS: "Calls",
    TimeUse.STAGE_WORK: "Deal work",
    TimeUse.MEETING: "Meetings",
    TimeUse.TRAVEL: "Travel",
    TimeUse.AFTER_SALE: "After sale",
    TimeUse.INBOUND: "Inbound requests",
    TimeUse.APPROVAL: "Approvals and escalations",
    TimeUse.ESCALATION: "Approvals and escalations",
    TimeUse.OVERTIME: "Overtime",
    TimeUse.IDLE: "Idle",
}
# The kinds of waits, in the order they are drawn.
_WAIT_NAMES = {
    TimeUse.APPROVAL: "Approvals",
    TimeUse.ESCALATION: "Escalations",
    TimeUse.INBOUND: "Inbound requests",
}
_GROUP_ORDER = (
    "Calls",
    "Deal work",
    "Meetings",
    "Travel",
    "After sale",
    "Inbound requests",
    "Approvals and escalations",
    "Coaching",
    "Duties",
    "Overtime",
    "Idle",
)


def _layout(fig: go.Figure, title: str, **extra: object) -> go.Figure:
    layout: dict[str, object] = {
        "title": {"text": title, "font": {"size": 22}},
        "font": _FONT,
        "template": "plotly_white",
        "height": _HEIGHT,
        "margin": {"t": 70, "l": 70, "r": 30, "b": 60},
        "legend": {"font": {"size": 15}},
        "colorway": list(PALETTE),
    }
    fig.update_layout({**layout, **extra})
    return fig


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _empty(title: str, why: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=why, showarrow=False, font={"size": 18}, x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def _bins(values: pd.Series) -> dict[str, float]:
    """About twenty bins over the values' range, at least one percentage point wide."""
    low, high = float(values.min()), float(values.max())
    size = max((high - low) / 20.0, 1.0)
    return {"start": low - size / 2, "end": high + size / 2, "size": size}


def activity_group(activity: str) -> str:
    """The legend group of an activity of the time-use table."""
    if activity.startswith(DUTY_PREFIX):
        return "Duties"
    return _GROUPS.get(activity, activity.replace("_", " ").capitalize())


def attainment_distribution(kpi_replications: pd.DataFrame) -> go.Figure:
    """Histogram of each replication's plan attainment, with the plan at 100 %."""
    title = "Plan attainment per replication (% of plan)"
    values = 100 * kpi_replications.get("attainment", pd.Series(dtype=float)).dropna()
    if values.empty:
        return _empty(title, "No sales plan to attain")
    fig = go.Figure(go.Histogram(x=values, xbins=_bins(values), name="runs"))
    fig.add_vline(x=100, line={"color": "#c23b3b", "width": 3, "dash": "dash"})
    fig.add_annotation(x=100, y=1, yref="paper", text="plan", showarrow=False, yanchor="bottom")
    fig.update_xaxes(title="attainment, % of plan", ticksuffix=" %")
    fig.update_yaxes(title="replications")
    return _layout(fig, title, bargap=0.05, showlegend=False)


def attainment_overlay(kpi_replications: Mapping[str, pd.DataFrame]) -> go.Figure:
    """Each side's per-replication attainment as overlaid, translucent histograms."""
    title = "Plan attainment per replication, side by side (% of plan)"
    fig = go.Figure()
    series = {
        label: 100 * frame.get("attainment", pd.Series(dtype=float)).dropna()
        for label, frame in kpi_replications.items()
    }
    series = {label: values for label, values in series.items() if not values.empty}
    if series:
        bins = _bins(pd.concat(list(series.values())))
    for label, values in series.items():
        # One bin grid for every side, so the bars line up.
        fig.add_trace(go.Histogram(x=values, name=label, opacity=0.6, xbins=bins))
    if not fig.data:
        return _empty(title, "No sales plan to attain")
    fig.add_vline(x=100, line={"color": "#333", "width": 3, "dash": "dash"})
    fig.update_xaxes(title="attainment, % of plan", ticksuffix=" %")
    fig.update_yaxes(title="replications")
    return _layout(fig, title, barmode="overlay", bargap=0.05)


def time_use_by_level(time_use: pd.DataFrame) -> go.Figure:
    """Share of the working time each level spends on each kind of work (stacked)."""
    title = "Time use by level (% of time at work)"
    work = time_use[time_use["activity"] != TimeUse.ABSENT.value]
    if work.empty:
        return _empty(title, "No time recorded")
    grouped = (
        work.assign(group=work["activity"].map(activity_group))
        .groupby(["level", "group"], observed=True)["minutes"]
        .sum()
        .reset_index()
    )
    grouped["share"] = (
        100 * grouped["minutes"] / grouped.groupby("level")["minutes"].transform("sum")
    )
    levels = [lv for lv in LEVELS if lv in set(grouped["level"])]
    fig = go.Figure()
    for group in [g for g in _GROUP_ORDER if g in set(grouped["group"])] + sorted(
        set(grouped["group"]) - set(_GROUP_ORDER)
    ):
        part = grouped[grouped["group"] == group].set_index("level").reindex(levels)
        fig.add_trace(
            go.Bar(
                y=levels,
                x=part["share"].fillna(0.0),
                name=group,
                orientation="h",
                hovertemplate="%{y}: %{x:.1f} %<extra>" + group + "</extra>",
            )
        )
    fig.update_xaxes(title="% of time at work", ticksuffix=" %", range=[0, 100])
    fig.update_yaxes(title="level", categoryorder="array", categoryarray=levels[::-1])
    return _layout(fig, title, barmode="stack", legend_traceorder="normal")


def utilisation_heatmap(utilisation_week: pd.DataFrame) -> go.Figure:
    """Busy share of each person's available time, week by week (mean over replications)."""
    title = "Utilisation per person and week (% of available time)"
    if utilisation_week.empty:
        return _empty(title, "No time recorded")
    sums = utilisation_week.groupby(["person", "week"], observed=True)[
        ["busy_min", "available_min"]
    ].sum()
    share = 100 * sums["busy_min"] / sums["available_min"].where(sums["available_min"] > 0)
    grid = share.unstack("week").sort_index(ascending=False)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[int(w) + 1 for w in grid.columns],
            y=list(grid.index),
            zmin=0,
            zmax=100,
            colorscale="YlOrRd",
            colorbar={"title": "%", "ticksuffix": " %"},
            hovertemplate="%{y}, week %{x}: %{z:.0f} %<extra></extra>",
        )
    )
    fig.update_xaxes(title="week of the horizon")
    fig.update_yaxes(title="", tickfont={"size": 12})
    height = max(_HEIGHT, 18 * len(grid.index) + 140)
    return _layout(fig, title, height=height)


def funnel_by_segment(funnel: pd.DataFrame, replications: int) -> go.Figure:
    """Deals entering each stage a replication, one funnel per segment."""
    title = "Funnel by segment (deals entering each stage, per replication)"
    entered = funnel[funnel["event"] == "entered"]
    if entered.empty:
        return _empty(title, "No deals")
    counts = (
        entered.groupby(["segment", "stage", "stage_name"], observed=True)
        .size()
        .div(max(replications, 1))
        .reset_index(name="deals")
    )
    segments = sorted(counts["segment"].unique())
    fig = make_subplots(rows=1, cols=len(segments), subplot_titles=segments)
    for i, segment in enumerate(segments, start=1):
        part = counts[counts["segment"] == segment].sort_values("stage")
        fig.add_trace(
            go.Funnel(
                y=part["stage_name"],
                x=part["deals"],
                name=segment,
                textinfo="value+percent initial",
                texttemplate="%{value:,.0f} (%{percentInitial:.0%})",
                marker={"color": PALETTE[(i - 1) % len(PALETTE)]},
            ),
            row=1,
            col=i,
        )
    return _layout(fig, title, showlegend=False)


def waits(waits_frame: pd.DataFrame) -> go.Figure:
    """How long approvals, escalations and inbound requests wait before someone starts."""
    title = "Waits for approvals, escalations and inbound answers (minutes)"
    if waits_frame.empty:
        return _empty(title, "Nothing waited")
    fig = go.Figure()
    for kind, name in _WAIT_NAMES.items():
        # A log axis has no zero: waits under FLOOR_MIN are drawn at it.
        values = waits_frame.loc[waits_frame["kind"] == kind.value, "wait_min"]
        values = values.clip(lower=FLOOR_MIN)
        if not values.empty:
            fig.add_trace(go.Box(x=values, name=name, boxpoints=False, boxmean=True))
    fig.update_xaxes(
        title=f"minutes from request to start (log scale; under {FLOOR_MIN:g} min drawn at it)",
        type="log",
    )
    return _layout(fig, title, showlegend=False)


def cost_vs_plan(overview: pd.DataFrame, currency: str) -> go.Figure:
    """Each side's cost a month against its probability of meeting the plan."""
    title = f"Cost a month ({currency}) against P(plan met)"
    fig = go.Figure()
    for i, row in enumerate(_records(overview)):
        p = float(row["p_plan_met"])
        error = None
        if "p_low" in row and "p_high" in row:
            error = {
                "type": "data",
                "symmetric": False,
                "array": [100 * (float(row["p_high"]) - p)],
                "arrayminus": [100 * (p - float(row["p_low"]))],
                "thickness": 2,
            }
        fig.add_trace(
            go.Scatter(
                x=[float(row["cost_per_month"])],
                y=[100 * p],
                error_y=error,
                mode="markers+text",
                text=[str(row["side"])],
                textposition="top center",
                marker={"size": 18, "color": PALETTE[i % len(PALETTE)]},
                name=str(row["side"]),
            )
        )
    costs = overview["cost_per_month"].astype(float)
    pad = max(0.15 * (costs.max() - costs.min()), 0.1 * costs.max(), 1.0)
    fig.update_xaxes(
        title=f"people cost a month, {currency}",
        tickformat=",.0f",
        range=[costs.min() - pad, costs.max() + pad],
    )
    fig.update_yaxes(title="P(plan met), %", range=[-5, 110], ticksuffix=" %")
    return _layout(fig, title, showlegend=False)


def headcount_by_level(overview: pd.DataFrame) -> go.Figure:
    """People at each level, grouped by side."""
    title = "Headcount by level (people)"
    fig = go.Figure()
    levels = [lv for lv in LEVELS if f"headcount_{lv}" in overview.columns]
    levels = [lv for lv in levels if overview[f"headcount_{lv}"].sum() > 0]
    for row in _records(overview):
        fig.add_trace(
            go.Bar(
                x=levels,
                y=[row[f"headcount_{lv}"] for lv in levels],
                name=str(row["side"]),
                text=[row[f"headcount_{lv}"] for lv in levels],
                textposition="outside",
            )
        )
    fig.update_xaxes(title="level")
    fig.update_yaxes(title="people")
    return _layout(fig, title, barmode="group")


def plan_headcount(roles: pd.DataFrame) -> go.Figure:
    """Planned people against today's, by role."""
    title = "Headcount by role: now and planned (people)"
    fig = go.Figure()
    labels = [f"{r['title'] or r['role']} ({r['level']})" for r in _records(roles)]
    fig.add_trace(go.Bar(x=labels, y=roles["current"], name="now", text=roles["current"]))
    fig.add_trace(go.Bar(x=labels, y=roles["headcount"], name="planned", text=roles["headcount"]))
    fig.update_traces(textposition="outside")
    fig.update_yaxes(title="people")
    return _layout(fig, title, barmode="group")


def quotas(frame: pd.DataFrame) -> go.Figure:
    """Dials a day per person and role, one bar per estimate (naive, planned, simulated)."""
    title = "Call quota per person: naive against realistic (dials a day)"
    estimates = [c for c in frame.columns if c != "role"]
    fig = go.Figure()
    for column in estimates:
        fig.add_trace(
            go.Bar(
                x=frame["role"],
                y=frame[column],
                name=column,
                text=[f"{v:.0f}" for v in frame[column].fillna(0.0)],
                textposition="outside",
            )
        )
    fig.update_yaxes(title="dials a day")
    return _layout(fig, title, barmode="group")
