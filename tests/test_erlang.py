"""Pinned values, limits and hand-computed cases for the closed forms in sim.erlang.

Sources of the pinned values:
- docs/dev/inbound_plan.md section 4: Erlang A, its service level and M/M/c/K, each checked
  there against 1-2 million simulated requests (FCFS, exponential patience);
- docs/dev/inbound_plan.md section 8.2: the theory column of the validation desks;
- docs/dev/inbound_plan.md section 1.7: the issue's desk (25 agents, 20 Erlangs, AHT 3 min);
- pyworkforce's README example (100 requests in 30 minutes, AHT 3 min, 14 positions, 20 s);
- independent forms computed here: Palm's A(x, y) through scipy's incomplete gamma
  (Garnett, Mandelbaum & Reiman 2002), the service level through scipy's incomplete beta,
  the M/M/1+M chain with theta = mu (an M/M/infinity count) and M/M/1/K by hand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from sim import analytic
from sim.erlang import (
    QueueMeasures,
    agents_for_targets,
    erlang_a,
    mmck,
    service_levels_upto,
)

TWENTY_S = 1 / 3  # minutes


def _fields(m: QueueMeasures) -> dict[str, float]:
    return dict(m.__dict__)


# --- pinned values from the design ---------------------------------------------------


@pytest.mark.parametrize(
    ("servers", "load", "handle", "patience", "p_wait", "p_abandon", "level"),
    [
        # design section 4, "checked for this design" (simulated 0.14562, 0.01990, 0.93979 ...)
        (25, 20.0, 3.0, 2.0, 0.14572, 0.02004, 0.93947),
        (25, 25.0, 3.0, 2.0, 0.47920, 0.08749, 0.72974),
        (12, 8.0, 6.0, 3.0, 0.10052, 0.02286, 0.92691),
    ],
)
def test_erlang_a_matches_the_designs_checked_values(
    servers: int,
    load: float,
    handle: float,
    patience: float,
    p_wait: float,
    p_abandon: float,
    level: float,
) -> None:
    m = erlang_a(servers, load / handle, handle, patience, TWENTY_S)
    assert m.p_wait == pytest.approx(p_wait, abs=5e-6)
    assert m.p_abandon == pytest.approx(p_abandon, abs=5e-6)
    assert m.service_level == pytest.approx(level, abs=5e-6)
    assert m.p_block == 0.0


def test_erlang_a_at_full_load_abandonment_within_target_and_answered_speed() -> None:
    # Design section 4: c 25, A 25, patience 2 min, t 20 s: P(Ab within t) 0.05606
    # (simulated 0.05646), ASA of the answered 0.16248 min (simulated 0.16132).
    m = erlang_a(25, 25 / 3, 3.0, 2.0, TWENTY_S)
    assert m.p_abandon_within == pytest.approx(0.05606, abs=5e-6)
    assert m.asa_answered_min == pytest.approx(0.16248, abs=5e-6)
    # Stable at A = c (abandonment drains the queue); busy share = answered load / c.
    assert m.occupancy == pytest.approx(25 * (1 - m.p_abandon) / 25, rel=1e-12)


@pytest.mark.parametrize(
    ("load", "p_abandon", "level", "p_wait", "asa_s"),
    [
        (18.0, 0.0499, 0.8465, 0.349, 5.5),
        (20.0, 0.0888, 0.7215, 0.530, 10.1),
        (22.0, 0.1366, 0.5720, 0.694, 16.0),
    ],
)
def test_erlang_a_validation_desk_of_section_8_2(
    load: float, p_abandon: float, level: float, p_wait: float, asa_s: float
) -> None:
    # c 20, AHT 2 min, patience exp. 2 min, 20 s.
    m = erlang_a(20, load / 2, 2.0, 2.0, TWENTY_S)
    assert m.p_abandon == pytest.approx(p_abandon, abs=5e-5)
    assert m.service_level == pytest.approx(level, abs=5e-5)
    assert m.p_wait == pytest.approx(p_wait, abs=5e-4)
    assert m.asa_answered_min * 60 == pytest.approx(asa_s, abs=0.05)


@pytest.mark.parametrize(
    ("rho", "p_wait", "level", "asa_s"),
    [(0.6, 0.0241, 0.9936, 0.36), (0.8, 0.2561, 0.8685, 7.68), (0.9, 0.5508, 0.6054, 33.05)],
)
def test_erlang_c_validation_desk_of_section_8_2(
    rho: float, p_wait: float, level: float, asa_s: float
) -> None:
    # c 20, AHT 2 min, 20 s; infinite patience is Erlang C.
    m = erlang_a(20, 20 * rho / 2, 2.0, math.inf, TWENTY_S)
    assert m.p_wait == pytest.approx(p_wait, abs=5e-5)
    assert m.service_level == pytest.approx(level, abs=5e-5)
    assert m.asa_answered_min * 60 == pytest.approx(asa_s, abs=0.005)
    assert m.mean_wait_min == m.asa_answered_min
    assert m.occupancy == pytest.approx(rho)


def test_the_issues_desk_is_erlang_c() -> None:
    # Design section 1.7: 25 agents, 20 Erlangs, AHT 3 min: P(wait) 0.2091, SL(20 s)
    # 0.8800, ASA 0.1255 min (7.5 s).
    m = erlang_a(25, 20 / 3, 3.0, math.inf, TWENTY_S)
    assert m.p_wait == pytest.approx(0.2091, abs=5e-5)
    assert m.service_level == pytest.approx(0.8800, abs=5e-5)
    assert m.asa_answered_min == pytest.approx(0.1255, abs=5e-5)


def test_pyworkforce_readme_example() -> None:
    # pyworkforce README: ErlangC(transactions=100, aht=3, interval=30, asa=20/60):
    # 14 positions give service level 0.8883500191794669, waiting probability
    # 0.1741319335950498 (10 Erlangs).
    m = erlang_a(14, 100 / 30, 3.0, math.inf, TWENTY_S)
    assert m.service_level == pytest.approx(0.8883500191794669, rel=1e-13)
    assert m.p_wait == pytest.approx(0.1741319335950498, rel=1e-13)
    assert service_levels_upto(14, 10.0, 3.0, TWENTY_S)[14] == pytest.approx(
        0.8883500191794669, rel=1e-13
    )


def test_mmck_matches_the_designs_checked_values() -> None:
    # Design section 4: c 25, A 20, K 30: blocking 0.01450 (simulated 0.01458), P(wait |
    # admitted) 0.15093 (0.15021), SL admitted 0.94346 (0.94368); K 25: 0.05022 = Erlang B.
    m = mmck(25, 20 / 3, 3.0, TWENTY_S, 30)
    assert m.p_block == pytest.approx(0.01450, abs=5e-6)
    assert m.p_wait == pytest.approx(0.15093, abs=5e-6)
    assert m.service_level == pytest.approx(0.94346, abs=5e-6)
    assert mmck(25, 20 / 3, 3.0, TWENTY_S, 25).p_block == pytest.approx(0.05022, abs=5e-6)
    # Section 8.2: c 20, lines 25, A 18, AHT 2: blocking 0.04598, P(wait | admitted)
    # 0.334, SL admitted 0.888.
    m = mmck(20, 9.0, 2.0, TWENTY_S, 25)
    assert m.p_block == pytest.approx(0.04598, abs=5e-6)
    assert m.p_wait == pytest.approx(0.334, abs=5e-4)
    assert m.service_level == pytest.approx(0.888, abs=5e-4)


@pytest.mark.parametrize(("load", "blocking"), [(14.0, 0.03004), (18.0, 0.10921), (22.0, 0.20905)])
def test_erlang_b_of_section_8_2_is_mmck_with_no_room(load: float, blocking: float) -> None:
    assert analytic.erlang_b(20, load) == pytest.approx(blocking, abs=5e-6)
    m = mmck(20, load / 2, 2.0, TWENTY_S, 20)
    assert m.p_block == pytest.approx(analytic.erlang_b(20, load), rel=1e-12)
    # Nobody waits when there is nowhere to wait.
    assert (m.p_wait, m.mean_wait_min) == (0.0, 0.0)
    assert m.service_level == pytest.approx(1.0, rel=1e-15)


# --- independent closed forms ----------------------------------------------------------


def _palm(servers: int, load: float, handle: float, patience: float) -> tuple[float, float]:
    """P(W > 0) and P(Ab) from Palm's A(x, y) = x e^y y^-x gamma(x, y) (Garnett et al. 2002)."""
    mu, theta = 1 / handle, 1 / patience
    lam = load * mu
    x, y, rho = servers * mu / theta, lam / theta, lam / (servers * mu)
    big_a = math.exp(
        math.log(x) + y - x * math.log(y) + special.gammaln(x) + math.log(special.gammainc(x, y))
    )
    e = analytic.erlang_b(servers, load)
    p_wait = big_a * e / (1 + (big_a - 1) * e)
    return p_wait, p_wait * (1 / (rho * big_a) + 1 - 1 / rho)


