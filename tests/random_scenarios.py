"""Random small scenarios for property tests: a few sellers, maybe a manager, every mechanism.

``small_scenario(p)`` builds one from a dict of drawn parameters, so a failing example
can be rebuilt by hand; ``small_scenarios()`` is the Hypothesis strategy that draws them.
Client delays are short (a few days) so that the counted days are in the steady state
the optimiser plans for.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from sim.scenario import Scenario


def small_scenario(p: dict[str, Any]) -> Scenario:
    """A scenario from drawn parameters (see ``small_scenarios`` for their ranges)."""
    roles: dict[str, Any] = {
        "seller": {
            "level": "line",
            "headcount": {"current": p["sellers"], "min": 1, "max": 30},
            "monthly_cost": 5000,
            "absence": {"vacation_days": p["vacation"], "sick_days": p["sick"]},
            "handles_inbound": p["inbound"] > 0,
            "personas": {"quick": 0.5, "careful": 0.5} if p["personas"] else {},
        }
    }
    if p["ramp"]:
        roles["seller"]["ramp"] = {
            "productivity_by_month": [0.4, 0.8, 1.0],
            "new_hires_per_year": p["ramp"],
        }
    if p["travel"]:
        roles["seller"]["travel_min"] = {"kind": "triangular", "low": 10, "mode": 20, "high": 40}
    if p["manager_share"] is not None:
        roles["seller"]["reports_to"] = "lead"
        roles["lead"] = {
            "level": "lower",
            "headcount": {"current": 1, "min": 1, "max": 5},
            "monthly_cost": 8000,
            "max_span": 12,
            "selling_share": p["manager_share"],
        }
    channels: dict[str, Any] = {"cold": {"kind": "cold", "connect_rate": p["connect"]}}
    fed = ["cold"]
    if p["warm_pool"]:
        channels["warm"] = {
            "kind": "warm",
            "pool": p["warm_pool"],
            "refill_per_month": p["warm_pool"] // 4,
            "connect_rate": 0.3,
        }
        fed.append("warm")
    if p["referrals"]:
        channels["partners"] = {"kind": "referral", "leads_per_week": p["referrals"]}
        fed.append("partners")
    if p["inbound"]:
        channels["web"] = {
            "kind": "inbound",
            "requests_per_day": p["inbound"],
            "handle_min": {"kind": "exponential", "mean": 5},
            "answer_within_min": 30,
            "lead_share": 0.3,
        }
        fed.append("web")
    stages = [
        {
            "name": f"s{i}",
            "work_min": {"kind": "lognormal", "mean": p["work"][i], "sd": p["work"][i] / 3},
            "client_delay_days": {"kind": "exponential", "mean": 1 + i},
            "convert": p["convert"][i],
            "meeting": bool(p["meeting"] and i == 1),
        }
        for i in range(p["stages"])
    ]
    if p["manager_share"] is not None and p["stages"] > 1:
        stages[-1]["approval"] = "lower"
    duties: dict[str, Any] = {
        "report": {"levels": ["line"], "minutes": p["duty"], "per": "head_per_day"},
        "meeting": {"levels": ["line", "lower"], "minutes": 60, "per": "head_per_week"},
    }
    if p["manager_share"] is not None:
        duties["coaching"] = {"levels": ["lower"], "minutes": 30, "per": "report_per_week"}
        duties["approval"] = {"levels": ["lower"], "minutes": 10, "per": "approval"}
        duties["forecast"] = {"levels": ["lower"], "minutes": 120, "per": "fixed_per_month"}
    data = {
        "name": "random",
        "seed": p["seed"],
        "calendar": {
            "start": "2027-01-04",
            "horizon_days": 100,
            "warmup_days": 20,
            "workday": {"hours": 8, "lunch_min": 45, "breaks_min": 30},
        },
        "personas": {
            "quick": {"duration_x": 0.9, "conversion_x": 0.95},
            "careful": {"duration_x": 1.2, "conversion_x": 1.1},
        },
        "roles": roles,
        "channels": channels,
        "calls": {
            "no_answer_min": 0.6,
            "connect_no_conversation_min": 0.5,
            "conversation_min": {"kind": "lognormal", "mean": 3.5, "sd": 1.5},
            "booking_call_min": {"kind": "lognormal", "mean": 6.0, "sd": 2.0},
            "conversation_given_connect": 0.6,
            "lead_given_conversation": 0.3,
            "follow_up_given_conversation": p["follow_up"],
            "follow_up_after_days": 2,
        },
        "segments": {
            "deal": {
                "type": "b2b_smb",
                "deal_value": 5000,
                "channels": fed,
                "stages": stages,
                "after_sale": {"payment_control_min": 15, "support_min_per_month": 20},
            }
        },
        "duties": duties,
        "plan": {"revenue_per_month": p["plan"]},
        "policies": {
            "call_quota_per_day": 40,
            "max_calls_per_day": 80,
            "occupancy_cap": 0.85,
            "overtime_max_min_per_day": 15,
        },
    }
    return Scenario.model_validate(data)


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    """Hypothesis strategy: a random small team (see ``small_scenario``)."""
    stages = draw(st.integers(1, 3))
    p = {
        "seed": draw(st.integers(0, 10_000)),
        "sellers": draw(st.integers(3, 8)),
        "vacation": draw(st.sampled_from([0, 10, 20])),
        "sick": draw(st.sampled_from([0, 5])),
        "personas": draw(st.booleans()),
        "ramp": draw(st.sampled_from([0, 2, 4])),
        "travel": draw(st.booleans()),
        "manager_share": draw(st.sampled_from([None, 0.0, 0.3])),
        "connect": draw(st.sampled_from([0.08, 0.15])),
        "warm_pool": draw(st.sampled_from([0, 400, 1500])),
        "referrals": draw(st.sampled_from([0, 3, 8])),
        "inbound": draw(st.sampled_from([0, 5, 15])),
        "stages": stages,
        "work": [draw(st.sampled_from([20, 40, 60])) for _ in range(stages)],
        "convert": [draw(st.sampled_from([0.4, 0.6, 0.8])) for _ in range(stages)],
        "meeting": draw(st.booleans()) and stages > 1,
        "duty": draw(st.sampled_from([10, 30])),
        "follow_up": draw(st.sampled_from([0.0, 0.2])),
        "plan": draw(st.sampled_from([60_000, 120_000, 200_000])),
    }
    return small_scenario(p)
