"""Recurring duties as minutes a working day, per person (the rules: sim.rules.duties).

Weekly and monthly duties are spread evenly over the working days rather than falling
on one day, which would swamp that day. Per-report duties scale with the person's actual
direct reports. A fixed duty goes to the first person of the first eligible role with
people. Per-deal duties become work for a deal's owner when the deal is created;
approvals and escalations are queued by deals.
"""

from __future__ import annotations

from sim.model.people import Person
from sim.rules import duties as rule
from sim.scenario import Scenario
from sim.scenario.work import DutyScale


def assign_duties(sc: Scenario, people: list[Person]) -> None:
    """Fill each person's ``duties`` with (activity, minutes a day at work)."""
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    for did, duty in sc.duties.items():
        if duty.per not in rule.RECURRING:
            continue
        roles = sc.duty_roles(did)
        if duty.per in rule.FIXED:
            holder = rule.fixed_holder(sc, did, staffed)
            roles = [holder] if holder is not None else []
        eligible = [p for p in people if p.role_id in roles]
        if duty.per in rule.FIXED:
            eligible = eligible[:1]
        for p in eligible:
            reports = len(p.reports) if duty.per is DutyScale.REPORT_PER_WEEK else 0
            minutes = rule.minutes_per_day(sc, duty, reports)
            if minutes > 0:
                p.duties.append((rule.activity(did, duty), minutes))


def deal_duties(sc: Scenario) -> dict[str, list[tuple[str, float]]]:
    """Role id -> (activity, minutes) of the per-deal duties its people do on each deal."""
    return {rid: found for rid in sc.roles if (found := rule.deal_duties(sc, rid))}
