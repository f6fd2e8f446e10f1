"""The lag from a lead to its work and its revenue, by calendar month: the stage months kernel.

A lead created in month ``t'`` has its stages worked, and closes, in ``t'`` or later. The
kernel gives, for each month ``t'`` of the horizon, the share of its leads whose stage
``i`` work starts in month ``t`` and the share that close in month ``t``. The hiring
plan's optimiser reads it to put a month's leads' work and revenue into the months where
they fall (docs/dev/hiring_plan.md, sections 3 and 5.3); the simulator plays the same
course one deal at a time (``sim.model.deals.run_deal``).

The course of one lead, as in the simulator:

* it is created at a working minute of a working day of ``t'``: days uniform over the
  month's working days in the horizon, the time uniform over the day's working minutes;
* stage ``i`` starts when the previous one is done (the first at creation); the client's
  calendar delay passes (``client_delay_days``, calendar days) and the stage is workable
  at the next working minute (``sim.rules.day.next_working_minute``, the rule the
  simulator's ``Clock.after_days`` follows);
* then our side's waits (``sim.rules.waits``, issue 12 R13), in working minutes: its
  owner's expected wait when away that day (``absence_wait_days`` of the working days
  since the stage began); a meeting is booked on a later working day than the stage
  began, at the first half-hour slot, and holds its owner for the travel there and back
  with it; other work waits in its owner's queue (``followup_wait_min``, more after a
  meeting); the work at the owner's persona pace, then the stage's approval minutes. What
  does not fit in a day's working minutes carries over to the next working day, as the
  simulator's work does (``sim.model.worker``: work is never lost at a day's end);
* the lead closes when its last stage's work (and approval) is done.

Delays are the fixed-seed quadrature draws of the simulator's own distributions
(``sim.rules.deals._delay_draws``), each stage's draws in a fixed-seed order of their
own so that stages are independent. Our side's waits are expectations over the roles
that own the segment's deals and their personas, added to every lead alike. What is
left, ``extra_days`` adds: measured by the verify loop, as calendar days spread evenly
over the stages. A stage's client delay is multiplied by the seasonal ``client_delay``
factor of the working day begun last when the stage starts
(``sim.rules.season.day_factors``), as the simulator does.

The day is laid out with the common pause (``sim.rules.day``) for every owner, also for
a desk's answerers under a break rota (issue 13), whose pauses are their own
(``sim.rules.rota``): their day has the same working minutes, and a pause moves work
only within the day, so the months the kernel resolves move only for work that a
different pause position would carry past a month's last working day; the design's
finer rule (the mean over the answerers' slots) is not worth its cost here.

Months are the horizon's calendar months as the rest of the project counts them
(``Scenario.months``: month 0 is the month of the first working day); a close is in the
month of the working day in which it falls (``sim.results`` does the same for the
simulated deals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.rules.day import (
    DAY_MIN,
    available_min,
    day_starts,
    morning_min,
    next_working_minute,
    pause_min,
)
from sim.rules.deals import _delay_draws
from sim.rules.season import SeasonKind, day_factors
from sim.rules.waits import slot, stage_waits
from sim.scenario import Scenario
from sim.scenario.distributions import Distribution

# The order in which each stage's delay draws meet the creation points: a fixed seed,
# so that the kernel is a pure function of the scenario.
_ORDER_SEED = 20270412
_REPEAT = 1000  # the order streams of a repeat sale: its wait, then its stages


def _ordered(dist: Distribution, stream: int) -> NDArray[np.float64]:
    """A distribution's quadrature draws in the fixed order of one stream."""
    draws = _delay_draws(dist)
    return draws[np.random.default_rng((_ORDER_SEED, stream)).permutation(len(draws))]