def _series(x: float, y: float, terms: int = 2000) -> float:
    total, term = 1.0, 1.0
    for j in range(1, terms):
        term *= y / (x + j)
        total += term
    return total


CASES_A = [(25, 20.0, 3.0, 2.0), (25, 25.0, 3.0, 2.0), (12, 8.0, 6.0, 3.0), (5, 7.0, 4.0, 1.0)]


@pytest.mark.parametrize(("servers", "load", "handle", "patience"), CASES_A)
def test_erlang_a_agrees_with_palms_closed_form(
    servers: int, load: float, handle: float, patience: float
) -> None:
    x, y = servers * patience / handle, load * patience / handle
    closed = x * math.exp(y) * y**-x * special.gamma(x) * special.gammainc(x, y)
    assert _series(x, y) == pytest.approx(closed, rel=1e-10)
    p_wait, p_abandon = _palm(servers, load, handle, patience)
    m = erlang_a(servers, load / handle, handle, patience, TWENTY_S)
    assert m.p_wait == pytest.approx(p_wait, rel=1e-10)
    assert m.p_abandon == pytest.approx(p_abandon, rel=1e-10)
    # theta E[Q] = lambda P(Ab): the mean wait of the admitted is P(Ab) x mean patience.
    assert m.mean_wait_min == pytest.approx(p_abandon * patience, rel=1e-10)


