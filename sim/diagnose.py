"""Diagnoses with causes: what a run's long waits and idle time point to in the scenario.

Read from the run's frames and KPIs, never from a second model of the day:

- a long approval or escalation wait (KPI mean at least ``LONG_WAIT_MIN``) is traced to
  the role whose people served (or were asked for) the waiting requests: its people, its
  days away a year (``Frames.absences``), whether a deputy covered those days (an absence
  record names the deputy, "" when the work waited), and its utilisation;
- a level busy less than ``LOW_UTILISATION`` of its available time asks whether work is
  missing from the scenario or the team is larger than its work;
- a level busy more than all its available time (utilisation above 100 %) says why:
  overtime, work past the day's end, is busy time but not available time.

Each diagnosis is a cause and a remedy naming the scenario fields to change. Roles and
people are named by their titles (``sim.names.title``), as every report names them; the
fields to change keep their ids, since that is what the file holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.kpis import kpi_value, mean_wait_min
from sim.names import in_sentence
from sim.names import title as title_of
from sim.percent import format_number, format_percent
from sim.results import Frames
from sim.rules.activities import TimeUse
from sim.scenario import InboundChannel, Level, Scenario

__all__ = [
    "AWAY_SHARE",
    "BUSY_SINGLE",
    "LONG_WAIT_MIN",
    "LOW_UTILISATION",
    "Diagnosis",
    "diagnose",
    "service_level_target",
]

# Assumption (no published figure): a request not taken up within two hours holds a
# deal for a visible part of the client's day.
LONG_WAIT_MIN = 120.0
# Below 60 % of available time busy, a level has more than a third of its day idle:
# more than shrinkage explains (REFERENCE.md: 30 %, 25-40 %).
LOW_UTILISATION = 0.60
# At or above the planning cap on occupancy (REFERENCE.md: 85 %), a role's queue grows
# from its load alone.
BUSY = 0.85

# A single approver is a queue of one server: its mean wait is rho / (1 - rho) service
# times (M/M/1, Kleinrock 1975, Queueing Systems vol. 1, 3.2), 2.3 at 70 % busy, so its
# load alone explains a long wait well below the team cap of 85 %.
BUSY_SINGLE = 0.70
# When requests that arrive on a day their approver is away carry at least this share of
# the role's waiting, the days away explain the wait even if a deputy is named.
AWAY_SHARE = 0.40

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


def diagnose(
    frames: Frames, kpis: pd.DataFrame, scenario: Scenario, *, sized: bool = False
) -> tuple[Diagnosis, ...]:
    """The run's long waits with their causes, then its under-used levels.

    Args:
        frames: the run's tables (``SimResult.frames``).
        kpis: its KPI summary (``SimResult.kpis``): the waits and utilisations judged.
        scenario: the scenario simulated.
        sized: True when the optimiser sized the team for the plan (``plan --verify``):
            an under-used level whose roles it sized is then not called larger than its
            work; its slack is whole people and minimum headcounts.

    Returns:
        Diagnoses, waits first (approvals, escalations; per role, longest total wait
        first), then levels by utilisation. Empty when nothing is long or idle.
    """
    found: list[Diagnosis] = []
    for kind in (TimeUse.APPROVAL, TimeUse.ESCALATION):
        mean = kpi_value(kpis, f"{kind.value}_wait_min")
        if math.isfinite(mean) and mean >= LONG_WAIT_MIN:
            found += _waits(frames, kpis, scenario, kind)
    missed = _missed_service_level(kpis, scenario)
    if missed is not None:
        found.append(missed)
    for lv in Level:
        util = kpi_value(kpis, f"utilisation_{lv.value}")
        if math.isfinite(util) and util < LOW_UTILISATION:
            found.append(_idle(lv, util, scenario, sized=sized))
        elif math.isfinite(util) and util > 1.0:
            found.append(_over_full(lv, util, frames, scenario))
    return tuple(found)


def _pct(share: float, scenario: Scenario, digits: int = 0) -> str:
    """A share in a diagnosis, whole percent by default, in the scenario's locale."""
    return format_percent(share, digits=digits, locale=scenario.money_locale)


