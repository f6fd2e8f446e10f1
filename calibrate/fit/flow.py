"""The flow of new deals: leads a week, a working day or a month per channel of the base.

Counted from the deals created over the days they were created in (first created date to
the last, calibrate.fit.common.creation_window: the one window of every fit), so that a
scenario calibrated from a deals export alone brings in as many leads as the team had. By
the channel's kind (sim.scenario.market, sim.rules.calls):

- referral: ``leads_per_week`` = deals / weeks;
- inbound: ``requests_per_day`` = deals a working day / ``lead_share`` (the share of
  requests that become a lead);
- warm: ``refill_per_month`` = deals a month / leads per contact used, where a contact is
  used up by a connect and brings ``conversation x lead / (1 - follow_up)`` leads,
  call-backs included (sim.rules.calls);
- cold: the dials decide the flow (with an activities file, connect_rate is fitted).

Intervals: the exact Poisson interval of the count (Garwood), divided like the count.
A channel of the base no deal of the file comes from gets a flow of 0 when the file names
channels (the note says so), and keeps the base's when it names none, or when no deal of
the file is of a segment it feeds (a partial export: warned once, naming the segments).

Deals that look filtered by status (calibrate.records.filtered_export: closed deals all
won or all lost, or none closed among MIN_CLOSED or more) are not every deal that came
in: their count is the filter's, not the flow (702 won deals in 61 weeks are 6.9 a week
where the whole export had 47.7), so every flow keeps the base's value and says why.
"""

from __future__ import annotations

from collections.abc import Sequence

from calibrate.contract import Fit, RowProblem, Status
from calibrate.fit.common import Deals, Findings, fmt, poisson_interval, span, working_days
from calibrate.records import filtered_export
from calibrate.words import counted
from sim import Scenario
from sim.rules import dial_economics

MONTHS_A_YEAR = 12
DAYS_A_YEAR = 365.25


def _leads_per_contact(base: Scenario, cid: str) -> float:
    """Leads a contact used brings: a dial's leads a connect (sim.rules.dial_economics)."""
    if base.calls is None:
        return 0.0
    dial = dial_economics(base, cid)
    return dial.leads / dial.connects if dial.connects > 0 else 0.0


def _sole_feeder(base: Scenario, cid: str) -> bool:
    """Whether the channel alone feeds some segment (its deals need no channel column)."""
    return any(seg.channels == [cid] for seg in base.segments.values())


def _no_flow_kept(deals: Deals, base: Scenario, cid: str) -> str | None:
    """Why a channel no deal comes from keeps the base's flow (None: its flow is 0).

    A flow of 0 is fitted only when the file names channels and every one it names is a
    channel of the base: a channel named otherwise may be this one spelt another way.
    """
    if deals.unplaced:
        # Deals of no base segment are not in the table: this channel's may be among them.
        return (
            f"no deals from channel {cid} among the deals placed in a segment, but "
            f"{counted(deals.unplaced, 'deal')} of no base segment may be: map their segment "
            "with --segment 'NAME=<segment>'"
        )
    named = deals.table["channel"].dropna()
    if named.empty:
        return f"no deals from channel {cid} and the file has no channel column"
    other = sorted({str(c) for c in named if c not in base.channels})
    if other:
        listed = ", ".join(f"'{c}'" for c in other[:5]) + (", ..." if len(other) > 5 else "")
        return (
            f"no deals from channel {cid}, but the file names channels the base does not have "
            f"({listed}): map them onto the base's ({', '.join(base.channels)}) with --channel "
            "'NAME=<channel>'"
        )
    return None


def _uncovered(deals: Deals, base: Scenario, out: Findings) -> list[str]:
    """The base's segments no deal of the file is of, warned once (a partial export).

    Their channels' flows are not fitted (a flow of 0 would close them): the base's stay.
    """
    covered = set(deals.table["seg"])
    missing = [sid for sid in base.segments if sid not in covered]
    if missing and covered:
        source = str(deals.table.attrs.get("source", "deals"))
        out.warnings.append(
            RowProblem(
                source,
                None,
                None,
                f"the file has no deals of {', '.join(missing)} (only of "
                f"{', '.join(sid for sid in base.segments if sid in covered)}): those "
                "segments' flows and conversions keep the base's values",
            )
        )
    return missing


def filtered(deals: Deals) -> str | None:
    """Why the deals created are not the flow of new deals (None: they are), in words."""
    status = deals.table["status"]
    won = int((status == Status.WON.value).sum())
    lost = int((status == Status.LOST.value).sum())
    question = filtered_export(won, lost, len(status) - won - lost)
    if question is None:
        return None
    return f"{question} Its deals are not every lead that came in: flow not fitted, assumption kept"


_BOOKING_RATES = ("conversation_given_connect", "lead_given_conversation")


