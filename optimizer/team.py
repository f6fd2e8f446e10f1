"""The units the model plans for: whole roles (sizing) or named people (allocation)."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.rates import (
    Rates,
    people_ramping,
    persona_multipliers,
    presence,
    ramp_productivity,
    ramping_productivity,
)
from sim.scenario import Level, Scenario


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
    duration_x: float
    conversion_x: float
    travel_min: float  # one way, to an in-person meeting
    productivity: float  # ramp: selling work takes 1/productivity of the time
    presence: float  # share of working days at work
    capacity_min: float  # minutes a working day that may be planned busy, per person
    manager: str = ""  # allocation: the manager's person id
    reports: int = 0  # allocation: people reporting to this person


def _capacity(sc: Scenario, pres: float, factor: float) -> float:
    # Breaks are in-day shrinkage (available_min); absence is whole days (presence);
    # the occupancy cap keeps headroom on what remains. Each counted once. The factor
    # is the verify loop's calibration: the share of this time the simulated days held.
    return sc.calendar.workday.available_min * pres * sc.policies.occupancy_cap * factor


def sizing_units(sc: Scenario, r: Rates) -> list[Unit]:
    """One unit per role, with the mean multipliers of its persona mix."""
    units = []
    for rid, role in sc.roles.items():
        dur, conv = persona_multipliers(sc, rid)
        pres = presence(role, r)
        travel = role.travel_min.expected_value() if role.travel_min is not None else 0.0
        prod = ramp_productivity(role, max(role.headcount.current, 1))
        units.append(
            Unit(
                rid,
                rid,
                role.level,
                "",
                dur,
                conv,
                travel,
                prod,
                pres,
                _capacity(sc, pres, r.capacity_of(rid)),
            )
        )
    return units


def person_id(role_id: str, number: int) -> str:
    """The id of the n-th person (1-based) of a role, as the simulator names them."""
    return f"{role_id}.{number:02d}"


def assign_personas(mix: dict[str, float], n: int) -> list[str]:
    """Personas for n people by largest remainder: shares as close as whole people allow.

    Deterministic: ties go to the persona listed first; people get personas in the
    order of the mix, so the first people of a role have its first persona.
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


def allocation_units(sc: Scenario, r: Rates) -> list[Unit]:
    """One unit per person of the current team, named role.NN.

    The last people of a role are taken to be the ones in their ramp (as many as
    attrition keeps in it on average), each at the mean productivity of the ramp.
    """
    managers = _managers(sc)
    units = []
    for rid, role in sc.roles.items():
        n = role.headcount.current
        personas = assign_personas(role.personas, n)
        ramping = round(people_ramping(role))
        pres = presence(role, r)
        travel = role.travel_min.expected_value() if role.travel_min is not None else 0.0
        reports = _reports_per_person(sc, rid)
        for i, persona in enumerate(personas, start=1):
            p = sc.personas.get(persona)
            dur, conv = (p.duration_x, p.conversion_x) if p is not None else (1.0, 1.0)
            prod = ramping_productivity(role) if i > n - ramping else 1.0
            pid = person_id(rid, i)
            units.append(
                Unit(
                    pid,
                    rid,
                    role.level,
                    persona,
                    dur,
                    conv,
                    travel,
                    prod,
                    pres,
                    _capacity(sc, pres, r.capacity_of(rid)),
                    managers.get(pid, ""),
                    reports[i - 1],
                )
            )
    return units


def _blocks(n_people: int, n_managers: int) -> list[int]:
    """For each of n people, the 0-based manager they report to, in even contiguous blocks."""
    return [j * n_managers // n_people for j in range(n_people)] if n_managers else []


def _team_below(sc: Scenario, manager_role: str) -> list[str]:
    return [
        person_id(rid, i)
        for rid in sc.direct_reports(manager_role)
        for i in range(1, sc.roles[rid].headcount.current + 1)
    ]


def _managers(sc: Scenario) -> dict[str, str]:
    result: dict[str, str] = {}
    for mid, manager in sc.roles.items():
        below = _team_below(sc, mid)
        for pid, m in zip(below, _blocks(len(below), manager.headcount.current), strict=False):
            result[pid] = person_id(mid, m + 1)
    return result


def _reports_per_person(sc: Scenario, role_id: str) -> list[int]:
    n = sc.roles[role_id].headcount.current
    counts = [0] * n
    for m in _blocks(len(_team_below(sc, role_id)), n):
        counts[m] += 1
    return counts
