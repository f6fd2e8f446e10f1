"""Scenarios or stored runs side by side, with confidence intervals on the differences.

Runs of the same seed and replication count share their random numbers (common random
numbers: lead arrivals, call outcomes, absences are drawn from the same streams), so a
difference is measured replication by replication (paired), which makes it far sharper
than comparing two means. Runs that do not pair are compared with Welch's interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import (
    KPIS,
    SimResult,
    TeamsimError,
    attainment_by_month,
    dials_by_role,
    plan_met_table,
    spread,
    t_quantile,
    wilson_interval,
)
from sim.scenario import Level, Scenario
from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_LABEL, dials_long
from teamsim.format import ROW_UNITS, in_points
from teamsim.plan_met_view import CHANCE_COLUMNS, definition, months_long, records


def check_one_currency(currencies: Mapping[str, str]) -> None:
    """Refuse sides in different currencies (the rule of the CLI and the dashboard).

    A difference of 120,000 USD and 150,000 EUR is no amount in either currency, and
    teamsim holds no exchange rates (nor should it guess one): the user converts a side.

    Args:
        currencies: each side's name (an item, a label) and its ISO 4217 code.

    Raises:
        TeamsimError: naming each side and its currency (exit 2 in the CLI).
    """
    if len(set(currencies.values())) > 1:
        each = ", ".join(f"{item} in {cur}" for item, cur in currencies.items())
        raise TeamsimError(
            f"cannot compare amounts in different currencies ({each}); "
            "write every side in one currency"
        )


@dataclass(frozen=True, eq=False)
class Side:
    """One column of a comparison: a simulated scenario or a stored run."""

    label: str
    scenario: Scenario
    seed: int
    kpi_replications: pd.DataFrame  # one row per replication, a column per KPI
    # Of a run stopped before its end: how many replications ran of how many asked for
    # (``requested`` 0 where the store does not say). A partial side is named as such.
    partial_of: int | None = None
    # P(plan met) beside the month-level chances, each with its 95 % interval
    # (sim.plan_met_table), and attainment by calendar month (sim.attainment_by_month), as
    # simulate shows them; None where unknown (a side built from KPIs alone).
    chances: pd.DataFrame | None = None
    months: pd.DataFrame | None = None
    # Dials a day by role over the days each person dialled (sim.dials_by_role, or the
    # table a run stored from it); None where unknown (a run stored before it).
    dials: pd.DataFrame | None = None

    @property
    def partial(self) -> str:
        """Of a run stopped before its end "partial (6 of 20 replications)", else empty."""
        if self.partial_of is None:
            return ""
        return partial_words(len(self.kpi_replications), self.partial_of)

    @property
    def cost_per_month(self) -> float:
        """People cost of the team a month, at current headcounts."""
        return sum(r.headcount.current * r.monthly_cost for r in self.scenario.roles.values())

    def headcount_by_level(self) -> dict[str, int]:
        """People at each level."""
        counts = {lv.value: 0 for lv in Level}
        for role in self.scenario.roles.values():
            counts[role.level.value] += role.headcount.current
        return counts


@dataclass(frozen=True, eq=False)
class Comparison:
    """KPIs of every side, and each side's difference from the first with its interval."""

    sides: list[Side]
    table: pd.DataFrame  # long: kpi, label, unit, side, mean, diff, ci_low, ci_high, paired
    confidence: float

    @property
    def locale(self) -> str | None:
        """The workbook's locale: the sides' one named locale (export.workbook_locale)."""
        from teamsim.export import workbook_locale  # export reads runs_io, which reads us

        return workbook_locale(s.scenario for s in self.sides)

    def shown(self) -> pd.DataFrame:
        """:attr:`table`'s rows of the KPIs that apply to at least one side.

        ``sim.applicable_kpis``: a KPI no side can move from 0 (nobody abandons without
        patience) is left out of the tables people read; ``table`` keeps every KPI.
        """
        from sim import applicable_kpis

        applies = set().union(*(applicable_kpis(s.scenario) for s in self.sides))
        return self.table.loc[self.table["kpi"].isin(applies)] if len(self.table) else self.table

    def wide(self) -> pd.DataFrame:
        """One row per KPI: each side's mean, then each difference with its interval."""
        rows = []
        for kpi, part in self.table.groupby("kpi", sort=False):
            row: dict[str, object] = {
                "kpi": kpi,
                "label": part["label"].iloc[0],
                "unit": part["unit"].iloc[0],
            }
            for r in part.itertuples():
                row[str(r.side)] = r.mean
            for r in part.iloc[1:].itertuples():
                row[f"{r.side} - {self.sides[0].label}"] = r.diff
                row[f"{r.side} - {self.sides[0].label} CI"] = (r.ci_low, r.ci_high)
            rows.append(row)
        return pd.DataFrame(rows)

    def overview(self) -> pd.DataFrame:
        """Cost, headcount by level, P(plan met) and the month-level chances of each side.

        The chances are the means over the replications of the KPIs plan_met, month_met
        and every_month_met (``p_plan_met``, ``p_month_met``, ``p_every_month_met``).
        """
        rows = []
        for side in self.sides:
            row: dict[str, object] = {
                "side": side.label,
                "cost_per_month": side.cost_per_month,
                **{f"headcount_{k}": v for k, v in side.headcount_by_level().items()},
            }
            for kpi, (column, _, _) in CHANCE_COLUMNS.items():
                met = side.kpi_replications.get(kpi, pd.Series(dtype=float))
                measured = met.to_numpy(dtype=float)
                measured = measured[np.isfinite(measured)]
                row[column] = float(measured.mean()) if len(measured) else math.nan
            rows.append(row)
        return pd.DataFrame(rows)


