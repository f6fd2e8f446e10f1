"""Monthly seasonality of won deals: an index per calendar month, with twelve months or more."""

from __future__ import annotations

import calendar
from collections.abc import Sequence

import pandas as pd

from calibrate.contract import Status
from calibrate.fit.common import Deals, Findings
from calibrate.words import counted
from sim import format_number

MONTHS_A_YEAR = 12


def seasonality(deals: Deals, steady: Sequence[str] | None = None) -> dict[int, float] | None:
    """Calendar month (1-12) -> won that month / the mean month (None: under twelve months).

    Every month of the window the deals were created over counts (Deals.window, the one
    window rule: an export filtered by created date has fewer wins after it, from its
    cohort alone), a month with no win as 0; a calendar month seen in several years is
    their mean. ``steady`` ("YYYY-MM"): when given, only those months count, the
    records' whole months past their filling ones (calibrate.observed.Period.whole): a
    first month cut short, or one within a cycle of an export's first date (its
    pipeline still filling), would read as a slow season.
    """
    won = deals.table[deals.table["status"] == Status.WON.value]
    months = pd.period_range(*deals.window, freq="M")
    if steady is not None:
        months = pd.PeriodIndex([m for m in months if str(m) in set(steady)], freq="M")
    if len(months) < MONTHS_A_YEAR:
        return None
    per = won["closed"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    by_month = per.groupby(per.index.month).mean()
    mean = float(by_month.mean())
    if mean <= 0:
        return None
    return {int(m): float(v) / mean for m, v in by_month.items()}


def fit_season(deals: Deals | None, out: Findings, steady: Sequence[str] | None = None) -> None:
    """The seasonality index as a figure not written (the scenario has no field for it).

    ``steady``: the months it is read over (see :func:`seasonality`).
    """
    if deals is None:
        out.unwrite("seasonality", out.no_deals, why="twelve months of won deals are needed")
        return
    index = seasonality(deals, steady)
    if index is None:
        months = pd.period_range(*deals.window, freq="M")
        n = len(months) if steady is None else sum(str(m) in set(steady) for m in months)
        out.unwrite(
            "seasonality",
            f"{counted(n, 'steady month' if steady is not None else 'month')} of deals created",
            why="twelve months of won deals are needed",
        )
        return
    text = ", ".join(
        f"{calendar.month_abbr[m]} {format_number(v, 2)}" for m, v in sorted(index.items())
    )
    out.unwrite("seasonality", text)
