"""Between the optimiser and the simulator: a plan applied to a scenario, and measures.

What the simulated days really allowed, role by role, against what the plan assumed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from optimizer.result import Plan
from sim.inbound_intervals import LEAST_REQUESTS
from sim.plan_met import judged_attainment
from sim.rules.people import daily_dials, dial_cap
from sim.rules.service import desks
from sim.runner import SimResult
from sim.scenario import Scenario
from sim.scenario.market import OUTBOUND_KINDS, InboundChannel


def apply_plan(scenario: Scenario, plan: Plan) -> Scenario:
    """The scenario with the plan's headcounts and per-role call quotas (plan unchanged)."""
    data: dict[str, Any] = scenario.model_dump(mode="python")
    dialled = _dialled_channels(plan)
    for line in plan.roles:
        role = data["roles"][line.role]
        role["headcount"] = {**role["headcount"], "current": line.headcount}
        role["staff"] = role["staff"][: line.headcount]  # the first people stay (staffing.seats)
        if scenario.roles[line.role].sells > 0:
            role["call_quota_per_day"] = recommended_quota(scenario, line.role, line.dials_per_day)
            role["call_quota_by_month"] = {}  # the design month's quota is every month's
            if dialled:
                role["channels"] = _role_channels(scenario, line.role, dialled)
    return Scenario.model_validate(data)


def quota_cap(scenario: Scenario, role_id: str) -> int:
    """The most a whole-number quota may be: ``dial_cap`` rounded down (dials a day)."""
    return math.floor(dial_cap(scenario, role_id) + 1e-9)


def recommended_quota(scenario: Scenario, role_id: str, dials_per_day: float) -> int:
    """The quota a plan sets: its dials a day at work rounded up, never above the cap.

    Round up: a quota a person can meet on most days is a whole number of dials.
    """
    return min(quota_cap(scenario, role_id), math.ceil(dials_per_day - 1e-6))


def _dialled_channels(plan: Plan) -> set[str]:
    """Outbound channels the plan dials (left to themselves, sellers dial warm first)."""
    return {
        c.channel for c in plan.channels if c.kind in OUTBOUND_KINDS and c.dials_per_month > 1e-6
    }


def _role_channels(scenario: Scenario, role_id: str, dialled: set[str]) -> list[str]:
    """The role's channels, with outbound ones limited to the plan's lead allocation."""
    role = scenario.roles[role_id]
    own = role.channels if role.channels is not None else list(scenario.channels)
    return [c for c in own if scenario.channels[c].kind not in OUTBOUND_KINDS or c in dialled]


@dataclass(frozen=True)
class RoleMeasure:
    """One role's planned against realised calling, over the counted days."""

    role: str
    planned_dials: float  # per person-day at work
    realised_dials: float
    utilisation: float  # simulated, time-weighted

    @property
    def ratio(self) -> float:
        """Realised over planned dials (1 when nothing was planned)."""
        return self.realised_dials / self.planned_dials if self.planned_dials > 0 else 1.0


def measure_roles(result: SimResult, plan: Plan) -> list[RoleMeasure]:
    """Realised dials a day at work and utilisation per role, after the warm-up."""
    frames = result.frames
    warmup = frames.window.warmup_days
    util = frames.utilisation_day
    util = util.loc[(util["day"] >= warmup) & (util["available_min"] > 0)]
    present = util.groupby("role").size()
    busy = util.groupby("role")[["busy_min", "available_min"]].sum()
    calls = frames.calls.loc[frames.calls["day"] >= warmup]
    roles_of = frames.people.drop_duplicates("person").set_index("person")["role"]
    dials = calls.groupby(calls["person"].map(roles_of))["dials"].sum()
    out = []
    for line in plan.roles:
        days = float(present.get(line.role, 0))
        realised = float(dials.get(line.role, 0.0)) / days if days else 0.0
        used = busy.loc[line.role] if line.role in busy.index else None
        utilisation = (
            float(used["busy_min"] / used["available_min"])
            if used is not None and used["available_min"] > 0
            else math.nan
        )
        out.append(RoleMeasure(line.role, line.dials_per_day, realised, utilisation))
    return out


