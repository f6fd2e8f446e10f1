"""The working day and the days at work: minutes available, the pause, presence.

Both engines read these: the simulator lays its clock out with them, the optimiser
plans capacity with them, the reports divide by them.
"""

from __future__ import annotations

from sim.scenario import Scenario
from sim.scenario.team import Role


def available_min(sc: Scenario) -> float:
    """Working minutes a day at work: hours less breaks (lunch is outside the hours)."""
    return sc.calendar.workday.available_min


def pause_min(sc: Scenario) -> float:
    """Minutes of the midday pause: lunch and the day's breaks, taken together by everyone."""
    day = sc.calendar.workday
    return day.lunch_min + day.breaks_min


def arrival_min_per_day(sc: Scenario) -> float:
    """Minutes of a working day over which inbound requests and referrals arrive.

    Requests arrive over the working minutes only (none in the common pause), so a day's
    requests spread over ``available_min``: 600 a day over 450 minutes is 1.33 a minute.
    """
    return available_min(sc)


def pause_gross_up(sc: Scenario) -> float:
    """Agents on shift per agent present at the minutes requests arrive, for the pause.

    Everyone pauses together and no request arrives during the pause, so the pause takes
    no agent away from a minute when requests arrive: 1.0.
    """
    del sc  # the common pause needs no gross-up; a staggered rota would
    return 1.0


def presence(role: Role, sc: Scenario) -> float:
    """Share of working days a person of the role is at work (vacation, sickness, trips).

    ``1 - days away a year / working days a year``: 27.8 days away in a 252.4-day year
    leave 0.89. The simulator draws exactly that many days away on average.
    """
    return max(0.0, 1.0 - role.absence.total_days / sc.calendar.working_days_per_year)


def horizon_years(sc: Scenario) -> float:
    """The horizon in years of working days: scales "a year" rates to the horizon."""
    return sc.calendar.horizon_days / sc.calendar.working_days_per_year
