"""Closed forms of a desk beyond Erlang B and C: abandonment, a waiting room, every c at once.

Erlang B (M/M/c/c) and Erlang C (M/M/c) stay in :mod:`sim.analytic`; this module builds on
them and adds Erlang A (M/M/c+M: exponential patience; Palm 1943), M/M/c/K (a limit of K
requests in the system, the agents' seats included) and both at once (M/M/c/K+M), all from
one birth-death core, plus the two tables the sizing rule reads (``service_levels_upto``,
``agents_for_targets``). The derivations are in ``docs/dev/inbound_plan.md``, section 4.

Notation: c agents, arrivals lambda a minute, mean handling h = 1/mu minutes, A = lambda h
Erlangs, mean patience 1/theta minutes, answer target t minutes, K the most requests in the
system. Time is in minutes, as inside the simulator.

References:
    A. K. Erlang (1917), "Solution of some problems in the theory of probabilities of
    significance in automatic telephone exchanges" (Erlang B and C).
    C. Palm (1943), "Intensitatsschwankungen im Fernsprechverkehr", Ericsson Technics 44
    (Erlang A).
    O. Garnett, A. Mandelbaum, M. Reiman (2002), "Designing a call center with impatient
    customers", Manufacturing & Service Operations Management 4(3):208-227.
    A. Mandelbaum, S. Zeltyn (2004-2009), "The M/M/n+G queue: summary of performance
    measures", Technion.
    L. Kleinrock (1975), Queueing Systems, vol. 1, ch. 3; D. Gross, C. M. Harris,
    Fundamentals of Queueing Theory, the M/M/c and M/M/c/K sections.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.analytic import (
    _answered_within,
    _check_non_negative,
    _check_positive,
    _check_servers,
    _erlang_b_step,
    _erlang_c_from_b,
    _load,
    average_speed_of_answer,
    erlang_c,
    service_level,
)

__all__ = [
    "QueueMeasures",
    "agents_for_targets",
    "erlang_a",
    "mmck",
    "service_levels_upto",
]

# The stationary tail is cut where what is left is below e^-40 (~4e-18) of the largest term.
_NATS = 40.0
_CHUNK = 1024
MAX_AGENTS = 100_000


@dataclass(frozen=True)
class QueueMeasures:
    """Steady-state measures of one desk; shares of admitted requests unless said otherwise.

    A request is admitted unless it finds the system full (``p_block``); with no limit on
    the system every request is admitted, and the shares are of every request offered.
    """

    p_wait: float  # share that finds every agent busy
    p_abandon: float  # share that hangs up before an agent takes it
    p_abandon_within: float  # share that hangs up within the answer target
    p_block: float  # share of offered requests that find the system full (K reached)
    service_level: float  # share answered within the target (abandoners count as not)
    asa_answered_min: float  # mean wait of the answered requests, minutes
    mean_wait_min: float  # mean wait of every admitted request (abandoners until they go)
    occupancy: float  # time-average share of agents busy


# No requests: nobody waits.
_IDLE = QueueMeasures(
    p_wait=0.0,
    p_abandon=0.0,
    p_abandon_within=0.0,
    p_block=0.0,
    service_level=1.0,
    asa_answered_min=0.0,
    mean_wait_min=0.0,
    occupancy=0.0,
)
# Erlang C with A >= c: the queue grows without end.
_OVERLOADED = QueueMeasures(
    p_wait=1.0,
    p_abandon=0.0,
    p_abandon_within=0.0,
    p_block=0.0,
    service_level=0.0,
    asa_answered_min=math.inf,
    mean_wait_min=math.inf,
    occupancy=1.0,
)


def _check_whole(name: str, value: int, minimum: int, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum} {unit}, got {value!r}")


def _check_patience(mean_patience_min: float) -> float:
    """Theta (abandonments a minute per waiting request) of a mean patience; inf gives 0."""
    if mean_patience_min == math.inf:
        return 0.0
    _check_positive("mean_patience_min", mean_patience_min, "minutes (math.inf: no abandonment)")
    return 1.0 / mean_patience_min


def _log_weights(
    servers: int, lam: float, mu: float, *, theta: float, capacity: int | None
) -> tuple[np.ndarray, bool]:
    """Unnormalised log pi_j of the birth-death chain, j = 0..J, and whether J = capacity.

    Birth rate lambda; death rate j mu for j <= c and c mu + (j - c) theta above. Log-space
    cumulative sums, so no factorial overflows for thousands of agents. Without a capacity
    the tail is cut once its terms fall (ratio < 1, and they only fall further since the
    death rates grow) and the geometric bound of what is left is negligible. Needs
    ``theta > 0`` or a capacity or ``lam < c mu``, else the tail never falls.
    """
    j = np.arange(1, servers + 1, dtype=np.float64)
    head = np.concatenate(([0.0], np.cumsum(np.log(lam / (j * mu)))))
    parts, last, peak, done = [head], float(head[-1]), float(head.max()), 0
    room = None if capacity is None else capacity - servers
    while room is None or done < room:
        n = _CHUNK if room is None else min(_CHUNK, room - done)
        k = np.arange(done + 1, done + n + 1, dtype=np.float64)
        ratio = lam / (servers * mu + k * theta)
        logs = last + np.cumsum(np.log(ratio))
        peak = max(peak, float(logs.max()))
        falling = ratio < 1.0
        # What is left after term k is below term_k * r / (1 - r) when r = ratio_k < 1.
        safe = np.where(falling, ratio, 0.5)
        rest = logs + np.log(safe) - np.log1p(-safe)
        cut = falling & (rest < peak - _NATS)
        if cut.any():
            parts.append(logs[: int(np.argmax(cut)) + 1])
            return np.concatenate(parts), False
        parts.append(logs)
        last, done = float(logs[-1]), done + n
    return np.concatenate(parts), True


def _negative_binomial_cdf(log_first: float, increments: np.ndarray) -> np.ndarray:
    """Partial sums of positive terms given the log of the first and the log-ratios after it.

    Each term is exponentiated from its own logarithm, so a first term that underflows does
    not zero the later, larger ones.
    """
    logs = log_first + np.concatenate(([0.0], np.cumsum(increments)))
    sums: np.ndarray = np.minimum(np.cumsum(np.exp(logs)), 1.0)
    return sums


def _measures(
    servers: int,
    lam: float,
    handle: float,
    *,
    theta: float,
    target: float,
    capacity: int | None,
) -> QueueMeasures:
    """The core: M/M/c(/K)(+M) from the stationary distribution (section 4 of the design)."""
    mu, c = 1.0 / handle, servers
    logw, full = _log_weights(c, lam, mu, theta=theta, capacity=capacity)
    pi = np.exp(logw - logw.max())
    pi /= pi.sum()
    occupancy = float(np.dot(np.minimum(np.arange(pi.size), c), pi)) / c
    # A tail cut before K (negligible, see _log_weights) blocks nobody worth counting.
    blocked = capacity is not None and full
    p_block = float(pi[-1]) if blocked else 0.0
    seen = pi[:-1] if blocked else pi  # what an admitted arrival finds (PASTA)
    seen = seen / seen.sum()
    waiting = seen[c:]  # finds every agent busy and k = 0, 1, ... waiting ahead
    k1 = np.arange(1, waiting.size + 1, dtype=np.float64)  # k + 1
    rates = c * mu + k1 * theta  # V_k's stages have rates c mu + j theta, j = k..0
    answered = c * mu / rates  # P(patience outlasts V_k) = x / (x + k + 1)
    # E[min(V_k, patience)] = (k + 1) / (c mu + (k + 1) theta); times theta it is P(Ab | k).
    reach = k1 / rates
    to_answer = np.cumsum(1.0 / rates)  # E[V'_k]: V_k tilted by e^{-theta V_k}
    # P(V'_k <= t) = P(Beta(x+1, k+1) >= e^{-theta t}), a negative binomial tail; with
    # q = (1 - e^{-theta t}) / theta (t when theta = 0) the terms' log-ratios are
    # log((c mu + i theta) q / i), which for theta = 0 is the Poisson(c mu t) tail.
    q = -math.expm1(-theta * target) / theta if theta > 0 else target
    i = k1[:-1]
    with np.errstate(divide="ignore"):
        within = answered * (
            1.0
            - _negative_binomial_cdf(
                -(c * mu + theta) * target, np.log((c * mu + i * theta) * q / i)
            )
        )
        if theta > 0:
            # P(V_k > t) = I_u(x, k + 1), u = e^{-theta t}; log-ratios
            # log((c mu + (i - 1) theta) q / i).
            late = _negative_binomial_cdf(
                -c * mu * target, np.log((c * mu + (i - 1) * theta) * q / i)
            )
            gone = np.clip(1.0 - within - math.exp(-theta * target) * late, 0.0, 1.0)
        else:
            gone = np.zeros_like(within)
    answered_share = float(seen[:c].sum() + np.dot(waiting, answered))
    return QueueMeasures(
        p_wait=float(waiting.sum()),
        p_abandon=float(np.dot(waiting, theta * reach)),
        p_abandon_within=float(np.dot(waiting, gone)),
        p_block=p_block,
        service_level=float(seen[:c].sum() + np.dot(waiting, within)),
        asa_answered_min=float(np.dot(waiting, answered * to_answer)) / answered_share,
        mean_wait_min=float(np.dot(waiting, reach)),
        occupancy=occupancy,
    )


def _erlang_c_measures(servers: int, lam: float, handle: float, target: float) -> QueueMeasures:
    """M/M/c from sim.analytic's closed forms (no abandonment, no limit)."""
    load = lam * handle
    if load >= servers:
        return _OVERLOADED
    asa = average_speed_of_answer(servers, lam, handle)
    return QueueMeasures(
        p_wait=erlang_c(servers, load),
        p_abandon=0.0,
        p_abandon_within=0.0,
        p_block=0.0,
        service_level=service_level(servers, lam, handle, target),
        asa_answered_min=asa,
        mean_wait_min=asa,
        occupancy=load / servers,
    )


