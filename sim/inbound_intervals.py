"""Inbound requests by interval of the open day: the waits' derived columns and their table.

Issue 13, stage S2 (docs/dev/inbound_plan.md, sections 6.7 and 7). Every column is derived
once, vectorised, from the ``waits`` records (``sim.records.WaitRecord``) and the calendar:

- ``weekday`` (every wait): the weekday of the working day it arrived on (``mon``...);
- ``interval`` (inbound requests): the index of the interval of its channel's open day it
  arrived in (``sim.rules.profile.intervals``); -1 for approvals and escalations;
- ``carried``: answered on a later working day than it arrived (a callback); a request
  still waiting at the horizon's end is ``outcome`` unanswered, not carried;
- ``overtime``: answered at or after the end of the day it was answered on.

The rules the KPIs and the table share: a request is **within target** when it has not
waited past its channel's ``answer_within_min`` and was not abandoned, blocked or lost
(:func:`within_target`); it is **the day's** when it was neither carried nor left
unanswered (:func:`callbacks` are the others).

``inbound_intervals`` has one row per replication, inbound channel, weekday and interval
(zeros included), counting the requests that arrived after the warm-up: ``days`` (the
counted working days of that weekday), ``offered``, ``answered``, ``within_target``,
``waited`` (waited at all), ``abandoned``, ``abandoned_within_target``, ``blocked``,
``lost``, ``carried``, ``overtime`` (counts) and ``wait_sum_min``, the minutes waited by
the requests answered on the day they arrived, so that an interval's service level is
``within_target / offered`` and its speed of answer ``wait_sum_min / (answered -
carried)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.rules.activities import Outcome, TimeUse
from sim.rules.day import wall_time
from sim.rules.profile import by_interval, by_weekday, interval_title, intervals
from sim.scenario import InboundChannel, Scenario
from sim.scenario.calendar import Weekday
from sim.stats import Spread, spread

KEYS = ["scenario", "replication", "seed"]
COUNTS = (
    "offered",
    "answered",
    "within_target",
    "waited",
    "abandoned",
    "abandoned_within_target",
    "blocked",
    "lost",
    "carried",
    "overtime",
)
COLUMNS = [
    *KEYS,
    *("channel", "weekday", "interval", "starts", "minutes", "days"),
    *COUNTS,
    "wait_sum_min",
]
# Fewest requests an interval must have in every replication for its service level to
# stand for the interval (the lowest interval's KPI): 30 keeps one request's luck within
# about 3 points of the figure.
LEAST_REQUESTS = 30


def inbound_channels(scenario: Scenario) -> list[str]:
    """The scenario's inbound channels, in file order."""
    return [cid for cid, ch in scenario.channels.items() if isinstance(ch, InboundChannel)]


def weekdays_of(scenario: Scenario, horizon_days: int) -> NDArray[np.object_]:
    """The weekday (``mon``...) of each working day of the horizon."""
    names = list(Weekday)
    dates = scenario.calendar.working_dates()[:horizon_days]
    return np.array([names[d.weekday()].value for d in dates], dtype=object)


def add_wait_columns(
    scenario: Scenario, waits: pd.DataFrame, day_starts: NDArray[np.float64]
) -> None:
    """Add ``weekday``, ``interval``, ``carried`` and ``overtime`` to a waits frame in place.

    ``waits`` has the ``day`` and ``started_day`` columns (``sim.results``).
    """
    day = waits["day"].to_numpy()
    waits["weekday"] = weekdays_of(scenario, len(day_starts))[day]
    offset = waits["arrived_min"].to_numpy(dtype=np.float64) - day_starts[day]
    interval = np.full(len(waits), -1, dtype=np.int64)
    inbound = (waits["kind"] == TimeUse.INBOUND.value).to_numpy()
    channel = waits["channel"].to_numpy()
    for cid in inbound_channels(scenario):
        grid = intervals(scenario, cid)
        edges = np.array([i.lo_min for i in grid[1:]], dtype=np.float64)
        rows = inbound & (channel == cid)
        interval[rows] = np.searchsorted(edges, offset[rows], side="right")
    waits["interval"] = interval
    started = waits["started_min"].to_numpy(dtype=np.float64) >= 0
    started_day = waits["started_day"].to_numpy()
    waits["carried"] = started & (started_day > day)
    end = day_starts[np.maximum(started_day, 0)] + scenario.calendar.workday.span_min
    waits["overtime"] = started & (waits["started_min"].to_numpy(dtype=np.float64) >= end)


# Outcomes that never count as within target, however short the wait.
_GONE = (Outcome.ABANDONED.value, Outcome.BLOCKED.value, Outcome.LOST.value)


