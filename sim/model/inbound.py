"""Lead and request arrivals: inbound requests to a shared desk, referral leads to sellers.

Arrival times (Poisson counts a day, uniform over the day's working minutes or shaped by
the channel's arrival profile), handling minutes and lead draws are all drawn up front
from streams keyed by the channel, so they do not change with the team: common random
numbers across staffing scenarios. A day's expected count is the channel's rate times the
day's seasonal ``lead_volume`` factor and its weekday factor (sim.rules.profile.day_factors;
the optimiser's channel economics read the same rate by month); with every factor 1 the
draws are those of a constant rate, bit for bit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.mode import SimMode
from sim.model.clock import NEVER, Clock
from sim.model.deals import create_deal, draws, lead_segment
from sim.model.people import Person, State
from sim.model.streams import Purpose, key_of, stream
from sim.model.tasks import OnDone, Task
from sim.model.world import World
from sim.rules import profile
from sim.rules.activities import TimeUse
from sim.rules.day import arrival_min_per_day
from sim.rules.people import lead_weight
from sim.rules.reach import lead_owner_roles
from sim.rules.season import arrivals_per_day
from sim.scenario.market import ClosingRule, InboundChannel, ReferralChannel

INBOUND = TimeUse.INBOUND.value


@dataclass(eq=False, slots=True)
class Desk:
    """Inbound requests waiting, one FIFO queue per channel, and who answers them."""

    queues: dict[str, deque[Task]] = field(default_factory=dict)
    answerers: list[Person] = field(default_factory=list)
    # The inbound channels it answers (sim.rules.service.desk_groups); none for the
    # answerers no channel reaches, who keep a rota together (answer_groups).
    channels: tuple[str, ...] = ()
    turn: int = 0
    waiting: int = 0  # requests in all queues: ``pending`` without scanning them
    # Seats (indices in ``answerers``) of those idle and not yet woken, ascending: the
    # next one in turn is a bisection away instead of a scan of the whole desk.
    idle: list[int] = field(default_factory=list)
    calling: list[int] = field(default_factory=list)  # likewise, those in a run of calls
    working: list[int] = field(default_factory=list)  # likewise, in work a request outranks

    def __post_init__(self) -> None:
        for seat, p in enumerate(self.answerers):
            p.seat = seat
            p.desk = self

    def seats(self, state: State) -> list[int]:
        """The seat list of people in a state (idle, calling or working)."""
        if state is State.IDLE:
            return self.idle
        return self.calling if state is State.CALLING else self.working

    @staticmethod
    def sit(seats: list[int], p: Person) -> None:
        """Add ``p``'s seat to ``seats`` (``idle`` or ``calling``) if they answer requests."""
        if p.seat >= 0:
            insort(seats, p.seat)

    @staticmethod
    def stand(seats: list[int], p: Person) -> None:
        """Take ``p``'s seat off ``seats`` if it is there."""
        if p.seat >= 0:
            i = bisect_left(seats, p.seat)
            if i < len(seats) and seats[i] == p.seat:
                del seats[i]

    def pending(self) -> bool:
        """Whether any request waits."""
        return self.waiting > 0

    def take(self) -> Task:
        """The longest-waiting request over all channels (call only when ``pending``)."""
        queue = min((q for q in self.queues.values() if q), key=lambda q: q[0].arrived)
        self.waiting -= 1
        return queue.popleft()

    def take_from(self, channels: tuple[str, ...]) -> Task | None:
        """The longest-waiting request of ``channels`` (None: none of them has one)."""
        queues = [q for c in channels if (q := self.queues.get(c))]
        if not queues:
            return None
        queue = min(queues, key=lambda q: q[0].arrived)
        self.waiting -= 1
        return queue.popleft()

    def put_back(self, task: Task) -> None:
        """Return a request begun but not finished to the front of its channel's queue.

        It is the longest-waiting request there, so it is taken first again.
        """
        self.queues[task.channel].appendleft(task)
        self.waiting += 1


