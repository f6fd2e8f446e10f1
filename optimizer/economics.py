"""Unit economics: what one dial, one lead, one deal and one request cost and bring.

These per-unit figures are the coefficients of the model and the building blocks of
the funnel back-calculation, so the two can never disagree. Expected values only.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.rates import Rates
from sim.analytic import expected_funnel, expected_outbound_funnel
from sim.scenario import Level, Scenario
from sim.scenario.market import InboundChannel, ReferralChannel, WarmChannel
from sim.scenario.work import DutyScale


@dataclass(frozen=True)
class ChannelEconomics:
    """One channel: what a dial yields and costs, or the leads it brings by itself."""

    channel: str
    kind: str  # warm, cold, referral, inbound
    shares: dict[str, float]  # segment -> share of the channel's leads (by lead_weight)
    # Outbound: per dial. Zero for referral and inbound channels.
    connects_per_dial: float = 0.0
    conversations_per_dial: float = 0.0
    leads_per_dial: float = 0.0
    calls_per_dial: float = 0.0  # the dial plus the follow-up calls it brings
    minutes_per_dial: float = 0.0  # at duration multiplier 1, follow-ups included
    contacts_per_day: float | None = None  # pool (and refill) spread over the horizon
    # Referral and inbound: arrivals a working day.
    fixed_leads_per_day: float = 0.0
    requests_per_day: float = 0.0
    handle_min: float = 0.0

    @property
    def outbound(self) -> bool:
        """Whether leads come from dialling."""
        return self.kind in ("warm", "cold")


@dataclass(frozen=True)
class SegmentEconomics:
    """One deal of a segment, worked by people with given persona multipliers."""

    segment: str
    reach: tuple[float, ...]  # share of deals entering each stage
    win: float
    revenue: float  # expected revenue of a deal entering stage 1
    work_min: float  # our minutes per deal: stages, after-sale, support
    meetings: float  # in-person meetings per deal (each costs travel both ways)
    approvals: dict[Level, float]  # approval requests per deal, by approving level
    escalations: float  # escalations per deal
    escalation_level: Level

    def minutes(self, travel_min: float) -> float:
        """Seller's minutes per deal including travel to and from its meetings."""
        return self.work_min + self.meetings * 2.0 * travel_min


def channel_economics(sc: Scenario, r: Rates) -> dict[str, ChannelEconomics]:
    """The economics of every channel of the scenario."""
    result: dict[str, ChannelEconomics] = {}
    for cid, ch in sc.channels.items():
        weights = {sid: seg.lead_weight for sid, seg in sc.segments.items() if cid in seg.channels}
        total = sum(weights.values())
        shares = {sid: w / total for sid, w in weights.items()} if total else {}
        if isinstance(ch, ReferralChannel):
            leads = ch.leads_per_week / r.days_per_week
            result[cid] = ChannelEconomics(cid, ch.kind, shares, fixed_leads_per_day=leads)
        elif isinstance(ch, InboundChannel):
            result[cid] = ChannelEconomics(
                cid,
                ch.kind,
                shares,
                fixed_leads_per_day=ch.requests_per_day * ch.lead_share if shares else 0.0,
                requests_per_day=ch.requests_per_day,
                handle_min=ch.handle_min.expected_value(),
            )
        else:
            result[cid] = _outbound(sc, cid, shares, r)
    return result


def _outbound(sc: Scenario, cid: str, shares: dict[str, float], r: Rates) -> ChannelEconomics:
    ch = sc.channels[cid]
    calls = sc.calls
    assert calls is not None and not isinstance(ch, ReferralChannel | InboundChannel)
    cgc = ch.conversation_given_connect
    lgc = ch.lead_given_conversation
    cgc = calls.conversation_given_connect if cgc is None else cgc
    lgc = calls.lead_given_conversation if lgc is None else lgc
    one = expected_outbound_funnel(1.0, ch.connect_rate, cgc, lgc, [])
    conv = one["conversations"]
    follow_ups = conv * calls.follow_up_given_conversation
    # A follow-up is one more conversation later on; counted as time, not as extra leads,
    # so the plan errs on the side of more dialling.
    minutes = (
        (1.0 - one["connects"]) * calls.no_answer_min.expected_value()
        + (one["connects"] - conv) * calls.connect_no_conversation_min.expected_value()
        + one["leads"] * calls.booking_call_min.expected_value()
        + (conv - one["leads"] + follow_ups) * calls.conversation_min.expected_value()
    )
    pool = getattr(ch, "pool", None)
    contacts = None
    if pool is not None:
        refill = ch.refill_per_month if isinstance(ch, WarmChannel) else 0.0
        contacts = (pool + refill * r.horizon_months) / r.horizon_days
    return ChannelEconomics(
        cid,
        ch.kind,
        shares,
        connects_per_dial=one["connects"],
        conversations_per_dial=conv,
        leads_per_dial=one["leads"],
        calls_per_dial=1.0 + follow_ups,
        minutes_per_dial=minutes,
        contacts_per_day=contacts,
    )


def segment_economics(
    sc: Scenario, segment_id: str, r: Rates, conversion_x: float = 1.0, duration_x: float = 1.0
) -> SegmentEconomics:
    """A deal of the segment worked by people with these persona multipliers.

    The persona's conversion multiplier scales every stage's conversion (capped at 1);
    its duration multiplier scales all our working minutes, not travel.
    """
    seg = sc.segments[segment_id]
    converts = [min(1.0, st.convert * conversion_x) for st in seg.stages]
    counts = expected_funnel(1.0, converts)
    reach, win = tuple(counts[:-1]), counts[-1]
    work = sum(p * st.work_min.expected_value() for p, st in zip(reach, seg.stages, strict=True))
    after = seg.after_sale
    # Won clients pile up over the horizon; on average half the horizon is left to serve them.
    support_months = r.horizon_days / 2.0 / r.days_per_month
    work += win * (
        after.payment_control_min.expected_value()
        + after.handoff_min.expected_value()
        + after.support_min_per_month * support_months
    )
    approvals: dict[Level, float] = {}
    for p, st in zip(reach, seg.stages, strict=True):
        if st.approval is not None:
            approvals[st.approval] = approvals.get(st.approval, 0.0) + p
    return SegmentEconomics(
        segment=segment_id,
        reach=reach,
        win=win,
        revenue=win * seg.deal_value,
        work_min=work * duration_x,
        meetings=sum(p for p, st in zip(reach, seg.stages, strict=True) if st.meeting),
        approvals=approvals,
        escalations=seg.escalation_rate,
        escalation_level=seg.escalation_level,
    )


def event_minutes(sc: Scenario, scale: DutyScale, level: Level) -> dict[str, float]:
    """Duties counted per approval or escalation that a level may do: duty -> minutes."""
    return {did: d.minutes for did, d in sc.duties.items() if d.per is scale and level in d.levels}