def partial_words(kept: int, requested: int | None) -> str:
    """A run stopped before its end, in words: "partial (6 of 20 replications)".

    The one wording of a partial run (compare's table and workbook, the dashboard's runs
    list); ``requested`` 0 or None where the store does not say how many were asked for.
    """
    if requested and requested > kept:
        return f"partial ({kept} of {requested} replications)"
    return f"partial ({kept} replications)"


def side_from_result(label: str, result: SimResult) -> Side:
    """A side from a simulation just run, with its chances and months as simulate's."""
    return Side(
        label,
        result.scenario,
        result.seed,
        result.kpi_replications,
        chances=plan_met_table(result.kpis, result.scenario),
        months=attainment_by_month(result.frames.attainment_month, result.scenario),
        dials=dials_by_role(result.frames, result.scenario),
    )


def side_chances(side: Side) -> list[dict[str, object]]:
    """A side's P(plan met) and month-level chances as records (none if unknown)."""
    return records(side.chances)


def side_months(side: Side) -> pd.DataFrame:
    """A side's attainment by calendar month (sim.attainment_by_month).

    Empty where unknown, and for a team with no sales plan (an inbound desk): its months
    have nothing to attain.
    """
    if side.months is None or not side.scenario.segments:
        return attainment_by_month(pd.DataFrame(), side.scenario)
    return side.months


def months_by_side(result: Comparison) -> pd.DataFrame:
    """Attainment by calendar month of every side, a row per side and month.

    ``teamsim.plan_met_view.months_long`` with a ``side`` column: the comparison
    workbook's ``attainment_by_month`` sheet, its month names in the sides' one named
    locale (:attr:`Comparison.locale`).
    """
    sides = [(s.label, side_months(s)) for s in result.sides]
    return months_long(sides, "side", locale=result.locale)


def chances_by_side(result: Comparison) -> pd.DataFrame:
    """P(plan met) and the month-level chances of every side, a row per side and chance.

    sim.plan_met_table's columns with a ``side`` column first: the comparison
    workbook's ``plan_met`` sheet.
    """
    rows = [{"side": s.label, **row} for s in result.sides for row in side_chances(s)]
    return pd.DataFrame(rows)


