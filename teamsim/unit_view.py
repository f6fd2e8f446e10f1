"""A network's results unit by unit, in the terminal and in ``--json`` (issue 14).

The figures are ``SimResult.kpis_by_unit`` (``sim.unit_results``: the team's KPI rules on
each unit's frames); each is written as the KPI table writes it
(``teamsim.commands.simulate.fmt_kpi``). Shown only for a scenario with units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.text import Text

from sim import title
from sim.scenario import Scenario, top_down
from teamsim.console import json_records
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.format import minutes_in_days, money_scale
from teamsim.kpi_cells import fmt_kpi

# (KPI, column header): a unit's size, sales, plan, and the load and waits of its levels;
# each header says what it is, as a narrow terminal may split the columns into tables.
UNIT_COLUMNS = (
    ("headcount_mean", "people"),
    ("revenue_per_month", "revenue a month"),
    ("attainment", "attainment, %"),
    ("plan_met", "P(plan met), %"),
    ("win_rate", "win rate, %"),
    ("utilisation_line", "utilisation line, %"),
    ("utilisation_lower", "utilisation lower, %"),
    ("utilisation_middle", "utilisation middle, %"),
    ("utilisation_top", "utilisation top, %"),
    ("approval_wait_min", "approval wait, min"),
    # A unit's own desk (Channel.unit): its requests answered within target.
    ("inbound_service_level", "inbound within target, %"),
)


@dataclass(frozen=True)
class UnitTable:
    """The network's results as text: headers and rows of figures, for any renderer.

    ``rows``: (unit id or "" for the whole network, depth in the tree, title, figures);
    the terminal (:func:`render_units`) and the dashboard draw the same texts.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, int, str, tuple[str, ...]], ...]


def unit_table(kpis: pd.DataFrame, by_unit: pd.DataFrame, sc: Scenario) -> UnitTable:
    """The whole network, then each unit from the top down: its KPIs' means as text.

    ``kpis``: the team's summary (``SimResult.kpis``); ``by_unit``: ``kpis_by_unit``.
    A KPI no unit measured is left out; a column of waits reads in days when any of its
    figures is a day or more; money in one scale for the column.
    """
    means = by_unit.pivot(index="org_unit", columns="kpi", values="mean")
    team = kpis.set_index("kpi")["mean"]
    units = {str(k): str(v) for k, v in zip(kpis["kpi"], kpis["unit"], strict=True)}
    shown = [(k, h) for k, h in UNIT_COLUMNS if k in means.columns and means[k].notna().any()]
    raw: list[tuple[str, int, str, pd.Series | None]] = [("", 0, "whole network", team)]
    for uid, depth in top_down(sc.units):
        values = means.loc[uid] if uid in means.index else None
        raw.append((uid, depth, title(uid, sc), values if isinstance(values, pd.Series) else None))
    # A column of waits reads in days when the KPI table's row does (any of the team's
    # figures a day or more: teamsim.format.minutes_in_days) or any unit's mean does.
    stats = kpis.set_index("kpi")[["mean", "ci_low", "ci_high", "p10", "p50", "p90"]]
    days_kpis = {
        kpi
        for kpi, _ in shown
        if units.get(kpi) == "min"
        and minutes_in_days(
            [float(x) for x in stats.loc[kpi].to_numpy(dtype=float)]
            + [float(v[kpi]) for *_, v in raw if v is not None and kpi in v.index]
        )
    }
    headers = ["unit"] + [h.replace("min", "days") if k in days_kpis else h for k, h in shown]
    revenue = [float(team.get("revenue_per_month", math.nan))]
    if "revenue_per_month" in means.columns:
        revenue += [float(v) for v in means["revenue_per_month"]]
    money = money_scale(revenue, sc.money_locale)
    rows = tuple(
        (
            uid,
            depth,
            name,
            tuple(
                _cell(
                    values, kpi, unit=units.get(kpi, ""), money=money, sc=sc, days=kpi in days_kpis
                )
                for kpi, _ in shown
            ),
        )
        for uid, depth, name, values in raw
    )
    return UnitTable(headers=tuple(headers), rows=rows)


def render_units(kpis: pd.DataFrame, by_unit: pd.DataFrame, sc: Scenario) -> FittedGrid | None:
    """:func:`unit_table` fitted to the terminal, sub-units indented; None without units.

    A :class:`FittedGrid`, as the other tables of figures: no figure is cut (a month's
    revenue read "RUB 67…" at 100 to 170 columns when rich shrank a table of twelve
    columns); a terminal too narrow for them all splits the columns into tables, each
    with the units again.
    """
    if not sc.units:
        return None
    shown = unit_table(kpis, by_unit, sc)
    grid = Grid(title="Results by unit (means over replications)", key=shown.headers[0])
    grid.columns = {header: [] for header in shown.headers[1:]}
    for uid, depth, name, cells in shown.rows:
        grid.add_row(Text(f"{'  ' * (depth + 1) if uid else ''}{name}"), cells)
    return FittedGrid(grid)


def _cell(
    values: pd.Series | None, kpi: str, *, unit: str, money: Any, sc: Scenario, days: bool
) -> str:
    if values is None or kpi not in values.index:
        return "-"
    value = float(values[kpi])
    return fmt_kpi(value, unit, money if unit == "currency" else None, sc, days=days)


def units_json(by_unit: pd.DataFrame, sc: Scenario) -> dict[str, Any]:
    """``{"kpis_by_unit": [...]}`` for a network's ``--json``: one object per unit and KPI.

    Keys: ``org_unit``, ``kpi``, ``label``, ``unit`` (of measure), ``n``, ``mean``, ``sd``,
    ``p10``, ``p50``, ``p90``, ``ci_low``, ``ci_high`` (NaN as null). Empty mapping for a
    team without units, so its ``--json`` keeps its keys.
    """
    if not sc.units:
        return {}
    rows = json_records(by_unit)
    return {"kpis_by_unit": rows}
