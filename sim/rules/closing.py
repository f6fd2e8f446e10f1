"""Closing time (issue 13, stage S7): what the queue left at closing costs, in expectation.

An inbound channel's ``at_closing`` says what happens to its requests still waiting when
the desk closes (sim.scenario.market.ClosingRule). The simulator plays it
(sim.model.worker answers ``overtime`` channels after closing up to the day's cap;
sim.model.inbound.Door.closing drops a ``lose`` channel's queue); the optimiser reads the
expectation here:

- the queue at closing: the desk's steady state in the day's last interval, its
  arrivals that interval's (``sim.rules.profile.interval_rate``: a profile's last weight,
  else the day's even rate) and its agents those present (``k`` of the roster, binomial
  with the desk's presence, as ``sim.rules.service`` reads them) less the share on pause
  then (``sim.rules.rota.away_share``). Little's law gives the requests waiting,
  ``E[Q | c] = lambda_admitted x E[wait]`` (Erlang C, or Erlang A / M/M/c/K with the desk's
  patience and lines: ``sim.erlang.erlang_a``), never more than a day at that load can pile
  up (:func:`_queue`). The channel's part is its share of
  the last interval's arrivals (one FIFO queue over the desk's channels);
- ``overtime``: :func:`closing_minutes`, the overtime a day per answerer present,
  ``sum_k P(k) E[Q | c_k] x handle / c_k``: the queue shared out over the agents present.
  The request each agent has in hand at closing runs into overtime under every rule (as it
  always has) and is not counted here;
- ``lose``: :func:`lost_share`, the expected queue at closing over the channel's
  requests a day.

Approximations: the last interval is taken at its steady state (a busy last interval after
a quiet one holds less); patience still runs in the last interval (callers do not hang up
after closing, when the queue is no longer growing). ``tests/test_inbound_closing.py``
compares both figures with the simulation.
"""

from __future__ import annotations

import math

from sim.erlang import erlang_a
from sim.rules import profile, rota, service
from sim.rules.day import arrival_min_per_day
from sim.rules.season import arrivals_per_day
from sim.scenario import ClosingRule, InboundChannel, Scenario


def closing_rule(sc: Scenario, cid: str) -> ClosingRule:
    """The channel's ``at_closing`` (``carry`` for a channel that is not inbound)."""
    ch = sc.channels[cid]
    return ch.at_closing if isinstance(ch, InboundChannel) else ClosingRule.CARRY


def _desk_of(sc: Scenario, cid: str, month: int | None) -> service.Desk | None:
    for desk in service.desks(sc, month):
        if cid in desk.channels:
            return desk
    return None


def _last_rate(sc: Scenario, cid: str, month: int | None) -> float:
    """Requests a minute of channel ``cid`` in the last interval of its open day."""
    return profile.interval_rate(sc, cid, profile.intervals(sc, cid)[-1], month=month)


def _closing(sc: Scenario, cid: str, month: int | None, people: int | None) -> tuple[float, float]:
    """Channel ``cid``'s expected queue at closing and its overtime per answerer present."""
    desk = _desk_of(sc, cid, month)
    if desk is None or desk.arrivals_per_min <= 0:
        return 0.0, 0.0
    roster = desk.roster if people is None else people
    rates = {c: _last_rate(sc, c, month) for c in desk.channels}
    first = sum(rates.values())
    if first <= 0 or rates[cid] <= 0:
        return 0.0, 0.0
    share = rates[cid] / first  # one FIFO queue over the desk's channels
    # Retrials raise the desk's arrivals by the sizing's fixed point (sim.rules.service).
    lam = first * (desk.arrivals_per_min / desk.first_per_min if desk.first_per_min > 0 else 1.0)
    last = profile.intervals(sc, cid)[-1]
    away = rota.away_share(sc, roster, last.lo_min, last.hi_min)
    open_min = arrival_min_per_day(sc)
    # The binomial of who is present, as the sizing reads it.
    ks, pk = service.present_counts(roster, desk.presence)
    queue = minutes = 0.0
    for k, p in zip(ks, pk.tolist(), strict=True):
        agents = round(k * (1.0 - away))
        q = _queue(desk, agents, lam, open_min)
        queue += p * q
        if agents > 0:
            minutes += p * q * desk.handle_min / agents
    return queue * share, minutes * share


def _queue(desk: service.Desk, agents: int, lam: float, open_min: float) -> float:
    """Requests waiting in steady state with ``agents`` (Little's law), bounded by a day's.

    The bound: what a day of ``open_min`` minutes at this load can pile up from an empty
    morning, the net arrivals' drift plus one standard deviation of them,
    ``max(lambda - c mu, 0) T + sqrt((lambda + c mu) T)`` (an overloaded or critically
    loaded last interval has no steady state, or one far beyond a day's reach).
    """
    servers, most_in = service.capacity(desk, agents)
    served = servers / desk.handle_min
    most = max(lam - served, 0.0) * open_min + math.sqrt((lam + served) * open_min)
    if agents <= 0:
        return most
    m = erlang_a(
        servers,
        lam,
        desk.handle_min,
        mean_patience_min=desk.patience_min,
        target_wait_min=0.0,
        waiting_room=None if most_in is None else most_in - servers,
    )
    if not math.isfinite(m.mean_wait_min):
        return most
    return float(min(lam * (1.0 - m.p_block) * m.mean_wait_min, most))


def closing_queue(
    sc: Scenario, cid: str, month: int | None = None, people: int | None = None
) -> float:
    """Expected requests of channel ``cid`` waiting when the desk closes.

    ``month``: the horizon month whose seasonal factor applies (None: the base rate);
    ``people``: answerers on the roster (None: the desk's sized roster).
    """
    return _closing(sc, cid, month, people)[0]


def closing_minutes(
    sc: Scenario, cid: str, month: int | None = None, people: int | None = None
) -> float:
    """Expected overtime minutes a day per answerer present to answer the queue at closing.

    0 unless the channel's ``at_closing`` is ``overtime``. The desk's queue left at
    closing x its mean handling minutes / the agents present (module docstring), not cut at
    ``policies.overtime_max_min_per_day``: the optimiser compares the two.
    """
    if closing_rule(sc, cid) is not ClosingRule.OVERTIME:
        return 0.0
    return _closing(sc, cid, month, people)[1]


def overtime_minutes(sc: Scenario, month: int | None = None) -> dict[str, float]:
    """``closing_minutes`` of every ``overtime`` channel with requests, by channel."""
    return {
        cid: closing_minutes(sc, cid, month)
        for cid, ch in sc.channels.items()
        if isinstance(ch, InboundChannel)
        and ch.at_closing is ClosingRule.OVERTIME
        and ch.requests_per_day > 0
    }


def lost_share(
    sc: Scenario, cid: str, month: int | None = None, people: int | None = None
) -> float:
    """Expected share of channel ``cid``'s requests a day dropped at closing.

    0 unless its ``at_closing`` is ``lose``: the expected queue at closing
    (:func:`closing_queue`) over the channel's requests a day (first attempts).
    """
    if closing_rule(sc, cid) is not ClosingRule.LOSE:
        return 0.0
    per_day = arrivals_per_day(sc, cid, month)
    if per_day <= 0:
        return 0.0
    return min(closing_queue(sc, cid, month, people) / per_day, 1.0)
