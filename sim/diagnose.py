"""Diagnoses with causes: what a run's long waits and idle time point to in the scenario.

Read from the run's frames and KPIs, never from a second model of the day:

- a long approval or escalation wait (KPI mean at least ``LONG_WAIT_MIN``) is traced to
  the role whose people served (or were asked for) the waiting requests: its people, its
  days away a year (``Frames.absences``), whether a deputy covered those days (an absence
  record names the deputy, "" when the work waited), and its utilisation;
- a level busy less than ``LOW_UTILISATION`` of its available time asks whether work is
  missing from the scenario or the team is larger than its work.

Each diagnosis is a cause and a remedy naming the scenario fields to change. Roles and
people are named by their titles (``sim.names.title``), as every report names them; the
fields to change keep their ids, since that is what the file holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.kpis import kpi_value
from sim.names import in_sentence
from sim.names import title as title_of
from sim.results import Frames
from sim.rules.activities import TimeUse
from sim.scenario import Level, Scenario

__all__ = ["LONG_WAIT_MIN", "LOW_UTILISATION", "Diagnosis", "diagnose"]

# Assumption (no published figure): a request not taken up within two hours holds a
# deal for a visible part of the client's day.
LONG_WAIT_MIN = 120.0
# Below 60 % of available time busy, a level has more than a third of its day idle:
# more than shrinkage explains (REFERENCE.md: 30 %, 25-40 %).
LOW_UTILISATION = 0.60
# At or above the planning cap on occupancy (REFERENCE.md: 85 %), a role's queue grows
# from its load alone.
BUSY = 0.85

_WAIT_WORDS = {TimeUse.APPROVAL: "approvals", TimeUse.ESCALATION: "escalations"}
_VERB = {TimeUse.APPROVAL: "approve", TimeUse.ESCALATION: "take escalations"}
_LEVEL_WORDS = {
    Level.LINE: "line staff",
    Level.LOWER: "first-line managers",
    Level.MIDDLE: "middle managers",
    Level.TOP: "directors",
}


@dataclass(frozen=True)
class Diagnosis:
    """One finding: what the run shows and why (``cause``), what to change (``remedy``)."""

    cause: str
    remedy: str

    @property
    def line(self) -> str:
        """The finding in one line: "cause; remedy"."""
        return f"{self.cause}; {self.remedy}"


def diagnose(frames: Frames, kpis: pd.DataFrame, scenario: Scenario) -> tuple[Diagnosis, ...]:
    """The run's long waits with their causes, then its under-used levels.

    Args:
        frames: the run's tables (``SimResult.frames``).
        kpis: its KPI summary (``SimResult.kpis``): the waits and utilisations judged.
        scenario: the scenario simulated.

    Returns:
        Diagnoses, waits first (approvals, escalations; per role, longest total wait
        first), then levels by utilisation. Empty when nothing is long or idle.
    """
    found: list[Diagnosis] = []
    for kind in (TimeUse.APPROVAL, TimeUse.ESCALATION):
        mean = kpi_value(kpis, f"{kind.value}_wait_min")
        if math.isfinite(mean) and mean >= LONG_WAIT_MIN:
            found += _waits(frames, kpis, scenario, kind)
    for lv in Level:
        util = kpi_value(kpis, f"utilisation_{lv.value}")
        if math.isfinite(util) and util < LOW_UTILISATION:
            found.append(_idle(lv, util, scenario))
    return tuple(found)


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f} h" if minutes >= 60 else f"{minutes:.0f} min"


def _people(n: float) -> str:
    shown = f"{n:.0f}" if abs(n - round(n)) < 0.05 else f"{n:.1f}"
    return f"{shown} person" if shown == "1" else f"{shown} people"


def _waits(
    frames: Frames, kpis: pd.DataFrame, scenario: Scenario, kind: TimeUse
) -> list[Diagnosis]:
    w = frames.window
    waits = frames.waits.loc[
        (frames.waits["day"] >= w.warmup_days) & (frames.waits["kind"] == kind.value)
    ]
    people = frames.people[["replication", "person", "role"]]
    served = waits.merge(
        people, left_on=["replication", "server"], right_on=["replication", "person"], how="left"
    )
    # Never served: the request waited for a role of the level it asked for.
    by_level = {lv.value: (scenario.roles_at(lv) or [""])[0] for lv in Level}
    served["role"] = served["role"].fillna(served["level"].map(by_level))
    totals = (
        served.groupby("role")["wait_min"].agg(["sum", "mean"]).sort_values("sum", ascending=False)
    )
    out = []
    for rid, row in totals.iterrows():
        if rid not in scenario.roles or float(row["mean"]) < LONG_WAIT_MIN:
            continue
        out.append(_wait_cause(frames, scenario, kind, rid=str(rid), mean_min=float(row["mean"])))
    return out


def _wait_cause(
    frames: Frames, scenario: Scenario, kind: TimeUse, *, rid: str, mean_min: float
) -> Diagnosis:
    role = scenario.roles[rid]
    title = in_sentence(title_of(rid, scenario))  # said mid-sentence: "at the team lead"
    reps = max(len(frames.replications), 1)
    mine = frames.people.loc[frames.people["role"] == rid, ["replication", "person"]]
    n = len(mine) / reps
    away = frames.absences.merge(mine, on=["replication", "person"])
    per_year = scenario.calendar.working_days_per_year / scenario.calendar.horizon_days
    days_away = len(away) / max(len(mine), 1) * per_year
    uncovered = float((away["deputy"] == "").mean()) if len(away) else 0.0
    util = frames.utilisation_day.merge(mine, on=["replication", "person"])
    busy = float(util["busy_min"].sum() / util["available_min"].sum()) if len(util) else math.nan
    what = _WAIT_WORDS[kind]
    head = f"{what} at the {title} wait {_hours(mean_min)} on average: the role ({_people(n)})"
    if days_away >= 1 and uncovered >= 0.5:
        nobody = (
            "nobody else may"
            if uncovered >= 0.999
            else f"on {100 * uncovered:.0f} % of those days nobody else may"
        )
        cause = f"{head} is away {days_away:.0f} days a year and {nobody} {_VERB[kind]}"
        remedy = (
            f"name a deputy (roles.{rid}.deputy) or add a second {title} (roles.{rid}.headcount)"
        )
        return Diagnosis(cause, remedy)
    cover = "with no deputy"
    if role.deputy is not None:  # a role that is its own deputy: its peers cover
        deputy = (
            f"another {title}"
            if role.deputy == rid
            else in_sentence(title_of(role.deputy, scenario))
        )
        cover = f"covered by {deputy}"
    load = (
        f"busy {100 * busy:.0f} % of its available time, away {days_away:.0f} days a year, {cover}"
    )
    if busy >= BUSY:
        cause = f"{head} is {load}"
        remedy = (
            f"add a {title} (roles.{rid}.headcount), take duties off the role "
            f"(duties.*.levels), or let another level {_VERB[kind]}"
        )
        return Diagnosis(cause, remedy)
    cause = (
        f"{head} is {load}: neither load nor days away explain it; the wait counts "
        "nights, so requests that arrive late wait for the next working day"
    )
    remedy = f"put {_WAIT_WORDS[kind]} earlier in policies.priorities"
    return Diagnosis(cause, remedy)


def _idle(level: Level, util: float, scenario: Scenario) -> Diagnosis:
    who = _LEVEL_WORDS[level]
    cause = f"{who} are busy {100 * util:.0f} % of their available time"
    roles = "; ".join(
        f"{title_of(rid, scenario)}: roles.{rid}.headcount" for rid in scenario.roles_at(level)
    )
    remedy = (
        "is work missing from the scenario (admin, travel, training: duties, travel_min)? "
        f"or is the team larger than its work ({roles or f'roles at level {level.value}'})?"
    )
    return Diagnosis(cause, remedy)
