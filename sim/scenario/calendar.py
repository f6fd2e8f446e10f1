"""The calendar: which days are worked and how long a working day is."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Frozen, NonNegFloat, NonNegInt

# The two ways round a slashed date is written: d/m/Y (British, Russian), m/d/Y (US).
DateOrder = Literal["dmy", "mdy"]


def slash_date_orders(first: int, second: int) -> tuple[DateOrder, ...]:
    """The orders a slashed date's first two numbers can be read in, day-first first.

    The one rule for slashed dates (a scenario's date hint, calibrate's columns): a first
    number above 12 can only be a day, a second above 12 only a day; both at most 12 read
    either way (01/03/2027: 1 March or 3 January), both above 12 neither.
    """
    orders: list[DateOrder] = []
    if second <= 12:
        orders.append("dmy")
    if first <= 12:
        orders.append("mdy")
    return tuple(orders)


class Weekday(StrEnum):
    """Days of the week, as written in scenario files."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class Workday(Frozen):
    """One working day: when it starts, how long it is, and the time not worked inside it."""

    start: str = Field("09:00", description="Start of the working day, HH:MM.")
    hours: float = Field(8.0, gt=0, le=16, description="Working hours, lunch excluded.")
    lunch_min: NonNegFloat = Field(60.0, description="Unpaid lunch break, minutes.")
    breaks_min: NonNegFloat = Field(
        30.0,
        description=(
            "In-day shrinkage not modelled as a duty (short breaks, personal time), minutes a day."
        ),
    )

    @field_validator("start")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a time of day as HH:MM, got {value!r}") from None
        return value

    @model_validator(mode="after")
    def _fits(self) -> Workday:
        if self.start_min + self.span_min > 24 * 60:
            raise ValueError("the working day (hours plus lunch) runs past midnight")
        if self.breaks_min >= self.hours * 60:
            raise ValueError(
                f"breaks_min ({self.breaks_min}) leave no working time in {self.hours} h"
            )
        return self

    @property
    def start_min(self) -> float:
        """Start of the day in minutes after midnight."""
        t = dt.time.fromisoformat(self.start)
        return t.hour * 60.0 + t.minute

    @property
    def span_min(self) -> float:
        """From the start to the end of the day, lunch included."""
        return self.hours * 60.0 + self.lunch_min

    @property
    def available_min(self) -> float:
        """Minutes a day that can go to work: hours less breaks."""
        return self.hours * 60.0 - self.breaks_min


_WEEKDAY_INDEX = {w: i for i, w in enumerate(Weekday)}  # Monday 0, as date.weekday()
_WEEKDAYS = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]


