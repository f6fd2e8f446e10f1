"""A role's call quota by calendar month (issue 12, R13): the rule, the simulator, apply_hiring.

The hiring calendar plans each month's dials; one quota of the busiest month made the
simulated people dial February's 51 a day from January, when the plan dials none.
``roles.X.call_quota_by_month`` states a month's quota (sim.rules.people.daily_dials, the
one home); apply_hiring writes the quota of each month the model planned.
"""

from __future__ import annotations

from collections import Counter

import pytest

from optimizer import apply_hiring, plan_hiring
from optimizer.hiring_rates import hiring_rates
from optimizer.hiring_value import indexed, planned_dials, solved_calendar
from optimizer.measure import recommended_quota
from optimizer.solvers import make_solver
from sim.errors import ScenarioError, dotted
from sim.model import run_replication
from sim.rules.people import daily_dials
from sim.scenario import Scenario, parse_scenario
from teamsim.io import load_scenario
from tests.model_helpers import tiny
from tests.scenario_texts import BASE

pytestmark = pytest.mark.xdist_group("monthquota")

SELLER_END = "    absence: {vacation_days: 20, sick_days: 6}\n"
CASE = ("roles.client_manager.headcount.current=6", "calendar.horizon_days=120")


def _three_months() -> Scenario:
    # From Monday 24 May 2027, 30 working days: 24-31 May (6), June (22), 1-2 July (2).
    return tiny(
        calendar={"start": "2027-05-24", "horizon_days": 30},
        roles={
            "seller": {
                "call_quota_per_day": 12,
                "call_quota_by_month": {"2027-05": 7, "2027-06": 0},
            }
        },
        duties={"report": {"levels": ["line"], "minutes": 15, "per": "head_per_day"}},
    )


# --- the rule ---------------------------------------------------------------------------


def test_a_day_reads_its_months_quota_and_an_unlisted_month_the_default() -> None:
    sc = _three_months()
    assert [sc.month_label(k) for k in range(3)] == ["2027-05", "2027-06", "2027-07"]
    assert [daily_dials(sc, "seller", k) for k in range(3)] == [7, 0, 12]
    assert daily_dials(sc, "seller") == 12  # no month: the default
    # A month's quota is one person's dials, not scaled by the selling share; the role's
    # default is the policy's 10 x 0.5; both stay under the cap of 0.5 x 60.
    half = tiny(
        roles={"seller": {"selling_share": 0.5, "call_quota_by_month": {"2027-01": 20}}},
    )
    assert daily_dials(half, "seller", 0) == 20
    assert daily_dials(half, "seller", 1) == daily_dials(half, "seller") == 5
    # Without the field every month reads the one quota (bundled scenarios unchanged).
    plain = tiny()
    assert {daily_dials(plain, "seller", k) for k in range(3)} == {daily_dials(plain, "seller")}


# --- the simulator ----------------------------------------------------------------------


def test_the_simulated_dials_follow_the_months_quota_exactly() -> None:
    sc = _three_months()
    rec = run_replication(sc, 0, 1)
    by_day: Counter[int] = Counter()
    for r in rec.calls:
        by_day[r.day] += r.dials
    months = sc.months
    assert months.count(0) == 6 and months.count(1) == 22 and months.count(2) == 2
    # Connect rate 0: every dial is a 3-minute no-answer, so a day holds them all and
    # nothing is owed to the next: each day dials its month's quota exactly.
    want = {d: (7, 0, 12)[m] for d, m in enumerate(months) if (7, 0, 12)[m]}
    assert dict(by_day) == want
    # A month of quota 0 is a month without calling, not without work: the duty is done.
    june = [d for d, m in enumerate(months) if m == 1]
    duty = {r.day: r.minutes for r in rec.time_use if r.activity == "duty:report"}
    assert all(duty.get(d) == pytest.approx(15.0) for d in june)
    calls_in_june = [r for r in rec.time_use if r.day in june and r.activity == "calls"]
    assert calls_in_june == []