@pytest.mark.parametrize(("servers", "load", "handle", "patience"), CASES_A)
@pytest.mark.parametrize("target", [0.0, TWENTY_S, 2.0])
def test_erlang_a_service_level_agrees_with_the_incomplete_beta(
    servers: int, load: float, handle: float, patience: float, target: float
) -> None:
    # pi by direct products (no logs), then P(answered within t | k) =
    # x/(x+k+1) (1 - I_u(x+1, k+1)) and P(Ab within t | k) = 1 - that - u I_u(x, k+1).
    mu, theta = 1 / handle, 1 / patience
    lam, x, u = load * mu, servers * mu / theta, math.exp(-target / patience)
    pi = [1.0]
    for j in range(1, servers + 400):
        pi.append(pi[-1] * lam / (min(j, servers) * mu + max(j - servers, 0) * theta))
    norm = sum(pi)
    level, gone = sum(pi[:servers]) / norm, 0.0
    for k, weight in enumerate(pi[servers:]):
        answered = x / (x + k + 1) * special.betaincc(x + 1, k + 1, u)
        level += weight / norm * answered
        gone += weight / norm * (1 - answered - u * special.betainc(x, k + 1, u))
    m = erlang_a(servers, lam, handle, patience, target)
    assert m.service_level == pytest.approx(level, rel=1e-10)
    assert m.p_abandon_within == pytest.approx(gone, rel=1e-9, abs=1e-15)


# --- limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(("servers", "load"), [(25, 20.0), (14, 10.0), (3, 2.5), (1, 0.5)])
def test_patience_to_infinity_tends_to_erlang_c(servers: int, load: float) -> None:
    rate, handle = load / 3, 3.0
    m = erlang_a(servers, rate, handle, 1e12, TWENTY_S)  # theta = 1e-12 a minute
    assert m.p_wait == pytest.approx(analytic.erlang_c(servers, load), abs=1e-9)
    assert m.service_level == pytest.approx(
        analytic.service_level(servers, rate, handle, TWENTY_S), abs=1e-9
    )
    assert m.asa_answered_min == pytest.approx(
        analytic.average_speed_of_answer(servers, rate, handle), abs=1e-9
    )
    assert m.p_abandon < 1e-9
    # math.inf is Erlang C itself, from sim.analytic's formulas.
    c = erlang_a(servers, rate, handle, math.inf, TWENTY_S)
    assert c.p_wait == analytic.erlang_c(servers, load)
    assert c.service_level == analytic.service_level(servers, rate, handle, TWENTY_S)


