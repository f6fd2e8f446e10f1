"""Outbound calls: a day's dials drawn up front, vectorised, and settled when they are made.

A call is attempt -> connect -> conversation -> outcome. One uniform per dial picks the
outcome against cumulative thresholds of its channel; durations are then drawn per
outcome. Both modes use the same drawn plan, so they consume random numbers
identically; they differ only in how the clock advances (see ``worker.call_run``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.model.streams import Purpose, bits, key_of, stream
from sim.scenario import Scenario
from sim.scenario.distributions import Distribution, Fixed, Triangular
from sim.scenario.market import Calls, ColdChannel, WarmChannel

if TYPE_CHECKING:
    from sim.model.people import Person

# Outcome codes, in the order of the cumulative thresholds.
NO_ANSWER, NO_CONVERSATION, LEAD, FOLLOW_UP, LOST = range(5)
# Day counters per channel: columns of ``Dialer.counts`` rows.
DIALS, CONNECTS, CONVERSATIONS, LEADS, FOLLOW_UPS, CALLBACKS = range(6)


def adjusted(dist: Distribution, values: NDArray[np.float64], p: Person) -> NDArray[np.float64]:
    """Durations under a persona: spread scaled around the mean, then the whole scaled."""
    mean = dist.expected_value()
    spread = mean + (values - mean) * p.variability_x
    return np.maximum(spread, 0.0) * p.duration_x


class Pools:
    """Contacts left in each outbound channel (``None``: unlimited), refilled monthly."""

    def __init__(self, sc: Scenario) -> None:
        self.left: dict[str, float | None] = {}
        self.refill: dict[str, float] = {}
        for cid, ch in sc.channels.items():
            if isinstance(ch, WarmChannel):
                self.left[cid], self.refill[cid] = float(ch.pool), ch.refill_per_month
            elif isinstance(ch, ColdChannel):
                self.left[cid] = None if ch.pool is None else float(ch.pool)
        self.months = sc.months
        self.month = 0

    def refresh(self, day: int) -> None:
        """Add the refills of the calendar months begun up to ``day``."""
        month = self.months[day]
        for cid, per_month in self.refill.items():
            left = self.left[cid]
            if left is not None:
                self.left[cid] = left + per_month * (month - self.month)
        self.month = max(self.month, month)

    def take(self, cid: str, n: int) -> int:
        """Reserve up to ``n`` contacts; how many were there."""
        left = self.left[cid]
        if left is None:
            return n
        got = min(n, math.floor(left))
        self.left[cid] = left - got
        return got

    def give_back(self, cid: str, n: int) -> None:
        """Return contacts reserved but not dialled."""
        left = self.left[cid]
        if left is not None:
            self.left[cid] = left + n


# Outcome groups that share a duration distribution, in the order they are drawn.
_GROUPS = ((NO_ANSWER,), (NO_CONVERSATION,), (LEAD,), (FOLLOW_UP, LOST))


@dataclass(eq=False, slots=True)
class DayPlan:
    """The dials a person may make today, drawn up front; ``next`` is the first not made.

    Plain lists: a day holds a few dozen dials, and list indexing and ``bisect`` cost far
    less than numpy's per-call overhead at that size.
    """

    ch: list[int]
    outcome: list[int]
    cum: list[float]  # cumulative working minutes from the first dial
    hits: list[int]  # indices of the dials that book a lead or a follow-up, ascending
    connected: list[int]  # indices of the dials that reach someone, ascending
    next: int = 0

    @property
    def left(self) -> int:
        """Dials not yet made."""
        return len(self.ch) - self.next


# numpy's PCG64 jump: ``bits.jumped(j)`` is ``bits`` advanced by ``j * JUMP`` draws.
JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835


@dataclass(eq=False, slots=True)
class Dialer:
    """A seller's calling: channels, outcome thresholds, random streams, today's tallies."""

    channels: list[str]
    thresholds: NDArray[np.float64]  # (channel, 4) cumulative outcome probabilities
    lead_p: list[float]  # lead given conversation, by channel (call-backs use it)
    # Each day's dials come from the person's stream jumped by the day's index, so that a
    # day of absence does not shift the draws of every later day (common random numbers).
    base: np.random.PCG64
    callback_rng: np.random.Generator
    # Per outcome code: the duration distribution, and its adjusted value when fixed.
    durations: list[tuple[Distribution, float | None]]
    warm: list[tuple[int, str]]  # (index, id) of the warm channels, in order
    cold: list[int]  # indices of the cold channels
    cold_limited: bool  # whether any cold channel has a finite pool
    counts: list[list[int]] = field(default_factory=list)  # per channel: the six counters
    plan: DayPlan | None = None
    cold_turn: int = 0
    # A scratch generator reset to ``base`` jumped by the day (``jumped`` itself builds a
    # new bit generator, seeding it from the OS first: ten times slower).
    _base_state: Any = field(init=False)
    _day_bits: np.random.PCG64 = field(init=False)
    _day_rng: np.random.Generator = field(init=False)
    _table: list[float] = field(init=False)  # per outcome code: the fixed minutes (or 0)
    _drawn: list[tuple[tuple[int, ...], Distribution, float]] = field(init=False)
    _thresholds: list[list[float]] = field(init=False)

    def __post_init__(self) -> None:
        self._table = [0.0 if fixed is None else fixed for _, fixed in self.durations]
        self._drawn = [
            (group, dist, dist.expected_value())
            for group in _GROUPS
            for dist, fixed in [self.durations[group[0]]]
            if fixed is None
        ]
        self._thresholds = self.thresholds.tolist()
        self._base_state = self.base.state
        self._day_bits = np.random.PCG64(0)
        self._day_rng = np.random.Generator(self._day_bits)

    def day_rng(self, day: int) -> np.random.Generator:
        """The generator of day ``day``'s dials: the same as ``Generator(base.jumped(day+1))``."""
        self._day_bits.state = self._base_state
        self._day_bits.advance(JUMP * (day + 1))
        return self._day_rng