def _desk(
    servers: int,
    lam: float,
    handle: float,
    *,
    theta: float,
    target: float,
    capacity: int | None,
) -> QueueMeasures:
    if lam == 0.0:
        return _IDLE
    if theta == 0.0 and capacity is None:
        return _erlang_c_measures(servers, lam, handle, target)
    return _measures(servers, lam, handle, theta=theta, target=target, capacity=capacity)


def erlang_a(
    servers: int,
    arrival_rate_per_min: float,
    mean_handle_min: float,
    mean_patience_min: float,
    target_wait_min: float,
    waiting_room: int | None = None,
) -> QueueMeasures:
    """Erlang A (M/M/c+M): a desk whose callers hang up after an exponential patience.

    Palm (1943); the performance measures of Garnett, Mandelbaum & Reiman (2002) and
    Mandelbaum & Zeltyn (M/M/n+G summary). With x = c mu / theta, y = lambda / theta and
    E = Erlang B(c, A), P(W > 0) = A(x, y) E / (1 + (A(x, y) - 1) E) with
    A(x, y) = sum_j y^j / ((x+1)...(x+j)), and P(Ab) = P(W > 0) (1/(rho A(x, y)) + 1 - 1/rho).
    Computed from the stationary distribution in log space (every term positive), which
    gives the same numbers without the series' overflow. A request finding k waiting
    ahead is answered within t with probability
    x/(x+k+1) [1 - u^{x+1} sum_{j<=k} (x+1)_j/j! (1-u)^j], u = e^{-theta t}.

    Args:
        servers: Agents, a whole number >= 1.
        arrival_rate_per_min: Poisson arrival rate, requests a minute (>= 0).
        mean_handle_min: Mean (exponential) handling time, minutes (> 0).
        mean_patience_min: Mean (exponential) patience, minutes (> 0); ``math.inf`` for
            callers who never hang up (then Erlang C, or M/M/c/K with a waiting room).
        target_wait_min: Answer target t, minutes (>= 0; 0 gives 1 - P(wait)).
        waiting_room: Places to wait beyond the agents (K = servers + waiting_room, an
            M/M/c/K+M desk); None for no limit.

    Returns:
        The desk's :class:`QueueMeasures`. The desk is stable for any load when patience is
        finite; with infinite patience, no room and A >= c, P(wait) is 1, the service level
        0 and the waits infinite.

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_servers(servers)
    _load(arrival_rate_per_min, mean_handle_min)
    theta = _check_patience(mean_patience_min)
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    capacity = None
    if waiting_room is not None:
        _check_whole("waiting_room", waiting_room, 0, "places")
        capacity = servers + waiting_room
    return _desk(
        servers,
        arrival_rate_per_min,
        mean_handle_min,
        theta=theta,
        target=target_wait_min,
        capacity=capacity,
    )


def mmck(
    servers: int,
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_wait_min: float,
    capacity: int,
) -> QueueMeasures:
    """M/M/c/K: at most ``capacity`` requests in the system; an arrival finding it full is lost.

    Gross & Harris, the M/M/c/K section; Kleinrock (1975) ch. 3. pi_j is proportional to
    A^j / j! for j <= c and pi_{c+k} = pi_c rho^k for k <= K - c, rho = A / c. Blocking is
    pi_K (Erlang B when K = c). Among admitted requests P(W > 0) = sum_{c<=j<K} pi_j /
    (1 - pi_K), the service level [sum_{j<c} pi_j + sum_{k<K-c} pi_{c+k} P(Poisson(c mu t)
    >= k+1)] / (1 - pi_K) and the mean wait sum_k pi_{c+k} (k+1) / (c mu) / (1 - pi_K).

    Args:
        servers: Agents, a whole number >= 1.
        arrival_rate_per_min: Poisson arrival rate, requests a minute (>= 0).
        mean_handle_min: Mean (exponential) handling time, minutes (> 0).
        target_wait_min: Answer target t, minutes (>= 0).
        capacity: K, the most requests in the system (being answered or waiting), a whole
            number >= ``servers`` (lines, say).

    Returns:
        The desk's :class:`QueueMeasures` (no abandonment): ``p_block`` of offered
        requests, the rest of admitted ones. Stable at any load.

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_servers(servers)
    _load(arrival_rate_per_min, mean_handle_min)
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    _check_whole("capacity", capacity, servers, "requests in the system (at least servers)")
    return _desk(
        servers,
        arrival_rate_per_min,
        mean_handle_min,
        theta=0.0,
        target=target_wait_min,
        capacity=capacity,
    )


