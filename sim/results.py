"""The records of many replications turned into tidy DataFrames, once, at the end.

Each replication's record lists are first turned into column arrays
(:func:`to_columns`, cheap to pickle back from a worker process); :func:`build_frames`
then joins the arrays of every replication with one ``np.concatenate`` per column, so
no frame is ever grown in a loop. Every frame is long (tidy) and starts with the
``scenario``, ``replication`` and ``seed`` columns.

Definitions used downstream (KPIs, the dashboard):

- **busy minutes** of a person-day: every activity except ``idle`` and ``absent``
  (overtime is work, so it counts as busy);
- **available minutes** of a person-day: the working day's ``available_min`` (hours
  less breaks) when the person is present, 0 on a day of absence;
- **utilisation** over any set of person-days: the sum of busy minutes over the sum of
  available minutes (time-weighted; never a mean of daily ratios). It can exceed 1
  with overtime;
- **counted months**: calendar months whose working days all lie inside the horizon
  and after the warm-up, so that a month's revenue is compared with a whole month's
  plan;
- **attainment** of a month: revenue of the deals won (closed) in that month over
  ``plan.target_for_month(month)``; of a person: their won revenue in the counted
  months over their share of the counted plan, the share being their role's
  ``sells`` over the sum of ``sells`` of everyone in the team;
- **margin** of a month: the sum of its won deals' value x their segment's
  ``sim.rules.deals.margin_share`` (the revenue when no segment states a gross margin);
  ``revenue_month`` has deals won, revenue and margin for every month of the horizon,
  counted or not (the lead-in of a month-by-month chart);
- **inbound requests**: ``waits`` has each request's ``channel`` and ``outcome``
  (``sim.rules.activities.Outcome``) and the derived ``weekday``, ``interval``,
  ``carried`` and ``overtime``; ``inbound_intervals`` counts them by replication,
  channel, weekday and interval of the open day (:mod:`sim.inbound_intervals`);
- **headcount** by month and role (``headcount_month``): people in seat, present,
  ramping and ramped, their summed ramp shares, joiners and leavers, from the ``spells``
  (:mod:`sim.headcount`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, get_type_hints

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.headcount import headcount_month
from sim.inbound_intervals import add_wait_columns, inbound_intervals
from sim.records import (
    AbsenceRecord,
    CallDayRecord,
    DealRecord,
    FunnelRecord,
    PersonRecord,
    SpellRecord,
    TimeUseRecord,
    WaitRecord,
)
from sim.rules import unit_plan
from sim.rules.activities import NOT_BUSY, TimeUse
from sim.rules.deals import margin_share
from sim.scenario import Scenario

__all__ = [
    "NOT_BUSY",
    "Frames",
    "Records",
    "ReplicationColumns",
    "Window",
    "build_frames",
    "counted_months",
    "to_columns",
]


RECORD_TYPES: dict[str, type[NamedTuple]] = {
    "people": PersonRecord,
    "spells": SpellRecord,
    "time_use": TimeUseRecord,
    "calls": CallDayRecord,
    "funnel": FunnelRecord,
    "deals": DealRecord,
    "waits": WaitRecord,
    "absences": AbsenceRecord,
}
_DTYPES: dict[type, Any] = {str: object, int: np.int64, float: np.float64, bool: np.bool_}
_FIELD_DTYPES = {
    name: [(f, _DTYPES[t]) for f, t in get_type_hints(rtype).items()]
    for name, rtype in RECORD_TYPES.items()
}
KEYS = ["scenario", "replication", "seed"]

Column = NDArray[Any]


class Records(Protocol):
    """What one replication of the model returns (``sim.model.RunRecords``)."""

    @property
    def people(self) -> Sequence[PersonRecord]: ...  # noqa: D102
    @property
    def spells(self) -> Sequence[SpellRecord]: ...  # noqa: D102
    @property
    def time_use(self) -> Sequence[TimeUseRecord]: ...  # noqa: D102
    @property
    def calls(self) -> Sequence[CallDayRecord]: ...  # noqa: D102
    @property
    def funnel(self) -> Sequence[FunnelRecord]: ...  # noqa: D102
    @property
    def deals(self) -> Sequence[DealRecord]: ...  # noqa: D102
    @property
    def waits(self) -> Sequence[WaitRecord]: ...  # noqa: D102
    @property
    def absences(self) -> Sequence[AbsenceRecord]: ...  # noqa: D102
    @property
    def horizon_min(self) -> float: ...  # noqa: D102
    @property
    def day_starts_min(self) -> Sequence[float]: ...  # noqa: D102
    @property
    def warmup_days(self) -> int: ...  # noqa: D102


@dataclass(frozen=True, eq=False)
class ReplicationColumns:
    """One replication's records as column arrays, keyed by table and field."""

    replication: int
    seed: int
    tables: dict[str, dict[str, Column]]
    horizon_min: float
    day_starts_min: NDArray[np.float64]
    warmup_days: int

    def rows(self, table: str) -> int:
        """Number of records in a table."""
        first = next(iter(self.tables[table].values()))
        return len(first)


