"""The hiring plan's fixed point, budgets, objectives and infeasibility by month (issue 12, S12).

Hand-solved cases on ``tests.optimizer_helpers.tiny`` over March to July 2027 (23, 22,
21, 22, 22 working days, 110 in all; 2027 has 261 working days, Monday to Friday, no
holidays): one seller in seat, 480 minutes a day, a lead takes 66 minutes from the cold
list (4 dials and 60 minutes of work) and brings 500 at full productivity, so a fully
ramped seller brings 480 / 66 x 500 = 3636.36 a working day and costs 100 a month. With
a ramp ``[0.5]`` a hire is at 0.5 for its first tenure month of 21.74 working days
(docs/dev/hiring_plan.md, section 8). A lead made in a day's last working hour is worked
the next day, so 1/8 of a day's leads of a month's last day close the month after
(tests/test_hiring_model.py).
"""

from __future__ import annotations

import itertools

import pytest

from optimizer import plan_hiring
from optimizer.errors import InfeasiblePlanError
from optimizer.hiring import larger_calendar
from optimizer.hiring_model import build_hiring
from sim.rules.waits import followup_wait_min
from sim.scenario import Scenario
from tests.optimizer_helpers import scenario
from tests.test_hiring_model import DAYS, MONTHS, _lagged, _ramped, _seller

PER_PERSON = 480 / 66 * 500
FLAT = {m: 3000.0 for m in DAYS}
STEP = {3: 3000.0, 4: 3000.0, 5: 3000.0, 6: 6000.0, 7: 6000.0}


def test_a_yearly_budget_buys_the_hire_that_brings_the_most_revenue() -> None:
    """Most revenue within a budget of 1,700 a year, by hand.

    The horizon holds 110 of 2027's 261 working days, so the year's budget allows
    1,700 x 110 / 261 = 716.48 for March to July. The seller in seat costs 5 x 100 = 500,
    which leaves 216.48: two seller-months. The ways to spend them:

    - one hire in June (June and July, 200): 0.5 x 22 + 1.0 x 22 = 33 seller-days,
      33 x 3636.36 = 120,000 more revenue (the June hire is at 1.0 from 1 July: its
      first tenure month ends on its 22nd day, 21.74 < 22);
    - two hires in July (200): 2 x 0.5 x 22 = 22 seller-days, 80,000;
    - one hire in July (100): 11 seller-days, 40,000;
    - a hire in May or earlier costs 300 or more: over the budget.

    So one hire in June. Revenue closed March to July: 3636.36 x (110 + 33) = 520,000,
    less July's late leads that close in August: those of the last 60 + q of the day's 480
    minutes, q = 30 the lead's wait in the seller's queue (sim.rules.waits; issue 12 R13,
    before it the last hour: 909.09), 2 x 3636.36 x 90 / 480 = 1,363.6: 518,636.4 (the lag
    kernel's quadrature within 0.01 %).
    """
    sc = _ramped(FLAT)
    late = (60 + followup_wait_min(sc, "seller")) / 480
    assert late == pytest.approx(90 / 480)
    p = plan_hiring(sc, objective="revenue", budget=1700, budget_period="year")
    assert p.hires == {("seller", "2027-06"): 1}
    assert [p.cost[m] for m in MONTHS] == pytest.approx([100, 100, 100, 200, 200])
    assert p.total_cost == pytest.approx(700.0)
    assert p.total_cost <= 1700 * 110 / 261
    assert p.counted_revenue == pytest.approx(PER_PERSON * 143 - 2 * PER_PERSON * late, rel=1e-4)
    # June: the seller in seat and the hire at 0.5 (less June's late leads, which close in
    # July, plus May's, which close in June).
    june = PER_PERSON * (1.5 * 22 - 1.5 * late + late)
    assert p.revenue["2027-06"] == pytest.approx(june, rel=1e-4)
    assert (p.objective, p.budget, p.budget_period) == ("revenue", 1700, "year")
    # The revenue objective sells what it can: working time binds in every month.
    (capacity,) = [lim for lim in p.limits if lim.family == "capacity"]
    assert capacity.subject == "seller" and capacity.months == MONTHS


