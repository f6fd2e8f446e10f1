"""Closed forms the simulator must agree with where its assumptions hold.

Queueing results are for M/M/c (Erlang C) and M/M/c/c (Erlang B); funnel results are
expected values and binomial variances of independent stage-by-stage conversions.
Time is in minutes throughout, as inside the simulator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "agents_for_service_level",
    "average_speed_of_answer",
    "erlang_b",
    "erlang_c",
    "expected_funnel",
    "expected_outbound_funnel",
    "funnel_variance_binomial",
    "littles_law_wip",
    "mean_wait_given_wait",
    "occupancy",
    "service_level",
]


# --- input checks -------------------------------------------------------------------


def _check_servers(servers: int, minimum: int = 1) -> None:
    # bool is an int subclass; True agents is almost certainly a bug upstream.
    if isinstance(servers, bool) or not isinstance(servers, int):
        raise ValueError(f"servers must be a whole number of agents, got {servers!r}")
    if servers < minimum:
        raise ValueError(f"servers must be >= {minimum} agents, got {servers}")


def _check_non_negative(name: str, value: float, unit: str) -> None:
    # `not value >= 0` also rejects NaN, which would otherwise slip through comparisons.
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be >= 0 {unit}, got {value}")


def _check_positive(name: str, value: float, unit: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be > 0 {unit}, got {value}")


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a share between 0 and 1, got {value}")


def _check_shares(name: str, values: Sequence[float]) -> None:
    for index, value in enumerate(values):
        _check_share(f"{name}[{index}]", value)


def _load(arrival_rate_per_min: float, mean_handle_min: float) -> float:
    _check_non_negative("arrival_rate_per_min", arrival_rate_per_min, "arrivals per minute")
    _check_positive("mean_handle_min", mean_handle_min, "minutes")
    return arrival_rate_per_min * mean_handle_min


# --- Erlang B and C -----------------------------------------------------------------


def erlang_b(servers: int, load_erlangs: float) -> float:
    """Blocking probability of an M/M/c/c loss system (Erlang B).

    Args:
        servers: Number of agents (lines); 0 is allowed and blocks everything.
        load_erlangs: Offered load A = arrival rate x mean handling time, in Erlangs.

    Returns:
        Probability that an arrival finds every server busy and is lost.

    Raises:
        ValueError: If ``servers`` is negative or ``load_erlangs`` is negative or not finite.
    """
    _check_servers(servers, minimum=0)
    _check_non_negative("load_erlangs", load_erlangs, "Erlangs")
    # The recurrence stays in [0, 1]; the textbook A^c/c! sum overflows past c ~ 170.
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = _erlang_b_step(k, load_erlangs, blocking)
    return blocking


# The three steps below are the one home of the Erlang B/C arithmetic: the scalar
# functions here and the every-c table of sim.erlang.service_levels_upto both use them,
# so the two agree to the last bit. No argument checks: their callers check.


def _erlang_b_step(servers: int, load_erlangs: float, blocking_before: float) -> float:
    """Erlang B with ``servers`` from Erlang B with one server fewer (the recursion)."""
    return load_erlangs * blocking_before / (servers + load_erlangs * blocking_before)


def _erlang_c_from_b(servers: int, load_erlangs: float, blocking: float) -> float:
    """Erlang C from Erlang B with the same servers and load: ``cB / (c - A(1 - B))``."""
    return servers * blocking / (servers - load_erlangs * (1.0 - blocking))


def _answered_within(
    servers: int,
    load_erlangs: float,
    mean_handle_min: float,
    *,
    target_wait_min: float,
    p_wait: float,
) -> float:
    """M/M/c service level from Erlang C: ``1 - C exp(-(c - A) t / AHT)`` (needs A < c)."""
    return 1.0 - p_wait * math.exp(-(servers - load_erlangs) * target_wait_min / mean_handle_min)


def erlang_c(servers: int, load_erlangs: float) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (Erlang C).

    Args:
        servers: Number of agents, at least 1.
        load_erlangs: Offered load A in Erlangs.

    Returns:
        P(wait > 0); 1.0 when ``load_erlangs >= servers``, as the queue then never empties.

    Raises:
        ValueError: If ``servers`` < 1 or ``load_erlangs`` is negative or not finite.
    """
    _check_servers(servers)
    _check_non_negative("load_erlangs", load_erlangs, "Erlangs")
    if load_erlangs >= servers:
        return 1.0
    blocking = erlang_b(servers, load_erlangs)
    # C = c B / (c - A (1 - B)): exact identity, and inherits B's numerical stability.
    return _erlang_c_from_b(servers, load_erlangs, blocking)