@pytest.mark.parametrize(
    ("servers", "load"), [(1, 0.5), (2, 1.7), (25, 0.5), (25, 20.0), (20, 31.0)]
)
def test_room_for_nobody_is_erlang_b(servers: int, load: float) -> None:
    m = mmck(servers, load / 2, 2.0, TWENTY_S, servers)
    assert m.p_block == pytest.approx(analytic.erlang_b(servers, load), rel=1e-12)
    assert m.occupancy == pytest.approx(load * (1 - m.p_block) / servers, rel=1e-12)
    with_patience = erlang_a(servers, load / 2, 2.0, 1.0, TWENTY_S, waiting_room=0)
    assert with_patience.p_block == pytest.approx(m.p_block, rel=1e-12)


@pytest.mark.parametrize(("servers", "load"), [(1, 0.5), (25, 20.0), (20, 18.0)])
def test_an_endless_waiting_room_tends_to_erlang_c(servers: int, load: float) -> None:
    rate = load / 2
    m = mmck(servers, rate, 2.0, TWENTY_S, servers + 5000)
    assert m.p_block < 1e-15
    assert m.p_wait == pytest.approx(analytic.erlang_c(servers, load), abs=1e-12)
    assert m.service_level == pytest.approx(
        analytic.service_level(servers, rate, 2.0, TWENTY_S), abs=1e-12
    )
    assert m.mean_wait_min == pytest.approx(
        analytic.average_speed_of_answer(servers, rate, 2.0), rel=1e-10
    )


@pytest.mark.parametrize(("servers", "load"), [(25, 25.0), (20, 22.0), (3, 6.0)])
def test_a_waiting_room_with_patience_tends_to_erlang_a(servers: int, load: float) -> None:
    open_desk = erlang_a(servers, load / 2, 2.0, 2.0, TWENTY_S)
    roomy = erlang_a(servers, load / 2, 2.0, 2.0, TWENTY_S, waiting_room=3000)
    for name, value in _fields(open_desk).items():
        assert getattr(roomy, name) == pytest.approx(value, rel=1e-9, abs=1e-15), name
    # and with a small room and patience of 10^12 minutes it is M/M/c/K.
    small = erlang_a(servers, load / 2, 2.0, 1e12, TWENTY_S, waiting_room=5)
    plain = mmck(servers, load / 2, 2.0, TWENTY_S, servers + 5)
    for name, value in _fields(plain).items():
        assert getattr(small, name) == pytest.approx(value, rel=1e-9, abs=1e-9), name


def test_target_zero_and_target_far() -> None:
    m = erlang_a(25, 25 / 3, 3.0, 2.0, 0.0)
    assert m.service_level == pytest.approx(1 - m.p_wait, rel=1e-14)
    assert m.p_abandon_within == 0.0
    far = erlang_a(25, 25 / 3, 3.0, 2.0, 1e4)
    assert far.service_level == pytest.approx(1 - far.p_abandon, rel=1e-12)
    assert far.p_abandon_within == pytest.approx(far.p_abandon, rel=1e-12)


def test_no_requests_no_wait() -> None:
    m = erlang_a(3, 0.0, 2.0, 1.0, TWENTY_S, waiting_room=2)
    assert m == QueueMeasures(
        p_wait=0.0,
        p_abandon=0.0,
        p_abandon_within=0.0,
        p_block=0.0,
        service_level=1.0,
        asa_answered_min=0.0,
        mean_wait_min=0.0,
        occupancy=0.0,
    )


def test_overloaded_erlang_c_never_empties() -> None:
    m = erlang_a(10, 6.0, 2.0, math.inf, TWENTY_S)  # A = 12 > 10
    assert (m.p_wait, m.service_level, m.asa_answered_min, m.occupancy) == (1.0, 0.0, math.inf, 1.0)
    # The same desk stays finite with patience or a room.
    assert 0.0 < erlang_a(10, 6.0, 2.0, 2.0, TWENTY_S).service_level < 1.0
    assert 0.0 < mmck(10, 6.0, 2.0, TWENTY_S, 15).p_block < 1.0


