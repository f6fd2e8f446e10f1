"""The eventual win rate and the won deals' cycle, open deals right-censored (competing risks).

Without the stage each lost deal was lost at, a deal's outcome is known only as a whole:
won or lost at its closed date, or still open at the records' last date. Won / closed
counts the deals decided so far, and lost deals are decided sooner than won ones (a won
deal passes every stage, a lost one stops at the first it fails): among the young deals
still open, more will be won than among those decided, so won / closed is biased low
(10.5 % written on the example's smb_new_business against 11.4 % stage by stage).

Won and lost are competing events on the deal's age (created to closed); an open deal is
censored at its age on the records' last date. The Aalen-Johansen estimator (lifelines'
AalenJohansenFitter) gives the cumulative incidence of a win by age, ``CIF(t)``, with
censoring handled; its value at the last age seen is the eventual win rate, with
lifelines' pointwise 95 % interval there. With no open deal it is won / closed exactly.

The won deals' cycle is the distribution of the age at a win among the deals that will be
won, ``CIF(t) / CIF(last)``; its mean (the area above that distribution) is what the
stages' delays add up to. Its 95 % interval is the t interval of a mean of that
distribution's spread over the won deals seen (an approximation: the open deals' share
of the uncertainty is left out).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter
from scipy import stats

from calibrate.contract import Status
from calibrate.fit.common import CONFIDENCE, share_interval

__all__ = ["EventualWin", "eventual_win"]

_WON, _LOST = 1, 2
_SEED = 20270104  # lifelines breaks tied ages by a small random jitter: the same each run


@dataclass(frozen=True)
class EventualWin:
    """The eventual win rate and the won deals' mean cycle (days), open deals censored.

    ``won``, ``lost`` and ``open`` count the dated deals the fit read; ``rate`` is the
    eventual win rate with its 95 % interval ``low`` to ``high``; ``cycle`` the mean days
    from created to won of the deals that will be won, ``cycle_low`` to ``cycle_high``
    its 95 % interval; ``median`` that distribution's median. ``undecided``: the open
    deals older than every win; the fit's cumulative incidences stop at the last age seen,
    so these are counted neither won nor lost (their share of the deals is left out of
    the rate, which is a floor for them).
    """

    won: int
    lost: int
    open: int
    rate: float
    low: float
    high: float
    cycle: float
    cycle_low: float
    cycle_high: float
    median: float
    undecided: int = 0


def ages(mine: pd.DataFrame, last_date: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """(days from created to closed, or to ``last_date`` while open; event 1 won, 2 lost, 0 open).

    Only deals with the dates their age needs are returned.
    """
    status = mine["status"].to_numpy()
    is_open = status == Status.OPEN.value
    end = mine["closed"].where(~is_open, last_date)
    days = (end - mine["created"]).dt.days.to_numpy(dtype=float)
    event = np.where(
        status == Status.WON.value, _WON, np.where(status == Status.LOST.value, _LOST, 0)
    )
    usable = np.isfinite(days)
    return np.maximum(days[usable], 0.0), event[usable]


def eventual_win(mine: pd.DataFrame, last_date: pd.Timestamp) -> EventualWin | None:
    """The Aalen-Johansen eventual win rate and won cycle of a segment's deals (module doc).

    ``mine``: deals with ``created``, ``closed`` and ``status``; ``last_date``: the records'
    last date, where open deals are censored. None when no dated deal was won.
    """
    days, event = ages(mine, last_date)
    won, lost = int((event == _WON).sum()), int((event == _LOST).sum())
    if won == 0:
        return None
    with warnings.catch_warnings():
        # lifelines warns that it jitters tied ages (days): expected with dates.
        warnings.simplefilter("ignore")
        fitter = AalenJohansenFitter(seed=_SEED).fit(days, event, event_of_interest=_WON)
    cif = fitter.cumulative_density_.iloc[:, 0]
    rate = float(cif.iloc[-1])
    if not math.isfinite(rate) or rate <= 0:
        return None  # every deal on one day: no age to fit
    band = fitter.confidence_interval_.dropna()
    if len(band) and int((event == 0).sum()) > 0:
        ends = band.iloc[-1].to_numpy(dtype=float)  # lifelines names its two ends the other way
        low, high = min(float(ends.min()), rate), max(float(ends.max()), rate)
    else:  # no open deal: the share decided, its Wilson interval
        low, high = share_interval(won, won + lost)
    cycle, spread, median = _won_cycle(cif)
    if not math.isfinite(cycle):
        return None
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, max(won - 1, 1))) * spread / math.sqrt(won)
    return EventualWin(
        won=won,
        lost=lost,
        open=int((event == 0).sum()),
        rate=rate,
        low=low,
        high=high,
        cycle=cycle,
        cycle_low=max(cycle - half, 0.0),
        cycle_high=cycle + half,
        median=median,
        undecided=int(((event == 0) & (days > days[event == _WON].max())).sum()),
    )


def _won_cycle(cif: pd.Series) -> tuple[float, float, float]:
    """(mean, sd, median) of the age at a win among deals that will be won: CIF / CIF(last)."""
    ages_at = np.asarray(cif.index, dtype=float)
    share = cif.to_numpy(dtype=float) / float(cif.iloc[-1])
    mass = np.diff(share, prepend=0.0)  # the share of wins at each age
    mean = float(np.sum(ages_at * mass))
    spread = math.sqrt(max(float(np.sum(mass * (ages_at - mean) ** 2)), 0.0))
    median = float(ages_at[int(np.searchsorted(share, 0.5))])
    return mean, spread, median
