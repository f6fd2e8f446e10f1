"""Tiny scenarios whose optimal plans can be worked out by hand."""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario import Scenario

# March 2027 starts on a Monday and has 23 working days (Mon-Fri, no holidays), so a
# 20-day horizon from 1 March lies in one month. A plan's month is an average month of
# the calendar (sim.scenario.calendar: 5 x 365.25 / 7 / 12 working days), so the plan
# per day is target / MONTH_DAYS.
MARCH_DAYS = 23
MONTH_DAYS = 5 * 365.25 / 7 / 12


def tiny(**changes: Any) -> dict[str, Any]:
    """One seller role, one cold channel, one one-stage segment; no absence, no breaks.

    By hand: a dial takes 0.5*1 (no answer) + 0.25*2 (booking) + 0.25*2 (conversation)
    = 1.5 min and yields 0.25 leads; a lead takes 4 dials (6 min) plus 60 min of stage
    work = 66 min and brings 0.5 * 1000 = 500. A person has 480 min a day.
    """
    data: dict[str, Any] = {
        "name": "tiny",
        "calendar": {
            "start": "2027-03-01",
            "horizon_days": 20,
            "workday": {"hours": 8, "lunch_min": 60, "breaks_min": 0},
        },
        "roles": {
            "seller": {
                "level": "line",
                "headcount": {"current": 2, "min": 0, "max": 10},
                "monthly_cost": 100,
            }
        },
        "channels": {"cold": {"kind": "cold", "connect_rate": 0.5}},
        "calls": {
            "no_answer_min": 1,
            "connect_no_conversation_min": 1,
            "conversation_min": 2,
            "booking_call_min": 2,
            "conversation_given_connect": 1.0,
            "lead_given_conversation": 0.5,
            "follow_up_given_conversation": 0.0,
        },
        "segments": {
            "deal": {
                "type": "b2c_short",
                "deal_value": 1000,
                "channels": ["cold"],
                "stages": [{"name": "close", "work_min": 60, "convert": 0.5}],
            }
        },
        "plan": {"revenue_per_month": 5000 * MONTH_DAYS},
        "policies": {"call_quota_per_day": 30, "max_calls_per_day": 100, "occupancy_cap": 1.0},
    }
    return merge(data, changes)


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of base with nested changes; a dotted key sets a nested field."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value
    return out


def scenario(data: dict[str, Any]) -> Scenario:
    """Validate a scenario dict."""
    return Scenario.model_validate(data)


def with_manager(span: int, **changes: Any) -> dict[str, Any]:
    """The tiny scenario with a lower-level lead over the sellers, coaching 60 min/report/week."""
    data = tiny(**changes)
    data["roles"]["seller"]["reports_to"] = "lead"
    data["roles"]["lead"] = {
        "level": "lower",
        "headcount": {"current": 1, "min": 0, "max": 5},
        "monthly_cost": 150,
        "max_span": span,
    }
    data["duties"] = {"coaching": {"levels": ["lower"], "minutes": 60, "per": "report_per_week"}}
    return data
