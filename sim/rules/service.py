"""Inbound requests: offered load, seats needed present, the roster that gives them.

Requests of the channels that the same people answer share one desk (one FIFO queue
over the channels, sim.model.inbound), so their load is pooled. The rules:

- offered load ``A`` (Erlangs) = requests a day / arrival minutes a day x mean handling
  minutes x the answerers' mean duration multiplier;
- seats needed present = the Erlang C agents for every channel's target (service level
  within its answer time) and enough that occupancy ``A / c`` stays under the cap;
- the roster: each answerer is at work with probability ``presence`` (days away and
  empty seats, ``sim.rules.staffing.at_work_share``, are independent), so ``k`` of
  ``N`` are present with a binomial probability; the expected service level is
  ``sum_k P(k) x SL(k)`` (requests are spread evenly over days), and the roster is the
  least ``N`` whose expected service level meets every target and whose expected seats
  present meet the occupancy cap. With 8 Erlangs, 6-minute requests, 80 % in 20 s and
  27.8 days away in a 252-day year, 12 seats are needed present and 14 people on the
  roster;
- pauses (``sim.rules.day.pause_gross_up``): under ``pause_rule: together`` everyone
  pauses at once and no request arrives then, so the pause takes nobody away from an
  arrival (1.0); under a rota requests arrive over the open span
  (``arrival_min_per_day``) and the roster is grossed up by ``1 / (1 - away share)`` of
  the half-hour with the most of the desk on pause (``sim.rules.rota``). The sizing by
  interval, with the share away of each, is issue 13's stage S5;
- patience (``patience_min``): callers hang up after an exponential patience of the
  channel's mean (the desk's, when its channels differ: the rate-weighted mean of their
  abandonment rates 1/mean), so the service level with ``k`` agents is Erlang A's
  (M/M/c+M; Palm 1943, sim.erlang.erlang_a) instead of Erlang C's; a patience that is not
  exponential is read by its mean (an approximation, Mandelbaum & Zeltyn). A desk mixing
  channels with and without patience is refused (one desk, one rule). The simulator
  plays the same rule (sim.model.inbound.Door): a caller still waiting when the
  patience runs out hangs up, unless the patience outlasts the working day (then the
  request is carried as a callback, as every request left at closing is);
- retrials (``retrial``): a share ``s`` of those who hang up call again, so the desk's
  arrivals are ``lambda / (1 - s P(Ab))`` at the roster's abandonment, a fixed point;
  the requests answered a day are ``lambda (1 - P(Ab)) / (1 - s P(Ab))`` (every attempt
  answered once, :func:`answered_share`), what the optimiser's inbound rows and leads read;
- lines and a waiting room (``lines``, ``waiting_room``, a desk of one channel): at most
  K = min(lines, agents + waiting_room) requests in the desk; one more is blocked
  (M/M/c/K, Erlang B when nobody may wait; M/M/c/K+M with patience). Service level,
  abandonment and blocking are shares of every request offered, as the simulator's KPIs
  count them; lines fewer than the agents leave the others idle (:func:`capacity`).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from sim.analytic import agents_for_service_level, erlang_b
from sim.erlang import erlang_a, service_levels_upto
from sim.errors import TeamsimError
from sim.percent import format_answer_time, format_percent
from sim.rules.day import arrival_min_per_day, pause_gross_up
from sim.rules.people import mean_duration_x
from sim.rules.profile import by_interval, by_weekday, interval_rate, intervals
from sim.rules.reach import works_channel
from sim.rules.rota import away_share, most_away_needed, slots
from sim.rules.season import arrivals_per_day
from sim.rules.staffing import at_work_share
from sim.scenario import Scenario
from sim.scenario.calendar import Weekday
from sim.scenario.market import InboundChannel

MAX_ROSTER = 10_000


@dataclass(frozen=True)
class DeskInterval:
    """One interval of a desk's open day (of one weekday, or of every working day alike).

    Minutes from the day's start; first calls a minute of the desk's channels in it
    (``sim.rules.profile.interval_rate``; retrials are the desk's gross-up on them,
    :meth:`Desk.arrivals_in`), and the share of the answerers on pause in it
    (``sim.rules.rota.away_share`` of a large desk: 0 under ``together``).
    """

    weekday: str | None  # a Weekday value; None: every working day alike
    index: int
    lo_min: float
    hi_min: float
    first_per_min: float
    away_share: float
    seats: int = 0  # agents needed on the floor for the targets and the occupancy cap

    @property
    def requests(self) -> float:
        """Expected first calls in the interval on such a day (the day rule's weight)."""
        return self.first_per_min * (self.hi_min - self.lo_min)


@dataclass(frozen=True)
class Desk:
    """Inbound channels answered by the same roles, and the sizing of their answerers."""

    channels: tuple[str, ...]
    roles: tuple[str, ...]  # the roles that answer them
    arrivals_per_min: float
    handle_min: float  # mean handling minutes, answerers' persona mix included
    load_erlangs: float
    seats: int  # agents needed present (Erlang C and the occupancy cap)
    presence: float  # share of days an answerer is at work (headcount-weighted)
    pause_gross_up: float
    roster: int  # people needed on the roster
    patience_min: float = math.inf  # mean patience (Erlang A's 1/theta); inf: nobody hangs up
    retrial_share: float = 0.0  # share of those who hang up who call again
    first_per_min: float = -1.0  # first attempts a minute (retrials excluded); -1: as arrivals
    lines: int | None = None  # most requests in the desk (answered + waiting); None: no limit
    waiting_room: int | None = None  # most requests waiting; None: no limit
    # By interval (and weekday): empty for a desk alike all day (no profile, no rota, no
    # weekday factors), which is sized as one whole day, as before intervals.
    intervals: tuple[DeskInterval, ...] = ()
    per: str = "interval"  # the targets hold in every interval, or over the "day"
    # The scenario whose rota says who of a roster is on pause when (not part of the
    # desk's identity: the sizing tables are cached by the rest).
    scenario: Scenario | None = field(default=None, compare=False, repr=False)
    # away_of's answers by (interval, people): the roster search asks them again and again
    # (the same scenario's rota, so shared by the desk's replaced copies).
    away_cache: dict[tuple[int, str | None, int], tuple[float, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def arrivals_in(self, iv: DeskInterval) -> float:
        """Requests a minute in interval ``iv``: its first calls, with the desk's retrials."""
        if self.first_per_min <= 0:
            return iv.first_per_min
        return iv.first_per_min * self.arrivals_per_min / self.first_per_min

    @property
    def plain(self) -> bool:
        """Erlang C's desk: nobody hangs up, no limit on lines or waiting."""
        return self.patience_min == math.inf and self.lines is None and self.waiting_room is None

    @property
    def days_away_gross_up(self) -> float:
        """People on the roster per seat needed present, the pauses' gross-up apart."""
        return self.roster / (self.seats * self.pause_gross_up) if self.seats else 1.0

    def expected_service_level(self, sc: Scenario, people: int) -> dict[str, float]:
        """Each channel's expected service level with ``people`` answerers on the roster."""
        return {
            cid: expected_service_level(self, _target(sc, cid), people) for cid in self.channels
        }

    @property
    def answered_share(self) -> float:
        """Requests answered per first attempt, at the roster: (1 - B - Ab) / (1 - s Ab).

        B and Ab: the shares of the desk's requests blocked and abandoned with the
        roster (:func:`expected_blocked`, :func:`expected_abandoned`); s the retrial share
        (those who hang up call again; the blocked do not). 1.0 on a plain desk.
        """
        if self.plain or self.arrivals_per_min <= 0:
            return 1.0
        ab = expected_abandoned(self, self.roster)
        blocked = expected_blocked(self, self.roster)
        return (1.0 - blocked - ab) / (1.0 - self.retrial_share * ab)


def _target(sc: Scenario, channel_id: str) -> float:
    ch = sc.channels[channel_id]
    assert isinstance(ch, InboundChannel)
    return ch.answer_within_min


def present_counts(people: int, presence: float) -> tuple[range, np.ndarray]:
    """The likely numbers present of ``people`` (binomial) and their probabilities.

    Only counts with a probability above 1e-15 are kept (the rest add nothing to a
    service level), computed from log-probabilities so that rosters of thousands do not
    underflow.
    """
    if presence >= 1.0:
        return range(people, people + 1), np.ones(1)
    mean, sd = people * presence, math.sqrt(people * presence * (1.0 - presence))
    lo, hi = max(0, math.floor(mean - 9 * sd - 1)), min(people, math.ceil(mean + 9 * sd + 1))
    ks = range(lo, hi + 1)
    k = np.arange(lo, hi + 1, dtype=np.float64)
    n = float(people)
    log_pmf = (
        math.lgamma(n + 1.0)
        - np.array([math.lgamma(x + 1.0) + math.lgamma(n - x + 1.0) for x in k])
        + k * math.log(presence)
        + (n - k) * math.log1p(-presence)
    )
    return ks, np.exp(log_pmf)


def _service_levels(desk: Desk, answer_within_min: float, most: int) -> np.ndarray:
    """Service level with k agents present, for k = 0..most, over every request offered.

    Erlang C (0 when unstable) on a plain desk; otherwise :func:`_measures_upto`'s.
    """
    if desk.plain:
        return service_levels_upto(most, desk.load_erlangs, desk.handle_min, answer_within_min)
    return _measures_upto(desk, answer_within_min, most)[0]


def capacity(desk: Desk, agents: int) -> tuple[int, int | None]:
    """Agents who can answer and K, the most requests in the desk, with ``agents`` present.

    ``lines`` caps both (an agent without a line answers nobody); ``waiting_room`` allows
    that many waiting beyond the agents: K = min(lines, agents + waiting_room). None: no
    limit (Erlang C or A).
    """
    servers = agents if desk.lines is None else min(agents, desk.lines)
    limits = [
        v
        for v in (desk.lines, None if desk.waiting_room is None else servers + desk.waiting_room)
        if v is not None
    ]
    return servers, (min(limits) if limits else None)


def _measures_upto(desk: Desk, answer_within_min: float, most: int) -> tuple[np.ndarray, ...]:
    """Service level, abandoned and blocked shares of every request offered, k = 0..most.

    One closed form for every desk that is not plain, :func:`sim.erlang.erlang_a` with
    the desk's patience (infinite: none) and room (M/M/c+M, M/M/c/K, M/M/c/K+M); shares
    of admitted requests are turned into shares of offered ones (x (1 - P(block))), as the
    simulator's KPIs count them. With 0 agents nobody is answered (:func:`_nobody_answers`).
    """
    levels, abandoned, blocked = np.zeros(most + 1), np.zeros(most + 1), np.zeros(most + 1)
    abandoned[0], blocked[0] = _nobody_answers(desk)
    for k in range(1, most + 1):
        servers, most_in = capacity(desk, k)
        m = erlang_a(
            servers,
            desk.arrivals_per_min,
            desk.handle_min,
            mean_patience_min=desk.patience_min,
            target_wait_min=answer_within_min,
            waiting_room=None if most_in is None else most_in - servers,
        )
        admitted = 1.0 - m.p_block
        levels[k], abandoned[k], blocked[k] = (
            admitted * m.service_level,
            admitted * m.p_abandon,
            m.p_block,
        )
    return levels, abandoned, blocked


def _nobody_answers(desk: Desk) -> tuple[float, float]:
    """Abandoned and blocked shares of the requests offered with 0 agents on the floor.

    Nobody is answered: with room to wait (K, :func:`capacity`, above 0 or no limit) a
    caller with patience waits until it runs out, so the requests in the desk are those
    of an M/M/K/K loss system whose "service" is the patience (rate 1/patience each): a
    share Erlang B(K, lambda x patience) finds it full and is blocked, the rest hang up
    (all of them with no limit). Without patience they wait (neither; steady state with
    a limit: the room fills and stays full, all blocked); with no room, all blocked.
    Before, a desk with lines or a waiting room read 0 % hanging up in an interval with
    nobody on the floor (a fresh-user trial: the rota's lunch of a one-person desk).
    """
    most_in = capacity(desk, 0)[1]
    if most_in == 0:
        return 0.0, 1.0
    if desk.patience_min == math.inf:
        return 0.0, (0.0 if most_in is None else 1.0)
    if most_in is None:
        return 1.0, 0.0
    full = erlang_b(most_in, desk.arrivals_per_min * desk.patience_min)
    return 1.0 - full, full


def _expected(desk: Desk, people: int, which: int) -> float:
    if desk.plain or desk.arrivals_per_min <= 0:
        return 0.0
    if desk.intervals:
        # Shares of the day's requests: the intervals' shares weighted by their requests.
        values = [
            (iv.requests, _on_floor(desk, iv, people, which=which, t=0.0)) for iv in desk.intervals
        ]
        total = sum(w for w, _ in values)
        return sum(w * v for w, v in values) / total if total > 0 else 0.0
    ks, pk = present_counts(people, desk.presence)
    # (Abandoned and blocked shares do not depend on the answer target: 0 minutes.)
    table = _measures_upto(desk, 0.0, ks[-1])[which]
    return float(np.dot(pk, table[ks.start :]))


def interval_desk(desk: Desk, iv: DeskInterval) -> Desk:
    """The desk as one interval sees it: that interval's arrivals, alike all day."""
    arrivals = desk.arrivals_in(iv)
    return replace(
        desk,
        arrivals_per_min=arrivals,
        load_erlangs=arrivals * desk.handle_min,
        first_per_min=iv.first_per_min,
        intervals=(),
    )


@functools.lru_cache(maxsize=4096)
def _table(desk: Desk, answer_within_min: float, size: int, which: int) -> np.ndarray:
    """A measure with k agents, k = 0..size - 1, of a desk alike all day.

    ``which``: 0 service level, 1 abandoned, 2 blocked. Cached: the roster search asks
    for the same tables again and again.
    """
    if which == 0:
        return _service_levels(desk, answer_within_min, size - 1)
    return _measures_upto(desk, answer_within_min, size - 1)[which]


def _on_floor(desk: Desk, iv: DeskInterval, people: int, *, which: int, t: float) -> float:
    """A measure's expectation in one interval, ``people`` on the roster.

    ``sum_k P(k present of people) m(k (1 - away))``: those present less the share on
    pause, taken over the interval's pieces of PIECE_MIN minutes (a slot of the rota may
    begin or end inside an interval: the measure of the mean on the floor is not the mean
    of the measure) and averaged, requests being even within an interval. A fractional
    number on the floor reads the measure linearly between the whole numbers around it
    (the usual workforce-planning treatment of fractional agents; exact at whole numbers).
    """
    ks, pk = present_counts(people, desk.presence)
    size = 1 << max(4, (ks.stop + 1).bit_length())  # a power of two: the cache's hits
    table = _table(interval_desk(desk, iv), t, size, which)
    present = np.arange(ks.start, ks.stop, dtype=np.float64)
    total = 0.0
    shares = away_of(desk, iv, people)
    for away in shares:
        floor = present * (1.0 - away)
        lo = np.floor(floor).astype(int)
        frac = floor - lo
        hi = np.minimum(lo + 1, len(table) - 1)
        values = table[lo] * (1.0 - frac) + table[hi] * frac
        total += float(np.dot(pk, values))
    return total / len(shares)


PIECE_MIN = 5.0  # the pieces of an interval whose shares on pause are told apart


def away_of(desk: Desk, iv: DeskInterval, people: int) -> tuple[float, ...]:
    """The share of ``people`` answerers on pause in each piece of ``iv``.

    As the rota gives them slots (``sim.rules.rota.away_share`` of that many: slots hold
    whole people, 14 over 6 lunch slots are 3, 3, 2, 2, 2, 2), the share of the roster
    and, days away being independent of slots, of those present. Pieces of PIECE_MIN
    minutes (the last may be shorter); one piece, the large desk's share, without a
    scenario (or nobody on the roster).
    """
    if desk.scenario is None or people <= 0:
        return (iv.away_share,)
    key = (iv.index, iv.weekday, people)
    if key not in desk.away_cache:
        desk.away_cache[key] = _pieces(desk.scenario, iv, people)
    return desk.away_cache[key]


def _pieces(sc: Scenario, iv: DeskInterval, people: int) -> tuple[float, ...]:
    width = iv.hi_min - iv.lo_min
    count = max(1, math.ceil(width / PIECE_MIN - 1e-9))
    edges = [iv.lo_min + width * j / count for j in range(count + 1)]
    return tuple(away_share(sc, people, a, b) for a, b in itertools.pairwise(edges))


@dataclass(frozen=True)
class IntervalFigures:
    """One interval's figures for a roster (what the plan's service table shows)."""

    interval: DeskInterval
    on_pause: float  # mean share of the answerers on pause over the interval
    on_floor: float  # people x presence x (1 - on_pause)
    arrivals_per_min: float  # retrials included
    expected_service_level: float
    expected_abandoned: float


def interval_figures(
    desk: Desk, answer_within_min: float, people: int
) -> tuple[IntervalFigures, ...]:
    """Each interval's share on pause, answerers on the floor, service level and abandoned."""
    out = []
    for iv in desk.intervals:
        pieces = away_of(desk, iv, people)
        away = sum(pieces) / len(pieces)
        abandoned = (
            0.0 if desk.patience_min == math.inf else _on_floor(desk, iv, people, which=1, t=0.0)
        )
        out.append(
            IntervalFigures(
                interval=iv,
                on_pause=away,
                on_floor=people * desk.presence * (1.0 - away),
                arrivals_per_min=desk.arrivals_in(iv),
                expected_service_level=_on_floor(desk, iv, people, which=0, t=answer_within_min),
                expected_abandoned=abandoned,
            )
        )
    return tuple(out)


def interval_service_levels(desk: Desk, answer_within_min: float, people: int) -> tuple[float, ...]:
    """Each interval's expected service level, ``people`` on the roster (empty: no intervals)."""
    return tuple(_on_floor(desk, iv, people, which=0, t=answer_within_min) for iv in desk.intervals)


def expected_abandoned(desk: Desk, people: int) -> float:
    """Share of requests offered whose caller hangs up, ``people`` on the roster.

    ``sum_k P(k present) P(Ab | k agents)`` (Erlang A, with the desk's limits); 0 when
    nobody hangs up or nobody calls.
    """
    if desk.patience_min == math.inf:
        return 0.0
    return _expected(desk, people, 1)


def expected_blocked(desk: Desk, people: int) -> float:
    """Share of requests offered turned away (lines or waiting room full), ``people`` on the roster.

    ``sum_k P(k present) P(block | k agents)`` (M/M/c/K, with patience when given); 0
    with no limit.
    """
    if desk.lines is None and desk.waiting_room is None:
        return 0.0
    return _expected(desk, people, 2)


def expected_service_level(desk: Desk, answer_within_min: float, people: int) -> float:
    """Service level over the days, ``people`` on the roster each present w.p. ``presence``.

    By interval (``desk.intervals``): the lowest interval's under ``per: interval`` (what
    the target holds in), the requests-weighted mean of the intervals' under ``per: day``.
    """
    if desk.arrivals_per_min <= 0:
        return 1.0
    if desk.intervals:
        if desk.per == "interval":
            return min(interval_service_levels(desk, answer_within_min, people))
        return day_service_level(desk, answer_within_min, people)
    ks, pk = present_counts(people, desk.presence)
    levels = _service_levels(desk, answer_within_min, ks[-1])
    return float(np.dot(pk, levels[ks.start :]))


def day_service_level(desk: Desk, answer_within_min: float, people: int) -> float:
    """The service level over the day's requests, ``people`` on the roster, by any rule.

    The intervals' expected service levels weighted by their requests (the whole day's
    for a desk alike all day): what a simulated day's ``inbound_service_level`` measures.
    """
    if not desk.intervals:
        return expected_service_level(desk, answer_within_min, people)
    levels = interval_service_levels(desk, answer_within_min, people)
    weights = [iv.requests for iv in desk.intervals]
    return sum(w * v for w, v in zip(weights, levels, strict=True)) / sum(weights)


def _roster(sc: Scenario, desk: Desk) -> int:
    """The least roster whose expected service level meets every target (and occupancy).

    Raises:
        TeamsimError: No roster up to MAX_ROSTER people does (presence near 0, say).
    """
    targets = []
    for cid in desk.channels:
        ch = sc.channels[cid]
        assert isinstance(ch, InboundChannel)
        targets.append((ch.answer_within_min, ch.service_level_target))
    cap = sc.policies.occupancy_cap
    n = max(desk.seats, 1)
    if desk.intervals:
        # Under the day rule a roster below the peak's seats may do: from the quietest's.
        start = n if desk.per == "interval" else min(iv.seats for iv in desk.intervals)
        return _roster_by_interval(desk, targets, cap, max(start, 1))
    # Erlang C's table costs a recursion step an entry: all at once. Erlang A's costs a
    # stationary distribution an entry: grown by doubling as the roster search needs it.
    most = MAX_ROSTER if desk.plain else min(MAX_ROSTER, 4 * n + 16)
    tables = {t: _service_levels(desk, t, most) for t, _ in targets}
    while n <= MAX_ROSTER:
        busy_ok = desk.load_erlangs <= cap * n * desk.presence + 1e-9
        if busy_ok:
            ks, pk = present_counts(n, desk.presence)
            if ks.stop - 1 > most:
                most = min(MAX_ROSTER, 2 * ks.stop)
                tables = {t: _service_levels(desk, t, most) for t, _ in targets}
            if all(float(np.dot(pk, tables[t][ks.start : ks.stop])) >= s for t, s in targets):
                return n
        n += 1
    raise _no_roster(desk, "")


def _roster_by_interval(desk: Desk, targets: list[tuple[float, float]], cap: float, n: int) -> int:
    """The least roster, from ``n``, whose intervals meet the targets by the desk's rule.

    In every interval the expected busy share of those on the floor stays under the
    occupancy cap, and the expected service level (:func:`expected_service_level`,
    by interval or over the day) meets each channel's target.
    """
    while n <= MAX_ROSTER:
        busy_ok = all(
            desk.arrivals_in(iv) * desk.handle_min
            <= cap * n * desk.presence * (1.0 - max(away_of(desk, iv, n))) + 1e-9
            for iv in desk.intervals
        )
        if busy_ok and all(expected_service_level(desk, t, n) >= s for t, s in targets):
            return n
        n += 1
    raise _no_roster(desk, " in every interval")


def _no_roster(desk: Desk, where: str) -> TeamsimError:
    """No roster up to MAX_ROSTER meets the targets: what was asked, and where to look."""
    fields = " and ".join(
        f"channels.{cid}.requests_per_day and handle_min" for cid in desk.channels
    )
    return TeamsimError(
        f"no roster of up to {MAX_ROSTER:,} people meets the service target of "
        f"{', '.join(desk.channels)}{where} ({desk.load_erlangs:,.1f} Erlangs on the mean, "
        f"presence {format_percent(desk.presence, digits=0)}): check {fields} (a typing "
        "slip in a volume?), and the answerers' absence"
    )


def desks(sc: Scenario, month: int | None = None) -> list[Desk]:
    """The scenario's inbound channels grouped by who answers them, each sized.

    ``month``: the 0-based month of the horizon whose load is sized, its requests a day
    times the month's ``lead_volume`` factor (sim.rules.season.arrivals_per_day, the
    rate the simulator draws that month); None: the base rate, no seasonal factor.
    Sized once per scenario and month (a plan reads them from several places: the model,
    the channels' answered shares, the closing rule): the same scenario, the same desks.
    """
    if not any(isinstance(ch, InboundChannel) for ch in sc.channels.values()):
        return []
    key = (sc.model_dump_json(), month)
    if key not in _SIZED:
        if len(_SIZED) >= _SIZED_MOST:
            _SIZED.pop(next(iter(_SIZED)))  # the oldest first
        _SIZED[key] = tuple(_desks(sc, month))
    return list(_SIZED[key])


_SIZED: dict[tuple[str, int | None], tuple[Desk, ...]] = {}
_SIZED_MOST = 64


def _desks(sc: Scenario, month: int | None) -> list[Desk]:
    groups = desk_groups(sc)
    return [_desk(sc, roles, tuple(cids), month) for roles, cids in groups.items()]


def desk_groups(sc: Scenario) -> dict[tuple[str, ...], list[str]]:
    """The desks: answering roles -> the inbound channels they answer, in file order.

    Channels answered by the same roles share one queue (one desk); a network has a desk
    per unit whose answerers a channel's unit reaches (``sim.rules.reach``). Channels
    without requests or answerers have none. The one grouping the sizing, the checks and
    the simulator's desks (``sim.model.replication``) read.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel) and ch.requests_per_day > 0:
            roles = tuple(answering_roles(sc, cid))
            if roles:
                groups.setdefault(roles, []).append(cid)
    return groups


def answered_share(sc: Scenario, channel_id: str, month: int | None = None) -> float:
    """Requests of a channel answered per request offered (first attempts), at the roster.

    1.0 when its callers never hang up and are never turned away; else its desk's
    :attr:`Desk.answered_share` (at the sizing's roster, retrials included). What the
    optimiser's inbound rows read: the answers a day, and the leads they bring.
    """
    ch = _inbound(sc, channel_id)
    plain = ch.patience_min is None and ch.lines is None and ch.waiting_room is None
    if plain or ch.requests_per_day <= 0:
        return 1.0
    for desk in desks(sc, month):
        if channel_id in desk.channels:
            return desk.answered_share
    return 1.0


def answer_groups(sc: Scenario) -> list[tuple[str, ...]]:
    """The answering roles by the desk whose queue and rota they share, in file order.

    Each desk's roles (:func:`desk_groups`), then the answering roles no inbound channel
    reaches, together (they keep a rota of their own: ``pause_rule: rota`` spreads
    everyone who answers, as in a team without a desk). A team without units has one.
    Disjoint: a role answering two desks is refused (``sim.scenario.unit_checks``).
    """
    groups = list(desk_groups(sc))
    placed = {rid for group in groups for rid in group}
    rest = tuple(rid for rid in all_answering_roles(sc) if rid not in placed)
    return groups + ([rest] if rest else [])


def answering_roles(sc: Scenario, channel_id: str) -> list[str]:
    """Roles whose people answer a channel's requests, in file order.

    Every answering role (``Role.answers_inbound``) the channel's unit reaches
    (``sim.rules.reach.works_channel``): the whole team's for a channel without a unit.
    """
    return [
        rid
        for rid, r in sc.roles.items()
        if r.answers_inbound and works_channel(sc, channel_id, rid)
    ]


def all_answering_roles(sc: Scenario) -> list[str]:
    """Every role whose people answer inbound requests, whatever the channel."""
    return [rid for rid, r in sc.roles.items() if r.answers_inbound]


def _desk(
    sc: Scenario, roles: tuple[str, ...], channels: tuple[str, ...], month: int | None
) -> Desk:
    minutes = arrival_min_per_day(sc)
    heads = {rid: max(sc.roles[rid].headcount.current, 1) for rid in roles}
    total = sum(heads.values())
    dur = sum(heads[r] * mean_duration_x(sc, r) for r in roles) / total
    pres = sum(heads[r] * at_work_share(sc, r, heads[r]) for r in roles) / total
    rate = handled = 0.0
    for cid in channels:
        ch = sc.channels[cid]
        assert isinstance(ch, InboundChannel)
        per_day = arrivals_per_day(sc, cid, month)
        rate += per_day / minutes
        handled += per_day / minutes * ch.handle_min.expected_value()
    handle = handled / rate * dur
    patience, share = desk_patience(sc, channels, month)
    lines, room = desk_limits(sc, channels)
    by_interval = desk_intervals(sc, channels, month)
    first = Desk(
        channels=channels,
        roles=roles,
        arrivals_per_min=rate,
        handle_min=handle,
        load_erlangs=rate * handle,
        seats=0,
        presence=pres,
        pause_gross_up=pause_gross_up(sc),
        roster=0,
        patience_min=patience,
        retrial_share=share,
        first_per_min=rate,
        lines=lines,
        waiting_room=room,
        intervals=by_interval,
        per=_rule(sc, channels),
        scenario=sc if by_interval else None,
    )
    desk = _sized(sc, first)
    if share <= 0.0:
        return desk
    # Retrials: the desk's arrivals at the roster's abandonment, a fixed point. For one
    # roster the rounds converge (more arrivals, more hang up, by less each round); the
    # roster rises with the arrivals and P(Ab) falls with the roster, so the rosters settle
    # or cycle between two: a cycle takes the larger (as the planner's rounds do).
    rosters: list[int] = []
    for _ in range(MAX_RETRIAL_ROUNDS):
        ab = expected_abandoned(desk, desk.roster)
        arrivals = rate / (1.0 - share * ab)
        if abs(arrivals - desk.arrivals_per_min) <= 1e-10 * arrivals:
            return desk
        again = _sized(
            sc, replace(first, arrivals_per_min=arrivals, load_erlangs=arrivals * handle)
        )
        if again.roster != desk.roster and again.roster in rosters:
            return max(desk, again, key=lambda d: d.roster)
        rosters.append(desk.roster)
        desk = again
    return desk


MAX_RETRIAL_ROUNDS = 100


def _sized(sc: Scenario, desk: Desk) -> Desk:
    """``desk`` with its seats present and its roster, for its arrivals, patience and lines.

    By interval: each interval's agents on the floor, the desk's seats the most of them,
    and the roster the least whose intervals meet the targets with their share on pause
    (which is the pauses' gross-up, taken interval by interval). Alike all day: the seats
    of the whole day, and the roster times the pauses' gross-up.
    """
    if desk.intervals:
        sized = tuple(
            replace(iv, seats=_seats(sc, interval_desk(desk, iv))) for iv in desk.intervals
        )
        desk = replace(desk, intervals=sized, seats=max(iv.seats for iv in sized))
        roster = _roster(sc, desk)
        _rota_holds(sc, roster)
        return replace(desk, roster=roster)
    desk = replace(desk, seats=_seats(sc, desk))
    roster = math.ceil(_roster(sc, desk) * desk.pause_gross_up - 1e-9)
    return replace(desk, roster=roster)


def _rota_holds(sc: Scenario, roster: int) -> None:
    """The rota's slots hold the roster within each pause's ``most_away``.

    More people cannot help (each needs a slot), so a roster past the slots is said, with
    the pause and what would hold it (sim.scenario.consistency checks today's team).

    Raises:
        TeamsimError: A pause's slots cannot hold ``roster`` answerers.
    """
    day = sc.calendar.workday
    for i, pause in enumerate(day.pauses or ()):
        need = most_away_needed(pause, day, roster)
        if pause.most_away is not None and need > pause.most_away:
            count = len(slots(pause, day))
            raise TeamsimError(
                f"calendar.workday.pauses.{i}.most_away: the service target needs {roster} "
                f"answerers on the roster, and the {pause.kind.value}'s {count} slots of "
                f"{format_answer_time(pause.minutes)} hold at most "
                f"{count * pause.most_away} with {pause.most_away} away at once: allow {need} "
                "away at once, or widen its window"
            )


def _seats(sc: Scenario, desk: Desk) -> int:
    """Agents needed present for a desk alike all day: every target and the occupancy cap."""
    rate, handle, load = desk.arrivals_per_min, desk.handle_min, desk.load_erlangs
    seats = max(math.ceil(load / sc.policies.occupancy_cap - 1e-9), 1)
    if rate <= 0:
        return seats
    for cid in desk.channels:
        ch = _inbound(sc, cid)
        t, target = ch.answer_within_min, ch.service_level_target
        if desk.plain:
            need = agents_for_service_level(rate, handle, t, target)
        else:
            need = _agents_needed(desk, t, target)
        seats = max(seats, need)
    return seats


def desk_intervals(
    sc: Scenario, channels: tuple[str, ...], month: int | None = None
) -> tuple[DeskInterval, ...]:
    """The desk's intervals (by weekday when a channel has weekday factors), or none.

    None when the desk is alike all day and every day: no arrival profile, no weekday
    factors and everyone pausing together; the desk is then sized as one whole day, as
    it was before intervals. The grid is the first channel's (``sim.rules.profile``);
    another channel's requests are averaged over each interval of it.
    """
    if not any(by_interval(sc, cid) for cid in channels):
        return ()
    weekly = any(by_weekday(sc, cid) for cid in channels)
    grid = intervals(sc, channels[0])
    days: list[Weekday | None] = list(sc.calendar.weekdays) if weekly else [None]
    return tuple(
        DeskInterval(
            weekday=None if day is None else day.value,
            index=g.index,
            lo_min=g.lo_min,
            hi_min=g.hi_min,
            first_per_min=sum(
                _rate_over(sc, cid, g.lo_min, g.hi_min, day=day, month=month) for cid in channels
            ),
            away_share=away_share(sc, None, g.lo_min, g.hi_min),
        )
        for day in days
        for g in grid
    )


def _rate_over(
    sc: Scenario, cid: str, lo_min: float, hi_min: float, *, day: Weekday | None, month: int | None
) -> float:
    """Channel ``cid``'s requests a minute over ``[lo_min, hi_min)``, on its own grid."""
    total = 0.0
    for g in intervals(sc, cid):
        overlap = max(0.0, min(g.hi_min, hi_min) - max(g.lo_min, lo_min))
        if overlap > 0:
            total += overlap * interval_rate(sc, cid, g, weekday=day, month=month)
    return total / (hi_min - lo_min)


def _rule(sc: Scenario, channels: tuple[str, ...]) -> str:
    """The desk's ``service_level_per``: "day" only when every channel says so."""
    rules = {_inbound(sc, cid).service_level_per.value for cid in channels}
    return "day" if rules == {"day"} else "interval"


def _agents_needed(desk: Desk, answer_within_min: float, target: float) -> int:
    """The least agents present whose service level (over requests offered) meets ``target``.

    No fewer than ``A x target`` can (the answered share is at most c / A). With lines,
    agents past the lines answer nobody more: if every line answered falls short, no
    number of agents meets the target.

    Raises:
        TeamsimError: The lines (or no number up to MAX_ROSTER) cannot meet the target.
    """
    most = max(8, 2 * math.ceil(desk.load_erlangs) + 8)
    while True:
        levels = _table(desk, answer_within_min, most + 1, 0)  # (cached: every interval asks)
        start = max(1, math.floor(desk.load_erlangs * target))
        for c in range(start, most + 1):
            if levels[c] >= target:
                return c
            if desk.lines is not None and c >= desk.lines:
                raise TeamsimError(_lines_short(desk, answer_within_min, target, levels[c]))
        if most >= MAX_ROSTER:
            raise TeamsimError(
                f"no desk of up to {MAX_ROSTER:,} agents meets the service target of "
                f"{', '.join(desk.channels)} ({desk.load_erlangs:,.1f} Erlangs)"
            )
        most = min(MAX_ROSTER, 2 * most)


def _lines_short(desk: Desk, answer_within_min: float, target: float, best: float) -> str:
    blocked = expected_blocked(replace(desk, presence=1.0), desk.lines or 0)
    return (
        f"channels.{desk.channels[0]}.lines: {desk.lines} lines answer at most "
        f"{format_percent(best, digits=1)} of the requests within "
        f"{format_answer_time(answer_within_min)} with every line answered "
        f"({format_percent(blocked, digits=1)} turned away), below the target of "
        f"{format_percent(target, digits=1)}: allow more lines or a lower target"
    )


class DeskRuleError(TeamsimError):
    """A desk's channels that one closed form cannot size together (one queue, one rule).

    ``channel``: the channel whose field is to change (``channels.<id>``); ``reason``:
    what is wrong and what to do, in words. The message is ``channels.<id>: <reason>``;
    the scenario's checks place ``reason`` at that channel's line.
    """

    def __init__(self, channel: str, reason: str) -> None:
        self.channel, self.reason = channel, reason
        super().__init__(f"channels.{channel}: {reason}")


def desk_patience(
    sc: Scenario, channels: tuple[str, ...], month: int | None = None
) -> tuple[float, float]:
    """The desk's mean patience (minutes; inf: nobody hangs up) and retrial share.

    One channel: its own. Several: the mean of 1/(mean patience), the rate a waiting
    caller hangs up, weighted by the channels' requests (exact when they agree), and the
    retrial share weighted likewise.

    Raises:
        DeskRuleError: Some of the desk's channels have patience and some do not.
    """
    given = {cid: _inbound(sc, cid).patience_min is not None for cid in channels}
    if not any(given.values()):
        return math.inf, 0.0
    if not all(given.values()):
        without = [c for c, g in given.items() if not g]
        withp = ", ".join(c for c, g in given.items() if g)
        others = f" (nor {', '.join(without[1:])})" if len(without) > 1 else ""
        raise DeskRuleError(
            without[0],
            f"no patience_min{others}, but {withp} (answered by the same people, one queue) "
            "has one: give every channel of the desk a patience_min, or none",
        )
    weights = {cid: arrivals_per_day(sc, cid, month) for cid in channels}
    total = sum(weights.values()) or 1.0
    theta = share = 0.0
    for cid in channels:
        ch = _inbound(sc, cid)
        assert ch.patience_min is not None
        theta += weights[cid] / total / ch.patience_min.expected_value()
        share += weights[cid] / total * (ch.retrial.share if ch.retrial is not None else 0.0)
    return 1.0 / theta, share


def desk_limits(sc: Scenario, channels: tuple[str, ...]) -> tuple[int | None, int | None]:
    """The desk's ``lines`` and ``waiting_room``: its channel's (None: no limit).

    Lines and a waiting room limit one channel's requests; the closed forms (M/M/c/K)
    know one stream, so a desk pooling several channels may not have them.

    Raises:
        DeskRuleError: A desk of several channels, one of them with lines or a waiting room.
    """
    limited = [
        cid
        for cid in channels
        if _inbound(sc, cid).lines is not None or _inbound(sc, cid).waiting_room is not None
    ]
    if not limited:
        return None, None
    if len(channels) > 1:
        raise DeskRuleError(
            limited[0],
            f"lines and waiting_room limit one channel's requests, but {', '.join(channels)} "
            "are answered by the same people (one queue): limit a desk of one channel, or "
            "leave lines and waiting_room out",
        )
    ch = _inbound(sc, channels[0])
    return ch.lines, ch.waiting_room


def _inbound(sc: Scenario, cid: str) -> InboundChannel:
    ch = sc.channels[cid]
    assert isinstance(ch, InboundChannel)
    return ch
