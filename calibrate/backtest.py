"""The back-test: the calibrated scenario simulated over the records' period, side by side.

For each whole calendar month of the period: observed and simulated won deals, revenue,
win rate and the mean cycle time of the deals won that month, with the simulated 80 %
band over the replications, and whether the observed month falls inside that band. A
model that is right puts about 80 % of the observed months inside its band.

The band is a distribution-free prediction interval, not the replications' P10-P90: of
n replications sorted, the k-th and the (n+1-k)-th with k = floor(0.1 (n+1)) (at least
1). A new draw from the same model falls between the k-th and j-th of n with probability
(j-k)/(n+1) (Wilks 1941; Hahn, Meeker & Escobar, *Statistical Intervals*, 2nd ed. 2017,
section 5.4), so the band holds at least 80 % of the months a correct model gives
whenever n >= 9: 9 of 11 with 10 replications, 25 of 31 with 30. numpy's P10 and P90
of 10 replications sit at order statistics 1.9 and 9.1 and hold only (9.1-1.9)/11, about
65 %, which made a correct calibration read as wrong with few replications.

Pure: :func:`backtest_scenario` places the scenario over the period (the caller simulates
it), :func:`backtest` compares the records with the replications.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.contract import MINUTES_A_DAY, Records, Status
from calibrate.observed import records_period
from sim import Scenario, SimResult, TeamsimError

__all__ = [
    "BACKTEST_MEASURES",
    "Backtest",
    "BacktestError",
    "backtest",
    "backtest_scenario",
    "band_holds",
    "band_ranks",
    "prediction_band",
    "warmup_days",
]

# Measures compared, in display order: won deals a month, revenue won a month (scenario
# currency), won / closed that month, mean calendar days from created to won. Their words
# for people ("Won deals", "Cycle time (days)") are calibrate.report.LABELS, the one table
# the terminal, the workbook and the dashboard read.
BACKTEST_MEASURES: tuple[str, ...] = ("won", "revenue", "win_rate", "cycle_days")
_COLUMNS = ["month", "measure", "observed", "mean", "p10", "p90", "low", "high", "inside"]
BAND_COVERAGE = 0.8  # the share of months a correct model puts inside the band
_MAX_HORIZON_DAYS = 2000  # sim.scenario.Calendar.horizon_days' bound
_MAX_WARMUP_DAYS = 500  # two years of working days: longer cycles are not a pipeline to fill
_MIN_WARMUP_DAYS = 20  # about a working month: the first counted month starts with deals in flight
_WARMUP_CYCLES = 1.5  # the slower half of deals (lognormal delays) outlasts one mean cycle


def _cycle_working_days(scenario: Scenario) -> float:
    """The longest mean cycle of a segment, in working days.

    Our work on each stage (minutes over the working minutes of a day) plus the
    client's delays (calendar days, x working days per week / 7).
    """
    cal = scenario.calendar
    per_day = cal.workday.available_min
    per_calendar_day = cal.working_days_per_week / 7.0
    longest = 0.0
    for segment in scenario.segments.values():
        work = sum(s.work_min.expected_value() for s in segment.stages) / per_day
        delay = sum(s.client_delay_days.expected_value() for s in segment.stages)
        longest = max(longest, work + delay * per_calendar_day)
    return longest


def warmup_days(scenario: Scenario) -> int:
    """Working days simulated before the period: 1.5 mean cycles, at least 20.

    The records start with a pipeline already running: deals won in the first month
    were created before it. A simulation started empty on the first day would win too
    little in its first months, so the back-test starts earlier and counts only the
    period's months. One mean cycle (:func:`_cycle_working_days`) fills the pipeline
    with the average deal; half a cycle more lets most of the slower deals (a lognormal
    or exponential client delay has a long tail) be in flight too; at least about a
    working month (20 days), so a fast funnel is still in its steady state; at most 500.
    """
    cycle = _cycle_working_days(scenario)
    return min(_MAX_WARMUP_DAYS, max(_MIN_WARMUP_DAYS, math.ceil(_WARMUP_CYCLES * cycle)))


def _working_dates(scenario: Scenario, first: dt.date, last: dt.date) -> list[dt.date]:
    """Working days of the scenario's calendar in [first, last]."""
    cal = scenario.calendar
    days = (first + dt.timedelta(days=k) for k in range((last - first).days + 1))
    return [d for d in days if cal.is_working_day(d)]


