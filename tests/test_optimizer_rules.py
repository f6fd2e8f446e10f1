"""The optimiser plans the simulator's day: channel policy, selling share, spans, desks, ramp."""

from __future__ import annotations

import pytest

from optimizer import InfeasiblePlanError, plan
from optimizer.model import build
from optimizer.planner import _sizing
from optimizer.rates import rates
from optimizer.solvers import make_solver
from sim.rules.people import expected_productivity
from teamsim.io import load_scenario
from tests.optimizer_helpers import MONTH_DAYS, scenario, tiny


def _warm_and_cold(**changes: object) -> dict[str, object]:
    # A warm list that answers less than the cold one: left to itself the model would
    # dial only cold; the policy says warm first. 10 contacts a day over the horizon: 40
    # warm dials bring 5 of the plan's 10 leads a day.
    data = tiny(**changes)
    data["channels"]["warm"] = {"kind": "warm", "pool": 200, "connect_rate": 0.25}
    data["segments"]["deal"]["channels"] = ["warm", "cold"]
    return data


def test_warm_pools_are_used_up_before_cold_lists() -> None:
    p = plan(scenario(_warm_and_cold()), "sizing", marginals=False)
    ch = {c.channel: c for c in p.channels}
    assert ch["cold"].dials_per_month > 0
    assert ch["warm"].pool_used == pytest.approx(1.0)
    # 10 contacts a day at a 25 % connect rate are 40 warm dials a day.
    assert ch["warm"].dials_per_month == pytest.approx(40 * MONTH_DAYS)


def test_in_turn_dials_every_channel_alike() -> None:
    p = plan(
        scenario(_warm_and_cold(**{"policies.channel_order": "in_turn"})), "sizing", marginals=False
    )
    ch = {c.channel: c for c in p.channels}
    assert ch["warm"].dials_per_month == pytest.approx(ch["cold"].dials_per_month)


def test_a_manager_dials_at_most_the_selling_share_of_the_cap() -> None:
    sc = load_scenario("tests/data/distributor.yaml")
    p = plan(sc, "sizing", marginals=False)
    dials = {r.role: r.dials_per_day for r in p.roles}
    cap, occupancy = sc.policies.max_calls_per_day, sc.policies.occupancy_cap
    assert dials["head_of_sales"] <= 0.1 * cap * occupancy + 1e-6
    assert dials["supervisor"] <= 0.3 * cap * occupancy + 1e-6
    assert dials["account_manager"] <= cap * occupancy + 1e-6


def test_span_of_control_is_named_with_its_remedy() -> None:
    sc = load_scenario(
        "scenarios/support_desk.yaml", ["roles.agent.headcount={current: 30, min: 30, max: 40}"]
    )
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(sc, "sizing")
    text = str(caught.value)
    assert "span of control" in text and "hours" not in text and "GBP" not in text
    (relax,) = caught.value.relaxations
    assert relax.kind == "span" and relax.amount == 1
    assert "Support team lead needs 3 people for 30 reports (Support agent) at a span of 12" in text
    assert "allow 3 (max 2 -> 3), or a span of 15" in text


def test_a_desk_is_staffed_for_its_service_target_with_days_away() -> None:
    # Pausing together: the days away are the only gross-up (the rota's, the desk's
    # default, is tests/test_rota.py's and tests/test_optimizer_cli.py's).
    together = ["calendar.workday.pause_rule=together"]
    p = plan(load_scenario("scenarios/support_desk.yaml", together), "sizing", marginals=False)
    (line,) = p.services
    assert line.offered_load_erlangs == pytest.approx(8.0)
    assert (line.seats_present, line.roster, line.answerers) == (12, 13, 13)
    assert line.expected_service_level >= line.service_level_target
    assert line.days_away_gross_up == pytest.approx(13 / 12)
    assert p.expected_attainment is None and p.plan_per_month == 0.0
    assert "plan" not in {lim.family for lim in p.limits}


def test_no_costs_means_the_fewest_people_and_a_note() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    free = sc.model_copy(
        update={
            "roles": {
                rid: role.model_copy(update={"monthly_cost": 0.0}) for rid, role in sc.roles.items()
            }
        }
    )
    p = plan(free, "sizing", marginals=False)
    costed = plan(sc, "sizing", marginals=False)
    assert sum(p.levels.values()) <= sum(costed.levels.values())
    assert sum(p.levels.values()) < sum(r.max for r in p.roles)
    assert any("monthly_cost" in note for note in p.notes)
    assert p.objective.startswith("fewest people")


def test_the_ramp_is_planned_for_the_team_sized() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml")
    r = rates(sc)
    model = _sizing(sc, r, make_solver(), None)
    heads = {rid: round(n.varValue) for rid, n in model.count.items()}
    assert model.team == heads  # the fixed point: rules evaluated at the team chosen
    (cm,) = [u for u in model.units if u.role == "client_manager"]
    role = sc.roles["client_manager"]
    assert cm.productivity == pytest.approx(expected_productivity(role, heads["client_manager"]))


def test_leads_are_worked_by_whoever_got_them() -> None:
    # Allocation: each person's deals are the leads of their own dials (and their share of
    # referrals); nobody works another's dialled leads.
    sc = load_scenario("scenarios/b2b_smb.yaml")
    model = build(sc, rates(sc), "allocation")
    names = {n for n in model.constraints if n.startswith("leads_sdr.01_")}
    assert names == {"leads_sdr.01_smb_new_business"}
    row = model.constraints["leads_sdr.01_smb_new_business"]
    assert {v.name for v in row} == {
        "deals_sdr.01_smb_new_business",
        "dials_sdr.01_cold_list",
        "dials_sdr.01_marketing_leads",
    }


def test_a_flat_plan_is_expected_to_be_met_on_average() -> None:
    p = plan(load_scenario("scenarios/b2b_smb.yaml"), "sizing", marginals=False)
    assert p.expected_attainment == pytest.approx(1.0, rel=1e-6)
    assert p.revenue_per_month == pytest.approx(p.plan_per_month, rel=1e-6)


def test_the_bank_works_its_warm_contacts_before_cold_lists() -> None:
    p = plan(load_scenario("scenarios/retail_bank.yaml"), "sizing", marginals=False)
    ch = {c.channel: c for c in p.channels}
    cold = sum(c.dials_per_month for c in p.channels if c.kind == "cold")
    assert cold == 0 or (ch["payroll_client_staff"].pool_used or 0.0) >= 0.999
