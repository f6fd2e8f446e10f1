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
from calibrate.fit.common import MIN_CLOSED, Deals, Findings, fmt, share_interval, span
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
    """(passed, decided, open there) of each stage, from the deepest stage each deal reached."""
    last = mine["last"].to_numpy()
    status = mine["status"].to_numpy()
    counts = []
    for k in range(stages):
        passed = int((last > k).sum() + ((last == k) & (status == Status.WON.value)).sum())
        lost = int(((last == k) & (status == Status.LOST.value)).sum())
        still = int(((last == k) & (status == Status.OPEN.value)).sum())
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
    """Each segment's stage conversions (or the win rate alone, spread over the stages)."""
    for sid, seg in base.segments.items():
        paths = [("segments", sid, "stages", st.name, "convert") for st in seg.stages]
        mine = deals.table[deals.table["seg"] == sid] if deals is not None else None
        won, closed = closed_win_rate(mine) if mine is not None else (0, 0)
        if mine is None or closed < MIN_CLOSED:
            for path in paths:
                out.keep(path, f"{closed} closed deals of {sid} (fewer than {MIN_CLOSED})")
            continue
        lost = mine[mine["status"] == Status.LOST.value]
        if (lost["last"] >= 0).any() or lost.empty:
            _by_stage(mine, sid, base, out)
        else:
            _scaled(won, closed, sid, base, out)


def _by_stage(mine: pd.DataFrame, sid: str, base: Scenario, out: Findings) -> None:
    seg = base.segments[sid]
    known = mine[mine["last"] >= 0]
    counts = stage_counts(known, len(seg.stages))
    unknown = len(mine) - len(known)
    aside = f"; {unknown} deals of no known stage left out" if unknown else ""
    for k, (stage, (passed, decided, still)) in enumerate(zip(seg.stages, counts, strict=True)):
        path = ("segments", sid, "stages", stage.name, "convert")
        if decided < MIN_CLOSED:
            out.keep(path, f"{decided} deals decided at {stage.name} (fewer than {MIN_CLOSED})")
            continue
        rate = passed / decided
        interval = share_interval(passed, decided)
        note = (
            f"fitted: {passed} passed of {decided} decided, {still} open there censored, "
            f"{span(interval)}{aside}"
        )
        if k == len(seg.stages) - 1:
            win = _win_interval(counts)
            product = float(np.prod([p / d if d else 1.0 for p, d, _ in counts]))
            note += f"; win rate {fmt(product)}, {span(win)} (open deals censored)"
        out.fit(path, round(rate, 4), n=decided, interval=interval, note=note)


def _scaled(won: int, closed: int, sid: str, base: Scenario, out: Findings) -> None:
    """No stage of the lost deals: every convert scaled alike to the closed deals' win rate."""
    seg = base.segments[sid]
    rate = won / closed
    low, high = share_interval(won, closed)
    scaled = [scale_converts([st.convert for st in seg.stages], w) for w in (rate, low, high)]
    for k, stage in enumerate(seg.stages):
        note = (
            f"fitted: {won} won of {closed} closed, {span((low, high))}; the lost deals' "
            "stage is unknown, so every stage is scaled alike to that win rate"
        )
        out.fit(
            ("segments", sid, "stages", stage.name, "convert"),
            round(scaled[0][k], 4),
            n=closed,
            interval=(scaled[1][k], scaled[2][k]),
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