def within_target(waits: pd.DataFrame) -> pd.Series[bool]:
    """Requests within their channel's target (the service level's numerator).

    Not ``late`` and not abandoned, blocked or lost. A request still waiting when the
    horizon ended (unanswered) is within target if it had not yet waited past it: its
    wait is cut short, not failed (``inbound_service_level`` has always counted it so).
    """
    return ~waits["late"].astype(bool) & ~waits["outcome"].isin(_GONE)


def callbacks(waits: pd.DataFrame) -> pd.Series[bool]:
    """Requests not answered the day they arrived: carried to a later day, or unanswered."""
    return waits["carried"].astype(bool) | (waits["outcome"] == Outcome.UNANSWERED.value)


def request_counts(waits: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per count of the table (and the same-day wait), a row per request.

    The one reading of a request's outcome and times that the table and the KPIs share.
    """
    outcome = waits["outcome"]
    answered = outcome == Outcome.ANSWERED.value
    abandoned = outcome == Outcome.ABANDONED.value
    on_time = ~waits["late"].astype(bool)
    carried = waits["carried"].astype(bool)
    return (
        pd.DataFrame(
            {
                "offered": np.ones(len(waits), dtype=np.int64),
                "answered": answered,
                "within_target": within_target(waits),
                "waited": waits["wait_min"] > 0,
                "abandoned": abandoned,
                "abandoned_within_target": abandoned & on_time,
                "blocked": outcome == Outcome.BLOCKED.value,
                "lost": outcome == Outcome.LOST.value,
                "carried": carried,
                "overtime": waits["overtime"].astype(bool),
            },
            index=waits.index,
        )
        .astype(np.int64)
        .assign(wait_sum_min=waits["wait_min"].where(answered & ~carried, 0.0))
    )


def _grid(
    scenario: Scenario, seeds: dict[int, int], weekdays: list[str], days: dict[str, int]
) -> pd.DataFrame:
    """Every replication x inbound channel x weekday x interval, with its calendar columns."""
    start = scenario.calendar.workday.start_min
    rows = [
        (
            scenario.name,
            rep,
            seed,
            cid,
            wd,
            i.index,
            wall_time(start + i.lo_min),
            i.minutes,
            days[wd],
        )
        for rep, seed in seeds.items()
        for cid in inbound_channels(scenario)
        for wd in weekdays
        for i in intervals(scenario, cid)
    ]
    return pd.DataFrame(rows, columns=COLUMNS[:9])


def inbound_intervals(
    scenario: Scenario,
    waits: pd.DataFrame,
    *,
    seeds: dict[int, int],
    horizon_days: int,
    warmup_days: int,
) -> pd.DataFrame:
    """The ``inbound_intervals`` frame (see the module) from a waits frame with its columns.

    ``seeds``: the seed of each replication, in order; requests of days before
    ``warmup_days`` are not counted.
    """
    counted = pd.Series(weekdays_of(scenario, horizon_days)[warmup_days:]).value_counts()
    weekdays = [w.value for w in Weekday if w.value in counted.index]
    grid = _grid(scenario, seeds, weekdays, {w: int(counted[w]) for w in weekdays})
    asked = waits.loc[(waits["kind"] == TimeUse.INBOUND.value) & (waits["day"] >= warmup_days)]
    keys = ["replication", "channel", "weekday", "interval"]
    sums = request_counts(asked).groupby([asked[k] for k in keys]).sum()
    found = sums.reindex(pd.MultiIndex.from_frame(grid[keys]), fill_value=0)
    for column in COUNTS:
        grid[column] = found[column].to_numpy(dtype=np.int64)
    grid["wait_sum_min"] = found["wait_sum_min"].to_numpy(dtype=np.float64)
    return grid


def worst_interval(
    table: pd.DataFrame, least: int = LEAST_REQUESTS, *, by_weekday: bool = True
) -> pd.Series[float]:
    """Each replication's service level in the interval whose mean over them is lowest.

    Over the channel x weekday x interval cells of ``inbound_intervals`` (channel x
    interval, every weekday's requests together, with ``by_weekday`` False: what a desk
    planned alike every weekday is judged by) with at least ``least`` requests offered
    in every replication; empty when none has.
    """
    if not by_weekday:
        keys = ["replication", "channel", "interval"]
        table = table.groupby(keys, as_index=False)[["offered", "within_target"]].sum()
        table = table.assign(weekday="")
    cell = ["channel", "weekday", "interval"]
    enough = table.groupby(cell)["offered"].transform("min") >= least
    part = table.loc[enough, ["replication", *cell, "offered", "within_target"]]
    part = part.assign(level=part["within_target"] / part["offered"])
    if part.empty:
        return pd.Series(dtype=np.float64, index=pd.Index([], name="replication"))
    means = part.groupby(cell, as_index=False)["level"].mean()
    picked = part.merge(means.loc[[means["level"].idxmin()], cell], on=cell)
    return pd.Series(
        picked["level"].to_numpy(dtype=np.float64),
        index=pd.Index(picked["replication"], name="replication"),
    )


def lowest_interval(scenario: Scenario, table: pd.DataFrame) -> pd.Series[float]:
    """Each replication's service level in the scenario's lowest interval: the one rule.

    :func:`worst_interval` with the weekdays apart only when a channel's requests differ
    by weekday (``sim.rules.profile.by_weekday``: a desk planned alike every weekday is
    judged over every weekday's requests together, as it is sized). Read by the KPI
    ``inbound_interval_min_service_level`` and by the verify loop's judgement
    (``optimizer.measure``), so the two never name different intervals.
    """
    weekly = any(
        by_weekday(scenario, cid)
        for cid, ch in scenario.channels.items()
        if isinstance(ch, InboundChannel)
    )
    return worst_interval(table, by_weekday=weekly)


LEVEL_COLUMNS = [
    *("channel", "weekday", "interval", "title", "requests_per_day"),
    *("service_level", "p10", "p90", "abandoned_share", "blocked_share"),
    *("offered", "tolerance"),
]


def level_tolerance(levels: Spread) -> float:
    """The 95 % half-width of an interval's mean simulated service level, over replications.

    ``t(0.975, R - 1) x sd / sqrt(R)`` of the spread of the replications' service levels there
    (``sim.stats.spread``, the KPIs' confidence interval): replications are independent,
    the requests of one day are not (a queue that builds up keeps a run of callers
    waiting), so the requests' binomial spread would be several times too narrow. NaN
    with fewer than two replications. A planned service level within it of the simulated
    one agrees with the simulation.
    """
    return (levels.ci_high - levels.ci_low) / 2.0 if levels.n > 1 else math.nan


def interval_levels(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """The simulated service level by interval of each channel reported by interval.

    From ``inbound_intervals`` (``table``), for each inbound channel with
    ``sim.rules.profile.by_interval``: one row per interval (per weekday and interval when
    the channel has weekday factors; else every weekday's requests together, ``weekday``
    ""). Per replication the interval's service level is ``within_target / offered``, its
    requests a day ``offered / days`` and its abandoned and blocked shares over
    ``offered``; each row holds their mean over the replications (a replication with no
    request offered there left out of its shares) and the service level's P10 and P90,
    ``offered`` the requests offered there over every replication and ``tolerance`` the
    95 % half-width of the mean service level over the replications (:func:`level_tolerance`).
    Empty (with its columns) when no channel is reported by interval.
    """
    rows = []
    for cid in inbound_channels(scenario):
        if not by_interval(scenario, cid):
            continue
        part = table.loc[table["channel"] == cid]
        weekly = by_weekday(scenario, cid)
        keys = ["weekday", "interval", "replication"] if weekly else ["interval", "replication"]
        sums = part.groupby(keys, sort=False)[["days", "offered", "within_target", "abandoned",
                                               "blocked"]].sum()  # fmt: skip
        offered = sums["offered"].where(sums["offered"] > 0)
        per_rep = pd.DataFrame(
            {
                "requests_per_day": sums["offered"] / sums["days"],
                "service_level": sums["within_target"] / offered,
                "abandoned_share": sums["abandoned"] / offered,
                "blocked_share": sums["blocked"] / offered,
            }
        )
        grid = intervals(scenario, cid)
        for key, reps in per_rep.groupby(level=keys[:-1] if weekly else "interval", sort=False):
            weekday, at = key if weekly else ("", key)
            index = int(str(at))
            # One spread gives the mean, P10, P90 and the tolerance (NaN with no level).
            level = spread(reps["service_level"].dropna().tolist())
            offered_there = int(sums.loc[reps.index, "offered"].sum())
            rows.append(
                {
                    "channel": cid,
                    "weekday": str(weekday),
                    "interval": index,
                    "title": interval_title(scenario, grid[index]),
                    "requests_per_day": float(reps["requests_per_day"].mean()),
                    "service_level": level.mean,
                    "p10": level.p10,
                    "p90": level.p90,
                    "abandoned_share": float(reps["abandoned_share"].mean()),
                    "blocked_share": float(reps["blocked_share"].mean()),
                    "offered": offered_there,
                    "tolerance": level_tolerance(level),
                }
            )
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)
