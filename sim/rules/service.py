"""Inbound requests: offered load, seats needed present, the roster that gives them.

Requests of the channels that the same people answer share one desk (one FIFO queue
over the channels, sim.model.inbound), so their load is pooled. The rules:

- offered load ``A`` (Erlangs) = requests a day / arrival minutes a day x mean handling
  minutes x the answerers' mean duration multiplier;
- seats needed present = the Erlang C agents for every channel's target (service level
  within its answer time) and enough that occupancy ``A / c`` stays under the cap;
- the roster: each answerer is at work with probability ``presence`` (days away are
  independent), so ``k`` of ``N`` are present with a binomial probability; the expected
  service level is ``sum_k P(k) x SL(k)`` (requests are spread evenly over days), and
  the roster is the least ``N`` whose expected service level meets every target and
  whose expected seats present meet the occupancy cap. With 8 Erlangs, 6-minute
  requests, 80 % in 20 s and 27.8 days away in a 252-day year, 12 seats are needed
  present and 14 people on the roster;
- pauses: everyone pauses together and no request arrives during the pause, so the
  pause takes nobody away from an arrival (``sim.rules.day.pause_gross_up`` = 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sim.analytic import agents_for_service_level, service_level
from sim.rules.day import arrival_min_per_day, pause_gross_up, presence
from sim.rules.people import mean_duration_x
from sim.scenario import Scenario
from sim.scenario.market import InboundChannel

MAX_ROSTER = 10_000


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

    @property
    def days_away_gross_up(self) -> float:
        """People on the roster per seat needed present."""
        return self.roster / self.seats if self.seats else 1.0

    def expected_service_level(self, sc: Scenario, people: int) -> dict[str, float]:
        """Each channel's expected service level with ``people`` answerers on the roster."""
        return {
            cid: expected_service_level(self, _target(sc, cid), people) for cid in self.channels
        }


def _target(sc: Scenario, channel_id: str) -> float:
    ch = sc.channels[channel_id]
    assert isinstance(ch, InboundChannel)
    return ch.answer_within_min


def _binomial(n: int, p: float) -> list[float]:
    """P(k of n present), k = 0..n."""
    if p >= 1.0:
        return [0.0] * n + [1.0]
    q = 1.0 - p
    out = [q**n]
    for k in range(1, n + 1):
        out.append(out[-1] * (n - k + 1) / k * p / q if q > 0 else 0.0)
    return out


def expected_service_level(desk: Desk, answer_within_min: float, people: int) -> float:
    """Service level over the days, ``people`` on the roster each present w.p. ``presence``."""
    if desk.arrivals_per_min <= 0:
        return 1.0
    total = 0.0
    for k, pk in enumerate(_binomial(people, desk.presence)):
        if k and pk > 0:
            total += pk * service_level(
                k, desk.arrivals_per_min, desk.handle_min, answer_within_min
            )
    return total


def _roster(sc: Scenario, desk: Desk) -> int:
    targets = []
    for cid in desk.channels:
        ch = sc.channels[cid]
        assert isinstance(ch, InboundChannel)
        targets.append((ch.answer_within_min, ch.service_level_target))
    n = max(desk.seats, 1)
    cap = sc.policies.occupancy_cap
    while n < MAX_ROSTER:
        busy_ok = desk.load_erlangs <= cap * n * desk.presence + 1e-9
        if busy_ok and all(expected_service_level(desk, t, n) >= s for t, s in targets):
            return n
        n += 1
    return n


def desks(sc: Scenario) -> list[Desk]:
    """The scenario's inbound channels grouped by who answers them, each sized."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel) and ch.requests_per_day > 0:
            roles = tuple(answering_roles(sc, cid))
            if roles:
                groups.setdefault(roles, []).append(cid)
    return [_desk(sc, roles, tuple(cids)) for roles, cids in groups.items()]


def answering_roles(sc: Scenario, channel_id: str) -> list[str]:
    """Roles whose people answer a channel's requests (all answerers share one desk)."""
    del channel_id  # one desk: every answerer takes the longest-waiting request
    return [rid for rid, r in sc.roles.items() if r.answers_inbound]


def _desk(sc: Scenario, roles: tuple[str, ...], channels: tuple[str, ...]) -> Desk:
    minutes = arrival_min_per_day(sc)
    heads = {rid: max(sc.roles[rid].headcount.current, 1) for rid in roles}
    total = sum(heads.values())
    dur = sum(heads[r] * mean_duration_x(sc, r) for r in roles) / total
    pres = sum(heads[r] * presence(sc.roles[r], sc) for r in roles) / total
    rate = handled = 0.0
    for cid in channels:
        ch = sc.channels[cid]
        assert isinstance(ch, InboundChannel)
        rate += ch.requests_per_day / minutes
        handled += ch.requests_per_day / minutes * ch.handle_min.expected_value()
    handle = handled / rate * dur
    load = rate * handle
    seats = max(math.ceil(load / sc.policies.occupancy_cap - 1e-9), 1)
    for cid in channels:
        ch = sc.channels[cid]
        assert isinstance(ch, InboundChannel)
        need = agents_for_service_level(rate, handle, ch.answer_within_min, ch.service_level_target)
        seats = max(seats, need)
    pause = pause_gross_up(sc)
    desk = Desk(
        channels=channels,
        roles=roles,
        arrivals_per_min=rate,
        handle_min=handle,
        load_erlangs=load,
        seats=seats,
        presence=pres,
        pause_gross_up=pause,
        roster=0,
    )
    roster = math.ceil(_roster(sc, desk) * pause - 1e-9)
    return replace(desk, roster=roster)
