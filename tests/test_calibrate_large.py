"""A million activity rows read and fitted: nothing dropped silently, the sums kept exactly.

Issue 10, Deliver item 7 ("a file with a million activity rows in the slow tier"). The
activities are the benchmark's phone log (benchmarks/bench_calibrate.py, fixed seed) with
bad rows planted at known rows: 7 with a negative count and 3 with a date that is no
date. Beside it, a small deals file. Read through ``read_records`` and fitted against
scenarios/b2b_smb.yaml (whose outbound channels the log dials).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.bench_calibrate import activities_table, deal_tables
from calibrate import Records, RowProblem, fit
from calibrate.contract import ActivityKind
from teamsim.io import load_scenario
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
SEED = 20271005
# The bad cells, planted on cold_list dials (counts) and marketing_leads connects (dates)
# spread over the file, so that counting them would change the sums and the rates.
NEGATIVE_COUNTS = ("-1", "-3", "-1", "-2", "-1", "-5", "-1")
BAD_DATES = ("2025-02-30", "2025-13-01", "soon")
OUTBOUND = ("cold_list", "marketing_leads")
Planted = tuple[pd.DataFrame, Records, dict[int, str], dict[int, str]]
# Both tests read the one module fixture: on one xdist worker, the million rows are
# generated and read once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("calibrate_large")]


def _spread(acts: pd.DataFrame, kind: str, channel: str, n: int) -> list[int]:
    """n indices of rows of that kind and channel, from the first such row to the last."""
    where = np.flatnonzero(((acts["kind"] == kind) & (acts["channel"] == channel)).to_numpy())
    return [int(where[round(q * (len(where) - 1))]) for q in np.linspace(0, 1, n)]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    """The activities as written (all text), the records read from them, and the planted
    bad cells: table index (file row = index + 2, the header being row 1) -> the text."""
    folder = tmp_path_factory.mktemp("large")
    rng = np.random.default_rng(SEED)
    deals, _ = deal_tables(300, rng)
    acts = activities_table(ROWS, rng)
    negative = dict(zip(_spread(acts, "dial", "cold_list", 7), NEGATIVE_COUNTS, strict=True))
    dates = dict(zip(_spread(acts, "connect", "marketing_leads", 3), BAD_DATES, strict=True))
    acts.loc[list(negative), "count"] = list(negative.values())
    acts.loc[list(dates), "date"] = list(dates.values())
    deals.to_csv(folder / "deals.csv", index=False)
    acts.to_csv(folder / "activities.csv", index=False)
    records = read_records(deals=folder / "deals.csv", activities=folder / "activities.csv")
    return acts, records, negative, dates


def _activity_problems(records: Records) -> list[RowProblem]:
    return [p for p in records.problems if p.source.endswith("activities.csv")]


def test_every_bad_row_is_named_and_counted_and_no_other_row_is_dropped(
    planted: Planted,
) -> None:
    acts, records, negative, dates = planted
    assert records.activities is not None
    bad_rows = {i + 2 for i in (*negative, *dates)}
    assert len(bad_rows) == 10
    assert records.dropped["activities"] == 10
    assert len(records.activities) == ROWS - 10
    # Every other row of the file is in the table, once.
    kept = records.activities["row"].to_numpy()
    assert len(np.unique(kept)) == len(kept)
    assert set(kept.tolist()) == set(range(2, ROWS + 2)) - bad_rows

    problems = _activity_problems(records)
    left_out = [p for p in problems if p.message.endswith("; the row is left out")]
    assert sorted(p.row for p in left_out if p.row is not None) == sorted(bad_rows)
    by_row = {p.row: p for p in left_out}
    for i, text in negative.items():
        p = by_row[i + 2]
        assert (p.column, p.message) == (
            "count",
            f"{text} is negative; expected 0 or more; the row is left out",
        )
    for i, text in dates.items():
        p = by_row[i + 2]
        assert p.column == "date"
        assert p.message.startswith(f"'{text}' is not a date (expected a date such as ")
    # The only other problem: the e-mails, a kind the fits do not read, said once.
    others = [p for p in problems if p not in left_out]
    emails = int((acts["kind"] == "email").sum())
    first_email = int(np.flatnonzero((acts["kind"] == "email").to_numpy())[0]) + 2
    assert [(p.row, p.column, p.message) for p in others] == [
        (
            first_email,
            "kind",
            "activity kind 'email' is none of dial, connect, conversation, booking, "
            f"meeting, proposal; counted as other ({emails} rows)",
        )
    ]
    assert not any(p.fatal for p in records.problems)


def _file_sums(acts: pd.DataFrame, bad: list[int]) -> pd.Series:
    """Counts by kind and channel over the rows that are not planted bad, from the text."""
    good = acts.drop(index=bad)
    counts = good["count"].astype(int)
    return counts.groupby([good["kind"], good["channel"]]).sum()


def test_dials_and_connects_sum_to_the_files_and_give_the_connect_rate(
    planted: Planted,
) -> None:
    acts, records, negative, dates = planted
    assert records.activities is not None
    expected = _file_sums(acts, [*negative, *dates])
    table = records.activities
    read = table["count"].groupby([table["kind"], table["channel"]]).sum()
    for kind in (ActivityKind.DIAL, ActivityKind.CONNECT):
        for channel in (*OUTBOUND, "demo_requests"):
            assert read[(kind.value, channel)] == expected[(kind.value, channel)]
    # The planted rows were such dials and connects: counted, they would change the sums.
    rows_of = acts.groupby(["kind", "channel"]).size()
    assert expected[("dial", "cold_list")] == rows_of[("dial", "cold_list")] - len(negative)
    assert expected[("connect", "marketing_leads")] == (
        rows_of[("connect", "marketing_leads")] - len(dates)
    )

    calibration = fit(records, load_scenario(ROOT / "scenarios" / "b2b_smb.yaml"))
    fits = {f.path: f for f in calibration.fits}
    for channel in OUTBOUND:
        dials = int(expected[(ActivityKind.DIAL.value, channel)])
        connects = int(expected[(ActivityKind.CONNECT.value, channel)])
        found = fits[("channels", channel, "connect_rate")]
        assert found.value == round(connects / dials, 4)
        assert found.n == dials
        assert found.low is not None and found.high is not None
        assert found.low < connects / dials < found.high
        assert found.note.startswith(f"fitted: {connects} connects a dial of {dials}, 95 % ")
