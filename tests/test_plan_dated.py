"""Plain ``plan`` reads the staffing and seasonal homes at its design month (issue 12, S10).

docs/dev/hiring_plan.md, section 5.4: the design month's seasonal channel economics and
desk load (sim.rules.season), and its people as the simulator seats them
(sim.rules.staffing): people in seat then, joiners, planned leavers, each at the month's
mean ramp share. People added by sizing are fully ramped, as ``apply_plan`` seats them.

Hand-solved cases use ``tests.optimizer_helpers.tiny``: one seller, 480 minutes a day,
a lead takes 66 minutes and brings 500 at full productivity, so a person at ramp share p
brings 480 / 66 x 500 x p = 3636.36 p a day (the ramp scales the win, not the work).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from optimizer import plan
from optimizer.economics import channel_economics
from optimizer.loop import verify
from optimizer.model import build
from optimizer.planner import _sizing
from optimizer.rates import rates
from optimizer.solvers import make_solver
from sim.rules.season import arrivals_per_day
from sim.rules.service import desks
from sim.scenario import Scenario, parse_scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from tests.optimizer_helpers import MONTH_DAYS, scenario, tiny

ROOT = Path(__file__).resolve().parents[1]
PER_PERSON = 480 / 66 * 500  # revenue a working day of one fully ramped seller


def _seller(plan_per_day: float, **seller: Any) -> Scenario:
    """The tiny seller role, 1 in seat now (0 to 10), a ramp at 0.5 for two months."""
    data = tiny(**{"plan.revenue_per_month": plan_per_day * MONTH_DAYS})
    role = data["roles"]["seller"]
    role["headcount"] = {"current": 1, "min": 0, "max": 10}
    role["ramp"] = {"productivity_by_month": [0.5, 0.5]}
    role.update(seller)
    return scenario(data)


def test_one_ramping_person_in_seat_needs_the_hand_computed_hires() -> None:
    # 6000 a day: 1.65 full people, so 2 undated. The one in seat started on 1 March
    # (the horizon's first day) and is at 0.5 all month: n people bring
    # 3636.36 x (n - 0.5), so n >= 2.15: 3, two more than the one in seat.
    undated = plan(_seller(6000.0), "sizing", marginals=False)
    assert [r.headcount for r in undated.roles] == [2]
    dated = _seller(6000.0, staff=[{"start": "2027-03-01"}])
    p = plan(dated, "sizing", marginals=False)
    assert [(r.headcount, r.current) for r in p.roles] == [(3, 1)]
    assert p.revenue_per_month == pytest.approx(6000.0 * MONTH_DAYS, rel=1e-6)
    # The rules the plan was solved with are those of the team it plans (the fixed point),
    # and the role's mean ramp share is the hand one: (0.5 + 2) / 3.
    model = _sizing(dated, rates(dated), make_solver(), None)
    assert model.team == {"seller": 3}
    (unit,) = model.units
    assert unit.productivity == pytest.approx(2.5 / 3, rel=1e-12)
    assert unit.extra_people == 0.0
    assert "Design month Mar 2027: Seller 3 in seat, 1 ramping (productivity 0.50)." in p.notes


def test_a_joiner_in_seat_is_planned_as_people_at_their_ramp_share() -> None:
    # 5000 a day: 1.375 full people, 2 undated. A joiner from the first day at 0.5:
    # n + 0.5 productive people need n >= 0.875, so the one in seat is enough.
    undated = plan(_seller(5000.0), "sizing", marginals=False)
    assert [r.headcount for r in undated.roles] == [2]
    joined = _seller(5000.0, joiners=[{"start": "2027-03-01"}])
    p = plan(joined, "sizing", marginals=False)
    assert [r.headcount for r in p.roles] == [1]
    model = build(joined, rates(joined), "sizing", team={"seller": 1})
    (unit,) = model.units
    assert unit.extra_people == 1.0  # the joiner, in seat every day of March
    assert unit.productivity == pytest.approx(1.5 / 2, rel=1e-12)
    # Capacity row: busy <= 480 x (n + 1); the joiner's minutes are a right-hand side.
    row = model.constraints["capacity_seller"]
    assert row.constant == pytest.approx(-480.0, rel=1e-12)
    assert p.revenue_per_month / MONTH_DAYS == pytest.approx(5000.0, rel=1e-6)
    assert "Design month Mar 2027: Seller 2 in seat, 1 joining, 1 ramping (productivity " in (
        " ".join(p.notes)
    )


def test_a_planned_leaver_is_gone_from_the_design_month() -> None:
    # The one in seat leaves on 12 March: in seat 10 of the 20 working days in March,
    # the horizon's only month, so 0.5 of a person in seat on average.
    left = _seller(5000.0, staff=[{"leaves": "2027-03-12"}])
    model = build(left, rates(left), "sizing", team={"seller": 2})
    (unit,) = model.units
    assert unit.extra_people == pytest.approx(-0.5, rel=1e-12)
    assert unit.productivity == 1.0
    # 1.375 full people needed in seat on average: n - 0.5 >= 1.375, n = 2.
    assert [r.headcount for r in plan(left, "sizing", marginals=False).roles] == [2]


def _with_season(text: str, lead_volume: list[float], overrides: Sequence[str] = ()) -> Scenario:
    seasonal = text + f"\nseasonality:\n  lead_volume: {lead_volume}\n"
    return parse_scenario(seasonal, "s.yaml", overrides)


def test_the_design_months_channels_and_desk_are_its_seasonal_ones() -> None:
    text = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")
    plain = parse_scenario(text, "b2b_smb.yaml")
    april = [1.0, 1.0, 1.0, 1.3, *[1.0] * 8]  # the design month is 2027-04, month 3
    sc = _with_season(text, april)
    r = rates(sc)
    assert (r.design.label, r.design.index) == ("2027-04", 3)
    model = build(sc, r, "sizing")
    base = channel_economics(plain)
    # 4 partner referrals a week over 4.9... working days a week, x1.3.
    want = 4 / sc.calendar.working_days_per_week * 1.3
    assert model.channels["partner_referrals"].fixed_leads_per_day == pytest.approx(want)
    assert model.channels["demo_requests"].requests_per_day == pytest.approx(13.0)
    # A finite pool is released evenly over the horizon (its April refill x1.3 included).
    assert model.channels["marketing_leads"].contacts_per_day == pytest.approx(
        channel_economics(sc)["marketing_leads"].contacts_per_day
    )
    assert model.channels["cold_list"] == base["cold_list"]
    (desk,) = model.desks
    assert desk == desks(sc, 3)[0]
    assert desk.arrivals_per_min == pytest.approx(desks(plain)[0].arrivals_per_min * 1.3)
    assert arrivals_per_day(sc, "demo_requests", 3) == pytest.approx(13.0)
    p = plan(sc, "sizing", marginals=False)
    assert "Design month Apr 2027: lead volume x1.3." in p.notes
    assert not any(n.startswith("Design month") for n in plan(plain, marginals=False).notes)


def test_neutral_dates_and_factors_write_the_same_lp(tmp_path: Path) -> None:
    # Factors of 1 and staff entries with no field set plan exactly as none: the same
    # model, written byte for byte (the bundled goldens rest on this).
    text = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")
    plain = parse_scenario(text, "b2b_smb.yaml")
    data = _with_season(text, [1.0] * 12).model_dump()
    for role in data["roles"].values():
        role["staff"] = [{}]  # the first person, with no date
    neutral = Scenario.model_validate(data)
    assert all(role.staff for role in neutral.roles.values())
    for mode in ("sizing", "allocation"):
        a, b = tmp_path / f"plain_{mode}.lp", tmp_path / f"neutral_{mode}.lp"
        build(plain, rates(plain), mode).problem.writeLP(str(a))
        build(neutral, rates(neutral), mode).problem.writeLP(str(b))
        assert a.read_bytes() == b.read_bytes(), mode


# --- the first plan keeps its promise in the design month --------------------------------

# Replications for a 95 % interval of the design month's mean within 5 points (a single
# month's attainment has an sd of about 0.2 over replications, measured).
REPLICATIONS = 64
VARIANTS = {
    # An account executive joining on 1 March, the month before the design month
    # (2027-04): at 0.2 of the ramp in March, 0.4 then 0.6 in April (0.42 on average).
    "joiner": ("roles.account_executive.joiners=[{start: 2027-03-01}]", None),
    # Lead volume x1.3 from January to the design month April: the plain plan has no lag
    # (revenue lands at the steady rate of its month's leads), so the months whose leads
    # close in April have the same season.
    "season": ("", [1.3, 1.3, 1.3, 1.3, *[1.0] * 8]),
}


# The horizon ends in early May (90 working days from 4 January), so April, the design
# month, is the one month counted: the months after it would only add run time.
TO_MAY = "calendar.horizon_days=90"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_first_plan_keeps_its_promise_in_the_design_month(name: str) -> None:
    override, season = VARIANTS[name]
    path = ROOT / "scenarios" / "b2b_smb.yaml"
    if season is None:
        sc = load_scenario(path, [override, TO_MAY])
    else:
        sc = _with_season(path.read_text(encoding="utf-8"), season, [TO_MAY])
    assert [m.label for m in rates(sc).months] == ["2027-04"]
    it = verify(sc, replications=REPLICATIONS, max_iterations=1, workers=2).iterations[0]
    p = it.plan
    assert it.plan_factor == 1.0 and not it.capacity_factor
    assert any(n.startswith("Design month Apr 2027: ") for n in p.notes), p.notes
    month = rates(sc).design.index
    frame = it.result.frames.attainment_month
    april = frame.loc[frame["month"] == month, "attainment"]
    assert len(april) == REPLICATIONS
    mean, se = float(april.mean()), float(april.std()) / math.sqrt(REPLICATIONS)
    assert 1.96 * se <= 0.055, f"too few replications: 95 % interval +-{1.96 * se:.3f}"
    promised = p.revenue_per_month / p.plan_per_month
    # The test_first_plan tolerance: 2.58 standard errors plus 3 points.
    assert abs(mean - promised) <= 2.58 * se + 0.03, (mean, promised, se)


def test_the_plan_header_says_what_makes_the_design_month_unlike_a_plain_one() -> None:
    joiner = "roles.account_executive.joiners=[{start: 2027-03-01}]"
    path = str(ROOT / "scenarios" / "b2b_smb.yaml")
    result = CliRunner().invoke(app, ["plan", path, "--set", joiner, "--no-save"])
    assert result.exit_code == 0, result.output
    # In the header (before the first table), whatever the terminal's width wraps.
    header = " ".join(result.output.split("Headcount by level")[0].split())
    assert header.endswith(
        "Design month Apr 2027: Account executive 5 in seat, 1 ramping (productivity 0.42)."
    ), header
    assert result.output.count("Design month Apr 2027: ") == 1  # in the header, not again
    plain = CliRunner().invoke(app, ["plan", path, "--no-save"])
    assert "Design month Apr 2027: " not in plain.output


def test_allocation_plans_each_person_at_their_design_month() -> None:
    # Two people in seat now: .01 started on 1 March (0.5 all March), .02 leaves on
    # 12 March (in seat 10 of March's 20 working days in the horizon).
    sc = _seller(
        5000.0,
        headcount={"current": 2, "min": 0, "max": 10},
        staff=[{"start": "2027-03-01"}, {"leaves": "2027-03-12"}],
    )
    model = build(sc, rates(sc), "allocation")
    first, second = model.units
    assert (first.id, first.productivity, first.presence) == ("seller.01", 0.5, 1.0)
    assert (second.id, second.productivity, second.presence) == ("seller.02", 1.0, 0.5)
    assert second.capacity_min == pytest.approx(240.0, rel=1e-12)