def to_columns(records: Records, replication: int, seed: int) -> ReplicationColumns:
    """Transpose a replication's record lists into typed column arrays."""
    tables: dict[str, dict[str, Column]] = {}
    for name, fields in _FIELD_DTYPES.items():
        rows = getattr(records, name)
        values = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
        tables[name] = {f: np.asarray(v, dtype=d) for (f, d), v in zip(fields, values, strict=True)}
    return ReplicationColumns(
        replication=replication,
        seed=seed,
        tables=tables,
        horizon_min=float(records.horizon_min),
        day_starts_min=np.asarray(records.day_starts_min, dtype=np.float64),
        warmup_days=int(records.warmup_days),
    )


def join_columns(parts: Sequence[ReplicationColumns]) -> ReplicationColumns:
    """One replication's columns from its parts' (sim.rules.split), in the parts' order.

    What ``to_columns`` gives of the whole run's records (sim.model.replication keeps a
    run of several parts in part order), table by table and field by field.
    """
    first = parts[0]
    if len(parts) == 1:
        return first
    tables = {
        name: {f: np.concatenate([p.tables[name][f] for p in parts]) for f in fields}
        for name, fields in first.tables.items()
    }
    return replace(first, tables=tables)


@dataclass(frozen=True)
class Window:
    """The stretch of the horizon that KPIs count, and the calendar facts they need."""

    warmup_days: int
    horizon_days: int
    counted_months: tuple[int, ...]
    available_min_per_day: float
    month_of_day: tuple[int, ...]

    @property
    def counted_days(self) -> int:
        """Working days after the warm-up."""
        return self.horizon_days - self.warmup_days


@dataclass(frozen=True, eq=False)
class Frames:
    """The tidy tables of a set of replications."""

    people: pd.DataFrame
    spells: pd.DataFrame
    time_use: pd.DataFrame
    calls: pd.DataFrame
    funnel: pd.DataFrame
    deals: pd.DataFrame
    waits: pd.DataFrame
    absences: pd.DataFrame
    utilisation_day: pd.DataFrame
    utilisation_week: pd.DataFrame
    attainment_month: pd.DataFrame
    attainment_person: pd.DataFrame
    headcount_month: pd.DataFrame
    revenue_month: pd.DataFrame
    inbound_intervals: pd.DataFrame
    window: Window
    replications: tuple[int, ...]
    seeds: tuple[int, ...]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in a stable order (for writing them out)."""
        names = [*RECORD_TYPES, "utilisation_day", "utilisation_week"]
        names += ["attainment_month", "attainment_person", "headcount_month", "revenue_month"]
        names += ["inbound_intervals"]
        return {n: getattr(self, n) for n in names}


# --- the calendar ---------------------------------------------------------------------


def _has_working_day(scenario: Scenario, first: dt.date, last: dt.date) -> bool:
    """Whether any day in [first, last] is a working day of the scenario's calendar."""
    cal = scenario.calendar
    day = first
    while day <= last:
        if cal.is_working_day(day):
            return True
        day += dt.timedelta(days=1)
    return False


