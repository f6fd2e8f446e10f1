"""Stage durations (the client's delays) from survival fits, open deals right-censored.

A stage's duration runs from the day a deal entered it to the day it entered the next (or
closed there), in calendar days; a deal still open at the stage is censored at the last
date of the records. The mean of an exponential (the simulator's ``client_delay_days``)
is fitted by lifelines' ExponentialFitter (its maximum likelihood with censoring: time at
risk / events); the Kaplan-Meier median goes in the note. Our own work inside a stage is
minutes, negligible in days, so the whole stage time is written as the client's delay.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from lifelines import ExponentialFitter, KaplanMeierFitter

from calibrate.contract import Status
from calibrate.fit.common import MIN_CLOSED, Deals, Findings, fmt, span
from calibrate.words import counted
from sim import Scenario

# lifelines refuses zero durations; a deal that passed a stage on the day it entered it
# took less than a day, and day-resolution differences are unbiased on average.
_TINY = 1e-6


def survival_mean(durations: np.ndarray, observed: np.ndarray) -> tuple[float, float, float]:
    """(mean, low, high) of an exponential with right-censoring (lifelines, 95 % interval).

    ``durations`` (days) and ``observed`` (True: the spell ended) are 1-D arrays of one
    length. The maximum-likelihood mean is the time at risk over the ended spells; a
    single spell (which lifelines cannot take: it squeezes it to a scalar) gets that
    closed form with lifelines' Wald interval, mean +- 1.96 mean / sqrt(ended).

    Raises:
        ValueError: no spell ended (the mean is unbounded) or the arrays are empty.
    """
    ended = int(np.count_nonzero(observed))
    if ended == 0:
        raise ValueError(f"no spell ended among {len(durations)}: the mean is unbounded")
    if len(durations) < 2:
        mean = float(np.maximum(durations, _TINY).sum()) / ended
        half = 1.96 * mean / math.sqrt(ended)
        return mean, max(mean - half, 0.0), mean + half
    fitter = ExponentialFitter().fit(np.maximum(durations, _TINY), observed.astype(bool))
    row = fitter.summary.loc["lambda_"]
    low = max(float(row["coef lower 95%"]), 0.0)
    return float(fitter.lambda_), low, float(row["coef upper 95%"])


def km_median(durations: np.ndarray, observed: np.ndarray) -> float:
    """Kaplan-Meier median (inf when fewer than half the deals have ended)."""
    fitter = KaplanMeierFitter().fit(durations, observed.astype(bool))
    return float(fitter.median_survival_time_)


def stage_spells(deals: Deals, sid: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(days, ended) of every deal of the segment at stage k, from the stage history."""
    table = deals.table[(deals.table["seg"] == sid) & (deals.table["last"] >= k)]
    days: list[float] = []
    ended: list[bool] = []
    for deal, created, closed, status, last in table[
        ["deal_id", "created", "closed", "status", "last"]
    ].itertuples(index=False):
        entered = deals.history.get(deal, {})
        start = entered.get(k, created if k == 0 else None)
        if start is None or pd.isna(start):
            continue  # a skipped stage, or no history of this deal
        if k + 1 in entered:
            end, done = entered[k + 1], True
        elif last == k and status != Status.OPEN.value and not pd.isna(closed):
            end, done = closed, True
        elif last == k and status == Status.OPEN.value:
            end, done = deals.last_date, False
        else:
            continue  # went on without a date for the next stage
        days.append(max((end - start).days, 0))
        ended.append(done)
    return np.asarray(days, dtype=float), np.asarray(ended, dtype=bool)


def _write(
    out: Findings,
    path: tuple[str | int, ...],
    days: np.ndarray,
    ended: np.ndarray,
    how: str,
    scale: float = 1.0,
) -> None:
    mean, low, high = survival_mean(days, ended)
    median = km_median(days, ended)
    censored = int((~ended).sum())
    note = (
        f"fitted: exponential mean {fmt(mean * scale)} days of {int(ended.sum())} ended, "
        f"{censored} open censored, {span((low * scale, high * scale))}; Kaplan-Meier median "
        f"{fmt(median * scale)}; {how}; our work inside the stage is minutes, left out"
    )
    value = {"kind": "exponential", "mean": round(max(mean * scale, 0.01), 3)}
    out.fit(path, value, n=len(days), interval=(low * scale, high * scale), note=note)


def fit_cycle(deals: Deals | None, base: Scenario, out: Findings) -> None:
    """Each stage's client_delay_days, from the stage history or the whole cycle."""
    for sid, seg in base.segments.items():
        paths = [("segments", sid, "stages", st.name, "client_delay_days") for st in seg.stages]
        mine = deals.table[deals.table["seg"] == sid] if deals is not None else None
        if deals is None or mine is None or mine.empty:
            why = out.no_deals if deals is None else f"no deals of {sid}"
            for path in paths:
                out.keep(path, why)
            continue
        if any(d in deals.history for d in mine["deal_id"]):
            for k, path in enumerate(paths):
                days, ended = stage_spells(deals, sid, k)
                if ended.sum() < MIN_CLOSED:
                    left = counted(int(ended.sum()), "deal")
                    out.keep(path, f"{left} left the stage (fewer than {MIN_CLOSED})")
                else:
                    _write(out, path, days, ended, "from the stage history")
            continue
        _whole_cycle(deals, mine, sid, base, out)


def cycle_weights(base: Scenario, sid: str) -> np.ndarray:
    """Each stage's share of the cycle: the base's client_delay_days means (equal if all 0)."""
    means = np.array([st.client_delay_days.expected_value() for st in base.segments[sid].stages])
    total = float(means.sum())
    return means / total if total > 0 else np.full(len(means), 1.0 / len(means))


def _whole_cycle(deals: Deals, mine: pd.DataFrame, sid: str, base: Scenario, out: Findings) -> None:
    """No stage history: created -> closed, spread over the stages like the base's delays.

    A deal lost (or still open) at stage k has lived only through stages 0..k: its time is
    divided by those stages' share of the cycle, a full-cycle equivalent.
    """
    weights = cycle_weights(base, sid)
    reach = np.cumsum(weights)
    last = mine["last"].to_numpy()
    share = np.where(last >= 0, reach[np.clip(last, 0, None)], 1.0)
    is_open = (mine["status"] == Status.OPEN.value).to_numpy()
    end = mine["closed"].where(~is_open, deals.last_date)
    days = (end - mine["created"]).dt.days.to_numpy(dtype=float)
    usable = np.isfinite(days) & (share > 0)
    if (~is_open & usable).sum() < MIN_CLOSED:
        for st in base.segments[sid].stages:
            out.keep(
                ("segments", sid, "stages", st.name, "client_delay_days"),
                f"fewer than {MIN_CLOSED} closed deals of {sid} with dates",
            )
        return
    full = np.maximum(days[usable], 0.0) / share[usable]
    ended = ~is_open[usable]
    how = (
        "no stage history: the whole cycle (created to closed) spread over the stages "
        "as the base's delays are"
    )
    for st, w in zip(base.segments[sid].stages, weights, strict=True):
        path = ("segments", sid, "stages", st.name, "client_delay_days")
        if w <= 0 or not math.isfinite(w):
            out.keep(path, "the base has no client delay here to spread the cycle onto")
            continue
        _write(out, path, full, ended, f"{fmt(w * 100)} % of the cycle; {how}", scale=float(w))
