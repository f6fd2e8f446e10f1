"""Monthly seasonality of won deals: an index per calendar month, with twelve months or more."""

from __future__ import annotations

import calendar

import pandas as pd

from calibrate.contract import Status
from calibrate.fit.common import Deals, Findings
from calibrate.words import counted

MONTHS_A_YEAR = 12


def seasonality(deals: Deals) -> dict[int, float] | None:
    """Calendar month (1-12) -> won that month / the mean month (None: under twelve months).

    Every month of the window the deals were created over counts (Deals.window, the one
    window rule: an export filtered by created date has fewer wins after it, from its
    cohort alone), a month with no win as 0; a calendar month seen in several years is
    their mean.
    """
    won = deals.table[deals.table["status"] == Status.WON.value]
    months = pd.period_range(*deals.window, freq="M")
    if len(months) < MONTHS_A_YEAR:
        return None
    per = won["closed"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    by_month = per.groupby(per.index.month).mean()
    mean = float(by_month.mean())
    if mean <= 0:
        return None
    return {int(m): float(v) / mean for m, v in by_month.items()}


def fit_season(deals: Deals | None, out: Findings) -> None:
    """The seasonality index as a figure not written (the scenario has no field for it)."""
    if deals is None:
        out.unwrite("seasonality", out.no_deals, why="twelve months of won deals are needed")
        return
    index = seasonality(deals)
    if index is None:
        months = len(pd.period_range(*deals.window, freq="M"))
        out.unwrite(
            "seasonality",
            f"{counted(months, 'month')} of deals created",
            why="twelve months of won deals are needed",
        )
        return
    text = ", ".join(f"{calendar.month_abbr[m]} {v:.2f}" for m, v in sorted(index.items()))
    out.unwrite("seasonality", text)