def _hours(minutes: float, locale: str) -> str:
    # In the scenario's locale, as every figure shown (sim.percent): "3,2 h" for ru_RU.
    if minutes >= 60:
        return f"{format_number(minutes / 60, 1, locale=locale)} h"
    return f"{format_number(minutes, 0, locale=locale)} min"


def _people(n: float, locale: str) -> str:
    whole = abs(n - round(n)) < 0.05
    shown = format_number(n, 0 if whole else 1, locale=locale)
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
    totals = served.groupby("role")["wait_min"].sum().sort_values(ascending=False)
    team = kpi_value(kpis, f"{kind.value}_wait_min")
    # The KPI's figure when one role serves every request; else the role's own, beside it.
    beside = (
        ""
        if len(totals) == 1
        else f" (all {_WAIT_WORDS[kind]}: {_hours(team, scenario.money_locale)})"
    )
    out = []
    for rid in totals.index:
        part = served.loc[served["role"] == rid]
        mean = float(mean_wait_min(part).mean())  # the KPI's rule, over this role's requests
        if rid not in scenario.roles or mean < LONG_WAIT_MIN:
            continue
        out.append(_wait_cause(frames, scenario, kind, rid=str(rid), mean_min=mean, beside=beside))
    return out


def _wait_cause(
    frames: Frames,
    scenario: Scenario,
    kind: TimeUse,
    *,
    rid: str,
    mean_min: float,
    beside: str = "",
) -> Diagnosis:
    """The cause of a role's long wait and its remedy (``beside``: the team's wait, said)."""
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
    away_days = format_number(days_away, 0, locale=scenario.money_locale)
    head = (
        f"{what} at the {title} wait {_hours(mean_min, scenario.money_locale)} on average"
        f"{beside}: the role ({_people(n, scenario.money_locale)})"
    )
    deputy = _deputy_words(scenario, rid, title)
    if days_away >= 1 and uncovered >= 0.5:
        share = "" if uncovered >= 0.999 else f"on {_pct(uncovered, scenario)} of those days "
        if deputy:
            cause = f"{head} is away {away_days} days a year and {share}{_nobody_in(scenario, rid)}"
            return Diagnosis(cause, _cover_remedy(frames, scenario, kind, rid=rid))
        nobody = "nobody else may" if not share else f"{share}nobody else may"
        cause = f"{head} is away {away_days} days a year and {nobody} {_VERB[kind]}"
        remedy = f"name a deputy (roles.{rid}.deputy) or {_add_one(scenario, rid)}"
        return Diagnosis(cause, remedy)
    waited = _waited_for_absent(frames, kind, away, mine)
    if days_away >= 1 and waited >= AWAY_SHARE:
        cause = (
            f"{head} is away {away_days} days a year, and requests that arrive while "
            f"it is away carry {_pct(waited, scenario)} of the waiting: they wait "
            "for its return"
        )
        if deputy:
            cause += _why_deputy_failed(frames, scenario, kind, rid=rid, away=away, mine=mine)
            return Diagnosis(cause, _cover_remedy(frames, scenario, kind, rid=rid))
        remedy = (
            f"name a deputy who takes them (roles.{rid}.deputy), {_add_one(scenario, rid)}, "
            f"or let another level {_VERB[kind]}"
        )
        return Diagnosis(cause, remedy)
    cover = f"covered by {deputy}" if deputy else "with no deputy"
    load = (
        f"busy {_pct(busy, scenario)} of its available time, away {away_days} days a year, {cover}"
    )
    if busy >= BUSY or (n < 1.5 and busy >= BUSY_SINGLE):
        cause = f"{head} is {load}" + (
            ": one person this busy makes requests queue" if busy < BUSY else ""
        )
        remedy = (
            f"{_add_one(scenario, rid)}, take duties off the role "
            f"(duties.*.levels), or let another level {_VERB[kind]}"
        )
        return Diagnosis(cause, remedy)
    cause = (
        f"{head} is {load}: neither load nor days away explain it; the wait counts "
        "nights, so requests that arrive late wait for the next working day"
    )
    remedy = f"put {_WAIT_WORDS[kind]} earlier in policies.priorities"
    return Diagnosis(cause, remedy)


