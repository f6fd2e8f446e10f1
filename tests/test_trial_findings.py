"""What a new user broke, each now a test: big desks, in-turn pools, long horizons, bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from optimizer import InfeasiblePlanError, PlanError, plan, verify
from sim import ScenarioError
from sim.model.absences import draw_absences
from sim.rules.day import horizon_years
from sim.rules.service import desks, expected_service_level
from teamsim.cli import app
from teamsim.io import load_scenario
from tests.optimizer_helpers import scenario, tiny

DESK = "scenarios/support_desk.yaml"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, " ".join(result.output.split())


def test_a_desk_of_hundreds_is_sized_without_underflow() -> None:
    # 25,000 requests a day: 333 Erlangs. P(all present) underflows a naive binomial.
    # Pausing together, so that the days away are the roster's only gross-up.
    together = "calendar.workday.pause_rule=together"
    sc = load_scenario(DESK, ["channels.support_requests.requests_per_day=25000", together])
    (desk,) = desks(sc)
    assert desk.load_erlangs == pytest.approx(25000 / 450 * 6)
    cap = sc.policies.occupancy_cap
    assert desk.seats >= desk.load_erlangs / cap
    # Occupancy binds here: the roster keeps the people present under the cap on average.
    assert desk.load_erlangs / (cap * desk.presence) <= desk.roster
    assert desk.roster <= desk.seats / desk.presence * 1.05
    assert expected_service_level(desk, 1 / 3, desk.roster) >= 0.8


def test_in_turn_channels_take_the_dials_a_used_pool_cannot() -> None:
    # In turn, and the warm pool's release (10 a day) runs out: cold takes the rest.
    data = tiny(**{"policies.channel_order": "in_turn", "plan.revenue_per_month": 9000 * 21.7})
    data["channels"]["warm"] = {"kind": "warm", "pool": 200, "connect_rate": 0.25}
    data["segments"]["deal"]["channels"] = ["warm", "cold"]
    p = plan(scenario(data), "sizing", marginals=False)
    ch = {c.channel: c for c in p.channels}
    assert ch["warm"].pool_used == pytest.approx(1.0)
    assert ch["cold"].dials_per_month > ch["warm"].dials_per_month


def test_vacation_is_taken_year_by_year_on_long_horizons() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml", ["calendar.horizon_days=2000"])
    absence = sc.roles["client_manager"].absence  # 20 days of vacation a year
    away = draw_absences(absence, 2000, horizon_years(sc), np.random.default_rng(3))
    days = sorted(d for d, why in away.items() if why == "vacation")
    runs, start = [], days[0]
    for a, b in itertools.pairwise(days):
        if b != a + 1:
            runs.append(a - start + 1)
            start = b
    runs.append(days[-1] - start + 1)
    assert max(runs) <= 11  # a year's 20 days in two blocks (rounded at random)
    assert len(days) == pytest.approx(20 * horizon_years(sc), abs=2)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("channels.support_requests.service_level_target=1", "less than 1"),
        ("channels.support_requests.handle_min=0", "a request takes some time"),
        ("plan.revenue_per_month=.inf", "finite number"),
        ("calendar.weekdays=[mon, mon]", "repeated mon"),
        ("roles.agent.absence={vacation_days: 250, sick_days: 200}", "no day at work"),
    ],
)
def test_inputs_the_engines_cannot_use_are_refused_up_front(override: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(DESK, [override])


def test_a_store_in_a_new_folder_is_made_and_a_bad_one_said_before_the_run(
    tmp_path: Path,
) -> None:
    store = tmp_path / "new" / "folder" / "runs.duckdb"
    code, text = _run("simulate", DESK, "-n", "2", "--set", "calendar.horizon_days=10",
                      "--store", str(store))  # fmt: skip
    assert code == 0 and "stored as run" in text and store.exists()
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a store")
    code, text = _run("simulate", DESK, "-n", "2", "--store", str(bad))
    assert code == 2 and "not a teamsim store" in text and "Replications" not in text
    assert bad.read_text() == "not a store"


def test_brackets_in_a_message_are_kept() -> None:
    code, text = _run("validate", DESK, "--set", "policies.priorities=[calls]")
    assert code == 2 and "policies.priorities=[calls]" in text


def test_nothing_to_verify_is_said_so() -> None:
    sc = load_scenario(DESK, ["channels.support_requests.requests_per_day=0"])
    with pytest.raises(PlanError, match="nothing to verify"):
        verify(sc, replications=2, max_iterations=1, workers=1)


def test_one_more_or_fewer_stays_within_the_roles_limits() -> None:
    p = plan(load_scenario(DESK))
    lead = next(m for m in p.marginals if m.role == "team_lead")
    assert lead.one_more is None  # at its maximum of 2
    code, text = _run("plan", DESK)
    assert code == 0 and "at its max" in text


def test_a_desk_whose_answerers_need_more_leads_names_the_span() -> None:
    sc = load_scenario(
        DESK,
        [
            "channels.support_requests.requests_per_day=3000",
            "roles.agent.headcount={current: 12, min: 9, max: 100}",
        ],
    )
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(sc)
    text = str(caught.value)
    assert "span of control of Support team lead" in text and "hours" not in text
    # 57 agents under the desk's default rota (53 pausing together, a span of 27).
    assert "57 reports need 5 people at a span of 12" in text
    assert "allow 3 more (max 2 -> 5), or a span of 29" in text


def test_free_roles_and_missing_approvers_are_said() -> None:
    p = plan(load_scenario("scenarios/retail_bank.yaml", ["roles.supervisor.monthly_cost=0"]))
    assert any("No monthly_cost for supervisor" in n for n in p.notes)
    code, text = _run(
        "validate", "scenarios/retail_bank.yaml", "--set", "roles.head_of_unit.headcount=0"
    )
    assert code == 0 and "warning:" in text and "no middle-level role has anyone" in text


def test_a_desk_no_roster_can_staff_names_the_fields_to_check() -> None:
    # 2,000,000 requests a day (a typing slip): 23,529 Erlangs, past 10,000 people.
    code, text = _run("plan", DESK, "--set", "channels.support_requests.requests_per_day=2000000")
    assert code != 0 and "Traceback" not in text
    assert (
        "no roster of up to 10,000 people meets the service target of support_requests in "
        "every interval (23,529.4 Erlangs on the mean, presence 89 %): check "
        "channels.support_requests.requests_per_day and handle_min"
    ) in text
