"""Duties: a duty's minutes per working day for every way it scales, and who does what.

- Per head (a day, a week, a month) and per report (a week): done by each person of an
  eligible role on the days they are at work (a day away skips them, so on average they
  take ``presence`` of their minutes). What a busy day cannot hold waits for the next
  day at work (work does not vanish, DOMAIN.md). Weeks and months are the calendar's average
  (``Calendar.working_days_per_week`` and ``_per_month``), spread evenly over the days.
- Fixed (a week, a month): done once per unit (decision D4; once for a team without
  units), by the first person of the unit's first eligible role with people.
- Per deal: done by the deal's owner, on each deal created, when the owner's role is
  eligible.
- Per approval and per escalation: the minutes of one approval (escalation) at a level
  are the sum of every such duty listing that level; it is done by the owner's nearest
  manager at that level or above, else by someone at the level in the owner's unit, the
  units above it or its ``fallback`` units (``nearest_approver``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sim.rules.activities import TimeUse, duty_activity
from sim.scenario import Level, Scenario
from sim.scenario.units import search_order
from sim.scenario.work import Duty, DutyScale

PER_HEAD = (DutyScale.HEAD_PER_DAY, DutyScale.HEAD_PER_WEEK, DutyScale.HEAD_PER_MONTH)
FIXED = (DutyScale.FIXED_PER_WEEK, DutyScale.FIXED_PER_MONTH)
RECURRING = (*PER_HEAD, DutyScale.REPORT_PER_WEEK, *FIXED)
T = TypeVar("T")
EVENTS = (DutyScale.DEAL, DutyScale.APPROVAL, DutyScale.ESCALATION)


def per_day(sc: Scenario, scale: DutyScale) -> float:
    """Share of a duty's minutes that falls on one working day (per head or per report).

    1 for daily duties, 1 / working days a week for weekly ones, 1 / working days a
    month for monthly ones, 0 for event duties (they come with deals, not with days).
    """
    cal = sc.calendar
    week, month = 1.0 / cal.working_days_per_week, 1.0 / cal.working_days_per_month
    return {
        DutyScale.HEAD_PER_DAY: 1.0,
        DutyScale.HEAD_PER_WEEK: week,
        DutyScale.HEAD_PER_MONTH: month,
        DutyScale.REPORT_PER_WEEK: week,
        DutyScale.FIXED_PER_WEEK: week,
        DutyScale.FIXED_PER_MONTH: month,
    }.get(scale, 0.0)


def minutes_per_day(sc: Scenario, duty: Duty, reports: float = 0.0) -> float:
    """A recurring duty's minutes on a working day at work, for one person.

    ``reports`` is the person's direct reports (only ``report_per_week`` uses it).
    """
    count = reports if duty.per is DutyScale.REPORT_PER_WEEK else 1.0
    return duty.minutes * per_day(sc, duty.per) * count


def activity(duty_id: str, duty: Duty) -> str:
    """The time-use activity of a duty's minutes.

    Approvals and escalations are their own activities; every other duty is
    ``duty:<id>``.
    """
    if duty.per is DutyScale.APPROVAL:
        return TimeUse.APPROVAL.value
    if duty.per is DutyScale.ESCALATION:
        return TimeUse.ESCALATION.value
    return duty_activity(duty_id)


def event_minutes(sc: Scenario, scale: DutyScale, level: Level) -> float:
    """Minutes of one approval or escalation at ``level``: every such duty listing it, summed."""
    return sum(d.minutes for d in sc.duties.values() if d.per is scale and level in d.levels)


def fixed_holders(sc: Scenario, duty_id: str, staffed: dict[str, int]) -> list[str]:
    """The roles whose first person does a fixed duty: once per unit (decision D4).

    In each unit with eligible roles that have people, the first such role (the file's
    order), units in the order their first eligible role comes; the roles outside the
    units count as one unit. A file without units is one unit: the team does the duty
    once, by the first eligible role with people.
    """
    holders: dict[str | None, str] = {}
    for rid in sc.duty_roles(duty_id):
        unit = sc.roles[rid].unit
        if unit not in holders and staffed.get(rid, 0) > 0:
            holders[unit] = rid
    return list(holders.values())


def deal_duties(sc: Scenario, role_id: str) -> list[tuple[str, float]]:
    """(activity, minutes) of the per-deal duties an owner of this role does on each deal."""
    return [
        (activity(did, d), d.minutes)
        for did, d in sc.duties.items()
        if d.per is DutyScale.DEAL and role_id in sc.duty_roles(did)
    ]


def manager_role(sc: Scenario, role_id: str, staffed: dict[str, int]) -> str | None:
    """The nearest role up the reporting chain that has people (a vacant level is skipped)."""
    up = sc.roles[role_id].reports_to
    while up is not None and staffed.get(up, 0) <= 0:
        up = sc.roles[up].reports_to
    return up


def nearest_approver(
    owner: T,
    level: Level,
    *,
    manager: Callable[[T], T | None],
    level_of: Callable[[T], Level],
    others_at: Callable[[Level, str | None], Iterable[T]],
    places: Iterable[str | None],
) -> T:
    """Who approves (or handles an escalation) at ``level`` for a deal of ``owner``.

    The rule, for people (the simulator, allocation) and roles (sizing) alike: the
    owner's nearest manager at that level or above; with nobody above, the first other
    one at that level (``others_at(level, unit)``) in the first of ``places`` that has one:
    the owner's unit, the units above it, the roles outside the units, then the unit's
    ``fallback`` units (``sim.scenario.units.search_order``; never another branch unasked;
    a file without units has one place, the whole team); else the owner, who signs off
    their own deal.
    """
    found = _approver(
        owner, level, manager=manager, level_of=level_of, others_at=others_at, places=places
    )
    return owner if found is None else found


def _approver(
    owner: T,
    level: Level,
    *,
    manager: Callable[[T], T | None],
    level_of: Callable[[T], Level],
    others_at: Callable[[Level, str | None], Iterable[T]],
    places: Iterable[str | None],
) -> T | None:
    up = manager(owner)
    while up is not None and level_of(up).rank < level.rank:
        up = manager(up)
    if up is not None:
        return up
    for place in places:
        found = next(iter(others_at(level, place)), None)
        if found is not None:
            return found
    return None


def role_approver(
    sc: Scenario, owner_role: str, level: Level, staffed: dict[str, int]
) -> str | None:
    """The role that approves at ``level`` for a deal of ``owner_role``, None for its owner.

    ``nearest_approver`` on roles: vacant roles are skipped; "another at that level" is a
    staffed role at the level in the place searched, the owner's own role only when it has
    more than one person. None: nobody, the deal's owner signs it off.
    """
    return _approver(
        owner_role,
        level,
        manager=lambda r: manager_role(sc, r, staffed),
        level_of=lambda r: sc.roles[r].level,
        others_at=lambda lv, unit: (
            r
            for r in sc.roles_at(lv)
            if sc.roles[r].unit == unit and staffed.get(r, 0) > (1 if r == owner_role else 0)
        ),
        places=search_order(sc.units, sc.roles[owner_role].unit),
    )


def approver_role(sc: Scenario, owner_role: str, level: Level, staffed: dict[str, int]) -> str:
    """The role that approves at ``level`` for a deal of ``owner_role`` (``nearest_approver``).

    ``role_approver``, or the owner's own role when nobody else would.
    """
    return role_approver(sc, owner_role, level, staffed) or owner_role