def attainment_quantile(result: SimResult, share: float) -> float:
    """The attainment that a share of the judged units stays below (NaN if unmeasured).

    The units are those "plan met" is judged on (months, quarters, replications:
    ``plan.judged_on``, sim.plan_met), so the margin answers the question asked.
    """
    values = judged_attainment(result.frames.attainment_month, result.scenario)
    values = values[np.isfinite(values)]
    return float(np.quantile(values, share)) if len(values) else math.nan


def sells(scenario: Scenario) -> bool:
    """Whether the team sells; if not (an inbound desk), its target is the service level."""
    return bool(scenario.segments)


def outcome_label(scenario: Scenario) -> str:
    """What the loop verifies, in words."""
    return "P(plan met)" if sells(scenario) else "P(service target met)"


def met_per_replication(result: SimResult) -> NDArray[np.float64]:
    """1 where a replication met the target, 0 where not, NaN where unmeasured.

    The target is the sales plan; for a team that sells nothing, the inbound service
    target (the strictest of its channels' service_level_target).
    """
    reps = result.kpi_replications
    if sells(result.scenario):
        return reps["plan_met"].to_numpy(dtype=float)
    wanted = max(
        (
            c.service_level_target
            for c in result.scenario.channels.values()
            if isinstance(c, InboundChannel)
        ),
        default=math.nan,
    )
    level = _judged_level(result)
    return np.where(np.isnan(level), np.nan, (level >= wanted).astype(float))


def _judged_level(result: SimResult) -> NDArray[np.float64]:
    """Each replication's service level as the desk's target is stated.

    The day's (``inbound_service_level``) for a desk alike all day or one whose target is
    over the day; the lowest interval's (sim.inbound_intervals.lowest_interval, the rule
    of the KPI ``inbound_interval_min_service_level`` too: the interval whose mean over
    the replications is lowest, every weekday together unless the desk differs by
    weekday) for a desk sized by interval (sim.rules.service).
    """
    sc, reps = result.scenario, result.kpi_replications
    day = reps["inbound_service_level"].to_numpy(dtype=float)
    if not _judged_by_interval(sc):
        return day
    lowest = reps["inbound_interval_min_service_level"].to_numpy(dtype=float)
    return day if np.isnan(lowest).all() else lowest


def _judged_by_interval(sc: Scenario) -> bool:
    """Whether a desk's target holds in every interval (sim.rules.service's ``per``)."""
    return any(d.intervals and d.per == "interval" for d in desks(sc))


def judged_over_day_note(result: SimResult) -> str | None:
    """Words for a desk sized by interval that the loop judged over the whole day.

    None when it judged its lowest interval, the desk is judged over the day anyway, or
    the team sells (the loop then judges the sales plan).
    The loop falls back to the day when no interval had ``LEAST_REQUESTS`` requests in
    every replication (a short horizon, a small desk): the planner is told, since the
    target was stated for every interval.
    """
    sc, reps = result.scenario, result.kpi_replications
    if sells(sc):  # the loop judges the sales plan, not the desk
        return None
    if not _judged_by_interval(sc):
        return None
    if not reps["inbound_interval_min_service_level"].isna().all():
        return None
    return (
        f"Judged over the whole day: no interval had {LEAST_REQUESTS} requests in every "
        "replication to judge it by (a longer horizon gives each interval more)"
    )


def quotas_frame(plan: Plan, measures: list[RoleMeasure], scenario: Scenario) -> pd.DataFrame:
    """Per selling role: the naive quota, the optimiser's, the one set, and what days allowed."""
    rows = []
    for line, m in zip(plan.roles, measures, strict=True):
        if scenario.roles[line.role].sells <= 0:
            continue
        rows.append(
            {
                "role": line.role,
                "level": line.level,
                "people": line.headcount,
                "naive_dials_per_day": line.naive_dials_per_day,
                "planned_dials_per_day": line.dials_per_day,
                "quota_set": daily_dials(scenario, line.role),
                "simulated_dials_per_day": m.realised_dials,
                "simulated_utilisation": m.utilisation,
            }
        )
    return pd.DataFrame(rows)
