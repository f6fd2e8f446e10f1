"""Outbound calls: a day's dials drawn up front and settled when they are made.

A call is attempt -> connect -> conversation -> outcome (sim.rules.calls). One uniform
per dial picks the outcome against cumulative thresholds of its channel in the day's
month (the seasonal connect factor, sim.rules.calls.dial_outcomes), the channel being
the first with contacts left in the dialling order; durations are then drawn per
outcome. Both modes use the same drawn plan, so they consume random numbers
identically; they differ only in how the clock advances (see ``worker.call_run``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.model.streams import Purpose, bits, key_of, stream
from sim.rules.calls import dial_outcomes, pool_shares, pool_total, released_by
from sim.rules.people import daily_dials
from sim.scenario import Scenario
from sim.scenario.distributions import Distribution, Exponential, Fixed, LogNormal, Triangular
from sim.scenario.market import Calls

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


# A whole contact left to reach, up to the rounding of release x share.
CONTACT_LEFT = 1.0 - 1e-9


class Pools:
    """Contacts of the finite pools: released evenly day by day, used up when reached.

    The rule is :mod:`sim.rules.calls`: the horizon's contacts (pool and refills) are
    released at an even rate, unused ones carry over, a contact is used when a dial
    reaches someone, and each caller may use their share of the release (in proportion
    to selling share among the pool's callers). Unlimited cold lists are not here.
    """

    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.finite = [cid for cid in sc.channels if pool_total(sc, cid) is not None]
        self.released: dict[str, float] = dict.fromkeys(self.finite, 0.0)
        self.share: dict[tuple[str, str], float] = {}  # (channel, person) -> share
        self.used: dict[tuple[str, str], float] = {}
        self.day = -1

    def register(self, callers: list[Person]) -> None:
        """Share each finite pool among the people who dial it (sim.rules.calls.pool_shares)."""
        for cid in self.finite:
            mine = [p for p in callers if p.calls is not None and cid in p.calls.channels]
            weights = {p.pid: p.sells for p in mine}
            for pid, share in pool_shares(weights).items():
                self.share[cid, pid] = share
                self.used[cid, pid] = 0.0

    def refresh(self, day: int) -> None:
        """Release the contacts of the days up to ``day`` (once a day)."""
        if day != self.day:
            self.day = day
            for cid in self.finite:
                self.released[cid] = released_by(self.sc, cid, day)

    def allowance(self, cid: str, pid: str) -> float:
        """Contacts of a finite pool a caller may have reached by today: release x share.

        The caller has a contact left while ``allowance - used >= CONTACT_LEFT``; a dial
        that reaches someone adds one to ``used`` (``_dial_in_order``).
        """
        return self.released[cid] * self.share[cid, pid]

    def give_back(self, cid: str, pid: str, n: int) -> None:
        """Return contacts taken for dials that were drawn but not made."""
        self.used[cid, pid] -= n


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
    took: list[int]  # indices of the dials that used a contact of a finite pool
    asked: int  # dials asked for (the plan holds fewer when pools ran dry)
    next: int = 0

    @property
    def left(self) -> int:
        """Dials not yet made."""
        return len(self.ch) - self.next


Sampler = Callable[[np.random.Generator, int], NDArray[np.float64]]


def sampler(dist: Distribution) -> Sampler:
    """``dist.sample``, with a lognormal's parameters worked out once: the same draws.

    (``LogNormal.sample`` derives them on every call, a third of its cost at a day's few
    conversations.)
    """
    if isinstance(dist, LogNormal):
        mu, sigma = dist.log_params()
        return lambda rng, size: rng.lognormal(mu, sigma, size)
    return dist.sample


# numpy's PCG64 jump: ``bits.jumped(j)`` is ``bits`` advanced by ``j * JUMP`` draws.
JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835


@dataclass(eq=False, slots=True)
class Dialer:
    """A seller's calling: channels, outcome thresholds, random streams, today's tallies."""

    channels: list[str]
    # (month of the horizon, channel, 4) cumulative outcome probabilities: a dial is
    # drawn against its day's month (the seasonal connect factor)
    thresholds: NDArray[np.float64]
    months: tuple[int, ...]  # per working day, its month of the horizon (Scenario.months)
    quotas: list[int]  # per month of the horizon: the dials a day (sim.rules.people)
    lead_p: list[float]  # lead given conversation, by channel (call-backs use it)
    follow_p: list[float]  # follow-up given conversation, by channel (call-backs use it)
    # Each day's dials come from the person's stream jumped by the day's index, so that a
    # day of absence does not shift the draws of every later day (common random numbers).
    base: np.random.PCG64
    callback_rng: np.random.Generator
    # Per outcome code: the duration distribution, and its adjusted value when fixed.
    durations: list[tuple[Distribution, float | None]]
    first: list[int]  # indices of the channels dialled first, in order (finite pools)
    turn: list[int]  # indices of the channels dialled in turn
    finite: list[bool]  # per channel: a finite pool (its contacts are counted)
    counts: list[list[int]] = field(default_factory=list)  # per channel: the six counters
    plan: DayPlan | None = None
    owed: int = 0  # dials earlier days at work could not hold, made on the next ones
    wanted: int = 0  # today's quota and what is owed (before the day's cap)
    cold_turn: int = 0
    # A scratch generator reset to ``base`` jumped by the day (``jumped`` itself builds a
    # new bit generator, seeding it from the OS first: ten times slower).
    _base_state: Any = field(init=False)
    _day_bits: np.random.PCG64 = field(init=False)
    _day_rng: np.random.Generator = field(init=False)
    _table: list[float] = field(init=False)  # per outcome code: the fixed minutes (or 0)
    # Per outcome group drawn: its codes, its sampler (``Distribution.sample``) and mean.
    _drawn: list[tuple[tuple[int, ...], Sampler, float]] = field(init=False)
    _thresholds: list[list[list[float]]] = field(init=False)
    _rows: list[list[NDArray[np.float64]]] = field(init=False)  # the same, as numpy rows

    def __post_init__(self) -> None:
        self._table = [0.0 if fixed is None else fixed for _, fixed in self.durations]
        self._drawn = [
            (group, sampler(dist), dist.expected_value())
            for group in _GROUPS
            for dist, fixed in [self.durations[group[0]]]
            if fixed is None
        ]
        self._thresholds = self.thresholds.tolist()
        self._rows = [list(month) for month in self.thresholds]
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
    # The outcome thresholds of every month of the horizon (sim.rules.calls reads the
    # seasonal connect factor); lead and follow-up shares of a conversation have none.
    by_month = [
        [dial_outcomes(sc, cid, month) for cid in p.outbound] for month in range(sc.months[-1] + 1)
    ]
    outcomes = by_month[0]
    keys = (key_of(p.role_id), p.index)
    dists = (
        calls.no_answer_min,
        calls.connect_no_conversation_min,
        calls.booking_call_min,
        calls.conversation_min,  # follow-up
        calls.conversation_min,  # lost
    )
    n = len(p.outbound)
    return Dialer(
        channels=list(p.outbound),
        thresholds=np.array([[o.thresholds() for o in month] for month in by_month]),
        months=sc.months,
        quotas=[daily_dials(sc, p.role_id, month) for month in range(len(by_month))],
        lead_p=[o.lead for o in outcomes],
        follow_p=[o.follow_up for o in outcomes],
        base=bits(seed, replication, Purpose.CALLS, *keys),
        callback_rng=stream(seed, replication, Purpose.CALLBACKS, *keys),
        durations=[(d, _fixed_value(d, p)) for d in dists],
        first=list(range(p.first)),
        turn=list(range(p.first, n)),
        finite=[pool_total(sc, cid) is not None for cid in p.outbound],
        counts=[[0] * 6 for _ in p.outbound],
    )


def _in_turn(dialer: Dialer, n: int) -> list[int]:
    """The channels of ``n`` dials that take unlimited lists in turn (``_dial_in_order``)."""
    turn = dialer.turn
    if not turn:
        return []
    start = dialer.cold_turn
    dialer.cold_turn += n
    if len(turn) == 1:
        return [turn[0]] * n
    return [turn[(start + i) % len(turn)] for i in range(n)]


def _dial_in_order(
    dialer: Dialer,
    pools: Pools,
    pid: str,
    u: list[float],
    thresholds: list[list[float]],
    out: tuple[list[int], list[int], list[int]],
) -> None:
    """The day's dials in dial order, outcomes drawn against ``u``, into ``out``.

    A dial goes to the first channel of ``dialer.first`` with a contact left, else to
    the next in turn that is unlimited or has one (sim.rules.calls.dial_order); with
    none left the day's dials end. A dial that reaches someone uses a contact of a
    finite pool. The caller's pool counts (:meth:`Pools.allowance`, ``Pools.used``) are
    kept in locals for the loop, a day's dozens of dials, and ``used`` written back.
    """
    ch, codes, took = out
    channels, finite, first, turn = dialer.channels, dialer.finite, dialer.first, dialer.turn
    avail = [pools.allowance(c, pid) if f else 0.0 for c, f in zip(channels, finite, strict=True)]
    used = [pools.used[c, pid] if f else 0.0 for c, f in zip(channels, finite, strict=True)]
    room = CONTACT_LEFT
    n_turn = len(turn)
    for x in u:
        k = -1
        for j in first:
            if avail[j] - used[j] >= room:
                k = j
                break
        else:
            for _ in range(n_turn):
                j = turn[dialer.cold_turn % n_turn]
                dialer.cold_turn += 1
                if not finite[j] or avail[j] - used[j] >= room:
                    k = j
                    break
        if k < 0:
            break
        code = bisect_right(thresholds[k], x)
        if finite[k] and code != NO_ANSWER:
            used[k] += 1.0
            took.append(len(ch))
        ch.append(k)
        codes.append(code)
    for k, c in enumerate(channels):
        if finite[k]:
            pools.used[c, pid] = used[k]


def draw_plan(p: Person, dialer: Dialer, pools: Pools, n: int, day: int) -> DayPlan:
    """Draw day ``day``'s ``n`` dials (fewer when pools run dry): channels, outcomes, minutes.

    A dial goes to the first channel with contacts left (sim.rules.calls.dial_order);
    its outcome is drawn against that channel's thresholds in the day's month, and a
    dial that reaches someone uses a contact of a finite pool.
    """
    rng = dialer.day_rng(day)
    drawn = rng.random(n)
    finite = dialer.finite
    ch: list[int] = []
    codes: list[int] = []
    took: list[int] = []
    u: list[float] = []
    if not dialer.first and not any(finite):
        # Unlimited lists only: the channels go in turn and no pool can run dry, so the
        # loop below comes to this (under cProfile, a branch of 100 over 120 days: 8.2M
        # calls -> 6.7M, draw_plan 1.19 s -> 0.60 s of about 7 s).
        ch = _in_turn(dialer, n)
        if len(dialer.turn) == 1:
            # One list: numpy's searchsorted (side right) is bisect_right on every dial at
            # once, a fifth of the cost of one bisect a dial at a day's few dozen.
            row = dialer._rows[dialer.months[day]][dialer.turn[0]]
            codes = row.searchsorted(drawn, "right").tolist()
        else:
            thresholds = dialer._thresholds[dialer.months[day]]
            codes = [
                bisect_right(thresholds[k], x) for k, x in zip(ch, drawn.tolist(), strict=False)
            ]
    else:
        u = drawn.tolist()
        thresholds = dialer._thresholds[dialer.months[day]]
    if u:
        _dial_in_order(dialer, pools, pid=p.pid, u=u, thresholds=thresholds, out=(ch, codes, took))
    table = dialer._table
    dur = [table[o] for o in codes]
    # Durations drawn per group in code order, as ``adjusted`` would, on plain floats.
    vx, dx = p.variability_x, p.duration_x
    talk = [i for i, o in enumerate(codes) if o >= LEAD]  # the few conversations
    for group, sample, mean in dialer._drawn:
        among = talk if group[0] >= LEAD else range(len(codes))
        at = [i for i in among if codes[i] in group]
        if at:
            for i, v in zip(at, sample(rng, len(at)).tolist(), strict=True):
                dur[i] = max(mean + (v - mean) * vx, 0.0) * dx
    hits = [i for i in talk if codes[i] != LOST]
    connected = [i for i, o in enumerate(codes) if o != NO_ANSWER]
    return DayPlan(
        ch=ch,
        outcome=codes,
        cum=list(accumulate(dur)),
        hits=hits,
        connected=connected,
        took=took,
        asked=n,
    )


def draw_one(dist: Distribution, rng: np.random.Generator) -> float:
    """``dist.sample(rng, 1)[0]`` as a float, without an array when the value is fixed.

    A lognormal or exponential is drawn as numpy's scalar, the same draw as a sample of
    one (numpy makes a sample a value at a time) at a third of its cost.
    """
    if isinstance(dist, Fixed):
        return float(dist.value)
    if isinstance(dist, LogNormal):
        mu, sigma = dist.log_params()
        return float(rng.lognormal(mu, sigma))
    if isinstance(dist, Exponential):
        return float(rng.exponential(dist.mean))
    return float(dist.sample(rng, 1)[0])


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


def return_unused(dialer: Dialer, pools: Pools, pid: str, quota: int) -> None:
    """At the day's end, put back the contacts of dials drawn but not made, and owe them.

    The dials a day could not hold (``quota`` of them at most when nothing was dialled
    today) are made on the following days at work, under each day's cap
    (sim.rules.people).
    """
    plan = dialer.plan
    if plan is None:  # the day held no calling at all
        dialer.owed += quota
        return
    # Dials the pools could not supply are not owed: there was nobody to call.
    dialer.owed = dialer.wanted - plan.next - (plan.asked - len(plan.ch))
    left = [0] * len(dialer.channels)
    for i in plan.took:
        if i >= plan.next:
            left[plan.ch[i]] += 1
    for k, cid in enumerate(dialer.channels):
        if left[k]:
            pools.give_back(cid, pid, left[k])
    dialer.plan = None
