"""Spread over replications: Student's t quantile, confidence intervals, percentiles.

No scipy: the t distribution's CDF has a closed form for whole degrees of freedom
(Abramowitz & Stegun 26.7.3 and 26.7.4), which is inverted here by bisection to
machine precision; past 200 degrees of freedom the Cornish-Fisher expansion
(A&S 26.7.5) is used instead, accurate there to better than 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = ["Spread", "spread", "t_cdf", "t_quantile", "wilson_interval"]

_EXPANSION_FROM_DF = 200


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` (whole, >= 1) degrees of freedom."""
    _check_df(df)
    theta = math.atan(t / math.sqrt(df))
    sin, cos2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 1:
        # A(t) = 2/pi [theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...)]
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= cos2 * (2 * k) / (2 * k + 1)
        inside = 2.0 / math.pi * (theta + sin * total)
    else:
        # A(t) = sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...)
        total, term = 0.0, 1.0
        for k in range(1, df // 2 + 1):
            total += term
            term *= cos2 * (2 * k - 1) / (2 * k)
        inside = sin * total
    return 0.5 + 0.5 * inside


def t_quantile(p: float, df: int) -> float:
    """The t with P(T <= t) = p for Student's t with ``df`` degrees of freedom.

    Raises:
        ValueError: If ``p`` is not strictly between 0 and 1 or ``df`` is not a whole
            number >= 1.
    """
    _check_df(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df >= _EXPANSION_FROM_DF:
        return _cornish_fisher(NormalDist().inv_cdf(p), df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


def _cornish_fisher(z: float, df: int) -> float:
    g1 = (z**3 + z) / 4.0
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96.0
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384.0
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160.0
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _check_df(df: int) -> None:
    if isinstance(df, bool) or not isinstance(df, int) or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number >= 1, got {df!r}")


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share; sensible at 0 and n, unlike the t interval.

    ``successes`` may be fractional: n units each met in a share of their parts (a
    replication's share of months met) count as n trials with that many successes in
    all, an effective sample of n (the parts of one unit are not independent).
    Source: E. B. Wilson (1927), JASA 22(158), 209-212.
    """
    if n <= 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # At 0 (or n) successes the bound is exactly 0 (or 1); centre - half leaves a rounding
    # error (2.8e-17) that an export would print.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Spread:
    """A quantity over replications: its centre, spread and the confidence in its mean."""

    n: int
    mean: float
    sd: float
    p10: float
    p50: float
    p90: float
    ci_low: float
    ci_high: float


def spread(values: Sequence[float], confidence: float = 0.95, *, share: bool = False) -> Spread:
    """Mean, sample sd, P10/P50/P90 and a confidence interval of the mean.

    Non-finite values (a KPI undefined in a replication) are left out. The interval is
    mean +- t(1 - alpha/2, n - 1) sd / sqrt(n); with ``share=True`` the values are 0/1
    outcomes (or shares of outcomes, one a replication) and the Wilson score interval is
    used instead, with the replications as the sample. Percentiles interpolate
    linearly between order statistics (numpy's default).
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        nan = math.nan
        return Spread(n=0, mean=nan, sd=nan, p10=nan, p50=nan, p90=nan, ci_low=nan, ci_high=nan)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    p10, p50, p90 = (float(q) for q in np.quantile(x, [0.1, 0.5, 0.9]))
    if share:
        low, high = wilson_interval(float(x.sum()), n, confidence)
    elif n > 1:
        half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
        low, high = mean - half, mean + half
    else:
        low = high = math.nan
    return Spread(n=n, mean=mean, sd=sd, p10=p10, p50=p50, p90=p90, ci_low=low, ci_high=high)
