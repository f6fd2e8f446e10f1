"""The plan a month when none is given: the team's own revenue, as the report reads it.

One rule for the written plan and the report's "now": the revenue won a month, the mean
over the records' whole months (calibrate.report.goals_against_results), taken only from
enough won deals (calibrate.records.plan_basis). A plan that is the team's own revenue
then reads "on plan" in the report, not short of itself by how the months were counted.
"""

from __future__ import annotations

import math

import pandas as pd

from calibrate.contract import Fit, Kept, Records, Status
from calibrate.observed import records_period
from calibrate.records import NO_VALUES, plan_basis, record_months
from calibrate.report import NEEDS_COLUMNS, OWN_PLAN_NOTE, PLAN_PATH, goals_against_results
from calibrate.words import counted
from sim.scenario import Scenario

__all__ = ["PLAN_PATH", "own_revenue_plan", "plan_months"]


def plan_months(records: Records) -> float:
    """The months the plan would be taken from: the report's whole months, as it counts them.

    The records' whole calendar months (calibrate.observed.Period, the months the report's
    "now" averages over) when there are any, else the records' span in months
    (calibrate.records.record_months). So the reason a plan is not taken ("1 won deal
    over 1.0 months") counts the months as the report does ("the 1 whole month of the
    records, 2027-01"), not 26 days as 0.9 months beside it.
    """
    period = records_period(records)
    if period is not None and period.whole:
        return float(len(period.whole))
    return record_months(records)


def own_revenue_plan(records: Records, base: Scenario) -> Fit | Kept:
    """The plan a month from the records' revenue won, or why it is not taken.

    Args:
        records: The canonical tables; only won deals and the records' dates are read.
        base: The scenario the report reads (stage names, currency).

    Returns:
        A :class:`Fit` of ``plan.revenue_per_month`` (currency a month, the records'
        whole-month mean; ``n`` the months averaged), or a :class:`Kept` naming why the
        base's plan stays: no revenue in the records, or too few won deals or months
        (``plan_basis``: at least ``MIN_PLAN_WON`` won deals over ``MIN_PLAN_MONTHS``,
        the months counted by :func:`plan_months`).
    """
    deals = records.deals
    if deals is None or deals.empty:  # nothing to count: the numbers would say nothing
        return Kept(PLAN_PATH, "no deals: give --plan")
    won = int((deals["status"] == Status.WON.value).sum())
    thin = plan_basis(won, plan_months(records))
    if thin is not None:
        return Kept(PLAN_PATH, f"no plan given and {thin}: give --plan")
    if deals["value"].isna().all():
        return Kept(PLAN_PATH, f"no plan given and {NO_VALUES}: give --plan")
    report = goals_against_results(records, base, pd.DataFrame(columns=list(NEEDS_COLUMNS)))
    team = report.team
    now = float(team.loc[team["stage"] == "revenue", "now"].iloc[0])
    if not (math.isfinite(now) and now > 0):
        return Kept(PLAN_PATH, "no plan given and no revenue won in the records: give --plan")
    months = report.plan_months
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    which = (
        f"the {counted(len(months), 'whole month')} of the records, {span}"
        if report.months_now
        else f"the records' {counted(len(months), 'month')}, {span}, scaled to a month"
    )
    note = f"{OWN_PLAN_NOTE}, mean over {which}"
    return Fit(PLAN_PATH, round(now, 2), n=len(months), low=None, high=None, note=note)