def _add_one(scenario: Scenario, rid: str) -> str:
    """Adding a person to a role, in words: "a second" only to a role of one."""
    title = in_sentence(title_of(rid, scenario))
    now = scenario.roles[rid].headcount.current
    if now <= 1:
        return f"add a second {title} (roles.{rid}.headcount)"
    return f"add a {title} (roles.{rid}.headcount, now {now})"


def _nobody_in(scenario: Scenario, rid: str) -> str:
    """Nobody of the role's deputy role at work, said as the end of a sentence."""
    dep = scenario.roles[rid].deputy or rid
    other = "other " if dep == rid else ""
    return f"no {other}{in_sentence(title_of(dep, scenario))} was at work"


def _why_deputy_failed(
    frames: Frames,
    scenario: Scenario,
    kind: TimeUse,
    *,
    rid: str,
    away: pd.DataFrame,
    mine: pd.DataFrame,
) -> str:
    """Why requests waited though the role has a deputy, from the absence records.

    A request that found its approver away and was not handed on arrived on a day whose
    absence record names no deputy (``""``): every person of the deputy role was away
    too. Otherwise the deputy covered and the wait is its queue: said with its load.
    """
    title = in_sentence(title_of(rid, scenario))
    deputy = _deputy_words(scenario, rid, title)
    dep = scenario.roles[rid].deputy
    if (
        not away.empty
        and _waited_for_absent(frames, kind, away.loc[away["deputy"] == ""], mine) > 0
    ):
        return f", though {deputy} covers its days away: on those days {_nobody_in(scenario, rid)}"
    theirs = frames.people.loc[frames.people["role"] == dep, ["replication", "person"]]
    util = frames.utilisation_day.merge(theirs, on=["replication", "person"])
    busy = float(util["busy_min"].sum() / util["available_min"].sum()) if len(util) else math.nan
    return (
        f", though {deputy} covers its days away: it is busy "
        f"{_pct(busy, scenario)} of its available time"
    )


def _cover_remedy(frames: Frames, scenario: Scenario, kind: TimeUse, *, rid: str) -> str:
    """What helps when the role's deputy is set but the requests still wait.

    A deputy from another role who is seldom away on the same days (the role it reports
    to, else another role of its level), or one more person in the deputy's role, so
    that somebody of it is present; never the deputy already named.
    """
    role = scenario.roles[rid]
    dep = role.deputy or rid
    same_level = [r for r in scenario.roles_at(role.level) if r not in (rid, dep)]
    options = [r for r in (role.reports_to, *same_level) if r is not None and r not in (rid, dep)]
    parts = []
    if options:
        alt = options[0]
        parts.append(
            f"name a deputy from another role, e.g. the "
            f"{in_sentence(title_of(alt, scenario))} (roles.{rid}.deputy: {alt})"
        )
    parts.append(_add_one(scenario, dep))
    parts.append(f"or let another level {_VERB[kind]}")
    return ", ".join(parts)


def _deputy_words(scenario: Scenario, rid: str, title: str) -> str:
    """Who covers the role's days away, said mid-sentence; "" when nobody does."""
    deputy = scenario.roles[rid].deputy
    if deputy is None:
        return ""
    # A role that is its own deputy: its peers cover.
    return f"another {title}" if deputy == rid else f"the {in_sentence(title_of(deputy, scenario))}"


def _waited_for_absent(
    frames: Frames, kind: TimeUse, away: pd.DataFrame, mine: pd.DataFrame
) -> float:
    """Share (0..1) of the role's wait minutes whose requests found their server away.

    A request counts when it arrived on a day its server, a person of the role, was away,
    so it waited for the return.
    """
    w = frames.window
    waits = frames.waits.loc[
        (frames.waits["day"] >= w.warmup_days) & (frames.waits["kind"] == kind.value)
    ]
    served = waits.merge(
        mine, left_on=["replication", "server"], right_on=["replication", "person"]
    )
    total = float(served["wait_min"].sum())
    if total <= 0 or away.empty:
        return 0.0
    days = away[["replication", "person", "day"]].drop_duplicates()
    absent = served.merge(days, on=["replication", "person", "day"])
    return float(absent["wait_min"].sum()) / total


