"""Stage conversions and the win rate per segment, open deals censored (never lost).

A deal that entered stage k and is still open there has not been decided at k: it is left
out of k's denominator (right-censored), not counted as lost. Lost at k means it entered k
and failed there; passed means it entered k + 1 (or was won, at the last stage). The
simulator draws each stage's pass independently of how long the stage took
(sim.model.deals.run_deal), so the deals decided so far are a fair sample of each stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibrate.contract import Status
from calibrate.fit.censored import EventualWin, eventual_win
from calibrate.fit.common import (
    MIN_CLOSED,
    Deals,
    Findings,
    fmt,
    percent,
    share_interval,
    share_span,
)
from calibrate.records import one_sided
from calibrate.words import counted
from sim import Scenario

# Draws from the stages' Beta posteriors for the interval of their product (a fixed seed:
# the same records give the same interval).
_DRAWS = 20_000
_SEED = 20270104


def naive_win_rate(deals: pd.DataFrame) -> tuple[float, int]:
    """Won / all deals (won, lost and open alike): the rate that counts open deals as lost.

    Kept for comparison only (the censoring test): with many open deals it is biased low.
    Returns (rate, number of deals); NaN for no deals.
    """
    n = len(deals)
    won = int((deals["status"] == Status.WON.value).sum())
    return (won / n if n else float("nan")), n


def closed_win_rate(deals: pd.DataFrame) -> tuple[int, int]:
    """(won, closed): the win rate among deals already decided."""
    won = int((deals["status"] == Status.WON.value).sum())
    lost = int((deals["status"] == Status.LOST.value).sum())
    return won, won + lost


def stage_counts(mine: pd.DataFrame, stages: int) -> list[tuple[int, int, int]]:
    """(passed, decided, open there) of each stage, from the deepest stage each deal reached.

    A deal counts at stage k only while its path is known there (``known_to`` > k, when
    the table has that column): past that, whether it passed k is not known.
    """
    last = mine["last"].to_numpy()
    status = mine["status"].to_numpy()
    known_to = mine["known_to"].to_numpy() if "known_to" in mine else np.full(len(mine), stages)
    counts = []
    for k in range(stages):
        at = known_to > k
        passed = int(
            ((last > k) & at).sum() + ((last == k) & at & (status == Status.WON.value)).sum()
        )
        lost = int(((last == k) & at & (status == Status.LOST.value)).sum())
        still = int(((last == k) & at & (status == Status.OPEN.value)).sum())
        counts.append((passed, passed + lost, still))
    return counts


def _win_interval(counts: list[tuple[int, int, int]]) -> tuple[float, float]:
    """95 % interval of the product of stage rates, from their Jeffreys Beta posteriors."""
    rng = np.random.default_rng(_SEED)
    product = np.ones(_DRAWS)
    for passed, decided, _ in counts:
        product *= rng.beta(passed + 0.5, decided - passed + 0.5, _DRAWS)
    low, high = np.quantile(product, [0.025, 0.975])
    return float(low), float(high)


def fit_funnel(deals: Deals | None, base: Scenario, out: Findings) -> None:
    """Each segment's stage conversions; where the records cannot place deals, the win rate.

    A stage's conversion is fitted from the deals only while every deal's outcome there
    is known (prepare's ``known_to``): a deal that went on into a stage of no known place
    (a CRM stage mapped to nothing), or a lost deal with no stage, may have been decided
    at any later stage, and leaving it out would tilt the conversion of the stage where
    it was decided (lost deals gone, won ones kept: 427 passed of 427 decided). From the
    first such stage on, the stages are scaled alike (their base converts times one
    factor) to the part of the win rate of every closed deal the stages before leave.

    A misspelt stage ('propsal', which looks like the segment's 'proposal': prepare's
    ``looks_like``) is a few rows typed wrong, not a stage deals pass through: its deals
    are left out of the stages where their path is unknown (from their ``known_to`` on)
    and every stage is still fitted stage by stage; the notes say which name looks like
    which. Left out at random, they tilt no conversion; a stage the segment lacks (a CRM
    name mapped to nothing, 'Vertrag') holds every deal that passes there and would.

    Closed deals all won or all lost (calibrate.records.one_sided: a file filtered by
    status) keep every conversion of the segment, as do fewer than MIN_CLOSED.
    """
    for sid, seg in base.segments.items():
        paths = [("segments", sid, "stages", st.name, "convert") for st in seg.stages]
        if deals is None:
            for path in paths:
                out.keep(path, out.no_deals)
            continue
        mine = deals.table[deals.table["seg"] == sid]
        won, closed = closed_win_rate(mine)
        if closed < MIN_CLOSED:
            for path in paths:
                out.keep(path, f"{closed} closed deals of {sid} (fewer than {MIN_CLOSED})")
            continue
        why = one_sided(won, closed - won)
        if why is not None:
            for path in paths:
                out.keep(path, f"{sid}: {why}")
            continue
        _by_stage(mine, sid, base, out, last_date=deals.last_date)


def _misspelt(mine: pd.DataFrame) -> str:
    """The misspelt stages whose deals are left out where their path is unknown ("": none)."""
    typo = mine[mine["looks_like"].notna()]
    parts = []
    for name, like in sorted(set(zip(typo["unknown_end"], typo["looks_like"], strict=True))):
        n = int(((typo["unknown_end"] == name) & (typo["looks_like"] == like)).sum())
        parts.append(
            f"'{name}' looks like '{like}': its {counted(n, 'deal')} left out of the stages "
            f'their path is unknown at (map it with --stage "{name}={like}")'
        )
    return "; ".join(parts)


def _unplaced(mine: pd.DataFrame) -> str:
    """Why some deals cannot be placed in the funnel ("" when all can); misspellings aside."""
    ends = mine.loc[mine["looks_like"].isna(), "unknown_end"].dropna()
    named = ends[ends != ""]
    why = []
    if len(named):
        names = ", ".join(f"'{n}'" for n in sorted(set(named)))
        why.append(
            f"{counted(len(named), 'deal')} went on into stages this segment does not have "
            f"({names}; map them with --stage 'CRM name=stage')"
        )
    if len(ends) > len(named):
        why.append(f"{len(ends) - len(named)} lost deals have no stage")
    return " and ".join(why)


def _by_stage(
    mine: pd.DataFrame, sid: str, base: Scenario, out: Findings, *, last_date: pd.Timestamp
) -> None:
    seg = base.segments[sid]
    n = len(seg.stages)
    # Stages before ``known`` have every deal's outcome (misspelt ones left out where
    # theirs is unknown); from it on, some deals' are unknown.
    placed = mine["looks_like"].isna()
    known = min(n, int(mine.loc[placed, "known_to"].min())) if placed.any() else n
    counts = stage_counts(mine, n)
    why = _unplaced(mine)
    aside = f"; stages after cannot be told: {why}" if why else ""
    typo = _misspelt(mine)
    typo_from = int(mine.loc[~placed, "known_to"].min()) if (~placed).any() else n
    if n == 1 and known == 1 and _one_stage(mine, sid, base, out, last_date=last_date):
        return
    for k in range(known):
        stage, (passed, decided, still) = seg.stages[k], counts[k]
        path = ("segments", sid, "stages", stage.name, "convert")
        if decided < MIN_CLOSED:
            few = counted(decided, "deal")
            out.keep(path, f"{few} decided at {stage.name} (fewer than {MIN_CLOSED})")
            continue
        interval = share_interval(passed, decided)
        note = (
            f"fitted: {passed} passed of {decided} decided, {still} open there censored, "
            f"{share_span(interval)}{aside if k == known - 1 else ''}"
        )
        if k >= typo_from:
            note += f"; {typo}"
        if k == n - 1:
            win = _win_interval(counts)
            product = float(np.prod([p / d if d else 1.0 for p, d, _ in counts]))
            note += f"; win rate {percent(product)}, {share_span(win)} (open deals censored)"
        out.fit(path, round(passed / decided, 4), n=decided, interval=interval, note=note)
    if known < n:
        _scaled(mine, sid, base, out, first=known, why=why, last_date=last_date)


def _one_stage(
    mine: pd.DataFrame, sid: str, base: Scenario, out: Findings, *, last_date: pd.Timestamp
) -> bool:
    """A funnel of one stage: its conversion is the eventual win rate (False: too few dated).

    Passed / decided at the one stage leaves the open deals out, and the deals decided so
    far are the quicker losses first (calibrate.fit.censored).
    """
    win = eventual_win(mine, last_date)
    if win is None or win.won + win.lost < MIN_CLOSED:
        return False
    stage = base.segments[sid].stages[0]
    out.fit(
        ("segments", sid, "stages", stage.name, "convert"),
        round(win.rate, 4),
        n=win.won + win.lost + win.open,
        interval=(win.low, win.high),
        note=f"fitted: {win_rate_text(win)}; one stage: its conversion is the win rate",
    )
    return True


def win_rate_text(win: EventualWin) -> str:
    """The eventual win rate's figures for a note: what it read and the rate it replaces."""
    decided = win.won + win.lost
    if win.open == 0:  # nothing censored: the eventual rate is won / closed
        return f"{win.won} won of {decided} closed, none open, {share_span((win.low, win.high))}"
    said = (
        f"eventual win rate {percent(win.rate)} of {win.won} won, {win.lost} lost and "
        f"{win.open} open (Aalen-Johansen: won and lost compete, open deals censored at "
        f"their age; won / closed {percent(win.won / decided)} counts the quicker losses "
        f"first), {share_span((win.low, win.high))}"
    )
    if win.undecided:
        share = percent(win.undecided / (decided + win.open))
        said += (
            f"; {counted(win.undecided, 'open deal')} ({share} of the deals) older than "
            "every win are left undecided (counted neither won nor lost)"
        )
    return said


def _scaled(
    mine: pd.DataFrame,
    sid: str,
    base: Scenario,
    out: Findings,
    *,
    first: int,
    why: str,
    last_date: pd.Timestamp,
) -> None:
    """Stages from ``first`` on scaled alike to what the win rate leaves them.

    The win rate is the eventual one (calibrate.fit.censored: open deals censored, not
    left out, since lost deals are decided sooner than won ones); the stages before
    ``first`` (fitted, or the base's where too few were decided) take their part of it.
    Without the deals' dates it is won / closed over every closed deal.
    """
    seg = base.segments[sid]
    won, closed = closed_win_rate(mine)
    counts = stage_counts(mine, len(seg.stages))
    before = 1.0
    for k in range(first):
        passed, decided, _ = counts[k]
        before *= passed / decided if decided >= MIN_CLOSED else seg.stages[k].convert
    win = eventual_win(mine, last_date)
    if win is not None and win.won + win.lost >= MIN_CLOSED:
        rate, low, high = win.rate, win.low, win.high
        figures, n = win_rate_text(win), win.won + win.lost + win.open
    else:
        rate, (low, high) = won / closed, share_interval(won, closed)
        figures, n = f"{won} won of {closed} closed, {share_span((low, high))}", closed
    rest = [st.convert for st in seg.stages[first:]]
    scaled = [
        scale_converts(rest, min(1.0, w / before)) if before > 0 else rest
        for w in (rate, low, high)
    ]
    if first == 0:
        how = "every stage is scaled alike to that win rate"
    else:
        how = (
            f"the stages from {seg.stages[first].name} on are scaled alike to the part of "
            f"it the stages before leave (their product {fmt(before)})"
        )
    note = f"fitted: {figures}; {why}, so {how}"
    for j, stage in enumerate(seg.stages[first:]):
        out.fit(
            ("segments", sid, "stages", stage.name, "convert"),
            round(scaled[0][j], 4),
            n=n,
            interval=(scaled[1][j], scaled[2][j]),
            note=note,
        )


def scale_converts(converts: list[float], win: float) -> list[float]:
    """Converts times one factor so that their product is ``win`` (each capped at 1).

    Stages that reach 1 are held there and the factor is found again for the rest.
    """
    result = list(converts)
    free = [i for i, c in enumerate(result) if c > 0]
    for _ in range(len(converts)):
        fixed = float(np.prod([result[i] for i in range(len(result)) if i not in free]))
        base = float(np.prod([converts[i] for i in free]))
        if not free or base <= 0:
            break
        factor = (win / fixed / base) ** (1.0 / len(free))
        capped = [i for i in free if converts[i] * factor >= 1.0]
        for i in free:
            result[i] = min(1.0, converts[i] * factor)
        if not capped:
            break
        free = [i for i in free if i not in capped]
    return result
