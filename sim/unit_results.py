"""Results by organisational unit (issue 14): the team's KPIs, unit by unit.

One rule gives the team's figures and each unit's: a unit's KPIs are ``sim.kpis``'
``per_replication`` applied to the frames of the unit and the units under it
(:func:`unit_frames`). A unit's plan is its own where it states one, else its sellers'
share of the plan above it (``sim.rules.unit_plan``, the rule each person's target and
the optimiser's unit rows follow), so a unit's attainment and P(plan met) are judged on
the unit's part.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd

from sim.kpis import per_replication, summarise
from sim.results import Frames, attainment_month, revenue_month
from sim.rules.unit_plan import unit_target
from sim.scenario import Scenario
from sim.scenario.units import subtree
from sim.stats import Spread

# Tables cut to a unit by their org_unit column: every table of the frames but those
# rebuilt for the unit (its attainment and revenue against its part of the plan).
_REBUILT = frozenset({"attainment_month", "revenue_month"})
_BY_UNIT = tuple(
    f.name for f in fields(Frames) if f.type == "pd.DataFrame" and f.name not in _REBUILT
)


def unit_frames(frames: Frames, scenario: Scenario, uid: str) -> Frames:
    """The frames of unit ``uid`` and every unit under it, as the team's are built.

    People, their time, calls, absences and utilisation; the deals their people owned at
    the end, with their funnel; approval and escalation waits their owners asked for;
    the requests and intervals of the channels whose unit it is (its desks); attainment
    against the unit's part of the plan.

    Raises:
        KeyError: ``uid`` is not a unit of the scenario.
    """
    if uid not in scenario.units:
        raise KeyError(f"no unit {uid!r}; the scenario's units are {', '.join(scenario.units)}")
    inside = subtree(scenario.units, uid)
    cut: dict[str, pd.DataFrame] = {
        name: _rows_in(getattr(frames, name), inside) for name in _BY_UNIT
    }
    seeds = dict(zip(frames.replications, frames.seeds, strict=True))
    cut["attainment_month"] = attainment_month(
        scenario, cut["deals"], seeds, frames.window, targets=unit_targets(frames, scenario, uid)
    )
    cut["revenue_month"] = revenue_month(scenario, cut["deals"], seeds, frames.window)
    return replace(frames, **cut)  # type: ignore[arg-type]  # every value is a table


def unit_targets(frames: Frames, scenario: Scenario, uid: str) -> pd.Series:
    """Unit ``uid``'s plan by (replication, counted month), scenario currency.

    ``sim.rules.unit_plan.unit_target`` on each replication's selling capacity by unit
    (``sim.results.selling_capacity``'s measure: the people's ``sells`` summed).
    """
    capacity: dict[int, dict[str | None, float]] = {rep: {} for rep in frames.replications}
    by_unit = frames.people.groupby(["replication", "org_unit"])["sells"].sum()
    for (rep, own), sells in zip(by_unit.index, by_unit.to_numpy(), strict=True):
        capacity[int(rep)][str(own) or None] = float(sells)  # "": outside the units
    rows = {
        (rep, month): unit_target(scenario, uid, month, capacity[rep])
        for rep in frames.replications
        for month in frames.window.counted_months
    }
    index = pd.MultiIndex.from_tuples(list(rows), names=["replication", "month"])
    return pd.Series(list(rows.values()), index=index, dtype=np.float64)


def _rows_in(table: pd.DataFrame, units: set[str]) -> pd.DataFrame:
    return table.loc[table["org_unit"].isin(units)].reset_index(drop=True)


def kpis_by_unit(frames: Frames, scenario: Scenario, confidence: float = 0.95) -> pd.DataFrame:
    """Every unit's KPI summary, units in file order, one row per unit and KPI.

    Columns: ``org_unit`` (the unit's id), then ``sim.kpis.summarise``'s (``kpi``,
    ``label``, ``unit`` of measure, ``n``, ``mean``, ``sd``, ``p10``, ``p50``, ``p90``,
    ``ci_low``, ``ci_high``), KPIs measured in no replication left out. Empty (with these
    columns) for a team without units.
    """
    parts = []
    for uid in scenario.units:
        per_rep = per_replication(unit_frames(frames, scenario, uid), scenario)
        table = summarise(per_rep, confidence)
        table.insert(0, "org_unit", uid)
        parts.append(table.loc[table["n"] > 0])
    if not parts:
        columns = ["org_unit", "kpi", "label", "unit", *(f.name for f in fields(Spread))]
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)