def service_level_target(scenario: Scenario) -> float | None:
    """The inbound service-level target, 0..1; None when the scenario has no inbound.

    The ``inbound_service_level`` KPI pools every inbound channel's requests, so its
    target is the channels' ``service_level_target`` weighted by ``requests_per_day``
    (one channel: its own target).
    """
    inbound = [c for c in scenario.channels.values() if isinstance(c, InboundChannel)]
    weight = sum(c.requests_per_day for c in inbound)
    if not inbound or weight <= 0:
        return None
    return sum(c.service_level_target * c.requests_per_day for c in inbound) / weight


def _missed_service_level(kpis: pd.DataFrame, scenario: Scenario) -> Diagnosis | None:
    target = service_level_target(scenario)
    level = kpi_value(kpis, "inbound_service_level")
    if target is None or not math.isfinite(level) or level >= target:
        return None
    high = kpi_value(kpis, "inbound_service_level", "ci_high")
    sure = "" if math.isfinite(high) and high < target else " (its 95 % interval reaches it)"
    answer = [rid for rid, r in scenario.roles.items() if r.answers_inbound]
    who = "; ".join(f"{title_of(rid, scenario)}: roles.{rid}.headcount" for rid in answer)
    cause = (
        f"inbound requests are answered within target {_pct(level, scenario, 1)} of the time "
        f"against a target of {_pct(target, scenario)}{sure}: too few people free "
        "to answer"
    )
    remedy = (
        f"add people who answer ({who or 'roles with handles_inbound'}), take duties off "
        "them (duties.*.levels), or let `teamsim plan` size the team for the target"
    )
    return Diagnosis(cause, remedy)


def _over_full(level: Level, util: float, frames: Frames, scenario: Scenario) -> Diagnosis:
    """Utilisation above 100 %: the overtime that takes it there, in plain words."""
    counted = frames.time_use["day"] >= frames.window.warmup_days
    mine = frames.time_use.loc[counted & (frames.time_use["level"] == level.value)]
    overtime = float(mine.loc[mine["activity"] == TimeUse.OVERTIME.value, "minutes"].sum())
    days = frames.utilisation_day
    available = float(
        days.loc[
            (days["day"] >= frames.window.warmup_days) & (days["level"] == level.value),
            "available_min",
        ].sum()
    )
    share = overtime / available if available > 0 else math.nan
    cause = (
        f"{_LEVEL_WORDS[level]} are busy {_pct(util, scenario)} of their available time: "
        f"more than all of it, because their overtime (work past the day's end, "
        f"{_pct(share, scenario, 1)} of their available time) counts as busy time but "
        "not as available time"
    )
    roles = "; ".join(
        f"{title_of(rid, scenario)}: roles.{rid}.headcount" for rid in scenario.roles_at(level)
    )
    fields = roles or f"roles at level {level.value}"
    remedy = (
        f"their work does not fit in their hours: add people ({fields}) or take work off "
        "them; overtime is capped by "
        "policies.overtime_max_min_per_day (and channels.*.at_closing for a queue at closing)"
    )
    return Diagnosis(cause, remedy)


def _idle(level: Level, util: float, scenario: Scenario, *, sized: bool) -> Diagnosis:
    who = _LEVEL_WORDS[level]
    cause = f"{who} are busy {_pct(util, scenario)} of their available time"
    roles = "; ".join(
        f"{title_of(rid, scenario)}: roles.{rid}.headcount" for rid in scenario.roles_at(level)
    )
    missing = "is work missing from the scenario (admin, travel, training: duties, travel_min)?"
    planned = [rid for rid in scenario.roles_at(level) if not scenario.roles[rid].headcount.fixed]
    if sized and planned:
        # The optimiser chose these headcounts for the plan: calling the team larger than
        # its work would contradict the plan just shown.
        floors = [
            f"{title_of(rid, scenario)} at its minimum of {scenario.roles[rid].headcount.min} "
            f"(roles.{rid}.headcount.min)"
            for rid in planned
            if scenario.roles[rid].headcount.current <= scenario.roles[rid].headcount.min
        ]
        why = "whole people" + (
            f" and {'; '.join(floors)}" if floors else " and minimum headcounts"
        )
        remedy = (
            f"the optimiser sized them for the plan, so the slack comes from rounding to {why}; "
            + missing
        )
        return Diagnosis(cause, remedy)
    fields = roles or f"roles at level {level.value}"
    remedy = f"{missing} or is the team larger than its work ({fields})?"
    return Diagnosis(cause, remedy)