@dataclass(frozen=True)
class StageMonths:
    """Where the work and the close of a segment's leads fall, by month of creation.

    ``T`` is the number of calendar months the horizon touches (``max(Scenario.months) +
    1``), ``S`` the segment's number of stages. Every share is of the leads created in
    month ``t'`` (a row) **that reach** the stage, or the close: conversion is applied
    apart (``sim.rules.deals.deal_economics``: ``reach`` and ``win``). So each row of a
    stage's ``work`` plus its ``work_beyond`` is 1, and so is each row of ``close`` plus
    ``close_beyond``; a month with no working day in the horizon has a zero row.

    Rows and columns are every month of the horizon, counted or not: a counted month's
    revenue comes from the leads of earlier months, warm-up included. Plan rows pick the
    counted ones (``sim.results.counted_months``). Shares are fractions of leads (no unit);
    ``cycle_days`` is in calendar days.
    """

    segment: str
    work: NDArray[np.float64]  # (S, T, T): [i, t', t] stage i's work starts in month t
    close: NDArray[np.float64]  # (T, T): [t', t] the lead closes in month t
    work_beyond: NDArray[np.float64]  # (S, T): [i, t'] stage i starts after the horizon
    close_beyond: NDArray[np.float64]  # (T,): [t'] the lead closes after the horizon
    cycle_days: float  # mean calendar days from creation to close, closes in the horizon
    # Won clients and repeat sales (stage S16), shares of the leads created in t' as above
    # (the client's coming back and the repeat's conversion apart):
    supported: NDArray[np.float64]  # (T, T): [t', t] closed before a day of t, mean over t's days
    repeat_work: NDArray[np.float64]  # (S, T, T): a repeat's stage i work starts in month t
    repeat_close: NDArray[np.float64]  # (T, T): the repeat closes in month t
    repeat_supported: NDArray[np.float64]  # (T, T): the repeat closed before a day of t


