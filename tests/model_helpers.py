"""Tiny scenarios for the model's tests, built as dicts and validated like a file."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from sim.model import RunRecords
from sim.scenario import Scenario

DAY0 = 540.0  # 09:00 on the first day (the calendar starts on a Monday)
# The inbound KPIs issue 13 added (stage S2), in the order sim.kpis lists them: the day's
# and the lowest interval's service level, then the features' shares (0 when off).
NEW_INBOUND_KPIS = (
    "inbound_day_service_level",
    "inbound_interval_min_service_level",
    "inbound_abandoned_share",
    "inbound_abandoned_within_target_share",
    "inbound_blocked_share",
    "inbound_lost_share",
    "inbound_overtime_share",
)
AVAILABLE = 450.0  # 8 h less 30 min of breaks


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


BASE: dict[str, Any] = {
    "name": "tiny",
    "calendar": {
        "start": "2027-01-11",
        "horizon_days": 5,
        "workday": {"start": "09:00", "hours": 8, "lunch_min": 60, "breaks_min": 30},
    },
    "roles": {
        "seller": {"level": "line", "headcount": 1, "monthly_cost": 1, "handles_inbound": False},
    },
    "channels": {"cold": {"kind": "cold", "connect_rate": 0.0}},
    "calls": {
        "no_answer_min": 3,
        "connect_no_conversation_min": 1,
        "conversation_min": 3,
        "booking_call_min": 5,
        "conversation_given_connect": 1.0,
        "lead_given_conversation": 1.0,
        "follow_up_given_conversation": 0.0,
    },
    "segments": {
        "s": {
            "type": "b2c_short",
            "deal_value": 100,
            "channels": ["cold"],
            "stages": [{"name": "close", "work_min": 10, "convert": 1.0}],
        }
    },
    "plan": {"revenue_per_month": 1000},
    "policies": {"call_quota_per_day": 10, "max_calls_per_day": 60, "overtime_max_min_per_day": 0},
}


def tiny(**update: Any) -> Scenario:
    """The base tiny scenario with nested updates (``roles={"seller": {...}}`` merges)."""
    return Scenario.model_validate(_merge(BASE, update))


def team(**update: Any) -> Scenario:
    """A small team with every mechanism: sellers, a supervisor approving, inbound, random."""
    data = {
        "calendar": {"horizon_days": 30},
        "roles": {
            "head": {"level": "middle", "headcount": 1, "monthly_cost": 1},
            "supervisor": {
                "level": "lower",
                "headcount": 2,
                "monthly_cost": 1,
                "reports_to": "head",
                "deputy": "supervisor",
                "selling_share": 0.2,
                "absence": {"vacation_days": 20, "sick_days": 6},
            },
            "seller": {
                "level": "line",
                "headcount": 6,
                "monthly_cost": 1,
                "reports_to": "supervisor",
                "handles_inbound": True,
                "absence": {"vacation_days": 20, "sick_days": 6},
                "travel_min": {"kind": "triangular", "low": 10, "mode": 20, "high": 40},
            },
        },
        "channels": {
            "warm": {"kind": "warm", "pool": 300, "refill_per_month": 50, "connect_rate": 0.3},
            "cold": {"kind": "cold", "connect_rate": 0.08},
            "web": {
                "kind": "inbound",
                "requests_per_day": 10,
                "answer_within_min": 60,
                "handle_min": {"kind": "exponential", "mean": 8},
                "lead_share": 0.3,
            },
            "partners": {"kind": "referral", "leads_per_week": 5},
        },
        "calls": {
            "no_answer_min": {"kind": "uniform", "low": 0.5, "high": 1.0},
            "conversation_min": {"kind": "lognormal", "mean": 3, "sd": 1.5},
            "booking_call_min": {"kind": "lognormal", "mean": 6, "sd": 2},
            "conversation_given_connect": 0.6,
            "lead_given_conversation": 0.3,
            "follow_up_given_conversation": 0.2,
            "follow_up_after_days": {"kind": "exponential", "mean": 3},
        },
        "segments": {
            "s": {
                "type": "b2c_long",
                "deal_value": 100,
                "channels": ["warm", "cold", "web", "partners"],
                "escalation_rate": 0.1,
                "stages": [
                    {
                        "name": "consult",
                        "work_min": {"kind": "lognormal", "mean": 20, "sd": 8},
                        "convert": 0.6,
                    },
                    {
                        "name": "meet",
                        "work_min": 45,
                        "meeting": True,
                        "client_delay_days": {"kind": "exponential", "mean": 2},
                        "convert": 0.6,
                    },
                    {"name": "apply", "work_min": 30, "approval": "lower", "convert": 0.8},
                ],
                "after_sale": {
                    "payment_control_min": 10,
                    "repeat_probability": 0.3,
                    "repeat_after_days": 10,
                },
            }
        },
        "duties": {
            "report": {"levels": ["line", "lower"], "minutes": 15, "per": "head_per_day"},
            "coaching": {"levels": ["lower"], "minutes": 30, "per": "report_per_week"},
            "approval": {"levels": ["lower", "middle"], "minutes": 20, "per": "approval"},
            "escalation": {"levels": ["lower", "middle"], "minutes": 30, "per": "escalation"},
            "planning": {"levels": ["middle"], "minutes": 300, "per": "head_per_week"},
        },
        "policies": {"call_quota_per_day": 40, "overtime_max_min_per_day": 30},
    }
    return tiny(**_merge(data, update))


def day_minutes(rec: RunRecords) -> dict[tuple[str, int], dict[str, float]]:
    """(person, day) -> activity -> minutes."""
    out: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for r in rec.time_use:
        out[r.person, r.day][r.activity] = out[r.person, r.day].get(r.activity, 0.0) + r.minutes
    return out


def total_dials(rec: RunRecords) -> int:
    """All outbound dials of a run."""
    return sum(r.dials for r in rec.calls)


def canonical(rec: RunRecords) -> dict[str, list[Any]]:
    """The records with deals renumbered by (creation time, owner) and every list sorted.

    Deal numbers follow the order in which deals are created, which differs between
    modes when several people call at once; everything else about them must not.
    """
    order = sorted(rec.deals, key=lambda d: (d.created_min, d.owner, d.channel, d.deal))
    number = {d.deal: k for k, d in enumerate(order)}
    return {
        "people": rec.people,
        "time_use": sorted(rec.time_use),
        "calls": sorted(rec.calls),
        "funnel": sorted(r._replace(deal=number[r.deal]) for r in rec.funnel),
        "deals": sorted(d._replace(deal=number[d.deal]) for d in rec.deals),
        "waits": sorted(rec.waits),
        "absences": sorted(rec.absences),
    }


def desk(
    agents: int,
    channel: dict[str, Any],
    *,
    days: int = 1,
    workday: dict[str, Any] | None = None,
    **policies: Any,
) -> Scenario:
    """A desk of ``agents`` who only answer requests of one channel, ``web``.

    09:00-17:00 with no pause (``workday`` updates it), no absence, a 20-second answer
    target unless ``channel`` says otherwise, no warm-up, a nominal plan (a desk sells
    nothing); ``policies`` update the policies.
    """
    data = copy.deepcopy(BASE)
    del data["segments"], data["calls"]
    data["calendar"].update(horizon_days=days, warmup_days=0)
    data["calendar"]["workday"].update(lunch_min=0, breaks_min=0, **(workday or {}))
    data["roles"]["seller"].update(handles_inbound=True, selling_share=0.0, headcount=agents)
    data["channels"] = {"web": {"kind": "inbound", "answer_within_min": 1 / 3, **channel}}
    data["policies"].update(call_quota_per_day=0, max_calls_per_day=0, **policies)
    data["plan"] = {"revenue_per_month": 1}  # nominal: a desk with no sales
    return Scenario.model_validate(data)
