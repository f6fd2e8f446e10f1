"""The units the model plans for: whole roles (sizing) or named people (allocation).

Every per-person figure comes from the rules (sim.rules): presence, persona multipliers,
the expected ramp share, the dial cap, the reporting tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.rates import Rates
from sim.rules.day import available_min, presence
from sim.rules.people import (
    assign_personas,
    link_managers,
    person_id,
    persona,
    planned_dials_cap,
)
from sim.rules.staffing import attrition_productivity
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
    presence: float  # share of working days at work
    capacity_min: float  # minutes a working day that may be planned busy, per person
    dials_max: float  # most dials a plan may ask a working day, per person, over absences
    manager: str = ""  # allocation: the manager's person id
    reports: int = 0  # allocation: people reporting to this person


def _capacity(sc: Scenario, pres: float, factor: float) -> float:
    # Breaks are in-day shrinkage (available_min); absence is whole days (presence);
    # the occupancy cap keeps headroom on what remains. Each counted once. The factor
    # is the verify loop's calibration: the share of this time the simulated days held.
    return available_min(sc) * pres * sc.policies.occupancy_cap * factor


def _unit(
    sc: Scenario, r: Rates, uid: str, rid: str, name: str | None, people: float, **extra: object
) -> Unit:
    role = sc.roles[rid]
    if name is None:
        # The personas the role's people really have (largest remainder for this many
        # people, sim.rules.people.assign_personas), not the mix's shares.
        names = assign_personas(role.personas, max(round(people), 1))
        mix: Mix = tuple(
            (names.count(p) / len(names), persona(sc, p)) for p in dict.fromkeys(names)
        )
    else:
        mix = ((1.0, persona(sc, name)),)
    pres = presence(role, sc)
    travel = role.travel_min.expected_value() if role.travel_min is not None else 0.0
    return Unit(
        id=uid,
        role=rid,
        level=role.level,
        persona=name or "",
        mix=mix,
        duration_x=sum(share * p.duration_x for share, p in mix),
        travel_min=travel,
        productivity=attrition_productivity(sc, rid, people),
        presence=pres,
        capacity_min=_capacity(sc, pres, r.capacity_of(rid)),
        dials_max=planned_dials_cap(sc, rid) * pres,
        **extra,  # type: ignore[arg-type]
    )


def sizing_units(sc: Scenario, r: Rates, team: dict[str, int]) -> list[Unit]:
    """One unit per role, with its persona mix; ``team`` is the headcount the ramp is for."""
    return [
        _unit(sc, r, uid=rid, rid=rid, name=None, people=max(team.get(rid, 0), 1))
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
        for i, name in enumerate(assign_personas(role.personas, n), start=1):
            pid = person_id(rid, i)
            extra = {"manager": managers.get(pid, ""), "reports": reports.get(pid, 0)}
            units.append(_unit(sc, r, uid=pid, rid=rid, name=name, people=n, **extra))
    return units