def test_a_monthly_budget_allows_two_sellers_from_the_first_month() -> None:
    """250 a month pays for 2 sellers (200), not 3; a hire brings revenue every month it
    is in seat, so the most revenue hires in March (the first hire date, 1 March)."""
    p = plan_hiring(_ramped(FLAT), objective="revenue", budget=250)
    assert p.hires == {("seller", "2027-03"): 1}
    assert all(p.cost[m] <= 250 for m in MONTHS)
    hm = build_hiring(_ramped(FLAT), objective="revenue", budget=250)
    assert {f"budget_m{t:02d}" for t in range(5)} <= set(hm.constraints)
    assert not any(name.startswith("plan_") for name in hm.constraints)


def test_the_budget_rows_are_pro_rata_for_a_partial_month_and_year() -> None:
    # A horizon from 15 March: March holds 13 of its 23 working days.
    data = _seller(FLAT).model_dump(mode="json", exclude_none=True)
    data["calendar"]["start"] = "2027-03-15"
    data["calendar"]["horizon_days"] = 97
    sc = scenario(data)
    month = build_hiring(sc, budget=230)
    assert month.budget_rhs["budget_m00"] == pytest.approx(230 * 13 / 23)
    assert month.budget_rhs["budget_m01"] == pytest.approx(230)
    year = build_hiring(sc, budget=2610, budget_period="year")
    assert year.budget_rhs == {"budget_y2027": pytest.approx(2610 * 97 / 261)}


def test_a_budget_too_small_for_the_plan_names_the_month_and_the_amount() -> None:
    # The step plan needs a hire on 3 May (tests/test_hiring_model.py): 200 a month from
    # May; a budget of 150 a month is 50 short from May on, a whole person.
    with pytest.raises(InfeasiblePlanError) as err:
        plan_hiring(_ramped(STEP), budget=150)
    budget = next(r for r in err.value.relaxations if r.kind == "budget")
    assert budget.amount == pytest.approx(50.0)
    assert "from May 2027" in budget.text
    assert "150 a month" in err.value.reason
    # A year's budget of 1,500 is 632.18 for the horizon; the plan costs 800: 167.82 more,
    # 167.82 x 261 / 110 = 398.2 more a year.
    with pytest.raises(InfeasiblePlanError) as err:
        plan_hiring(_ramped(STEP), budget=1500, budget_period="year")
    budget = next(r for r in err.value.relaxations if r.kind == "budget")
    assert budget.subject == "2027"
    assert budget.amount == pytest.approx((800 - 1500 * 110 / 261) * 261 / 110, rel=1e-6)


def _closing_in_35_days() -> Scenario:
    """The lead closes 35 calendar days after it is worked; March is counted."""
    data = _lagged(FLAT).model_dump(mode="json", exclude_none=True)
    data["calendar"]["warmup_days"] = 0
    data["segments"]["deal"]["stages"][1]["client_delay_days"] = 35
    return scenario(data)


def test_a_month_whose_deals_would_close_from_leads_before_the_horizon_is_named() -> None:
    # A lead of 1 March closes on 5 April at the earliest: nothing closes in March
    # whatever the team, so March's plan cannot be met; April on can (with people).
    with pytest.raises(InfeasiblePlanError) as err:
        plan_hiring(_closing_in_35_days())
    e = err.value
    assert "meets the plan of Mar 2027." in e.reason
    (only,) = e.relaxations
    assert (only.kind, only.subject) == ("lead_time", "2027-03")
    assert only.amount == pytest.approx(3000.0 * 23, rel=1e-6)
    assert only.text.startswith("the plan of Mar 2027 (")
    assert "cannot be met before the horizon" in only.text
    assert "35 days after its lead" in only.text
    assert "calendar.start 2027-03-01" in only.text


def _referred(per_day: dict[int, float], volume: list[float]) -> Scenario:
    """Partners hand over 7 leads a working day (35 a week) x the month's lead volume.

    Every referred lead is worked (60 minutes) and split among the sellers in seat by
    presence, whatever their tenure; a lead brings 500 at full productivity.
    """
    data = _ramped(per_day).model_dump(mode="json", exclude_none=True)
    data["channels"] = {"partners": {"kind": "referral", "leads_per_week": 35}}
    data["segments"]["deal"]["channels"] = ["partners"]
    data["seasonality"] = {"lead_volume": volume}
    return scenario(data)


