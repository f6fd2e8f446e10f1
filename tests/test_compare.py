"""Comparison arithmetic on hand-built replications: paired and Welch intervals."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.scenario.loader import parse_scenario
from sim.stats import t_quantile
from teamsim.compare import Side, compare
from tests.scenario_texts import BASE

SCENARIO = parse_scenario(BASE, "base.yaml")


def side(label: str, revenue: list[float], met: list[float], seed: int = 1) -> Side:
    frame = pd.DataFrame(
        {
            "replication": list(range(len(revenue))),
            "seed": seed,
            "revenue_per_month": revenue,
            "plan_met": met,
        }
    )
    return Side(label, SCENARIO, seed, frame)


def test_paired_difference_and_interval() -> None:
    a = side("a", [100.0, 110.0, 120.0, 130.0], [0, 1, 1, 1])
    b = side("b", [103.0, 111.0, 125.0, 131.0], [1, 1, 1, 1])
    result = compare([a, b])
    row = result.table.set_index(["kpi", "side"]).loc[("revenue_per_month", "b")]
    diffs = [3.0, 1.0, 5.0, 1.0]
    mean = sum(diffs) / 4
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / 3)
    half = t_quantile(0.975, 3) * sd / 2
    assert row["paired"]
    assert row["diff"] == pytest.approx(2.5)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((mean - half, mean + half))


def test_unpaired_runs_use_welch() -> None:
    a = side("a", [100.0, 110.0, 120.0], [0, 1, 1], seed=1)
    b = side("b", [130.0, 150.0, 170.0, 190.0], [1, 1, 1, 1], seed=2)
    row = compare([a, b]).table.set_index(["kpi", "side"]).loc[("revenue_per_month", "b")]
    vx, vy = 100.0 / 3, (2000.0 / 3) / 4
    df = (vx + vy) ** 2 / (vx**2 / 2 + vy**2 / 3)
    half = t_quantile(0.975, math.floor(df)) * math.sqrt(vx + vy)
    assert not row["paired"]
    assert row["diff"] == pytest.approx(50.0)
    assert row["ci_high"] - row["diff"] == pytest.approx(half)


def test_paired_interval_is_narrower_than_welch_on_correlated_runs() -> None:
    base = [100.0, 140.0, 90.0, 160.0, 120.0]
    shifted = [v + 5.0 + (i % 2) for i, v in enumerate(base)]
    paired = compare([side("a", base, [0] * 5), side("b", shifted, [0] * 5)])
    unpaired = compare([side("a", base, [0] * 5, seed=1), side("b", shifted, [0] * 5, seed=2)])
    width = lambda c: float(  # noqa: E731
        c.table.set_index(["kpi", "side"])
        .loc[("revenue_per_month", "b"), ["ci_low", "ci_high"]]
        .diff()
        .iloc[-1]
    )
    assert width(paired) < width(unpaired) / 10


def test_wide_and_overview() -> None:
    result = compare([side("a", [1.0, 2.0], [0, 1]), side("b", [2.0, 4.0], [1, 1])])
    wide = result.wide().set_index("kpi")
    assert wide.loc["revenue_per_month", "a"] == 1.5
    assert wide.loc["revenue_per_month", "b - a"] == 1.5
    overview = result.overview().set_index("side")
    assert overview.loc["b", "p_plan_met"] == 1.0
    assert overview.loc["a", "headcount_line"] == 5
    assert overview.loc["a", "cost_per_month"] == 9000 + 6000 + 5 * 4000


def test_needs_two_to_four_distinct_sides() -> None:
    a = side("a", [1.0], [0])
    with pytest.raises(ValueError, match="2 to 4"):
        compare([a])
    with pytest.raises(ValueError, match="labels must differ"):
        compare([a, a])


def test_plan_met_difference_uses_a_bounded_score_interval() -> None:
    a = side("a", [1.0] * 10, [0.0] * 10)
    b = side("b", [2.0] * 10, [1.0] * 9 + [0.0])
    row = compare([a, b]).table.set_index(["kpi", "side"]).loc[("plan_met", "b")]
    assert row["diff"] == pytest.approx(0.9)
    assert -1.0 <= row["ci_low"] < 0.9 < row["ci_high"] <= 1.0
    # Newcombe method 10 by hand: Wilson (0 of 10) = [0, 0.2775], (9 of 10) = [0.5958, 0.9821].
    assert row["ci_low"] == pytest.approx(0.9 - math.hypot(0.9 - 0.5958, 0.2775), abs=1e-3)
    assert row["ci_high"] == pytest.approx(0.9 + math.hypot(0.9821 - 0.9, 0.0), abs=1e-3)
    same = compare([a, side("c", [1.0] * 10, [0.0] * 10)]).table
    same_row = same.set_index(["kpi", "side"]).loc[("plan_met", "c")]
    assert same_row["ci_low"] < 0 < same_row["ci_high"]  # no collapse to a point


def test_difference_of_proportions_stays_within_plus_minus_one() -> None:
    # Paired differences 1, 1, 0.8: the t interval reaches 1.25; two shares differ by <= 1.
    a = side("a", [1.0, 1.0, 1.0], [0, 0, 0])
    b = side("b", [1.0, 1.0, 1.0], [0, 0, 0])
    a.kpi_replications["inbound_service_level"] = [0.0, 0.0, 0.2]
    b.kpi_replications["inbound_service_level"] = [1.0, 1.0, 1.0]
    row = compare([a, b]).table.set_index(["kpi", "side"]).loc[("inbound_service_level", "b")]
    assert row["diff"] == pytest.approx(14 / 15)
    assert row["ci_high"] == 1.0 and 0.0 < row["ci_low"] < row["diff"]
    # Unbounded KPIs keep their t interval: the revenue difference is 0 with no spread.
    revenue = compare([a, b]).table.set_index(["kpi", "side"]).loc[("revenue_per_month", "b")]
    assert (revenue["ci_low"], revenue["ci_high"]) == (0.0, 0.0)


def test_plan_met_difference_is_paired_when_the_runs_share_their_seed() -> None:
    # Identical runs meeting 5 plans of 10: Wilson (5 of 10) is 0.5 +- h, h = 0.263405
    # (z 1.959964: z / (1 + z^2 / 10) x sqrt(0.025 + z^2 / 400)). Unpaired (Newcombe 1998a)
    # the difference is 0 +- h sqrt(2); paired (Newcombe 1998b, method 10), phi's numerator
    # 5 x 5 - 0 less n / 2 = 20 over sqrt(5^4) = 25: phi 0.8, so 0 +- h sqrt(2 - 1.6).
    met = [1.0] * 5 + [0.0] * 5
    h = 1.959964 / (1 + 1.959964**2 / 10) * math.sqrt(0.025 + 1.959964**2 / 400)
    paired = compare([side("a", [1.0] * 10, met), side("b", [1.0] * 10, met)]).table
    row = paired.set_index(["kpi", "side"]).loc[("plan_met", "b")]
    assert bool(row["paired"]) and row["diff"] == 0.0
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-h * 0.4**0.5, h * 0.4**0.5))
    apart = compare([side("a", [1.0] * 10, met), side("b", [1.0] * 10, met, seed=2)]).table
    row = apart.set_index(["kpi", "side"]).loc[("plan_met", "b")]
    assert not bool(row["paired"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-h * 2**0.5, h * 2**0.5))
    # The trial's case: one replication of ten flips; pairing narrows the interval.
    x = [1.0] * 8 + [0.0] * 2
    y = [1.0] * 4 + [0.0] + [1.0] * 3 + [0.0] * 2
    flips = compare([side("a", [1.0] * 10, x), side("b", [1.0] * 10, y)]).table
    one = flips.set_index(["kpi", "side"]).loc[("plan_met", "b")]
    wide = compare([side("a", [1.0] * 10, x), side("b", [1.0] * 10, y, seed=2)]).table
    two = wide.set_index(["kpi", "side"]).loc[("plan_met", "b")]
    assert one["diff"] == two["diff"] == pytest.approx(-0.1)
    assert two["ci_low"] < one["ci_low"] < -0.1 < one["ci_high"] < two["ci_high"]
