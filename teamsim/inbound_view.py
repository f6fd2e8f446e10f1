"""The simulated service level by interval: ``teamsim simulate``'s table and the dashboard's.

The figures are ``sim.interval_levels`` (from the run's ``inbound_intervals`` table); this
module writes them as people read them, once for the terminal, ``--json`` and the
dashboard's Simulate page. Only a channel reported by interval (an arrival profile's
shape, weekday factors or the break rota) has rows: a plain desk's output is unchanged.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.table import Table

from teamsim.console import json_records

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario import Scenario

SIMULATED_TITLE = "Service level by interval (simulated)"
TOLERANCE_HEAD = "± (95 %)"
TOLERANCE_NOTE = (
    "± (95 %): how far the simulated service level may be from the true one by chance, "
    "the 95 % confidence interval of its mean over the replications (t × sd / √R, R "
    "replications); a planned service level within it agrees."
)


def _levels(scenario: Scenario, table: pd.DataFrame | None) -> pd.DataFrame | None:
    """``sim.interval_levels`` of a run's table; None when there is nothing to show."""
    from sim import interval_levels

    if table is None or table.empty:
        return None
    levels = interval_levels(scenario, table)
    return None if levels.empty else levels


def simulated_interval_rows(scenario: Scenario, table: pd.DataFrame | None) -> list[dict[str, str]]:
    """One row per interval (column label -> text), the same for the terminal and dashboard.

    Channel, weekday (when a channel has weekday factors), interval, requests a day (mean
    over replications and days), the simulated service level (mean over replications),
    its 95 % tolerance over the replications (``sim.inbound_intervals.level_tolerance``:
    t x sd / sqrt(R); see :data:`TOLERANCE_NOTE`) and its P10 to P90, and the shares
    abandoned (with patience)
    and blocked (with lines or a waiting room).
    """
    from sim import format_percent, format_percent_range
    from sim.scenario import InboundChannel
    from teamsim.format import fmt_figure

    levels = _levels(scenario, table)
    if levels is None:
        return []
    loc = scenario.money_locale
    weekly = bool((levels["weekday"] != "").any())
    channels = [c for c in scenario.channels.values() if isinstance(c, InboundChannel)]
    patience = any(c.patience_min is not None for c in channels)
    lines = any(c.lines is not None or c.waiting_room is not None for c in channels)
    rows = []
    for r in levels.to_dict(orient="records"):
        row = {"channel": str(r["channel"])}
        if weekly:
            row["weekday"] = str(r["weekday"]).title()
        row |= {
            "interval": str(r["title"]),
            "requests a day": fmt_figure(float(r["requests_per_day"]), 1, loc),
            "service level": format_percent(_finite(r["service_level"]), locale=loc),
            TOLERANCE_HEAD: _plus_minus(format_percent(_finite(r["tolerance"]), locale=loc)),
            "P10 to P90": format_percent_range(_finite(r["p10"]), _finite(r["p90"]), locale=loc),
        }
        if patience:
            row["abandoned"] = format_percent(_finite(r["abandoned_share"]), locale=loc)
        if lines:
            row["blocked"] = format_percent(_finite(r["blocked_share"]), locale=loc)
        rows.append(row)
    return rows


def _plus_minus(shown: str) -> str:
    return shown if shown == "-" else "±" + shown


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def interval_json(scenario: Scenario, table: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The table's rows as figures for ``--json`` (NaN as null); empty for a plain desk."""
    levels = _levels(scenario, table)
    if levels is None:
        return []
    return json_records(levels)


def render_simulated_intervals(scenario: Scenario, table: pd.DataFrame | None) -> Table | None:
    """The terminal's table of :func:`simulated_interval_rows`; None when it has no row."""
    rows = simulated_interval_rows(scenario, table)
    if not rows:
        return None
    shown = interval_table(rows, SIMULATED_TITLE, scenario)
    shown.caption, shown.caption_justify = TOLERANCE_NOTE, "left"
    return shown


def interval_table(
    rows: list[dict[str, str]], heading: str, scenario: Scenario | None = None
) -> Table:
    """Rows by interval (the plan's or the simulated ones) as a terminal table.

    The channel column only when the rows are of several channels (titled by the
    scenario); the labels left-aligned, the figures right-aligned.
    """
    from sim import title

    several = len({row["channel"] for row in rows}) > 1
    shown = Table(title=heading, title_justify="left")
    heads = [h for h in rows[0] if h != "channel" or several]
    for head in heads:
        shown.add_column(
            head, justify="left" if head in ("channel", "weekday", "interval") else "right"
        )
    for row in rows:
        shown.add_row(*(title(row[h], scenario) if h == "channel" else row[h] for h in heads))
    return shown