def stage_months(sc: Scenario, segment_id: str, extra_days: float = 0.0) -> StageMonths:
    """The stage months kernel of a segment (see the module's docstring for the course).

    Args:
        sc: The scenario; its calendar, working day and the segment's stages are read.
        segment_id: A segment of ``sc``.
        extra_days: Calendar days a lead waits on top of the client's delays from creation
            to close (the verify loop's measured correction), spread evenly over the
            stages; a negative value shortens the delays, never below 0.

    Returns:
        The shares by month of creation and month of work or close (``StageMonths``).
        Deterministic: quadrature draws in a fixed order, every working day of a month
        weighted alike, times of day at the midpoints of equal slices of the day's
        working minutes.

    Raises:
        KeyError: If ``segment_id`` is not a segment of ``sc``.
    """
    stages = sc.segments[segment_id].stages
    starts = day_starts(sc)
    first = np.asarray(starts, dtype=np.float64)
    months = np.asarray(sc.months, dtype=np.int64)
    horizon, n_months, n_stages = len(starts), int(months.max()) + 1, len(stages)
    available, half, pause = available_min(sc), morning_min(sc), pause_min(sc)
    span = sc.calendar.workday.span_min
    shift = extra_days / n_stages
    delays = [_ordered(stage.client_delay_days, i) for i, stage in enumerate(stages)]
    # A repeat's stages draw in orders of their own: independent of the first sale's.
    repeat_delays = [
        _ordered(stage.client_delay_days, _REPEAT + i) for i, stage in enumerate(stages)
    ]
    season = day_factors(sc, SeasonKind.CLIENT_DELAY)
    ours = stage_waits(sc, segment_id)

    def wall(day: NDArray[np.int64], offset: NDArray[np.float64]) -> NDArray[np.float64]:
        # As Clock.wall and Clock.after: a minute up to the pause is before it.
        return first[day] + offset + np.where(offset <= half, 0.0, pause)

    work = np.zeros((n_stages, n_months, n_months))
    close = np.zeros((n_months, n_months))
    work_beyond = np.zeros((n_stages, n_months))
    close_beyond = np.zeros(n_months)
    supported = np.zeros((n_months, n_months))
    repeat_work = np.zeros((n_stages, n_months, n_months))
    repeat_close = np.zeros((n_months, n_months))
    repeat_supported = np.zeros((n_months, n_months))
    days_in = np.bincount(months, minlength=n_months).astype(np.float64)
    after = sc.segments[segment_id].after_sale
    again = _ordered(after.repeat_after_days, _REPEAT - 1) if after.repeat_probability > 0 else None
    cycle_sum, cycle_weight = 0.0, 0.0

    def course(
        t: NDArray[np.float64],
        draws_of: list[NDArray[np.float64]],
        into: NDArray[np.float64],
        beyond: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        # Every stage from wall minutes t (inf: never begun): adds where the work starts to
        # ``into`` (S, T), the share never started to ``beyond`` (S,), and returns when the
        # last stage is done (inf: after the horizon).
        paths = len(t)
        for i in range(n_stages):
            side = ours[i]
            # The seasonal factor of the day the stage starts (the simulator's Clock.day_of).
            begun = np.searchsorted(first, np.where(np.isfinite(t), t, 0.0), "right") - 1
            factor = season[np.clip(begun, 0, horizon - 1)]
            drawn = draws_of[i][np.arange(paths) % len(draws_of[i])]
            draws = np.maximum(drawn * factor + shift, 0.0)
            ready = (t + draws * DAY_MIN).tolist()
            due = np.array(
                [next_working_minute(x, starts, span=span, half=half, pause=pause) for x in ready]
            )
            inside = np.isfinite(due)
            d = np.where(inside, np.searchsorted(first, np.where(inside, due, 0.0), "right") - 1, 0)
            # Working minutes of its day at which the stage becomes workable.
            offset = np.where(inside, due - first[d], 0.0)
            offset = np.where(offset > half, offset - pause, offset)
            day0 = np.clip(begun, 0, horizon - 1)
            if side.meeting:
                # Booked on a later day than the one it is booked on (sim.rules.waits: the
                # agenda's rule), from the start of that day.
                later = d <= day0
                d, offset = np.where(later, day0 + 1, d), np.where(later, 0.0, offset)
            # Its owner may be away that day: the expected wait for them, in working minutes;
            # then, for work, its wait in the owner's queue. Work is counted in the month it
            # becomes workable (the work kernel), its end after every wait; a meeting is
            # booked on the day the waits end, at a half-hour slot, on a day that holds it.
            gap = np.clip(d - day0, 0, len(side.away) - 1)
            offset = offset + side.away[gap] * available + side.queue
            if side.meeting:
                more = np.floor(offset / available).astype(np.int64)
                d, offset = d + more, slot(offset - more * available)
                spill = offset + side.work > available + 1e-9
                d, offset = np.where(spill, d + 1, d), np.where(spill, 0.0, offset)
            inside &= d < horizon
            d = np.where(inside, d, 0)
            np.add.at(into[i], months[d[inside]], 1.0 / paths)
            beyond[i] += float((~inside).sum()) / paths
            # The work's end in working minutes of the day it starts, then whole days on.
            total = offset + side.work + side.after
            more = np.maximum(np.ceil(total / available) - 1.0, 0.0).astype(np.int64)
            end_day = d + more
            inside &= end_day < horizon
            end_day = np.where(inside, end_day, 0)
            t = np.where(inside, wall(end_day, total - more * available), math.inf)
        return t

    def won_before(t: NDArray[np.float64], into: NDArray[np.float64]) -> None:
        # Clients won before each working day (supported from the next day at work, as the
        # simulator's start of a day), averaged over each month's working days.
        done = np.isfinite(t)
        ends = np.searchsorted(first, np.where(done, t, 0.0), "right") - 1
        by_day = np.bincount(ends[done], minlength=horizon)[:horizon] / len(t)
        before = np.concatenate(([0.0], np.cumsum(by_day)[:-1]))
        np.add.at(into, months, before)
        into /= np.maximum(days_in, 1.0)

    for m in range(n_months):
        days = np.flatnonzero(months == m)
        if not len(days):
            continue
        per_day = math.ceil(len(delays[0]) / len(days))
        paths = per_day * len(days)
        day = np.repeat(days, per_day)
        created = wall(day, np.tile((np.arange(per_day) + 0.5) / per_day * available, len(days)))
        t = course(created, delays, work[:, m], work_beyond[:, m])
        done = np.isfinite(t)
        ends = np.searchsorted(first, np.where(done, t, 0.0), "right") - 1
        np.add.at(close[m], months[ends[done]], 1.0 / paths)
        close_beyond[m] = float((~done).sum()) / paths
        cycle_sum += float((t[done] - created[done]).sum()) / DAY_MIN / per_day
        cycle_weight += float(done.sum()) / per_day
        won_before(t, supported[m])
        if again is None:
            continue
        # The client comes back ``repeat_after_days`` after the win (the simulator's _win:
        # Clock.after_days, no seasonal factor) and the repeat runs the stages again.
        back = (t + again[np.arange(paths) % len(again)] * DAY_MIN).tolist()
        opened = np.array(
            [next_working_minute(x, starts, span=span, half=half, pause=pause) for x in back]
        )
        t_again = course(opened, repeat_delays, repeat_work[:, m], np.zeros(n_stages))
        done = np.isfinite(t_again)
        ends = np.searchsorted(first, np.where(done, t_again, 0.0), "right") - 1
        np.add.at(repeat_close[m], months[ends[done]], 1.0 / paths)
        won_before(t_again, repeat_supported[m])
    return StageMonths(
        segment=segment_id,
        work=work,
        close=close,
        work_beyond=work_beyond,
        close_beyond=close_beyond,
        cycle_days=cycle_sum / cycle_weight if cycle_weight else math.nan,
        supported=supported,
        repeat_work=repeat_work,
        repeat_close=repeat_close,
        repeat_supported=repeat_supported,
    )