def _fixed_value(dist: Distribution, p: Person) -> float | None:
    """``adjusted`` of a distribution that draws nothing (fixed), as a float; else None."""
    if isinstance(dist, Fixed):
        value = dist.value
    elif isinstance(dist, Triangular) and dist.low == dist.high:
        value = dist.low
    else:
        return None
    mean = dist.expected_value()
    return max(mean + (value - mean) * p.variability_x, 0.0) * p.duration_x


def make_dialer(sc: Scenario, p: Person, seed: int, replication: int) -> Dialer | None:
    """The dialer of a person who sells through outbound channels, else None."""
    if p.sells <= 0 or not p.outbound or sc.calls is None:
        return None
    calls: Calls = sc.calls
    rows, leads = [], []
    for cid in p.outbound:
        ch = sc.channels[cid]
        assert isinstance(ch, WarmChannel | ColdChannel)
        c = ch.connect_rate
        v = ch.conversation_given_connect
        v = calls.conversation_given_connect if v is None else v
        lead = ch.lead_given_conversation
        lead = calls.lead_given_conversation if lead is None else lead
        f = min(calls.follow_up_given_conversation, 1.0 - lead)
        q0 = 1.0 - c
        q1 = q0 + c * (1.0 - v)
        rows.append([q0, q1, q1 + c * v * lead, q1 + c * v * (lead + f)])
        leads.append(lead)
    keys = (key_of(p.role_id), p.index)
    dists = (
        calls.no_answer_min,
        calls.connect_no_conversation_min,
        calls.booking_call_min,
        calls.conversation_min,  # follow-up
        calls.conversation_min,  # lost
    )
    kinds = [(k, sc.channels[cid]) for k, cid in enumerate(p.outbound)]
    return Dialer(
        channels=list(p.outbound),
        thresholds=np.array(rows),
        lead_p=leads,
        base=bits(seed, replication, Purpose.CALLS, *keys),
        callback_rng=stream(seed, replication, Purpose.CALLBACKS, *keys),
        durations=[(d, _fixed_value(d, p)) for d in dists],
        warm=[(k, p.outbound[k]) for k, ch in kinds if ch.kind == "warm"],
        cold=[k for k, ch in kinds if ch.kind == "cold"],
        cold_limited=any(isinstance(ch, ColdChannel) and ch.pool is not None for _, ch in kinds),
        counts=[[0] * 6 for _ in p.outbound],
    )


