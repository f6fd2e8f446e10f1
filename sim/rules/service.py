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
  interval, with the share away of each, is issue 13's stage S5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from sim.analytic import agents_for_service_level
from sim.erlang import service_levels_upto
from sim.errors import TeamsimError
from sim.percent import format_percent
from sim.rules.day import arrival_min_per_day, pause_gross_up
from sim.rules.people import mean_duration_x
from sim.rules.season import arrivals_per_day
from sim.rules.staffing import at_work_share
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


def _present(people: int, presence: float) -> tuple[range, np.ndarray]:
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
    """Erlang C service level with k agents present, for k = 0..most (0 when unstable)."""
    return service_levels_upto(most, desk.load_erlangs, desk.handle_min, answer_within_min)


def expected_service_level(desk: Desk, answer_within_min: float, people: int) -> float:
    """Service level over the days, ``people`` on the roster each present w.p. ``presence``."""
    if desk.arrivals_per_min <= 0:
        return 1.0
    ks, pk = _present(people, desk.presence)
    levels = _service_levels(desk, answer_within_min, ks[-1])
    return float(np.dot(pk, levels[ks.start :]))


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
    n, most = max(desk.seats, 1), MAX_ROSTER
    tables = {t: _service_levels(desk, t, most) for t, _ in targets}
    while n <= most:
        busy_ok = desk.load_erlangs <= cap * n * desk.presence + 1e-9
        if busy_ok:
            ks, pk = _present(n, desk.presence)
            if all(float(np.dot(pk, tables[t][ks.start : ks.stop])) >= s for t, s in targets):
                return n
        n += 1
    raise TeamsimError(
        f"no roster of up to {MAX_ROSTER:,} people meets the service target of "
        f"{', '.join(desk.channels)} ({desk.load_erlangs:,.1f} Erlangs, presence "
        f"{format_percent(desk.presence, digits=0)})"
    )


def desks(sc: Scenario, month: int | None = None) -> list[Desk]:
    """The scenario's inbound channels grouped by who answers them, each sized.

    ``month``: the 0-based month of the horizon whose load is sized, its requests a day
    times the month's ``lead_volume`` factor (sim.rules.season.arrivals_per_day, the
    rate the simulator draws that month); None: the base rate, no seasonal factor.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel) and ch.requests_per_day > 0:
            roles = tuple(answering_roles(sc, cid))
            if roles:
                groups.setdefault(roles, []).append(cid)
    return [_desk(sc, roles, tuple(cids), month) for roles, cids in groups.items()]


def answering_roles(sc: Scenario, channel_id: str) -> list[str]:
    """Roles whose people answer a channel's requests (all answerers share one desk)."""
    del channel_id  # one desk: every answerer takes the longest-waiting request
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
