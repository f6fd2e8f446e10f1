"""The sales plan back-calculated into activity volumes, month by month, without a solver.

For every counted month: the revenue target becomes leads, stage entries, conversations,
connects and dials per segment and channel. Referral and inbound leads come first (they
need no dialling), then warm pools up to what they release, then cold channels, best
revenue per dialling minute first: the order of the channel policy (sim.rules.calls).
Expected values of the same rules the model optimises (optimizer.economics), for the
team's average seller (its selling roles weighted by people x selling share x presence,
the split of leads that arrive by themselves). The hours the volumes cost are the
optimiser's answer (``Plan.duties``): they depend on who does the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.economics import ChannelEconomics, LeadEconomics, channel_economics, lead_economics
from optimizer.rates import MonthPlan, rates
from optimizer.team import sizing_units
from sim.rules.calls import dialled_channels
from sim.rules.deals import lead_segments, segments_sold
from sim.scenario import Scenario
from sim.scenario.market import ColdChannel, WarmChannel


@dataclass(frozen=True)
class FunnelRow:
    """One month, segment and channel: the volumes the plan needs."""

    month: str
    segment: str
    channel: str
    dials: float
    connects: float
    conversations: float
    leads: float  # deals entering the first stage
    stage_entries: tuple[float, ...]
    won: float
    revenue: float


@dataclass(frozen=True)
class Funnel:
    """The back-calculated plan: volumes, and revenue no channel could supply."""

    rows: tuple[FunnelRow, ...]
    shortfall: dict[str, float]  # month -> revenue beyond every finite pool, if no cold channel


def average_seller(sc: Scenario) -> dict[str, LeadEconomics]:
    """Segment -> a lead's economics for the team's average seller (current headcount)."""
    r = rates(sc)
    team = {rid: role.headcount.current for rid, role in sc.roles.items()}
    units = [u for u in sizing_units(sc, r, team) if sc.roles[u.role].sells > 0]
    weight = {u.id: team[u.role] * sc.roles[u.role].sells * u.presence for u in units}
    total = sum(weight.values())
    result = {}
    for sid in sc.segments:
        parts = (
            [(weight[u.id] / total, lead_economics(sc, r, u, sid)) for u in units] if total else []
        )
        if not parts:
            continue
        first = parts[0][1]
        result[sid] = LeadEconomics(
            segment=sid,
            minutes={},
            revenue=sum(w * e.revenue for w, e in parts),
            won=sum(w * e.won for w, e in parts),
            entries=sum(w * e.entries for w, e in parts),
            reach=tuple(sum(w * e.reach[i] for w, e in parts) for i in range(len(first.reach))),
            meetings=sum(w * e.meetings for w, e in parts),
            approvals={},
            escalations=sum(w * e.escalations for w, e in parts),
            escalation_level=first.escalation_level,
        )
    return result


def leads_per_day(
    target_per_day: float,
    channels: dict[str, ChannelEconomics],
    revenue_per_lead: dict[str, float],
) -> tuple[dict[str, float], float]:
    """Leads a day from each channel to reach the target, and the revenue left unmet."""
    leads = {
        cid: ch.fixed_leads_per_day + ch.answered_per_day * ch.lead_share
        for cid, ch in channels.items()
        if not ch.outbound
    }
    left = target_per_day - sum(leads[c] * revenue_per_lead[c] for c in leads)

    def value_per_minute(cid: str) -> float:
        ch = channels[cid]
        return revenue_per_lead[cid] * ch.leads_per_dial / max(ch.minutes_per_dial, 1e-9)

    useful = [c for c, ch in channels.items() if ch.outbound and ch.leads_per_dial > 0]
    warm = [c for c in useful if channels[c].kind == "warm"]
    cold = sorted((c for c in useful if channels[c].kind == "cold"), key=value_per_minute)
    for cid in [*warm, *reversed(cold)]:
        ch, rpl = channels[cid], revenue_per_lead[cid]
        cap = float("inf")
        if ch.contacts_per_day is not None:
            cap = ch.contacts_per_day / ch.connects_per_dial * ch.leads_per_dial
        take = min(max(left, 0.0) / rpl, cap) if rpl > 0 else 0.0
        leads[cid] = take
        left -= take * rpl
    return leads, max(left, 0.0)


def back_calculate(sc: Scenario) -> Funnel:
    """The plan of every counted month as volumes per segment and channel."""
    r = rates(sc)
    channels = channel_economics(sc)
    segs = average_seller(sc)
    shares = {cid: _segment_mix(sc, cid) for cid in channels}
    rpl = {
        cid: sum(share * segs[sid].revenue for sid, share in shares[cid].items() if sid in segs)
        for cid in channels
    }
    rows: list[FunnelRow] = []
    shortfall: dict[str, float] = {}
    for month in r.months:
        # A month is an average month of the calendar (optimizer.rates.Rates.per_month).
        days = r.per_month
        per_day, short = leads_per_day(month.target / days, channels, rpl)
        if short > 0:
            shortfall[month.label] = short * days
        for cid, ch in channels.items():
            for sid, share in shares[cid].items():
                if sid in segs:
                    leads = per_day.get(cid, 0.0) * share * days
                    rows.append(_row(month, sid, ch=ch, seg=segs[sid], leads=leads))
    return Funnel(tuple(rows), shortfall)


def _segment_mix(sc: Scenario, cid: str) -> dict[str, float]:
    """Segment -> share of a channel's leads (sim.rules.deals.lead_segments).

    A lead that arrives by itself: the channel's mix (segment first). A dialled lead
    is of a segment its dialler sells (owner first): the channel's mix over the segments
    of the roles that dial it; how those roles share the dials is the optimiser's answer.
    """
    if not isinstance(sc.channels[cid], WarmChannel | ColdChannel):
        return lead_segments(sc, cid)
    sold = {
        s for rid in sc.roles if cid in dialled_channels(sc, rid)[0] for s in segments_sold(sc, rid)
    }
    return lead_segments(sc, cid, sold)


def _row(
    month: MonthPlan, sid: str, ch: ChannelEconomics, seg: LeadEconomics, leads: float
) -> FunnelRow:
    dials = leads / ch.leads_per_dial if ch.outbound and ch.leads_per_dial else 0.0
    return FunnelRow(
        month=month.label,
        segment=sid,
        channel=ch.channel,
        dials=dials,
        connects=dials * ch.connects_per_dial,
        conversations=dials * ch.conversations_per_dial,
        leads=leads,
        stage_entries=tuple(leads * p for p in seg.reach),
        won=leads * seg.won,
        revenue=leads * seg.revenue,
    )
