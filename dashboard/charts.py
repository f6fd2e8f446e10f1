"""Plotly figures as pure functions of tidy DataFrames: testable without Streamlit.

Every figure has a title with its unit and large type, so that it reads on a projector.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import names
from optimizer import DIALS_DIGITS
from sim import judged_attainment
from sim.rules import DUTY_PREFIX, TimeUse
from sim.scenario import JudgedOn, Level, Scenario
from teamsim.format import (
    format_money_column,
    format_number,
    format_percent,
    format_significant,
    month_title,
)

__all__ = [
    "activity_group",
    "attainment_distribution",
    "attainment_overlay",
    "cost_vs_plan",
    "funnel_by_segment",
    "headcount_by_level",
    "hiring_headcount",
    "hiring_revenue",
    "judged_unit",
    "partial_weeks",
    "plan_headcount",
    "quotas",
    "service_by_interval",
    "time_use_by_level",
    "utilisation_heatmap",
    "waits",
]

LEVELS = tuple(level.value for level in reversed(Level))  # the most senior first
PALETTE = ("#1f5fa8", "#e07b28", "#2e9e5b", "#c23b3b", "#7d5ba6", "#8c6d31", "#d45fa0", "#5f6b73")
_FONT = {"size": 16}
FLOOR_MIN = 0.1  # waits shorter than this are drawn at it on the log axis
_HEIGHT = 460

# The waits drawn, in order: each is an activity (its title and colour from names).
_WAITS = (TimeUse.APPROVAL, TimeUse.ESCALATION, TimeUse.INBOUND)
# The stacking order of the time-use chart: selling first, not working last.
_ACTIVITY_ORDER = (
    TimeUse.CALLS,
    TimeUse.STAGE_WORK,
    TimeUse.MEETING,
    TimeUse.TRAVEL,
    TimeUse.AFTER_SALE,
    TimeUse.INBOUND,
    TimeUse.APPROVAL,
    TimeUse.ESCALATION,
    DUTY_PREFIX,
    TimeUse.OVERTIME,
    TimeUse.IDLE,
)
# A count axis has at most this many ticks, at whole numbers.
_MOST_TICKS = 8


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
    """The legend entry of an activity of the time-use table: its title; duties together."""
    if activity.startswith(DUTY_PREFIX):
        return names.DUTIES
    return names.activity_title(activity)


def count_axis(top: float) -> dict[str, Any]:
    """Axis settings for a count whose largest value is ``top``: ticks at whole numbers.

    The step is the smallest of 1, 2, 5, 10, 20, ... that leaves at most eight ticks, so
    a count of two replications is not ticked at 0.5 and 1.5.
    """
    step = 1
    for k in range(0, 12):
        step = next((s * 10**k for s in (1, 2, 5) if top / (s * 10**k) <= _MOST_TICKS), 0)
        if step:
            break
    return {"tick0": 0, "dtick": max(step, 1), "tickformat": ",d", "rangemode": "tozero"}


def _histogram_top(values: pd.Series, bins: dict[str, float]) -> int:
    """The tallest bar of a histogram with these bins (as plotly bins them: left-closed)."""
    if values.empty:
        return 0
    edges = np.arange(bins["start"], bins["end"] + bins["size"], bins["size"])
    counts, _ = np.histogram(values.to_numpy(dtype=float), bins=edges)
    return int(counts.max()) if len(counts) else len(values)


def _bins_at_plan(values: pd.Series) -> dict[str, float]:
    """About twenty bins over the values' range with an edge at 100 %, the plan.

    Plotly's bins are left-closed, so a unit at exactly 100 % (met: ``sim.plan_met.MET``)
    falls in the first bar right of the dashed line, and no bar straddles it: the share
    of the count right of the line is the share of units that meet their plan.
    """
    low, high = float(values.min()), float(values.max())
    size = max((high - low) / 20.0, 1.0)
    start = 100.0 - size * math.ceil((100.0 - min(low, 100.0)) / size + 1e-9)
    end = 100.0 + size * (math.floor((max(high, 100.0) - 100.0) / size + 1e-9) + 1)
    return {"start": start, "end": end, "size": size}


def attainment_distribution(months: pd.DataFrame, scenario: Scenario) -> go.Figure:
    """Histogram of the attainment of every judged unit, with the plan at 100 %.

    The units are the ones P(plan met) counts (``sim.judged_attainment`` under the
    scenario's ``plan.judged_on``): each replication's counted months for ``month``, its
    quarters for ``quarter``, its weakest month for ``every_month``, its whole counted
    horizon for ``horizon``. So the share of the count at or right of the dashed line
    is P(plan met).

    Args:
        months: ``Frames.attainment_month`` (a run's ``attainment_month`` table).
        scenario: Its ``plan.judged_on`` and calendar.
    """
    unit = judged_unit(scenario)
    title = f"Plan attainment of each {unit[0]} (% of plan)"
    values = pd.Series(100 * judged_attainment(months, scenario), dtype=float)
    values = values[np.isfinite(values)]
    if values.empty or not scenario.segments:
        return _empty(title, "No sales plan to attain")
    bins = _bins_at_plan(values)
    fig = go.Figure(go.Histogram(x=values, xbins=bins, name=unit[1]))
    fig.add_vline(x=100, line={"color": "#c23b3b", "width": 3, "dash": "dash"})
    fig.add_annotation(x=100, y=1, yref="paper", text="plan", showarrow=False, yanchor="bottom")
    fig.update_xaxes(title="attainment, % of plan", ticksuffix=" %")
    fig.update_yaxes(title=unit[1], **count_axis(_histogram_top(values, bins)))
    return _layout(fig, title, bargap=0.05, showlegend=False)


# What one judged unit is called, singular and plural, under each plan.judged_on.
_UNITS: dict[JudgedOn, tuple[str, str]] = {
    JudgedOn.MONTH: ("simulated month", "simulated months"),
    JudgedOn.EVERY_MONTH: ("replication's weakest month", "replications"),
    JudgedOn.QUARTER: ("simulated quarter", "simulated quarters"),
    JudgedOn.HORIZON: ("replication's counted months together", "replications"),
}


def judged_unit(scenario: Scenario) -> tuple[str, str]:
    """What a unit P(plan met) judges is called (singular, plural), by ``plan.judged_on``."""
    return _UNITS[scenario.plan.judged_on]


def attainment_overlay(kpi_replications: Mapping[str, pd.DataFrame]) -> go.Figure:
    """Each side's per-replication attainment as overlaid, translucent histograms.

    A replication's attainment is the ``attainment`` KPI: its mean over the counted months
    of revenue over plan. It is not what P(plan met) counts (a weak month is carried by a
    strong one), and the caption under the chart must say so.
    """
    title = "Mean monthly attainment per replication, side by side (% of plan)"
    fig = go.Figure()
    series = {
        label: 100 * frame.get("attainment", pd.Series(dtype=float)).dropna()
        for label, frame in kpi_replications.items()
    }
    series = {label: values for label, values in series.items() if not values.empty}
    if not series:
        return _empty(title, "No sales plan to attain")
    # One bin grid for every side, so the bars line up.
    bins = _bins(pd.concat(list(series.values())))
    for label, values in series.items():
        fig.add_trace(go.Histogram(x=values, name=label, opacity=0.6, xbins=bins))
    fig.add_vline(x=100, line={"color": "#333", "width": 3, "dash": "dash"})
    # Tick labels held off the axes: an x tick at the left edge ("100 %") would
    # otherwise run into the y axis's "0" in the corner.
    fig.update_xaxes(title="attainment, % of plan", ticksuffix=" %", ticklabelstandoff=12)
    top = max(_histogram_top(values, bins) for values in series.values())
    fig.update_yaxes(title="replications", ticklabelstandoff=8, **count_axis(top))
    return _layout(fig, title, barmode="overlay", bargap=0.05, **compare_layout())


def time_use_by_level(time_use: pd.DataFrame, locale: str | None = None) -> go.Figure:
    """Share of the working time each level spends on each kind of work (stacked).

    The hover's percents with ``locale``'s marks (the scenario's), as the tables'.
    """
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
    # Each legend entry in its activity's colour (names.ACTIVITY_COLOURS), in a fixed order.
    order = {activity_group(str(a)): str(a) for a in _ACTIVITY_ORDER}
    present = set(grouped["group"])
    for group in [g for g in order if g in present] + sorted(present - set(order)):
        part = grouped[grouped["group"] == group].set_index("level").reindex(levels)
        fig.add_trace(
            go.Bar(
                y=levels,
                x=part["share"].fillna(0.0),
                name=group,
                orientation="h",
                marker={"color": names.activity_colour(order[group]) if group in order else "#999"},
                hovertemplate="%{y}: %{x:.1f} %<extra>" + group + "</extra>",
            )
        )
    fig.update_xaxes(title="% of time at work", ticksuffix=" %", range=[0, 100])
    fig.update_yaxes(title="level", categoryorder="array", categoryarray=levels[::-1])
    return _layout(
        fig, title, barmode="stack", legend_traceorder="normal", separators=_separators(locale)
    )


def utilisation_heatmap(
    utilisation_week: pd.DataFrame, scenario: Scenario | None = None
) -> go.Figure:
    """Busy share of each person's available time, week by week (mean over replications).

    People are named by their role's title and number (:func:`dashboard.names.title`).
    A week the horizon cuts (it starts or ends inside the week: the last week may hold
    one Monday) is left out when ``scenario`` is given and a whole week is drawn: a day or
    two is not a week's load, and a busy Monday alone would read as overload. The title
    says which weeks were left out.
    """
    title = "Utilisation per person and week (% of available time)"
    # Red only above the scenario's occupancy cap (policies.occupancy_cap: the load a
    # person can hold), not at an absolute level; with no scenario no cap is known, and
    # only a full week is red.
    cap = scenario.policies.occupancy_cap if scenario is not None else 1.0
    loc = scenario.money_locale if scenario is not None else None
    if utilisation_week.empty:
        return _empty(title, "No time recorded")
    sums = utilisation_week.groupby(["person", "week"], observed=True)[
        ["busy_min", "available_min"]
    ].sum()
    share = 100 * sums["busy_min"] / sums["available_min"].where(sums["available_min"] > 0)
    grid = share.unstack("week").sort_index(ascending=False)
    cut = partial_weeks(scenario) if scenario is not None else {}
    whole = [w for w in grid.columns if int(w) not in cut]
    if whole and len(whole) < len(grid.columns):
        left = [w for w in grid.columns if int(w) in cut]
        grid = grid[whole]
        title += (
            "<br><sup>"
            + "; ".join(
                f"week {int(w) + 1} left out: {cut[int(w)][0]} of its {cut[int(w)][1]} working "
                "days in the horizon"
                for w in left
            )
            + "</sup>"
        )
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[int(w) + 1 for w in grid.columns],
            y=[names.title(str(p), scenario) for p in grid.index],
            zmin=0,
            zmax=100,
            colorscale=_load_scale(cap),
            colorbar={
                "title": "%",
                "ticksuffix": " %",
                "tickvals": sorted({0, 50, 100, 100 * cap}),
                "ticktext": [
                    format_percent(v / 100, digits=0, locale=loc)
                    + (" cap" if v == 100 * cap else "")
                    for v in sorted({0, 50, 100, 100 * cap})
                ],
            },
            hovertemplate="%{y}, week %{x}: %{z:.0f} %<extra></extra>",
        )
    )
    fig.update_xaxes(title="week of the horizon")
    fig.update_yaxes(title="", tickfont={"size": 12})
    height = max(_HEIGHT, 18 * len(grid.index) + 140)
    return _layout(fig, title, height=height, separators=_separators(loc))


def _load_scale(cap: float) -> list[list[Any]]:
    """Blue below the occupancy cap, yellow at it, red above it (``cap``: 0..1)."""
    cap = min(max(cap, 0.01), 0.99)
    return [[0.0, "#deebf7"], [cap * 0.6, "#9ecae1"], [cap, "#fee391"],
            [min(cap + 0.02, 1.0), "#fc8d59"], [1.0, "#b30000"]]  # fmt: skip


def partial_weeks(scenario: Scenario) -> dict[int, tuple[int, int]]:
    """Weeks the horizon cuts: week index -> (working days inside, working days of the week).

    Weeks are Monday to Sunday, numbered from the horizon's first week as the run's
    tables number them (``sim.results``: ``week``); a week's working days are the
    calendar's (holidays and weekdays off left out), inside the horizon or not.
    """
    cal = scenario.calendar
    dates = cal.working_dates()
    if not dates:
        return {}
    monday = dates[0] - dt.timedelta(days=dates[0].weekday())
    inside: dict[int, int] = {}
    for day in dates:
        week = (day - monday).days // 7
        inside[week] = inside.get(week, 0) + 1
    cut = {}
    for week in (min(inside), max(inside)):  # only the ends can be cut by the horizon
        start = monday + dt.timedelta(days=7 * week)
        days = sum(cal.is_working_day(start + dt.timedelta(days=i)) for i in range(7))
        if inside[week] < days:
            cut[week] = (inside[week], days)
    return cut


def funnel_by_segment(
    funnel: pd.DataFrame, replications: int, scenario: Scenario | None = None
) -> go.Figure:
    """Deals entering each stage a replication, one funnel per segment (by its title)."""
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
    titles = [names.title(str(s), scenario) for s in segments]
    loc = scenario.money_locale if scenario is not None else None
    # Room between panels for the next panel's stage names at the labels' size (about
    # 0.8 % of the width a character), so "Account review" does not run into a bar.
    longest = max((len(str(n)) for n in counts["stage_name"]), default=0)
    spacing = min(0.25, 0.02 + 0.008 * longest) if len(segments) > 1 else 0.0
    fig = make_subplots(
        rows=1, cols=len(segments), subplot_titles=titles, horizontal_spacing=spacing
    )
    for i, segment in enumerate(segments, start=1):
        part = counts[counts["segment"] == segment].sort_values("stage")
        first = float(part["deals"].iloc[0]) if len(part) else 0.0
        fig.add_trace(
            go.Funnel(
                y=[names.humane(str(n)) for n in part["stage_name"]],
                x=part["deals"],
                name=names.title(str(segment), scenario),
                # The share of the first stage as every report writes a percent ("59 %").
                customdata=[
                    format_percent(d / first if first else math.nan, digits=0, locale=loc)
                    for d in part["deals"]
                ],
                texttemplate="%{value:,.0f} (%{customdata})",
                # The size of every chart's labels (_FONT): plotly would shrink a label
                # to fit its bar, unreadably small in a narrow one; it goes beside instead.
                textposition="auto",
                textfont={"size": _FONT["size"]},
                cliponaxis=False,  # a label beside a bar near the panel's edge stays whole
                marker={"color": PALETTE[(i - 1) % len(PALETTE)]},
            ),
            row=1,
            col=i,
        )
    return _layout(
        fig,
        title,
        showlegend=False,
        uniformtext={"minsize": _FONT["size"], "mode": "show"},
        separators=_separators(loc),  # the counts' marks, as the tables'
    )


def waits(waits_frame: pd.DataFrame) -> go.Figure:
    """How long approvals, escalations and inbound requests wait before someone starts."""
    title = "Waits for approvals, escalations and inbound answers (minutes)"
    if waits_frame.empty:
        return _empty(title, "Nothing waited")
    fig = go.Figure()
    for kind in _WAITS:
        # A log axis has no zero: waits under FLOOR_MIN are drawn at it.
        values = waits_frame.loc[waits_frame["kind"] == kind.value, "wait_min"]
        values = values.clip(lower=FLOOR_MIN)
        if not values.empty:
            fig.add_trace(
                go.Box(
                    x=values,
                    name=names.activity_title(kind.value),
                    boxpoints=False,
                    boxmean=True,
                    marker={"color": names.activity_colour(kind.value)},
                )
            )
    fig.update_xaxes(
        title=(
            "minutes from request to start (log scale; under "
            f"{format_significant(FLOOR_MIN)} min drawn at it)"
        ),
        type="log",
    )
    return _layout(fig, title, showlegend=False)


_SYMBOLS = ("circle", "diamond", "square", "triangle-up")


def money_axis(low: float, high: float, currency: str, locale: str | None = None) -> dict[str, Any]:
    """Axis settings for amounts from ``low`` to ``high``: about five round ticks.

    The ticks are written in ``currency`` and ``locale`` in one scale (teamsim.format,
    as the tables write money).

    ``currency`` that is not one ISO 4217 code (sides in several currencies, "EUR/RUB")
    gives plain numbers: no one currency symbol is right for them.
    """
    span = max(high - low, abs(high) * 0.1, 1.0)
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [float(v) for v in np.arange(math.floor(low / step) * step, high + step, step)]
    ticks = [t for t in ticks if low <= t <= high] or [low]
    if len(currency) != 3 or not currency.isalpha():
        return {"tickvals": ticks, "ticktext": [format_number(t, 0, locale=locale) for t in ticks]}
    return {"tickvals": ticks, "ticktext": format_money_column(ticks, currency, locale)}


def cost_vs_plan(overview: pd.DataFrame, currency: str, locale: str | None = None) -> go.Figure:
    """Each side's cost a month against its probability of meeting the plan.

    Sides are told apart by colour and marker in the legend and named on hover, never by
    text beside the points: points close together would print their labels over each
    other. The cost axis is in ``currency`` and ``locale`` (:func:`money_axis`).
    """
    title = f"Cost a month ({currency}) against P(plan met)"
    fig = go.Figure()
    costs = overview["cost_per_month"].astype(float)
    shown = (
        format_money_column([float(c) for c in costs], currency, locale)
        if (len(currency) == 3 and currency.isalpha())
        else [format_number(float(c), 0, locale=locale) for c in costs]
    )
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
        side = str(row["side"])
        fig.add_trace(
            go.Scatter(
                x=[float(row["cost_per_month"])],
                y=[100 * p],
                error_y=error,
                mode="markers",
                marker={
                    "size": 18,
                    "color": PALETTE[i % len(PALETTE)],
                    "symbol": _SYMBOLS[i % len(_SYMBOLS)],
                    "line": {"width": 1, "color": "#fff"},
                },
                name=side,
                customdata=[shown[i]],
                hovertemplate=f"<b>{side}</b><br>%{{customdata}} a month<br>"
                "P(plan met) %{y:.0f} %<extra></extra>",
            )
        )
    pad = max(0.15 * (costs.max() - costs.min()), 0.1 * costs.max(), 1.0)
    low, high = float(costs.min() - pad), float(costs.max() + pad)
    fig.update_xaxes(
        title=f"people cost a month, {currency}",
        range=[low, high],
        **money_axis(low, high, currency, locale),
    )
    fig.update_yaxes(title="P(plan met), %", range=[-5, 110], ticksuffix=" %")
    return _layout(fig, title, showlegend=True, separators=_separators(locale), **compare_layout())


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
                # Each bar's count is its own: the hover names the side too.
                hovertemplate=f"<b>{row['side']}</b><br>%{{x}}: %{{y}} people<extra></extra>",
            )
        )
    fig.update_xaxes(title="level")
    top = max((float(overview[f"headcount_{lv}"].max()) for lv in levels), default=0.0)
    fig.update_yaxes(title="people", **count_axis(top * 1.15))  # room for the labels
    return _layout(fig, title, barmode="group", **compare_layout())


TOOLBAR_PX = 36  # the height of plotly's toolbar row at the top right of a chart


def compare_layout() -> dict[str, Any]:
    """The Compare page's charts: title left of the toolbar, legend under the plot.

    Plotly's toolbar (the modebar) sits at the top right, where a long title runs under
    it: the title is put left, on a row below the toolbar's. A legend at the right
    covers the plot of a half-width chart: it goes under the plot. A count printed over
    a bar that is too narrow for it is hidden (``uniformtext``), not run
    into its neighbour's ("1 1"); the axis and the hover still give it.
    """
    return {
        # Left, and under the toolbar's row (36 px): a half-width chart's title is as
        # wide as the space left of the toolbar.
        "title_x": 0.01,
        "title_xanchor": "left",
        "title_yref": "container",
        "title_y": 1,
        "title_yanchor": "top",
        "title_pad_t": TOOLBAR_PX,
        "legend": {"orientation": "h", "y": -0.22, "x": 0, "font": {"size": 15}},
        "margin": {"t": 70 + TOOLBAR_PX, "l": 70, "r": 30, "b": 110},
        "uniformtext": {"mode": "hide", "minsize": 14},
    }


def plan_headcount(roles: pd.DataFrame) -> go.Figure:
    """Planned people against today's, by role."""
    title = "Headcount by role: now and planned (people)"
    fig = go.Figure()
    labels = [f"{r['title'] or r['role']} ({r['level']})" for r in _records(roles)]
    fig.add_trace(go.Bar(x=labels, y=roles["current"], name="now", text=roles["current"]))
    fig.add_trace(go.Bar(x=labels, y=roles["headcount"], name="planned", text=roles["headcount"]))
    fig.update_traces(textposition="outside")
    top = max([float(roles["current"].max()), float(roles["headcount"].max())], default=0.0)
    fig.update_yaxes(title="people", **count_axis(top * 1.15))  # room for the labels
    return _layout(fig, title, barmode="group")


def service_by_interval(
    frame: pd.DataFrame, target: float | None, locale: str | None = None
) -> go.Figure:
    """A desk's day by interval: requests as bars, the expected service level as a line.

    ``frame``: one row per interval, ``interval`` (its wall-clock title), ``requests`` and
    ``service level`` (a share); ``target``: the service-level target, drawn dashed.
    """
    title = "Service by interval: requests and expected service level"
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=frame["interval"], y=frame["requests"], name="requests"))
    level = [100 * float(v) for v in frame["service level"]]
    fig.add_trace(
        go.Scatter(
            x=frame["interval"], y=level, name="expected service level", mode="lines+markers"
        ),
        secondary_y=True,
    )
    if target is not None:
        fig.add_trace(
            go.Scatter(
                x=frame["interval"],
                y=[100 * target] * len(frame),
                name="target",
                mode="lines",
                line={"dash": "dash"},
            ),
            secondary_y=True,
        )
    fig.update_yaxes(title="requests", secondary_y=False)
    fig.update_yaxes(title="service level, %", range=[0, 105], secondary_y=True)
    return _layout(fig, title, separators=_separators(locale))


def quotas(frame: pd.DataFrame, locale: str | None = None) -> go.Figure:
    """Dials a day per person and role, one bar per estimate (naive, planned, simulated).

    Figures in ``locale`` (the scenario's), as the plan's tables write them.
    """
    title = "Call quota per person: naive, planned and set (dials a day)"
    estimates = [c for c in frame.columns if c != "role"]
    fig = go.Figure()
    for column in estimates:
        fig.add_trace(
            go.Bar(
                x=frame["role"],
                y=frame[column],
                name=column,
                # Quotas are whole dials, estimates at optimizer.DIALS_DIGITS decimals.
                text=[
                    format_number(v, 0 if "quota" in column else DIALS_DIGITS, locale=locale)
                    for v in frame[column].fillna(0.0)
                ],
                textposition="outside",
            )
        )
    fig.update_yaxes(title="dials a day")
    return _layout(fig, title, barmode="group", separators=_separators(locale))


# -- the hiring plan over the year (issue 12, docs/dev/hiring_plan.md section 7.2) --------

_LEAD_IN_SHADE = "rgba(95, 107, 115, 0.12)"


def _lead_in(fig: go.Figure, months: pd.DataFrame) -> None:
    """Shade the months the plan does not count (warm-up, or partly outside the horizon)."""
    for row in _records(months):
        if not bool(row["counted"]):
            fig.add_vrect(
                x0=int(row["month"]) - 0.5,
                x1=int(row["month"]) + 0.5,
                fillcolor=_LEAD_IN_SHADE,
                line_width=0,
                layer="below",
            )


def _month_axis(months: pd.DataFrame, locale: str | None) -> dict[str, Any]:
    """An x axis of month indexes written as the months' names ("Mar 2027", sim.month_title)."""
    return {
        "tickvals": [int(m) for m in months["month"]],
        "ticktext": [month_title(str(label), locale) for label in months["label"]],
        "title": "month (shaded: lead-in, not counted)",
    }


def _month_names(months: pd.DataFrame, locale: str | None) -> dict[int, str]:
    """Month index -> the month's name, as the axis writes it (the hovers name it so)."""
    return {
        int(m): month_title(str(label), locale)
        for m, label in zip(months["month"], months["label"], strict=True)
    }


def _hover(names: Mapping[int, str], index: Any, figures: list[str]) -> list[list[str]]:
    """A trace's customdata: each point's month name and its figure as the tables write it."""
    return [[names.get(int(m), str(m)), text] for m, text in zip(index, figures, strict=True)]


def _separators(locale: str | None) -> str:
    """Plotly's decimal and group marks in ``locale`` ("," and " " ru_RU), as the tables'."""
    shown = format_number(1234.5, 1, locale=locale)  # "1,234.5", "1 234,5"
    return shown[-2] + shown[1]


def hiring_headcount(
    role_months: pd.DataFrame, months: pd.DataFrame, scenario: Scenario
) -> go.Figure:
    """People in seat by month: ramped and ramping by level (stacked), seats and productive seats.

    ``role_months`` and ``months``: ``HiringPlan.to_dict()``'s tables of the same name.
    Productive seats: people in seat weighted by their ramp share (a new hire at 40 %
    counts 0.4), all roles.
    """
    title = "People by month: ramped, ramping and productive (people)"
    if role_months.empty:
        return _empty(title, "no month in the horizon")
    frame = role_months.assign(
        level=[Level(scenario.roles[str(r)].level).value for r in role_months["role"]]
    )
    loc = scenario.money_locale
    named = _month_names(months, loc)
    fig = go.Figure()
    levels = [lv for lv in LEVELS if lv in set(frame["level"])]
    for i, level in enumerate(levels):
        of = frame[frame["level"] == level].groupby("month")[["ramped", "ramping"]].sum()
        colour = PALETTE[i % len(PALETTE)]
        for column, pattern in (("ramped", ""), ("ramping", "/")):
            fig.add_trace(
                go.Bar(
                    x=list(of.index),
                    y=of[column],
                    name=f"{names.humane(level)}: {column}",
                    marker={"color": colour, "pattern": {"shape": pattern}},
                    opacity=1.0 if column == "ramped" else 0.55,
                    customdata=_hover(named, of.index, _people(of[column], loc)),
                    hovertemplate=f"%{{customdata[0]}}<br>{names.humane(level)}, {column}: "
                    "%{customdata[1]} people<extra></extra>",
                )
            )
    total = frame.groupby("month")[["seats", "productive"]].sum()
    for column, name, dash in (
        ("seats", "seats", "solid"),
        ("productive", "productive seats", "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=list(total.index),
                y=total[column],
                name=name,
                mode="lines+markers",
                line={"color": "#222", "dash": dash, "width": 3},
                customdata=_hover(named, total.index, _people(total[column], loc)),
                hovertemplate=f"%{{customdata[0]}}<br>{name}: %{{customdata[1]}} people"
                "<extra></extra>",
            )
        )
    _lead_in(fig, months)
    fig.update_xaxes(**_month_axis(months, loc))
    fig.update_yaxes(title="people", **count_axis(float(total["seats"].max()) * 1.1))
    return _layout(fig, title, barmode="stack", separators=_separators(loc))


def _people(values: pd.Series, locale: str | None) -> list[str]:
    """People in seat as the hiring tables write them: one decimal, in the locale."""
    return [format_number(float(v), 1, locale=locale) for v in values]


def hiring_revenue(
    months: pd.DataFrame,
    currency: str,
    locale: str | None = None,
    moved: pd.DataFrame | None = None,
    moved_name: str = "calendar moved",
    verified: pd.DataFrame | None = None,
) -> go.Figure:
    """Each month's plan (steps) against the revenue the calendar is expected to close.

    ``months``: ``HiringPlan.to_dict()["months"]`` (``month``, ``label``, ``counted``,
    ``plan``, ``expected_revenue``); ``moved``: the same columns for another calendar
    (a hire moved by a month), drawn over it; ``verified``: the verify loop's months
    (``VerifiedHiring.months_table()``), the simulated mean with its P10-P90 band.
    """
    title = f"Plan against expected revenue by month ({currency})"
    if months.empty:
        return _empty(title, "no month in the horizon")
    fig = go.Figure()
    named = _month_names(months, locale)
    counted = months[months["counted"].astype(bool)]
    plans = format_money_column([float(v) for v in counted["plan"]], currency, locale)
    fig.add_trace(
        go.Scatter(
            x=list(counted["month"]),
            y=counted["plan"],
            name="plan",
            mode="lines+markers",
            line={"shape": "hvh", "color": "#5f6b73", "width": 3},
            hovertemplate="%{customdata[0]}<br>plan %{customdata[1]}<extra></extra>",
            customdata=_hover(named, counted["month"], plans),
        )
    )
    lines = [(months, "expected revenue", PALETTE[0], "solid")]
    if moved is not None:
        lines.append((moved, moved_name, PALETTE[1], "dash"))
    for frame, name, colour, dash in lines:
        fig.add_trace(
            go.Scatter(
                x=list(frame["month"]),
                y=frame["expected_revenue"],
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3},
                customdata=_hover(
                    named,
                    frame["month"],
                    format_money_column(
                        [float(v) for v in frame["expected_revenue"]], currency, locale
                    ),
                ),
                hovertemplate=f"%{{customdata[0]}}<br>{name} %{{customdata[1]}}<extra></extra>",
            )
        )
    values = [float(v) for v in months["expected_revenue"]] + [float(v) for v in counted["plan"]]
    if moved is not None:
        values += [float(v) for v in moved["expected_revenue"]]
    if verified is not None and not verified.empty:
        _simulated_band(fig, verified, currency, locale=locale, named=named)
        values += [float(v) for v in verified["p90"]]
    high = max(values, default=1.0) * 1.1
    _lead_in(fig, months)
    fig.update_xaxes(**_month_axis(months, locale))
    fig.update_yaxes(
        title=f"revenue closed in the month, {currency}",
        range=[0, high],
        **money_axis(0.0, high, currency, locale),
    )
    return _layout(fig, title, separators=_separators(locale))


def _simulated_band(
    fig: go.Figure,
    verified: pd.DataFrame,
    currency: str,
    locale: str | None,
    named: Mapping[int, str],
) -> None:
    """The simulated mean revenue by month with its P10-P90 band (the verify loop's)."""
    x = [int(m) for m in verified["month"]]
    fig.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=[float(v) for v in verified["p90"]] + [float(v) for v in verified["p10"]][::-1],
            fill="toself",
            fillcolor="rgba(46, 158, 91, 0.18)",
            line={"width": 0},
            name="simulated P10-P90",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=verified["simulated_revenue"],
            name="simulated mean",
            mode="lines+markers",
            line={"color": PALETTE[2], "width": 3},
            customdata=_hover(
                named,
                x,
                format_money_column(
                    [float(v) for v in verified["simulated_revenue"]], currency, locale
                ),
            ),
            hovertemplate="%{customdata[0]}<br>simulated mean %{customdata[1]}<extra></extra>",
        )
    )