def service_levels_upto(
    most: int, load_erlangs: float, mean_handle_min: float, target_wait_min: float
) -> np.ndarray:
    """Erlang C service level with c agents, for every c = 0..most at once.

    One pass of the Erlang B recursion gives every c; Erlang C and the service level
    1 - C exp(-(c - A) t / h) follow from it with sim.analytic's own steps, so entry c
    equals ``sim.analytic.service_level`` bit for bit. This is the table the desk's
    sizing (``sim.rules.service``) reads.

    Args:
        most: The largest number of agents, a whole number >= 0.
        load_erlangs: Offered load A, Erlangs (>= 0).
        mean_handle_min: Mean handling time h, minutes (> 0).
        target_wait_min: Answer target t, minutes (>= 0).

    Returns:
        Float array of shape ``(most + 1,)``: entry c is the share answered within t with
        c agents; 0.0 where the desk is unstable (c <= A, so c = 0 always).

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_whole("most", most, 0, "agents")
    _check_non_negative("load_erlangs", load_erlangs, "Erlangs")
    _check_positive("mean_handle_min", mean_handle_min, "minutes")
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    levels = np.zeros(most + 1)
    blocking = 1.0
    for k in range(1, most + 1):
        blocking = _erlang_b_step(k, load_erlangs, blocking)
        if load_erlangs < k:
            wait = _erlang_c_from_b(k, load_erlangs, blocking)
            levels[k] = _answered_within(
                k, load_erlangs, mean_handle_min, target_wait_min=target_wait_min, p_wait=wait
            )
    return levels


def agents_for_targets(
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_wait_min: float,
    service_level_target: float,
    *,
    mean_patience_min: float = math.inf,
    abandon_max: float = 1.0,
    waiting_room: int | None = None,
    block_max: float = 1.0,
) -> int:
    """The least number of agents whose desk meets every target (Erlang C, A or M/M/c/K+M).

    Searches upwards from a bound no answer can be below (the agents must at least carry
    the answered load, so c >= A (1 - block_max) x service_level_target), doubling the step,
    then bisects; the measures are monotone in c. With infinite patience and no waiting
    room the answer is ``sim.analytic.agents_for_service_level``'s.

    Args:
        arrival_rate_per_min: Poisson arrival rate, requests a minute (>= 0).
        mean_handle_min: Mean handling time, minutes (> 0).
        target_wait_min: Answer target t, minutes (>= 0).
        service_level_target: Share to answer within t, in [0, 1).
        mean_patience_min: Mean exponential patience, minutes; ``math.inf`` for none.
        abandon_max: Largest share abandoning, in (0, 1].
        waiting_room: Places to wait beyond the agents (K = c + waiting_room); None: no limit.
        block_max: Largest share blocked, in (0, 1] (with a waiting room).

    Returns:
        The least c >= 1 with service level >= ``service_level_target``, P(Ab) <=
        ``abandon_max`` and P(block) <= ``block_max``.

    Raises:
        ValueError: If an argument is out of range (the message names it and its unit), or
            no desk of up to MAX_AGENTS agents meets the targets.
    """
    load = _load(arrival_rate_per_min, mean_handle_min)
    theta = _check_patience(mean_patience_min)
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    if not 0.0 <= service_level_target < 1.0:
        raise ValueError(
            f"service_level_target must be a share in [0, 1), got {service_level_target}"
        )
    for name, share in (("abandon_max", abandon_max), ("block_max", block_max)):
        if not 0.0 < share <= 1.0:
            raise ValueError(f"{name} must be a share in (0, 1], got {share}")
    if waiting_room is not None:
        _check_whole("waiting_room", waiting_room, 0, "places")

    def meets(servers: int) -> bool:
        capacity = None if waiting_room is None else servers + waiting_room
        m = _desk(
            servers,
            arrival_rate_per_min,
            mean_handle_min,
            theta=theta,
            target=target_wait_min,
            capacity=capacity,
        )
        return (
            m.service_level >= service_level_target
            and m.p_abandon <= abandon_max
            and m.p_block <= block_max
        )

    blocked = block_max if waiting_room is not None else 0.0
    low = max(1, math.floor(load * (1.0 - blocked) * service_level_target))
    if theta == 0.0 and waiting_room is None:
        low = max(low, math.floor(load) + 1)  # the smallest stable desk
    # The measures are monotone in c (tests/test_erlang.py), so: double, then bisect.
    high, step = low, 1
    while not meets(high):
        low, high, step = high + 1, high + step, 2 * step
        if high > MAX_AGENTS:
            raise ValueError(
                f"no desk of up to {MAX_AGENTS:,} agents meets the targets ({load:,.1f} Erlangs)"
            )
    while low < high:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return high