def compare(sides: Sequence[Side], confidence: float = 0.95) -> Comparison:
    """Compare two to four sides; differences are taken against the first."""
    if not 2 <= len(sides) <= 4:
        raise ValueError(f"compare takes 2 to 4 scenarios or runs, got {len(sides)}")
    labels = [s.label for s in sides]
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must differ, got {labels}")
    base = sides[0]
    rows = []
    for kpi in KPIS:
        if not all(kpi.name in s.kpi_replications for s in sides):
            continue
        base_values = base.kpi_replications[kpi.name].to_numpy(dtype=float)
        if not np.isfinite(base_values).any():
            continue
        for i, side in enumerate(sides):
            values = side.kpi_replications[kpi.name].to_numpy(dtype=float)
            mean = float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
            diff, low, high, paired = (
                (math.nan, math.nan, math.nan, False)
                if i == 0
                else _difference(
                    base, side, column=kpi.name, confidence=confidence, share=kpi.share
                )
            )
            # Two proportions differ by at most 1: an interval reaching past is no news.
            widest = kpi.bounds[1] - kpi.bounds[0]
            low = max(low, -widest) if math.isfinite(low) else low
            high = min(high, widest) if math.isfinite(high) else high
            rows.append(
                {
                    "kpi": kpi.name,
                    "label": kpi.label,
                    "unit": kpi.unit,
                    "side": side.label,
                    "mean": mean,
                    "diff": diff,
                    "ci_low": low,
                    "ci_high": high,
                    "paired": paired,
                }
            )
    return Comparison(list(sides), pd.DataFrame(rows), confidence)


def team_frame(result: Comparison) -> pd.DataFrame:
    """:meth:`Comparison.overview` with the meaning of each side's P(plan met) beside it.

    ``plan_met_definition``: the one line of ``teamsim.plan_met_view.definition`` ("" for
    a side that sells nothing).
    """
    frame = result.overview()
    frame["plan_met_definition"] = [definition(s.scenario) for s in result.sides]
    return frame


def comparison_sheets(result: Comparison) -> dict[str, pd.DataFrame]:
    """The sheets of the comparison workbook (the team sheet defines P(plan met)).

    After the team: each side's P(plan met) beside its month-level chances with their
    intervals (``plan_met``, :func:`chances_by_side`) and its attainment by calendar
    month (``attainment_by_month``, :func:`months_by_side`), as simulate's workbook.

    ``dials_by_role``: each side's dials a day by role over the days each person dialled
    (``sim.dials_by_role``'s columns with a ``side`` column first); in the comparison
    sheet the KPI that pools every dialling role is labelled so (``POOLED_DIALS_LABEL``).

    The comparison sheet: a row per KPI, each side's mean in the KPI's ``unit``, then
    each difference from the first side with its interval in ``difference_unit``: a
    difference of shares in percentage points (``teamsim.format.in_points``: 0.09 is
    9.0 pp, as the terminal shows it, not "9.0 %"), any other in the KPI's unit. The
    frame's ``attrs[ROW_UNITS]`` tells the workbook which columns those are.
    """
    wide = result.wide()
    for col in [c for c in wide.columns if c.endswith(" CI")]:
        wide[col.replace(" CI", " CI low")] = [v[0] for v in wide[col]]
        wide[col.replace(" CI", " CI high")] = [v[1] for v in wide[col]]
        wide = wide.drop(columns=[col])
    base = result.sides[0].label
    differences = [
        c
        for s in result.sides[1:]
        for c in (
            f"{s.label} - {base}",
            f"{s.label} - {base} CI low",
            f"{s.label} - {base} CI high",
        )
        if c in wide.columns
    ]
    if "unit" in wide.columns:
        shares = wide["unit"] == "share"
        for col in differences:
            values = wide[col].astype(float)
            wide[col] = values.mask(shares, values.map(in_points))
        wide.insert(
            list(wide.columns).index("unit") + 1,
            "difference_unit",
            wide["unit"].mask(shares, "points"),
        )
        wide.attrs[ROW_UNITS] = dict.fromkeys(differences, "difference_unit")
    if "label" in wide.columns:
        # The KPI pooling every dialling role, named as such beside the figures by role.
        wide["label"] = wide["label"].mask(wide["kpi"] == POOLED_DIALS, POOLED_DIALS_LABEL)
    sheets = {
        "comparison": wide,
        "team": team_frame(result),
        "plan_met": chances_by_side(result),
        "attainment_by_month": months_by_side(result),
        "dials_by_role": dials_long([(s.label, s.dials) for s in result.sides], "side"),
    }
    for letter, side in zip(side_letters(len(result.sides)), result.sides, strict=True):
        # Lettered, as two sides of one scenario share the label's first 31 characters;
        # the sheet is cut to a sheet name's length where it is written (export.sheet_name)
        # and names its side in full in its first column.
        replications = side.kpi_replications.copy()
        replications.insert(0, "side", side.label)
        sheets[f"replications {letter} {side.label}"] = replications
    return sheets


