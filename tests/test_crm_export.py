"""The simulator's CRM export: the canonical tables hold exactly what the run recorded.

A small team with every mechanism (tests/model_helpers.team: calls on two channels,
call-backs, inbound, referrals, an in-person stage, an approval, repeat sales) plus a
ramp, one replication: each exported table is checked against the simulator's own
frames and KPIs; then the command writes the files, refuses an unrelated folder and
gives the same files for the same seed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate.contract import COLUMNS, ROW, ActivityKind, Kind, Status
from calibrate.crm import CALLBACK, FOLLOW_UP, export_crm, start_date
from sim import Scenario, SimResult, kpi_value, simulate
from teamsim.cli import app
from teamsim.crm_io import MARKER, write_crm
from teamsim.export import ExportError
from tests.model_helpers import team
from tests.scenario_texts import BASE

runner = CliRunner()
RAMP = [0.25, 0.5, 0.75, 1.0]
Run = tuple[Scenario, SimResult, dict[Kind, pd.DataFrame]]
DATES = {"created", "closed", "entered", "date", "start"}
NUMBERS = {"value", "count", "minutes", "days_away"}


def _scenario() -> Scenario:
    # 60 working days from Monday 11 January 2027: February and March are whole months.
    return team(
        calendar={"horizon_days": 60, "warmup_days": 5},
        roles={"seller": {"ramp": {"productivity_by_month": RAMP, "new_hires_per_year": 8}}},
    )


@pytest.fixture(scope="module")
def run() -> Run:
    scenario = _scenario()
    result = simulate(scenario, 1, seed=11, workers=1)
    return scenario, result, export_crm(result, scenario)


def test_columns_dtypes_and_rows_are_the_contracts(run: Run) -> None:
    _, _, tables = run
    assert set(tables) == set(Kind)
    for kind, frame in tables.items():
        assert list(frame.columns) == [*COLUMNS[kind], ROW]
        assert frame[ROW].tolist() == list(range(2, len(frame) + 2))
        for column in COLUMNS[kind]:
            dtype = frame[column].dtype
            if column in DATES:
                assert dtype == np.dtype("datetime64[ns]"), (kind, column)
            elif column in NUMBERS:
                assert dtype == np.float64, (kind, column)
            else:
                assert dtype == np.dtype(object), (kind, column)
                values = frame[column].tolist()
                assert all(v is None or isinstance(v, str) for v in values), (kind, column)


def test_one_deal_row_per_deal_record_with_its_fate(run: Run) -> None:
    _, result, tables = run
    deals, sim = tables[Kind.DEALS], result.frames.deals.sort_values("deal")
    assert len(deals) == len(sim) > 100
    assert deals["deal_id"].tolist() == [f"D{n:06d}" for n in sim["deal"]]
    assert deals["owner"].tolist() == sim["owner"].tolist()
    assert deals["status"].tolist() == sim["outcome"].tolist()
    assert deals["closed"].isna().tolist() == (sim["outcome"] == "open").tolist()
    assert (deals["closed"].dropna() >= deals.loc[deals["closed"].notna(), "created"]).all()
    won = deals["status"] == Status.WON
    assert won.sum() == (sim["outcome"] == "won").sum() > 0
    assert deals.loc[won, "value"].sum() == pytest.approx(sim["value"].sum())
    # Every deal shows its segment's amount; repeat sales have no account.
    assert (deals["value"] == 100.0).all()
    assert deals["account"].isna().tolist() == sim["repeat"].tolist()
    assert sim["repeat"].any()


def test_win_rate_and_revenue_a_month_are_the_simulations_kpis(run: Run) -> None:
    scenario, result, tables = run
    deals = tables[Kind.DEALS]
    first_counted = pd.Timestamp(scenario.calendar.dates[result.frames.window.warmup_days])
    closed = deals.loc[deals["closed"] >= first_counted]
    win_rate = (closed["status"] == Status.WON).mean()
    assert win_rate == pytest.approx(kpi_value(result.kpis, "win_rate"))
    months = [scenario.calendar_month(m) for m in result.frames.window.counted_months]
    assert months == [(2027, 2), (2027, 3)]
    won = deals.loc[deals["status"] == Status.WON]
    in_months = [(d.year, d.month) in months for d in won["closed"]]
    per_month = won.loc[in_months, "value"].sum() / len(months)
    assert per_month == pytest.approx(kpi_value(result.kpis, "revenue_per_month"))


def test_stage_rows_are_the_entered_events_and_a_deal_shows_its_last(run: Run) -> None:
    scenario, result, tables = run
    funnel = result.frames.funnel
    entered = funnel.loc[funnel["event"] == "entered"].sort_values(["deal", "stage"])
    stages = tables[Kind.STAGES]
    assert len(stages) == len(entered)
    assert stages["deal_id"].tolist() == [f"D{n:06d}" for n in entered["deal"]]
    assert stages["stage"].tolist() == entered["stage_name"].tolist()
    start = pd.Timestamp(scenario.calendar.start)
    days = (entered["time_min"] // 1440).astype(int).tolist()
    assert stages["entered"].tolist() == [start + pd.Timedelta(days=d) for d in days]
    # A lost deal's stage is where it was lost; a won deal's, the last stage.
    lost = funnel.loc[funnel["event"] == "lost"].set_index("deal")["stage_name"]
    deals = tables[Kind.DEALS].assign(deal=lambda f: f["deal_id"].str[1:].astype(int))
    is_lost = deals["status"] == Status.LOST
    assert deals.loc[is_lost, "stage"].tolist() == deals.loc[is_lost, "deal"].map(lost).tolist()
    assert set(deals.loc[deals["status"] == Status.WON, "stage"]) == {"apply"}


def test_call_counts_are_the_call_day_records(run: Run) -> None:
    _, result, tables = run
    acts = tables[Kind.ACTIVITIES]
    calls = result.frames.calls

    def total(kind: ActivityKind, outcome: str | None = None) -> pd.Series[int]:
        rows = acts.loc[acts["kind"] == kind]
        if outcome is not None:
            rows = rows.loc[rows["outcome"] == outcome]
        counts: pd.Series[int] = rows.groupby(["person", "channel"])["count"].sum().astype(int)
        return counts

    sums = calls.groupby(["person", "channel"])[
        ["dials", "connects", "conversations", "leads", "follow_ups", "callbacks"]
    ].sum()

    def same(mine: pd.Series[int], field: str) -> None:
        theirs = sums[field].loc[sums[field] > 0]
        assert mine.sort_index().to_dict() == theirs.sort_index().to_dict(), field

    same(total(ActivityKind.DIAL), "dials")
    same(total(ActivityKind.CONNECT), "connects")
    same(total(ActivityKind.CONVERSATION), "conversations")
    same(total(ActivityKind.CONVERSATION, CALLBACK), "callbacks")
    same(total(ActivityKind.BOOKING), "leads")
    same(total(ActivityKind.OTHER, FOLLOW_UP), "follow_ups")
    assert sums["callbacks"].sum() > 0 and len(sums.index.unique("channel")) == 2


def test_meetings_held_and_their_minutes(run: Run) -> None:
    _, result, tables = run
    acts = tables[Kind.ACTIVITIES]
    meetings = acts.loc[acts["kind"] == ActivityKind.MEETING]
    funnel = result.frames.funnel
    held = funnel.loc[(funnel["stage_name"] == "meet") & funnel["event"].isin(["passed", "lost"])]
    assert meetings["count"].sum() == len(held) > 0
    # Minutes, where given, are the person's meeting minutes of that day (45 min each, at
    # the persona's duration multiplier of 1, with no travel).
    with_min = meetings.dropna(subset=["minutes"])
    assert len(with_min) > 0
    assert with_min["minutes"].tolist() == pytest.approx((45.0 * with_min["count"]).tolist())
    assert not (acts["kind"] == ActivityKind.PROPOSAL).any()  # no stage is named so


def test_dates_lie_inside_the_calendar(run: Run) -> None:
    scenario, _, tables = run
    first = pd.Timestamp(scenario.calendar.start)
    last = pd.Timestamp(scenario.calendar.dates[-1])
    for kind, column in [
        (Kind.DEALS, "created"),
        (Kind.DEALS, "closed"),
        (Kind.STAGES, "entered"),
        (Kind.ACTIVITIES, "date"),
    ]:
        dates = tables[kind][column].dropna()
        assert dates.between(first, last).all(), (kind, column)
    working = {pd.Timestamp(d) for d in scenario.calendar.dates}
    assert set(tables[Kind.ACTIVITIES]["date"]) <= working


def test_team_rows_start_dates_and_days_away(run: Run) -> None:
    scenario, result, tables = run
    people = result.frames.people
    the_team = tables[Kind.TEAM]
    assert the_team["person"].tolist() == people["person"].tolist()
    assert the_team["manager"].isna().tolist() == (people["manager"] == "").tolist()
    assert set(the_team["unit"]) == {None}
    start = scenario.calendar.start
    before = (pd.Timestamp(start) - the_team["start"]).dt.days / (365.25 / 12)
    rows = zip(before, the_team["role"], people["start_productivity"], strict=True)
    for months, role, p in rows:
        if p < 1.0:  # in month m of the ramp: joined m + 0.5 months before
            assert months == pytest.approx(RAMP.index(p) + 0.5, abs=0.05)
        elif role == "seller":
            assert months >= len(RAMP) + 6 - 0.05
    assert (people["start_productivity"] < 1.0).any()
    away = result.frames.absences.groupby("person").size()
    scale = scenario.calendar.working_days_per_year / scenario.calendar.horizon_days
    expected = the_team["person"].map(away).fillna(0) * scale
    assert the_team["days_away"].tolist() == pytest.approx(expected.tolist())
    assert start_date(scenario, "head", 1.0, 3) == start - dt.timedelta(days=round(8 * 365.25 / 12))


def test_same_seed_same_tables_and_a_missing_replication_is_said(run: Run) -> None:
    scenario, _, tables = run
    again = export_crm(simulate(scenario, 1, seed=11, workers=1), scenario)
    for kind in Kind:
        pd.testing.assert_frame_equal(tables[kind], again[kind])
    with pytest.raises(ValueError, match=r"no replication 3 in the result \(it has 0\)"):
        export_crm(run[1], scenario, replication=3)


def _scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def test_the_command_writes_four_files_and_a_readme(tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    args = ["simulate", str(_scenario_file(tmp_path)), "-n", "1", "--workers", "1"]
    args += ["--no-save", "--seed", "3", "--export-crm", str(folder)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"wrote a synthetic CRM export (5 files) to {folder}" in result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.md", "activities.csv", "deals.csv", "stages.csv", "team.csv"]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(MARKER + "\n")
    assert "**synthetic**" in readme and "seed 3, replication 0" in readme
    assert f"--seed 3 -n 1 --no-save --export-crm {folder}" in readme
    deals = pd.read_csv(folder / "deals.csv", encoding="utf-8")
    assert list(deals.columns) == list(COLUMNS[Kind.DEALS])
    assert deals["created"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    for kind in Kind:
        frame = pd.read_csv(folder / f"{kind.value}.csv")
        assert list(frame.columns) == list(COLUMNS[kind])
    # An earlier export may be written over: the same seed gives the same files.
    before = {n: (folder / n).read_bytes() for n in names}
    assert runner.invoke(app, args).exit_code == 0
    assert {n: (folder / n).read_bytes() for n in names} == before


def test_the_command_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    args = ["simulate", str(_scenario_file(tmp_path)), "-n", "1", "--workers", "1"]
    result = runner.invoke(app, [*args, "--no-save", "--export-crm", str(folder)])
    assert result.exit_code == 2
    assert f"{folder} is not empty and holds no earlier CRM export (notes.txt)" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_write_crm_refuses_a_file_and_drops_the_row_column(run: Run, tmp_path: Path) -> None:
    _, _, tables = run
    target = tmp_path / "a_file"
    target.write_text("x")
    with pytest.raises(ExportError, match="a_file is a file: give a folder"):
        write_crm(tables, target, synthetic_note="test")
    written = write_crm(tables, tmp_path / "out", synthetic_note="made by a test")
    assert [p.name for p in written][-1] == "README.md"
    back = pd.read_csv(tmp_path / "out" / "activities.csv")
    assert ROW not in back.columns
    assert back["count"].sum() == tables[Kind.ACTIVITIES]["count"].sum()


def test_the_shipped_example_is_what_its_command_writes(tmp_path: Path) -> None:
    # examples/synthetic_crm is regenerated by the command in its README; a change to the
    # simulator that changes it must regenerate it too (the README's and the tests' data).
    shipped = Path(__file__).resolve().parents[1] / "examples" / "synthetic_crm"
    folder = tmp_path / "crm"
    args = ["simulate", str(shipped.parents[1] / "scenarios" / "b2b_smb.yaml")]
    args += ["--seed", "20270104", "-n", "1", "--workers", "1", "--no-save"]
    args += ["--set", "calendar.horizon_days=300"]  # fourteen months: twelve to back-test
    result = runner.invoke(app, [*args, "--export-crm", str(folder)])
    assert result.exit_code == 0, result.output
    for kind in Kind:
        name = f"{kind.value}.csv"
        assert (folder / name).read_bytes() == (shipped / name).read_bytes(), (
            f"examples/synthetic_crm/{name} is out of date: run the command in its README"
        )
    # The README too: it quotes the scenario's hash, which a new scenario field changes.
    # The test gives absolute paths; the README's command gives the project's.
    written = (folder / "README.md").read_text(encoding="utf-8")
    written = written.replace(f"{shipped.parents[1]}/", "")
    written = written.replace(str(folder), "examples/synthetic_crm")
    assert written == (shipped / "README.md").read_text(encoding="utf-8")
