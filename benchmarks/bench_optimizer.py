"""Build and solve time of the optimiser's model, CBC and HiGHS side by side.

    python -m benchmarks.bench_optimizer

Synthetic scenarios: allocation with 50 x 15, 1,000 x 30 and 5,000 x 50 (people x
duties), and sizing with 20 roles. Half the duties are fixed a week (done by their
holder, sim.rules.duties), the rest per head (a constant per person); every person has
a warm-first gate (a binary) for the shared warm pool.
"""

from __future__ import annotations

import math
import time
from typing import Any

from optimizer.model import build
from optimizer.rates import rates
from optimizer.solve import solve
from optimizer.solvers import make_solver
from sim.scenario import Scenario

CASES = (("allocation", 50, 15), ("allocation", 1000, 30), ("allocation", 5000, 50))
SIZING_ROLES = 20


def synthetic(people: int, duties: int, line_roles: int = 1, managers: int = 1) -> Scenario:
    """A scenario of about ``people`` people and ``duties`` duties."""
    per_manager = 10
    leads = max(1, math.ceil(people / (per_manager + 1)))
    sellers = people - leads
    roles: dict[str, Any] = {
        # Middle-level approvals grow with the deals, so heads grow with the team.
        "head": {"level": "middle", "headcount": 1 + people // 300, "monthly_cost": 300_000},
    }
    for m in range(managers):
        n = max(1, leads // managers)
        roles[f"lead_{m}"] = {
            "level": "lower",
            "headcount": {"current": n, "min": 0, "max": n * 3},
            "monthly_cost": 150_000 + 1000 * m,
            "reports_to": "head",
            "max_span": 12,
            "selling_share": 0.2,
        }
    for i in range(line_roles):
        n = max(1, sellers // line_roles)
        roles[f"seller_{i}"] = {
            "level": "line",
            "headcount": {"current": n, "min": 0, "max": n * 3},
            "monthly_cost": 90_000 + 500 * i,
            "reports_to": f"lead_{i % managers}",
            "personas": {"fast": 0.5, "slow": 0.5},
            "absence": {"vacation_days": 20, "sick_days": 6},
            "ramp": {"productivity_by_month": [0.5, 1.0], "new_hires_per_year": n * 0.2},
        }
    duty_set: dict[str, Any] = {
        "approval": {"levels": ["lower", "middle"], "minutes": 15, "per": "approval"},
        "escalation": {"levels": ["lower"], "minutes": 30, "per": "escalation"},
    }
    for d in range(duties - len(duty_set)):
        if d % 2:
            duty_set[f"duty_{d}"] = {"levels": ["line"], "minutes": 5, "per": "head_per_week"}
        else:
            # A fixed duty is one person's (its holder's), so it stays a person's size.
            duty_set[f"duty_{d}"] = {
                "levels": ["line", "lower"],
                "minutes": 30,
                "per": "fixed_per_week",
            }
    data = {
        "name": f"synthetic {people} x {duties}",
        "calendar": {"start": "2027-03-01", "horizon_days": 60},
        "personas": {"fast": {"duration_x": 0.9}, "slow": {"duration_x": 1.3}},
        "roles": roles,
        "channels": {
            "warm": {"kind": "warm", "pool": 50 * people, "connect_rate": 0.3},
            "cold": {"kind": "cold", "connect_rate": 0.06},
            "partners": {"kind": "referral", "leads_per_week": people * 0.5},
            "web": {
                "kind": "inbound",
                "requests_per_day": people * 0.5,
                "handle_min": 6,
                "answer_within_min": 60,
                "lead_share": 0.2,
            },
        },
        "calls": {"conversation_min": 3, "booking_call_min": 6},
        "segments": {
            "loan": {
                "type": "b2c_long",
                "deal_value": 300_000,
                "channels": ["warm", "cold", "partners", "web"],
                "lead_weight": 3,
                "stages": [
                    {"name": "consult", "work_min": 20, "convert": 0.5},
                    {"name": "apply", "work_min": 30, "approval": "lower", "convert": 0.7},
                ],
                "escalation_rate": 0.03,
            },
            "corporate": {
                "type": "b2b_smb",
                "deal_value": 2_000_000,
                "channels": ["warm", "cold", "partners"],
                "stages": [
                    {"name": "meet", "work_min": 60, "meeting": True, "convert": 0.4},
                    {"name": "offer", "work_min": 120, "approval": "middle", "convert": 0.5},
                ],
            },
        },
        "duties": duty_set,
        # A plan the team can meet: allocation takes it as a floor.
        "plan": {"revenue_per_month": 300_000.0 * people},
        "policies": {"call_quota_per_day": 30, "max_calls_per_day": 60},
    }
    return Scenario.model_validate(data)


def measure(sc: Scenario, mode: str, solver: str) -> tuple[float, float, int, int]:
    """Build and solve seconds, variables and constraints."""
    r = rates(sc)
    start = time.perf_counter()
    model = build(sc, r, mode)
    built = time.perf_counter()
    solve(model.problem, make_solver(solver))
    solved = time.perf_counter()
    return built - start, solved - built, len(model.problem.variables()), len(model.constraints)


def main() -> None:
    """Print the table of build and solve times."""
    cases = [(mode, p, d, synthetic(p, d)) for mode, p, d in CASES]
    sizing = synthetic(400, 20, line_roles=SIZING_ROLES - 5, managers=4)
    cases.append(("sizing", SIZING_ROLES, 20, sizing))
    header = (
        f"{'case':<26}{'vars':>8}{'rows':>8}{'build s':>9}"
        f"{'cbc s':>9}{'highs s':>9}{'highs/cbc':>10}{'total cbc':>10}{'total highs':>12}"
    )
    print(header)
    print("-" * len(header))
    for mode, p, d, sc in cases:
        b1, cbc, nv, nc = measure(sc, mode, "cbc")
        b2, highs, _, _ = measure(sc, mode, "highs")
        build_s = min(b1, b2)
        label = f"{mode} {p} x {d}" if mode == "allocation" else f"sizing {p} roles"
        print(
            f"{label:<26}{nv:>8}{nc:>8}{build_s:>9.3f}{cbc:>9.3f}{highs:>9.3f}"
            f"{highs / cbc:>10.2f}{build_s + cbc:>10.3f}{build_s + highs:>12.3f}"
        )


if __name__ == "__main__":
    main()
