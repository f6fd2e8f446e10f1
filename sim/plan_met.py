"""What "plan met" means, in one place: the units a plan is judged on and their attainment.

A head with a monthly plan reads "P(plan met) = 90 %" as "nine months in ten meet their
plan". The mean over the horizon reaching the plan is another, easier event (a weak
month is carried by a strong one). The scenario states its choice, ``plan.judged_on``:

- ``month``: each counted month is a unit; its attainment is its revenue over its plan.
- ``every_month``: each replication is a unit; its attainment is its weakest month's, so
  the unit is met when every counted month is.
- ``quarter``: each calendar quarter with a counted month is a unit; its attainment is
  the revenue of its counted months over their plans summed (a quarter cut by the
  horizon or the warm-up is judged on the months it has).
- ``horizon``: each replication is a unit; its attainment is the revenue of every
  counted month over their plans summed.

A unit is met when its attainment is at least 1. A replication's share of its units met
is its value of the ``plan_met`` KPI; P(plan met) is the mean over replications, which
for ``month`` and ``quarter`` is the share of all simulated months (quarters) that meet
their plan, since each replication has the same months. The verify loop
(``optimizer.loop``) raises the plan until that share reaches the confidence asked for,
and takes its margin from the same units' attainment (:func:`judged_attainment`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.scenario import JudgedOn, Scenario

__all__ = [
    "CHANCES",
    "MET",
    "attainment_by_month",
    "attainment_by_unit",
    "judged_attainment",
    "met_by_replication",
    "plan_met_definition",
    "plan_met_table",
]

# A unit's attainment at or above this meets its plan.
MET = 1.0

_DEFINITIONS = {
    JudgedOn.MONTH: "the chance that a month meets its plan (share of simulated months)",
    JudgedOn.EVERY_MONTH: "the chance that every counted month meets its plan",
    JudgedOn.QUARTER: "the chance that a calendar quarter meets its plan (share of quarters)",
    JudgedOn.HORIZON: "the chance that the revenue of the counted months reaches their plan",
}


# The KPI columns (sim.kpis) always shown together, with what each means.
CHANCES = (
    ("plan_met", "P(plan met)", ""),
    (
        "month_met",
        "P(a month meets its plan)",
        "share of simulated months (all replications) that meet their plan",
    ),
    (
        "every_month_met",
        "P(every month meets its plan)",
        "share of replications in which every counted month meets its plan",
    ),
)


def plan_met_table(kpis: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """P(plan met) and the month-level chances, each with its 95 % interval and meaning.

    Args:
        kpis: The KPI summary (``SimResult.kpis``: kpi, mean, ci_low, ci_high, n).
        scenario: Its ``plan.judged_on`` gives P(plan met) its meaning.

    Returns:
        Three rows (plan_met, month_met, every_month_met): ``kpi``, ``label``, ``mean``,
        ``ci_low``, ``ci_high`` (0..1; NaN when unmeasured), ``replications`` and
        ``meaning`` (one line). Empty when the scenario sells nothing.
    """
    columns = ["kpi", "label", "mean", "ci_low", "ci_high", "replications", "meaning"]
    if not scenario.segments:
        return pd.DataFrame(columns=columns)
    rows = [
        {
            "kpi": name,
            "label": label,
            **{stat: _stat(kpis, name, stat) for stat in ("mean", "ci_low", "ci_high")},
            "replications": int(_stat(kpis, name, "n", missing=0.0)),
            "meaning": meaning or _DEFINITIONS[scenario.plan.judged_on],
        }
        for name, label, meaning in CHANCES
    ]
    return pd.DataFrame(rows, columns=columns)


def _stat(kpis: pd.DataFrame, name: str, column: str, missing: float = np.nan) -> float:
    row = kpis.loc[kpis["kpi"] == name] if "kpi" in kpis else kpis.iloc[0:0]
    if row.empty or int(row["n"].iloc[0]) == 0:
        return missing
    return float(row[column].iloc[0])


def plan_met_definition(scenario: Scenario) -> str:
    """One line saying what P(plan met) means for this scenario (``plan.judged_on``)."""
    return f"P(plan met): {_DEFINITIONS[scenario.plan.judged_on]}"


def _units(months: pd.DataFrame, scenario: Scenario, judged_on: JudgedOn) -> pd.DataFrame:
    """The judged units: columns replication, unit, revenue, target, attainment."""
    frame = months[["replication", "month", "revenue", "target"]]
    if judged_on is JudgedOn.MONTH:
        units = frame.rename(columns={"month": "unit"})
    elif judged_on is JudgedOn.QUARTER:
        quarter = {m: _quarter(scenario.calendar_month(int(m))) for m in pd.unique(frame["month"])}
        units = (
            frame.assign(unit=frame["month"].map(quarter))
            .groupby(["replication", "unit"], as_index=False)[["revenue", "target"]]
            .sum()
        )
    elif judged_on is JudgedOn.HORIZON:
        units = frame.groupby("replication", as_index=False)[["revenue", "target"]].sum()
        units["unit"] = 0
    else:  # every month: the weakest month stands for the replication
        weakest = frame.assign(attainment=frame["revenue"] / frame["target"])
        weakest = weakest.sort_values(["replication", "attainment", "month"])
        units = weakest.groupby("replication", as_index=False).first()
        units = units.rename(columns={"month": "unit"})
    units = units.reset_index(drop=True)
    units["attainment"] = units["revenue"] / units["target"]
    return units[["replication", "unit", "revenue", "target", "attainment"]]


def _met(attainment: pd.Series[float], target: pd.Series[float]) -> pd.Series[float]:
    """1.0 where a judged unit meets its plan, 0.0 where not, NaN where it has none.

    A plan of 0 is no plan to meet (a branch with nobody selling answers for no part of
    the team's, sim.rules.unit_plan): P(plan met) leaves it out rather than count it missed.
    """
    met = (attainment >= MET).astype(np.float64)
    return met.where(target > 0)


def _quarter(year_month: tuple[int, int]) -> int:
    year, month = year_month
    return year * 4 + (month - 1) // 3


def judged_attainment(
    months: pd.DataFrame, scenario: Scenario, judged_on: JudgedOn | None = None
) -> NDArray[np.float64]:
    """The attainment of every judged unit of every replication, shape (units,).

    Args:
        months: ``Frames.attainment_month`` (replication, month, revenue, target).
        scenario: Its calendar places months in quarters.
        judged_on: The meaning of "plan met"; default the scenario's ``plan.judged_on``.
    """
    rule = scenario.plan.judged_on if judged_on is None else judged_on
    if months.empty:
        return np.array([], dtype=np.float64)
    return _units(months, scenario, rule)["attainment"].to_numpy(dtype=np.float64)


def met_by_replication(
    months: pd.DataFrame,
    scenario: Scenario,
    replications: pd.Index[int],
    judged_on: JudgedOn | None = None,
) -> pd.Series[float]:
    """Each replication's share of its judged units that meet their plan (0..1).

    For ``every_month`` and ``horizon`` a replication has one unit, so the share is 0 or 1.
    NaN for a replication with no counted month (nothing is judged).
    """
    rule = scenario.plan.judged_on if judged_on is None else judged_on
    if months.empty:
        return pd.Series(np.nan, index=replications, dtype=np.float64)
    units = _units(months, scenario, rule)
    met = _met(units["attainment"], units["target"])
    share = met.groupby(units["replication"]).mean()
    return share.reindex(replications).astype(np.float64)


def attainment_by_month(months: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Attainment of each counted calendar month over the replications.

    Args:
        months: ``Frames.attainment_month``.
        scenario: For the months' labels.

    Returns:
        One row per counted month, in order: ``month`` (0-based index), ``label``
        (YYYY-MM), ``plan`` (scenario currency), ``revenue`` (mean over replications),
        ``attainment`` (mean), ``p10``, ``p50``, ``p90`` (attainment percentiles over
        replications, numpy's linear interpolation) and ``p_met`` (share of replications
        in which the month meets its plan). Empty when nothing was counted.
    """
    columns = ["month", "label", "plan", "revenue", "attainment", "p10", "p50", "p90", "p_met"]
    if months.empty:
        return pd.DataFrame(columns=columns)
    grouped = months.groupby("month")["attainment"]
    out = pd.DataFrame(
        {
            "plan": months.groupby("month")["target"].first(),
            "revenue": months.groupby("month")["revenue"].mean(),
            "attainment": grouped.mean(),
            "p10": grouped.quantile(0.1),
            "p50": grouped.quantile(0.5),
            "p90": grouped.quantile(0.9),
            "p_met": _met(months["attainment"], months["target"]).groupby(months["month"]).mean(),
        }
    ).reset_index()
    out.insert(1, "label", [scenario.month_label(int(m)) for m in out["month"]])
    return out[columns]


def attainment_by_unit(
    months: pd.DataFrame, scenario: Scenario, judged_on: JudgedOn | None = None
) -> pd.DataFrame:
    """Attainment of each judged unit over the replications, for ``quarter`` and ``horizon``.

    The units are the ones P(plan met) counts (:func:`met_by_replication`), so the table
    traces it: the mean of ``p_met`` over the units is P(plan met).

    Args:
        months: ``Frames.attainment_month`` (replication, month, revenue, target).
        scenario: Its calendar places months in quarters.
        judged_on: Default the scenario's ``plan.judged_on``.

    Returns:
        One row per unit, in order: ``unit`` ("2028 Q4" or "horizon"), ``first`` and
        ``last`` (YYYY-MM of its first and last counted month), ``months`` (counted months
        in it), ``of_months`` (calendar months it spans: 3 for a quarter, the counted months
        for the horizon), ``plan`` and ``revenue`` (mean over replications, scenario
        currency), ``attainment`` (mean), ``p10``, ``p50``, ``p90`` (numpy's linear
        interpolation over replications) and ``p_met`` (share of replications in which the
        unit meets its plan). Empty for ``month`` and ``every_month`` (the month table
        is the trace) or when nothing was counted.
    """
    columns = [
        "unit", "first", "last", "months", "of_months",
        "plan", "revenue", "attainment", "p10", "p50", "p90", "p_met",
    ]  # fmt: skip
    rule = scenario.plan.judged_on if judged_on is None else judged_on
    if months.empty or rule not in (JudgedOn.QUARTER, JudgedOn.HORIZON):
        return pd.DataFrame(columns=columns)
    units = _units(months, scenario, rule)
    counted = sorted(int(m) for m in pd.unique(months["month"]))
    if rule is JudgedOn.QUARTER:
        member = {m: _quarter(scenario.calendar_month(m)) for m in counted}
    else:
        member = dict.fromkeys(counted, 0)
    rows = []
    for unit_key, group in units.groupby("unit", sort=True):
        key = int(str(unit_key))
        inside = [m for m in counted if member[m] == key]
        attainment = group["attainment"]
        rows.append(
            {
                "unit": _quarter_label(key) if rule is JudgedOn.QUARTER else "horizon",
                "first": scenario.month_label(inside[0]),
                "last": scenario.month_label(inside[-1]),
                "months": len(inside),
                "of_months": 3 if rule is JudgedOn.QUARTER else len(inside),
                "plan": float(group["target"].mean()),
                "revenue": float(group["revenue"].mean()),
                "attainment": float(attainment.mean()),
                "p10": float(attainment.quantile(0.1)),
                "p50": float(attainment.quantile(0.5)),
                "p90": float(attainment.quantile(0.9)),
                "p_met": float(_met(attainment, group["target"]).mean()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _quarter_label(key: int) -> str:
    year, quarter = divmod(key, 4)
    return f"{year} Q{quarter + 1}"