class Calendar(Frozen):
    """The horizon in working days, the working week, holidays and the warm-up."""

    start: dt.date = Field(
        description="First calendar day of the horizon, YYYY-MM-DD (e.g. 2027-03-01)."
    )
    horizon_days: int = Field(ge=1, le=2000, description="Working days simulated.")
    warmup_days: NonNegInt = Field(
        0, description="Working days at the start that fill the pipeline and are not counted."
    )
    weekdays: list[Weekday] = Field(
        default_factory=lambda: list(_WEEKDAYS), min_length=1, description="Days worked."
    )
    holidays: list[dt.date] = Field(
        default_factory=list,
        description="Public holidays, each YYYY-MM-DD: [2027-01-01, 2027-12-25].",
    )
    workday: Workday = Field(default_factory=Workday, description="The working day.")

    @field_validator("weekdays")
    @classmethod
    def _each_once(cls, value: list[Weekday]) -> list[Weekday]:
        repeated = sorted({w.value for w in value if value.count(w) > 1})
        if repeated:
            raise ValueError(f"each day once: repeated {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _warmup_inside(self) -> Calendar:
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than "
                f"horizon_days ({self.horizon_days})"
            )
        return self

    def is_working_day(self, day: dt.date) -> bool:
        """Whether a date is worked: a working weekday that is not a holiday."""
        key = self._key
        return _is_working(day, key[2], key[3])

    @property
    def _key(self) -> _CalendarKey:
        worked = frozenset(_WEEKDAY_INDEX[w] for w in self.weekdays)
        return (self.start, self.horizon_days, worked, frozenset(self.holidays))

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The dates of the working days of the horizon, in order (computed once a calendar)."""
        return _dates(self._key)

    @property
    def month_of_day(self) -> tuple[int, ...]:
        """For each working day, the 0-based index of its calendar month in the horizon."""
        return _months(self._key)

    def day_index(self, day: dt.date) -> int:
        """The working-day index of a date: working days from ``start`` to it.

        The index of ``day`` in :attr:`dates` when it is a working day of the horizon;
        for any other date, the index its next working day has or would have, counted on
        this calendar past either end: negative before ``start`` (the working day before
        the first is -1), ``horizon_days`` or more after the horizon. So a seat taken on a
        Saturday is taken on the Monday, and tenure from a date before the horizon is a
        negative day. Issue 12 (docs/dev/hiring_plan.md, section 3).
        """
        key = self._key
        first = _dates(key)[0]
        if day >= first:
            return _working_between(first, day, key[2], key[3])
        return -_working_between(day, first, key[2], key[3])

    def working_dates(self) -> list[dt.date]:
        """The dates of the working days of the horizon, in order."""
        return list(self.dates)

    @property
    def working_days_per_year(self) -> float:
        """Working days in an average year of this calendar.

        The working weekdays of a year (``len(weekdays)`` x 365.25 / 7) less the holidays
        at the rate the horizon has them (holidays on working weekdays, per calendar day
        of the horizon, x 365.25): so a horizon that lists a year's holidays gives the
        country's count (247 for Russia's five-day week in 2026). Every "a year" rate of
        a scenario (days away, replacements) is per this many working days, in the
        simulator and the optimiser alike.
        """
        return _per_year(self._key)

    @property
    def working_days_per_week(self) -> float:
        """Working days in an average week: ``working_days_per_year`` over 365.25 / 7."""
        return self.working_days_per_year * 7.0 / 365.25

    @property
    def working_days_per_month(self) -> float:
        """Working days in an average month: ``working_days_per_year`` / 12.

        The length of a month of tenure (ramp) and the divisor of monthly duties.
        """
        return self.working_days_per_year / 12.0

    def month_working_days(self, year: int, month: int) -> int:
        """Working days of a whole calendar month (at least 1, so that rates divide by it)."""
        ndays = _calendar.monthrange(year, month)[1]
        days = (dt.date(year, month, d) for d in range(1, ndays + 1))
        return max(1, sum(1 for d in days if self.is_working_day(d)))


# Calendars are frozen, but pydantic's model_copy carries an instance's cached values
# over to a copy with other fields; so the caches are keyed by the fields themselves.
_CalendarKey = tuple[dt.date, int, frozenset[int], frozenset[dt.date]]


def _is_working(day: dt.date, worked: frozenset[int], holidays: frozenset[dt.date]) -> bool:
    return day.weekday() in worked and day not in holidays


def _working_between(
    first: dt.date, last: dt.date, worked: frozenset[int], holidays: frozenset[dt.date]
) -> int:
    """Working days in ``[first, last)``: whole weeks by count, the rest day by day."""
    weeks, rest = divmod((last - first).days, 7)
    tail = (first + dt.timedelta(days=weeks * 7 + i) for i in range(rest))
    count = weeks * len(worked) + sum(1 for d in tail if d.weekday() in worked)
    return count - sum(1 for h in holidays if first <= h < last and h.weekday() in worked)


@lru_cache(maxsize=256)
def _dates(key: _CalendarKey) -> tuple[dt.date, ...]:
    start, horizon, worked, holidays = key
    dates: list[dt.date] = []
    day = start
    while len(dates) < horizon:
        if _is_working(day, worked, holidays):
            dates.append(day)
        day += dt.timedelta(days=1)
    return tuple(dates)


@lru_cache(maxsize=256)
def _months(key: _CalendarKey) -> tuple[int, ...]:
    dates = _dates(key)
    first = dates[0].year * 12 + dates[0].month
    return tuple(d.year * 12 + d.month - first for d in dates)


@lru_cache(maxsize=256)
def _per_year(key: _CalendarKey) -> float:
    start, _, worked, holidays = key
    last = _dates(key)[-1]
    span = (last - start).days + 1
    on_weekdays = sum(1 for h in holidays if start <= h <= last and h.weekday() in worked)
    return len(worked) * 365.25 / 7.0 - on_weekdays * 365.25 / span
