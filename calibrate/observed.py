"""The funnel now: what the records show the team (or each person) doing a month.

Pure: canonical :class:`~calibrate.contract.Records` in, one tidy DataFrame out. The
practitioners' first step (compare the goals with the current results, each person's
average at every stage) starts from this table; :mod:`calibrate.report` sets it beside
the plan's needs.
"""

from __future__ import annotations

import calendar as _calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from calibrate.contract import DAYS_A_MONTH, ActivityKind, Records, Status, record_dates

__all__ = [
    "MEAN",
    "MEASURES",
    "MEETING_LIKE",
    "PROPOSAL_LIKE",
    "Period",
    "filled_from",
    "filling_note",
    "mean_cycle_days",
    "observed_funnel",
    "records_period",
]

MEAN = "mean"  # the month label of the row that holds the monthly mean over whole months
# Columns of the funnel, in the order of the funnel (win_rate last: a ratio, not a count).
MEASURES: tuple[str, ...] = (
    "dials",
    "connects",
    "conversations",
    "bookings",
    "meetings",
    "proposals",
    "created",
    "closed",
    "won",
    "revenue",
    "win_rate",
)
_ACTIVITY_MEASURES = {
    ActivityKind.DIAL: "dials",
    ActivityKind.CONNECT: "connects",
    ActivityKind.CONVERSATION: "conversations",
    ActivityKind.BOOKING: "bookings",
    ActivityKind.MEETING: "meetings",
    ActivityKind.PROPOSAL: "proposals",
}
# Stage names that stand for a meeting or a proposal when no activity of that kind is
# logged (matched as whole words of the stage name, case-insensitive): the names the
# bundled scenarios and common CRMs use (a "demo" or a "first visit" is a meeting, an
# "offer", "quote" or "bid submission" a proposal).
MEETING_LIKE = re.compile(r"(?:^|[^a-z])(?:meeting|visit|demo|presentation|workshop)", re.I)
PROPOSAL_LIKE = re.compile(r"(?:^|[^a-z])(?:proposal|offer|quote|quotation|bid|submission)", re.I)
# Weekdays at each end of a month that the records may miss and the month still count
# whole (Period).
_SLACK_WEEKDAYS = 2
# Fewer won deals with both dates than this and the mean cycle is not read: no month is
# taken as still filling (as calibrate.skeleton reads a cycle from 3 won deals).
_MIN_CYCLE_WON = 3
# Fewer steady whole months than this would be left and no month is taken as filling: a
# mean over one or two months swings more with one month's luck than the filling biases
# it (a quarter's months at least, as plans are reviewed).
_MIN_STEADY_MONTHS = 3


@dataclass(frozen=True)
class Period:
    """The dates the records cover and the calendar months they cover whole.

    A month is whole when the records' first date is on or before its third weekday
    (Monday to Friday) and their last date on or after its third-last: the first event
    of an export that covers all of January may fall on the 2nd (a holiday) or the 5th
    (few deals a day). The slack of two weekdays at each end costs at most about 10 %
    of one month's counts (2 of ~21 days) when a month really was cut short. A partial
    first or last month is shown by month but left out of the monthly mean.

    A month covered whole that starts within one mean cycle of the records' first date
    (:func:`filled_from`) is still filling: an export that holds only the deals created
    since its first date starts with an empty pipeline, so its first cycle wins too
    little, whatever the team. Such months are in ``filling``, not in ``whole``: the
    report's "now", the plan taken from the records (calibrate.own_plan) and the
    back-test (calibrate.backtest) all leave them out. They are only left out when at
    least three steady whole months remain (``_MIN_STEADY_MONTHS``).
    """

    first: pd.Timestamp
    last: pd.Timestamp
    months: tuple[str, ...]  # every calendar month touched, "YYYY-MM"
    whole: tuple[str, ...]  # those covered whole and past the filling months
    filling: tuple[str, ...] = ()  # covered whole but within one mean cycle of the start
    cycle_days: float = float("nan")  # the mean cycle that ``filling`` was read with

    @property
    def partial(self) -> tuple[str, ...]:
        """Months touched but not covered whole (left out of the mean); not the filling."""
        return tuple(m for m in self.months if m not in self.whole and m not in self.filling)


def mean_cycle_days(records: Records) -> float:
    """Mean calendar days from created to closed of the won deals (NaN: fewer than 3)."""
    deals = records.deals
    if deals is None or deals.empty:
        return float("nan")
    won = deals.loc[deals["status"] == Status.WON.value].dropna(subset=["created", "closed"])
    if len(won) < _MIN_CYCLE_WON:
        return float("nan")
    return float((won["closed"] - won["created"]).dt.days.mean())


