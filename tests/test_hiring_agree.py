"""The first hiring plan, simulated as it stands, delivers what it promised (issue 12).

The hiring model plans each month's dials up to the plan's cap, whatever the scenario's
``call_quota_per_day``; the calendar is simulated through ``apply_hiring``, which must
hand the simulated people the calls their months were planned with, as plain plan's
verify does (``optimizer.measure.apply_plan``). Without them the simulated team dials the
scenario's quota: retail_bank with 6 client managers planned 51 dials a day at work in
February and dialled 30, and its payroll projects (cold leads) came 15-28 % short.

The case: ``tests.test_hiring_model._ramped`` (one seller, March to July 2027, a lead is
4 dials of 1.5 minutes and 60 minutes of work: 480 / 66 = 7.27 leads, 29.09 dials a
day) with a plan that steps up in June, and a policy quota of 10 dials a day. The plan
hires one seller in May. Simulated at the policy's 10 dials every month brought 34-38 %
of what the plan expects; at the plan's 30 each month is within 2.58 standard errors +
3 % (measured: -5.1 % to +0.6 %, at most 3.4 standard errors, June; the sum -2.2 %).
Before issue 12's fix (work cut at the day's end completed, its minutes free) it was
-1.7 % to +4.1 %: 30 dials are 7.5 leads of 66 minutes, 495 of 480 minutes, and the 15
over now queue to the next day instead of being free.
"""

from __future__ import annotations

import numpy as np

from optimizer import apply_hiring, evaluate_calendar, plan_hiring, verify_hiring
from sim.scenario import Scenario
from tests.optimizer_helpers import scenario
from tests.test_hiring_model import _ramped
from tests.test_hiring_s12 import STEP

POLICY_QUOTA = 10  # dials a day: a third of what the plan needs
PLANNED_QUOTA = 30  # 480 / 66 x 4 = 29.09 dials a day at work, rounded up


def _low_quota() -> Scenario:
    data = _ramped(STEP).model_dump(mode="json", exclude_none=True)
    data["policies"]["call_quota_per_day"] = POLICY_QUOTA
    return scenario(data)


def test_apply_hiring_hands_the_simulator_the_planned_dials() -> None:
    sc = _low_quota()
    p = plan_hiring(sc)
    assert p.hires == {("seller", "2027-05"): 1}
    played = apply_hiring(sc, p)
    # The plan's dials a day at work, rounded up (optimizer.measure.recommended_quota),
    # not the policy's 10; the channel it dials; the hire as a joiner.
    assert played.roles["seller"].call_quota_per_day == PLANNED_QUOTA
    assert played.roles["seller"].channels == ["cold"]
    assert [(j.start.isoformat(), j.count) for j in played.roles["seller"].joiners] == [
        ("2027-05-03", 1)
    ]
    # The same calendar as a mapping plays the same way.
    assert apply_hiring(sc, {("seller", "2027-05"): 1}) == played


def test_the_first_hiring_plan_simulated_meets_each_months_expected_revenue() -> None:
    """Each counted month simulated is the expected revenue within 2.58 SE + 3 %."""
    sc = _low_quota()
    reps = 8
    v = verify_hiring(sc, replications=reps, seed=20270104, max_iterations=1, workers=1)
    it = v.final
    assert it.plan.hires == {("seller", "2027-05"): 1}
    assert it.scenario.roles["seller"].call_quota_per_day == PLANNED_QUOTA
    expected = evaluate_calendar(sc, it.plan).revenue
    frame = it.simulated.attainment
    table = v.months_table()
    assert list(table["label"]) == ["2027-03", "2027-04", "2027-05", "2027-06", "2027-07"]
    for row in table.itertuples():
        values = frame.loc[frame["month"] == row.month, "revenue"].to_numpy(dtype=np.float64)
        assert len(values) == reps
        se = float(values.std(ddof=1)) / np.sqrt(reps)
        assert row.expected_revenue == expected[row.label]
        gap = abs(row.simulated_revenue - row.expected_revenue)
        assert gap <= 2.58 * se + 0.03 * row.expected_revenue, (row.label, gap, se)
    assert v.met
