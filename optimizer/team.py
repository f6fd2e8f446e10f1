"""The units the model plans for: whole roles (sizing) or named people (allocation).

Every per-person figure comes from the rules (sim.rules): presence, persona multipliers,
the expected ramp share, the dial cap, the reporting tree. A role whose people have
dates (``staff``, ``joiners``) is planned as it stands in the design month
(sim.rules.staffing): the people in seat then and their mean ramp share, so that the
plan's people and output in that month are the simulator's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.rates import Rates
from sim.rules.day import available_min
from sim.rules.people import (
    link_managers,
    person_id,
    persona,
    planned_dials_cap,
    staff_personas,
)
from sim.rules.staffing import (
    RoleMonth,
    at_work_share,
    attrition_productivity,
    role_month,
    seat_month,
    seats,
)
from sim.scenario import Level, Scenario
from sim.scenario.team import Persona

Mix = tuple[tuple[float, Persona], ...]


@dataclass(frozen=True)
class Unit:
    """People who are planned as one: a role of n people, or one named person.

    Rates are per person and per working day averaged over absences, so a unit's
    capacity is ``capacity_min`` times its headcount.
    """

    id: str  # role id when sizing, person id ("client_manager.03") in allocation
    role: str
    level: Level
    persona: str  # "" for a role's mix
    mix: Mix  # (share, persona) the unit's deals are worked with
    duration_x: float  # the mix's mean duration multiplier
    travel_min: float  # one way, to an in-person meeting
    productivity: float  # expected ramp share: scales deals won (sim.rules.staffing)
    presence: float  # share of a seat's working days at work: absences and vacancies
    capacity_min: float  # minutes a working day that may be planned busy, per person
    dials_max: float  # most dials a plan may ask a working day, per person, over absences
    manager: str = ""  # allocation: the manager's person id
    reports: int = 0  # allocation: people reporting to this person
    # Sizing: people in seat in the design month beyond the headcount decided (joiners
    # in, planned leavers out; a mean over the month's working days).
    extra_people: float = 0.0


def _capacity(sc: Scenario, pres: float, factor: float) -> float:
    # Breaks are in-day shrinkage (available_min); absence and vacancies are whole days
    # (presence, sim.rules.staffing.at_work_share);
    # the occupancy cap keeps headroom on what remains. Each counted once. The factor
    # is the verify loop's calibration: the share of this time the simulated days held.
    return available_min(sc) * pres * sc.policies.occupancy_cap * factor


def _unit(
    sc: Scenario,
    r: Rates,
    uid: str,
    rid: str,
    name: str | None,
    people: float,
    now: float | None = None,
    **extra: object,
) -> Unit:
    """A unit of ``people`` of role ``rid``; attrition spread over ``now`` (default: them)."""
    role = sc.roles[rid]
    now = people if now is None else now
    if name is None:
        # The personas the role's people really have (largest remainder for this many
        # people and the staff's pins, sim.rules.people.staff_personas), not the mix's.
        names = staff_personas(role, max(round(people), 1))
        mix: Mix = tuple(
            (names.count(p) / len(names), persona(sc, p)) for p in dict.fromkeys(names)
        )
    else:
        mix = ((1.0, persona(sc, name)),)
    # At work: days away and the days a seat stands empty between a leaver and the
    # replacement (issue 12, stage S6), both from the rules.
    pres = at_work_share(sc, rid, now)
    travel = role.travel_min.expected_value() if role.travel_min is not None else 0.0
    productivity = attrition_productivity(sc, rid, now)
    if dated(sc, rid):
        if name is None:
            in_seat, productive = design_roster(sc, r, rid, round(people))
            extra["extra_people"] = in_seat - people
        else:
            # A person in seat part of the month is at work that part of it.
            in_seat, productive = seat_month(sc, seats(sc, rid)[_index(uid)], r.design.index)
            pres *= in_seat
        productivity *= productive / in_seat if in_seat > 0 else 1.0
    return Unit(
        id=uid,
        role=rid,
        level=role.level,
        persona=name or "",
        mix=mix,
        duration_x=sum(share * p.duration_x for share, p in mix),
        travel_min=travel,
        productivity=productivity,
        presence=pres,
        capacity_min=_capacity(sc, pres, r.capacity_of(rid)),
        dials_max=planned_dials_cap(sc, rid) * pres,
        **extra,  # type: ignore[arg-type]
    )


def dated(sc: Scenario, role_id: str) -> bool:
    """Whether a role's people have dates (``staff`` entries, ``joiners``) to plan with."""
    role = sc.roles[role_id]
    return bool(role.staff or role.joiners)


def design_month(sc: Scenario, r: Rates, role_id: str, people: int) -> RoleMonth:
    """The role in the design month with ``people`` in seat now (sim.rules.staffing).

    ``role_month`` of the role with ``people`` in seat now: the first of them follow
    ``staff`` (start dates, leaving dates), the rest are fully ramped, as the simulator
    builds a plan's team (optimizer.measure.apply_plan); then ``joiners``.
    """
    role = sc.roles[role_id]
    now = role.headcount.model_copy(update={"current": people})
    roles = {**sc.roles, role_id: role.model_copy(update={"headcount": now})}
    return role_month(sc.model_copy(update={"roles": roles}), role_id, r.design.index)


def design_roster(sc: Scenario, r: Rates, role_id: str, people: int) -> tuple[float, float]:
    """People in seat in the design month and their summed ramp shares, ``people`` now."""
    month = design_month(sc, r, role_id, people)
    return month.in_seat, month.productive


def _index(person: str) -> int:
    """0-based index of a person id (``seller.03`` -> 2)."""
    return int(person.rpartition(".")[2]) - 1


def sizing_units(
    sc: Scenario, r: Rates, team: dict[str, int], now: Mapping[str, int] | None = None
) -> list[Unit]:
    """One unit per role, with its persona mix; ``team`` is the headcount the ramp is for.

    ``now``: the people in seat now, whom a count of leavers a year is spread over
    (``sim.rules.staffing.leave_rate_per_day``); default ``team``, which a plain plan's
    team becomes in the simulator (``optimizer.measure.apply_plan``). A hiring plan keeps
    today's people in seat and adds its hires as joiners.
    """
    return [
        _unit(
            sc,
            r,
            uid=rid,
            rid=rid,
            name=None,
            people=max(team.get(rid, 0), 1),
            now=None if now is None else max(now.get(rid, 0), 1),
        )
        for rid in sc.roles
    ]


def allocation_units(sc: Scenario, r: Rates) -> list[Unit]:
    """One unit per person of the current team, named role.NN, as the simulator names them."""
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    managers = link_managers(sc, staffed)
    reports: dict[str, int] = {}
    for boss in managers.values():
        reports[boss] = reports.get(boss, 0) + 1
    units = []
    for rid, role in sc.roles.items():
        n = role.headcount.current
        for i, name in enumerate(staff_personas(role, n), start=1):
            pid = person_id(rid, i)
            boss, below = managers.get(pid, ""), reports.get(pid, 0)
            unit = _unit(sc, r, uid=pid, rid=rid, name=name, people=n, manager=boss, reports=below)
            units.append(unit)
    return units
