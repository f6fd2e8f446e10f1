"""Staffing: who is in a role's seats when, under which person id, and how long a seat is empty.

Issue 12, stage S1 (docs/dev/hiring_plan.md, sections 2.1 and 3): the one rule of
person ids and seats, read by the scenario's validation now and by the simulator and the
optimiser in later stages, so that all of them name the same person the same way.

- A role's people are ``<role>.01 ... <role>.NN``, NN = ``headcount.current``: the first
  ``len(staff)`` follow the ``staff`` list (their start dates, leaving dates,
  successors); the rest have no date and are fully ramped. All are in seat on
  ``calendar.start``.
- Then the ``joiners``, in list order (not date order), a joiner of ``count`` n giving n
  people, so that appending a hire never renumbers anyone; then ``hires`` (what the
  optimiser's calendar adds), likewise.
- The number has two digits or more (``.07``, ``.123``): the id of a person never
  changes when others are added.
- A vacancy (``attrition.time_to_fill_days``, calendar days) lasts
  ``sim.rules.deals.working_days`` of them in working days (``fill_days``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sim.errors import PathPart
from sim.rules.deals import working_days
from sim.scenario import Scenario
from sim.scenario.team import Joiner

Warning = tuple[tuple[PathPart, ...], str]


@dataclass(frozen=True)
class Seat:
    """One person of a role and their spell in seat.

    ``person`` is the id (``client_manager.03``), ``index`` its 0-based position in the
    role. ``first_day`` is the first day in seat (``calendar.start`` for people in seat
    now), ``last_day`` the last working day in seat or None (stays). ``tenure_from`` is
    the day tenure (ramp) counts from, None for fully ramped. ``successor`` is the person
    or role id that takes over open deals, None for the role's handover.
    """

    person: str
    index: int
    first_day: dt.date
    last_day: dt.date | None
    tenure_from: dt.date | None
    successor: str | None = None


def person_id(role_id: str, index: int) -> str:
    """The id of the role's person at 0-based ``index``: ``<role>.<index + 1, 2 digits+>``."""
    return f"{role_id}.{index + 1:02d}"


def seats(sc: Scenario, role_id: str, hires: Sequence[Joiner] = ()) -> tuple[Seat, ...]:
    """Every person of a role, in id order: people in seat now, then joiners, then hires.

    Shape: ``headcount.current + sum of joiners' and hires' counts`` seats. Raises
    KeyError for an unknown role.
    """
    role = sc.roles[role_id]
    start = sc.calendar.start
    found: list[Seat] = []
    for i in range(role.headcount.current):
        member = role.staff[i] if i < len(role.staff) else None
        found.append(
            Seat(
                person=person_id(role_id, i),
                index=i,
                first_day=start,
                last_day=member.leaves if member else None,
                tenure_from=member.start if member else None,
                successor=member.successor if member else None,
            )
        )
    for joiner in (*role.joiners, *hires):
        for _ in range(joiner.count):
            i = len(found)
            found.append(
                Seat(
                    person=person_id(role_id, i),
                    index=i,
                    first_day=joiner.start,
                    last_day=joiner.leaves,
                    tenure_from=joiner.start,
                )
            )
    return tuple(found)


def person_ids(sc: Scenario, role_id: str, hires: Sequence[Joiner] = ()) -> list[str]:
    """The ids of a role's people, in order (see :func:`seats`)."""
    return [seat.person for seat in seats(sc, role_id, hires)]


def find_seat(sc: Scenario, person: str) -> Seat | None:
    """The seat of a person id (``client_manager.03``); None when no role has that person."""
    role_id, _, _ = person.rpartition(".")
    if role_id not in sc.roles:
        return None
    return next((s for s in seats(sc, role_id) if s.person == person), None)


def fill_days(sc: Scenario, role_id: str) -> float:
    """Working days a seat left by a leaver stays empty (0 without attrition).

    ``attrition.time_to_fill_days`` is in calendar days; it is turned into working days
    of the scenario's calendar on average, as a client's delay is (``deals.working_days``).
    """
    attrition = sc.roles[role_id].attrition
    return 0.0 if attrition is None else working_days(sc, attrition.time_to_fill_days)


def staffing_warnings(sc: Scenario) -> list[Warning]:
    """Joiners who start after the horizon's last working day: they never take a seat."""
    last = sc.calendar.dates[-1]
    found: list[Warning] = []
    for rid, role in sc.roles.items():
        for i, joiner in enumerate(role.joiners):
            if joiner.start > last:
                found.append(
                    (
                        ("roles", rid, "joiners", i, "start"),
                        f"{joiner.start} is after the horizon's last day {last}: this "
                        "joiner never takes a seat",
                    )
                )
    return found