def arrival_times(
    clock: Clock,
    rng: np.random.Generator,
    per_day: NDArray[np.float64],
    minutes: float,
    shape: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = None,
) -> NDArray[np.float64]:
    """Poisson arrivals over the first ``minutes`` working minutes of every day, sorted.

    ``per_day`` holds each working day's expected arrivals, shape ``(clock.days,)``
    (:func:`day_rates`); ``minutes`` is :func:`sim.rules.day.arrival_min_per_day`: the
    day's working minutes, past the common pause (``together``), or the whole open span
    (a rota: the wall time is the day's start plus the offset, pauses included). numpy
    draws one Poisson count per day from the same stream whether the rate is an array or
    one number, so equal rates draw what a constant rate would. ``shape``: the offsets'
    map to the day's profile (``sim.rules.profile.arrival_offsets``); None, even arrivals
    (not even called).
    """
    if per_day.shape != (clock.days,):
        raise ValueError(f"expected {clock.days} daily rates, got shape {per_day.shape}")
    counts = rng.poisson(per_day)
    offsets = rng.uniform(0.0, minutes, int(counts.sum()))
    if shape is not None:
        offsets = shape(offsets)
    day = np.repeat(np.arange(clock.days), counts)
    starts = np.asarray(clock.starts)[day]
    if minutes >= clock.span:  # the open day (a rota): no pause to skip
        return np.sort(starts + offsets)
    wall = starts + offsets + np.where(offsets >= clock.half, clock.pause, 0.0)
    return np.sort(wall)


def day_rates(w: World, cid: str) -> NDArray[np.float64]:
    """A channel's expected arrivals on each working day: its base rate x the day's factor.

    ``sim.rules.season.arrivals_per_day`` (the rate the optimiser reads too) x
    ``sim.rules.profile.day_factors``: the seasonal ``lead_volume`` of the day's month,
    times the day's weekday factor when the channel's profile states them.
    """
    per_day = arrivals_per_day(w.sc, cid)
    rates: NDArray[np.float64] = per_day * profile.day_factors(w.sc, cid)
    return rates


@dataclass(eq=False, slots=True)
class LeadOwners:
    """Who may own the leads of a channel and segment, cached (sim.rules.reach)."""

    sellers: list[Person]
    seller_set: set[Person]
    # the day, the sellers present and their cumulative lead weights
    present: tuple[int, list[Person], list[float]] = (-1, [], [])


def sellers_for(w: World, cid: str, segment: str) -> LeadOwners:
    """The people who may own leads of ``segment`` arriving by ``cid`` by themselves.

    The segment's sellers within the channel's reach (sim.rules.reach.lead_owner_roles),
    in the team's order.
    """
    key = (cid, segment)
    owners = w.lead_owners.get(key)
    if owners is None:
        roles = set(lead_owner_roles(w.sc, cid, segment))
        sellers = [p for p in w.people if p.role_id in roles]
        owners = w.lead_owners[key] = LeadOwners(sellers, set(sellers))
    return owners


def assign(w: World, cid: str, segment: str, *, t: float, u: float) -> Person | None:
    """The owner of a lead of ``segment`` that arrived by itself by ``cid`` (a referral).

    Segment first (sim.rules.deals.lead_segments): the lead's segment is drawn, then its
    owner among the sellers of that segment the channel reaches: a seller at work on the
    day, drawn with probability in proportion to their selling share
    (sim.rules.people.lead_weight) by the lead's uniform ``u``; with nobody at work, among
    the sellers in seat (away that day); with nobody in seat, None (nobody has joined
    yet, or all have left).
    """
    d = w.day_for(t)
    owners = sellers_for(w, cid, segment)
    day, present, cum = owners.present
    if day != d:  # who is present changes by the day only
        seated = [p for p in owners.sellers if p.in_seat(d)]
        present = [p for p in seated if d not in p.absent] or seated
        cum = list(accumulate(lead_weight(p.role) for p in present))
        owners.present = (d, present, cum)
    if not present:
        return None
    return present[min(bisect_right(cum, u * cum[-1]), len(present) - 1)]


def dispatch(w: World, desk: Desk) -> None:
    """Tell someone at ``desk`` that a request arrived.

    An idle answerer is woken first; then one in work the request outranks (a duty, a
    follow-up: they stop it at once, as at a ringing phone); else, in block mode, the
    caller whose current dial ends first, who stops the run after it, just as in
    per-call mode each caller looks at the desk after every dial.
    """
    for seats in (desk.idle, desk.working):
        if seats:
            # The first seat from ``turn`` on, going round the desk.
            i = bisect_left(seats, desk.turn)
            seat = seats[i] if i < len(seats) else seats[0]
            desk.turn = (seat + 1) % len(desk.answerers)
            w.wake(desk.answerers[seat])
            return
    if w.mode is not SimMode.BLOCK or not w.inbound_first:
        return
    now = w.env.now
    first, soonest = None, NEVER
    for seat in desk.calling:  # in seat order, so that ties go to the first, as min() would
        p = desk.answerers[seat]
        run = p.run
        if run is not None:
            # Run.busy_until, inlined: this looks at every caller for every request.
            made = bisect_left(run.starts, p.clock.worked(run.day, run.t0, now))
            until = w.finish(p, run.day, run.t0, run.ends[made - 1]) if made else now
            if first is None or until < soonest:
                first, soonest = p, until
    if first is not None:
        w.wake(first)


