"""Stage durations (the client's delays) from survival fits, open deals right-censored.

A stage's duration runs from the day a deal entered it to the day it entered the next (or
closed there), in calendar days; a deal still open at the stage is censored at the last
date of the records. The mean of an exponential (the simulator's ``client_delay_days``)
is fitted by lifelines' ExponentialFitter (its maximum likelihood with censoring: time at
risk / events); the Kaplan-Meier median goes in the note. Our own work inside a stage is
minutes, negligible in days, so the whole stage time is written as the client's delay.
Each stage's mean is every deal's time there, lost ones too, and the simulator draws one
delay whether the deal will pass or not; where won deals spend longer at the stages than
the deals lost there, the stages are scaled alike so that they add up to the won deals'
mean cycle (_won_scale; the example: x1.042 for smb_new_business, 37.0 to 38.6 days),
which is the cycle the back-test compares.

Without a stage history only the whole cycle (created to closed) is known. A won deal
passes every stage (sim.model.deals.run_deal), so the stages' delays must add up to the
WON deals' mean cycle; lost deals only tell where deals stop (the funnel's conversions),
and their shorter cycles would make every simulated won cycle too short (the trial: 38.5
days recorded, 18.5-24 simulated). The won cycle is read from the competing-risks fit of
calibrate.fit.censored (won against lost, open deals censored at their age on the
records' last date), the same fit as the eventual win rate's: the distribution of the
age at a win among the deals that will be won, whatever its shape. An exponential fit of
the won cycles with open deals censored (each weighted by its chance to be won) came out
about 20 % long: a cycle of several stages is not memoryless, the young open deals'
time at risk has fewer wins than an exponential expects, and without the stage each
lost deal was lost at, the chances were read too high. The mean is spread over the
stages as the base's delays are (cycle_weights).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from lifelines import ExponentialFitter, KaplanMeierFitter

from calibrate.contract import Status
from calibrate.fit.censored import eventual_win
from calibrate.fit.common import MIN_CLOSED, Deals, Findings, fmt, percent, span
from calibrate.words import counted
from sim import Scenario, format_number

# lifelines refuses zero durations; a deal that passed a stage on the day it entered it
# took less than a day, and day-resolution differences are unbiased on average.
_TINY = 1e-6


def survival_mean(
    durations: np.ndarray, observed: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, float, float]:
    """(mean, low, high) of an exponential with right-censoring (lifelines, 95 % interval).

    ``durations`` (days) and ``observed`` (True: the spell ended) are 1-D arrays of one
    length; ``weights`` (default 1 each) weigh each spell's time at risk and event. The
    maximum-likelihood mean is the (weighted) time at risk over the (weighted) ended
    spells; a single spell (which lifelines cannot take: it squeezes it to a scalar) gets
    that closed form with lifelines' Wald interval, mean +- 1.96 mean / sqrt(ended).

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
    fitter = ExponentialFitter().fit(
        np.maximum(durations, _TINY), observed.astype(bool), weights=weights
    )
    row = fitter.summary.loc["lambda_"]
    low = max(float(row["coef lower 95%"]), 0.0)
    return float(fitter.lambda_), low, float(row["coef upper 95%"])


