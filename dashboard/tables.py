"""Tables for people: KPI values formatted by unit, as the terminal shows them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from optimizer import Plan
from sim import wilson_interval
from teamsim.compare import Comparison
from teamsim.format import fmt_value, service_rows

__all__ = [
    "comparison_table",
    "kpi_table",
    "overview_table",
    "overview_with_intervals",
    "plan_roles",
    "plan_services",
    "sure_differences",
]


def kpi_table(kpis: pd.DataFrame, currency: str) -> pd.DataFrame:
    """One row per KPI: mean, the middle 80 % of replications and the 95 % CI of the mean."""
    rows = []
    for r in _records(kpis):
        if not math.isfinite(float(r["mean"])):
            continue
        unit = str(r["unit"])
        rows.append(
            {
                "KPI": r["label"],
                "mean": fmt_value(float(r["mean"]), unit, currency),
                "80 % of replications": _range(float(r["p10"]), float(r["p90"]), unit, currency),
                "95 % CI of the mean": _range(
                    float(r["ci_low"]), float(r["ci_high"]), unit, currency
                ),
                "replications": int(r["n"]),
            }
        )
    return pd.DataFrame(rows)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _range(low: float, high: float, unit: str, currency: str) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"{fmt_value(low, unit, currency)} to {fmt_value(high, unit, currency)}"


def comparison_table(result: Comparison) -> pd.DataFrame:
    """KPI rows; a column per side, then each side's difference from the first, with its CI."""
    base = result.sides[0].label
    currency = result.sides[0].scenario.currency
    rows = []
    for _, part in result.table.groupby("kpi", sort=False):
        unit = str(part["unit"].iloc[0])
        row: dict[str, str] = {"KPI": str(part["label"].iloc[0])}
        for r in _records(part):
            row[str(r["side"])] = _cell(fmt_value(float(r["mean"]), unit, currency))
        for r in _records(part.iloc[1:]):
            row[f"{r['side']} - {base}"] = _diff(
                float(r["diff"]),
                low=float(r["ci_low"]),
                high=float(r["ci_high"]),
                unit=unit,
                currency=currency,
            )
        rows.append(row)
    return pd.DataFrame(rows)


def sure_differences(result: Comparison) -> pd.DataFrame:
    """Same shape as the difference columns: True where the interval excludes zero."""
    base = result.sides[0].label
    rows = []
    for _, part in result.table.groupby("kpi", sort=False):
        row = {}
        for r in _records(part.iloc[1:]):
            low, high = float(r["ci_low"]), float(r["ci_high"])
            row[f"{r['side']} - {base}"] = math.isfinite(low) and (low > 0 or high < 0)
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(text: str) -> str:
    # A lone "-" reads as a Markdown list bullet in st.table.
    return "–" if text == "-" else text


def _diff(diff: float, low: float, high: float, unit: str, currency: str) -> str:
    if not math.isfinite(diff):
        return "–"
    text = fmt_value(diff, unit, currency, signed=True)
    if math.isfinite(low) and math.isfinite(high):
        return f"{text} [{fmt_value(low, unit, currency)}, {fmt_value(high, unit, currency)}]"
    return text


def overview_table(overview: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Cost, people by level and P(plan met) of each side, formatted."""
    shown = pd.DataFrame({"side": overview["side"]})
    shown["cost a month"] = [
        fmt_value(float(v), "currency", currency) for v in overview["cost_per_month"]
    ]
    for column in [c for c in overview.columns if str(c).startswith("headcount_")]:
        if overview[column].sum() > 0:
            shown[str(column).replace("headcount_", "people, ")] = overview[column]
    shown["P(plan met)"] = [fmt_value(float(v), "share", currency) for v in overview["p_plan_met"]]
    return shown


def plan_roles(roles: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The plan's roles for people: headcount now and planned, cost, load and quotas."""
    return pd.DataFrame(
        {
            "role": [str(r["title"] or r["role"]) for r in _records(roles)],
            "level": roles["level"],
            "now": roles["current"],
            "planned": roles["headcount"],
            "range": [f"{r['min']}-{r['max']}" for r in _records(roles)],
            "cost a month": [
                fmt_value(float(v), "currency", currency) for v in roles["cost_per_month"]
            ],
            "utilisation": [fmt_value(float(v), "share", currency) for v in roles["utilisation"]],
            "busy hours a week": roles["hours_per_week"].round(1),
            "dials a day (realistic)": roles["dials_per_day"].round(1),
            "dials a day (naive)": roles["naive_dials_per_day"].round(1),
        }
    )


def plan_services(plan: Plan) -> pd.DataFrame:
    """Per inbound channel: offered load, seats present, gross-ups, roster, service level.

    The same columns as ``teamsim plan`` shows (``teamsim.format.service_rows``).
    """
    return pd.DataFrame(service_rows(plan))


def overview_with_intervals(result: Comparison) -> pd.DataFrame:
    """The comparison's overview with the Wilson interval of each side's P(plan met)."""
    overview = result.overview()
    lows, highs = [], []
    for side in result.sides:
        met = side.kpi_replications.get("plan_met", pd.Series(dtype=float)).dropna()
        low, high = wilson_interval(float(met.sum()), len(met), result.confidence)
        lows.append(low)
        highs.append(high)
    return overview.assign(p_low=lows, p_high=highs)
