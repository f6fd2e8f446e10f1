"""Recurring duties as minutes a working day, per person.

Weekly and monthly duties are spread evenly over the working days (minutes / 5 or / 21
a day, the same arithmetic as ``Duty.minutes_per_day`` that the optimiser uses) rather
than falling on one day, which would swamp that day. Coaching (``report_per_week``)
scales with the person's actual direct reports. A fixed duty goes to one eligible
person: the first of the first eligible role. Event duties (``deal``) become work for a
deal's owner when the deal is created; approvals and escalations are queued by deals.
"""

from __future__ import annotations

from sim.model.people import Person
from sim.scenario import Scenario
from sim.scenario.work import WORKDAYS_PER_MONTH, WORKDAYS_PER_WEEK, DutyScale

_PER_DAY = {
    DutyScale.HEAD_PER_DAY: 1.0,
    DutyScale.HEAD_PER_WEEK: 1.0 / WORKDAYS_PER_WEEK,
    DutyScale.HEAD_PER_MONTH: 1.0 / WORKDAYS_PER_MONTH,
    DutyScale.FIXED_PER_WEEK: 1.0 / WORKDAYS_PER_WEEK,
    DutyScale.FIXED_PER_MONTH: 1.0 / WORKDAYS_PER_MONTH,
}
_FIXED = (DutyScale.FIXED_PER_WEEK, DutyScale.FIXED_PER_MONTH)


def activity_of(duty_id: str, per: DutyScale) -> str:
    """The time-use activity of a duty: coaching has its own name, the rest 'duty:<id>'."""
    return "coaching" if per is DutyScale.REPORT_PER_WEEK else f"duty:{duty_id}"


def assign_duties(sc: Scenario, people: list[Person]) -> None:
    """Fill each person's ``duties`` with (activity, minutes a day)."""
    for did, duty in sc.duties.items():
        roles = sc.duty_roles(did)
        eligible = [p for p in people if p.role_id in roles]
        if duty.per in _FIXED:
            eligible = eligible[:1]
        for p in eligible:
            if duty.per is DutyScale.REPORT_PER_WEEK:
                minutes = duty.minutes * len(p.reports) / WORKDAYS_PER_WEEK
            else:
                minutes = duty.minutes * _PER_DAY.get(duty.per, 0.0)
            if minutes > 0:
                p.duties.append((activity_of(did, duty.per), minutes))


def deal_duties(sc: Scenario) -> dict[str, list[tuple[str, float]]]:
    """Role id -> (activity, minutes) of the per-deal duties its people do on each deal."""
    out: dict[str, list[tuple[str, float]]] = {}
    for did, duty in sc.duties.items():
        if duty.per is DutyScale.DEAL:
            for rid in sc.duty_roles(did):
                out.setdefault(rid, []).append((activity_of(did, duty.per), duty.minutes))
    return out
