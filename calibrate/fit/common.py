"""What every fit shares: the collector of findings, the deals as the base sees them, intervals.

The deals are resolved once against the base scenario (``prepare``): each deal's segment,
channel and the index of the deepest stage it reached, so that every fit reads the same
figures.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from calibrate.contract import DAYS_A_MONTH, Fit, Kept, RowProblem, Status, Unwritten
from calibrate.records import MIN_CLOSED as MIN_CLOSED  # the fits' minimum, said once
from sim import (
    INTERVAL_JOINER,
    Scenario,
    format_money_range,
    format_number,
    format_percent,
    format_percent_range,
    format_significant,
    wilson_interval,
)

Path = tuple[str | int, ...]
CONFIDENCE = 0.95


@dataclass
class Findings:
    """The fits, kept values and unwritten figures found so far, in the order found."""

    fits: list[Fit] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    unwritten: list[Unwritten] = field(default_factory=list)
    # Warnings on what was written (two measures of one value that disagree), said on the
    # terminal and in the report's problems, not only in the scenario's comment.
    warnings: list[RowProblem] = field(default_factory=list)
    # Why no deal can be fitted when there are none to fit (prepare says why when a deals
    # file was given but none of its deals fit the base).
    no_deals: str = "no deals file"

    def fit(
        self, path: Path, value: object, *, n: int, interval: tuple[float, float] | None, note: str
    ) -> None:
        """Add a fitted value with its sample size and 95 % interval (None: no interval)."""
        low, high = interval if interval is not None else (None, None)
        self.fits.append(Fit(path=path, value=value, n=n, low=low, high=high, note=note))

    def extend(self, other: Findings) -> None:
        """Add another collector's findings after these, in their order."""
        self.fits += other.fits
        self.kept += other.kept
        self.unwritten += other.unwritten
        self.warnings += other.warnings

    def keep(self, path: Path, why: str) -> None:
        """The base's value stays: the records cannot tell it."""
        self.kept.append(Kept(path=path, why=why))

    def unwrite(self, what: str, fitted: str, why: str = "no field yet") -> None:
        """A fitted figure the scenario language cannot hold."""
        self.unwritten.append(Unwritten(what=what, fit=fitted, why=why))


@dataclass(frozen=True)
class Deals:
    """The deals table resolved against the base scenario.

    ``table`` is the canonical deals table (rows of no base segment left out) with more
    columns: ``seg`` (the base segment id), ``chan`` (the base channel id or None),
    ``last`` (index of the deepest stage reached in the segment, -1 when unknown; a won
    deal's is the last stage), ``known_to`` (how many of the segment's first stages the
    deal's outcome is known at: all of them, unless its path goes on into a stage the
    segment does not have) and ``unknown_end`` (that stage's CRM name, "" for a lost deal
    with no stage, None when the path is known) and ``looks_like`` (the segment's stage
    that unknown end looks like a misspelling of, calibrate.records.lookalike; None when
    it looks like none). ``history`` maps deal id -> {stage index: date entered}.
    ``unplaced`` counts deals of no base segment.
    """

    table: pd.DataFrame
    history: dict[object, dict[int, pd.Timestamp]]
    unplaced: int
    last_date: pd.Timestamp
    first_date: pd.Timestamp

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The days the deals were created over: every fit's span (:func:`creation_window`)."""
        return creation_window(self.table)


def creation_window(deals: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days the deals were created over: the first created date to the last.

    The one window of every fit that divides by a span of time (the lead flow, people's
    revenue a month, seasonality, the booking cross-check's days, a cold channel's matched
    flow): a count of deals created, or of the wins they bring, is a flow over the days
    they were created in, not over the records' whole period. An export filtered by
    created date (deals created in Q1 with their real closed dates, some in June) would
    otherwise spread a quarter's deals over half a year. A snapshot's last created date is
    its last working day's. ``deals``: a table with a ``created`` column of dates (rows
    without one are not read).
    """
    created = deals["created"].dropna()
    return pd.Timestamp(created.min()), pd.Timestamp(created.max())


def months_in(window: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    """Calendar months of a window, its first and last day included (DAYS_A_MONTH each)."""
    first, last = window
    return ((last - first).days + 1) / DAYS_A_MONTH


# The one style of an interval in calibrate's notes (the scenario's comments, the terminal's
# fits, the workbook's notes) and the report built on them (teamsim.calibrate_view) is the
# project's (sim.percent, sim.money): "95 % <low> to <high>". A share is a percent at each
# end ("95 % 57.8 % to 60.8 %", sim.percent.format_percent_range, never a fraction beside a
# percentage); money is written by sim.money in one scale ("95 % $11.8K to $12.6K");
# days and minutes carry their unit once, after the high end ("95 % 4.93 to 5.24 days");
# counts and rates are plain, three significant digits ("95 % 1,215 to 1,291").


def percent(share: float) -> str:
    """A share in percent, the project's style (sim.format_percent): 0.578 -> "57.8 %"."""
    return format_percent(share)


