"""The contract between the parts of calibration: the canonical record tables and findings.

Every input (a CRM's deals, its stage history, activities or work-day cards, the team
list) is first normalised (calibrate.records) into one of these tables, whatever the
CRM called its columns; the fits read only these; the simulator's own export
(calibrate.crm) writes exactly these, so a round trip needs no mapping.

Tables are pandas DataFrames with exactly the columns below (in this order), plus
``row``: the 1-based row of the record in its source file (the header is row 1, so the
first record is row 2; in a workbook, the sheet's row), so that every message can name it.

Dates are ``datetime64[ns]`` at day resolution (NaT where empty); text columns are
``object`` (str, or None where empty); numbers ``float64`` (NaN where empty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd


class Kind(StrEnum):
    """The four kinds of input a team has."""

    DEALS = "deals"
    STAGES = "stages"
    ACTIVITIES = "activities"
    TEAM = "team"


class Status(StrEnum):
    """A deal's status in the canonical deals table."""

    WON = "won"
    LOST = "lost"
    OPEN = "open"


class ActivityKind(StrEnum):
    """Kinds of activity (work-day card lines) the fits read; anything else is "other"."""

    DIAL = "dial"  # an outbound attempt (a call made, answered or not)
    CONNECT = "connect"  # a dial that reached a live person
    CONVERSATION = "conversation"  # a connect that became a conversation
    BOOKING = "booking"  # a conversation that booked the first stage (a meeting, a lead)
    MEETING = "meeting"  # an in-person meeting held
    PROPOSAL = "proposal"  # a proposal or quote sent
    OTHER = "other"


# Canonical columns of each table, in order ("row" is added after them).
COLUMNS: dict[Kind, tuple[str, ...]] = {
    # deal_id: unique; owner: person id; created: when it entered the first stage;
    # closed: NaT while open; status: won, lost, open; stage: the open deal's current
    # stage, or the stage a lost deal was lost at (the scenario's stage name once
    # mapped; the CRM's own name where it maps to no stage of the scenario, so that the
    # funnel can tell an unknown stage from none; None if empty); value: revenue when
    # won (NaN if unknown).
    Kind.DEALS: (
        "deal_id",
        "owner",
        "created",
        "closed",
        "status",
        "stage",
        "value",
        "segment",
        "channel",
        "account",
    ),
    # One row per deal and stage it entered, with the date it entered it (a stage that
    # maps to no stage of the scenario keeps the CRM's name, as in deals).
    Kind.STAGES: ("deal_id", "stage", "entered"),
    # One row per activity (count 1) or per person, day and kind (count n); minutes is
    # the time spent on them all (NaN if not recorded); outcome is free text.
    Kind.ACTIVITIES: ("person", "date", "kind", "channel", "count", "minutes", "outcome"),
    # One row per person: role (title or role id), manager (a person id or None), unit
    # (office, branch), start (date they joined), days_away (a year, NaN if unknown),
    # level (line, lower, middle, top, or None when only titles are known).
    Kind.TEAM: ("person", "role", "manager", "unit", "start", "days_away", "level"),
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.DEALS: ("deal_id", "owner", "created", "status"),
    Kind.STAGES: ("deal_id", "stage", "entered"),
    Kind.ACTIVITIES: ("person", "date", "kind"),
    Kind.TEAM: ("person", "role"),
}
ROW = "row"


@dataclass(frozen=True)
class RowProblem:
    """Something wrong in an input file: where (file, row, column) and what was expected."""

    source: str  # the file's name as given
    row: int | None  # 1-based row in the file (None: the file as a whole)
    column: str | None  # the column as the file names it
    message: str
    fatal: bool = False  # True: the file cannot be used at all (no rows are read)
    # True: not a problem but an explanation of what was assumed (why a built scenario's
    # channel is of its kind): shown as a note, never counted among the warnings.
    note: bool = False
    # What a run of such rows is called, "noun: what was done" ("duplicate deal id: the
    # first of each kept"): the terminal says one file's rows of a group as one line.
    group: str = ""

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}:{self.row}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Records:
    """The normalised inputs: any subset of the four tables, and what could not be used.

    ``dropped`` counts rows left out per table (each also has a RowProblem that says why),
    so a report can say how much of the data the fits rest on.
    """

    deals: pd.DataFrame | None = None
    stages: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    team: pd.DataFrame | None = None
    problems: tuple[RowProblem, ...] = ()
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Fit:
    """One fitted value: where it goes in the scenario, with its sample and 95 % interval.

    ``path`` is the scenario field path (as ``--set`` writes it, list items by name);
    ``note`` is the comment written beside the value, e.g. "fitted: 388 won of 946
    closed, 95 % 0.38-0.44".
    """

    path: tuple[str | int, ...]
    value: object
    n: int
    low: float | None
    high: float | None
    note: str


