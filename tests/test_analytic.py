"""Pinned values for the closed forms in sim.analytic."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analytic import (
    agents_for_service_level,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    expected_funnel,
    expected_outbound_funnel,
    funnel_variance_binomial,
    littles_law_wip,
    mean_wait_given_wait,
    occupancy,
    service_level,
)

# (servers, load in Erlangs); loads are exact binary fractions so Fraction(load) is exact.
STABLE_CASES = [(1, 0.5), (2, 1.0), (3, 2.5), (5, 3.0), (10, 9.5), (14, 10.0), (30, 25.0)]


def textbook_erlang_b(servers: int, load: float) -> Fraction:
    """Erlang B from the direct sum, in exact rational arithmetic."""
    a = Fraction(load)
    terms = [a**k / math.factorial(k) for k in range(servers + 1)]
    return terms[-1] / sum(terms)


def textbook_erlang_c(servers: int, load: float) -> Fraction:
    """Erlang C from the textbook sum, independent of the Erlang B route."""
    a = Fraction(load)
    top = a**servers / math.factorial(servers) * Fraction(servers) / (servers - a)
    below = sum(a**k / math.factorial(k) for k in range(servers))
    return top / (below + top)


# --- small exact cases --------------------------------------------------------------


def test_erlang_b_small_exact_values() -> None:
    assert erlang_b(0, 1.0) == 1.0
    assert erlang_b(1, 1.0) == 0.5
    assert erlang_b(2, 1.0) == 0.2


def test_erlang_c_two_servers_one_erlang_is_one_third() -> None:
    assert textbook_erlang_c(2, 1.0) == Fraction(1, 3)
    # Exactly 1/3 in rationals; in floats 2 * 0.2 / (2 - 0.8) lands one ulp above 1/3.
    assert abs(erlang_c(2, 1.0) - 1 / 3) <= math.ulp(1 / 3)


def test_zero_load_never_waits() -> None:
    assert erlang_b(3, 0.0) == 0.0
    assert erlang_c(3, 0.0) == 0.0
    assert service_level(3, 0.0, 3.0, 0.0) == 1.0


@pytest.mark.parametrize(("servers", "load"), STABLE_CASES)
def test_erlang_b_matches_textbook_sum(servers: int, load: float) -> None:
    assert erlang_b(servers, load) == pytest.approx(float(textbook_erlang_b(servers, load)))


@pytest.mark.parametrize(("servers", "load"), STABLE_CASES)
def test_erlang_c_matches_textbook_sum(servers: int, load: float) -> None:
    expected = float(textbook_erlang_c(servers, load))
    assert erlang_c(servers, load) == pytest.approx(expected, rel=1e-12)


# --- the pyworkforce documentation example ------------------------------------------
# 100 calls per 30-minute interval, AHT 3 min, answer within 20 s, 80 % target:
# A = 100 / 30 * 3 = 10 Erlangs. Worked by hand from the formulas (and the textbook sum):
#   c = 13: C = 0.285270..., SL = 1 - C exp(-3/9)  = 0.795595... < 0.80
#   c = 14: C = 976562500 / 5608175823 = 0.174131..., SL = 1 - C exp(-4/9) = 0.888350...
# so 14 agents, the figure the docs give (with SL 0.88835 and P(wait) 0.17413).

RATE_PER_MIN = 100 / 30
AHT_MIN = 3.0
TARGET_WAIT_MIN = 20 / 60


def test_pyworkforce_example_needs_14_agents() -> None:
    assert agents_for_service_level(RATE_PER_MIN, AHT_MIN, TARGET_WAIT_MIN, 0.8) == 14


def test_pyworkforce_example_values_at_13_and_14_agents() -> None:
    assert textbook_erlang_c(14, 10.0) == Fraction(976562500, 5608175823)
    assert erlang_c(14, 10.0) == pytest.approx(976562500 / 5608175823, rel=1e-12)
    sl_14 = service_level(14, RATE_PER_MIN, AHT_MIN, TARGET_WAIT_MIN)
    sl_13 = service_level(13, RATE_PER_MIN, AHT_MIN, TARGET_WAIT_MIN)
    assert sl_14 == pytest.approx(1 - 976562500 / 5608175823 * math.exp(-4 / 9), rel=1e-12)
    assert sl_14 == pytest.approx(0.8883500191794669, rel=1e-9)
    assert sl_13 == pytest.approx(0.7955947884177831, rel=1e-9)
    assert sl_13 < 0.8 <= sl_14
    assert occupancy(14, 10.0) == pytest.approx(5 / 7)


def test_pyworkforce_example_waiting_times() -> None:
    # ASA = C * AHT / (c - A) = 0.174131... * 3 / 4 min = 7.8359 s.
    asa = average_speed_of_answer(14, RATE_PER_MIN, AHT_MIN)
    assert asa == pytest.approx(976562500 / 5608175823 * 0.75, rel=1e-12)
    assert asa * 60 == pytest.approx(7.835937, abs=1e-6)
    assert mean_wait_given_wait(14, RATE_PER_MIN, AHT_MIN) == pytest.approx(0.75)
    assert asa == pytest.approx(erlang_c(14, 10.0) * 0.75)


def test_agents_for_service_level_is_the_smallest_meeting_the_target() -> None:
    for share in (0.0, 0.5, 0.8, 0.9, 0.99):
        agents = agents_for_service_level(RATE_PER_MIN, AHT_MIN, 10 / 60, share)
        assert agents > 10
        assert service_level(agents, RATE_PER_MIN, AHT_MIN, 10 / 60) >= share
        assert agents == 11 or service_level(agents - 1, RATE_PER_MIN, AHT_MIN, 10 / 60) < share


# --- monotonicity and edge cases ----------------------------------------------------


@pytest.mark.parametrize("load", [0.3, 1.0, 7.5, 10.0, 42.0])
def test_more_servers_never_raise_waiting_or_blocking(load: float) -> None:
    servers = range(max(1, math.floor(load) - 3), math.floor(load) + 40)
    waits = [erlang_c(c, load) for c in servers]
    blocks = [erlang_b(c, load) for c in servers]
    assert all(later <= earlier for earlier, later in pairwise(waits))
    assert all(later <= earlier for earlier, later in pairwise(blocks))


@pytest.mark.parametrize(("servers", "load"), [(5, 5.0), (5, 7.5), (1, 1.0)])
def test_overloaded_system_always_waits(servers: int, load: float) -> None:
    assert erlang_c(servers, load) == 1.0
    assert average_speed_of_answer(servers, load, 1.0) == math.inf
    assert mean_wait_given_wait(servers, load, 1.0) == math.inf
    assert service_level(servers, load, 1.0, 1.0) == 0.0
    assert occupancy(servers, load) == 1.0


def test_large_team_is_numerically_stable() -> None:
    # The direct sum overflows floats here (950**1000); the recurrence must not.
    wait = erlang_c(1000, 950.0)
    assert 0.0 < wait < 1.0
    assert math.isfinite(average_speed_of_answer(1000, 950.0, 1.0))


def test_littles_law() -> None:
    assert littles_law_wip(2.0, 3.0) == 6.0
    assert littles_law_wip(0.0, 3.0) == 0.0


# --- funnels ------------------------------------------------------------------------


def test_expected_funnel_hand_computed() -> None:
    # 1000 * 0.06 = 60; 60 * 0.58 = 34.8; 34.8 * 0.5 = 17.4
    assert expected_funnel(1000, [0.06, 0.58, 0.5]) == pytest.approx([1000, 60, 34.8, 17.4])
    assert expected_funnel(7.0, []) == [7.0]


def test_expected_outbound_funnel_hand_computed() -> None:
    funnel = expected_outbound_funnel(1000, 0.06, 0.5, 0.5, [0.5, 0.2])
    assert list(funnel) == [
        "dials",
        "connects",
        "conversations",
        "leads",
        "stage_1",
        "stage_2",
        "won",
    ]
    # 1000 -> 60 -> 30 -> 15 leads = stage 1 entries -> 7.5 in stage 2 -> 1.5 won
    expected = [1000, 60, 30, 15, 15, 7.5, 1.5]
    assert list(funnel.values()) == pytest.approx(expected)


def test_expected_outbound_funnel_without_stages_wins_every_lead() -> None:
    funnel = expected_outbound_funnel(100, 0.5, 0.5, 0.5, [])
    assert funnel == pytest.approx(
        {"dials": 100, "connects": 50, "conversations": 25, "leads": 12.5, "won": 12.5}
    )


def test_funnel_variance_binomial_hand_computed() -> None:
    # cumulative shares 1, 0.5, 0.2 -> 100*1*0 = 0, 100*0.5*0.5 = 25, 100*0.2*0.8 = 16
    assert funnel_variance_binomial(100, [0.5, 0.4]) == pytest.approx([0, 25, 16])
    assert funnel_variance_binomial(10, [1.0, 0.0]) == pytest.approx([0, 0, 0])


# --- input errors name the parameter and its unit -----------------------------------

BAD_CALLS: list[tuple[Any, tuple[Any, ...], str]] = [
    (erlang_b, (-1, 1.0), "servers must be >= 0 agents, got -1"),
    (erlang_c, (0, 1.0), "servers must be >= 1 agents, got 0"),
    (erlang_c, (2.5, 1.0), "servers must be a whole number of agents"),
    (erlang_c, (2, -1.0), "load_erlangs must be >= 0 Erlangs, got -1.0"),
    (erlang_b, (2, math.nan), "load_erlangs must be >= 0 Erlangs, got nan"),
    (service_level, (2, -1, 3, 0.3), "arrival_rate_per_min must be >= 0 arrivals per minute"),
    (service_level, (2, 1, -2, 0.3), "mean_handle_min must be > 0 minutes, got -2"),
    (service_level, (2, 1, 0, 0.3), "mean_handle_min must be > 0 minutes, got 0"),
    (service_level, (2, 1, 3, -0.1), "target_wait_min must be >= 0 minutes, got -0.1"),
    (average_speed_of_answer, (2, 1, math.inf), "mean_handle_min must be > 0 minutes"),
    (agents_for_service_level, (1, 3, 0.3, 1.0), "target_share must be a share in"),
    (littles_law_wip, (-1, 2), "arrival_rate must be >= 0"),
    (expected_funnel, (-5, [0.5]), "entries must be >= 0"),
    (expected_funnel, (10, [0.5, 1.5]), r"conversions\[1\] must be a share between 0 and 1"),
    (funnel_variance_binomial, (10.5, [0.5]), "entries must be a whole number"),
    (expected_outbound_funnel, (10, 1.2, 0.5, 0.5, []), "connect_rate must be a share"),
    (expected_outbound_funnel, (10, 0.1, 0.5, 0.5, [-0.1]), r"stage_conversions\[0\]"),
]


@pytest.mark.parametrize(("function", "args", "message"), BAD_CALLS)
def test_bad_input_raises_naming_the_parameter(
    function: Any, args: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        function(*args)


# --- properties ---------------------------------------------------------------------

servers_st = st.integers(min_value=1, max_value=300)
load_st = st.floats(min_value=0.0, max_value=400.0, allow_nan=False)


@given(servers=servers_st, load=load_st)
def test_erlang_c_is_a_probability_at_least_erlang_b(servers: int, load: float) -> None:
    wait = erlang_c(servers, load)
    assert 0.0 <= wait <= 1.0
    assert 0.0 <= erlang_b(servers, load) <= wait


@given(servers=servers_st, load=load_st, target=st.floats(min_value=0.0, max_value=5.0))
def test_service_level_is_a_probability(servers: int, load: float, target: float) -> None:
    assert 0.0 <= service_level(servers, load, 1.0, target) <= 1.0
