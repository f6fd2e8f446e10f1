"""Outbound calls: a day's dials drawn up front, vectorised, and settled when they are made.

A call is attempt -> connect -> conversation -> outcome. One uniform per dial picks the
outcome against cumulative thresholds of its channel; durations are then drawn per
outcome. Both modes use the same drawn plan, so they consume random numbers
identically; they differ only in how the clock advances (see ``worker.call_run``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model.streams import Purpose, bits, key_of, stream
from sim.scenario import Scenario
from sim.scenario.distributions import Distribution
from sim.scenario.market import Calls, ColdChannel, WarmChannel

if TYPE_CHECKING:
    from sim.model.people import Person

# Outcome codes, in the order of the cumulative thresholds.
NO_ANSWER, NO_CONVERSATION, LEAD, FOLLOW_UP, LOST = range(5)
# Day counters per channel: columns of ``Dialer.counts`` rows.
DIALS, CONNECTS, CONVERSATIONS, LEADS, FOLLOW_UPS, CALLBACKS = range(6)
# Per outcome code: which counters one call adds to.
_ADDS = np.array(
    [
        [1, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 0, 0],
        [1, 1, 1, 0, 1, 0],
        [1, 1, 1, 0, 0, 0],
    ],
    dtype=np.int64,
)


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


@dataclass(eq=False)
class DayPlan:
    """The dials a person may make today, drawn up front; ``next`` is the first not made."""

    ch: NDArray[np.intp]
    outcome: NDArray[np.intp]
    cum: NDArray[np.float64]  # cumulative working minutes from the first dial
    next: int = 0

    @property
    def left(self) -> int:
        """Dials not yet made."""
        return len(self.ch) - self.next


@dataclass(eq=False)
class Dialer:
    """A seller's calling: channels, outcome thresholds, random streams, today's tallies."""

    channels: list[str]
    thresholds: NDArray[np.float64]  # (channel, 4) cumulative outcome probabilities
    lead_p: list[float]  # lead given conversation, by channel (call-backs use it)
    # Each day's dials come from the person's stream jumped by the day's index, so that a
    # day of absence does not shift the draws of every later day (common random numbers).
    base: np.random.PCG64
    callback_rng: np.random.Generator
    counts: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 6), np.int64))
    plan: DayPlan | None = None
    cold_turn: int = 0


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
    return Dialer(
        channels=list(p.outbound),
        thresholds=np.array(rows),
        lead_p=leads,
        base=bits(seed, replication, Purpose.CALLS, *keys),
        callback_rng=stream(seed, replication, Purpose.CALLBACKS, *keys),
        counts=np.zeros((len(p.outbound), 6), np.int64),
    )


def _channels(sc: Scenario, dialer: Dialer, pools: Pools, n: int) -> NDArray[np.intp]:
    """Channel of each of ``n`` dials: warm pools first while they last, then cold in turn."""
    warm: list[int] = []
    for k, cid in enumerate(dialer.channels):
        if sc.channels[cid].kind == "warm":
            warm += [k] * pools.take(cid, n - len(warm))
    cold = np.array(
        [k for k, cid in enumerate(dialer.channels) if sc.channels[cid].kind == "cold"], np.intp
    )
    rest = n - len(warm)
    if not len(cold) or rest <= 0:
        return np.array(warm, dtype=np.intp)
    turn = cold[(dialer.cold_turn + np.arange(rest)) % len(cold)]
    dialer.cold_turn += rest
    keep = np.ones(rest, dtype=bool)
    for k in cold:
        mine = np.flatnonzero(turn == k)
        # A finite cold pool that runs short drops its last dials of the day.
        keep[mine[pools.take(dialer.channels[k], len(mine)) :]] = False
    return np.concatenate((np.array(warm, dtype=np.intp), turn[keep]))


def draw_plan(sc: Scenario, p: Person, dialer: Dialer, pools: Pools, n: int, day: int) -> DayPlan:
    """Draw day ``day``'s ``n`` dials (fewer when pools run dry): channels, outcomes, minutes."""
    assert sc.calls is not None
    rng = np.random.Generator(dialer.base.jumped(day + 1))
    ch = _channels(sc, dialer, pools, n)
    u = rng.random(len(ch))
    outcome = (u[:, None] >= dialer.thresholds[ch]).sum(axis=1)
    dur = np.empty(len(ch))
    calls = sc.calls
    groups = (
        (outcome == NO_ANSWER, calls.no_answer_min),
        (outcome == NO_CONVERSATION, calls.connect_no_conversation_min),
        (outcome == LEAD, calls.booking_call_min),
        (outcome >= FOLLOW_UP, calls.conversation_min),  # follow-up or lost
    )
    for mask, dist in groups:
        count = int(np.count_nonzero(mask))
        if count:
            dur[mask] = adjusted(dist, dist.sample(rng, count), p)
    return DayPlan(ch, outcome, np.cumsum(dur))


def return_unused(sc: Scenario, dialer: Dialer, pools: Pools) -> None:
    """At the day's end, put contacts reserved for dials not made back in their pools."""
    plan = dialer.plan
    if plan is None:
        return
    left = np.bincount(plan.ch[plan.next :], minlength=len(dialer.channels))
    for k, cid in enumerate(dialer.channels):
        if left[k]:
            pools.give_back(cid, int(left[k]))
    dialer.plan = None


def tally(dialer: Dialer, ch: NDArray[np.intp], outcome: NDArray[np.intp]) -> None:
    """Add made dials to today's counters by channel."""
    np.add.at(dialer.counts, ch, _ADDS[outcome])
