"""The fits: a team's records -> fitted scenario values with their samples and intervals.

``fit(records, base)`` reads the canonical tables (calibrate.contract) against a base
scenario and returns a Calibration: the values to write by ``--set`` path, what the
records cannot tell (the base's value kept), what the scenario cannot hold yet, and the
per-person table. Each part lives in its own module: the funnel (stage conversions,
open deals censored), the cycle (client delays, survival fits), deal values (lognormal),
the flow of new deals per channel, people (empirical-Bayes win multipliers, speed from
activity minutes, and the persona mix), activities (dials and call rates), the team
(headcount, days away, hires), the ramp by tenure and seasonality.
"""

from __future__ import annotations

import pandas as pd

from calibrate.contract import Calibration, Records, record_dates
from calibrate.fit.activity import fit_activities
from calibrate.fit.common import Findings
from calibrate.fit.cycle import fit_cycle
from calibrate.fit.flow import fit_flow, with_call_rates
from calibrate.fit.funnel import fit_funnel, naive_win_rate
from calibrate.fit.people import fit_personas, person_table, roles_of
from calibrate.fit.prepare import prepare
from calibrate.fit.ramp import fit_ramp
from calibrate.fit.season import fit_season
from calibrate.fit.speed import speed_multipliers
from calibrate.fit.team import fit_team
from calibrate.fit.values import fit_values
from calibrate.observed import records_period
from sim import Scenario

__all__ = ["fit", "naive_win_rate"]


def _period(records: Records) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The records' first and last dated deal or activity (None: nothing dated)."""
    dates = record_dates(records)
    if dates.empty:
        return None
    return pd.Timestamp(dates.min()), pd.Timestamp(dates.max())


def _people(records: Records) -> list[str]:
    found: list[str] = []
    if records.deals is not None:
        found += records.deals["owner"].dropna().astype(str).tolist()
    if records.activities is not None:
        found += records.activities["person"].dropna().astype(str).tolist()
    return list(dict.fromkeys(found))


def fit(records: Records, base: Scenario) -> Calibration:
    """Fit every value the records can tell, against the base scenario.

    Args:
        records: the canonical tables (any subset may be None).
        base: the scenario whose values the fits replace (its segments, stages, channels
            and roles name the paths).

    Returns:
        A Calibration: fits (path, value, n, 95 % interval, note), kept values, figures
        not written, the per-person table (PEOPLE_COLUMNS) and the records' period.
    """
    out = Findings()
    period = _period(records)
    deals = prepare(records, base, out)
    fit_funnel(deals, base, out)
    fit_cycle(deals, base, out)
    fit_values(deals, base, out)
    has_acts = records.activities is not None and not records.activities.empty
    roles = roles_of(deals, records.team, _people(records), base)
    # The activities first: a warm pool's refill is read at the call rates they fit
    # (fit.flow.with_call_rates); their findings follow the flow's, as they are read.
    calls = Findings()
    dials = fit_activities(records.activities, roles, base, calls, deals=deals, team=records.team)
    fit_flow(deals, with_call_rates(base, calls.fits), out, activities=has_acts)
    out.extend(calls)
    speed = speed_multipliers(records.activities, roles)
    people = fit_personas(person_table(deals, roles, dials, speed), deals, base, out, speed=speed)
    fit_team(records.team, base, period, out)
    dated = period is not None
    if period is None:
        # Nothing dated (a team file alone): Calibration.period must be dates, so the
        # base's first day stands in; calibrate.contract.record_dates tells it is none.
        start = pd.Timestamp(base.calendar.start)
        period = start, start
    fit_ramp(deals, records.team, base, out)
    # Over the records' steady months: a first month cut short or still filling its
    # pipeline would read as a slow season (calibrate.observed.Period).
    steady = records_period(records)
    fit_season(deals, out, steady.whole if steady is not None else None)
    return Calibration(
        fits=tuple(out.fits),
        kept=tuple(out.kept),
        unwritten=tuple(out.unwritten),
        people=people,
        period=period,
        dated=dated,
        warnings=tuple(out.warnings),
    )