def test_a_month_no_hire_could_ramp_in_time_for_is_named() -> None:
    # March brings 10 leads a day: 600 minutes, so a second seller from 1 March, at 0.5
    # on the working days of its first tenure month (days 0 to 21 < 21.74) and 1 on
    # March's 23rd: (22 x 0.5 + 1) / 23 = 0.522. The leads are shared by presence:
    # (1 + 0.522) / 2 = 0.761 of 10 x 500 a day at most, 3,804 < 4,500; more hires only
    # lower the share.
    sc = _referred({3: 4500.0}, [1.0, 1.0, 10 / 7] + [1.0] * 9)
    with pytest.raises(InfeasiblePlanError) as err:
        plan_hiring(sc)
    (only,) = err.value.relaxations
    assert (only.kind, only.subject) == ("lead_time", "2027-03")
    assert "the plan of Mar 2027" in only.text
    assert "cannot be met before a hire could ramp" in only.text
    assert "hired on March 1, 2027 (the first hire date) is at 52 %" in only.text


def test_the_fixed_point_moves_a_hire_earlier_until_the_calendar_repeats() -> None:
    """Three rounds, by hand.

    7 referred leads a day to May, 10 in June and July (lead volume x 10/7); a plan of
    2,000 a day to May and 4,500 in June and July.

    1. No hire, every lead at share 1: June's 600 minutes need a second seller, whose
       cheapest start is June (10 x 500 = 5,000 a day >= 4,500).
    2. At that calendar June's leads win at (1 + 0.5) / 2 = 0.75: 3,750 a day < 4,500.
       Hired on 3 May instead, the second seller is at 21.5 / 22 in June (one day at 0.5):
       (1 + 0.977) / 2 = 0.989, 4,943 a day; May at 0.75: 7 x 500 x 0.75 = 2,625 >= 2,000.
    3. At the May calendar the answer is the May calendar: the rounds end.
    """
    sc = _referred(
        {3: 2000.0, 4: 2000.0, 5: 2000.0, 6: 4500.0, 7: 4500.0},
        [1.0] * 5 + [10 / 7] * 2 + [1.0] * 5,
    )
    p = plan_hiring(sc)
    assert p.hires == {("seller", "2027-05"): 1}
    assert p.rounds == 3
    share = (1 + 21.5 / 22) / 2
    # June's revenue at the calendar's own share, less its late leads that close in July
    # (the last 60 minutes and the 30 of the seller's queue, 90 / 480 of a day; issue 12
    # R13: the last hour, 1 / 8, before the queue was counted), plus May's (at May's
    # share 0.75, 7 leads a day).
    late = (60 + followup_wait_min(sc, "seller")) / 480
    assert late == pytest.approx(90 / 480)
    june = 10 * 500 * share * (22 - late) + 7 * 500 * 0.75 * late
    assert p.revenue["2027-06"] == pytest.approx(june, rel=1e-4)
    assert p.revenue["2027-06"] >= 4500.0 * 22 * (1 - 1e-7)
    assert p.notes == ()
    # With June's plan at 3,000 a day the June hire is enough at its own share (3,750):
    # round 2 repeats round 1.
    low = _referred(
        {3: 2000.0, 4: 2000.0, 5: 2000.0, 6: 3000.0, 7: 3000.0},
        [1.0] * 5 + [10 / 7] * 2 + [1.0] * 5,
    )
    q = plan_hiring(low)
    assert q.hires == {("seller", "2027-06"): 1}
    assert q.rounds == 2
    june = 10 * 500 * 0.75 * (22 - late) + 7 * 500 * late  # late: 90 / 480, as above
    assert q.revenue["2027-06"] == pytest.approx(june, rel=1e-4)


def test_a_cycle_keeps_the_cheapest_of_its_calendars_that_meets_at_its_own_shares() -> None:
    """June's plan at 3,800 a day: the June hire's share 0.75 gives 3,750, short; round 2
    moves the hire to May (0.989: 4,943); at the May calendar a June hire looks enough
    again (the share's secant taken at May says so), round 3 answers June: a cycle. Of
    its two calendars only May meets every month at its own shares: kept, after two
    checks (5 solves)."""
    volume = [1.0] * 5 + [10 / 7] * 2 + [1.0] * 5
    p = plan_hiring(_referred({3: 2000.0, 4: 2000.0, 5: 2000.0, 6: 3800.0, 7: 3800.0}, volume))
    assert p.hires == {("seller", "2027-05"): 1}
    assert p.total_cost == pytest.approx(800.0)
    assert p.rounds == 5
    assert p.notes == (
        "Planned round by round (each round counts new hires at the ramp of the calendar "
        "before it), the calendars came to a cycle; of them, the best that meets every "
        "month with its own hires' ramp was kept.",
    )