class BacktestError(TeamsimError, ValueError):
    """A period the back-test cannot cover (it ends before it starts, no working day)."""


def backtest_scenario(scenario: Scenario, period: tuple[pd.Timestamp, pd.Timestamp]) -> Scenario:
    """The scenario placed over the records' period, with a warm-up before it.

    ``calendar.start`` moves back from the period's first day by :func:`warmup_days`
    working days, which become ``calendar.warmup_days`` (not counted); ``horizon_days``
    runs to the period's last day. A period longer than a scenario can hold (2,000
    working days with the warm-up) keeps its latest part: the recent months are the
    ones the calibrated rates describe. Everything else is the scenario's.

    Raises:
        BacktestError: If the period ends before it starts or holds no working day.
        sim.ScenarioError: If the moved scenario does not validate.
    """
    first, last = pd.Timestamp(period[0]).date(), pd.Timestamp(period[1]).date()
    if last < first:
        raise BacktestError(f"the back-test's period ends ({last}) before it starts ({first})")
    worked = _working_dates(scenario, first, last)
    if not worked:
        raise BacktestError(f"the back-test's period {first} to {last} has no working day")
    warm = warmup_days(scenario)
    worked = worked[-(_MAX_HORIZON_DAYS - warm) :]
    start, found = worked[0], 0
    while found < warm:  # walk back over whole working days
        start -= dt.timedelta(days=1)
        found += scenario.calendar.is_working_day(start)
    data = scenario.model_dump()
    data["calendar"] = {
        **data["calendar"],
        "start": start,
        "horizon_days": warm + len(worked),
        "warmup_days": warm,
    }
    return Scenario.model_validate(data)


@dataclass(frozen=True, eq=False)
class Backtest:
    """Observed against simulated, month by month.

    ``table``: one row per month and measure (:data:`BACKTEST_MEASURES`): ``month``
    ("YYYY-MM"), ``measure``, ``observed``, the simulated ``mean``, ``p10`` and ``p90``
    over the replications (numpy's linear percentiles, for reading), the band ``low``
    and ``high`` (:func:`prediction_band`), ``inside`` (low <= observed <= high; False
    where either is missing). ``inside`` (the field): measure -> (months inside, months
    with an observed value). ``months``: the whole months of the records' period that the simulation
    covers after its warm-up.
    """

    table: pd.DataFrame
    inside: dict[str, tuple[int, int]]
    months: tuple[str, ...]
    replications: int
    currency: str
    # Whole months of the records left out because they lie within one mean cycle of
    # the records' first date (calibrate.observed.Period.filling).
    filling: tuple[str, ...] = ()
    # measure -> (P10, P90) of the months inside the band when a simulated replication
    # plays the observed history against the band of the others (see :func:`expected_inside`):
    # what a correct model gives, since one history's months move together.
    expected: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)
    # Every month of the records left out as the report's "now" leaves them out: the
    # period's filling months (``filling`` are those of them the simulation counts; the
    # others fall in its warm-up) and its partial months (calibrate.observed.Period).
    still_filling: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()

    def share_inside(self) -> float:
        """Observed months inside the band over all measures (NaN: nothing compared)."""
        hits = sum(i for i, _ in self.inside.values())
        total = sum(n for _, n in self.inside.values())
        return hits / total if total else math.nan


