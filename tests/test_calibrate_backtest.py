"""The back-test: a scenario's own history falls inside its simulated band; a wrong one not.

The "observed" records are replication 0 of a small B2B team (the bundled b2b_smb with
four SDRs and four account executives over 150 working days), turned into the canonical
deals table by a converter written here (the CRM export is calibrate.crm's business).
The back-test simulates 10 other replications (another seed) over the same period.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from rich.console import Console

from calibrate.backtest import (
    BACKTEST_MEASURES,
    BacktestError,
    backtest,
    backtest_scenario,
    warmup_days,
)
from calibrate.contract import COLUMNS, ROW, Kind, Records, Status
from calibrate.report import goals_against_results
from sim import SimResult, simulate
from sim.scenario import Scenario, parse_scenario
from teamsim.calibrate_view import needs_frame, print_report, write_excel

ROOT = Path(__file__).resolve().parent.parent
REPLICATIONS = 10
# With 10 replications numpy's P10 and P90 sit at order statistics 1.9 and 9.1 of 10, so
# a new draw from the same model falls between them with probability (9.1 - 1.9) / 11,
# about 65 % (the 80 % of the issue is the limit of many replications). The test asks for
# more than half of all month-measures: a correct model passes it about 5 times in 6
# over 16 month-measures (binomial, 9 or more of 16 at 0.65); this seed has 14 of 16.
MOST = 0.5


def _team(value_factor: float = 1.0) -> Scenario:
    data = parse_scenario((ROOT / "scenarios" / "b2b_smb.yaml").read_bytes()).model_dump()
    data["calendar"]["horizon_days"] = 150
    for role, n in (("sdr", 4), ("account_executive", 4), ("team_lead", 1)):
        data["roles"][role]["headcount"] = {"current": n, "min": 1, "max": 20}
    for segment in data["segments"].values():
        segment["deal_value"] *= value_factor
    return Scenario.model_validate(data)


def _records(result: SimResult) -> Records:
    """Replication 0's deals as a CRM would list them (dates from minutes, values if won)."""
    deals = result.frames.deals
    deals = deals.loc[deals["replication"] == 0]
    start = pd.Timestamp(result.scenario.calendar.start)

    def date(minutes: pd.Series) -> pd.Series:
        return start + pd.to_timedelta(minutes // (24 * 60), unit="D")

    closed = deals["closed_min"] >= 0
    won = deals["outcome"] == Status.WON
    frame = pd.DataFrame(
        {
            "deal_id": deals["deal"].astype(str),
            "owner": deals["owner"],
            "created": date(deals["created_min"]),
            "closed": date(deals["closed_min"]).where(closed),
            "status": deals["outcome"],
            "value": deals["value"].where(won),
            "segment": deals["segment"],
            "channel": deals["channel"],
        }
    ).reindex(columns=list(COLUMNS[Kind.DEALS]))
    frame[ROW] = range(2, len(frame) + 2)
    return Records(deals=frame.reset_index(drop=True))


@pytest.fixture(scope="module")
def history() -> tuple[Records, tuple[pd.Timestamp, pd.Timestamp]]:
    sc = _team()
    observed = simulate(sc, 1, seed=1, workers=1)
    dates = sc.calendar.working_dates()
    # The period the back-test covers: from the first month after the warm-up of the
    # history's own run (its pipeline is running by then) to its last day.
    first = dates[sc.calendar.warmup_days]
    first_month = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return _records(observed), (pd.Timestamp(first_month), pd.Timestamp(dates[-1]))


def test_backtest_scenario_starts_a_warmup_before_the_period() -> None:
    sc = _team()
    period = (pd.Timestamp("2027-04-01"), pd.Timestamp("2027-06-30"))
    placed = backtest_scenario(sc, period)
    cal = placed.calendar
    warm = warmup_days(sc)
    assert cal.warmup_days == warm >= 20
    assert cal.working_dates()[warm] == dt.date(2027, 4, 1)  # the period's first day counts
    assert cal.working_dates()[-1] == dt.date(2027, 6, 30)
    assert placed.month_label(placed.months[warm]) == "2027-04"
    # Eight years keep their latest part: 2,000 working days, warm-up included.
    long = backtest_scenario(sc, (pd.Timestamp("2019-06-01"), period[1])).calendar
    assert long.horizon_days == 2000 and long.working_dates()[-1] == dt.date(2027, 6, 30)
    with pytest.raises(BacktestError, match=r"period ends \(2027-04-01\) before it starts"):
        backtest_scenario(sc, (period[1], period[0]))
    weekend = (pd.Timestamp("2027-04-03"), pd.Timestamp("2027-04-04"))
    with pytest.raises(BacktestError, match="2027-04-03 to 2027-04-04 has no working day"):
        backtest_scenario(sc, weekend)


def test_the_history_of_the_scenario_falls_inside_its_band(
    history: tuple[Records, tuple[pd.Timestamp, pd.Timestamp]], tmp_path: Path
) -> None:
    records, period = history
    sc = _team()
    result = simulate(backtest_scenario(sc, period), REPLICATIONS, seed=7, workers=1)
    bt = backtest(records, result, sc)
    assert bt.months == ("2027-04", "2027-05", "2027-06", "2027-07")  # August is partial
    assert set(bt.inside) == set(BACKTEST_MEASURES)
    assert all(n == len(bt.months) for _, n in bt.inside.values())
    assert bt.share_inside() > MOST, bt.table.to_string()
    won = bt.table.loc[bt.table["measure"] == "won"]
    assert (won["p10"] <= won["mean"]).all() and (won["mean"] <= won["p90"]).all()
    # Printed and written: the count inside the band per measure, the sheet of months.
    report = goals_against_results(records, sc, needs_frame([]))
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=250), report, bt)
    i, n = bt.inside["won"]
    assert f"Inside the band: won deals {i} of {n}" in buffer.getvalue()
    write_excel(tmp_path / "bt.xlsx", report, bt, None)
    sheet = openpyxl.load_workbook(tmp_path / "bt.xlsx")["back-test"]
    assert sheet.max_row == 1 + len(bt.months) * len(BACKTEST_MEASURES)