def km_median(
    durations: np.ndarray, observed: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """Kaplan-Meier median (inf when fewer than half the deals have ended), weighted."""
    with warnings.catch_warnings():
        # Weights that are chances, not counts: the median needs no variance.
        warnings.simplefilter("ignore")
        fitter = KaplanMeierFitter().fit(durations, observed.astype(bool), weights=weights)
    return float(fitter.median_survival_time_)


def stage_spells(deals: Deals, sid: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(days, ended) of every deal of the segment at stage k, from the stage history.

    The funnel's rule (calibrate.fit.funnel.stage_counts): a deal that reached a later
    stage passed k. So its time at k ends when it entered the next stage it reached, not
    only the very next one; a stage its history skips (discovery -> proposal) it passed
    the day it entered that next stage, a spell of 0 days. A deal whose last stage is k
    ends it at its closed date, or is censored at the records' last date while open.
    """
    table = deals.table[(deals.table["seg"] == sid) & (deals.table["last"] >= k)]
    days: list[float] = []
    ended: list[bool] = []
    for deal, created, closed, status, last in table[
        ["deal_id", "created", "closed", "status", "last"]
    ].itertuples(index=False):
        entered = deals.history.get(deal, {})
        later = [entered[j] for j in sorted(entered) if j > k and not pd.isna(entered[j])]
        start = entered.get(k, created if k == 0 else None)
        if (start is None or pd.isna(start)) and entered and later:
            start = later[0]  # skipped in its history: passed the day it entered the next
        if start is None or pd.isna(start):
            continue  # no history of this deal
        if later:
            end, done = later[0], True
        elif last == k and status != Status.OPEN.value and not pd.isna(closed):
            end, done = closed, True
        elif last == k and status == Status.OPEN.value:
            end, done = deals.last_date, False
        else:
            continue  # went on without a date for a later stage
        days.append(max((end - start).days, 0))
        ended.append(done)
    return np.asarray(days, dtype=float), np.asarray(ended, dtype=bool)


def _write(
    out: Findings,
    path: tuple[str | int, ...],
    days: np.ndarray,
    ended: np.ndarray,
    how: str,
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0),
    scaled: str = "",
) -> None:
    """A stage's delay from its spells; ``scale`` (said by ``scaled``) multiplies it.

    ``scale``: the factor and its 95 % interval's ends, which widen the stage's interval
    (the stage's ends times the factor's), so that it holds both uncertainties.
    """
    factor, f_low, f_high = scale
    mean, low, high = survival_mean(days, ended)
    median = km_median(days, ended)
    censored = int((~ended).sum())
    note = (
        f"fitted: exponential mean {fmt(mean)} days of {int(ended.sum())} ended, "
        f"{censored} open censored, {span((low, high), 'days')}; Kaplan-Meier median "
        f"{fmt(median)}; {how}"
    )
    interval = (low * f_low, high * f_high)
    if scaled:
        note += (
            f"; x{format_number(factor, 3)} (95 % {format_number(f_low, 3)} to "
            f"{format_number(f_high, 3)}): {fmt(mean * factor)} days, "
            f"{span(interval, 'days')}, {scaled}"
        )
    note += "; our work inside the stage is minutes, left out"
    value = {"kind": "exponential", "mean": round(max(mean * factor, 0.01), 3)}
    out.fit(path, value, n=len(days), interval=interval, note=note)


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
            spells = [stage_spells(deals, sid, k) for k in range(len(paths))]
            scale, said = _won_scale(deals, mine, spells)
            for path, (days, ended) in zip(paths, spells, strict=True):
                if ended.sum() < MIN_CLOSED:
                    left = counted(int(ended.sum()), "deal")
                    out.keep(path, f"{left} left the stage (fewer than {MIN_CLOSED})")
                else:
                    _write(
                        out, path, days, ended, "from the stage history", scale=scale, scaled=said
                    )
            continue
        _whole_cycle(deals, mine, sid, base, out)


def _won_scale(
    deals: Deals, mine: pd.DataFrame, spells: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[tuple[float, float, float], str]:
    """The factor that makes the stages add up to the won deals' mean cycle, and its words.

    Each stage's mean is every deal's time there, lost ones too; the simulator draws one
    delay for a deal that will pass and one that will not. Where won deals spend longer
    at the stages than the deals lost there (in the example, 37.7 days won against the
    stages' 37.0), the stages' means add up to less than the won cycle, and the simulated
    won cycle comes out short. So the stages are scaled alike to the won deals' mean
    cycle (calibrate.fit.censored: Aalen-Johansen, open deals censored at their age),
    keeping the history's shares among them. The factor comes with the 95 % interval of
    the won cycle over the stages' sum. (1, 1, 1) and "" when a stage has too few spells
    or too few deals were won to say.
    """
    none = (1.0, 1.0, 1.0), ""
    if any(ended.sum() < MIN_CLOSED for _, ended in spells):
        return none
    total = sum(survival_mean(days, ended)[0] for days, ended in spells)
    win = eventual_win(mine, deals.last_date)
    if win is None or win.won < MIN_CLOSED or total <= 0:
        return none
    scale = win.cycle / total, win.cycle_low / total, win.cycle_high / total
    said = (
        "so that the stages add up to the won deals' mean cycle "
        f"{fmt(win.cycle)} days of {win.won} won (Aalen-Johansen, open deals censored; the "
        f"stages' means add up to {fmt(total)}): won deals spend longer at the stages than "
        "the deals lost there, and one delay is drawn for both"
    )
    return scale, said


def cycle_weights(base: Scenario, sid: str) -> np.ndarray:
    """Each stage's share of the cycle: the base's client_delay_days means (equal if all 0)."""
    means = np.array([st.client_delay_days.expected_value() for st in base.segments[sid].stages])
    total = float(means.sum())
    return means / total if total > 0 else np.full(len(means), 1.0 / len(means))


def _whole_cycle(deals: Deals, mine: pd.DataFrame, sid: str, base: Scenario, out: Findings) -> None:
    """No stage history: the won deals' mean cycle (created to won) spread over the stages.

    See the module's rule: the delays add up to the won deals' mean cycle, from the
    Aalen-Johansen fit of won against lost with open deals censored at their age
    (calibrate.fit.censored, the eventual win rate's own fit).
    """
    stages = base.segments[sid].stages
    weights = cycle_weights(base, sid)
    win = eventual_win(mine, deals.last_date)
    if win is None or win.won < MIN_CLOSED:
        for st in stages:
            out.keep(
                ("segments", sid, "stages", st.name, "client_delay_days"),
                f"fewer than {MIN_CLOSED} won deals of {sid} with dates",
            )
        return
    how = (
        "no stage history: the won deals' cycle (created to closed) spread over the stages "
        "as the base's delays are (a won deal passes every stage, so they add up to it; "
        "lost deals only tell where deals stop)"
    )
    for st, w in zip(stages, weights, strict=True):
        path = ("segments", sid, "stages", st.name, "client_delay_days")
        if w <= 0 or not math.isfinite(w):
            out.keep(path, "the base has no client delay here to spread the cycle onto")
            continue
        low, high = win.cycle_low * w, win.cycle_high * w
        note = (
            f"fitted: the won deals' mean cycle {fmt(win.cycle)} days of {win.won} won, "
            f"{win.lost} lost and {win.open} open (Aalen-Johansen: won and lost compete, open "
            f"deals censored at their age), median {fmt(win.median)}; {percent(w)} of it, "
            f"{span((low, high), 'days')}; {how}; our work inside the stage is minutes, "
            "left out"
        )
        value = {"kind": "exponential", "mean": round(max(float(win.cycle * w), 0.01), 3)}
        out.fit(path, value, n=win.won + win.lost + win.open, interval=(low, high), note=note)
