"""Dials a day by role beside each other: compare's sides, sweep's points.

One run has three "dials a day" figures: the KPI ``dials_per_caller_day`` (every dialling
role pooled, over all their days present), dials a day by role over the days each person
dialled (``sim.dials_by_role``, the table ``simulate`` prints), and the plan's quota.
Compare and sweep show the second from that one function (a run just simulated) or from
the table a run stored (the same function's output), and name the first so that it is not
read as a role's figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim import DIALS_BY_ROLE_NOTE, INTERVAL_JOINER, format_number, title
from sim.scenario import Scenario
from teamsim.console import json_records
from teamsim.figure_tables import Grid

__all__ = [
    "BY_ROLE_PREFIX",
    "POOLED_DIALS",
    "POOLED_DIALS_HEAD",
    "POOLED_DIALS_LABEL",
    "POOLED_DIALS_NOTE",
    "by_role_columns",
    "by_role_head",
    "dials_by_side",
    "dials_long",
    "dials_records",
]

# The KPI that pools every dialling role over its days present (sim.kpis).
POOLED_DIALS = "dials_per_caller_day"
# Its name where it stands beside the figures by role: what is pooled, what is counted.
POOLED_DIALS_LABEL = (
    "Dials a day, all dialling roles pooled, over their days present (days without a dial counted)"
)
POOLED_DIALS_HEAD = "dials a day, roles pooled, days present"
POOLED_DIALS_NOTE = (
    "Dials a day, all roles pooled: every dial of everyone who dialled, over all their "
    "days present, days without a dial counted and roles mixed (a supervisor who sells a "
    "little pulls it down); not a role's figure: a quota is read against dials a day "
    "dialled, by role."
)
# A sweep summary's column of a role's dials a day dialled: this prefix and the role id.
BY_ROLE_PREFIX = "dials_per_day_dialled_"


def dials_records(table: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A ``sim.dials_by_role`` table as JSON records (NaN as null); none for None."""
    if table is None:
        return []
    return json_records(table)


def dials_by_side(
    sides: Sequence[tuple[str, pd.DataFrame | None]], title_text: str, locale: str | None = None
) -> Grid:
    """A row per dialling role, a column per side: its dials a day dialled, P10 to P90.

    ``sides``: each side's label and its ``sim.dials_by_role`` table (None: not known, a
    run stored before the table). Roles in the order the sides first name them; "-"
    where a side's people of that role did not dial (or the side has no such role).
    Figures in ``locale`` (the first side's ``Scenario.money_locale``; English by default).
    """
    order: dict[str, str] = {}
    found: list[dict[str, dict[str, Any]]] = []
    for _, table in sides:
        rows = {str(r["role"]): r for r in dials_records(table)}
        for rid, r in rows.items():
            order.setdefault(rid, f"{r['title']} ({r['level']})")
        found.append(rows)
    grid = Grid(
        title=title_text,
        key="role",
        columns={label: [] for label, _ in sides},
        caption=_caption(),
    )
    for rid, name in order.items():
        grid.add_row(name, [_cell(rows.get(rid), locale) for rows in found])
    return grid


def _caption() -> str:
    return f"{DIALS_BY_ROLE_NOTE} Under each figure: P10{INTERVAL_JOINER}P90 over replications."


def _cell(row: dict[str, Any] | None, locale: str | None = None) -> str:
    if row is None or not _finite(row.get("dials_per_day_dialled")):
        return "-"
    mean = format_number(float(row["dials_per_day_dialled"]), 1, locale=locale)
    if _finite(row.get("p10")) and _finite(row.get("p90")):
        low = format_number(float(row["p10"]), 1, locale=locale)
        return f"{mean}\n{low}{INTERVAL_JOINER}{format_number(float(row['p90']), 1, locale=locale)}"
    return mean


def dials_long(items: Sequence[tuple[str, pd.DataFrame | None]], key: str) -> pd.DataFrame:
    """The tables of several sides or points as one, with ``key`` (their label) first."""
    rows = [{key: label, **r} for label, table in items for r in dials_records(table)]
    return pd.DataFrame(rows)


def by_role_columns(table: pd.DataFrame | None) -> dict[str, float]:
    """A run's dials a day dialled by role as a summary's cells: prefix + role -> mean."""
    return {
        f"{BY_ROLE_PREFIX}{r['role']}": float(r["dials_per_day_dialled"])
        if _finite(r["dials_per_day_dialled"])
        else math.nan
        for r in dials_records(table)
    }


def by_role_head(column: str, scenario: Scenario | None) -> str:
    """A summary column of :func:`by_role_columns` in words: "Seller: dials a day dialled"."""
    return f"{title(column.removeprefix(BY_ROLE_PREFIX), scenario)}: dials a day dialled"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