def requests(w: World, cid: str, ch: InboundChannel) -> Generator[Any, Any, None]:
    """Process: inbound requests of one channel arriving at the desk.

    Each request's handling minutes, lead draw and (with ``patience_min``) patience are
    drawn up front, the k-th request's whatever the team (common random numbers); the
    patience stream is its own (``Purpose.PATIENCE``), so a channel without patience
    draws exactly what it drew before patience existed. A blocked request uses its draws
    all the same: the k-th request's stay the k-th's.
    """
    ck = key_of(cid)
    times = arrival_times(
        w.clock,
        stream(w.seed, w.replication, Purpose.ARRIVALS, ck),
        day_rates(w, cid),
        arrival_min_per_day(w.sc),
        shape=partial(profile.arrival_offsets, w.sc, cid) if profile.shaped(w.sc, cid) else None,
    )
    work = stream(w.seed, w.replication, Purpose.INBOUND_WORK, ck)
    handle = ch.handle_min.sample(work, len(times))
    leads = work.random(len(times)) < ch.lead_share
    picks = work.random(len(times)).tolist()
    door = Door(w, cid, ch)
    if ch.at_closing is ClosingRule.LOSE:
        w.env.process(door.closing())
    patience = door.patience(len(times))
    for k, t in enumerate(times.tolist()):
        yield w.env.timeout(t - w.env.now)
        on_done = _lead_on_answer(w, cid, (Purpose.DEALS, ck, k), picks[k]) if leads[k] else None
        task = Task(
            INBOUND,
            float(handle[k]),
            float(t),
            splittable=False,
            kind=INBOUND,
            late_after=ch.answer_within_min,
            on_done=on_done,
            channel=cid,
        )
        door.arrive(task, None if patience is None else float(patience[k]))


