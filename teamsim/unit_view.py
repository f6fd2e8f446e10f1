"""A network's results unit by unit, in the terminal and in ``--json`` (issue 14).

The figures are ``SimResult.kpis_by_unit`` (``sim.unit_results``: the team's KPI rules on
each unit's frames); each is written as the KPI table writes it
(``teamsim.commands.simulate.fmt_kpi``). Shown only for a scenario with units.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.table import Table

from sim import title
from sim.scenario import Scenario, unit_children
from teamsim.format import minutes_in_days, money_scale
from teamsim.kpi_cells import fmt_kpi

# (KPI, column header): a unit's size, sales, plan, and the load and waits of its levels.
UNIT_COLUMNS = (
    ("headcount_mean", "people"),
    ("revenue_per_month", "revenue a month"),
    ("attainment", "attainment, %"),
    ("plan_met", "P(plan met), %"),
    ("win_rate", "win rate, %"),
    ("utilisation_line", "utilisation line, %"),
    ("utilisation_lower", "lower, %"),
    ("utilisation_middle", "middle, %"),
    ("utilisation_top", "top, %"),
    ("approval_wait_min", "approval wait, min"),
)


def units_in_order(sc: Scenario) -> list[tuple[str, int]]:
    """(unit id, depth) from the top of the tree down, sub-units under their unit."""
    found: list[tuple[str, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for uid in unit_children(sc.units, parent):
            found.append((uid, depth))
            walk(uid, depth + 1)

    walk(None, 0)
    return found


def render_units(kpis: pd.DataFrame, by_unit: pd.DataFrame, sc: Scenario) -> Table | None:
    """The network's table: the whole network, then each unit, its KPIs' means.

    ``kpis``: the team's summary (``SimResult.kpis``); ``by_unit``: ``kpis_by_unit``.
    None for a team without units. A KPI no unit measured is left out.
    """
    if not sc.units:
        return None
    means = by_unit.pivot(index="org_unit", columns="kpi", values="mean")
    team = kpis.set_index("kpi")["mean"]
    units = {str(k): str(v) for k, v in zip(kpis["kpi"], kpis["unit"], strict=True)}
    shown = [(k, h) for k, h in UNIT_COLUMNS if k in means.columns and means[k].notna().any()]
    table = Table(title="Results by unit (means over replications)", title_justify="left")
    table.add_column("unit", no_wrap=True)
    rows: list[tuple[str, pd.Series | None]] = [("whole network", team)]
    for uid, depth in units_in_order(sc):
        values = means.loc[uid] if uid in means.index else None
        rows.append(
            (f"{'  ' * depth}{title(uid, sc)}", values if isinstance(values, pd.Series) else None)
        )
    # A column of waits reads in one unit, days when any of its figures is a day or more.
    days = {
        kpi: minutes_in_days(float(v[kpi]) for _, v in rows if v is not None and kpi in v.index)
        for kpi, _ in shown
        if units.get(kpi) == "min"
    }
    days_kpis = {kpi for kpi, in_days in days.items() if in_days}
    for kpi, header in shown:
        shown_header = header.replace("min", "days") if days.get(kpi) else header
        table.add_column(shown_header, justify="right")
    revenue = [float(team.get("revenue_per_month", math.nan))]
    if "revenue_per_month" in means.columns:
        revenue += [float(v) for v in means["revenue_per_month"]]
    money = money_scale(revenue, sc.money_locale)
    for name, values in rows:
        cells = [
            _cell(values, kpi, unit=units.get(kpi, ""), money=money, sc=sc, days=kpi in days_kpis)
            for kpi, _ in shown
        ]
        table.add_row(name, *cells)
    return table


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
    rows = [
        {
            str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in row.items()
        }
        for row in by_unit.to_dict(orient="records")
    ]
    return {"kpis_by_unit": rows}
