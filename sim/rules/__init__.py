"""The rules of the working day and of workload: one home, read by every part.

The simulator draws from these rules, the optimiser plans with their expected values,
and the reports divide by them; no other module computes any of them again.

- :mod:`sim.rules.day`: available minutes, the pause, arrival minutes, presence, the
  working days on the wall clock and the next working minute;
- calendar facts (working days a year, a week, a month) live on
  :class:`sim.scenario.calendar.Calendar`;
- :mod:`sim.rules.duties`: a duty's minutes per day for every scaling, event minutes,
  who approves, who does fixed duties;
- :mod:`sim.rules.people`: personas, ramp, selling share, quotas, the reporting tree;
- :mod:`sim.rules.calls`: a dial's outcomes and worth, the channel policy, pool pacing;
- :mod:`sim.rules.deals`: a deal's expected course, work by activity, exposure, margin;
- :mod:`sim.rules.service`: offered load, seats present, the roster, expected service
  level;
- :mod:`sim.rules.season`: seasonal factors by month of the horizon and by working day;
- :mod:`sim.rules.profile`: the interval grid of the day, an inbound channel's arrivals by
  interval and its weekday factors;
- :mod:`sim.rules.lag`: the lag from a lead to its stages' work and its close, by month,
  and after the close its client's support and repeat sale;
- :mod:`sim.rules.staffing`: person ids and seats, attrition (leavers, vacancies, their
  expected cost in output), the roster and ramp by month, the start of a month's hires;
- :mod:`sim.rules.rota`: the break rota of the desk's answerers (who pauses when, the
  share of the desk away in an interval);
- :mod:`sim.rules.activities`: the time-use vocabulary and the outcomes of a request;
- :mod:`sim.rules.split`: a network's parts that share nothing, run apart, and what joins
  units that do not separate.
"""

from sim.rules.activities import DUTY_PREFIX, NOT_BUSY, Outcome, TimeUse, duty_activity
from sim.rules.calls import dial_economics, dialled_channels
from sim.rules.checks import rule_warnings
from sim.rules.day import present_share
from sim.rules.deals import margin_share
from sim.rules.lag import StageMonths, stage_months
from sim.rules.people import daily_dials, span_warnings
from sim.rules.profile import (
    by_interval,
    interval_rate,
    interval_title,
    peak_interval,
    weekday_factors,
)
from sim.rules.rota import describe_pauses, pause_rule
from sim.rules.season import SeasonKind, day_factors, month_factors
from sim.rules.split import why_whole
from sim.rules.staffing import RoleMonth, hire_date, ramping_at_start, role_month, seats

__all__ = [
    "DUTY_PREFIX",
    "NOT_BUSY",
    "Outcome",
    "RoleMonth",
    "SeasonKind",
    "StageMonths",
    "TimeUse",
    "by_interval",
    "daily_dials",
    "day_factors",
    "describe_pauses",
    "dial_economics",
    "dialled_channels",
    "duty_activity",
    "hire_date",
    "interval_rate",
    "interval_title",
    "margin_share",
    "month_factors",
    "pause_rule",
    "peak_interval",
    "present_share",
    "ramping_at_start",
    "role_month",
    "rule_warnings",
    "seats",
    "span_warnings",
    "stage_months",
    "weekday_factors",
    "why_whole",
]
