"""Unit economics: what one dial, one lead and one request bring and cost a unit.

Expected values of the rules the simulator draws from (sim.rules.calls, sim.rules.deals,
sim.rules.people): these per-unit figures are the coefficients of the model and the
building blocks of the funnel back-calculation, so neither computes a rule again.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.rates import Rates
from optimizer.team import Unit
from sim.rules.activities import TimeUse
from sim.rules.calls import contacts_per_day, dial_economics
from sim.rules.closing import lost_share
from sim.rules.deals import deal_economics, lead_segments, segments_sold
from sim.rules.duties import deal_duties
from sim.rules.season import arrivals_per_day
from sim.rules.service import answered_share
from sim.scenario import Level, Scenario
from sim.scenario.market import InboundChannel, ReferralChannel

TRAVEL = TimeUse.TRAVEL.value
AFTER_SALE = TimeUse.AFTER_SALE.value


@dataclass(frozen=True)
class ChannelEconomics:
    """One channel: what a dial yields and costs, or the leads it brings by itself."""

    channel: str
    kind: str  # warm, cold, referral, inbound
    # Outbound: per dial (call-backs included). Zero for referral and inbound channels.
    connects_per_dial: float = 0.0
    conversations_per_dial: float = 0.0
    leads_per_dial: float = 0.0
    minutes_per_dial: float = 0.0  # at duration multiplier 1
    contacts_per_day: float | None = None  # a finite pool's daily release
    # Referral and inbound: arrivals a working day.
    fixed_leads_per_day: float = 0.0  # referral leads
    requests_per_day: float = 0.0
    handle_min: float = 0.0
    lead_share: float = 0.0  # inbound: share of requests that become a lead
    # inbound: requests answered per request offered (callers who hang up are not;
    # sim.rules.service.answered_share; nor those lost at closing, sim.rules.closing)
    answered_share: float = 1.0

    @property
    def answered_per_day(self) -> float:
        """Inbound: requests answered a working day (offered x the answered share)."""
        return self.requests_per_day * self.answered_share

    @property
    def outbound(self) -> bool:
        """Whether leads come from dialling."""
        return self.kind in ("warm", "cold")


def channel_economics(
    sc: Scenario, month: int | None = None, *, average_release: bool = False
) -> dict[str, ChannelEconomics]:
    """The economics of every channel of the scenario.

    ``month``: the 0-based month of the horizon, whose seasonal factors apply
    (sim.rules.season): ``lead_volume`` to referral leads and inbound requests,
    ``connect_rate`` to dials (sim.rules.calls.dial_economics), a pool's release of that
    month (sim.rules.calls.contacts_per_day). None: no seasonal factor, the horizon's
    average release. ``average_release``: a finite pool's release at the horizon's
    average a day whatever the month (what plain ``plan`` reads at its design month:
    the simulator releases a pool evenly over the horizon, seasonal refills included).
    """
    result: dict[str, ChannelEconomics] = {}
    for cid, ch in sc.channels.items():
        if isinstance(ch, ReferralChannel):
            leads = arrivals_per_day(sc, cid, month)
            result[cid] = ChannelEconomics(cid, ch.kind, fixed_leads_per_day=leads)
        elif isinstance(ch, InboundChannel):
            fed = any(cid in seg.channels for seg in sc.segments.values())
            result[cid] = ChannelEconomics(
                cid,
                ch.kind,
                requests_per_day=arrivals_per_day(sc, cid, month),
                handle_min=ch.handle_min.expected_value(),
                lead_share=ch.lead_share if fed else 0.0,
                answered_share=_answered(sc, cid, month),
            )
        else:
            d = dial_economics(sc, cid, month)
            result[cid] = ChannelEconomics(
                cid,
                ch.kind,
                connects_per_dial=d.connects,
                conversations_per_dial=d.conversations,
                leads_per_dial=d.leads,
                minutes_per_dial=d.minutes,
                contacts_per_day=contacts_per_day(sc, cid, None if average_release else month),
            )
    return result


@dataclass(frozen=True)
class LeadEconomics:
    """A lead of a segment worked by a unit: minutes by activity, revenue, requests above.

    Per fresh lead, with the repeat sales it brings inside the counted days, the unit's
    ramp share on the win, and the after-sale support of its won clients averaged over
    the counted days (sim.rules.deals.exposure).
    """

    segment: str
    minutes: dict[str, float]  # by time-use activity, travel and per-deal duties included
    revenue: float
    won: float  # deals won per lead
    entries: float  # deals entering stage 1 per fresh lead (1 + repeat sales)
    reach: tuple[float, ...]  # of a fresh lead, before ramp
    meetings: float
    approvals: dict[Level, float]
    escalations: float
    escalation_level: Level


def lead_economics(sc: Scenario, r: Rates, unit: Unit, segment: str) -> LeadEconomics:
    """Expected work and revenue of one lead of ``segment`` worked by ``unit``."""
    seg = sc.segments[segment]
    ex = r.exposure[segment]
    after = seg.after_sale
    minutes: dict[str, float] = {}
    revenue = won = entries = meetings = escalations = 0.0
    approvals: dict[Level, float] = {}
    reach = [0.0] * len(seg.stages)
    for share, p in unit.mix:
        e = deal_economics(sc, segment, p)
        win = e.win * unit.productivity  # ramp scales the win, once
        # Repeat sales: a won deal comes back with ``repeat_probability``; the share that
        # enters (and closes) inside the counted days is the exposure's.
        extra = win * after.repeat_probability * ex.repeat_open
        closes = win * after.repeat_probability * ex.repeat_close
        per = 1.0 + extra
        for act, m in e.minutes.items():
            if act != AFTER_SALE:
                minutes[act] = minutes.get(act, 0.0) + share * m * per
        one_off = e.minutes[AFTER_SALE] / e.win if e.win else 0.0
        # Support is done on the days at work, like a recurring duty (sim.rules.deals).
        support = e.support_min_per_day_won * ex.support_days * unit.presence
        after_sale = (win + extra * win) * one_off + win * support
        minutes[AFTER_SALE] = minutes.get(AFTER_SALE, 0.0) + share * after_sale
        minutes[TRAVEL] = minutes.get(TRAVEL, 0.0) + share * e.meetings * per * 2.0 * (
            unit.travel_min
        )
        revenue += share * (win + closes * win) * e.value
        won += share * (win + closes * win)
        entries += share * per
        meetings += share * e.meetings * per
        escalations += share * e.escalations * per
        for level, n in e.approvals.items():
            approvals[level] = approvals.get(level, 0.0) + share * n * per
        reach = [a + share * b for a, b in zip(reach, e.reach, strict=True)]
    for act, m in deal_duties(sc, unit.role):
        minutes[act] = minutes.get(act, 0.0) + m * entries
    return LeadEconomics(
        segment=segment,
        minutes=minutes,
        revenue=revenue,
        won=won,
        entries=entries,
        reach=tuple(reach),
        meetings=meetings,
        approvals=approvals,
        escalations=escalations,
        escalation_level=seg.escalation_level,
    )


def unit_lead_segments(sc: Scenario, unit: Unit, channel: str) -> dict[str, float]:
    """Segment -> share of the leads this unit's people book by dialling ``channel``.

    Owner first (sim.rules.deals.lead_segments): the channel's mix over the segments
    they sell. Leads that arrive by themselves go segment first: ``lead_segments(sc,
    channel)``, then to the segment's sellers (optimizer.model).
    """
    return lead_segments(sc, channel, segments_sold(sc, unit.role))


def _answered(sc: Scenario, cid: str, month: int | None) -> float:
    """Requests answered per request offered: the desk's share, less those lost at closing.

    ``at_closing: lose`` drops the queue left at closing (sim.rules.closing.lost_share);
    the other rules answer every request in the end (overtime, or the next day).
    """
    share = answered_share(sc, cid, month)
    lost = lost_share(sc, cid, month)
    return share * (1.0 - lost) if lost > 0 else share