# --- hand-computed small cases ------------------------------------------------------------


@pytest.mark.parametrize("y", [0.3, 1.0, 2.5])
def test_one_agent_whose_callers_are_as_patient_as_calls_are_long(y: float) -> None:
    # M/M/1+M with mu = theta = 1 a minute: with n in the system requests leave at rate
    # 1 + (n - 1) = n, so n is Poisson(y) as in M/M/infinity, y = lambda. Hence
    # P(W > 0) = P(n >= 1) = 1 - e^-y, P(Ab) = theta E[(n-1)+] / lambda = (y - 1 + e^-y) / y,
    # and the occupancy P(n >= 1).
    m = erlang_a(1, y, 1.0, 1.0, TWENTY_S)
    assert m.p_wait == pytest.approx(-math.expm1(-y), rel=1e-12)
    assert m.p_abandon == pytest.approx((y - 1 + math.exp(-y)) / y, rel=1e-12)
    assert m.occupancy == pytest.approx(-math.expm1(-y), rel=1e-12)


@pytest.mark.parametrize("t", [0.0, TWENTY_S, 2.0])
def test_one_agent_one_waiting_place_patient_as_calls_are_long(t: float) -> None:
    # M/M/1/2+M, mu = theta = 1, lambda = 1: pi = (1, 1, 1/2) / 2.5; an admitted request
    # finds the agent idle (pi_0) or busy with nobody waiting (pi_1). Then it is answered
    # within t iff the call in hand S ends before t and before its patience:
    # P(S < min(t, patience)) = (1 - e^{-2t}) / 2, and abandons first with P = 1/2,
    # within t with (1 - e^{-2t}) / 2 too.
    m = erlang_a(1, 1.0, 1.0, 1.0, t, waiting_room=1)
    p0, p1, p2 = 1 / 2.5, 1 / 2.5, 0.5 / 2.5
    race = -math.expm1(-2 * t) / 2
    assert m.p_block == pytest.approx(p2, rel=1e-14)
    assert m.p_wait == pytest.approx(p1 / (1 - p2), rel=1e-14)
    assert m.service_level == pytest.approx((p0 + p1 * race) / (1 - p2), rel=1e-13)
    assert m.p_abandon == pytest.approx(p1 / 2 / (1 - p2), rel=1e-14)
    assert m.p_abandon_within == pytest.approx(p1 * race / (1 - p2), rel=1e-12, abs=1e-16)
    # Answered after E[S | S < patience] = 1/2; the admitted wait E[min(S, patience)] = 1/2.
    assert m.asa_answered_min == pytest.approx(p1 / 2 * 0.5 / (p0 + p1 / 2), rel=1e-14)
    assert m.mean_wait_min == pytest.approx(p1 * 0.5 / (1 - p2), rel=1e-14)
    assert m.occupancy == pytest.approx(p1 + p2, rel=1e-14)


def test_one_agent_m_m_1() -> None:
    # M/M/1: P(wait) = rho, SL = 1 - rho e^{-(mu - lambda) t}, ASA = rho / (mu - lambda).
    m = erlang_a(1, 0.5, 1.0, math.inf, 2.0)
    assert m.p_wait == pytest.approx(0.5, rel=1e-15)
    assert m.service_level == pytest.approx(1 - 0.5 * math.exp(-1.0), rel=1e-15)
    assert m.asa_answered_min == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize(
    ("rho", "capacity", "blocking"),
    [
        (0.5, 3, Fraction(1, 15)),
        (2.0, 3, Fraction(8, 15)),
        (1.0, 3, Fraction(1, 4)),
        (0.75, 1, Fraction(3, 7)),
    ],
)
def test_m_m_1_k_blocking_by_hand(rho: float, capacity: int, blocking: Fraction) -> None:
    # (1 - rho) rho^K / (1 - rho^{K+1}); 1 / (K + 1) at rho = 1.
    if rho != 1.0:
        r = Fraction(rho)
        assert (1 - r) * r**capacity / (1 - r ** (capacity + 1)) == blocking
    assert mmck(1, rho, 1.0, TWENTY_S, capacity).p_block == pytest.approx(
        float(blocking), rel=1e-14
    )