def filling_note(period: Period | None) -> str:
    """Which months are left out as still filling, and why, in words ("" when none).

    "months still filling left out: 2027-01, 2027-02, which start within one mean
    cycle, 36 days, of the records' first date, 2027-01-04": the report's months caption.
    """
    if period is None or not period.filling:
        return ""
    return (
        f"months still filling left out: {', '.join(period.filling)}, which start within "
        f"one mean cycle, {period.cycle_days:.0f} days, of the records' first date, "
        f"{period.first.date()}"
    )


def filled_from(first: pd.Timestamp, cycle_days: float) -> pd.Timestamp:
    """The first date past the filling: ``first`` plus one mean cycle, whole days up.

    A month that starts before it is still filling (:class:`Period`). NaN cycle: ``first``.
    """
    if not math.isfinite(cycle_days):
        return pd.Timestamp(first)
    return pd.Timestamp(first) + pd.Timedelta(days=math.ceil(cycle_days))


def _weekdays(year: int, month: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The month's third and third-last weekdays: the edges a whole month must reach."""
    ndays = _calendar.monthrange(year, month)[1]
    days = pd.date_range(f"{year:04d}-{month:02d}-01", periods=ndays, freq="D")
    work = days[days.dayofweek < 5]
    return work[_SLACK_WEEKDAYS], work[-1 - _SLACK_WEEKDAYS]


def records_period(
    records: Records, span: tuple[pd.Timestamp, pd.Timestamp] | None = None
) -> Period | None:
    """The period of the records, its whole months and its filling months (None: no dates).

    ``span`` (first, last date) when the caller knows it (``Calibration.period``);
    otherwise the first and last date of the deals, stage history and activities. The
    team file's start dates are not records of work and do not widen the period. The
    filling months are the whole months that start before :func:`filled_from` (the first
    date plus :func:`mean_cycle_days` of the won deals), while three steady ones remain;
    none without a mean cycle.
    """
    if span is not None:
        first, last = pd.Timestamp(span[0]).normalize(), pd.Timestamp(span[1]).normalize()
    else:
        stamps = record_dates(records)
        if stamps.empty:
            return None
        first = pd.Timestamp(stamps.min()).normalize()
        last = pd.Timestamp(stamps.max()).normalize()
    months: list[str] = []
    whole: list[str] = []
    for stamp in pd.period_range(first, last, freq="M"):
        label = f"{stamp.year:04d}-{stamp.month:02d}"
        months.append(label)
        start, end = _weekdays(stamp.year, stamp.month)
        if first <= start and last >= end:
            whole.append(label)
    cycle = mean_cycle_days(records)
    filled = filled_from(first, cycle)
    # No mean cycle (fewer than 3 won deals): nothing says a month is still filling,
    # not even a first month that starts a day or two before the first record.
    filling = [m for m in whole if pd.Timestamp(f"{m}-01") < filled and math.isfinite(cycle)]
    if len(whole) - len(filling) < _MIN_STEADY_MONTHS:
        filling = []  # too little steady to take instead: all the months are kept
    return Period(
        first=first,
        last=last,
        months=tuple(months),
        whole=tuple(m for m in whole if m not in filling),
        filling=tuple(filling),
        cycle_days=cycle,
    )


def _label(dates: pd.Series) -> pd.Series:
    labels: pd.Series = dates.dt.strftime("%Y-%m")
    return labels


def _events(records: Records, period: Period) -> pd.DataFrame:
    """Long table of the events inside the period: who, month, measure, amount."""
    parts: list[pd.DataFrame] = []
    owners: pd.Series | None = None
    acts = records.activities
    logged: set[str] = set()
    if acts is not None and len(acts):
        measure = acts["kind"].map({str(k): v for k, v in _ACTIVITY_MEASURES.items()})
        count = acts["count"].fillna(1.0).astype(float)
        frame = pd.DataFrame(
            {"who": acts["person"], "date": acts["date"], "measure": measure, "amount": count}
        ).dropna(subset=["measure", "date", "who"])
        logged = set(frame["measure"])
        parts.append(frame)
    deals = records.deals
    if deals is not None and len(deals):
        owners = deals.set_index("deal_id")["owner"]
        closed = deals["status"].isin([Status.WON, Status.LOST]) & deals["closed"].notna()
        won = (deals["status"] == Status.WON) & deals["closed"].notna()
        value = deals["value"].fillna(0.0).astype(float)
        for mask, when, name, amount in (
            (deals["created"].notna(), "created", "created", None),
            (closed, "closed", "closed", None),
            (won, "closed", "won", None),
            (won, "closed", "revenue", value),
        ):
            part = deals.loc[mask]
            parts.append(
                pd.DataFrame(
                    {
                        "who": part["owner"],
                        "date": part[when],
                        "measure": name,
                        "amount": 1.0 if amount is None else amount.loc[mask],
                    }
                )
            )
    stages = records.stages
    if stages is not None and len(stages) and owners is not None:
        # Stage entries stand in for meetings and proposals only where no activity of
        # that kind is logged: the same event must not be counted twice.
        names = stages["stage"].fillna("").astype(str)
        who = stages["deal_id"].map(owners[~owners.index.duplicated()])
        for kind, like in (("meetings", MEETING_LIKE), ("proposals", PROPOSAL_LIKE)):
            if kind in logged:
                continue
            mask = names.str.contains(like) & who.notna()
            parts.append(
                pd.DataFrame(
                    {
                        "who": who[mask],
                        "date": stages.loc[mask, "entered"],
                        "measure": kind,
                        "amount": 1.0,
                    }
                )
            )
    if not parts:
        return pd.DataFrame({"who": [], "month": [], "measure": [], "amount": []})
    events = pd.concat(parts, ignore_index=True).dropna(subset=["date"])
    end = period.last + pd.Timedelta(days=1)
    events = events.loc[(events["date"] >= period.first) & (events["date"] < end)]
    events["month"] = _label(events["date"])
    return events[["who", "month", "measure", "amount"]]


def _with_win_rate(frame: pd.DataFrame) -> pd.DataFrame:
    closed = frame["closed"].to_numpy(dtype=float)
    won = frame["won"].to_numpy(dtype=float)
    rate = np.full(len(frame), np.nan)
    np.divide(won, closed, out=rate, where=closed > 0)
    frame["win_rate"] = rate
    return frame


def observed_funnel(
    records: Records,
    *,
    by: Literal["team", "person"] = "team",
    people: Sequence[str] = (),
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """The funnel the records show, by calendar month and as the monthly mean.

    Counts a month: dials, connects, conversations, bookings, meetings and proposals
    (activities: the sum of ``count``, 1 where empty; meetings and proposals fall back to
    entries of stages named like them in the stage history, :data:`MEETING_LIKE`,
    :data:`PROPOSAL_LIKE`, when no activity of that kind is logged), deals created (by
    created date), closed and won (by closed date), revenue won (sum of ``value`` of won
    deals, by closed date; an unknown value counts 0) and the win rate of the deals
    closed that month (won / closed; open deals are not closed, so never lost).

    Args:
        records: The canonical tables (any subset may be None).
        by: ``"team"``: one row per month; ``"person"``: one row per person (deal owner
            or activity's person) and month, zeros where a person did nothing that month.
        people: More people to list (e.g. sellers from the team file with no records).
        span: The period's first and last date (default: those of the records, see
            :func:`records_period`); events outside it are not counted.

    Returns:
        Columns ``[person,] month, whole`` then :data:`MEASURES`. ``month`` is "YYYY-MM"
        for each month the records touch (``whole`` False for a partial first or last
        month and for a month still filling, see :class:`Period`), and :data:`MEAN` for
        the monthly mean over the whole months (win rate: all won over all closed in
        them). With no whole month, the mean row is the period's totals scaled to a
        month (x 30.44 / calendar days covered) and its ``whole`` is False. Empty
        records give an empty frame.
    """
    keys = ["person"] if by == "person" else []
    columns = [*keys, "month", "whole", *MEASURES]
    period = records_period(records, span)
    if period is None:
        return pd.DataFrame(columns=columns)
    events = _events(records, period)
    if by == "person":
        # A deal with no owner counts for the team, not for any person.
        events = events.loc[events["who"].notna()]
        who = sorted({*events["who"].astype(str), *people})
    else:
        events["who"] = "team"
        who = ["team"]
    counts = events.groupby(["who", "month", "measure"])["amount"].sum()
    grid = pd.MultiIndex.from_product([who, list(period.months)], names=["who", "month"])
    table = counts.unstack("measure").reindex(grid).reindex(columns=list(MEASURES[:-1]))
    table = table.fillna(0.0).reset_index()
    table.insert(2, "whole", table["month"].isin(period.whole))
    whole_months = table.loc[table["whole"]]
    if period.whole:
        mean = whole_months.groupby("who", sort=True)[list(MEASURES[:-1])].sum()
        mean = mean / len(period.whole)
        mean_whole = True
    else:
        days = (period.last - period.first).days + 1
        mean = table.groupby("who", sort=True)[list(MEASURES[:-1])].sum()
        mean = mean * DAYS_A_MONTH / days
        mean_whole = False
    mean = mean.reindex(who).reset_index()
    mean.insert(1, "month", MEAN)
    mean.insert(2, "whole", mean_whole)
    frame = _with_win_rate(pd.concat([table, mean], ignore_index=True))
    frame = frame.rename(columns={"who": "person"})
    if by == "team":
        frame = frame.drop(columns="person")
    return frame[columns].reset_index(drop=True)
