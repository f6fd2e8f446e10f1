"""Outbound calls: a dial's outcomes, what a dial is worth on average, and the channel policy.

A dial is attempt -> connect -> conversation -> outcome. A conversation books a lead
(``lead``), asks to be called back (``follow_up``) or is lost. A call-back, the client's
delay later, is a conversation again with the same three outcomes, so a conversation
brings ``1 / (1 - follow_up)`` conversations and ``lead / (1 - follow_up)`` leads in all.
A conversation that books takes ``booking_call_min``, any other ``conversation_min``.

Channel policy (``policies.channel_order``):

- ``warm_first`` (the default, DOMAIN.md: cold is the last resort): a person dials warm
  pools first, in the order the scenario lists them, while the day's release of each
  lasts, then cold lists in turn (the same number of dials on each);
- ``in_turn``: every outbound channel in turn, warm ones while their release lasts.

A finite pool (warm, or a cold list with ``pool``) is paced: the contacts of the whole
horizon (the pool and every monthly refill) are released evenly over its working days,
unused contacts carry over to the next day, and a contact is used up when it is reached
(a connect); a dial nobody answers leaves it in the pool. The release is shared among
the people who dial the pool in proportion to their selling share (``pool_shares``):
each works their own share of it first, then the channels after it.

Seasonality (``Scenario.seasonality``, read through :mod:`sim.rules.season`): a dial in a
month of the horizon connects at the channel's rate times that month's ``connect_rate``
factor, and a warm pool's refill of a month is ``refill_per_month`` times that month's
``lead_volume`` factor. Without a month (``month=None``) the functions answer as without
seasonality: the unseasonal figures plain ``plan`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.rules.reach import works_channel
from sim.rules.season import SeasonKind, factor, month_factors
from sim.scenario import Scenario
from sim.scenario.market import ColdChannel, WarmChannel
from sim.scenario.work import ChannelOrder


@dataclass(frozen=True)
class DialOutcomes:
    """Probabilities of one dial of a channel."""

    connect: float  # a live person answers
    conversation: float  # given a connect
    lead: float  # given a conversation: books the first stage
    follow_up: float  # given a conversation: asks to be called back (lead + follow_up <= 1)

    def thresholds(self) -> list[float]:
        """Cumulative probabilities of no answer, no conversation, lead, follow-up."""
        q0 = 1.0 - self.connect
        q1 = q0 + self.connect * (1.0 - self.conversation)
        talk = self.connect * self.conversation
        return [q0, q1, q1 + talk * self.lead, q1 + talk * (self.lead + self.follow_up)]


def dial_outcomes(sc: Scenario, channel_id: str, month: int | None = None) -> DialOutcomes:
    """A channel's dial outcomes: its own rates, else the ``calls`` section's.

    ``month``: the 0-based month of the horizon the dial is made in; its ``connect_rate``
    seasonal factor multiplies the connect rate (validation keeps the product at most 1).
    None: no seasonal factor.
    """
    ch = sc.channels[channel_id]
    calls = sc.calls
    assert calls is not None and isinstance(ch, WarmChannel | ColdChannel)
    v = ch.conversation_given_connect
    lead = ch.lead_given_conversation
    lead = calls.lead_given_conversation if lead is None else lead
    connect = ch.connect_rate
    if month is not None:
        connect *= factor(sc, SeasonKind.CONNECT_RATE, month)
    return DialOutcomes(
        connect=connect,
        conversation=calls.conversation_given_connect if v is None else v,
        lead=lead,
        follow_up=min(calls.follow_up_given_conversation, 1.0 - lead),
    )


@dataclass(frozen=True)
class DialEconomics:
    """What one dial of a channel brings and costs on average, call-backs included."""

    channel: str
    connects: float
    conversations: float  # first conversations and call-backs
    leads: float
    minutes: float  # working minutes at duration multiplier 1, call-backs included


def dial_economics(sc: Scenario, channel_id: str, month: int | None = None) -> DialEconomics:
    """Expected outcome and minutes of one dial (call-backs within the horizon assumed).

    ``month``: as :func:`dial_outcomes` (a call-back is counted at the first dial's month).
    """
    o = dial_outcomes(sc, channel_id, month)
    calls = sc.calls
    assert calls is not None
    first = o.connect * o.conversation
    conversations = first / (1.0 - o.follow_up) if o.follow_up < 1.0 else first
    leads = conversations * o.lead
    minutes = (
        (1.0 - o.connect) * calls.no_answer_min.expected_value()
        + o.connect * (1.0 - o.conversation) * calls.connect_no_conversation_min.expected_value()
        + leads * calls.booking_call_min.expected_value()
        + (conversations - leads) * calls.conversation_min.expected_value()
    )
    return DialEconomics(
        channel=channel_id,
        connects=o.connect,
        conversations=conversations,
        leads=leads,
        minutes=minutes,
    )


def dial_order(sc: Scenario, channel_ids: list[str]) -> tuple[list[str], list[str]]:
    """A person's outbound channels as (dialled first, in order; then in turn).

    ``warm_first``: warm channels in the scenario's order, then cold ones in turn.
    ``in_turn``: nothing first, every channel in turn.
    """
    outbound = [c for c in channel_ids if isinstance(sc.channels[c], WarmChannel | ColdChannel)]
    if sc.policies.channel_order is ChannelOrder.IN_TURN:
        return [], outbound
    warm = [c for c in outbound if isinstance(sc.channels[c], WarmChannel)]
    return warm, [c for c in outbound if c not in warm]


def dialled_channels(sc: Scenario, role_id: str) -> tuple[list[str], int]:
    """The outbound channels a role dials, in dialling order, and how many go first.

    The channels that feed the role's segments (every segment when it names none),
    narrowed to ``Role.channels`` when given and to those whose unit reaches the role
    (``sim.rules.reach``), of them the warm and cold ones in the
    channel policy's order (:func:`dial_order`). The one rule of who dials what: the
    simulator's people, the optimiser's call targets and the calibration's shares of
    the plan's dials read it here.
    """
    role = sc.roles[role_id]
    segments = role.segments if role.segments is not None else list(sc.segments)
    fed = [c for s in segments for c in sc.segments[s].channels]
    allowed = set(role.channels) if role.channels is not None else set(fed)
    # A unit's channel is dialled only by the roles it reaches (sim.rules.reach).
    mine = [c for c in dict.fromkeys(fed) if c in allowed and works_channel(sc, c, role_id)]
    first, turn = dial_order(sc, mine)
    return [*first, *turn], len(first)


def pool_shares(weights: dict[str, float]) -> dict[str, float]:
    """Caller -> share of a pool's release, in proportion to selling share (or headcount x it)."""
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()} if total > 0 else {}


