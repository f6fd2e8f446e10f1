"""People: persona multipliers, ramp-up of new hires, selling share, who reports to whom.

- Personas are the team's mix: the n people of a role get personas by largest remainder
  in the order of the mix (``assign_personas``), in the simulator and the optimiser.
  A persona multiplies our working minutes on calls, requests, stages, meetings and
  after-sale work (not travel, not duties) and every stage's conversion (capped at 1).
- Ramp: a person hired ``t`` working days ago is at ``productivity_by_month[t // month]``
  (a month is ``Calendar.working_days_per_month``), 1 after the list. Ramp scales the
  deals a person wins, once: a deal of a seller at 40 % that would be won is won with
  probability 0.4 (lost at its last stage otherwise). It does not slow the work.
  Replacements of leavers (``sim.rules.staffing.leavers_per_year``, a role's count a
  year) land on random seats at random days, so a role of n loses ``replacements x
  shortfall months / 12 / n`` of its output on average
  (``sim.rules.staffing.attrition_productivity``).
- Selling share ``s``: a person dials at most ``s x max_calls_per_day`` a day (their quota
  defaults to ``s x call_quota_per_day``; a role may state it by calendar month,
  ``daily_dials``); the dials a busy day could not hold are made
  on the following days at work, never more than the cap a day.
  Leads that arrive by themselves
  (referrals, requests answered by someone who does not sell) go to the sellers present
  with probability in proportion to ``s``. So a manager's dials and deal work are about
  ``s`` times a line seller's.
"""

from __future__ import annotations

import math

from sim.errors import PathPart
from sim.scenario import Scenario
from sim.scenario.team import Persona, Ramp, Role
from sim.words import counted

NO_PERSONA = Persona()


def assign_personas(mix: dict[str, float], n: int) -> list[str]:
    """Personas for n people by largest remainder: shares as close as whole people allow.

    Deterministic: ties go to the persona listed first; people get personas in the
    order of the mix, so the first people of a role have its first persona. "" for a
    role without a mix.
    """
    if not mix or n == 0:
        return [""] * n
    quotas = {p: share * n for p, share in mix.items()}
    counts = {p: int(q) for p, q in quotas.items()}
    order = list(mix)
    by_remainder = sorted(order, key=lambda p: (-(quotas[p] - counts[p]), order.index(p)))
    for p in by_remainder[: n - sum(counts.values())]:
        counts[p] += 1
    return [p for p in order for _ in range(counts[p])]


def staff_personas(role: Role, n: int) -> list[str]:
    """Personas of a role's first ``n`` people: :func:`assign_personas`, then the pins.

    A ``staff`` entry's ``persona`` pins that person's (issue 12); the others keep the
    largest-remainder persona of their place. The simulator's people and the optimiser's
    units read it here.
    """
    names = assign_personas(role.personas, n)
    for i, member in enumerate(role.staff[:n]):
        if member.persona is not None:
            names[i] = member.persona
    return names


def persona(sc: Scenario, name: str) -> Persona:
    """The persona of that name ("" is the neutral persona, all multipliers 1)."""
    return sc.personas[name] if name else NO_PERSONA


def persona_mix(sc: Scenario, role_id: str) -> list[tuple[float, Persona]]:
    """(share, persona) of a role's mix; the neutral persona alone when there is none."""
    mix = sc.roles[role_id].personas
    if not mix:
        return [(1.0, NO_PERSONA)]
    return [(share, sc.personas[p]) for p, share in mix.items()]


def mean_duration_x(sc: Scenario, role_id: str) -> float:
    """The mix's mean duration multiplier (durations are linear in it)."""
    return sum(share * p.duration_x for share, p in persona_mix(sc, role_id))


def stage_conversion(convert: float, conversion_x: float) -> float:
    """A stage's conversion for a persona's ``conversion_x``: ``convert x conversion_x``, <= 1."""
    return min(1.0, convert * conversion_x)