def occupancy(servers: int, load_erlangs: float) -> float:
    """Share of agent time spent handling work, A / c, capped at 1.

    Args:
        servers: Number of agents, at least 1.
        load_erlangs: Offered load A in Erlangs.

    Returns:
        A / c, or 1.0 when the system is overloaded (agents cannot be busier than always).

    Raises:
        ValueError: If ``servers`` < 1 or ``load_erlangs`` is negative or not finite.
    """
    _check_servers(servers)
    _check_non_negative("load_erlangs", load_erlangs, "Erlangs")
    # Capped so it compares with the simulator's time-weighted utilisation, which is <= 1.
    return min(load_erlangs / servers, 1.0)


# --- waiting-time measures ----------------------------------------------------------


def service_level(
    servers: int,
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_wait_min: float,
) -> float:
    """Share of arrivals answered within ``target_wait_min`` in an M/M/c queue.

    Uses P(wait <= t) = 1 - C * exp(-(c - A) * t / AHT).

    Args:
        servers: Number of agents, at least 1.
        arrival_rate_per_min: Poisson arrival rate, arrivals per minute.
        mean_handle_min: Mean (exponential) handling time, minutes.
        target_wait_min: Answer-time threshold t, minutes (e.g. 20 s = 1/3).

    Returns:
        The service level in [0, 1]; 0.0 when the system is unstable (A >= c).

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_servers(servers)
    load = _load(arrival_rate_per_min, mean_handle_min)
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    if load >= servers:
        return 0.0
    wait = erlang_c(servers, load)
    return _answered_within(
        servers, load, mean_handle_min, target_wait_min=target_wait_min, p_wait=wait
    )


def average_speed_of_answer(
    servers: int, arrival_rate_per_min: float, mean_handle_min: float
) -> float:
    """Mean wait over all arrivals (ASA) in an M/M/c queue, in minutes.

    Args:
        servers: Number of agents, at least 1.
        arrival_rate_per_min: Poisson arrival rate, arrivals per minute.
        mean_handle_min: Mean handling time, minutes.

    Returns:
        C * AHT / (c - A); ``math.inf`` when the system is unstable (A >= c).

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_servers(servers)
    load = _load(arrival_rate_per_min, mean_handle_min)
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_handle_min / (servers - load)


