"""Fresh-user trial 5 of `teamsim calibrate` (issue 10): stray dates, wide work-day cards,
and the smaller findings (costs not converted, one headcount comment, one-sided personas,
one number style in an interval)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from calibrate import Kind, combine, normalise
from calibrate.contract import record_dates
from teamsim.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"


def _words(text: str) -> str:
    return " ".join(text.split())


def _deals(n: int = 100) -> pd.DataFrame:
    """n deals created every 3 days of 2024 from Jan 1, each closed 10 days later, won or lost."""
    start = dt.date(2024, 1, 1)
    rows = []
    for i in range(n):
        created = start + dt.timedelta(days=3 * i)
        closed = created + dt.timedelta(days=10)
        rows.append(
            {
                "id": f"D{i}",
                "owner": "Ann" if i % 2 else "Bob",
                "created": created.isoformat(),
                "closed": closed.isoformat(),
                "status": "won" if i % 3 == 0 else "lost",
                "amount": "1000",
            }
        )
    return pd.DataFrame(rows, dtype=str)


def _records(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    table, problems, dropped = normalise(Kind.DEALS, raw, source="deals.csv")
    assert table is not None
    records = combine(
        {Kind.DEALS: table}, problems, {"deals": dropped}, sources={Kind.DEALS: "deals.csv"}
    )
    texts = [f"{p.source}:{p.row}: {p.column}: {p.message}" for p in records.problems]
    assert records.deals is not None
    dates = record_dates(records)
    period = pd.DataFrame({"first": [dates.min()], "last": [dates.max()]})
    return period, texts, records.dropped


def test_a_closed_date_years_after_the_export_is_left_out_with_its_row() -> None:
    raw = _deals()
    raw.loc[5, "closed"] = "2027-06-15"  # file row 7
    period, texts, dropped = _records(raw)
    # the last created is 2024-01-01 + 297 days = 2024-10-24; every cycle is 10 days
    assert period["last"][0] == pd.Timestamp("2024-11-03")
    assert texts == [
        "deals.csv:7: closed: closed 2027-06-15 is after the export's end 2024-10-24 (the "
        "latest date a record was created or logged) by more than the longest plausible "
        "cycle, 31 days (the larger of 31 days and the 99th percentile of the file's "
        "cycles): impossible in a snapshot; the row is left out"
    ]
    assert dropped == {"deals": 1}


def test_a_close_date_within_a_long_cycle_after_the_end_stays() -> None:
    raw = _deals()
    # the 99th percentile of cycles is 10 days, so the margin is 31 days: 30 days stays
    raw.loc[99, "closed"] = "2024-11-23"  # the end is 2024-10-24
    period, texts, dropped = _records(raw)
    assert texts == []
    assert period["last"][0] == pd.Timestamp("2024-11-23")
    assert dropped == {"deals": 0}


def test_the_margin_is_the_files_own_long_cycles() -> None:
    raw = _deals()
    # 5 of 100 deals take 200 days: the 99th percentile is 200, so a close 150 days
    # after the end is a plausible long cycle, not a slip
    for i in range(5):
        created = dt.date(2024, 1, 1) + dt.timedelta(days=3 * i)
        raw.loc[i, "closed"] = (created + dt.timedelta(days=200)).isoformat()
    raw.loc[90, "closed"] = "2025-03-23"  # 150 days after 2024-10-24
    _, texts, _ = _records(raw)
    assert texts == []


def test_a_stray_created_date_cannot_stretch_the_period() -> None:
    raw = _deals()
    raw.loc[10, "created"] = "2028-01-12"  # file row 12: a slip of the year
    raw.loc[10, "closed"] = ""
    raw.loc[10, "status"] = "open"
    period, texts, dropped = _records(raw)
    assert texts == [
        "deals.csv:12: created: created 2028-01-12 is 1175 days after the latest other, "
        "2024-10-24, where no other gap between the records' created or logged dates is "
        "longer than 6 days: a date no export holds (a slip of the year?); the row is left out"
    ]
    assert period["last"][0] == pd.Timestamp("2024-11-03")
    assert dropped == {"deals": 1}


def test_a_stray_early_created_date_is_left_out_too() -> None:
    raw = _deals()
    raw.loc[50, "created"] = "1924-03-01"  # file row 52
    _, texts, _ = _records(raw)
    assert len(texts) == 1 and texts[0].startswith(
        "deals.csv:52: created: created 1924-03-01 is 36465 days before the earliest, 2024-01-01"
    )


def test_a_sparse_small_file_judges_no_date_stray() -> None:
    raw = _deals(12)
    raw.loc[11, "created"] = "2026-01-01"
    raw.loc[11, "closed"] = "2026-01-05"
    _, texts, _ = _records(raw)
    assert texts == []


def test_trial_file_with_a_2027_close_is_fitted_over_its_own_period(tmp_path: Path) -> None:
    raw = _deals()
    raw.loc[5, "closed"] = "2027-06-15"
    path = tmp_path / "deals.csv"
    raw.to_csv(path, index=False)
    out = tmp_path / "out.yaml"
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "-o", str(out)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert "deals.csv:7: closed: closed 2027-06-15 is after the export's end 2024-10-24" in text
    assert "fitted from the records of 2024-01-01 to 2024-11-03" in text


def test_wide_work_day_cards_are_melted_to_the_long_form() -> None:
    raw = pd.DataFrame(
        {
            "Сотрудник": ["Иванов Иван", "Петрова Мария"],
            "Дата": ["02.01.2023", "02.01.2023"],
            "Звонки": ["63", "57"],
            "Дозвоны": ["10", ""],  # empty: no row of that kind
            "Разговоры": ["6", "0"],
            "Встречи": ["1", "0"],
            "Минуты": ["118", "86"],
        },
        dtype=str,
    )
    table, problems, dropped = normalise(Kind.ACTIVITIES, raw, source="cards.csv")
    assert table is not None and dropped == 0
    assert [str(p) for p in problems] == [
        "cards.csv: read as work-day cards (one row per person and day, one column per "
        "kind): Звонки=dial, Дозвоны=connect, Разговоры=conversation, Встречи=meeting; "
        "Минуты as the day's call minutes, on the dial row"
    ]
    got = [
        (r.person, r.kind, r.count, None if pd.isna(r.minutes) else r.minutes, r.row)
        for r in table.itertuples()
    ]
    assert got == [
        ("Иванов Иван", "dial", 63.0, 118.0, 2),
        ("Иванов Иван", "connect", 10.0, None, 2),
        ("Иванов Иван", "conversation", 6.0, None, 2),
        ("Иванов Иван", "meeting", 1.0, None, 2),
        ("Петрова Мария", "dial", 57.0, 86.0, 3),
        ("Петрова Мария", "conversation", 0.0, None, 3),
        ("Петрова Мария", "meeting", 0.0, None, 3),
    ]
    assert table.attrs["card_columns"] == ["Звонки", "Дозвоны", "Разговоры", "Встречи"]


def test_wide_cards_in_german_with_a_bad_count_name_the_file_row() -> None:
    raw = pd.DataFrame(
        {"Mitarbeiter": ["Anna"], "Datum": ["2024-03-04"], "Anrufe": ["x"], "Termine": ["2"]},
        dtype=str,
    )
    table, problems, dropped = normalise(
        Kind.ACTIVITIES, raw, source="karten.csv", columns={"person": "Mitarbeiter"}
    )
    assert table is not None
    assert list(zip(table["kind"], table["count"], strict=True)) == [("meeting", 2.0)]
    assert dropped == 1
    assert any(p.row == 2 and "'x' is not a number" in p.message for p in problems)


def test_no_kind_and_no_kind_columns_names_the_wide_form() -> None:
    raw = pd.DataFrame({"Person": ["Ann"], "Date": ["2024-01-02"], "Notes": ["5"]}, dtype=str)
    table, problems, _ = normalise(Kind.ACTIVITIES, raw, source="acts.csv")
    assert table is None
    assert problems[0].message.endswith(
        "map it with --column kind=<column>; or, for work-day cards (one row per person and "
        "day, a count column per kind), name each count column after its kind: dials, "
        "connects, conversations, bookings, meetings, proposals (or Звонки, Дозвоны, "
        "Разговоры, Встречи, КП), and minutes"
    )


def test_trial_wide_cards_fit_the_generators_rates(tmp_path: Path) -> None:
    lines = ["Сотрудник;Дата;Звонки;Дозвоны;Разговоры;Встречи;Минуты"]
    for day in range(1, 29):
        for who in ("Иванов Иван", "Петрова Мария"):
            lines.append(f"{who};{day:02d}.02.2024;60;15;5;1;120")
    path = tmp_path / "cards.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["calibrate", "--activities", str(path), "-o", str(tmp_path / "o.yaml")],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert "columns not used" not in text
    assert "read as work-day cards" in text
    assert "fitted: 840 connects a dial of 3360" in text  # 15/60 over 56 cards
    assert "fitted: 280 conversations a connect of 840" in text


def test_lost_deals_without_a_stage_are_named_as_what_is_missing(tmp_path: Path) -> None:
    lines = ["id,owner,created,closed,status,stage"]
    for i in range(30):  # open deals at two stages, lost deals with no stage
        lines.append(f"O{i},Ann,2024-0{1 + i % 6}-01,,open,{'Demo' if i % 2 else 'Angebot'}")
    for i in range(7):
        lines.append(f"L{i},Bob,2024-01-0{1 + i},2024-02-0{1 + i},lost,")
    path = tmp_path / "deals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(path), "-o", str(tmp_path / "o.yaml")],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    assert (
        "stage order not inferred: no lost deal to order them by: 7 lost deals, none with a "
        "stage (an open deal's age tells when it came in; a lost deal's stage, where deals "
        "stop)"
    ) in _words(result.output)


def test_a_won_only_export_fits_no_personas(tmp_path: Path) -> None:
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "won.csv"
    deals.loc[deals["status"] == "won"].to_csv(path, index=False)
    out = tmp_path / "o.yaml"
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "-o", str(out), "--report"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert "personas.fitted" not in text
    assert (
        "win rate not fitted, assumption kept; no win rate from a one-sided export, so no "
        "personas either: the default personas kept: roles.seller.personas"
    ) in text