def ramp_productivity(ramp: Ramp | None, tenure_days: float, month_days: float) -> float:
    """Share of full productivity after ``tenure_days`` working days in the seat."""
    if ramp is None:
        return 1.0
    month = int(tenure_days // month_days)
    shares = ramp.productivity_by_month
    return shares[month] if 0 <= month < len(shares) else 1.0


def ramp_days(ramp: Ramp | None, month_days: float) -> float:
    """Working days a new hire spends on the ramp's list (after it: fully productive)."""
    return 0.0 if ramp is None else len(ramp.productivity_by_month) * month_days


def shortfall_months(ramp: Ramp | None) -> float:
    """Months of full output a new hire loses on the ramp: sum of ``1 - share``."""
    return 0.0 if ramp is None else sum(1.0 - p for p in ramp.productivity_by_month)


def expected_productivity(role: Role, headcount: float) -> float:
    """A person's average ramp share: ``sim.rules.staffing.role_attrition_productivity``."""
    from sim.rules.staffing import role_attrition_productivity  # staffing reads this module

    return role_attrition_productivity(role, headcount)


def dial_cap(sc: Scenario, role_id: str) -> float:
    """Most dials a day for one person of the role: ``selling_share x max_calls_per_day``."""
    return sc.policies.max_calls_per_day * sc.roles[role_id].sells


def planned_dials_cap(sc: Scenario, role_id: str) -> float:
    """Most dials a day a plan may ask of one person: ``occupancy_cap x dial_cap``.

    The same headroom as on time: a day of meetings and travel holds fewer dials, and
    the following days make them up only under the day's cap, so a plan of dials at
    the cap would not be held on average.
    """
    return sc.policies.occupancy_cap * dial_cap(sc, role_id)


def daily_dials(sc: Scenario, role_id: str, month_index: int | None = None) -> int:
    """A person's call quota, dials a day: the month's, the role's own or the policy's x share.

    ``month_index``: the 0-based horizon month of the day (``Scenario.months[day]``); a
    month the role lists in ``call_quota_by_month`` (by its calendar label, "2027-02")
    has that quota, any other the role's ``call_quota_per_day``, else the policy's quota
    x selling share. None: that default, the quota of no month in particular. Never
    above ``dial_cap`` (rounded down). The simulator's dialer reads it month by month.
    """
    role = sc.roles[role_id]
    quota = role.call_quota_per_day
    if month_index is not None and role.call_quota_by_month:
        quota = role.call_quota_by_month.get(sc.month_label(month_index), quota)
    if quota is None:
        quota = round(sc.policies.call_quota_per_day * role.sells)
    return min(quota, math.floor(dial_cap(sc, role_id) + 1e-9))


def lead_weight(role: Role) -> float:
    """Weight of a person in the draw of a lead that arrived by itself: the selling share."""
    return role.sells


def person_id(role_id: str, number: int) -> str:
    """The id of the n-th person (1-based) of a role: ``role.NN``."""
    return f"{role_id}.{number:02d}"


def link_managers(sc: Scenario, staffed: dict[str, int]) -> dict[str, str]:
    """Person id -> their direct manager's person id, for a team of these headcounts.

    Managers are the people of the nearest staffed role up the chain, assigned in turn
    (one counter per managing role, shared by every role reporting to it, in role
    order), so spans are balanced. The simulator and the optimiser's allocation build
    the same tree from it.
    """
    from sim.rules.duties import manager_role

    turn: dict[str, int] = {}
    result: dict[str, str] = {}
    for rid in sc.roles:
        up = manager_role(sc, rid, staffed)
        if up is None:
            continue
        bosses = staffed.get(up, 0)
        for i in range(1, staffed.get(rid, 0) + 1):
            k = turn.get(up, 0)
            turn[up] = k + 1
            result[person_id(rid, i)] = person_id(up, k % bosses + 1)
    return result


def span_warnings(sc: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """(field path, message) for each role whose people have more reports than max_span.

    Counted on the reporting tree the simulator builds (``link_managers``) at the current
    headcounts: a plan may still size more managers, so this is a warning, not an error.
    """
    from sim.names import title  # sim.names reads sim.rules: imported when a text is made

    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    reports: dict[str, int] = {}
    for boss in link_managers(sc, staffed).values():
        reports[boss] = reports.get(boss, 0) + 1
    found: list[tuple[tuple[PathPart, ...], str]] = []
    for rid, role in sc.roles.items():
        if role.max_span is None or staffed[rid] == 0:
            continue
        mine = [reports.get(person_id(rid, i), 0) for i in range(1, staffed[rid] + 1)]
        total, most = sum(mine), max(mine)
        if most > role.max_span:
            need = -(-total // role.max_span)
            found.append(
                (
                    ("roles", rid, "max_span"),
                    f"{counted(total, 'person')} report to {title(rid, sc)} "
                    f"({counted(staffed[rid], 'person')}, {most} to one), beyond a span of "
                    f"{role.max_span}: {title(rid, sc)} needs {counted(need, 'person')}, or a "
                    f"span of {most}",
                )
            )
    return found
