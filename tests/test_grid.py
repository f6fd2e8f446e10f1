from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from teamsim.grid import grid, parse_axis


def test_integer_range_is_inclusive() -> None:
    assert parse_axis("roles.seller.headcount=8..14:2").values == ("8", "10", "12", "14")
    assert parse_axis("policies.call_quota_per_day=20..23").values == ("20", "21", "22", "23")


def test_float_range_has_no_rounding_noise() -> None:
    assert parse_axis("plan.confidence=0.7..0.9:0.1").values == ("0.7", "0.8", "0.9")


def test_list_and_single_and_yaml_value() -> None:
    assert parse_axis("a.b=x, y,z").values == ("x", "y", "z")
    assert parse_axis("a.b=5").values == ("5",)
    assert parse_axis("a.b={current: 3, max: 5}").values == ("{current: 3, max: 5}",)


def test_grid_is_the_product() -> None:
    axes, points = grid(["a=1..2", "b=x,y,z"])
    assert [a.path for a in axes] == ["a", "b"]
    assert points == [
        ["a=1", "b=x"],
        ["a=1", "b=y"],
        ["a=1", "b=z"],
        ["a=2", "b=x"],
        ["a=2", "b=y"],
        ["a=2", "b=z"],
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a=9..1", "range goes down"),
        ("a=1..5:0", "step must be > 0"),
        ("noequals", "expected path=a..b:step"),
        ("a=0..100000000", "at most"),
    ],
)
def test_bad_axes(text: str, words: str) -> None:
    with pytest.raises(ScenarioError, match=words):
        parse_axis(text)


def test_grid_too_large() -> None:
    with pytest.raises(ScenarioError, match="grid has 1,000,000 points"):
        grid(["a=1..1000", "b=1..1000"])
