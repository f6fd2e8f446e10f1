"""Duties: a duty's minutes per working day for every way it scales, and who does what.

- Per head (a day, a week, a month) and per report (a week): done by each person of an
  eligible role on the days they are at work (a day away skips them, so on average they
  take ``presence`` of their minutes). What a busy day cannot hold waits for the next
  day at work (work does not vanish, DOMAIN.md). Weeks and months are the calendar's average
  (``Calendar.working_days_per_week`` and ``_per_month``), spread evenly over the days.
- Fixed (a week, a month): done by one person, the first of the first eligible role.
- Per deal: done by the deal's owner, on each deal created, when the owner's role is
  eligible.
- Per approval and per escalation: the minutes of one approval (escalation) at a level
  are the sum of every such duty listing that level; it is done by the owner's nearest
  manager at that level or above (``approver_role``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sim.rules.activities import TimeUse, duty_activity
from sim.scenario import Level, Scenario
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


def fixed_holder(sc: Scenario, duty_id: str, staffed: dict[str, int]) -> str | None:
    """The role whose first person does a fixed duty: the first eligible role with people."""
    return next((rid for rid in sc.duty_roles(duty_id) if staffed.get(rid, 0) > 0), None)


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
    others_at: Callable[[Level], Iterable[T]],
) -> T:
    """Who approves (or handles an escalation) at ``level`` for a deal of ``owner``.

    The rule, for people (the simulator, allocation) and roles (sizing) alike: the
    owner's nearest manager at that level or above; with nobody above, the first other
    one at that level (``others_at``); else the owner, who signs off their own deal.
    """
    up = manager(owner)
    while up is not None and level_of(up).rank < level.rank:
        up = manager(up)
    if up is not None:
        return up
    return next(iter(others_at(level)), owner)


def approver_role(sc: Scenario, owner_role: str, level: Level, staffed: dict[str, int]) -> str:
    """The role that approves at ``level`` for a deal of ``owner_role`` (``nearest_approver``).

    Vacant roles are skipped; "another at that level" is a staffed role at the level,
    the owner's own only when it has more than one person.
    """
    return nearest_approver(
        owner_role,
        level,
        manager=lambda r: manager_role(sc, r, staffed),
        level_of=lambda r: sc.roles[r].level,
        others_at=lambda lv: (
            r for r in sc.roles_at(lv) if staffed.get(r, 0) > (1 if r == owner_role else 0)
        ),
    )