def _monthly(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Won, revenue, win rate and cycle by ``keys`` (+ month) from closed deals.

    ``frame`` has ``month`` (of the close), ``won`` (bool), ``value`` and ``cycle_days``.
    """
    grouped = frame.groupby([*keys, "month"], sort=True)
    won = frame.loc[frame["won"]].groupby([*keys, "month"], sort=True)
    out = pd.DataFrame({"closed": grouped.size()})
    out["won"] = won.size()
    out["revenue"] = won["value"].sum()
    out["cycle_days"] = won["cycle_days"].mean()
    out[["won", "revenue"]] = out[["won", "revenue"]].fillna(0.0)
    out["win_rate"] = out["won"] / out["closed"]
    return out


def _observed(records: Records) -> pd.DataFrame:
    deals = records.deals
    if deals is None or deals.empty:
        return pd.DataFrame(columns=["month", *BACKTEST_MEASURES])
    closed = deals.loc[deals["status"].isin([Status.WON, Status.LOST]) & deals["closed"].notna()]
    frame = pd.DataFrame(
        {
            "month": closed["closed"].dt.strftime("%Y-%m"),
            "won": (closed["status"] == Status.WON).to_numpy(),
            "value": closed["value"].fillna(0.0).astype(float),
            "cycle_days": (closed["closed"] - closed["created"]).dt.days.astype(float),
        }
    )
    return _monthly(frame, []).reset_index()


def _simulated(result: SimResult, months: list[str]) -> pd.DataFrame:
    """Per replication and month (zeros where a replication won nothing that month)."""
    deals = result.frames.deals
    start = pd.Timestamp(result.scenario.calendar.start)
    closed = deals.loc[deals["outcome"].isin([Status.WON, Status.LOST])]
    # Times are minutes from midnight of calendar.start; whole days give the date.
    closed_day = (closed["closed_min"] // MINUTES_A_DAY).astype("int64")
    created_day = (closed["created_min"] // MINUTES_A_DAY).astype("int64")
    dates = start + pd.to_timedelta(closed_day, unit="D")
    frame = pd.DataFrame(
        {
            "replication": closed["replication"].to_numpy(),
            "month": dates.dt.strftime("%Y-%m").to_numpy(),
            "won": (closed["outcome"] == Status.WON).to_numpy(),
            "value": closed["value"].to_numpy(dtype=float),
            "cycle_days": (closed_day - created_day).to_numpy(dtype=float),
        }
    )
    frame = frame.loc[frame["month"].isin(months)]
    table = _monthly(frame, ["replication"])
    grid = pd.MultiIndex.from_product(
        [list(result.frames.replications), months], names=["replication", "month"]
    )
    table = table.reindex(grid)
    table[["won", "revenue"]] = table[["won", "revenue"]].fillna(0.0)
    return table.reset_index()


def prediction_band(values: np.ndarray) -> tuple[float, float]:
    """The 80 % distribution-free prediction band of ``values`` (the finite ones).

    The k-th and (n+1-k)-th smallest of the n values, k = floor(0.1 (n+1)) and at least
    1: a new draw of the same distribution falls between them with probability
    (n+1-2k)/(n+1), at least 80 % once n >= 9 (Wilks 1941; Hahn, Meeker & Escobar 2017,
    section 5.4). Fewer values give the widest band they can, min to max ((n-1)/(n+1)).
    (NaN, NaN) for no value.
    """
    finite = np.sort(values[np.isfinite(values)])
    if len(finite) == 0:
        return (math.nan, math.nan)
    k, j = band_ranks(len(finite))
    return (float(finite[k - 1]), float(finite[j - 1]))


def band_ranks(replications: int) -> tuple[int, int]:
    """The ranks (1-based, ascending) :func:`prediction_band` takes of ``replications``."""
    k = max(1, math.floor((1.0 - BAND_COVERAGE) / 2.0 * (replications + 1) + 1e-9))
    return (k, max(k, replications + 1 - k))


def band_holds(replications: int) -> float:
    """The chance a new draw falls inside the band of ``replications`` values, (j-k)/(n+1)."""
    k, j = band_ranks(replications)
    return (j - k) / (replications + 1)


def expected_inside(sims: pd.DataFrame, measure: str) -> tuple[int, int]:
    """P10 and P90 of the months inside the band when the model itself is observed.

    Each simulated replication in turn plays the observed history, against the
    band (:func:`prediction_band`) of the other replications. The months of one history
    move together (a slow quarter, a long absence), so even a correct model puts anything from about
    half to all of them inside; this range says what a correct model gives here, and
    an observed count inside it is no evidence against the calibration. ``sims`` is
    :func:`_simulated`'s table (replication, month, the measures).
    """
    table = sims.pivot(index="replication", columns="month", values=measure)
    values = table.to_numpy(dtype=float)
    if values.shape[0] < 3 or values.shape[1] == 0:
        return (0, values.shape[1])
    counts = []
    for i in range(values.shape[0]):
        others = np.delete(values, i, axis=0)
        bands = [prediction_band(others[:, m]) for m in range(others.shape[1])]
        low = np.array([b[0] for b in bands])
        high = np.array([b[1] for b in bands])
        mine = values[i]
        seen = np.isfinite(mine)
        counts.append(int(((mine >= low) & (mine <= high) & seen).sum()))
    p10, p90 = np.percentile(counts, [10, 90])
    return (math.floor(p10), math.ceil(p90))


def _simulated_months(result: SimResult) -> list[str]:
    sc = result.scenario
    return [sc.month_label(m) for m in result.frames.window.counted_months]


def backtest(records: Records, result: SimResult, scenario: Scenario) -> Backtest:
    """Observed months of the records against the simulated band, measure by measure.

    Args:
        records: The canonical tables; the deals are compared (won, lost, value, dates).
        result: Replications of :func:`backtest_scenario`'s scenario; its calendar turns
            the simulated minutes into dates (minutes from midnight of
            ``calendar.start``, whole days of 1,440 minutes).
        scenario: The calibrated scenario (its currency labels the revenue).

    Returns:
        Only whole months of the records' period (see ``calibrate.observed.Period``)
        that the simulation counts (after its warm-up, wholly inside its horizon).
        The band is :func:`prediction_band` over replications (for win rate and cycle,
        over the replications that closed or won a deal that month); P10 and P90 are
        numpy's linear percentiles, shown for reading.
    """
    period = records_period(records)
    whole = set(period.whole) if period is not None else set()
    still = set(period.filling) if period is not None else set()
    simulated = _simulated_months(result)
    # An export may hold only the deals created since its first date (a new CRM, a
    # filtered export): its pipeline then starts empty and its first cycle wins too
    # little, whatever the model. The months within one mean cycle of the first date
    # are shown as filling and not compared: the rule of calibrate.observed.Period, the
    # one the report's "now" and the plan taken from the records leave them out by.
    filling = tuple(m for m in simulated if m in still)
    months = [m for m in simulated if m in whole]
    observed = _observed(records).set_index("month").reindex(months)
    sims = _simulated(result, months)
    rows = []
    for month in months:
        reps = sims.loc[sims["month"] == month]
        for measure in BACKTEST_MEASURES:
            values = reps[measure].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            obs = float(observed[measure].astype(float)[month])
            if measure in ("won", "revenue") and math.isnan(obs):
                obs = 0.0  # a month with nothing closed won nothing
            if len(values):
                p10, p90 = (float(v) for v in np.percentile(values, [10, 90]))
                mean = float(values.mean())
            else:
                p10 = p90 = mean = math.nan
            low, high = prediction_band(values)
            inside = bool(np.isfinite(obs) and low <= obs <= high)
            rows.append([month, measure, obs, mean, p10, p90, low, high, inside])
    table = pd.DataFrame(rows, columns=_COLUMNS)
    expected = {m: expected_inside(sims, m) for m in BACKTEST_MEASURES}
    counts = {}
    for measure in BACKTEST_MEASURES:
        part = table.loc[(table["measure"] == measure) & table["observed"].notna()]
        counts[measure] = (int(part["inside"].sum()), len(part))
    return Backtest(
        table=table,
        inside=counts,
        months=tuple(months),
        replications=result.replications,
        currency=scenario.currency,
        filling=filling,
        expected=expected,
        still_filling=() if period is None else period.filling,
        partial=() if period is None else period.partial,
    )
