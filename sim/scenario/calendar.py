"""The calendar: which days are worked and how long a working day is."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.percent import format_significant
from sim.scenario.base import Frozen, NonNegFloat, NonNegInt, PositiveFloat

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


class PauseKind(StrEnum):
    """What a pause of the rota is: the unpaid lunch or one of the day's breaks."""

    LUNCH = "lunch"
    BREAK = "break"


class PauseRule(StrEnum):
    """How the day's lunch and breaks are taken by the people who answer requests.

    ``together``: everyone pauses at once in the middle of the day and no request arrives
    then. ``rota``: each answerer pauses at a slot of each pause's window
    (``sim.rules.rota``), so the desk is never empty and requests arrive all day. Left
    out, the rule is ``sim.rules.rota.pause_rule``'s: a rota for a scenario with an
    inbound channel or a written rota, together otherwise.
    """

    TOGETHER = "together"
    ROTA = "rota"


def _hhmm_min(value: str) -> float:
    t = dt.time.fromisoformat(value)
    return t.hour * 60.0 + t.minute


class Pause(Frozen):
    """One pause of the rota: each answerer takes ``minutes`` at a slot of the window."""

    kind: PauseKind = Field(description="lunch (counts to lunch_min) or break (to breaks_min).")
    minutes: PositiveFloat = Field(description="One person's pause, minutes.")
    window: tuple[str, str] = Field(
        description=(
            'From and to, HH:MM on the wall clock, inside the working day: ["11:45", "14:45"]. '
            "The pause's slots run back to back from the window's start."
        )
    )
    most_away: int | None = Field(
        None,
        ge=1,
        description=(
            "Most answerers on this pause at once; checked against the desk at run and plan "
            "time. Default: as many as the slots need."
        ),
    )

    @field_validator("window", mode="before")
    @classmethod
    def _two_times(cls, value: Any) -> Any:
        # Before pydantic's tuple check, whose words ("required field is missing" for one
        # time, "Tuple should have at most 2 items" for three) name no HH:MM.
        if not isinstance(value, list | tuple):
            raise ValueError(
                f'expected two times of day, from and to, as ["HH:MM", "HH:MM"]; got {value!r}'
            )
        if len(value) != 2:
            raise ValueError(
                'expected two times of day, from and to, as ["HH:MM", "HH:MM"]; got '
                f"{len(value)}: {list(value)!r}"
            )
        for v in value:
            if not isinstance(v, str):  # 15 for 15:00: pydantic would say "a valid string"
                hint = f' (write "{v:02d}:00")' if isinstance(v, int) and 0 <= v < 24 else ""
                raise ValueError(f'expected times of day as "HH:MM" in quotes, got {v!r}{hint}')
        return value

    @field_validator("window")
    @classmethod
    def _window(cls, value: tuple[str, str]) -> tuple[str, str]:
        for v in value:
            try:
                if len(v) != 5 or v[2] != ":":
                    raise ValueError
                dt.time.fromisoformat(v)
            except ValueError:
                raise ValueError(f"expected times of day as HH:MM, got {v!r}") from None
        if _hhmm_min(value[1]) <= _hhmm_min(value[0]):
            raise ValueError(f"the window ends ({value[1]}) before it starts ({value[0]})")
        return value

    @model_validator(mode="after")
    def _long_enough(self) -> Pause:
        if self.window_max - self.window_min < self.minutes:
            raise ValueError(
                f"the window {self.window[0]}-{self.window[1]} is shorter than the pause "
                f"({format_significant(self.minutes, 6)} min): widen it"
            )
        return self

    @property
    def window_min(self) -> float:
        """The window's start in minutes after midnight."""
        return _hhmm_min(self.window[0])

    @property
    def window_max(self) -> float:
        """The window's end in minutes after midnight."""
        return _hhmm_min(self.window[1])


def _pause_sums(pauses: Any) -> dict[str, float] | None:
    """Minutes of lunch and of breaks in raw ``pauses`` (None when they cannot be read)."""
    if not isinstance(pauses, list | tuple):
        return None
    sums = {PauseKind.LUNCH.value: 0.0, PauseKind.BREAK.value: 0.0}
    for pause in pauses:
        raw = pause if isinstance(pause, dict) else vars(pause) if hasattr(pause, "kind") else {}
        kind, minutes = raw.get("kind"), raw.get("minutes")
        if str(kind) not in sums or not isinstance(minutes, int | float):
            return None
        sums[str(kind)] += float(minutes)
    return sums


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
    pause_rule: PauseRule | None = Field(
        None,
        description=(
            "together: everyone takes lunch and breaks at once mid-day, and no request arrives "
            "then; rota: the desk's answerers pause in turn (pauses, or the default rota: "
            "lunch in 3 hours around mid-day, two breaks) and requests arrive all day. "
            "Default: rota when the scenario has an inbound channel or pauses are given, "
            "together otherwise."
        ),
    )
    pauses: list[Pause] | None = Field(
        None,
        description=(
            "The rota of the desk's answerers (pause_rule: rota): each pause's kind, minutes, "
            "window and most_away. Lunches sum to lunch_min, breaks to breaks_min (either may "
            "be left out: then it is their sum). Default: the default rota."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _derive_minutes(cls, data: Any) -> Any:
        """``lunch_min`` and ``breaks_min`` left out are the sums of the rota's pauses."""
        if isinstance(data, dict) and data.get("pauses"):
            sums = _pause_sums(data["pauses"])
            if sums is not None:
                data = dict(data)
                data.setdefault("lunch_min", sums[PauseKind.LUNCH.value])
                data.setdefault("breaks_min", sums[PauseKind.BREAK.value])
        return data

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
        if self.pauses is not None:
            self._check_pauses(self.pauses)
        return self

    def _check_pauses(self, pauses: list[Pause]) -> None:
        if self.pause_rule is PauseRule.TOGETHER:
            raise ValueError(
                "pauses is a rota: set pause_rule: rota (or drop pauses to pause together)"
            )
        # Windows outside the day or overlapping are the scenario's checks
        # (sim.scenario.consistency._pause_windows): there they name the pause's own line.
        for kind, field, stated in (
            (PauseKind.LUNCH, "lunch_min", self.lunch_min),
            (PauseKind.BREAK, "breaks_min", self.breaks_min),
        ):
            total = sum(p.minutes for p in pauses if p.kind is kind)
            if abs(total - stated) > 1e-9:
                noun = "lunch" if kind is PauseKind.LUNCH else "breaks"
                raise ValueError(
                    f"pauses give {total:g} minutes of {noun}, {field} says {stated:g}: "
                    f"make them agree (or leave {field} out)"
                )

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


def _hhmm(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


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
