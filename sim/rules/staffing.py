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

Stage S2 adds the expectations the optimiser plans with and the simulator's draws agree
with (sections 2.1 and 3):

- ``leavers_per_year`` is the one reader of the attrition a role states:
  ``attrition.leavers_per_year``, else ``attrition.rate_per_year x headcount``, else the
  older files' ``ramp.new_hires_per_year`` (a count, no vacancy), else 0. Each leaver is
  replaced; the replacement starts the ramp again.
- Per person in seat, leaves come at ``lambda = leave_rate_per_day`` a working day; a seat
  is then empty ``v = fill_days``. As a renewal process (in seat 1/lambda on average,
  then empty v), a seat is occupied ``in_seat_share = 1 / (1 + lambda v)`` of the time,
  and a person in seat is on average at ``attrition_productivity = 1 - lambda S m`` of
  full output (S the ramp's shortfall months, m the working days of a month of tenure):
  each spell in seat loses S months of output once. ``at_work_share`` is a seat's share
  of working days at work: ``sim.rules.day.presence x in_seat_share``. The simulator
  draws the leaves and vacancies (``sim.model.attrition``, stage S6); the optimiser
  plans a role's working time, dials and leads at ``at_work_share`` and its wins at
  ``attrition_productivity``, with lambda from the people in seat now.
- The deterministic roster (``role_month``) is the seats of :func:`seats` by day, with
  no random leaver: means over a month's working days of the people in seat, ramping,
  ramped and their summed ramp share (``month_productivity``).
- Months are the horizon's calendar months as the rest of the project counts them
  (``Scenario.months``: month 0 is the month of the first working day); a hire of month
  t starts on its first working day in the horizon (``hire_date``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sim.errors import PathPart
from sim.rules.day import presence
from sim.rules.deals import working_days
from sim.rules.people import ramp_productivity, shortfall_months
from sim.scenario import Scenario
from sim.scenario.team import Joiner, Role

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


def taker_roles(sc: Scenario, role_id: str, successor: str | None) -> tuple[str, ...]:
    """The roles searched, in order, for who takes over a leaver's open deals.

    Issue 12, stage S7 (docs/dev/hiring_plan.md, section 4.4): the named successor's role
    (a person id's role, or the role id named), then the role's ``handover``, then the
    role itself, each once. The simulator (``sim.model.world.World.successor``) first
    tries a named person in seat that day, then the first of these roles with someone in
    seat; the optimiser expects the first.
    """
    named = successor.rpartition(".")[0] if successor and "." in successor else successor
    return tuple(dict.fromkeys(r for r in (named, sc.roles[role_id].handover, role_id) if r))


@dataclass(frozen=True)
class Handover:
    """A planned leaver in the horizon whose open deals another role is to take over."""

    role: str  # the leaver's role
    seat: Seat
    taker: str  # the role expected to take over (the first of :func:`taker_roles`)
    last: int  # working-day index of the leaver's last day in seat


def handovers(sc: Scenario) -> list[Handover]:
    """Planned leavers (staff and joiners) whose deals go to another role, in role order."""
    found = []
    for rid in sc.roles:
        for seat in seats(sc, rid):
            _, last = _window(sc, seat)
            if last is None or not 0 <= last < sc.calendar.horizon_days - 1:
                continue
            taker = taker_roles(sc, rid, seat.successor)[0]
            if taker != rid:
                found.append(Handover(rid, seat, taker, last))
    return found


def ramping_at_start(sc: Scenario, role_id: str) -> int:
    """People of the role in seat on the horizon's first working day and still on the ramp.

    A person listed in ``staff`` with a ``start``, whose ramp share that day (the rule of
    :func:`month_productivity`: ``ramp_productivity`` of the working days since) is
    below 1.
    """
    role = sc.roles[role_id]
    found = 0
    for seat in seats(sc, role_id)[: role.headcount.current]:
        if seat.tenure_from is None:
            continue
        tenure = sc.calendar.day_index(seat.tenure_from)
        share = _shares(sc, role, _window(sc, seat), tenure_from=tenure, days=range(1))
        found += share[0] < 1.0
    return found


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


# ---------------------------------------------------------------------------------------
# Attrition: how many leave, how long their seats stay empty, what it costs in output.


def leavers_per_year(role: Role, headcount: float) -> float:
    """Leavers a year in a role of ``headcount`` people in seat, each of them replaced.

    ``attrition.leavers_per_year`` if given; else ``attrition.rate_per_year x headcount``;
    else the older files' ``ramp.new_hires_per_year`` (the same count, with no vacancy);
    else 0. The only reader of those fields (tests/test_architecture.py): the simulator
    draws leavers at this rate and the optimiser expects them from it.
    """
    attrition = role.attrition
    if attrition is not None and attrition.leavers_per_year is not None:
        return attrition.leavers_per_year
    if attrition is not None and attrition.rate_per_year is not None:
        return attrition.rate_per_year * headcount
    return legacy_leavers_per_year(role)


def legacy_leavers_per_year(role: Role) -> float:
    """The older files' ``ramp.new_hires_per_year`` (0 when not given).

    Validation refuses a count here beside ``attrition`` (two homes of one rate); a 0 is
    what every scenario dumped and validated again carries, so it is no second home.
    """
    return role.ramp.new_hires_per_year if role.ramp is not None else 0.0


def leave_rate_per_day(sc: Scenario, role_id: str, headcount: float) -> float:
    """``lambda``: leaves per person in seat per working day (0 for an empty role).

    ``leavers_per_year / headcount / Calendar.working_days_per_year`` (every "a year"
    rate of a scenario is per that many working days).
    """
    if headcount <= 0:
        return 0.0
    per_year = leavers_per_year(sc.roles[role_id], headcount)
    return per_year / headcount / sc.calendar.working_days_per_year


def in_seat_share(sc: Scenario, role_id: str, headcount: float) -> float:
    """Share of the time a seat of the role is occupied: ``1 / (1 + lambda v)``, in (0, 1].

    A renewal process: a person stays ``1 / lambda`` working days on average, then the seat
    is empty ``v = fill_days`` working days until the replacement starts. 1 with no
    vacancy or no attrition.
    """
    rate = leave_rate_per_day(sc, role_id, headcount)
    return 1.0 / (1.0 + rate * fill_days(sc, role_id))


def at_work_share(sc: Scenario, role_id: str, headcount: float) -> float:
    """Share of a seat's working days its holder is at work, in [0, 1].

    ``sim.rules.day.presence`` (days away) times :func:`in_seat_share` (vacancies): a seat
    is held ``in_seat_share`` of the days and its holder away on ``1 - presence`` of
    those, independently (the simulator draws days away over the whole horizon, and a
    day away that falls in a vacancy is simply not taken). What the optimiser plans a
    role's working time, dials and leads on, for a role of ``headcount`` people in seat
    now.
    """
    role = sc.roles[role_id]
    return presence(role, sc) * in_seat_share(sc, role_id, headcount)


def role_attrition_productivity(role: Role, headcount: float) -> float:
    """A person in seat's average ramp share, in [0, 1], for a role of ``headcount``.

    ``max(0, 1 - lambda S m)`` with ``lambda = L / headcount / working days a year``, S the
    ramp's shortfall months and m = working days a year / 12 (a month of tenure), which
    is ``1 - L S / 12 / headcount``: the calendar cancels, so the rule needs only the role.
    Computed in that form so that older files plan to the bit as before. 3 leavers a
    year with a 25/50/75/100 % ramp lose 4.5 seat-months a year, 2.7 % of 14 people's
    output. 1 without a ramp or people. A vacancy does not lower it: an empty seat has
    no output to lose, which ``in_seat_share`` counts.
    """
    if role.ramp is None or headcount <= 0:
        return 1.0
    lost = leavers_per_year(role, headcount) * shortfall_months(role.ramp) / 12.0
    return max(0.0, 1.0 - lost / headcount)


def attrition_productivity(sc: Scenario, role_id: str, headcount: float) -> float:
    """A person in seat's average ramp share under attrition, in [0, 1].

    :func:`role_attrition_productivity` of the role: what the optimiser scales a role's
    wins by (``optimizer.team``).
    """
    return role_attrition_productivity(sc.roles[role_id], headcount)


# ---------------------------------------------------------------------------------------
# The deterministic roster by month.


@dataclass(frozen=True)
class RoleMonth:
    """A role in one month of the horizon, from its seats and no random leaver.

    ``in_seat``, ``ramping`` (ramp share below 1), ``ramped`` (share 1) and
    ``productive`` (the people's summed ramp shares) are means over the month's working
    days in the horizon, in people; ``in_seat = ramping + ramped``. ``joiners`` are the
    people (joiners and hires) whose first day in seat falls in the month, ``leavers``
    those whose last day in seat does.
    """

    in_seat: float
    ramping: float
    ramped: float
    productive: float
    joiners: int
    leavers: int


def days_of_month(sc: Scenario, month: int) -> range:
    """Working-day indices of month ``month`` (0-based, ``Scenario.months``) in the horizon.

    Raises ValueError for a month the horizon does not touch.
    """
    months = sc.months
    if not 0 <= month <= months[-1]:
        raise ValueError(f"month {month} is not in the horizon (months 0 to {months[-1]})")
    first = months.index(month)
    last = len(months) - months[::-1].index(month)
    return range(first, last)


def hire_date(sc: Scenario, month: int) -> dt.date:
    """The day a hire of month ``month`` starts: its first working day in the horizon.

    For month 0 that is the horizon's first working day, which may be mid-month. Raises
    ValueError for a month the horizon does not touch.
    """
    return sc.calendar.dates[days_of_month(sc, month)[0]]


def _shares(
    sc: Scenario,
    role: Role,
    window: tuple[int, int | None],
    *,
    tenure_from: int | None,
    days: range,
) -> list[float]:
    """Ramp share on each of ``days``; 0 outside the window (first, last or None) in seat."""
    first, last = window
    month = sc.calendar.working_days_per_month

    def share(d: int) -> float:
        if d < first or (last is not None and d > last):
            return 0.0
        if tenure_from is None:
            return 1.0
        return ramp_productivity(role.ramp, d - tenure_from, month)

    return [share(d) for d in days]


def month_productivity(
    sc: Scenario, role_id: str, tenure_from_day: int | None, month: int
) -> float:
    """Mean ramp share, in [0, 1], over month ``month``'s working days in the horizon.

    A person of the role whose tenure counts from working day ``tenure_from_day``
    (``Calendar.day_index``; negative before the horizon; None for fully ramped) and who
    is in seat from that day on: 0 on the days before it, then
    ``sim.rules.people.ramp_productivity`` of the working days since (the rule of the
    simulator's ``Person.productivity``). Raises ValueError for a month the horizon does
    not touch.
    """
    days = days_of_month(sc, month)
    first = tenure_from_day if tenure_from_day is not None else days[0]
    shares = _shares(sc, sc.roles[role_id], (first, None), tenure_from=tenure_from_day, days=days)
    return sum(shares) / len(days)


def seat_window(sc: Scenario, seat: Seat) -> tuple[int, int | None]:
    """Working-day indices of a seat's first and last day in seat (None: stays)."""
    return _window(sc, seat)


def _window(sc: Scenario, seat: Seat) -> tuple[int, int | None]:
    """Working-day indices of a seat's first and last day in seat (None: stays)."""
    cal = sc.calendar
    first = cal.day_index(seat.first_day)
    if seat.last_day is None:
        return first, None
    # The last working day on or before the last day: one before the next day's index.
    return first, cal.day_index(seat.last_day + dt.timedelta(days=1)) - 1


def seat_month(sc: Scenario, seat: Seat, month: int) -> tuple[float, float]:
    """A seat's share of month ``month``'s working days in seat, and its mean ramp share.

    Both are means over the month's working days in the horizon (0 on days out of
    seat), so a person in seat all month at half output is ``(1.0, 0.5)``: the one
    person's part of :func:`role_month`. Raises ValueError for a month the horizon does
    not touch.
    """
    days = days_of_month(sc, month)
    window = _window(sc, seat)
    tenure = None if seat.tenure_from is None else sc.calendar.day_index(seat.tenure_from)
    role = sc.roles[seat.person.rpartition(".")[0]]
    shares = _shares(sc, role, window, tenure_from=tenure, days=days)
    present = sum(1 for d in days if d >= window[0] and (window[1] is None or d <= window[1]))
    return present / len(days), sum(shares) / len(days)


def role_month(sc: Scenario, role_id: str, month: int, hires: Sequence[Joiner] = ()) -> RoleMonth:
    """The role's deterministic roster in month ``month`` (see :class:`RoleMonth`).

    Seats come from :func:`seats` (people in seat now, joiners, then ``hires``); tenure
    from each seat's ``tenure_from``. Raises ValueError for a month the horizon does not
    touch, KeyError for an unknown role.
    """
    role = sc.roles[role_id]
    days = days_of_month(sc, month)
    cal = sc.calendar
    in_seat = ramping = productive = 0.0
    joiners = leavers = 0
    for seat in seats(sc, role_id, hires):
        window = _window(sc, seat)
        tenure = None if seat.tenure_from is None else cal.day_index(seat.tenure_from)
        shares = _shares(sc, role, window, tenure_from=tenure, days=days)
        present = [d >= window[0] and (window[1] is None or d <= window[1]) for d in days]
        in_seat += sum(present)
        ramping += sum(1 for here, share in zip(present, shares, strict=True) if here and share < 1)
        productive += sum(shares)
        joiners += seat.index >= role.headcount.current and window[0] in days
        leavers += window[1] is not None and window[1] in days
    n = len(days)
    return RoleMonth(
        in_seat=in_seat / n,
        ramping=ramping / n,
        ramped=(in_seat - ramping) / n,
        productive=productive / n,
        joiners=joiners,
        leavers=leavers,
    )


def backfills(sc: Scenario, role_id: str, month: int, hires: Sequence[Joiner] = ()) -> float:
    """Expected replacements of random leavers in month ``month``: lambda x occupied days.

    ``leave_rate_per_day x in_seat_share x`` the roster's person-days in seat that month
    (``role_month``), lambda taken at the month's mean people in seat; what the hiring
    calendar adds as "plus about 0.3 backfills". 0 without attrition.
    """
    roster = role_month(sc, role_id, month, hires)
    if roster.in_seat <= 0:
        return 0.0
    rate = leave_rate_per_day(sc, role_id, roster.in_seat)
    occupied = roster.in_seat * in_seat_share(sc, role_id, roster.in_seat)
    return rate * occupied * len(days_of_month(sc, month))
