"""Headcount by month: who was in seat, at work, ramping and ramped, from the run's spells.

The simulated twin of ``sim.rules.staffing.role_month`` (issue 12, stage S9;
docs/dev/hiring_plan.md, section 4.9), one row per replication, month of the horizon
(counted or not) and role, every role of the scenario. Means are over the month's working
days in the horizon, in people:

- ``in_seat``: people holding their seat (spells), away or not;
- ``present``: ``in_seat`` less the days away (``absences``: a day away is recorded only
  in seat);
- ``ramping`` and ``ramped``: people in seat below and at full ramp share;
  ``in_seat = ramping + ramped``;
- ``productive``: the summed ramp shares of the people in seat
  (``sim.rules.people.ramp_productivity`` of the working days since each spell's
  ``tenure_from``, as the simulator's ``Person.productivity`` reads it), so for one
  person it is ``sim.rules.staffing.month_productivity``; days away do not lower it
  (``present`` says those);
- ``joiners`` and ``leavers``: counts, not means. A planned joiner in the month of
  ``PersonRecord.joined_day``, a planned leaver in that of ``left_day``, and a leaver
  replaced (a spell of the person after the first, before the last) on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.rules.people import ramp_productivity
from sim.scenario import Scenario

KEYS = ["scenario", "replication", "seed"]
COLUMNS = [
    *KEYS,
    *("month", "label", "role", "level", "in_seat", "present", "ramping", "ramped"),
    *("productive", "joiners", "leavers"),
]


def headcount_month(
    scenario: Scenario,
    *,
    people: pd.DataFrame,
    spells: pd.DataFrame,
    absences: pd.DataFrame,
    months: NDArray[np.int64],
    seeds: dict[int, int],
) -> pd.DataFrame:
    """The ``headcount_month`` frame (see the module): replications x months x roles.

    ``months`` is the month index of each working day of the horizon, ``seeds`` the seed
    of each replication, in order.
    """
    role_of = people.drop_duplicates("person").set_index("person")["role"]
    days = _person_days(spells)
    days["month"] = months[days["day"].to_numpy()]
    days["role"] = days["person"].map(role_of)
    days["share"] = _shares(scenario, days)
    away = pd.MultiIndex.from_frame(absences[["replication", "person", "day"]])
    here = pd.MultiIndex.from_frame(days[["replication", "person", "day"]])
    days["present"] = ~here.isin(away)
    days["ramping"] = days["share"] < 1.0
    keys = ["replication", "month", "role"]
    sums = days.groupby(keys).agg(
        in_seat=("day", "size"),
        present=("present", "sum"),
        ramping=("ramping", "sum"),
        productive=("share", "sum"),
    )
    moves = _moves(people, spells, months).groupby(keys)[["joiners", "leavers"]].sum()

    grid = pd.MultiIndex.from_product(
        [list(seeds), range(int(months.max()) + 1), list(scenario.roles)], names=keys
    )
    frame = pd.DataFrame(index=grid).reset_index()
    frame.insert(0, "scenario", scenario.name)
    frame.insert(2, "seed", frame["replication"].map(seeds).astype(np.int64))
    frame.insert(4, "label", [scenario.month_label(int(m)) for m in frame["month"]])
    frame.insert(6, "level", [scenario.roles[r].level.value for r in frame["role"]])
    n_days = np.bincount(months)[frame["month"].to_numpy()].astype(np.float64)
    found = sums.reindex(grid, fill_value=0)
    for column in ("in_seat", "present", "ramping"):
        frame[column] = found[column].to_numpy(dtype=np.float64) / n_days
    ramped = found["in_seat"].to_numpy() - found["ramping"].to_numpy()
    frame["ramped"] = ramped.astype(np.float64) / n_days
    frame["productive"] = found["productive"].to_numpy(dtype=np.float64) / n_days
    for column in ("joiners", "leavers"):
        frame[column] = moves[column].reindex(grid, fill_value=0).to_numpy(dtype=np.int64)
    return frame[COLUMNS]


def _person_days(spells: pd.DataFrame) -> pd.DataFrame:
    """One row per spell and working day in it: replication, person, day, tenure_from."""
    first = spells["first_day"].to_numpy(dtype=np.int64)
    length = spells["last_day"].to_numpy(dtype=np.int64) - first + 1
    row = np.repeat(np.arange(len(spells)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    return pd.DataFrame(
        {
            "replication": spells["replication"].to_numpy(dtype=np.int64)[row],
            "person": spells["person"].to_numpy(dtype=object)[row],
            "day": first[row] + offset,
            "tenure_from": spells["tenure_from"].to_numpy(dtype=np.int64)[row],
        }
    )


def _shares(scenario: Scenario, days: pd.DataFrame) -> NDArray[np.float64]:
    """Each person-day's ramp share, by the ramp rule of the person's role.

    The rule is asked once per role and distinct tenure (working days since
    ``tenure_from``), not once per person-day: a thousand people over a year are a
    quarter of a million days and a few hundred distinct tenures.
    """
    month_days = scenario.calendar.working_days_per_month
    tenure = (days["day"] - days["tenure_from"]).to_numpy(dtype=np.int64)
    role = days["role"].to_numpy(dtype=object)
    share = np.ones(len(days), dtype=np.float64)
    for rid in pd.unique(role):
        mine = role == rid
        ramp = scenario.roles[str(rid)].ramp
        distinct, where = np.unique(tenure[mine], return_inverse=True)
        rule = [ramp_productivity(ramp, int(t), month_days) for t in distinct]
        share[mine] = np.asarray(rule, dtype=np.float64)[where]
    return share


def _moves(people: pd.DataFrame, spells: pd.DataFrame, months: NDArray[np.int64]) -> pd.DataFrame:
    """Joins and leaves, one row each: replication, month, role, joiners, leavers (0/1)."""
    role_of = people.drop_duplicates("person").set_index("person")["role"]
    parts: list[pd.DataFrame] = []

    def add(frame: pd.DataFrame, day: str, kind: str) -> None:
        part = pd.DataFrame(
            {
                "replication": frame["replication"].to_numpy(dtype=np.int64),
                "month": months[frame[day].to_numpy(dtype=np.int64)],
                "role": frame["person"].map(role_of).to_numpy(dtype=object),
            }
        )
        part["joiners"], part["leavers"] = int(kind == "join"), int(kind == "leave")
        parts.append(part)

    add(people.loc[people["joined_day"] >= 0], "joined_day", "join")
    add(people.loc[people["left_day"] >= 0], "left_day", "leave")
    # A spell after a person's first began with a replacement; one before their last
    # ended with a leaver replaced.
    by_person = spells.groupby(["replication", "person"])
    replaced = spells["last_day"] < by_person["last_day"].transform("max")
    replacing = spells["first_day"] > by_person["first_day"].transform("min")
    add(spells.loc[replacing], "first_day", "join")
    add(spells.loc[replaced], "last_day", "leave")
    return pd.concat(parts, ignore_index=True)