def _channels(dialer: Dialer, pools: Pools, n: int) -> list[int]:
    """Channel of each of ``n`` dials: warm pools first while they last, then cold in turn."""
    ch: list[int] = []
    for k, cid in dialer.warm:
        ch += [k] * pools.take(cid, n - len(ch))
    cold = dialer.cold
    rest = n - len(ch)
    if not cold or rest <= 0:
        return ch
    first, m = dialer.cold_turn, len(cold)
    turn = [cold[(first + j) % m] for j in range(rest)]
    dialer.cold_turn += rest
    if not dialer.cold_limited:
        return ch + turn
    keep = [True] * rest
    for k in cold:
        mine = [j for j in range(rest) if turn[j] == k]
        # A finite cold pool that runs short drops its last dials of the day.
        for j in mine[pools.take(dialer.channels[k], len(mine)) :]:
            keep[j] = False
    return ch + [k for k, kept in zip(turn, keep, strict=True) if kept]


def draw_plan(p: Person, dialer: Dialer, pools: Pools, n: int, day: int) -> DayPlan:
    """Draw day ``day``'s ``n`` dials (fewer when pools run dry): channels, outcomes, minutes."""
    rng = dialer.day_rng(day)
    ch = _channels(dialer, pools, n)
    u = rng.random(len(ch)).tolist()
    # Thresholds ascend, so the count of those at or below u is a right-sided bisection.
    thresholds = dialer._thresholds
    if len(thresholds) == 1:
        only = thresholds[0]
        codes = [bisect_right(only, x) for x in u]
    else:
        codes = [bisect_right(thresholds[k], x) for k, x in zip(ch, u, strict=True)]
    table = dialer._table
    dur = [table[o] for o in codes]
    # Durations drawn per group in code order, as ``adjusted`` would, on plain floats.
    vx, dx = p.variability_x, p.duration_x
    talk = [i for i, o in enumerate(codes) if o >= LEAD]  # the few conversations
    for group, dist, mean in dialer._drawn:
        among = talk if group[0] >= LEAD else range(len(codes))
        at = [i for i in among if codes[i] in group]
        if at:
            for i, v in zip(at, dist.sample(rng, len(at)).tolist(), strict=True):
                dur[i] = max(mean + (v - mean) * vx, 0.0) * dx
    hits = [i for i in talk if codes[i] != LOST]
    connected = [i for i, o in enumerate(codes) if o != NO_ANSWER]
    return DayPlan(ch, codes, list(accumulate(dur)), hits, connected)


def draw_one(dist: Distribution, rng: np.random.Generator) -> float:
    """``dist.sample(rng, 1)[0]`` as a float, without an array when the value is fixed."""
    return float(dist.value) if isinstance(dist, Fixed) else float(dist.sample(rng, 1)[0])


def adjusted_one(dist: Distribution, rng: np.random.Generator, p: Person) -> float:
    """One draw of ``dist`` under ``p``'s persona: ``adjusted`` of a sample of one, as a float."""
    value = draw_one(dist, rng)
    mean = dist.expected_value()
    return max(mean + (value - mean) * p.variability_x, 0.0) * p.duration_x


def tally_day(dialer: Dialer) -> None:
    """Add the dials made today (the plan's first ``next``) to the day's counters."""
    plan = dialer.plan
    if plan is None:
        return
    made, counts = plan.next, dialer.counts
    if len(counts) == 1:
        counts[0][DIALS] += made
    else:
        dialled = plan.ch[:made]
        for k, row in enumerate(counts):
            row[DIALS] += dialled.count(k)
    # Most dials reach nobody: only the others are looked at one by one.
    for i in plan.connected:
        if i >= made:
            break
        row, o = counts[plan.ch[i]], plan.outcome[i]
        row[CONNECTS] += 1
        if o != NO_CONVERSATION:
            row[CONVERSATIONS] += 1
            if o == LEAD:
                row[LEADS] += 1
            elif o == FOLLOW_UP:
                row[FOLLOW_UPS] += 1


def return_unused(dialer: Dialer, pools: Pools) -> None:
    """At the day's end, put contacts reserved for dials not made back in their pools."""
    plan = dialer.plan
    if plan is None:
        return
    left = [0] * len(dialer.channels)
    for k in plan.ch[plan.next :]:
        left[k] += 1
    for k, cid in enumerate(dialer.channels):
        if left[k]:
            pools.give_back(cid, left[k])
    dialer.plan = None
