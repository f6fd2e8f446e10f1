"""The calendar: which days are worked and how long a working day is."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Frozen, NonNegFloat, NonNegInt


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


_WEEKDAYS = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]


class Calendar(Frozen):
    """The horizon in working days, the working week, holidays and the warm-up."""

    start: dt.date = Field(description="First calendar day of the horizon.")
    horizon_days: int = Field(ge=1, le=2000, description="Working days simulated.")
    warmup_days: NonNegInt = Field(
        0, description="Working days at the start that fill the pipeline and are not counted."
    )
    weekdays: list[Weekday] = Field(
        default_factory=lambda: list(_WEEKDAYS), min_length=1, description="Days worked."
    )
    holidays: list[dt.date] = Field(default_factory=list, description="Public holidays.")
    workday: Workday = Field(default_factory=Workday, description="The working day.")

    @model_validator(mode="after")
    def _warmup_inside(self) -> Calendar:
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than "
                f"horizon_days ({self.horizon_days})"
            )
        return self

    def working_dates(self) -> list[dt.date]:
        """The dates of the working days of the horizon, in order."""
        worked = {list(Weekday).index(w) for w in self.weekdays}
        holidays = set(self.holidays)
        dates: list[dt.date] = []
        day = self.start
        while len(dates) < self.horizon_days:
            if day.weekday() in worked and day not in holidays:
                dates.append(day)
            day += dt.timedelta(days=1)
        return dates