def test_rounds_are_one_without_a_hire_and_two_when_the_hire_is_capacity_bound() -> None:
    assert plan_hiring(_ramped(FLAT)).rounds == 1
    # Working time bounds the wins exactly (ramp_ rows): round 2 confirms round 1.
    p = plan_hiring(_ramped(STEP))
    assert p.hires == {("seller", "2027-05"): 1}
    assert p.rounds == 2


def test_a_cycle_keeps_the_larger_calendar() -> None:
    cycle = [{("a", 1): 2}, {("a", 1): 1, ("a", 2): 1}, {("b", 0): 1}]
    assert larger_calendar(cycle) == {("a", 1): 2, ("a", 2): 1, ("b", 0): 1}
    assert larger_calendar([{}, {}]) == {}


@pytest.mark.parametrize(
    "make",
    [
        lambda june: _ramped({3: 3000.0, 4: 3000.0, 5: 3000.0, 6: june, 7: june}),
        lambda june: _referred(
            {3: 2000.0, 4: 2000.0, 5: 2000.0, 6: june * 0.55, 7: june * 0.55},
            [1.0] * 5 + [10 / 7] * 2 + [1.0] * 5,
        ),
    ],
    ids=["cold", "referred"],
)
def test_a_higher_plan_never_gives_fewer_hires_nor_less_cost(make) -> None:  # type: ignore[no-untyped-def]
    results = []
    for june in (4000.0, 6000.0, 7000.0, 8000.0, 9000.0):
        try:
            results.append(plan_hiring(make(june), explain=False))
        except InfeasiblePlanError:
            break  # a higher plan is impossible too: nothing more to compare
    assert len(results) >= 3
    for low, high in itertools.pairwise(results):
        assert sum(high.hires.values()) >= sum(low.hires.values())
        assert high.total_cost >= low.total_cost - 1e-9


@pytest.mark.parametrize("period", ["month", "year"])
def test_a_bigger_budget_never_brings_less_revenue(period: str) -> None:
    budgets = (120, 200, 250, 320, 400) if period == "month" else (1300, 1700, 2000, 2500, 3000)
    results = [
        plan_hiring(_ramped(FLAT), objective="revenue", budget=b, budget_period=period)
        for b in budgets
    ]
    for low, high in itertools.pairwise(results):
        assert high.counted_revenue >= low.counted_revenue - 1e-6 * low.counted_revenue
    assert results[-1].counted_revenue > results[0].counted_revenue


def test_the_margin_objective_weighs_revenue_by_gross_margin() -> None:
    sc = _ramped(FLAT)
    with pytest.raises(ValueError, match=r"objective 'margin' needs segments\.deal\.gross_margin"):
        plan_hiring(sc, objective="margin", budget=1700, budget_period="year")
    with pytest.raises(ValueError, match="within a budget"):
        plan_hiring(sc, objective="revenue")
    data = sc.model_dump(mode="json", exclude_none=True)
    data["segments"]["deal"]["gross_margin"] = 0.4
    p = plan_hiring(scenario(data), objective="margin", budget=1700, budget_period="year")
    # One segment: the same calendar as the revenue objective's, 40 % of its revenue.
    assert p.hires == {("seller", "2027-06"): 1}
    assert p.margin is not None
    assert [p.margin[m] for m in MONTHS] == pytest.approx([0.4 * p.revenue[m] for m in MONTHS])


def test_limits_are_named_with_the_months_they_bind_in() -> None:
    p = plan_hiring(_ramped(STEP))
    plan_rows = next(lim for lim in p.limits if lim.family == "plan")
    assert plan_rows.months == MONTHS  # least cost and least busy: each month's plan, no more
    p = plan_hiring(_ramped(FLAT), objective="revenue", budget=1700, budget_period="year")
    (year,) = [lim for lim in p.limits if lim.family == "budget"]
    assert year.subject == "2027" and "the 2027 budget" in year.text
