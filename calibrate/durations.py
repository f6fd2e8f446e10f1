"""From observed stage durations to the client's delays, through the simulator.

A stage's observed duration (entered to left) is the client's delay plus the time the
team takes to get to the work: the day the delay ends may be a weekend, the owner may be
busy, an approval may wait. The simulator adds that time to ``client_delay_days`` by
itself, so writing the whole observed duration as the delay counts it twice and the
calibrated model's cycles come out too long. The lag is not a rule one can write down
(it is the queue of a busy day), so it is measured where it arises: simulate the
calibrated scenario, take each stage's simulated mean duration (a survival mean, open
deals censored at the horizon's end, as the fits do), and the lag is that mean less the
delay the scenario was given. The delay written is the observed mean less the lag, and
its interval moves with it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from calibrate.contract import MINUTES_A_DAY, Calibration, Fit
from calibrate.fit.cycle import survival_mean
from sim import Scenario, SimResult, format_number, format_significant, simulate

SHORTEST_DELAY = 0.1  # days: an exponential needs a positive mean
DELAY_FIELD = "client_delay_days"
LAG_REPLICATIONS = 2  # the lag is a mean over hundreds of stage passages; two runs hold it


def _horizon_end_min(scenario: Scenario) -> float:
    cal = scenario.calendar
    return ((cal.working_dates()[-1] - cal.start).days + 1) * MINUTES_A_DAY


def simulated_stage_means(
    scenario: Scenario, *, replications: int = LAG_REPLICATIONS, workers: int | None = 1
) -> dict[tuple[str, str], float]:
    """(segment, stage) -> the simulated mean days a deal spends in the stage.

    Durations run from the stage's "entered" event to its "passed" or "lost" event;
    deals still in the stage at the horizon's end are right-censored there.
    """
    return stage_means(simulate(scenario, replications, workers=workers))


def stage_means(result: SimResult) -> dict[tuple[str, str], float]:
    """(segment, stage) -> mean days in the stage over a run's replications (censored)."""
    scenario = result.scenario
    funnel = result.frames.funnel
    keys = ["replication", "deal", "segment", "stage_name"]
    entered = funnel[funnel["event"] == "entered"].set_index(keys)["time_min"]
    left = funnel[funnel["event"] != "entered"].groupby(keys)["time_min"].min()
    spells = pd.DataFrame({"entered": entered}).join(left.rename("left"), how="left")
    end = _horizon_end_min(scenario)
    observed = spells["left"].notna().to_numpy()
    stop = spells["left"].fillna(end).to_numpy()
    days = (stop - spells["entered"].to_numpy()) / MINUTES_A_DAY
    means: dict[tuple[str, str], float] = {}
    index = spells.index.to_frame(index=False)
    keys_of = list(zip(index["segment"].astype(str), index["stage_name"].astype(str), strict=True))
    for key in dict.fromkeys(keys_of):
        at = np.array([k == key for k in keys_of])
        if observed[at].sum() == 0:
            continue
        means[key] = survival_mean(days[at], observed[at])[0]
    return means


def _delay_fits(calibration: Calibration) -> list[tuple[int, str, str]]:
    """(index in fits, segment, stage) of every fitted client delay."""
    found = []
    for i, f in enumerate(calibration.fits):
        p = f.path
        if len(p) == 5 and p[0] == "segments" and p[2] == "stages" and p[4] == DELAY_FIELD:
            found.append((i, str(p[1]), str(p[3])))
    return found


def net_of_lag(
    calibration: Calibration, scenario: Scenario, simulated: dict[tuple[str, str], float]
) -> Calibration:
    """The fitted delays less the lag the simulator adds (simulated mean - delay given).

    ``calibration`` holds the observed stage means (the fits as first made);
    ``scenario`` the delays that were simulated (the fits', or a previous round's);
    ``simulated`` what :func:`simulated_stage_means` measured on it. The delay written
    is the observed mean less that lag: repeated, a fixed point where the simulated
    stage time is the observed one.
    """
    fits = list(calibration.fits)
    for i, segment, stage in _delay_fits(calibration):
        seg = scenario.segments.get(segment)
        given = next((s for s in seg.stages if s.name == stage), None) if seg else None
        if given is None or (segment, stage) not in simulated:
            continue
        lag = max(0.0, simulated[(segment, stage)] - given.client_delay_days.expected_value())
        fits[i] = _shifted(fits[i], lag)
    return dataclasses.replace(calibration, fits=tuple(fits))


def _shifted(fit: Fit, lag: float) -> Fit:
    value = dict(fit.value) if isinstance(fit.value, dict) else {"kind": "exponential"}
    mean = float(value.get("mean", 0.0))
    value["mean"] = max(SHORTEST_DELAY, mean - lag)
    low = None if fit.low is None else max(SHORTEST_DELAY, fit.low - lag)
    high = None if fit.high is None else max(SHORTEST_DELAY, fit.high - lag)
    note = (
        f"{fit.note}; less {format_number(lag, 1)} days the simulated team takes to get to "
        "the work "
        "(weekends, a busy day, approvals)"
    )
    if mean - lag < SHORTEST_DELAY:
        # The note's arithmetic must add up to the value written beside it.
        floor = format_significant(SHORTEST_DELAY)
        note += f", floored at {floor} days (an exponential needs a positive mean)"
    return dataclasses.replace(fit, value=value, low=low, high=high, note=note)
