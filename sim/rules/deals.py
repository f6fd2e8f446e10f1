"""A deal's expected course: stages reached, the win, our minutes by activity, approvals.

What one lead entering a segment's first stage brings and costs on average, for a seller
of a given persona: the simulator draws each deal from the same rules (sim.model.deals).

- Stage ``i`` is reached by the share that passed every stage before it; its work is done
  on reaching it, then its approval (and an escalation, drawn once per deal at a uniform
  stage), then the conversion draw (``stage_conversion``).
- Work: desk stages are ``stage_work``, in-person stages ``meeting`` (with travel there
  and back, not scaled by the persona), all scaled by the persona's ``duration_x``.
- A won deal brings its value (times the owner's ramp share, drawn once), payment
  control and hand-off (``after_sale``), support of the won client every month for the
  rest of the horizon (done on the owner's days at work, like a duty), and a repeat sale
  with ``repeat_probability`` after ``repeat_after_days``.
- Time: a client's delays are calendar days; ``working_days(calendar days)`` converts.

Support and repeat sales depend on when a deal is won, so their per-deal figures are
averages over the counted working days (``Exposure``): support of a won client costs its
minutes on every counted day after its win, a repeat sale counts when it closes inside
the counted days. That is plain plan's steady month; the hiring plan puts both in their
months from the lag kernel instead (``sim.rules.lag``: ``supported``, ``repeat_close``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

import numpy as np

from sim.rules.activities import TimeUse
from sim.rules.people import stage_conversion
from sim.scenario import Level, Scenario
from sim.scenario.distributions import Distribution
from sim.scenario.team import Persona

# Draws of a delay distribution used to average over it (a fixed-seed quadrature, so
# that the figure is a pure function of the scenario).
_QUADRATURE = 4096


@dataclass(frozen=True)
class DealEconomics:
    """One lead entering a segment's first stage, worked by one persona (expected values)."""

    segment: str
    reach: tuple[float, ...]  # share of leads entering each stage
    win: float  # share won (before ramp)
    value: float  # revenue of a won deal
    minutes: dict[str, float]  # our working minutes by time-use activity, travel apart
    meetings: float  # in-person meetings (each with travel there and back)
    approvals: dict[Level, float]  # approval requests by approving level
    escalations: float  # escalation requests
    escalation_level: Level
    support_min_per_day_won: float  # support of one won client, minutes a working day

    @property
    def revenue(self) -> float:
        """Expected revenue of a lead (before ramp): win x value."""
        return self.win * self.value


def working_days(sc: Scenario, calendar_days: float) -> float:
    """Working days in ``calendar_days`` of the client's calendar, on average."""
    return calendar_days * sc.calendar.working_days_per_year / 365.25


def deal_economics(sc: Scenario, segment_id: str, p: Persona) -> DealEconomics:
    """One lead of a segment worked by a seller of persona ``p`` (expected values)."""
    seg = sc.segments[segment_id]
    reach: list[float] = []
    share = 1.0
    minutes = {TimeUse.STAGE_WORK.value: 0.0, TimeUse.MEETING.value: 0.0}
    approvals: dict[Level, float] = {}
    meetings = 0.0
    for stage in seg.stages:
        reach.append(share)
        work = stage.work_min.expected_value() * p.duration_x
        if stage.meeting:
            minutes[TimeUse.MEETING.value] += share * work
            meetings += share
        else:
            minutes[TimeUse.STAGE_WORK.value] += share * work
        if stage.approval is not None:
            approvals[stage.approval] = approvals.get(stage.approval, 0.0) + share
        share *= stage_conversion(stage.convert, p.conversion_x)
    after = seg.after_sale
    one_off = after.payment_control_min.expected_value() + after.handoff_min.expected_value()
    minutes[TimeUse.AFTER_SALE.value] = share * one_off * p.duration_x
    support = after.support_min_per_month / sc.calendar.working_days_per_month * p.duration_x
    return DealEconomics(
        segment=segment_id,
        reach=tuple(reach),
        win=share,
        value=seg.deal_value,
        minutes=minutes,
        meetings=meetings,
        approvals=approvals,
        # An escalation is drawn once per deal, at a stage the deal reaches.
        escalations=seg.escalation_rate * sum(reach) / len(reach),
        escalation_level=seg.escalation_level,
        support_min_per_day_won=support,
    )


def margin_share(sc: Scenario, segment_id: str) -> float:
    """Share of a won deal's revenue kept as gross margin, 0 to 1.

    The segment's ``gross_margin``; 1.0 when it states none, so that a margin equals the
    revenue (issue 12, docs/dev/hiring_plan.md, section 2.3).
    """
    margin = sc.segments[segment_id].gross_margin
    return 1.0 if margin is None else margin