def mean_wait_given_wait(
    servers: int, arrival_rate_per_min: float, mean_handle_min: float
) -> float:
    """Mean wait of the arrivals that do wait, in minutes.

    Args:
        servers: Number of agents, at least 1.
        arrival_rate_per_min: Poisson arrival rate, arrivals per minute.
        mean_handle_min: Mean handling time, minutes.

    Returns:
        AHT / (c - A), i.e. ASA / C; ``math.inf`` when the system is unstable (A >= c).

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    _check_servers(servers)
    load = _load(arrival_rate_per_min, mean_handle_min)
    if load >= servers:
        return math.inf
    # Waits of those who wait are exponential with rate (c - A) / AHT.
    return mean_handle_min / (servers - load)


def agents_for_service_level(
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_wait_min: float,
    target_share: float,
) -> int:
    """Smallest number of agents whose Erlang C service level meets the target.

    Args:
        arrival_rate_per_min: Poisson arrival rate, arrivals per minute.
        mean_handle_min: Mean handling time, minutes.
        target_wait_min: Answer-time threshold, minutes (e.g. 20 s = 1/3).
        target_share: Required share answered within the threshold, in [0, 1).

    Returns:
        The smallest c with ``service_level(c, ...) >= target_share``; always > A.

    Raises:
        ValueError: If an argument is out of range; the message names it and its unit.
    """
    load = _load(arrival_rate_per_min, mean_handle_min)
    _check_non_negative("target_wait_min", target_wait_min, "minutes")
    # Every stable system still makes some arrivals wait, so a share of 1 is never met.
    if not 0.0 <= target_share < 1.0:
        raise ValueError(f"target_share must be a share in [0, 1), got {target_share}")
    servers = math.floor(load) + 1  # the smallest stable team
    while (
        service_level(servers, arrival_rate_per_min, mean_handle_min, target_wait_min)
        < target_share
    ):
        servers += 1
    return servers


def littles_law_wip(arrival_rate: float, mean_time_in_system: float) -> float:
    """Mean number in the system, L = lambda * W (Little's law).

    Args:
        arrival_rate: Long-run arrival rate, per time unit.
        mean_time_in_system: Mean time an item spends in the system, same time unit.

    Returns:
        The mean work in progress.

    Raises:
        ValueError: If either argument is negative or not finite.
    """
    _check_non_negative("arrival_rate", arrival_rate, "arrivals per time unit")
    _check_non_negative("mean_time_in_system", mean_time_in_system, "time units")
    return arrival_rate * mean_time_in_system


# --- funnels ------------------------------------------------------------------------


def _cumulative_shares(conversions: Sequence[float]) -> list[float]:
    shares = [1.0]
    for rate in conversions:
        shares.append(shares[-1] * rate)
    return shares


def expected_funnel(entries: float, conversions: Sequence[float]) -> list[float]:
    """Expected count reaching each stage of a funnel of independent conversions.

    Args:
        entries: Count entering the first stage.
        conversions: Conversion share out of each stage, each in [0, 1].

    Returns:
        ``[entries, entries*p1, entries*p1*p2, ...]``, of length ``len(conversions) + 1``.

    Raises:
        ValueError: If ``entries`` is negative or a conversion is outside [0, 1].
    """
    _check_non_negative("entries", entries, "items")
    _check_shares("conversions", conversions)
    return [entries * share for share in _cumulative_shares(conversions)]


def funnel_variance_binomial(entries: int, conversions: Sequence[float]) -> list[float]:
    """Variance of the count reaching each stage when the number of entries is fixed.

    Independent thinning of n entries makes stage k's count Binomial(n, P_k), with
    P_k the product of the first k conversions, so its variance is n P_k (1 - P_k).

    Args:
        entries: Fixed number entering the first stage.
        conversions: Conversion share out of each stage, each in [0, 1].

    Returns:
        One variance per stage, of length ``len(conversions) + 1``; the first is 0.

    Raises:
        ValueError: If ``entries`` is not a non-negative whole number or a conversion
            is outside [0, 1].
    """
    if isinstance(entries, bool) or not isinstance(entries, int) or entries < 0:
        raise ValueError(f"entries must be a whole number >= 0 items, got {entries!r}")
    _check_shares("conversions", conversions)
    return [entries * share * (1.0 - share) for share in _cumulative_shares(conversions)]


def expected_outbound_funnel(
    dials: float,
    connect_rate: float,
    conversation_given_connect: float,
    lead_given_conversation: float,
    stage_conversions: Sequence[float],
) -> dict[str, float]:
    """Expected counts along the outbound funnel, dials to won deals.

    Leads enter pipeline stage 1; ``stage_conversions[k-1]`` is the share of stage k
    that moves on, the last one into "won". So ``stage_1`` equals ``leads``, and with no
    stages ``won`` equals ``leads``.

    Args:
        dials: Number of dials.
        connect_rate: Share of dials reaching a live person.
        conversation_given_connect: Share of connects that become a conversation.
        lead_given_conversation: Share of conversations that become a lead.
        stage_conversions: Share moving on out of each pipeline stage, in order.

    Returns:
        Keys "dials", "connects", "conversations", "leads", "stage_1".."stage_n", "won",
        in that order, where n = ``len(stage_conversions)``.

    Raises:
        ValueError: If ``dials`` is negative or a share is outside [0, 1].
    """
    _check_non_negative("dials", dials, "dials")
    _check_share("connect_rate", connect_rate)
    _check_share("conversation_given_connect", conversation_given_connect)
    _check_share("lead_given_conversation", lead_given_conversation)
    _check_shares("stage_conversions", stage_conversions)
    rates = [connect_rate, conversation_given_connect, lead_given_conversation]
    counts = expected_funnel(dials, [*rates, *stage_conversions])
    funnel = dict(zip(("dials", "connects", "conversations", "leads"), counts, strict=False))
    # counts[3] is the leads, i.e. the entries into stage 1; counts[-1] has left the last.
    for stage, count in enumerate(counts[3:-1], start=1):
        funnel[f"stage_{stage}"] = count
    funnel["won"] = counts[-1]
    return funnel
