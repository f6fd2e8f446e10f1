"""Recurring duties as minutes a working day, per person (the rules: sim.rules.duties).

Weekly and monthly duties are spread evenly over the working days rather than falling
on one day, which would swamp that day. Per-report duties scale with the person's actual
direct reports. A fixed duty is done once per unit (once for a team without units), by
the first person of the unit's first eligible role with people. Per-deal duties become
work for a deal's owner when the deal is created; approvals and escalations are queued
by deals.
"""

from __future__ import annotations

from sim.model.people import Person
from sim.rules import duties as rule
from sim.scenario import Scenario
from sim.scenario.work import DutyScale


def assign_duties(sc: Scenario, people: list[Person]) -> None:
    """Fill each person's ``duties`` with (activity, minutes a day at work)."""
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    first: dict[str, Person] = {}
    for p in people:
        first.setdefault(p.role_id, p)
    for did, duty in sc.duties.items():
        if duty.per not in rule.RECURRING:
            continue
        if duty.per in rule.FIXED:  # the first person of each holder role
            holders = rule.fixed_holders(sc, did, staffed)
            eligible = [first[rid] for rid in holders if rid in first]
        else:
            roles = sc.duty_roles(did)
            eligible = [p for p in people if p.role_id in roles]
        for p in eligible:
            reports = p.report_count if duty.per is DutyScale.REPORT_PER_WEEK else 0
            minutes = rule.minutes_per_day(sc, duty, reports)
            if minutes > 0:
                p.duties.append((rule.activity(did, duty), minutes))


def deal_duties(sc: Scenario) -> dict[str, list[tuple[str, float]]]:
    """Role id -> (activity, minutes) of the per-deal duties its people do on each deal."""
    return {rid: found for rid in sc.roles if (found := rule.deal_duties(sc, rid))}