def cycle_days(sc: Scenario, segment_id: str) -> float:
    """Working days from a lead to its win, on average: the client's delays of every stage."""
    seg = sc.segments[segment_id]
    return working_days(sc, sum(st.client_delay_days.expected_value() for st in seg.stages))


def counted_days(sc: Scenario) -> np.ndarray:
    """The working days whose results count (after the warm-up), as day indices."""
    return np.arange(sc.calendar.warmup_days, sc.calendar.horizon_days, dtype=np.float64)


@dataclass(frozen=True)
class Exposure:
    """How much of a won deal's later effects fall inside the counted days, on average.

    Per deal won, wins coming at a steady rate from the start of the horizon.
    """

    support_days: float  # counted days on which a won client is supported, per counted day
    repeat_open: float  # share of repeat sales that enter their first stage on a counted day
    repeat_close: float  # share of repeat sales that close on a counted day


@cache
def _delay_draws(dist: Distribution) -> np.ndarray:
    # A fixed-seed quadrature of the distribution: the same draws every time.
    return dist.sample(np.random.default_rng(20270104), _QUADRATURE)


def exposure(sc: Scenario, segment_id: str) -> Exposure:
    """Support days and the shares of repeat sales that land in the counted days.

    Deals are won from ``cycle_days`` on, at a steady rate; on a counted day ``d`` the
    clients won before it number ``d - cycle`` days of wins: that is the support load.
    A repeat sale starts ``repeat_after_days`` after its win and closes one cycle later.
    """
    days = counted_days(sc)
    if not len(days):
        return Exposure(0.0, 0.0, 0.0)
    cycle = cycle_days(sc, segment_id)
    support = float(np.clip(days - cycle, 0.0, None).mean())
    after = sc.segments[segment_id].after_sale
    if after.repeat_probability <= 0:
        return Exposure(support, 0.0, 0.0)
    lag = working_days(sc, 1.0) * _delay_draws(after.repeat_after_days)
    opened = float((days[None, :] - cycle - lag[:, None] > 0).mean())
    closed = float((days[None, :] - 2.0 * cycle - lag[:, None] > 0).mean())
    return Exposure(support, opened, closed)


def segments_sold(sc: Scenario, role_id: str) -> list[str]:
    """The segments whose leads a role's people own.

    ``Role.segments`` (every segment when it names none); none when the role sells
    nothing (selling share 0). Read by the simulator (who may own a lead) and the
    optimiser (whose lead balances a segment's leads enter).
    """
    role = sc.roles[role_id]
    if role.sells <= 0:
        return []
    return list(sc.segments) if role.segments is None else list(role.segments)


def lead_segments(
    sc: Scenario, channel_id: str, segments: Collection[str] | None = None
) -> dict[str, float]:
    """Segment -> share of a channel's leads, in proportion to ``lead_weight``.

    The one rule of a lead's segment (``Segment.weight_of``: the records' mix, which
    calibration reads from the deals' segment and channel columns), read by the
    simulator (sim.model.deals, sim.model.inbound) and the optimiser (optimizer.model,
    optimizer.funnel). Two kinds of lead, each under one rule:

    - A lead that arrives by itself (a referral, an inbound request that becomes a
      lead): segment first. ``segments`` None: every segment the channel feeds. Its
      owner comes after, among the sellers of that segment (:func:`segments_sold`;
      sim.model.inbound.assign). The segment is the client's, not the seller's: drawn
      among the segments of whoever got the lead, a channel's mix would drift towards
      the segments sold by more roles (web feeds a and b alike, x sells a, y sells a
      and b: x's leads would all be a, the team's some 75 % a).
    - A lead booked by a dialler (warm, cold): owner first. ``segments``: the
      dialler's; the channel's mix restricted to them. The dialler owns what they book
      and books only clients of segments they sell: they dial the channel for their
      own segments (sim.rules.calls.dialled_channels), and a dial's chance of a lead is
      the chance of one they can sell. A segment of the channel that no dialler sells
      gets no dialled leads; none is lost.

    Empty when the channel feeds none of ``segments``.
    """
    fed = [s for s, seg in sc.segments.items() if channel_id in seg.channels]
    mine = fed if segments is None else [s for s in fed if s in segments]
    weights = {s: sc.segments[s].weight_of(channel_id) for s in mine}
    total = sum(weights.values())
    return {s: w / total for s, w in weights.items()} if total else {}