def pool_total(sc: Scenario, channel_id: str) -> float | None:
    """Contacts a channel offers over the horizon: its pool and each monthly refill.

    None for an unlimited cold list. Refills come at the start of every calendar month
    after the first that the horizon reaches, each ``refill_per_month`` times its month's
    ``lead_volume`` factor.
    """
    ch = sc.channels[channel_id]
    if isinstance(ch, WarmChannel):
        return ch.pool + ch.refill_per_month * _refills(sc, sc.months[-1])
    if isinstance(ch, ColdChannel) and ch.pool is not None:
        return float(ch.pool)
    return None


def _refills(sc: Scenario, through: int) -> float:
    """Refills (in units of ``refill_per_month``) come by horizon month ``through``.

    One a month from month 1 on, each weighted by its month's ``lead_volume`` factor;
    without seasonality exactly ``through`` (the sum of ones is exact in floats).
    """
    if sc.seasonality is None:
        return float(through)
    return float(sum(month_factors(sc, SeasonKind.LEAD_VOLUME)[1 : through + 1]))


def released_by(sc: Scenario, channel_id: str, day: int) -> float:
    """Contacts of a finite pool released up to the end of working day ``day``.

    An even share of the horizon's contacts a day, never more than the pool and the
    refills that have come by then (seasonal refills included, :func:`pool_total`).
    """
    total = pool_total(sc, channel_id)
    assert total is not None
    ch = sc.channels[channel_id]
    arrived = total
    if isinstance(ch, WarmChannel):
        arrived = ch.pool + ch.refill_per_month * _refills(sc, sc.months[day])
    return min(total * (day + 1) / sc.calendar.horizon_days, arrived)


def contacts_per_day(sc: Scenario, channel_id: str, month: int | None = None) -> float | None:
    """Contacts a finite pool releases a working day (None: unlimited).

    ``month`` None: on average over the horizon, its contacts over its working days.
    ``month`` m (0-based month of the horizon): what :func:`released_by` releases in
    month m's working days of the horizon, a working day; this is below the average in
    a month the release waits for refills that have not come yet.

    Raises ValueError for a month the horizon does not reach.
    """
    total = pool_total(sc, channel_id)
    if total is None:
        return None
    if month is None:
        return total / sc.calendar.horizon_days
    days = [d for d, m in enumerate(sc.months) if m == month]
    if not days:
        raise ValueError(f"expected a month of the horizon, 0..{sc.months[-1]}, got {month}")
    before = released_by(sc, channel_id, days[0] - 1) if days[0] > 0 else 0.0
    return (released_by(sc, channel_id, days[-1]) - before) / len(days)
