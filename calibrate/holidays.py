"""Holidays read from the records: weekdays on which a team that logs every day logged nothing.

A scenario built without ``--base`` has a five-day week; with no holidays, its year
has the country's public holidays as working days (nine more in the United States, 3.6 %),
and every rate a working day (a call quota, requests a day) is spread over days the
team never worked. A team whose people log their work every day shows its holidays
as weekdays with no record at all: no activity, no deal created or closed, no stage
entered. Such a weekday is read as a holiday when:

- the activities cover the period (a deals export alone leaves many quiet days);
- on the median weekday with activities at least :data:`MIN_PEOPLE` people logged,
  so one person's vacation is not the team's holiday;
- it lies inside the activities' own first and last day, in a run of at most
  :data:`MAX_RUN` quiet weekdays (a longer gap is missing data, not a holiday).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from calibrate.contract import Records, record_dates

__all__ = ["MAX_RUN", "MIN_PEOPLE", "quiet_weekdays"]

MIN_PEOPLE = 3  # fewer loggers a day: a quiet day may be one person's day away
MAX_RUN = 5  # a working week: a Christmas close; longer gaps are missing records


def quiet_weekdays(records: Records, weekdays: frozenset[int]) -> list[dt.date]:
    """The weekdays (``date.weekday()`` in ``weekdays``) read as holidays, in order.

    Empty when the records hold no activities or too few people log a day (the
    module's rules).
    """
    acts = records.activities
    if acts is None or acts.empty:
        return []
    dates = pd.to_datetime(acts["date"]).dt.normalize()
    loggers = acts.groupby(dates)["person"].nunique()
    if loggers.empty or float(loggers.median()) < MIN_PEOPLE:
        return []
    busy = {d.date() for d in pd.to_datetime(record_dates(records)).dt.normalize().unique()}
    first, last = loggers.index.min().date(), loggers.index.max().date()
    days = (first + dt.timedelta(days=k) for k in range((last - first).days + 1))
    found: list[dt.date] = []
    run: list[dt.date] = []
    for day in days:
        if day.weekday() not in weekdays:
            continue  # a weekend neither makes nor breaks a run of quiet weekdays
        if day not in busy:
            run.append(day)
            continue
        found += run if len(run) <= MAX_RUN else []
        run = []
    return found  # a run still open at the last day cannot be: the last day is busy