def test_m_m_1_3_waits_by_hand() -> None:
    # rho 1/2, K 3: pi = (8, 4, 2, 1) / 15. Admitted (14/15) find the agent busy with
    # pi_1 + pi_2 = 6/15: P(wait) 3/7; they wait 1 and 2 handling times: (4 + 2 x 2)/14.
    m = mmck(1, 0.5, 1.0, TWENTY_S, 3)
    assert m.p_wait == pytest.approx(3 / 7, rel=1e-14)
    assert m.mean_wait_min == pytest.approx(4 / 7, rel=1e-14)
    # Answered within t with one ahead: P(Exp(1) <= t); with two: P(Gamma(2, 1) <= t).
    t = TWENTY_S
    within = 8 / 14 + 4 / 14 * (1 - math.exp(-t)) + 2 / 14 * (1 - math.exp(-t) * (1 + t))
    assert m.service_level == pytest.approx(within, rel=1e-13)
    assert m.occupancy == pytest.approx(7 / 15, rel=1e-14)


# --- the every-c table -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "handle", "target"),
    [(8.0, 6.0, TWENTY_S), (20.0, 3.0, 0.0), (0.0, 2.0, 1.0), (1.5, 1.0, 5.0)],
)
def test_service_levels_upto_is_analytic_bit_for_bit(
    load: float, handle: float, target: float
) -> None:
    table = service_levels_upto(60, load, handle, target)
    assert table.shape == (61,)
    for c in range(1, 61):
        want = analytic.service_level(c, load / handle, handle, target) if c > load else 0.0
        assert table[c] == want, c
    assert table[0] == 0.0
    assert service_levels_upto(0, 3.0, 2.0, TWENTY_S).tolist() == [0.0]


def test_thousands_of_agents_do_not_overflow() -> None:
    # c 2,000 at 1,900 Erlangs: A^c / c! alone would be ~ 10^2400.
    for m in (
        erlang_a(2000, 1900 / 3, 3.0, 2.0, TWENTY_S),
        erlang_a(2000, 1900 / 3, 3.0, math.inf, TWENTY_S),
        mmck(2000, 1900 / 3, 3.0, TWENTY_S, 2100),
        erlang_a(1800, 1900 / 3, 3.0, 2.0, TWENTY_S, waiting_room=50),
    ):
        values = np.array(list(_fields(m).values()))
        assert np.isfinite(values).all()
        assert 0.0 < m.p_wait < 1.0 and 0.0 < m.service_level <= 1.0
    table = service_levels_upto(2000, 1900.0, 3.0, TWENTY_S)
    assert table[2000] == analytic.service_level(2000, 1900 / 3, 3.0, TWENTY_S)


# --- sizing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "handle", "target", "share"),
    [(10 / 3, 3.0, TWENTY_S, 0.8), (8 / 6, 6.0, TWENTY_S, 0.8), (600.0, 0.5, 0.0, 0.5)],
)
def test_agents_for_targets_is_erlang_c_without_patience(
    rate: float, handle: float, target: float, share: float
) -> None:
    want = analytic.agents_for_service_level(rate, handle, target, share)
    assert agents_for_targets(rate, handle, target, share) == want


def test_agents_for_targets_is_the_least_desk_meeting_every_target() -> None:
    # c 20-ish, AHT 2, patience 2, 20 Erlangs: 80 % in 20 s.
    c = agents_for_targets(10.0, 2.0, TWENTY_S, 0.8, mean_patience_min=2.0)
    assert c == 22
    assert erlang_a(c, 10.0, 2.0, 2.0, TWENTY_S).service_level >= 0.8
    assert erlang_a(c - 1, 10.0, 2.0, 2.0, TWENTY_S).service_level < 0.8
    # Patience lets fewer agents meet the target than Erlang C (abandoners shorten the queue).
    assert c < analytic.agents_for_service_level(10.0, 2.0, TWENTY_S, 0.8)
    # An abandonment ceiling can bind instead: at most 1 % hanging up.
    strict = agents_for_targets(10.0, 2.0, TWENTY_S, 0.8, mean_patience_min=2.0, abandon_max=0.01)
    assert erlang_a(strict, 10.0, 2.0, 2.0, TWENTY_S).p_abandon <= 0.01
    assert erlang_a(strict - 1, 10.0, 2.0, 2.0, TWENTY_S).p_abandon > 0.01
    # And a blocking ceiling with a waiting room of 2 places.
    lines = agents_for_targets(10.0, 2.0, TWENTY_S, 0.5, waiting_room=2, block_max=0.001)
    assert erlang_a(lines, 10.0, 2.0, math.inf, TWENTY_S, waiting_room=2).p_block <= 0.001
    assert erlang_a(lines - 1, 10.0, 2.0, math.inf, TWENTY_S, waiting_room=2).p_block > 0.001


