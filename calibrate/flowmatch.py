"""A cold channel's lead flow from a deals export alone, matched by simulation.

A cold list has no pool: its leads follow from the dials the team makes at the channel's
rates, and the dials from the working day (quotas, occupancy, everything else people
do). With an activities file the rates are measured; with deals alone nothing says
whether few leads come from few dials or from a poor list, and no closed form gives
the dials. So the calibrated scenario is simulated over the records' own period, its
leads a month on each cold channel counted, and the channel's booking rate
(``lead_given_conversation``, the channel's own) scaled by observed / simulated until
the simulated team brings in as many leads as the records show. Which rate absorbs the
difference is a choice (the note says so): the booking rate changes the call minutes
least.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from calibrate.contract import (
    DAYS_A_MONTH,
    Calibration,
    Fit,
    Records,
    dates_of_minutes,
)
from calibrate.fit.common import creation_window, months_in, percent
from sim import Scenario, SimResult, format_number
from sim.rules import dial_economics

FIELD = "lead_given_conversation"
_CONNECT = "connect_rate"
_NO_LEADS_RATE = 1e-4  # a rate the loader accepts for a list that booked nothing


def unmeasured_cold_channels(calibration: Calibration, base: Scenario) -> list[str]:
    """Cold channels whose dialling rates the records could not measure (no activities)."""
    measured = {f.path[1] for f in calibration.fits if f.path[:1] == ("channels",)}
    measured |= {str(f.path[1]) for f in calibration.fits if f.path[-1:] == (_CONNECT,)}
    measured |= {str(k.path[1]) for k in calibration.kept if k.path[-1:] == (FIELD,)}  # filtered
    return [
        cid
        for cid, ch in base.channels.items()
        if ch.kind == "cold" and cid not in measured and base.calls is not None
    ]


def observed_leads(records: Records, channel: str) -> tuple[int, float]:
    """(deals created on the channel, calendar months they were created over).

    The months are the window every flow is counted over (calibrate.fit.common.creation_window).
    """
    deals = records.deals
    if deals is None or deals.empty or deals["created"].isna().all():
        return 0, 0.0
    return int((deals["channel"] == channel).sum()), months_in(creation_window(deals))


def simulated_leads_a_month(result: SimResult, channel: str) -> float:
    """First sales' deals created a calendar month on the channel, after the warm-up."""
    sc = result.scenario
    dates = sc.calendar.working_dates()
    counted_from = pd.Timestamp(dates[min(sc.calendar.warmup_days, len(dates) - 1)])
    deals = result.frames.deals
    created = dates_of_minutes(sc.calendar.start, deals["created_min"])
    mine = (deals["channel"] == channel) & ~deals["repeat"] & (created >= counted_from)
    months = ((pd.Timestamp(dates[-1]) - counted_from).days + 1) / DAYS_A_MONTH
    return float(mine.sum()) / (months * result.replications) if months > 0 else 0.0


def match_cold_flow(
    calibration: Calibration,
    *,
    base: Scenario,
    current: Scenario,
    result: SimResult,
    records: Records,
) -> Calibration:
    """The fits plus each unmeasured cold channel's booking rate, matched to the records.

    ``calibration`` and ``base``: the fits as first made and the scenario they were made
    against; ``current`` the calibrated scenario that was simulated, ``result`` its run
    over the records' period. The rate written is the current one x observed / simulated
    leads a month (at most 1), so repeating the step converges on the records' flow.
    """
    fits = [f for f in calibration.fits if not (f.path[-1:] == (FIELD,) and "matched" in f.note)]
    for cid in unmeasured_cold_channels(calibration, base):
        count, months = observed_leads(records, cid)
        simulated = simulated_leads_a_month(result, cid)
        if months <= 0 or simulated <= 0:
            continue
        observed = count / months
        dial = dial_economics(current, cid)
        rate = dial.leads / dial.conversations if dial.conversations > 0 else 0.0
        matched = min(1.0, max(_NO_LEADS_RATE, rate * observed / simulated))
        own = getattr(current.channels[cid], "lead_given_conversation", None) is not None
        source = f"channels.{cid}" if own else "calls"
        note = (
            f"matched: {count} deals created in {format_number(months, 1)} months "
            f"({format_number(observed, 1)} a month) against {format_number(simulated, 1)} "
            "deals a month simulated at a booking rate of "
            f"{percent(rate)} (the simulated scenario's {source}.lead_given_conversation: "
            "leads a conversation); the booking rate takes the difference (no activities "
            "file: dials and connects not measured)"
        )
        fits.append(Fit(("channels", cid, FIELD), matched, n=count, low=None, high=None, note=note))
    return dataclasses.replace(calibration, fits=tuple(fits))