def test_a_grossly_wrong_scenario_puts_revenue_outside(
    history: tuple[Records, tuple[pd.Timestamp, pd.Timestamp]],
) -> None:
    records, period = history
    wrong = _team(value_factor=3.0)
    result = simulate(backtest_scenario(wrong, period), REPLICATIONS, seed=7, workers=1)
    bt = backtest(records, result, wrong)
    revenue = bt.table.loc[bt.table["measure"] == "revenue"]
    assert bt.inside["revenue"] == (0, len(bt.months))
    assert (revenue["observed"] < revenue["p10"]).all()  # three times the value: far above
    assert bt.inside["won"][0] > MOST * len(bt.months)  # the counts are still right


def test_prediction_band_takes_the_ranks_that_hold_80_percent() -> None:
    """Ranks k and n+1-k, k = floor(0.1 (n+1)) >= 1: a new draw lands between them with
    probability (n+1-2k)/(n+1) (Wilks 1941), at least 0.8 from 9 replications on."""
    from calibrate.backtest import band_holds, band_ranks, prediction_band

    assert [band_ranks(n) for n in (1, 5, 9, 10, 20, 30, 40)] == [
        (1, 1), (1, 5), (1, 9), (1, 10), (2, 19), (3, 28), (4, 37)
    ]  # fmt: skip
    assert band_holds(10) == pytest.approx(9 / 11)
    assert band_holds(30) == pytest.approx(25 / 31)
    assert all(band_holds(n) >= 0.8 for n in range(9, 200))
    assert prediction_band(np.array([5.0, np.nan, 1.0, 3.0, 2.0, 4.0])) == (1.0, 5.0)
    assert prediction_band(np.arange(30.0)[::-1]) == (2.0, 27.0)
    assert all(math.isnan(v) for v in prediction_band(np.array([np.nan])))


def test_prediction_band_holds_what_it_promises() -> None:
    """20,000 bands of 10 uniform draws, each with one new draw: the share inside is
    9/11 = 0.818 (3 standard errors: 0.008); numpy's P10-P90 would hold 0.655."""
    from calibrate.backtest import prediction_band

    rng = np.random.default_rng(20261201)
    draws = rng.random((20_000, 11))
    inside = 0
    for row in draws:
        low, high = prediction_band(row[:10])
        inside += low <= row[10] <= high
    assert inside / 20_000 == pytest.approx(9 / 11, abs=0.008)