# --- monotone in the agents and the target ------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    servers=st.integers(1, 40),
    load=st.floats(0.1, 45.0),
    patience=st.one_of(st.just(math.inf), st.floats(0.2, 20.0)),
    room=st.one_of(st.none(), st.integers(0, 30)),
    target=st.floats(0.0, 3.0),
)
def test_more_agents_never_hurt_and_shares_are_shares(
    servers: int, load: float, patience: float, room: int | None, target: float
) -> None:
    if patience == math.inf and room is None and load >= servers:
        return  # unstable Erlang C: tested above
    m = erlang_a(servers, load / 2, 2.0, patience, target, waiting_room=room)
    more = erlang_a(servers + 1, load / 2, 2.0, patience, target, waiting_room=room)
    later = erlang_a(servers, load / 2, 2.0, patience, target + 0.5, waiting_room=room)
    for x in (m, more, later):
        for name in (
            "p_wait",
            "p_abandon",
            "p_abandon_within",
            "p_block",
            "service_level",
            "occupancy",
        ):
            assert -1e-15 <= getattr(x, name) <= 1.0 + 1e-12, name
        assert x.p_abandon_within <= x.p_abandon + 1e-12
        assert x.service_level <= 1.0 - x.p_abandon + 1e-12
    assert more.service_level >= m.service_level - 1e-12
    assert more.p_abandon <= m.p_abandon + 1e-12
    assert more.p_block <= m.p_block + 1e-12
    assert later.service_level >= m.service_level - 1e-12


# --- arguments out of range -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: erlang_a(0, 1.0, 2.0, 1.0, TWENTY_S), "servers must be >= 1 agents"),
        (
            lambda: erlang_a(2, -1.0, 2.0, 1.0, TWENTY_S),
            "arrival_rate_per_min must be >= 0 arrivals per minute",
        ),
        (lambda: erlang_a(2, 1.0, 0.0, 1.0, TWENTY_S), "mean_handle_min must be > 0 minutes"),
        (lambda: erlang_a(2, 1.0, 2.0, 0.0, TWENTY_S), "mean_patience_min must be > 0 minutes"),
        (
            lambda: erlang_a(2, 1.0, 2.0, float("nan"), TWENTY_S),
            "mean_patience_min must be > 0 minutes",
        ),
        (lambda: erlang_a(2, 1.0, 2.0, 1.0, -1.0), "target_wait_min must be >= 0 minutes"),
        (
            lambda: erlang_a(2, 1.0, 2.0, 1.0, TWENTY_S, waiting_room=-1),
            "waiting_room must be a whole number >= 0 places",
        ),
        (
            lambda: mmck(3, 1.0, 2.0, TWENTY_S, 2),
            "capacity must be a whole number >= 3 requests in the system",
        ),
        (
            lambda: service_levels_upto(-1, 1.0, 2.0, TWENTY_S),
            "most must be a whole number >= 0 agents",
        ),
        (
            lambda: service_levels_upto(3, 1.0, 2.0, math.inf),
            "target_wait_min must be >= 0 minutes",
        ),
        (
            lambda: agents_for_targets(1.0, 2.0, TWENTY_S, 1.0),
            "service_level_target must be a share in [0, 1)",
        ),
        (
            lambda: agents_for_targets(1.0, 2.0, TWENTY_S, 0.8, abandon_max=0.0),
            "abandon_max must be a share in (0, 1]",
        ),
    ],
)
def test_arguments_out_of_range_name_the_parameter_and_unit(call: object, words: str) -> None:
    assert callable(call)
    with pytest.raises(
        ValueError, match=words.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        call()
