"""What a run's diagnoses and its dials by role look like in the terminal and in JSON."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table
from rich.text import Text

from sim import (
    DIALS_BY_ROLE_NOTE,
    Diagnosis,
    SimResult,
    diagnose,
    dials_by_role,
    format_percent,
)
from teamsim.console import json_records
from teamsim.format import fmt_figure

__all__ = ["diagnoses_json", "dials_json", "render_diagnoses", "render_dials", "run_diagnoses"]


def run_diagnoses(result: SimResult, *, sized: bool = False) -> tuple[Diagnosis, ...]:
    """The diagnoses of a run (``sim.diagnose`` over its frames, KPIs and scenario).

    ``sized``: the team was sized by the optimiser for the plan (``plan --verify``).
    """
    return diagnose(result.frames, result.kpis, result.scenario, sized=sized)


def render_diagnoses(found: tuple[Diagnosis, ...]) -> Table | None:
    """One flat list, a finding an item: "- cause; remedy". None when nothing was found.

    A grid of two columns, the dash and the text, so that a finding longer than the
    terminal wraps between words with its continuation lines hung under its text, not
    at the margin (rich wraps each cell at the width left to it).
    """
    if not found:
        return None
    grid = Table.grid(padding=0)
    grid.title = "Diagnoses"
    grid.title_style = "bold"
    grid.title_justify = "left"
    grid.add_column(no_wrap=True)  # "  - "
    grid.add_column(ratio=1, overflow="fold")  # fold: only a word wider than the line
    for d in found:
        # Text, not markup: a cause may hold brackets ("[...]") that are no style.
        grid.add_row("  - ", Text(d.line))
    return grid


def diagnoses_json(found: tuple[Diagnosis, ...]) -> list[dict[str, str]]:
    """The diagnoses as JSON records: cause, remedy."""
    return [{"cause": d.cause, "remedy": d.remedy} for d in found]


def _people(n: float, locale: str | None = None) -> str:
    """A count of people: whole ("14"), or a mean over replications ("13.6 on average")."""
    whole = abs(n - round(n)) < 0.05
    return fmt_figure(n, 0, locale) if whole else f"{fmt_figure(n, 1, locale)} on average"


def render_dials(result: SimResult | pd.DataFrame, locale: str | None = None) -> Table | None:
    """Dials a day by role over the days dialled (``sim.dials_by_role``, or as stored).

    Its figures in ``locale`` (by default a result's scenario's: "38,7" for ru_RU).
    """
    if isinstance(result, pd.DataFrame):
        table = result
    else:
        table = dials_by_role(result.frames, result.scenario)
        locale = locale or result.scenario.money_locale
    if table.empty:
        return None
    shown = Table(
        title="Dials a day by role, over the days each person dialled",
        title_justify="left",
        caption=DIALS_BY_ROLE_NOTE,
        caption_justify="left",
        padding=(0, 1),
    )
    shown.add_column("role", ratio=1, overflow="fold")
    for name in ("people dialling", "days dialled", "dials a day dialled", "P10", "P90"):
        shown.add_column(name, justify="right", overflow="fold")
    for r in table.to_dict(orient="records"):
        shown.add_row(
            f"{r['title']} ({r['level']})",
            _people(float(r["people_dialling"]), locale),
            format_percent(float(r["days_dialled_share"]), digits=0, locale=locale),
            fmt_figure(r["dials_per_day_dialled"], 1, locale),
            fmt_figure(r["p10"], 1, locale),
            fmt_figure(r["p90"], 1, locale),
        )
    return shown


def dials_json(result: SimResult) -> list[dict[str, Any]]:
    """The dials-by-role table as JSON records (NaN as null)."""
    table = dials_by_role(result.frames, result.scenario)
    return json_records(table)