def test_a_month_with_no_quota_makes_no_leads_but_works_what_earlier_days_made() -> None:
    # Each dial books a lead whose close takes 10 minutes after a 10-day client delay:
    # the May leads (24-31 May) are closed in June (3-10 June), when nobody dials.
    sc = tiny(
        calendar={"start": "2027-05-24", "horizon_days": 30},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        segments={
            "s": {
                "stages": [
                    {"name": "close", "work_min": 10, "convert": 1.0, "client_delay_days": 10}
                ]
            }
        },
        roles={"seller": {"call_quota_by_month": {"2027-05": 3, "2027-06": 0, "2027-07": 0}}},
    )
    rec = run_replication(sc, 0, 1)
    assert sum(r.dials for r in rec.calls) == 3 * 6 and sum(r.leads for r in rec.calls) == 18
    june = {d for d, m in enumerate(sc.months) if m == 1}
    worked = [r for r in rec.time_use if r.day in june and r.activity == "stage_work"]
    assert sum(r.minutes for r in worked) == pytest.approx(18 * 10.0)


# --- checks -----------------------------------------------------------------------------


def _problems(lines: str) -> list[tuple[str, str]]:
    text = BASE.replace(SELLER_END, SELLER_END + lines, 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.yaml")
    return [(dotted(p.path), p.message) for p in info.value.problems]


FAR = (
    "is more than 12 months from the horizon (2027-01 to 2027-02): a quota there is never "
    "read; expected a month of the horizon (a wrong year?)"
)
NOT_A_MONTH = (
    ': expected calendar months written "YYYY-MM" (e.g. "2027-03"), each with a whole '
    "number of dials a day, 0 or more"
)


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ('{"2027-13": 30}', "", "'2027-13'" + NOT_A_MONTH),
        ('{"March": 30, "2027-1": 3}', "", "'March', '2027-1'" + NOT_A_MONTH),
        ('{"2027-02": -1}', ".2027-02", "expected greater than or equal to 0, got -1"),
        ('{"2027-02": 30.5}', ".2027-02", "expected a whole number, got 30.5"),
        ('{"2027-02": 61}', ".2027-02", "61 exceeds policies.max_calls_per_day (60 dials a day)"),
        ('{"2028-03": 30}', ".2028-03", "2028-03 " + FAR),
        ('{"2025-12": 30}', ".2025-12", "2025-12 " + FAR),
    ],
    ids=["month_13", "not_months", "negative", "fraction", "above_cap", "after", "before"],
)
def test_bad_month_quotas_are_named(value: str, path: str, message: str) -> None:
    found = _problems(f"    call_quota_by_month: {value}\n")
    assert found == [("roles.seller.call_quota_by_month" + path, message)]


def test_months_near_the_horizon_are_accepted() -> None:
    text = BASE.replace(
        SELLER_END, SELLER_END + '    call_quota_by_month: {"2026-01": 5, "2028-02": 0}\n', 1
    )
    sc = parse_scenario(text, "ok.yaml")
    assert sc.roles["seller"].call_quota_by_month == {"2026-01": 5, "2028-02": 0}


# --- apply_hiring -----------------------------------------------------------------------


@pytest.mark.slow
def test_apply_hiring_writes_the_quota_each_month_planned() -> None:
    sc = load_scenario("scenarios/retail_bank.yaml", list(CASE))
    plan = plan_hiring(sc)
    applied = apply_hiring(sc, plan)
    hr = hiring_rates(sc)
    hm = solved_calendar(
        sc, hr, indexed(sc, hr, plan), objective="revenue", solver=make_solver(None)
    )
    by_month, _ = planned_dials(hm)
    labels = [m.label for m in hr.months]
    cm = applied.roles["client_manager"]
    want = {
        labels[t]: recommended_quota(sc, "client_manager", d)
        for t, d in enumerate(by_month["client_manager"])
    }
    assert cm.call_quota_by_month == want
    # The model's months as measured (R13): none in January, 51 in February, 28-34 after.
    assert want == {
        "2027-01": 0,
        "2027-02": 51,
        "2027-03": 33,
        "2027-04": 34,
        "2027-05": 28,
        "2027-06": 0,
    }
    assert cm.call_quota_per_day == 51  # the busiest month: a report of no month in particular
    # Every simulated day reads its month's quota through the one rule.
    assert [daily_dials(applied, "client_manager", t) for t in range(len(labels))] == list(
        want.values()
    )
    # A role that does not sell gets none.
    assert applied.roles["head_of_unit"].call_quota_by_month == {}
