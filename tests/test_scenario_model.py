"""Unit tests of the scenario tree: distributions, calendar, headcount, overrides, immutability."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.errors import ScenarioError
from sim.rules.people import daily_dials
from sim.scenario import Level, Scenario
from sim.scenario.distributions import Distribution, Fixed, LogNormal, Triangular
from sim.scenario.loader import parse_scenario
from sim.scenario.overrides import parse_override
from tests.scenario_texts import BASE

DIST = TypeAdapter(Distribution)


def test_number_means_fixed() -> None:
    assert DIST.validate_python(40) == Fixed(value=40)
    assert DIST.validate_python({"kind": "fixed", "value": 40}) == Fixed(value=40)


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "lognormal", "mean": 3.0, "sd": 1.5},
        {"kind": "exponential", "mean": 6.0},
        {"kind": "triangular", "low": 20, "mode": 40, "high": 90},
        {"kind": "uniform", "low": 1, "high": 5},
    ],
)
def test_sample_mean_matches_expected_value(spec: dict[str, object]) -> None:
    dist = DIST.validate_python(spec)
    draws = dist.sample(np.random.default_rng(1), 200_000)
    # 200k draws: the standard error of the mean is sd/447; 5 of them is a wide, stated margin.
    se = draws.std() / np.sqrt(draws.size)
    assert abs(draws.mean() - dist.expected_value()) < 5 * se


def test_lognormal_sd_is_of_the_value_not_the_log() -> None:
    draws = LogNormal(kind="lognormal", mean=3.0, sd=1.5).sample(np.random.default_rng(2), 400_000)
    assert draws.std() == pytest.approx(1.5, rel=0.02)


def test_triangular_expected_value() -> None:
    assert Triangular(kind="triangular", low=20, mode=40, high=90).expected_value() == 50.0


def test_working_dates_skip_weekends_and_holidays() -> None:
    sc = parse_scenario(BASE, "base.yaml", ["calendar.holidays=[2027-01-06]"])
    dates = sc.calendar.working_dates()
    assert len(dates) == 40
    assert dates[:4] == [
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 7),
        dt.date(2027, 1, 8),
    ]
    assert all(d.weekday() < 5 for d in dates)
    assert dt.date(2027, 1, 6) not in dates


def test_month_index_of_each_working_day() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    months = sc.months
    assert months[0] == 0
    # January 2027 from the 4th has 20 working days; February starts on day 20.
    assert months[19] == 0 and months[20] == 1


def test_fixed_headcount_and_range() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    assert sc.roles["head"].headcount.fixed
    assert not sc.roles["seller"].headcount.fixed
    assert (sc.roles["seller"].headcount.min, sc.roles["seller"].headcount.max) == (2, 12)


def test_defaults_by_level() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    assert sc.roles["seller"].sells == 1.0 and sc.roles["lead"].sells == 0.0
    assert sc.roles["seller"].answers_inbound and not sc.roles["head"].answers_inbound
    assert Level.TOP.rank > Level.MIDDLE.rank > Level.LOWER.rank > Level.LINE.rank


def test_reports_per_head() -> None:
    sc = parse_scenario(BASE, "base.yaml", ["roles.lead.headcount.current=2"])
    assert sc.reports_per_head("lead") == 2.5
    assert sc.reports_per_head("head") == 2.0


def test_override_by_stage_name_and_yaml_value() -> None:
    sc = parse_scenario(
        BASE,
        "base.yaml",
        ["segments.loan.stages.meet.convert=0.4", "roles.seller.headcount={current: 8, max: 9}"],
    )
    assert sc.segments["loan"].stages[1].convert == 0.4
    assert sc.roles["seller"].headcount.current == 8
    assert sc.roles["seller"].headcount.min == 8


def test_override_syntax_errors() -> None:
    with pytest.raises(ValueError, match="expected path=value"):
        parse_override("policies.call_quota_per_day")
    with pytest.raises(ValueError, match="expected path=value"):
        parse_override("a..b=1")


def test_scenario_is_frozen_and_variants_are_copies() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    with pytest.raises(ValidationError):
        sc.name = "changed"  # type: ignore[misc]
    variant = sc.model_copy(update={"seed": 99})
    assert variant.seed == 99 and sc.seed == 7


def test_constructing_from_python_runs_the_cross_checks() -> None:
    import yaml

    from sim.errors import ScenarioError

    data = yaml.safe_load(BASE)
    data["roles"]["seller"]["reports_to"] = "ghost"
    with pytest.raises(ScenarioError, match="unknown role 'ghost'"):
        Scenario.model_validate(data)


def test_call_quota_per_role() -> None:
    sc = parse_scenario(BASE, "base.yaml", ["roles.lead.selling_share=0.5"])
    assert daily_dials(sc, "seller") == 30
    assert daily_dials(sc, "lead") == 15
    assert daily_dials(sc, "head") == 0
    sc = parse_scenario(BASE, "base.yaml", ["roles.seller.call_quota_per_day=45"])
    assert daily_dials(sc, "seller") == 45


def test_a_managers_quota_respects_the_selling_share() -> None:
    # A lead selling 10 % may dial at most 10 % of max_calls_per_day.
    cap = parse_scenario(BASE, "base.yaml").policies.max_calls_per_day
    too_many = ["roles.lead.selling_share=0.1", f"roles.lead.call_quota_per_day={cap}"]
    with pytest.raises(ScenarioError, match=r"exceeds 0.1 selling share x policies"):
        parse_scenario(BASE, "base.yaml", too_many)


def test_call_quota_above_cap_is_refused() -> None:
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"exceeds policies\.max_calls_per_day"):
        parse_scenario(BASE, "base.yaml", ["roles.seller.call_quota_per_day=61"])


def test_override_exponent_without_dot_is_a_number() -> None:
    assert parse_override("plan.revenue_per_month=1e12").value == 1e12
    assert parse_override("name=1e12 units").value == "1e12 units"