class Door:
    """One inbound channel's way into the desk: its queue, its lines, who hangs up.

    - Lines (``lines``: requests of the channel in the desk, waiting or being answered)
      and the waiting room (``waiting_room``: waiting): a request that finds them full is
      blocked (recorded, never queued).
    - Patience (``patience_min``): a caller still waiting, not yet taken by an answerer,
      hangs up when it runs out, while the desk is open: one whose patience outlasts the
      working day (the arrival day's end) is kept as a callback for the next working day,
      as every request left at closing is. A plain SimPy timeout with a callback, not a
      process: one is scheduled per request.
    - Closing (``at_closing``): ``lose`` drops the requests still waiting at the end of
      every working day (recorded ``lost``, their wait up to closing); ``overtime`` is the
      answerers' (sim.model.worker answers them after closing up to the day's cap);
      ``carry`` leaves them queued for the next working day.
    - Retrials (``retrial``): a share of those who hang up call again after a delay, a
      new request of the channel (its own handling minutes and patience) at the first
      working minute once the delay has passed. Whether, when and the new draws come from
      the channel's own stream (``Purpose.RETRIALS``), in the order callers hang up.

    The sizing reads the same rules as closed forms (sim.rules.service).
    """

    def __init__(self, w: World, cid: str, ch: InboundChannel) -> None:
        self.w, self.cid, self.ch = w, cid, ch
        self.desk = w.desk_of[cid]  # the channel's desk (a network's: its unit's)
        self.queue = self.desk.queues.setdefault(cid, deque())
        self.limited = ch.lines is not None or ch.waiting_room is not None
        self.inside = 0  # requests of the channel in the desk, counted when limited
        self.retries = (
            stream(w.seed, w.replication, Purpose.RETRIALS, key_of(cid))
            if ch.retrial is not None
            else None
        )

    def patience(self, n: int) -> NDArray[np.float64] | None:
        """The first ``n`` requests' patience, minutes (None: nobody hangs up)."""
        if self.ch.patience_min is None:
            return None
        rng = stream(self.w.seed, self.w.replication, Purpose.PATIENCE, key_of(self.cid))
        return self.ch.patience_min.sample(rng, n)

    def arrive(self, task: Task, patience: float | None) -> None:
        """A request arrives now: blocked, or queued (its caller hangs up after ``patience``)."""
        w = self.w
        if self.limited and self._full():
            w.out.waits.append(task.blocked_record(w.env.now))
            return
        lead = task.on_done
        if self.limited:
            self.inside += 1
            task.on_done = self._leaving(lead)
        self.queue.append(task)
        self.desk.waiting += 1
        if patience is not None:
            self._hang_up_at(task, patience, lead)
        dispatch(w, self.desk)

    def _full(self) -> bool:
        """Whether a request arriving now is blocked.

        Blocked: every line taken, or it would wait with the waiting room full (it waits
        when no answerer is free to take it: idle, or in work a request stops at once).
        """
        ch, desk = self.ch, self.desk
        if ch.lines is not None and self.inside >= ch.lines:
            return True
        if ch.waiting_room is None:
            return False
        free = len(desk.idle) + len(desk.working)
        return len(self.queue) + 1 - free > ch.waiting_room

    def _leaving(self, lead: OnDone | None) -> OnDone:
        def done(p: Person, t: float) -> None:
            self.inside -= 1
            if lead is not None:
                lead(p, t)

        return done

    def _hang_up_at(self, task: Task, patience: float, lead: OnDone | None) -> None:
        w = self.w
        now = w.env.now
        if now + patience >= w.clock.end(w.clock.day_of(now)):
            return

        def hang_up(_: object) -> None:
            if task.started >= 0:
                return  # answered (and perhaps put back after a cut): nobody hangs up
            try:
                self.queue.remove(task)  # by identity (Task has eq=False)
            except ValueError:
                return  # taken by an answerer who has not begun yet
            self.desk.waiting -= 1
            self.inside -= self.limited
            w.out.waits.append(task.abandoned_record(w.env.now))
            if self.retries is not None:
                self._call_again(lead)

        w.env.timeout(patience).callbacks.append(hang_up)

    def closing(self) -> Generator[Any, Any, None]:
        """Process (``at_closing: lose``): at every working day's end, drop the queue.

        Each request still waiting is recorded ``lost`` with its wait up to closing and
        leaves the desk's counts (``Desk.waiting``; the lines' ``inside``). A request begun
        and cut at the overtime cap (put back after closing) is answered already and stays,
        resumed first the next working day. A lost caller's patience timer, if any, ran out
        before closing or was never set (patience outlasting the day), and finds nothing.
        """
        w, ends = self.w, self.w.clock.ends
        for d in range(w.clock.days):
            yield w.env.timeout(ends[d] - w.env.now)
            if not self.queue:
                continue
            now, kept, lost = w.env.now, [], 0
            for task in self.queue:
                if task.started >= 0:
                    kept.append(task)
                else:
                    w.out.waits.append(task.lost_record(now))
                    lost += 1
            self.queue.clear()  # in place: the desk's queue of the channel
            self.queue.extend(kept)
            self.desk.waiting -= lost
            self.inside -= lost * self.limited

    def _call_again(self, lead: OnDone | None) -> None:
        """With the retrial share's chance, the caller calls again after the delay."""
        ch, rng, w = self.ch, self.retries, self.w
        assert ch.retrial is not None and ch.patience_min is not None and rng is not None
        if rng.random() >= ch.retrial.share:
            return
        delay = float(ch.retrial.delay_min.sample(rng, 1)[0])
        handle = float(ch.handle_min.sample(rng, 1)[0])
        patience = float(ch.patience_min.sample(rng, 1)[0])
        at = w.clock.workable(w.env.now + delay)
        if at >= w.clock.horizon:
            return
        again = Task(
            INBOUND,
            handle,
            at,
            splittable=False,
            kind=INBOUND,
            late_after=ch.answer_within_min,
            on_done=lead,  # the same caller: the same lead if answered
            channel=self.cid,
            retrial=True,
        )
        w.env.timeout(at - w.env.now).callbacks.append(lambda _: self.arrive(again, patience))


def _lead_on_answer(w: World, cid: str, keys: tuple[int, ...], u: float) -> Any:
    def on_done(p: Person, t: float) -> None:
        lead = draws(w, keys)
        segment = lead_segment(w, cid, lead.segment)  # segment first (sim.rules.deals)
        # Whoever answered owns the lead if they sell its segment (sim.rules.people).
        if p in sellers_for(w, cid, segment).seller_set:
            owner: Person | None = p
        else:
            owner = assign(w, cid, segment, t=t, u=u)
        if owner is not None:
            create_deal(w, owner, lead, channel=cid, t=t, segment=segment)

    return on_done


def referrals(w: World, cid: str, ch: ReferralChannel) -> Generator[Any, Any, None]:
    """Process: partner leads of one channel arriving as deals, no dialling needed."""
    ck = key_of(cid)
    rng = stream(w.seed, w.replication, Purpose.REFERRALS, ck)
    times = arrival_times(w.clock, rng, day_rates(w, cid), arrival_min_per_day(w.sc))
    picks = rng.random(len(times)).tolist()
    for k, t in enumerate(times.tolist()):
        yield w.env.timeout(t - w.env.now)
        lead = draws(w, (Purpose.DEALS, ck, k, 1))
        segment = lead_segment(w, cid, lead.segment)  # segment first (sim.rules.deals)
        owner = assign(w, cid, segment, t=t, u=picks[k])
        if owner is not None:
            create_deal(w, owner, lead, channel=cid, t=t, segment=segment)