def interval_text(
    interval: tuple[float, float],
    unit: str = "",
    *,
    currency: str = "",
    locale: str | None = None,
) -> str:
    """An interval's ends in the one style, without "95 %": "57.8 % to 60.8 %", "$11.8K to $12.6K".

    ``unit``: "share" (percent, sim.format_percent_range), "currency" (money in
    ``currency`` and ``locale``, sim.format_money_range), "days" or "min" (once, after the
    high end), or "" (a plain count or rate). The ends are joined by sim's
    INTERVAL_JOINER, as every report writes an interval; the notes and the report
    (teamsim.calibrate_view) both write intervals through here.
    """
    low, high = interval
    if unit == "share":
        return format_percent_range(low, high, locale=locale)
    if unit == "currency":
        return format_money_range(low, high, currency, locale)
    tail = f" {unit}" if unit else ""
    return f"{fmt(low)}{INTERVAL_JOINER}{fmt(high)}{tail}"


def share_span(interval: tuple[float, float]) -> str:
    """A share's 95 % interval in percent: "95 % 2.2 % to 10.0 %"."""
    return f"95 % {interval_text(interval, 'share')}"


def money_span(interval: tuple[float, float], currency: str, locale: str | None = None) -> str:
    """An amount's 95 % interval, by sim.money in one scale: "95 % $11.8K to $12.6K"."""
    return f"95 % {interval_text(interval, 'currency', currency=currency, locale=locale)}"


def fmt(x: float) -> str:
    """A figure to three significant digits, as written in notes (0.412, 6.2, 1,250)."""
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return format_number(x, 0)
    return format_significant(x, 3)


def span(interval: tuple[float, float], unit: str = "") -> str:
    """A count's or rate's 95 % interval for a note: "95 % 1,215 to 1,291".

    ``unit`` (days, min) follows the high end: "95 % 4.93 to 5.24 days". A share is
    :func:`share_span`'s, money :func:`money_span`'s.
    """
    return f"95 % {interval_text(interval, unit)}"


def share_interval(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a share (sim.stats.wilson_interval)."""
    return wilson_interval(successes, n, CONFIDENCE)


def poisson_interval(count: int) -> tuple[float, float]:
    """Exact 95 % interval of a Poisson mean from one count (Garwood 1936, chi-square)."""
    alpha = 1.0 - CONFIDENCE
    low = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count)) / 2.0
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2.0
    return low, high


def mean_interval(values: np.ndarray) -> tuple[float, float]:
    """95 % t interval of a mean (NaN, NaN with fewer than two values).

    When no value is negative (days away, dials, minutes: quantities that cannot go
    below 0) the low end is floored at 0: the symmetric t interval of a skewed sample
    (one person away 40 days, the rest 5) can reach below 0, and a mean of such a
    quantity cannot.
    """
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * float(np.std(values, ddof=1))
    half /= math.sqrt(n)
    mean = float(np.mean(values))
    low = mean - half
    if bool((np.asarray(values) >= 0).all()):
        low = max(low, 0.0)
    return low, mean + half


def working_days(base: Scenario, first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Working days of the base's calendar (weekdays, holidays) from first to last, inclusive."""
    cal = base.calendar
    days = pd.date_range(first.normalize(), last.normalize(), freq="D")
    return sum(1 for d in days if cal.is_working_day(dt.date(d.year, d.month, d.day)))


def is_status(table: pd.DataFrame, status: Status) -> pd.Series:
    """Rows of a deals table with that status."""
    return table["status"] == status.value