def with_call_rates(base: Scenario, fits: Sequence[Fit]) -> Scenario:
    """The base with the call rates fitted (``calls``' and a channel's own) put in.

    A warm pool's refill is the deals a month over the leads a contact used brings, at the
    rates the calibrated scenario will dial with: those written, not the base's, so that
    the simulated pool brings in the deals the records show.
    """
    calls = {f.path[1]: f.value for f in fits if len(f.path) == 2 and f.path[0] == "calls"}
    own: dict[str, dict[str, object]] = {}
    for f in fits:
        if len(f.path) == 3 and f.path[0] == "channels" and f.path[2] in _BOOKING_RATES:
            own.setdefault(str(f.path[1]), {})[str(f.path[2])] = f.value
    rates = {k: v for k, v in calls.items() if k in _BOOKING_RATES}
    if not rates and not own:
        return base
    update: dict[str, object] = {}
    if rates and base.calls is not None:
        update["calls"] = base.calls.model_copy(update=rates)
    if own:
        channels = dict(base.channels)
        for cid, values in own.items():
            if cid in channels:
                channels[cid] = channels[cid].model_copy(update=values)
        update["channels"] = channels
    return base.model_copy(update=update)


def fit_flow(deals: Deals | None, base: Scenario, out: Findings, *, activities: bool) -> None:
    """Each channel's lead flow from the deals created in it (see the module's rules).

    ``base``: the base scenario, with the call rates fitted from the activities put in
    (:func:`with_call_rates`), which a warm pool's leads a contact used are read at.
    """
    one_sided = None if deals is None else filtered(deals)
    uncovered = [] if deals is None else _uncovered(deals, base, out)
    for cid, ch in base.channels.items():
        field = {
            "referral": "leads_per_week",
            "inbound": "requests_per_day",
            "warm": "refill_per_month",
            "cold": "connect_rate",
        }[ch.kind]
        path = ("channels", cid, field)
        if ch.kind == "cold":
            if not activities and one_sided is not None:
                # Nor is the flow matched by simulation to these deals (calibrate.flowmatch).
                out.keep(("channels", cid, "lead_given_conversation"), one_sided)
            elif not activities:
                out.keep(path, "a cold channel's leads follow from dials: give an activities file")
            continue
        if deals is None:
            out.keep(path, out.no_deals)
            continue
        if one_sided is not None:
            out.keep(path, one_sided)
            continue
        if deals.table["channel"].isna().all() and not _sole_feeder(base, cid):
            # No channel in the records: only a channel that alone feeds a segment can be
            # told from its deals; a flow of 0 for the others would be a guess.
            out.keep(path, "the deals name no channel of the base: map one with --column channel=")
            continue
        first, last = deals.window
        days = (last - first).days + 1
        count = int((deals.table["chan"] == cid).sum())
        low, high = poisson_interval(count)
        what = f"{counted(count, 'deal')} created in {counted(days, 'day')}"
        if count == 0:
            fed = [sid for sid, seg in base.segments.items() if cid in seg.channels]
            bare = [sid for sid in fed if sid not in uncovered]
            if fed and not bare:
                # A partial export (some segments only) says nothing of the others' flow.
                out.keep(path, f"no deals of {' or '.join(fed)} in the file")
                continue
            why = _no_flow_kept(deals, base, cid)
            if why is not None:
                out.keep(path, why)
                continue
            what = (
                f"no deals from channel {cid} in the file: flow 0 fitted, "
                f"0 in {counted(days, 'day')}"
            )
        if ch.kind == "referral":
            weeks = days / 7.0
            rate, interval = count / weeks, (low / weeks, high / weeks)
            note = f"fitted: {what} ({fmt(weeks)} weeks), {span(interval)}"
        elif ch.kind == "inbound":
            share = getattr(ch, "lead_share", 0.0)
            worked = working_days(base, first, last)
            if share <= 0 or worked <= 0:
                out.keep(path, f"{what}, but the base's lead_share is 0: requests unknown")
                continue
            scale = 1.0 / (worked * share)
            rate, interval = count * scale, (low * scale, high * scale)
            note = (
                f"fitted: {what} ({worked} working days) / lead_share {fmt(share)}, "
                f"{span(interval)}"
            )
        else:
            per_contact = _leads_per_contact(base, cid)
            months = days / DAYS_A_YEAR * MONTHS_A_YEAR
            if per_contact <= 0:
                out.keep(path, f"{what}, but the base's call rates book no leads")
                continue
            scale = 1.0 / (months * per_contact)
            rate, interval = count * scale, (low * scale, high * scale)
            note = (
                f"fitted: {what} ({fmt(months)} months) / {fmt(per_contact)} leads a contact "
                f"used, {span(interval)}; the pool at the start is the base's"
            )
        out.fit(path, round(rate, 3), n=count, interval=interval, note=note)
    if deals is not None:
        lost = int(deals.table["chan"].isna().sum())
        if lost:
            out.unwrite(
                "deals of no known channel",
                f"{lost} deals name no channel of the base: not counted in any flow",
                why="no channel of the base to put them in",
            )
