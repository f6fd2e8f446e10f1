"""Fresh-user trial 7 of `teamsim calibrate` (issue 10): an export filtered by created date,
a partial export of some segments, the booking-rate check per channel, and wording."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import yaml
from typer.testing import CliRunner

from calibrate import Kind, combine, normalise
from teamsim.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def _words(text: str) -> str:
    return " ".join(text.split())


def _quarter(n: int = 91) -> pd.DataFrame:
    """n deals of demo_requests (smb_core), one a day from 2027-01-04 (Monday).

    Each closes 30 + (i % 7) * 10 days after it is created (30 to 90 days): the deals
    created in the quarter close until the end of June, long after the last created date.
    """
    start = dt.date(2027, 1, 4)
    rows = []
    for i in range(n):
        created = start + dt.timedelta(days=i)
        closed = created + dt.timedelta(days=30 + (i % 7) * 10)
        rows.append(
            {
                "deal_id": f"D{i}",
                "owner": f"account_executive.0{1 + i % 3}",
                "segment": "smb_core",
                "channel": "demo_requests",
                "created": created.isoformat(),
                "closed": closed.isoformat(),
                "status": "won" if i % 3 == 0 else "lost",
                "value": "20000",
            }
        )
    return pd.DataFrame(rows, dtype=str)


def test_closed_dates_after_the_last_created_date_of_a_quarter_are_kept() -> None:
    raw = _quarter()
    table, problems, dropped = normalise(Kind.DEALS, raw, source="deals.csv")
    assert table is not None
    records = combine(
        {Kind.DEALS: table}, problems, {"deals": dropped}, sources={Kind.DEALS: "deals.csv"}
    )
    # the last created is 2027-04-04; closes run to 2027-07-03, 90 days later, more
    # than the 99th percentile of the cycles of deals closed by 2027-04-04 (60 days)
    assert [p.message for p in records.problems] == []
    assert records.deals is not None and len(records.deals) == 91
    assert records.deals["closed"].max() == pd.Timestamp("2027-07-03")


def test_a_slip_of_the_year_in_a_closed_date_is_still_left_out() -> None:
    raw = _quarter()
    raw.loc[5, "closed"] = "2029-02-09"  # file row 7
    table, problems, dropped = normalise(Kind.DEALS, raw, source="deals.csv")
    assert table is not None
    records = combine(
        {Kind.DEALS: table}, problems, {"deals": dropped}, sources={Kind.DEALS: "deals.csv"}
    )
    texts = [f"{p.source}:{p.row}: {p.column}" for p in records.problems]
    assert texts == ["deals.csv:7: closed"]
    assert records.dropped == {"deals": 1}


def test_the_flow_of_a_quarter_is_counted_over_its_created_dates(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    _quarter().to_csv(path, index=False)
    out = tmp_path / "out.yaml"
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "-o", str(out)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    # 91 deals created in 91 days (13 weeks): 7.0 a week, not 91 over 181 days (2027-01-04
    # to the last close 2027-07-03, 25.9 weeks: 3.5 a week)
    assert "91 deals created in 91 days (13 weeks)" in text
    scenario = yaml.safe_load(out.read_text())
    flow = scenario["channels"]["demo_requests"]
    assert list(flow) and "leads_per_week" in flow
    assert abs(flow["leads_per_week"] - 7.0) < 1e-9


def test_a_partial_export_keeps_the_flow_of_the_segments_it_does_not_cover(
    tmp_path: Path,
) -> None:
    raw = _quarter()
    raw["segment"] = "smb_new_business"
    raw["channel"] = "marketing_leads"
    path = tmp_path / "deals.csv"
    raw.to_csv(path, index=False)
    out = tmp_path / "out.yaml"
    base_path = ROOT / "scenarios" / "b2b_smb.yaml"
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "--base", str(base_path), "-o", str(out)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    warning = (
        "the file has no deals of smb_core, smb_expansion (only of smb_new_business): those "
        "segments' flows and conversions keep the base's values"
    )
    assert text.count(warning) == 1
    base = yaml.safe_load(base_path.read_text())["channels"]
    written = out.read_text()
    scenario = yaml.safe_load(written)["channels"]
    # demo_requests feeds smb_core only: its flow is the base's, not 0
    demo = scenario["demo_requests"]["requests_per_day"]
    assert demo == base["demo_requests"]["requests_per_day"] and demo > 0
    assert "flow 0 fitted" not in written
    assert "not calibrated: assumption kept (no deals of smb_core in the file)" in written
    assert "(no deals of smb_expansion in the file)" in written


def test_the_booking_check_names_the_channel_whose_bookings_join_no_deal(
    tmp_path: Path,
) -> None:
    deals = _quarter()
    deals["segment"] = "smb_new_business"
    deals["channel"] = "marketing_leads"
    deals.loc[0, "channel"] = "cold_list"  # one deal of the cold list
    rows = []
    for i in range(91):
        day = (dt.date(2027, 1, 4) + dt.timedelta(days=i)).isoformat()
        for channel in ("marketing_leads", "cold_list"):
            for kind, count in (("dial", 40), ("connect", 10), ("conversation", 3), ("booking", 1)):
                rows.append(
                    {
                        "person": "sdr.01",
                        "date": day,
                        "kind": kind,
                        "channel": channel,
                        "count": count,
                    }
                )
    deals_path, acts_path = tmp_path / "deals.csv", tmp_path / "activities.csv"
    deals.to_csv(deals_path, index=False)
    pd.DataFrame(rows).to_csv(acts_path, index=False)
    result = runner.invoke(
        app,
        [
            "calibrate",
            "--deals",
            str(deals_path),
            "--activities",
            str(acts_path),
            "--base",
            str(ROOT / "scenarios" / "b2b_smb.yaml"),
            "-o",
            str(tmp_path / "o.yaml"),
        ],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    # cold_list: 91 bookings of 273 conversations (33.3 %), but 1 deal (0.4 %)
    assert (
        "calls.lead_given_conversation: on channel cold_list, 91 bookings of 273 "
        "conversations logged (33.3 %" in text
    )
    assert "but 1 deal created from cold_list for its 273 conversations (0.4 %" in text
    # marketing_leads: 91 bookings and 90 deals of 273 conversations agree
    assert "on channel marketing_leads" not in text


def test_an_amount_that_is_not_a_number_says_the_row_is_kept() -> None:
    raw = _quarter(3)
    raw.loc[1, "value"] = "n/a"  # file row 3
    table, problems, dropped = normalise(Kind.DEALS, raw, source="deals.csv")
    assert table is not None and len(table) == 3 and dropped == 0
    assert [f"{p.source}:{p.row}: {p.column}: {p.message}" for p in problems] == [
        "deals.csv:3: value: 'n/a' is not a number (expected a number such as 12000.50, "
        "12 000,50, 12,000.50 or $1,200); the row is kept without a value"
    ]
    assert pd.isna(table["value"][1])