def counted_months(scenario: Scenario, warmup_days: int) -> tuple[int, ...]:
    """Month indices whose working days all lie inside the horizon and after the warm-up."""
    dates = scenario.calendar.working_dates()
    months = scenario.months
    counted = []
    for month in sorted(set(months)):
        days = [d for d, m in enumerate(months) if m == month]
        first, last = dates[days[0]], dates[days[-1]]
        month_start = first.replace(day=1)
        next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
        before = first > month_start and _has_working_day(
            scenario, month_start, first - dt.timedelta(days=1)
        )
        after = _has_working_day(
            scenario, last + dt.timedelta(days=1), next_month - dt.timedelta(days=1)
        )
        if days[0] >= warmup_days and not before and not after:
            counted.append(month)
    return tuple(counted)


def _weeks(scenario: Scenario) -> NDArray[np.int64]:
    """For each working day, the 0-based index of its Monday-to-Sunday week."""
    dates = scenario.calendar.working_dates()
    monday = dates[0] - dt.timedelta(days=dates[0].weekday())
    return np.array([(d - monday).days // 7 for d in dates], dtype=np.int64)


# --- building the frames --------------------------------------------------------------


def _join(scenario: Scenario, parts: Sequence[ReplicationColumns], table: str) -> pd.DataFrame:
    """One table of every replication, keys first, columns joined once."""
    lengths = [p.rows(table) for p in parts]
    data: dict[str, Any] = {
        "scenario": np.full(sum(lengths), scenario.name, dtype=object),
        "replication": np.repeat([p.replication for p in parts], lengths).astype(np.int64),
        "seed": np.repeat([p.seed for p in parts], lengths).astype(np.int64),
    }
    for field in RECORD_TYPES[table]._fields:
        data[field] = np.concatenate([p.tables[table][field] for p in parts])
    return pd.DataFrame(data)


def _day_of(day_starts: NDArray[np.float64], minutes: pd.Series[float]) -> NDArray[np.int64]:
    """Working day (0-based) in which each minute falls; before day 0 counts as day 0."""
    index = np.searchsorted(day_starts, minutes.to_numpy(dtype=np.float64), side="right") - 1
    return np.clip(index, 0, len(day_starts) - 1).astype(np.int64)


def build_frames(scenario: Scenario, parts: Sequence[ReplicationColumns]) -> Frames:
    """The tidy tables of a set of replications (ordered as given)."""
    if not parts:
        raise ValueError("build_frames needs at least one replication")
    day_starts = parts[0].day_starts_min
    horizon_days = len(day_starts)
    months = np.asarray(scenario.months[:horizon_days], dtype=np.int64)
    weeks = _weeks(scenario)[:horizon_days]
    window = Window(
        warmup_days=parts[0].warmup_days,
        horizon_days=horizon_days,
        counted_months=counted_months(scenario, parts[0].warmup_days),
        available_min_per_day=scenario.calendar.workday.available_min,
        month_of_day=tuple(int(m) for m in months),
    )
    raw = {t: _join(scenario, parts, t) for t in RECORD_TYPES}
    people = raw["people"]
    people["sells"] = (
        people["role"].map({rid: r.sells for rid, r in scenario.roles.items()}).fillna(0.0)
    )
    roles = people.drop_duplicates("person").set_index("person")

    time_use = raw["time_use"]
    time_use.insert(4, "role", time_use["person"].map(roles["role"]))
    time_use.insert(5, "level", time_use["person"].map(roles["level"]))
    time_use.insert(7, "week", weeks[time_use["day"].to_numpy()])
    time_use.insert(8, "month", months[time_use["day"].to_numpy()])

    calls = raw["calls"]
    calls.insert(5, "week", weeks[calls["day"].to_numpy()])
    calls.insert(6, "month", months[calls["day"].to_numpy()])

    funnel = raw["funnel"]
    funnel["day"] = _day_of(day_starts, funnel["time_min"])
    funnel["month"] = months[funnel["day"].to_numpy()]

    deals = _deals(raw["deals"], day_starts, months)
    waits = raw["waits"]
    waits["day"] = _day_of(day_starts, waits["arrived_min"])
    waits["month"] = months[waits["day"].to_numpy()]
    # Working day the wait ended (-1: never started), so carried-over waits can be told apart.
    started = waits["started_min"] >= 0
    waits["started_day"] = np.where(started, _day_of(day_starts, waits["started_min"]), -1)
    add_wait_columns(scenario, waits, day_starts)

    absences = raw["absences"]
    absences.insert(5, "week", weeks[absences["day"].to_numpy()])
    absences.insert(6, "month", months[absences["day"].to_numpy()])

    util_day = _utilisation_day(time_use, absences, window.available_min_per_day)
    seeds = {p.replication: p.seed for p in parts}
    frames = Frames(
        people=people,
        spells=raw["spells"],
        time_use=time_use,
        calls=calls,
        funnel=funnel,
        deals=deals,
        waits=waits,
        absences=absences,
        utilisation_day=util_day,
        utilisation_week=_utilisation_week(util_day),
        attainment_month=attainment_month(scenario, deals, seeds, window),
        attainment_person=_attainment_person(scenario, deals, people, window),
        headcount_month=headcount_month(
            scenario,
            people=people,
            spells=raw["spells"],
            absences=absences,
            months=months,
            seeds=seeds,
        ),
        revenue_month=revenue_month(scenario, deals, seeds, window),
        inbound_intervals=inbound_intervals(
            scenario,
            waits,
            seeds=seeds,
            horizon_days=horizon_days,
            warmup_days=window.warmup_days,
        ),
        window=window,
        replications=tuple(p.replication for p in parts),
        seeds=tuple(p.seed for p in parts),
    )
    _add_org_units(frames, scenario)
    return frames


def _add_org_units(frames: Frames, scenario: Scenario) -> None:
    """An ``org_unit`` column, last, in every table of people, roles or deals (issue 14).

    A person's unit is their role's ``unit``; a deal's (and its funnel's) its owner's at
    the end; an approval's or escalation's wait the asking owner's; an inbound request's
    and an interval's its channel's (the desk's unit: ``Channel.unit``). "" outside the
    units and in a team without them.
    """
    role_unit = {rid: r.unit or "" for rid, r in scenario.roles.items()}
    person_unit = frames.people.drop_duplicates("person").set_index("person")["role"]
    person_unit = person_unit.map(role_unit)
    for table in (
        frames.people,
        frames.spells,
        frames.time_use,
        frames.calls,
        frames.absences,
        frames.utilisation_day,
        frames.utilisation_week,
        frames.attainment_person,
    ):
        table["org_unit"] = _units_of(table["person"], person_unit)
    frames.headcount_month["org_unit"] = frames.headcount_month["role"].map(role_unit)
    frames.deals["org_unit"] = _units_of(frames.deals["owner"], person_unit)
    owner_unit = frames.deals.set_index(["replication", "deal"])["org_unit"]
    pairs = pd.MultiIndex.from_frame(frames.funnel[["replication", "deal"]])
    frames.funnel["org_unit"] = owner_unit.reindex(pairs).fillna("").to_numpy(dtype=object)
    # An approval's or escalation's owner, an inbound request's channel (its desk's unit).
    channel_unit = pd.Series({cid: ch.unit or "" for cid, ch in scenario.channels.items()})
    waits = frames.waits
    by_owner = _units_of(waits["owner"], person_unit)
    by_channel = waits["channel"].map(channel_unit).fillna("").to_numpy(dtype=object)
    waits["org_unit"] = np.where(waits["owner"] != "", by_owner, by_channel)
    intervals = frames.inbound_intervals
    intervals["org_unit"] = intervals["channel"].map(channel_unit).fillna("").to_numpy(dtype=object)


def _units_of(persons: pd.Series, person_unit: pd.Series) -> NDArray[Any]:
    return persons.map(person_unit).fillna("").to_numpy(dtype=object)


def _deals(
    deals: pd.DataFrame, day_starts: NDArray[np.float64], months: NDArray[np.int64]
) -> pd.DataFrame:
    closed = deals["closed_min"] >= 0
    deals["created_day"] = _day_of(day_starts, deals["created_min"])
    close_day = _day_of(day_starts, deals["closed_min"])
    deals["closed_day"] = np.where(closed, close_day, -1)
    deals["close_month"] = np.where(closed, months[close_day], -1)
    deals["cycle_min"] = np.where(closed, deals["closed_min"] - deals["created_min"], np.nan)
    deals["cycle_days"] = deals["cycle_min"] / (24 * 60)
    return deals


def _utilisation_day(
    time_use: pd.DataFrame, absences: pd.DataFrame, available_min: float
) -> pd.DataFrame:
    """Busy and available minutes per person and day (rows where the person has records)."""
    keys = [*KEYS, "person", "role", "level", "day", "week", "month"]
    busy = time_use["minutes"].where(~time_use["activity"].isin(NOT_BUSY), 0.0)
    absent = time_use["minutes"].where(time_use["activity"] == TimeUse.ABSENT.value, 0.0)
    frame = (
        time_use[keys]
        .assign(busy_min=busy, absent_min=absent)
        .groupby(keys, sort=True, dropna=False)[["busy_min", "absent_min"]]
        .sum()
        .reset_index()
    )
    away = pd.MultiIndex.from_frame(absences[["replication", "person", "day"]])
    day_keys = pd.MultiIndex.from_frame(frame[["replication", "person", "day"]])
    present = ~day_keys.isin(away) & (frame["absent_min"].to_numpy() <= 0.0)
    frame["available_min"] = np.where(present, available_min, 0.0)
    frame = frame.drop(columns="absent_min")
    frame["utilisation"] = _ratio(frame["busy_min"], frame["available_min"])
    return frame


def _utilisation_week(util_day: pd.DataFrame) -> pd.DataFrame:
    keys = [*KEYS, "person", "role", "level", "week"]
    frame = util_day.groupby(keys, sort=True)[["busy_min", "available_min"]].sum().reset_index()
    frame["utilisation"] = _ratio(frame["busy_min"], frame["available_min"])
    return frame


def _ratio(num: pd.Series[float], den: pd.Series[float]) -> NDArray[np.float64]:
    n, d = num.to_numpy(dtype=np.float64), den.to_numpy(dtype=np.float64)
    out = np.full(len(n), np.nan)
    np.divide(n, d, out=out, where=d > 0)
    return out


def _won_in_counted(deals: pd.DataFrame, window: Window) -> pd.DataFrame:
    won = (deals["outcome"] == "won") & deals["close_month"].isin(window.counted_months)
    return deals.loc[won]


def _won_by_month(scenario: Scenario, won: pd.DataFrame) -> pd.DataFrame:
    """Deals won, revenue and margin of won deals by (replication, close month)."""
    shares = {sid: margin_share(scenario, sid) for sid in scenario.segments}
    margin = won["value"] * won["segment"].map(shares).astype(np.float64)
    grouped = won.assign(margin=margin).groupby(["replication", "close_month"])
    return pd.DataFrame(
        {
            "deals_won": grouped.size(),
            "revenue": grouped["value"].sum(),
            "margin": grouped["margin"].sum(),
        }
    )


def _month_grid(
    scenario: Scenario, seeds: dict[int, int], months: Sequence[int], won: pd.DataFrame
) -> pd.DataFrame:
    """Keys, month, deals_won and revenue for every replication and month (zeros included)."""
    grid = pd.MultiIndex.from_product([list(seeds), list(months)], names=["replication", "month"])
    frame = pd.DataFrame(index=grid).reset_index()
    frame.insert(0, "scenario", scenario.name)
    frame.insert(2, "seed", frame["replication"].map(seeds).astype(np.int64))
    pairs = pd.MultiIndex.from_frame(frame[["replication", "month"]])
    by_month = _won_by_month(scenario, won).reindex(pairs)
    frame["deals_won"] = by_month["deals_won"].fillna(0).to_numpy(dtype=np.int64)
    frame["revenue"] = by_month["revenue"].fillna(0.0).to_numpy(dtype=np.float64)
    frame["margin"] = by_month["margin"].fillna(0.0).to_numpy(dtype=np.float64)
    return frame


def attainment_month(
    scenario: Scenario,
    deals: pd.DataFrame,
    seeds: dict[int, int],
    window: Window,
    targets: pd.Series | None = None,
) -> pd.DataFrame:
    """Revenue, attainment and margin for every replication and counted month (zeros too).

    ``targets`` (index: replication, month; scenario currency): the plan the deals answer
    for, an organisational unit's (``sim.unit_results``, ``sim.rules.unit_plan``);
    ``None``: the team's plan.
    """
    frame = _month_grid(scenario, seeds, window.counted_months, _won_in_counted(deals, window))
    margin = frame.pop("margin")
    if targets is None:
        # Once per month, not per row: a month's plan is the same in every replication.
        plans = {m: scenario.plan_target(m) for m in window.counted_months}
        frame["target"] = frame["month"].map(plans).to_numpy(dtype=np.float64)
    else:
        pairs = pd.MultiIndex.from_frame(frame[["replication", "month"]])
        frame["target"] = targets.reindex(pairs).to_numpy(dtype=np.float64)
    frame["attainment"] = frame["revenue"] / frame["target"]
    frame["margin"] = margin
    return frame


def revenue_month(
    scenario: Scenario, deals: pd.DataFrame, seeds: dict[int, int], window: Window
) -> pd.DataFrame:
    """Deals won, revenue and margin of every month of the horizon, counted or not."""
    months = range(max(window.month_of_day) + 1)
    frame = _month_grid(scenario, seeds, months, deals.loc[deals["outcome"] == "won"])
    frame.insert(4, "label", [scenario.month_label(m) for m in frame["month"]])
    frame.insert(5, "counted", frame["month"].isin(window.counted_months))
    return frame


def selling_capacity(people: pd.DataFrame) -> pd.Series:
    """Sum of ``sells`` (selling share) of each replication's people (index: replication).

    The one measure of a plan's share: a person's target is the plan times their
    ``sells`` over the team's (``attainment_person``), an organisational unit's the plan
    times its people's over the team's (``sim.unit_results``).
    """
    return people.groupby("replication")["sells"].sum()


def _attainment_person(
    scenario: Scenario, deals: pd.DataFrame, people: pd.DataFrame, window: Window
) -> pd.DataFrame:
    """Each selling person's won revenue over their share of the counted plan.

    Their share of their plan holder's rest (``sim.rules.unit_plan``): the team's plan, or
    the nearest unit's at or above theirs that states one, less the plans stated under it,
    by selling share over the holder's sellers'.
    """
    holders = {rid: unit_plan.holder(scenario, r.unit) for rid, r in scenario.roles.items()}
    plans = {
        h: sum(unit_plan.rest(scenario, h, m) for m in window.counted_months)
        for h in set(holders.values())
    }
    sellers = people.loc[people["sells"] > 0, [*KEYS, "person", "role", "level", "sells"]]
    sellers = sellers.reset_index(drop=True)
    # "" for the team's plan: a group key cannot be None.
    holder = sellers["role"].map({rid: h or "" for rid, h in holders.items()})
    holder_sells = sellers.groupby([sellers["replication"], holder])["sells"].transform("sum")
    plan = holder.map({h or "": p for h, p in plans.items()}).to_numpy(dtype=np.float64)
    won = _won_in_counted(deals, window)
    revenue = won.groupby(["replication", "owner"])["value"].sum()
    pairs = pd.MultiIndex.from_frame(sellers[["replication", "person"]])
    sellers["revenue"] = revenue.reindex(pairs, fill_value=0.0).to_numpy(dtype=np.float64)
    sellers["target"] = plan * sellers["sells"] / holder_sells.to_numpy(dtype=np.float64)
    sellers["attainment"] = _ratio(sellers["revenue"], sellers["target"])
    return sellers
