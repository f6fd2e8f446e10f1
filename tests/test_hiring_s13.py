"""A hiring calendar evaluated: its months, a month's delay, payback, joiners (issue 12, S13).

Hand cases on ``tests.optimizer_helpers.tiny`` over March to July 2027 (23, 22, 21, 22,
22 working days): one seller in seat, a lead from the cold list takes 66 minutes of a
480-minute day and brings 500, so a fully ramped seller brings 480 / 66 x 500 = 3636.36
a working day (``PER_PERSON``); a seller costs 100 a month. With the ramp ``[0.5]`` a
hire is at 0.5 for its first tenure month of 21.74 working days: hired on 3 May (the
month's hire date, 21 working days in May) it is at 0.5 all May, at 0.5 on 1 June
(tenure day 21) and 1 after; hired on 1 June at 0.5 all June (22 days), 1 in July. A
lead made in a day's last working hour is worked and closed the next working day, so
1/8 of a day's leads of a month's last day close the month after (July's, after the
horizon). Evaluation: the most revenue the calendar's team can close in the counted
months, at the calendar's own ramp shares; with unlimited cold leads every seller
sells all day.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from optimizer import (
    HiringPlan,
    InfeasiblePlanError,
    apply_hiring,
    delay_cost,
    evaluate_calendar,
    payback_month,
    plan_hiring,
)
from sim import simulate
from sim.rules.staffing import role_month, seats
from sim.rules.waits import followup_wait_min
from sim.scenario import Scenario
from sim.scenario.team import Joiner
from tests.optimizer_helpers import scenario
from tests.test_hiring_model import MONTHS, _lagged, _ramped
from tests.test_hiring_s12 import FLAT, STEP, _referred

PER_PERSON = 480 / 66 * 500

# The share of a day whose leads close the next working day: the lead's hour of work and
# its 30 minutes in the seller's queue of the day's 480 (sim.rules.waits; issue 12 R13: the
# last hour, 1 / 8, before the queue was counted).
LATE = (60 + 30) / 480


def _with(sc: Scenario, **changes: Any) -> Scenario:
    """The scenario with the seller's fields or the deal segment's changed."""
    data = sc.model_dump(mode="json", exclude_none=True)
    for key, value in changes.items():
        if key == "gross_margin":
            data["segments"]["deal"]["gross_margin"] = value
        else:
            data["roles"]["seller"][key] = value
    return scenario(data)


def test_a_month_of_delay_costs_the_seller_days_the_ramp_shifts_out_of_the_horizon() -> None:
    """A May hire one month later, by hand.

    Hired 3 May: 0.5 x 21 (May) + (0.5 + 21) (June) + 22 (July) = 54 seller-days.
    Hired 1 June: 0.5 x 22 (June) + 22 (July) = 33 seller-days. The delay loses
    54 - 33 = 21 seller-days, 21 x 3636.36 = 76,363.64 of revenue (the last hours moving
    between months are the same in both but for May's, 0.5 / 8 of a day, which closes in
    June, counted either way), and saves May's pay, 100. Under the step plan (6,000 a day
    from June) June then brings 3636.36 x (1.5 x 22 - 1.5 / 8 + 1 / 8) = 119,773 < 132,000:
    the delay misses June's plan; July (2 sellers, 160,000 - 455) still meets it.
    """
    p = plan_hiring(_ramped(STEP))
    assert p.hires == {("seller", "2027-05"): 1}
    line = p.line("seller", "2027-05")
    assert line.text == "hire 1 seller to start by May 3, 2027"
    assert line.appraised and line.delay is not None
    assert line.delay_cost == pytest.approx(21 * PER_PERSON, rel=1e-4)
    assert line.delay.saving == pytest.approx(100.0)
    assert line.delay.short == ("2027-06",)
    assert line.delay.margin is None  # no segment states a gross margin
    # The same by the public function, on a calendar given by month label; the plan does
    # not enter: the flat plan's months are all met either way.
    d = delay_cost(_ramped(FLAT), {("seller", "2027-05"): 1}, "seller", "2027-05")
    assert d.revenue == pytest.approx(21 * PER_PERSON, rel=1e-4)
    assert d.short == ()
    # In margin: 40 % of it, and a plan with the margin objective counts its delay so.
    margin = _with(_ramped(FLAT), gross_margin=0.4)
    d = delay_cost(margin, {("seller", 2): 1}, "seller", 2, objective="margin")
    assert d.margin == pytest.approx(0.4 * 21 * PER_PERSON, rel=1e-4)


def test_a_hire_of_the_last_month_delayed_leaves_the_horizon() -> None:
    # Hired 1 July: 0.5 x 22 seller-days, less July's late leads (after the horizon anyway).
    assert pytest.approx(LATE) == (60 + followup_wait_min(_ramped(FLAT), "seller")) / 480
    d = delay_cost(_ramped(FLAT), {("seller", "2027-07"): 2}, "seller", "2027-07")
    assert d.revenue == pytest.approx(0.5 * (22 - LATE) * PER_PERSON, rel=1e-4)
    assert d.saving == pytest.approx(100.0)  # one of the two: one person's July


@pytest.mark.parametrize(
    ("monthly_cost", "month"),
    [(36_000, "2027-05"), (60_000, "2027-07"), (70_000, None)],
)
def test_payback_is_the_first_month_the_added_revenue_covers_the_cost(
    monthly_cost: int, month: str | None
) -> None:
    """The May hire against the calendar without it, by hand, in seller-days of 3636.36.

    Added revenue, summed: May 0.5 x 21 - 0.5 / 8 (its last hour closes in June) = 10.4375
    (37,954.5); June + 0.5 + 21 + 0.5 / 8 - 1 / 8 = 31.875 (115,909.1); July + 22 + 1 / 8
    - 1 / 8 (July's last hour closes after the horizon) = 53.875 (195,909.1). The
    person's cost summed: 1, 2, 3 months. At 36,000 a month May covers it; at 60,000
    June does not (115,909 < 120,000), July does (195,909 >= 180,000); at 70,000 not
    within the horizon (195,909 < 210,000).
    """
    sc = _with(_ramped(FLAT), monthly_cost=monthly_cost)
    assert payback_month(sc, {("seller", "2027-05"): 1}, "seller", "2027-05") == month
    # A plan's line says the same (the step plan hires in May whatever the pay).
    p = plan_hiring(_with(_ramped(STEP), monthly_cost=monthly_cost))
    assert p.line("seller", "2027-05").payback_month == month


def test_evaluating_a_calendar_gives_its_months_at_its_own_ramp_shares() -> None:
    sc = _ramped(STEP)
    v = evaluate_calendar(sc, {("seller", "2027-05"): 1})
    days = (23, 22, 21 + 10.5, 22 + 21.5, 44)  # seller-days at the ramp shares
    spill = tuple(LATE * n for n in (1, 1, 1.5, 2, 2))  # each month's late leads, to the next
    expected = [
        PER_PERSON * (d - out + (spill[i - 1] if i else 0.0))
        for i, (d, out) in enumerate(zip(days, spill, strict=True))
    ]
    # (within the quadrature's grain of the time of day, 1 / 179 of a March day)
    assert [v.revenue[m] for m in MONTHS] == pytest.approx(expected, rel=3e-4)
    assert [v.cost[m] for m in MONTHS] == pytest.approx([100, 100, 200, 200, 200])
    assert v.short == ()
    assert v.months[3].attainment == pytest.approx(expected[3] / (6000 * 22), rel=3e-4)
    # The plan's own calendar meets every month: it can close at least what the plan says.
    p = plan_hiring(sc)
    mine = evaluate_calendar(sc, p)
    assert mine.hires == p.hires and mine.short == ()
    # One rule for a calendar's expectation (optimizer.hiring_value.expected_months): the
    # plan's months are its calendar at its most, the months the simulated team is held to.
    assert [p.revenue[m] for m in MONTHS] == pytest.approx([mine.revenue[m] for m in MONTHS])
    assert [p.cost[m] for m in MONTHS] == pytest.approx([mine.cost[m] for m in MONTHS])
    # The least-cost solve's own revenue stops at March's plan (3000 x 23 = 69000); the
    # plan reports the seller at their most, 23 days less the late leads (hand-solved).
    assert p.plan["2027-03"] == 69000
    assert p.revenue["2027-03"] == pytest.approx(expected[0], rel=3e-4)
    # One month later it misses June.
    assert evaluate_calendar(sc, {("seller", "2027-06"): 1}).short == ("2027-06",)


def test_a_calendar_that_breaks_a_limit_or_names_nothing_known_is_refused() -> None:
    sc = _ramped(FLAT)  # headcount.max 10, one in seat
    said = r"puts 11 sellers in seat in 2027-04, above roles\.seller\.headcount\.max 10"
    with pytest.raises(InfeasiblePlanError, match=said):
        evaluate_calendar(sc, {("seller", "2027-03"): 4, ("seller", "2027-04"): 6})
    with pytest.raises(ValueError, match=r"no role 'closer' \(roles: seller\)"):
        evaluate_calendar(sc, {("closer", "2027-03"): 1})
    with pytest.raises(ValueError, match=r"'2027-09' is not in the horizon \(2027-03 to 2027-07\)"):
        evaluate_calendar(sc, {("seller", "2027-09"): 1})
    with pytest.raises(ValueError, match="no hire of seller in 2027-04"):
        delay_cost(sc, {("seller", "2027-03"): 1}, "seller", "2027-04")


def _cold_cases() -> list[Scenario]:
    """Only an unlimited cold list, no referral nor inbound lead, no pool, no after-sale
    support: where the earlier-hire property holds (docs/dev/hiring_plan.md, 1.6 item 3)."""
    lagged = _lagged(FLAT).model_dump(mode="json", exclude_none=True)
    lagged["roles"]["seller"]["ramp"] = {"productivity_by_month": [0.25, 0.75]}
    return [_ramped(FLAT), scenario(lagged)]


@pytest.mark.parametrize("sc", _cold_cases(), ids=["ramp", "ramp-and-30-day-close"])
def test_a_hire_moved_a_month_earlier_never_lowers_any_months_revenue(sc: Scenario) -> None:
    other = {("seller", 2): 1}  # a second hire stays in May
    for k in range(1, 5):
        for count in (1, 2):
            later = evaluate_calendar(
                sc, {**other, ("seller", k): count + other.get(("seller", k), 0)}
            )
            moved = {("seller", k - 1): count}
            moved[("seller", 2)] = moved.get(("seller", 2), 0) + 1
            earlier = evaluate_calendar(sc, moved)
            for m in MONTHS:
                assert earlier.revenue[m] >= later.revenue[m] * (1 - 1e-6), (k, count, m)
            assert earlier.total_cost > later.total_cost  # and it costs a month's pay more


def test_with_referred_leads_an_earlier_hire_lowers_the_months_revenue() -> None:
    """The pinned exception: 7 referred leads a working day (420 minutes, one seller's
    work) are shared among the sellers in seat by presence, whatever their tenure. A
    second seller hired on 3 May rather than 1 June takes half of May's leads at 0.5:
    May's leads win at (1 + 0.5) / 2 = 0.75 of the tenured seller's, and May closes
    about a quarter less."""
    sc = _referred(FLAT, [1.0] * 12)
    june = evaluate_calendar(sc, {("seller", "2027-06"): 1})
    may = evaluate_calendar(sc, {("seller", "2027-05"): 1})
    assert may.revenue["2027-05"] < june.revenue["2027-05"]
    # By hand: May's own leads at 0.75 less its late ones, plus April's late ones at 1.
    ratio = (0.75 * (21 - LATE) + LATE) / 21
    assert may.revenue["2027-05"] == pytest.approx(ratio * june.revenue["2027-05"], rel=2e-4)


def test_apply_hiring_writes_the_calendar_as_joiners_the_simulator_plays() -> None:
    sc = _ramped(STEP)
    p = plan_hiring(sc)
    played = apply_hiring(sc, p)
    assert isinstance(played, Scenario)
    assert played.roles["seller"].joiners == [
        Joiner(start=dt.date(2027, 5, 3), count=1, note="hiring plan 2027-05")
    ]
    assert [s.first_day for s in seats(played, "seller")][1] == dt.date(2027, 5, 3)
    # The scenario's roster by month is the plan's.
    for line in p.role_months:
        roster = role_month(played, "seller", line.index)
        assert (roster.in_seat, roster.productive) == pytest.approx((line.seats, line.productive))
        assert roster.in_seat == pytest.approx(p.headcount["seller", line.label])
    # The simulator plays it: the joiner in seat from May at the plan's ramp shares.
    frames = simulate(played, replications=1, seed=20270104, workers=1).frames
    heads = frames.headcount_month.set_index("label")
    assert heads.loc[list(MONTHS), "in_seat"].tolist() == pytest.approx([1, 1, 2, 2, 2])
    assert heads.loc[list(MONTHS), "productive"].tolist() == pytest.approx(
        [line.productive for line in p.role_months]
    )
    # Joiners listed already keep their numbers: the plan's come after them, by month.
    data = sc.model_dump(mode="json", exclude_none=True)
    data["roles"]["seller"]["joiners"] = [{"start": "2027-04-01"}]
    more = apply_hiring(scenario(data), {("seller", 4): 2, ("seller", 1): 1})
    assert [(j.start, j.count, j.note) for j in more.roles["seller"].joiners] == [
        (dt.date(2027, 4, 1), 1, ""),
        (dt.date(2027, 4, 1), 1, "hiring plan 2027-04"),
        (dt.date(2027, 7, 1), 2, "hiring plan 2027-07"),
    ]


def _strict(d: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(d, allow_nan=False))
    assert loaded == d  # plain types only: nothing changed by the round trip
    return loaded


def test_to_dict_is_strict_json_with_the_keys_of_the_design() -> None:
    margin = _with(_ramped(FLAT), gross_margin=0.4)
    p = plan_hiring(margin, objective="margin", budget=1700, budget_period="year")
    d = _strict(p.to_dict())
    assert set(d) >= {
        "scenario",
        "mode",
        "objective",
        "solver",
        "currency",
        "budget",
        "budget_period",
        "rounds",
        "calendar",
        "months",
        "role_months",
        "limits",
        "notes",
    }
    (line,) = d["calendar"]
    assert line["month"] == "2027-06" and line["start"] == "2027-06-01"
    assert line["delay_cost_unit"] == "RUB of margin"
    assert line["delay_cost"] == pytest.approx(line["delay_margin"])
    assert line["delay_margin"] == pytest.approx(0.4 * line["delay_revenue"])
    assert [m["label"] for m in d["months"]] == list(MONTHS)
    assert d["months"][0]["expected_margin"] == pytest.approx(
        0.4 * d["months"][0]["expected_revenue"]
    )
    assert {r["label"] for r in d["role_months"]} == set(MONTHS)
    # No absence, no attrition in tiny: everyone in seat is at work.
    assert [r["present"] for r in d["role_months"]] == pytest.approx([1, 1, 1, 2, 2])
    # A plan with no hire, not appraised, and a calendar evaluated: strict too.
    bare = plan_hiring(_ramped(FLAT), appraise=False)
    assert isinstance(bare, HiringPlan) and _strict(bare.to_dict())["calendar"] == []
    value = evaluate_calendar(_ramped(FLAT), {("seller", "2027-05"): 1})
    assert _strict(value.to_dict())["hires"] == [{"role": "seller", "month": "2027-05", "count": 1}]