def side_letters(n: int) -> list[str]:
    """The sides' letters in a workbook: A, B, ..., Z, then 27, 28, ..."""
    return [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(n)]


def _pairs(a: Side, b: Side) -> bool:
    ra, rb = a.kpi_replications, b.kpi_replications
    return (
        a.seed == b.seed
        and len(ra) == len(rb)
        and ra["replication"].tolist() == rb["replication"].tolist()
    )


def _difference(
    a: Side, b: Side, column: str, confidence: float, share: bool = False
) -> tuple[float, float, float, bool]:
    x = a.kpi_replications[column].to_numpy(dtype=float)
    y = b.kpi_replications[column].to_numpy(dtype=float)
    if share:
        # 0/1 outcomes (plan met or not): a t interval can leave [-1, 1] or collapse to a
        # point on a few replications; Newcombe's score intervals cannot. Paired by
        # replication when the runs share their seed, as the other KPIs are.
        if _pairs(a, b):
            return (*_newcombe_paired(x, y, confidence), True)
        return (*_newcombe(x[np.isfinite(x)], y[np.isfinite(y)], confidence), False)
    if _pairs(a, b):
        s = spread((y - x).tolist(), confidence)
        return s.mean, s.ci_low, s.ci_high, True
    return (*_welch(x[np.isfinite(x)], y[np.isfinite(y)], confidence), False)


def _newcombe(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Difference of two proportions (y - x), Newcombe's hybrid score interval (method 10).

    It treats the runs as independent, which is conservative when they are paired.
    """
    if not len(x) or not len(y):
        return math.nan, math.nan, math.nan
    p1, p2 = float(x.mean()), float(y.mean())
    l1, u1 = wilson_interval(float(x.sum()), len(x), confidence)
    l2, u2 = wilson_interval(float(y.sum()), len(y), confidence)
    diff = p2 - p1
    return (
        diff,
        diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
        diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
    )


def _newcombe_paired(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Difference of two paired proportions (y - x), Newcombe's paired score interval.

    ``x`` and ``y``: one value in [0, 1] per replication, the same replications in the
    same order (the runs share their seed). Source: R. G. Newcombe (1998), "Improved
    confidence intervals for the difference between binomial proportions based on
    paired data", Statistics in Medicine 17, 2635-2650, method 10: the two Wilson
    intervals joined with the phi correlation of the 2 x 2 table of pairs. A share of
    months met counts as that share of a success (``sim.stats.wilson_interval``); its
    table cells are the sums of x y, x (1 - y), (1 - x) y and (1 - x)(1 - y). With phi 0
    (runs no more alike than chance) it is the unpaired interval (:func:`_newcombe`).
    """
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = len(x)
    if not n:
        return math.nan, math.nan, math.nan
    both, x_only = float((x * y).sum()), float((x * (1 - y)).sum())
    y_only, neither = float(((1 - x) * y).sum()), float(((1 - x) * (1 - y)).sum())
    p1, p2 = float(y.mean()), float(x.mean())
    l1, u1 = wilson_interval(float(y.sum()), n, confidence)
    l2, u2 = wilson_interval(float(x.sum()), n, confidence)
    margins = (both + x_only) * (y_only + neither) * (both + y_only) * (x_only + neither)
    # phi's numerator as Newcombe corrects it: less n/2 when positive, 0 below that.
    cross = both * neither - x_only * y_only
    cross = cross - n / 2 if cross > n / 2 else min(cross, 0.0)
    phi = cross / math.sqrt(margins) if margins > 0 else 0.0
    down = (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    up = (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    diff = p1 - p2
    return diff, diff - math.sqrt(max(down, 0.0)), diff + math.sqrt(max(up, 0.0))


def _welch(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Difference of means (y - x) with Welch's interval for unequal variances."""
    if len(x) < 2 or len(y) < 2:
        diff = float(y.mean() - x.mean()) if len(x) and len(y) else math.nan
        return diff, math.nan, math.nan
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    diff = float(y.mean() - x.mean())
    se = math.sqrt(vx + vy)
    if se == 0:
        return diff, diff, diff
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = t_quantile(0.5 + confidence / 2.0, max(1, math.floor(df))) * se
    return diff, diff - half, diff + half
