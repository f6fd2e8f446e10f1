"""A simulated history as a CRM would export it: the four canonical tables of calibrate.contract.

``export_crm`` turns one replication of a :class:`sim.SimResult` into the deals, stage
history, activities and team tables, with exactly the columns of ``COLUMNS`` (plus
``row``), so reading them back needs no column mapping. Only what the simulation
recorded is exported, warm-up days included (a real CRM has them too). The same result
gives the same tables.

Dates: the simulator's times are wall minutes from midnight of ``calendar.start``, so an
event at minute ``t`` is on ``calendar.start + floor(t / 1440)`` days; a working-day index
``d`` is ``calendar.dates[d]``.

What each table holds (and what a round trip should take as its truth):

- **deals**: one row per deal record (open deals at the horizon's end included). ``stage``
  is the last stage the deal entered: an open deal's current stage, the stage a lost
  deal was lost at, a won deal's last stage. ``value`` is the segment's ``deal_value``
  for every deal: the amount a CRM shows on an open or lost deal too (a won deal's is
  the revenue the simulator recorded, the same figure). Fits must read revenue from won
  deals only. ``account`` is ``A`` and the deal number for a first sale; a repeat sale
  has None, because the simulator does not record which won deal it repeats.
- **stages**: one row per funnel event "entered", dated when the deal entered the stage.
- **activities**: per person, working day and channel, from the call tallies
  (``CallDayRecord``): ``dial`` (dials), ``connect``, ``conversation`` (first
  conversations, outcome None, and call-backs, outcome ``callback``: a call-back is a
  conversation again with no dial or connect of its own), ``booking`` (leads, from
  first conversations and call-backs alike) and ``other`` with outcome ``follow_up``
  (conversations that asked to be called back). From the funnel: ``meeting`` (a
  ``meeting: true`` stage whose work was done, dated when the deal left it) and
  ``proposal`` (a desk stage named like a proposal, offer or quote, dated the same
  way). Minutes: the day's call minutes (every dial and call-back) sit on the ``dial``
  row when the person called on one channel that day, and the day's meeting minutes
  (travel apart) on the ``meeting`` row when the person's meetings that day were of
  one channel; elsewhere minutes are NaN, since the simulator does not split its time
  use by channel. Rows with a count of 0 are left out (a ``dial`` row carrying
  minutes excepted).
- **team**: one row per person: ``role`` is the role id, ``unit`` None (the scenario has
  no units), ``start`` a date implied by the ramp share on day 0 (see :func:`start_date`),
  ``days_away`` the person's recorded days away scaled to a year
  (``days / horizon working days x Calendar.working_days_per_year``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from calibrate.contract import (
    COLUMNS,
    DAYS_A_MONTH,
    ROW,
    ActivityKind,
    Kind,
    Status,
    dates_of_minutes,
)
from sim import Scenario, SimResult
from sim.rules import TimeUse

__all__ = ["CALLBACK", "FOLLOW_UP", "PROPOSAL_NAMES", "export_crm", "start_date"]

CALLBACK = "callback"  # outcome of a call-back conversation (no dial or connect of its own)
FOLLOW_UP = "follow_up"  # outcome of the "other" row: conversations asking for a call-back
# A desk stage whose name holds one of these words is where a proposal is sent.
PROPOSAL_NAMES = re.compile(r"proposal|offer|quote", re.IGNORECASE)
# Months a fully ramped person has been in the seat beyond the ramp: 6 to 17, by person
# number, so that tenures differ as in a real team (any figure above the ramp would do).
TENURE_MONTHS = 6
TENURE_SPREAD = 12

# Call tallies (CallDayRecord fields) as activity rows: (kind, field, outcome).
_CALL_ROWS: tuple[tuple[ActivityKind, str, str | None], ...] = (
    (ActivityKind.DIAL, "dials", None),
    (ActivityKind.CONNECT, "connects", None),
    (ActivityKind.CONVERSATION, "first_conversations", None),
    (ActivityKind.CONVERSATION, "callbacks", CALLBACK),
    (ActivityKind.BOOKING, "leads", None),
    (ActivityKind.OTHER, "follow_ups", FOLLOW_UP),
)
# The contract's dates and numbers (calibrate.contract: every other column is text).
DATE_COLUMNS = frozenset({"created", "closed", "entered", "date", "start"})
NUMBER_COLUMNS = frozenset({"value", "count", "minutes", "days_away"})
_KIND_ORDER = {k.value: i for i, k in enumerate(ActivityKind)}


def export_crm(
    result: SimResult, scenario: Scenario, *, replication: int = 0
) -> dict[Kind, pd.DataFrame]:
    """One replication's simulated history as the four canonical CRM tables.

    Args:
        result: A simulation of ``scenario``.
        scenario: The scenario simulated (its calendar, stages and ramps date the rows).
        replication: Which replication to export.

    Returns:
        ``{Kind.DEALS: ..., Kind.STAGES: ..., Kind.ACTIVITIES: ..., Kind.TEAM: ...}``, each
        with exactly ``COLUMNS[kind]`` then ``row`` (2, 3, ...: the header is row 1).
        Dates are ``datetime64[ns]`` at day resolution, text ``object`` (None where
        empty), numbers ``float64``. What each holds: the module's docstring.

    Raises:
        ValueError: If the result has no such replication.
    """
    frames = result.frames
    if replication not in frames.replications:
        have = ", ".join(str(r) for r in frames.replications)
        raise ValueError(f"no replication {replication} in the result (it has {have})")

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["replication"] == replication].reset_index(drop=True)

    deals, funnel = pick(frames.deals), pick(frames.funnel)
    tables = {
        Kind.DEALS: _deals(scenario, deals, funnel),
        Kind.STAGES: _stages(scenario, funnel),
        Kind.ACTIVITIES: _activities(
            scenario,
            calls=pick(frames.calls),
            time_use=pick(frames.time_use),
            deals=deals,
            funnel=funnel,
        ),
        Kind.TEAM: _team(scenario, pick(frames.people), pick(frames.absences)),
    }
    return {kind: _canonical(kind, frame) for kind, frame in tables.items()}


def start_date(scenario: Scenario, role_id: str, productivity: float, number: int) -> dt.date:
    """The date a person joined, as implied by their ramp share on the horizon's first day.

    A share ``p < 1`` is month ``m`` of the role's ramp (the first month listed at ``p``):
    the person joined ``m + 0.5`` months (of 365.25 / 12 calendar days) before
    ``calendar.start``, the middle of the tenures that give ``p``. A fully ramped person
    (``p == 1``) joined ``len(ramp) + 6 + (number - 1) % 12`` months before: past the
    ramp, tenures spread by the person's number (1-based), so the same team gives the
    same dates.
    """
    ramp = scenario.roles[role_id].ramp
    shares = ramp.productivity_by_month if ramp is not None else []
    if productivity < 1.0 and productivity in shares:
        months = shares.index(productivity) + 0.5
    else:
        months = len(shares) + TENURE_MONTHS + (number - 1) % TENURE_SPREAD
    return scenario.calendar.start - dt.timedelta(days=round(months * DAYS_A_MONTH))


# --- the tables --------------------------------------------------------------------------


def _date_of_day(scenario: Scenario, days: pd.Series[int]) -> pd.Series[Any]:
    """Calendar dates of working-day indices."""
    dates = np.array(scenario.calendar.dates, dtype="datetime64[ns]")
    return pd.Series(dates[days.to_numpy(dtype=np.int64)], index=days.index)


def _deal_id(numbers: pd.Series[int]) -> pd.Series[Any]:
    return numbers.map(lambda n: f"D{int(n):06d}")


def _deals(scenario: Scenario, deals: pd.DataFrame, funnel: pd.DataFrame) -> pd.DataFrame:
    deals = deals.sort_values("deal", kind="stable").reset_index(drop=True)
    entered = funnel.loc[funnel["event"] == "entered"].sort_values(["deal", "stage"])
    last = entered.groupby("deal")["stage_name"].last()
    values = {sid: seg.deal_value for sid, seg in scenario.segments.items()}
    won = deals["outcome"] == Status.WON.value
    closed = deals["closed_min"].where(deals["closed_min"] >= 0)
    return pd.DataFrame(
        {
            "deal_id": _deal_id(deals["deal"]),
            "owner": deals["owner"],
            "created": dates_of_minutes(scenario.calendar.start, deals["created_min"]),
            "closed": dates_of_minutes(scenario.calendar.start, closed),
            "status": deals["outcome"],
            "stage": deals["deal"].map(last),
            "value": deals["value"].where(won, deals["segment"].map(values)),
            "segment": deals["segment"],
            "channel": deals["channel"],
            "account": deals["deal"].map(lambda n: f"A{int(n):06d}").where(~deals["repeat"]),
        }
    )


def _stages(scenario: Scenario, funnel: pd.DataFrame) -> pd.DataFrame:
    entered = funnel.loc[funnel["event"] == "entered"]
    entered = entered.sort_values(["deal", "stage", "time_min"], kind="stable")
    return pd.DataFrame(
        {
            "deal_id": _deal_id(entered["deal"]),
            "stage": entered["stage_name"],
            "entered": dates_of_minutes(scenario.calendar.start, entered["time_min"]),
        }
    )


def _call_rows(calls: pd.DataFrame, time_use: pd.DataFrame) -> pd.DataFrame:
    """Dials, connects, conversations, call-backs, bookings and follow-ups by channel."""
    calls = calls.assign(first_conversations=calls["conversations"] - calls["callbacks"])
    # The day's call minutes go on the dial row only when that day's calls had one channel.
    minutes = _minutes(time_use, TimeUse.CALLS)
    channels = calls.groupby(["person", "day"])["channel"].transform("size")
    keys = pd.MultiIndex.from_frame(calls[["person", "day"]])
    day_min = minutes.reindex(keys).to_numpy(dtype=np.float64)
    dial_min = np.where(channels.to_numpy() == 1, day_min, np.nan)
    parts = []
    for kind, field, outcome in _CALL_ROWS:
        count = calls[field].to_numpy(dtype=np.float64)
        mins = dial_min if kind is ActivityKind.DIAL else np.full(len(calls), np.nan)
        keep = (count > 0) | ~np.isnan(mins)
        parts.append(
            pd.DataFrame(
                {
                    "person": calls["person"].to_numpy()[keep],
                    "day": calls["day"].to_numpy()[keep],
                    "kind": kind.value,
                    "channel": calls["channel"].to_numpy()[keep],
                    "count": count[keep],
                    "minutes": mins[keep],
                    "outcome": outcome,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _minutes(time_use: pd.DataFrame, activity: TimeUse) -> pd.Series[float]:
    """Minutes per (person, day) spent on one time-use activity."""
    rows = time_use.loc[time_use["activity"] == activity.value]
    return rows.groupby(["person", "day"])["minutes"].sum()


def _stage_rows(
    scenario: Scenario, time_use: pd.DataFrame, deals: pd.DataFrame, funnel: pd.DataFrame
) -> pd.DataFrame:
    """Meetings held and proposals sent: the deals that left such a stage, by day."""
    kinds: dict[tuple[str, str], str] = {}
    for sid, seg in scenario.segments.items():
        for stage in seg.stages:
            if stage.meeting:
                kinds[(sid, stage.name)] = ActivityKind.MEETING.value
            elif PROPOSAL_NAMES.search(stage.name):
                kinds[(sid, stage.name)] = ActivityKind.PROPOSAL.value
    left = funnel.loc[funnel["event"].isin(["passed", "lost"])]
    pairs = zip(left["segment"], left["stage_name"], strict=True)
    left = left.assign(kind=[kinds.get(p, "") for p in pairs])
    left = left.loc[left["kind"] != ""]
    owner = deals.set_index("deal")["owner"]
    frame = (
        left.assign(person=left["deal"].map(owner))
        .groupby(["person", "day", "kind", "channel"], sort=True)
        .size()
        .rename("count")
        .reset_index()
    )
    frame["count"] = frame["count"].astype(np.float64)
    # The day's meeting minutes go on the meeting row when that day's meetings had one channel.
    meetings = frame["kind"] == ActivityKind.MEETING.value
    rows = frame.loc[meetings, ["person", "day"]]
    single = rows.groupby(["person", "day"])["day"].transform("size") == 1
    day_min = _minutes(time_use, TimeUse.MEETING).reindex(pd.MultiIndex.from_frame(rows))
    frame["minutes"] = np.nan
    frame.loc[meetings, "minutes"] = np.where(single, day_min.to_numpy(dtype=np.float64), np.nan)
    frame["outcome"] = None
    return frame


def _activities(
    scenario: Scenario,
    *,
    calls: pd.DataFrame,
    time_use: pd.DataFrame,
    deals: pd.DataFrame,
    funnel: pd.DataFrame,
) -> pd.DataFrame:
    rows = pd.concat(
        [_call_rows(calls, time_use), _stage_rows(scenario, time_use, deals, funnel)],
        ignore_index=True,
    )
    rows["order"] = rows["kind"].map(_KIND_ORDER)
    rows["callback"] = rows["outcome"].notna()
    rows = rows.sort_values(["day", "person", "channel", "order", "callback"], kind="stable")
    rows = rows.reset_index(drop=True)
    return rows.assign(date=_date_of_day(scenario, rows["day"]))


def _team(scenario: Scenario, people: pd.DataFrame, absences: pd.DataFrame) -> pd.DataFrame:
    away = absences.groupby("person").size()
    per_year = scenario.calendar.working_days_per_year / scenario.calendar.horizon_days
    starts = [
        start_date(scenario, role, p, int(pid.rsplit(".", 1)[1]))
        for pid, role, p in zip(
            people["person"], people["role"], people["start_productivity"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "person": people["person"],
            "role": people["role"],
            "manager": _text(people["manager"], empty=people["manager"] == ""),
            "unit": None,
            "start": pd.to_datetime(pd.Series(starts, dtype=object)),
            "days_away": people["person"].map(away).fillna(0).to_numpy(np.float64) * per_year,
            "level": people["level"],
        }
    )


def _canonical(kind: Kind, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the contract's columns and dtypes, then ``row`` (the file row, from 2)."""
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in COLUMNS[kind]:
        values = frame[column].reset_index(drop=True)
        if column in DATE_COLUMNS:
            out[column] = pd.to_datetime(values).astype("datetime64[ns]")
        elif column in NUMBER_COLUMNS:
            out[column] = values.astype(np.float64)
        else:
            out[column] = _text(values, empty=values.isna())
    out[ROW] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return out


def _text(values: pd.Series[Any], empty: pd.Series[bool]) -> pd.Series[Any]:
    """An object column with None where ``empty`` (the contract's empty text)."""
    text = values.to_numpy(dtype=object).copy()
    text[empty.to_numpy(dtype=bool)] = None
    return pd.Series(text, index=values.index, dtype=object)