@dataclass(frozen=True)
class Unwritten:
    """A fit the scenario language cannot hold yet (units, start dates, seasonality)."""

    what: str
    fit: str  # the fitted figure in words
    why: str = "no field yet"


@dataclass(frozen=True)
class Kept:
    """A scenario value the records cannot tell: the base's value stays (an assumption)."""

    path: tuple[str | int, ...]
    why: str  # e.g. "no activities file", "fewer than 5 closed deals"


# Per-person estimates (Calibration.people), one row per person who owns deals or logs
# activities: person, role, deals (created), closed, won, win_rate (raw won/closed),
# win_low, win_high (95 % Wilson of the raw rate), conversion_x (empirical-Bayes
# multiplier on the team's win rate, shrunk), conversion_x_raw, duration_x (shrunk
# multiplier on our working minutes against the role's, from activity minutes; 1 where
# not measured), dials_per_day (NaN without activities),
# revenue_per_month, persona (the persona the person was assigned to).
PEOPLE_COLUMNS: tuple[str, ...] = (
    "person",
    "role",
    "deals",
    "closed",
    "won",
    "win_rate",
    "win_low",
    "win_high",
    "conversion_x",
    "conversion_x_raw",
    "duration_x",
    "dials_per_day",
    "revenue_per_month",
    "persona",
)


@dataclass(frozen=True)
class Calibration:
    """What the records tell about a scenario: fits to write, what stays, what cannot go in.

    ``fits`` are applied onto the base scenario by path (calibrate.writer); ``kept`` lists
    the base's values the records cannot tell; ``unwritten`` the fits the scenario
    language cannot hold yet. ``people`` has PEOPLE_COLUMNS; ``warnings`` what a front
    end must say beside them. ``period`` is the first and
    last date the records cover (the back-test's horizon); ``dated`` is False when the
    records hold no dated deal or activity (a team file alone): ``period`` is then the
    base's first day standing in, and reports say there is no period.
    """

    fits: tuple[Fit, ...]
    kept: tuple[Kept, ...]
    unwritten: tuple[Unwritten, ...]
    people: pd.DataFrame
    period: tuple[pd.Timestamp, pd.Timestamp]
    dated: bool = True
    # Warnings the fits raise (two measures of one value that disagree): the front ends
    # add them to the records' problems, so that the terminal and the report say them.
    warnings: tuple[RowProblem, ...] = ()

    def period_words(self) -> str:
        """The period in words: "the records of 2027-01-04 to 2027-06-04", or none."""
        if not self.dated:
            return "the records (no dated deal or activity: no period)"
        first, last = (pd.Timestamp(t).date() for t in self.period)
        return f"the records of {first} to {last}"


def record_dates(records: Records) -> pd.Series:
    """Every date the deals, stage history and activities hold (NaT left out).

    The one definition of the records' period (its min and max) for the fits, the
    report, the back-test and a scenario built from the records. Team start dates are
    left out: a person may have joined years before the records.
    """
    parts: list[pd.Series] = []
    if records.deals is not None:
        parts += [records.deals["created"], records.deals["closed"]]
    if records.stages is not None:
        parts.append(records.stages["entered"])
    if records.activities is not None:
        parts.append(records.activities["date"])
    parts = [p.dropna() for p in parts]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.Series([], dtype="datetime64[ns]")
    joined: pd.Series = pd.concat(parts, ignore_index=True)
    return joined


# The package's units: the simulator's times are minutes from midnight of
# calendar.start (sim.model.clock), so a date is start + minutes // MINUTES_A_DAY days;
# a month of records or of tenure is an average calendar month.
MINUTES_A_DAY = 1440.0
DAYS_A_MONTH = 365.25 / 12.0


def dates_of_minutes(start: dt.date, minutes: pd.Series) -> pd.Series:
    """Calendar dates of the simulator's wall minutes from midnight of ``start``.

    NaT where a minute is NaN or negative (an open deal's ``closed_min`` of -1).
    """
    days = np.floor(minutes.to_numpy(dtype=np.float64) / MINUTES_A_DAY)
    days = np.where(days >= 0, days, np.nan)
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(days, unit="D"), index=minutes.index)
