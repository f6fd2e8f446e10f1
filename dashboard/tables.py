"""Tables for people: KPI values formatted by unit, as the terminal shows them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from optimizer import (
    DIALS_DIGITS,
    NAIVE_DIALS,
    PLANNED_DIALS,
    RECOMMENDED_QUOTA,
    TODAYS_QUOTA,
    Plan,
    QuotaLine,
)
from sim import KPIS, applicable_kpis, title, wilson_interval
from sim.scenario import Scenario
from teamsim.compare import Comparison
from teamsim.format import (
    MoneyScale,
    fmt_points,
    fmt_value,
    format_money_column,
    format_number,
    interval_rows,
    minutes_in_days,
    money_scale,
    service_rows,
)

__all__ = [
    "comparison_table",
    "dial_rows",
    "kpi_table",
    "overview_table",
    "overview_with_intervals",
    "plan_intervals",
    "plan_roles",
    "plan_services",
    "simulated_intervals",
    "sure_differences",
]


# The KPI that divides every dial by the days present of everyone who dialled, whatever
# their role (sim.kpis): shown per dialling role instead where the run's table is at hand.
MIXED_DIALS = "dials_per_caller_day"


def kpi_table(
    kpis: pd.DataFrame,
    currency: str,
    locale: str | None = None,
    *,
    dials: pd.DataFrame | None = None,
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """One row per KPI: mean, the middle 80 % of replications and the 95 % CI of the mean.

    Money in one scale per row, in ``locale`` (``Scenario.money_locale``; default the
    currency's usual one). A yes/no outcome (``Kpi.share``: P(plan met), ...) is a
    probability with its interval: its replications are 0 or 1, so it has no middle 80 %.
    ``dials``: the run's dials by role (``sim.dials_by_role``); given, the dials KPI that
    mixes every dialling role (a supervisor who dials a little beside the sellers) is
    shown as one row per dialling role, over the days each person dialled (:func:`dial_rows`).
    ``scenario``: its KPIs that cannot move from 0 are left out (``sim.applicable_kpis``,
    as the terminal's table does).
    """
    applies = None if scenario is None else applicable_kpis(scenario)
    rows = []
    for r in _records(kpis):
        if not math.isfinite(float(r["mean"])):
            continue
        if applies is not None and str(r["kpi"]) not in applies:
            continue
        if str(r["kpi"]) == MIXED_DIALS and dials is not None and not dials.empty:
            rows += dial_rows(dials, locale)
            continue
        f = kpi_texts(r, currency, locale)
        middle = "–" if str(r["kpi"]) in _CHANCES else _range(f["p10"], f["p90"])
        rows.append(
            {
                "KPI": r["label"],
                "mean": f["mean"],
                "80 % of replications": middle,
                "95 % CI of the mean": ci_text(f),
                "replications": int(r["n"]),
            }
        )
    return pd.DataFrame(rows)


_CHANCES = frozenset(k.name for k in KPIS if k.share)
KPI_STATS = ("mean", "p10", "p90", "ci_low", "ci_high")


def kpi_texts(row: Mapping[Any, Any], currency: str, locale: str | None = None) -> dict[str, str]:
    """A KPI row's mean, P10, P90 and 95 % CI as the KPI table writes them (one rule).

    Money in one scale for the row (:func:`money_scale`); the Simulate page's headline
    tiles read the same texts, so a tile's "95 % CI" is the table's, figure for figure.
    Add :func:`ci_text` for the interval.
    """
    unit = str(row["unit"])
    money = (
        money_scale([float(row[k]) for k in KPI_STATS], locale or Scenario.default_locale(currency))
        if unit == "currency"
        else None
    )
    return {
        k: fmt_value(float(row[k]), unit, currency, locale=locale, scale=money) for k in KPI_STATS
    }


def ci_text(texts: Mapping[str, str]) -> str:
    """The 95 % CI of :func:`kpi_texts`: "RUB 28.0M to RUB 45.8M" (or "-")."""
    return _range(texts["ci_low"], texts["ci_high"])


def dial_rows(dials: pd.DataFrame, locale: str | None = None) -> list[dict[str, object]]:
    """The KPI table's dials rows: one per dialling role, over the days a person dialled.

    From ``sim.dials_by_role``: the mean over replications of the role's dials / the
    person-days with a dial, its P10 to P90 over replications; the label names the role
    and says what is counted, so no role that never dials (nor a day without a dial)
    pulls the figure down. Figures in ``locale`` (the scenario's), as the KPI rows'.
    """
    return [
        {
            "KPI": f"Dials a day, {r['title']} (its people who dial, days they dialled)",
            "mean": format_number(float(r["dials_per_day_dialled"]), 1, locale=locale),
            "80 % of replications": format_number(float(r["p10"]), 1, locale=locale)
            + " to "
            + format_number(float(r["p90"]), 1, locale=locale),
            "95 % CI of the mean": "–",
            "replications": int(r["replications"]),
        }
        for r in _records(dials)
    ]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _range(low: str, high: str) -> str:
    if "-" in (low, high):
        return "-"
    return f"{low} to {high}"


def comparison_table(result: Comparison) -> pd.DataFrame:
    """KPI rows; a column per side, then each side's difference from the first, with its CI.

    A money row is written in one scale, in the first side's locale.
    """
    base = result.sides[0].label
    currency = result.sides[0].scenario.currency
    locale = result.sides[0].scenario.money_locale
    rows = []
    for _, part in result.shown().groupby("kpi", sort=False):
        unit = str(part["unit"].iloc[0])
        row: dict[str, str] = {"KPI": str(part["label"].iloc[0])}
        values = [float(v) for c in ("mean", "diff", "ci_low", "ci_high") for v in part[c]]
        scale = money_scale(values, locale) if unit == "currency" else None
        for r in _records(part):
            mean = fmt_value(float(r["mean"]), unit, currency, locale=locale, scale=scale)
            row[str(r["side"])] = _cell(mean)
        for r in _records(part.iloc[1:]):
            row[f"{r['side']} - {base}"] = _diff(
                float(r["diff"]),
                low=float(r["ci_low"]),
                high=float(r["ci_high"]),
                unit=unit,
                currency=currency,
                locale=locale,
                scale=scale,
            )
        rows.append(row)
    return pd.DataFrame(rows)


def sure_differences(result: Comparison) -> pd.DataFrame:
    """Same shape as the difference columns: True where the interval excludes zero."""
    base = result.sides[0].label
    rows = []
    for _, part in result.shown().groupby("kpi", sort=False):
        row = {}
        for r in _records(part.iloc[1:]):
            low, high = float(r["ci_low"]), float(r["ci_high"])
            row[f"{r['side']} - {base}"] = math.isfinite(low) and (low > 0 or high < 0)
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(text: str) -> str:
    # A lone "-" reads as a Markdown list bullet in st.table.
    return "–" if text == "-" else text


def _diff(
    diff: float,
    low: float,
    high: float,
    unit: str,
    currency: str,
    locale: str | None = None,
    scale: MoneyScale | None = None,
) -> str:
    if not math.isfinite(diff):
        return "–"

    def cell(value: float, signed: bool = False) -> str:
        if unit == "share":  # a difference of shares is in percentage points, as the CLI's
            return fmt_points(value, signed=signed)
        return fmt_value(value, unit, currency, signed=signed, locale=locale, scale=scale,
                         days=days)  # fmt: skip

    days = minutes_in_days((diff, low, high))  # one unit for the interval's three numbers
    text = cell(diff, signed=True)
    if math.isfinite(low) and math.isfinite(high):
        return f"{text} [{cell(low)}, {cell(high)}]"
    return text


def overview_table(
    overview: pd.DataFrame, currency: str, locale: str | None = None
) -> pd.DataFrame:
    """Cost, people by level and P(plan met) of each side, formatted (money in one scale)."""
    shown = pd.DataFrame({"side": overview["side"]})
    costs = [float(v) for v in overview["cost_per_month"]]
    shown["cost a month"] = format_money_column(costs, currency, locale)
    for column in [c for c in overview.columns if str(c).startswith("headcount_")]:
        if overview[column].sum() > 0:
            shown[str(column).replace("headcount_", "people, ")] = overview[column]
    shown["P(plan met)"] = [fmt_value(float(v), "share", currency) for v in overview["p_plan_met"]]
    if "seed" in overview.columns:  # the seed each side ran with, as a number to read
        shown["seed"] = [str(int(v)) for v in overview["seed"]]
    return shown


def plan_roles(
    roles: pd.DataFrame,
    currency: str,
    locale: str | None = None,
    quotas: Mapping[str, QuotaLine] | None = None,
) -> pd.DataFrame:
    """The plan's roles for people: headcount now and planned, cost, load and quotas."""
    return pd.DataFrame(
        {
            "role": [str(r["title"] or r["role"]) for r in _records(roles)],
            "level": roles["level"],
            "now": roles["current"],
            "planned": roles["headcount"],
            "range": [f"{r['min']}-{r['max']}" for r in _records(roles)],
            "cost a month": format_money_column(
                [float(v) for v in roles["cost_per_month"]], currency, locale
            ),
            "utilisation": [fmt_value(float(v), "share", currency) for v in roles["utilisation"]],
            "busy hours a week": roles["hours_per_week"].round(1),
            # A role that does not dial: blanks, as teamsim plan's table leaves them.
            PLANNED_DIALS: _dials(roles, "dials_per_day"),
            RECOMMENDED_QUOTA: [_quota(quotas, str(r), "recommended") for r in roles["role"]],
            TODAYS_QUOTA: [_quota(quotas, str(r), "today") for r in roles["role"]],
            NAIVE_DIALS: _dials(roles, "naive_dials_per_day"),
        }
    )


def _dials(roles: pd.DataFrame, column: str) -> list[str]:
    """Dials a day as ``teamsim plan`` writes them: blank for a role that does not dial."""
    return [
        f"{float(r[column]):.{DIALS_DIGITS}f}" if r["naive_dials_per_day"] else ""
        for r in _records(roles)
    ]


def _quota(quotas: Mapping[str, QuotaLine] | None, role: str, which: str) -> str:
    """A role's quota of optimizer.call_quotas ("": the role does not dial)."""
    line = (quotas or {}).get(role)
    return "" if line is None else str(int(getattr(line, which)))


def duty_hours(duties: pd.DataFrame, locale: str | None = None) -> pd.DataFrame:
    """Hours a week by work (rows) and role (columns), as ``teamsim plan`` shows them.

    ``duties``: the plan's duty lines (activity, role, hours_per_week), titled. A role
    with no such work is a blank cell, not 0 (a 0.0 is a duty planned at no hours).
    Hours in ``locale`` (the scenario's): "2,5" ru_RU.
    """
    grid = duties.pivot_table(index="activity", columns="role", values="hours_per_week",
                              aggfunc="sum", sort=False)  # fmt: skip
    shown = grid.map(lambda v: "" if pd.isna(v) else format_number(float(v), 1, locale=locale))
    return shown.rename_axis(index="work", columns=None)


def plan_services(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """Per inbound channel: offered load, seats present, gross-ups, roster, service level.

    The same columns as ``teamsim plan`` shows (``teamsim.format.service_rows``); each
    channel by its title in ``scenario`` (``sim.title``).
    """
    rows = service_rows(plan)
    for row in rows:
        row["channel"] = title(row["channel"], scenario)
    return pd.DataFrame(rows)


def plan_intervals(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """The plan's service by interval: ``teamsim plan``'s rows (``teamsim.format.interval_rows``).

    Each channel by its title in ``scenario``; the channel column only when the plan has
    several desks with intervals, as the terminal shows it.
    """
    rows = interval_rows(plan, None if scenario is None else scenario.money_locale)
    return _titled_channels(rows, scenario)


def simulated_intervals(scenario: Scenario, table: pd.DataFrame | None) -> pd.DataFrame:
    """The simulated service level by interval: ``teamsim simulate``'s rows.

    ``teamsim.inbound_view.simulated_interval_rows``; empty for a plain desk.
    """
    from teamsim.inbound_view import simulated_interval_rows

    return _titled_channels(simulated_interval_rows(scenario, table), scenario)


def _titled_channels(rows: list[dict[str, str]], scenario: Scenario | None) -> pd.DataFrame:
    several = len({row["channel"] for row in rows}) > 1
    for row in rows:
        if several:
            row["channel"] = title(row["channel"], scenario)
        else:
            del row["channel"]
    return pd.DataFrame(rows)


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
