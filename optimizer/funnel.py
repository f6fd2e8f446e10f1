"""The sales plan back-calculated into activity volumes and the hours they cost.

For every month of the horizon: the revenue target becomes deals, stage entries, leads,
conversations, connects and dials per segment and channel, and those become hours at
each level. Referral and inbound leads come first (they need no dialling), then warm
pools up to what they hold, then cold channels, best revenue per dialling minute first.
Expected values with the sellers' average persona multipliers; the model optimises the
same arithmetic (optimizer.economics) instead of following this fixed order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from optimizer.economics import (
    ChannelEconomics,
    SegmentEconomics,
    channel_economics,
    event_minutes,
    segment_economics,
)
from optimizer.rates import MonthPlan, Rates, persona_multipliers, rates
from sim.scenario import Scenario
from sim.scenario.work import PER_HEAD_SCALES, DutyScale


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
class HoursRow:
    """One month, level and activity: the hours the volumes cost."""

    month: str
    level: str
    activity: str
    hours: float


@dataclass(frozen=True)
class Funnel:
    """The back-calculated plan: volumes, hours, and revenue no channel could supply."""

    rows: tuple[FunnelRow, ...]
    hours: tuple[HoursRow, ...]
    shortfall: dict[str, float]  # month -> revenue beyond every finite pool, if no cold channel


def seller_multipliers(sc: Scenario) -> tuple[float, float, float]:
    """Duration and conversion multipliers and one-way travel of the average seller.

    Weighted by each selling role's current headcount times its selling share.
    """
    weights = {rid: r.headcount.current * r.sells for rid, r in sc.roles.items() if r.sells > 0}
    total = sum(weights.values()) or 1.0
    dur = conv = travel = 0.0
    for rid, w in weights.items():
        d, c = persona_multipliers(sc, rid)
        t = sc.roles[rid].travel_min
        dur += w * d / total
        conv += w * c / total
        travel += w * (t.expected_value() if t is not None else 0.0) / total
    if not weights:
        return 1.0, 1.0, 0.0
    return dur, conv, travel


def leads_per_day(
    target_per_day: float,
    channels: dict[str, ChannelEconomics],
    revenue_per_lead: dict[str, float],
) -> tuple[dict[str, float], float]:
    """Leads a day from each channel to reach the target, and the revenue left unmet."""
    leads = {cid: ch.fixed_leads_per_day for cid, ch in channels.items() if not ch.outbound}
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
    """The plan of every counted month as volumes per segment and channel and hours per level."""
    r = rates(sc)
    dur, conv, travel = seller_multipliers(sc)
    channels = channel_economics(sc, r)
    segs = {sid: segment_economics(sc, sid, r, conv, dur) for sid in sc.segments}
    rpl = {
        cid: sum(share * segs[sid].revenue for sid, share in ch.shares.items())
        for cid, ch in channels.items()
    }
    rows: list[FunnelRow] = []
    hours: list[HoursRow] = []
    shortfall: dict[str, float] = {}
    for month in r.months:
        per_day, short = leads_per_day(month.target / month.working_days, channels, rpl)
        days = month.working_days
        if short > 0:
            shortfall[month.label] = short * days
        for cid, ch in channels.items():
            for sid, share in ch.shares.items():
                rows.append(_row(month, sid, ch, segs[sid], per_day.get(cid, 0.0) * share * days))
        hours.extend(_hours(sc, r, month, per_day, channels, segs, dur, travel))
    return Funnel(tuple(rows), tuple(hours), shortfall)


def _row(
    month: MonthPlan, sid: str, ch: ChannelEconomics, seg: SegmentEconomics, leads: float
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
        won=leads * seg.win,
        revenue=leads * seg.revenue,
    )


def _hours(
    sc: Scenario,
    r: Rates,
    month: MonthPlan,
    leads: dict[str, float],
    channels: dict[str, ChannelEconomics],
    segs: dict[str, SegmentEconomics],
    dur: float,
    travel: float,
) -> list[HoursRow]:
    minutes: dict[tuple[str, str], float] = defaultdict(float)  # (level, activity) -> min/day

    def spread(activity: str, total: float, role_ids: list[str], weight: dict[str, float]) -> None:
        # Work shared by several roles goes to their levels in proportion to the weight.
        w = {rid: weight.get(rid, 0.0) for rid in role_ids}
        norm = sum(w.values()) or float(len(w) or 1)
        for rid in role_ids:
            share = (w[rid] / norm) if sum(w.values()) else 1.0 / (len(w) or 1)
            minutes[(sc.roles[rid].level.value, activity)] += total * share

    heads = {rid: float(role.headcount.current) for rid, role in sc.roles.items()}
    sellers = [rid for rid, role in sc.roles.items() if role.sells > 0]
    selling = {rid: heads[rid] * sc.roles[rid].sells for rid in sellers}
    deals = {sid: 0.0 for sid in segs}
    for cid, ch in channels.items():
        for sid, share in ch.shares.items():
            deals[sid] += leads.get(cid, 0.0) * share
        if ch.outbound and ch.leads_per_dial > 0:
            dial_min = leads.get(cid, 0.0) / ch.leads_per_dial * ch.minutes_per_dial * dur
            spread("calls", dial_min, sellers, selling)
        if ch.requests_per_day:
            answering = [rid for rid, role in sc.roles.items() if role.answers_inbound]
            spread("inbound", ch.requests_per_day * ch.handle_min * dur, answering, heads)
    for sid, n in deals.items():
        seg = segs[sid]
        spread("stage_work", n * seg.work_min, sellers, selling)
        spread("travel", n * seg.meetings * 2.0 * travel, sellers, selling)
        for level, count in seg.approvals.items():
            for did, mins in event_minutes(sc, DutyScale.APPROVAL, level).items():
                spread("approval", n * count * mins, _at(sc, did, level.value), heads)
        for did, mins in event_minutes(sc, DutyScale.ESCALATION, seg.escalation_level).items():
            at = _at(sc, did, seg.escalation_level.value)
            spread("escalation", n * seg.escalations * mins, at, heads)
    total_deals = sum(deals.values())
    for did, duty in sc.duties.items():
        roles = sc.duty_roles(did)
        if duty.per in PER_HEAD_SCALES:
            for rid in roles:
                minutes[(sc.roles[rid].level.value, f"duty:{did}")] += (
                    duty.minutes_per_day() * heads[rid]
                )
        elif duty.per is DutyScale.REPORT_PER_WEEK:
            for rid in roles:
                reports = sum(heads[x] for x in sc.direct_reports(rid))
                minutes[(sc.roles[rid].level.value, "coaching")] += duty.minutes_per_day(reports)
        elif duty.per is DutyScale.DEAL:
            spread(f"duty:{did}", duty.minutes * total_deals, roles, heads)
        elif duty.per is DutyScale.FIXED_PER_WEEK:
            spread(f"duty:{did}", duty.minutes / r.days_per_week, roles, heads)
        elif duty.per is DutyScale.FIXED_PER_MONTH:
            spread(f"duty:{did}", duty.minutes / r.days_per_month, roles, heads)
    days = month.working_days
    return [
        HoursRow(month.label, level, activity, m * days / 60.0)
        for (level, activity), m in sorted(minutes.items())
    ]


def _at(sc: Scenario, duty_id: str, level: str) -> list[str]:
    return [rid for rid in sc.duty_roles(duty_id) if sc.roles[rid].level.value == level]
