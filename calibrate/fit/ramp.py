"""Ramp by tenure: the win of new people against people past the ramp (productivity_by_month).

The simulator scales the win of a deal's last stage by its owner's ramp share on the day
the deal was created (sim.model.deals.run_deal; sim.rules.people.ramp_productivity), and
nothing else. So for a role with a ramp of ``L`` months in the base, the share in month
``m`` of tenure is estimated by the ratio of two rates of winning at the last stage: that
of deals created by people in month ``m`` of their employment (tenure from the team
file's ``start``, months of 365.25 / 12 days) over that of deals created by people past
month ``L``. The last stage's rate (won over decided there) is used when every lost deal's
stage is known, since it is what the share scales and open deals do not bias it; else the
win rate over closed deals. The ratio is capped to (0, 1] (the schema's range; a floor of
0.01 for a month without a win) and its 95 % interval is Katz's log interval for a ratio
of two binomial proportions (Katz, Baptista, Azen & Pike 1978), 0.5 added to each count
when a rate has no win. The list is written only when every month and the ramped people
rest on at least ``MIN_DEALS`` deals; else the base's ramp is kept with the counts.

Known limits: people of different persona mixes or segments in a month are not told
apart (the rates are pooled over the role); and a simulated history
(calibrate.crm.export_crm) dates each seat's start from its ramp share on the first day
(a person in month ``m`` joined ``m + 0.5`` months before), so replacement hires during
the run are not exported: their deals count as a ramped person's, pulling the ramped
rate down and the ratios up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from calibrate.contract import DAYS_A_MONTH, Status
from calibrate.fit.common import CONFIDENCE, Deals, Findings, span
from sim import Scenario

__all__ = ["MIN_DEALS", "RampMonth", "fit_ramp", "ramp_months"]

MIN_DEALS = 20  # decided deals each month of tenure (and the ramped people) must have
_FLOOR = 0.01  # productivity_by_month must be above 0


@dataclass(frozen=True)
class RampMonth:
    """One month of tenure: the ratio of its win rate to the ramped people's, capped to 1.

    ``month`` is 1-based; ``won`` of ``n`` decided deals created in it; ``ratio`` capped to
    (0, 1]; ``low``-``high`` its 95 % interval, capped to 1.
    """

    month: int
    won: int
    n: int
    ratio: float
    low: float
    high: float


def ratio_interval(won: int, n: int, ref_won: int, ref_n: int) -> tuple[float, float, float]:
    """(ratio, low, high) of two binomial proportions, Katz's log interval (95 %).

    Raises nothing: with no win on either side 0.5 is added to each count (and 1 to each
    sample) so the log is defined; ``n`` or ``ref_n`` of 0 gives NaN.
    """
    if n <= 0 or ref_n <= 0:
        return math.nan, math.nan, math.nan
    if won == 0 or ref_won == 0:
        won_f, n_f, ref_f, ref_n_f = won + 0.5, n + 1.0, ref_won + 0.5, ref_n + 1.0
    else:
        won_f, n_f, ref_f, ref_n_f = float(won), float(n), float(ref_won), float(ref_n)
    ratio = (won_f / n_f) / (ref_f / ref_n_f)
    se = math.sqrt(1 / won_f - 1 / n_f + 1 / ref_f - 1 / ref_n_f)
    z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)


def _decided(table: pd.DataFrame, base: Scenario) -> tuple[pd.Series, str]:
    """Deals that count (a boolean mask) and what they are, in words."""
    won = table["status"] == Status.WON.value
    lost = table["status"] == Status.LOST.value
    final = table["seg"].map(lambda s: len(base.segments[str(s)].stages) - 1)
    if lost.any() and (table.loc[lost, "last"] < 0).any():
        return won | lost, "won of closed deals"
    return won | (lost & (table["last"] == final)), "won of those decided at the last stage"


def ramp_months(
    deals: Deals, starts: dict[str, pd.Timestamp], months: int, base: Scenario
) -> tuple[list[RampMonth], int, int, str]:
    """Win ratios by month of tenure for the people in ``starts`` (person -> start date).

    Returns:
        (one RampMonth per month 1..``months``; won and decided deals of people past
        ``months``; what "decided" means in words). Deals created before their owner's
        start are left out.
    """
    table = deals.table[deals.table["owner"].isin(list(starts))]
    mask, what = _decided(table, base)
    table = table[mask]
    start = table["owner"].map(starts)
    month = np.floor((table["created"] - start).dt.days.to_numpy(float) / DAYS_A_MONTH)
    keep = month >= 0
    table, month = table[keep], np.minimum(month[keep], months).astype(int)
    won = (table["status"] == Status.WON.value).to_numpy(bool)
    ref_won, ref_n = int(won[month == months].sum()), int((month == months).sum())
    found: list[RampMonth] = []
    for m in range(months):
        w, n = int(won[month == m].sum()), int((month == m).sum())
        ratio, low, high = ratio_interval(w, n, ref_won, ref_n)
        found.append(
            RampMonth(
                month=m + 1,
                won=w,
                n=n,
                ratio=min(max(ratio, _FLOOR), 1.0) if math.isfinite(ratio) else math.nan,
                low=min(low, 1.0),
                high=min(high, 1.0),
            )
        )
    return found, ref_won, ref_n, what


def fit_ramp(deals: Deals | None, team: pd.DataFrame | None, base: Scenario, out: Findings) -> None:
    """Write each selling role's productivity_by_month when the records can tell it.

    Needs the team file's start dates and the deals' owners; every month of the base's
    ramp and the ramped people need ``MIN_DEALS`` decided deals, else the base's ramp is
    kept with the counts by month.
    """
    for rid, role in base.roles.items():
        if role.ramp is None or role.sells <= 0:
            continue
        path = ("roles", rid, "ramp", "productivity_by_month")
        if team is None or team.empty:
            out.keep(path, "no team file")
            continue
        mine = team[(team["role"] == rid) & team["start"].notna()]
        if mine.empty:
            out.keep(path, f"no start dates of people in {rid} in the team file")
            continue
        if deals is None or deals.table.empty:
            out.keep(path, out.no_deals)
            continue
        starts = {
            str(p): pd.Timestamp(s) for p, s in zip(mine["person"], mine["start"], strict=True)
        }
        length = len(role.ramp.productivity_by_month)
        months, ref_won, ref_n, what = ramp_months(deals, starts, length, base)
        counts = ", ".join(f"month {m.month}: {m.n}" for m in months)
        counts += f", after month {length}: {ref_n}"
        if min([m.n for m in months] + [ref_n]) < MIN_DEALS:
            out.keep(
                path,
                f"decided deals by month of tenure: {counts} (at least {MIN_DEALS} each needed)",
            )
            continue
        each = "; ".join(f"{m.month}: {m.won} of {m.n}, {span((m.low, m.high))}" for m in months)
        out.fit(
            path,
            [round(m.ratio, 4) for m in months],
            n=sum(m.n for m in months),
            interval=None,
            note=(
                f"fitted: {what} by month of tenure against people past month {length} "
                f"({ref_won} of {ref_n}), capped to 1: {each}"
            ),
        )
