"""Dials a day by role, counted over the days each person dialled.

The headline KPI ``dials_per_caller_day`` divides every dial by every day present of
everyone who dialled at all: a supervisor who sells a little and the days a seller spent
in meetings pull it down (29.9 where the account managers dialled 38.7). This table says
what a quota is read against: per role, the dials of a day on which the person dialled.
"""

from __future__ import annotations

import pandas as pd

from sim.names import title
from sim.results import Frames
from sim.scenario import Scenario
from sim.stats import spread

__all__ = ["DIALS_BY_ROLE_COLUMNS", "DIALS_BY_ROLE_NOTE", "dials_by_role"]

# What the table's "dials a day dialled" is, said wherever it is shown (the terminal's
# table, the dashboard's caption, the export's 'about' sheet). Its second half is the
# rule of sim.rules.people (selling share): the dials a busy day could not hold are made
# on the following days at work, up to the cap a day, so a day dialled passes the quota.
DIALS_BY_ROLE_NOTE = (
    "Dials a day dialled: a role's dials over the days its people dialled at all; it can "
    "pass the call quota, since the dials a busy day could not hold are made on the "
    "following days at work (up to the cap a day: policies.max_calls_per_day x the "
    "role's selling share)."
)

DIALS_BY_ROLE_COLUMNS = (
    "role",
    "title",
    "level",
    "people_dialling",
    "days_dialled_share",
    "dials_per_day_dialled",
    "p10",
    "p90",
    "replications",
)


def dials_by_role(frames: Frames, scenario: Scenario) -> pd.DataFrame:
    """Per role whose people dialled: dials a day over the days each of them dialled.

    Counts the working days after the warm-up. Per replication and role:

    - ``dials_per_day_dialled``: dials / person-days with at least one dial;
    - ``people_dialling``: people of the role who dialled at least once;
    - ``days_dialled_share``: those person-days / the same people's days present
      (``available_min > 0``), so the days without a dial stay visible.

    Returns one row per role (scenario order) with the mean over replications of each,
    and P10/P90 of ``dials_per_day_dialled`` (``sim.stats.spread``); columns
    ``DIALS_BY_ROLE_COLUMNS``. Empty (with those columns) when nobody dialled.
    """
    w = frames.window
    calls = frames.calls.loc[frames.calls["day"] >= w.warmup_days]
    daily = calls.groupby(["replication", "person", "day"], as_index=False)["dials"].sum()
    daily = daily.loc[daily["dials"] > 0]
    roles = frames.people[["replication", "person", "role"]]
    daily = daily.merge(roles, on=["replication", "person"])
    util = frames.utilisation_day
    present = util.loc[(util["day"] >= w.warmup_days) & (util["available_min"] > 0)]
    dialers = daily[["replication", "person"]].drop_duplicates()
    present = present.merge(dialers, on=["replication", "person"])
    by_rep = daily.groupby(["role", "replication"]).agg(
        dials=("dials", "sum"), days=("day", "size"), people=("person", "nunique")
    )
    by_rep["present"] = present.groupby(["role", "replication"]).size()
    rows = []
    for rid, role in scenario.roles.items():
        if rid not in by_rep.index.get_level_values("role"):
            continue
        part = by_rep.xs(rid, level="role")
        rate = (part["dials"] / part["days"]).to_list()
        s = spread(rate)
        rows.append(
            {
                "role": rid,
                "title": title(rid, scenario),
                "level": role.level.value,
                "people_dialling": float(part["people"].mean()),
                "days_dialled_share": float((part["days"] / part["present"]).mean()),
                "dials_per_day_dialled": s.mean,
                "p10": s.p10,
                "p90": s.p90,
                "replications": len(rate),
            }
        )
    return pd.DataFrame(rows, columns=list(DIALS_BY_ROLE_COLUMNS))
