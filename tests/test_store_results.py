"""Results that can be found again (issue 11, item 5): what the store keeps, runs show,
runs list, runs prune, compare's reuse, exports with dates, --no-save and --version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import simulate
from teamsim import __version__, store_schema
from teamsim.cli import app
from teamsim.export import month_name, ordered, with_dates
from teamsim.io import load_scenario
from teamsim.store import DETAIL_TABLES, LEFT_OUT_PARAM, RunMeta, Store, StoreError

runner = CliRunner()
BANK = "scenarios/retail_bank.yaml"
DESK = "scenarios/support_desk.yaml"
SHORT = ["--set", "calendar.horizon_days=60", "--workers", "1"]


def _run(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def bank_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with one short retail-bank run of 2 replications, stored by default."""
    path = tmp_path_factory.mktemp("bank") / "runs.duckdb"
    _run(["simulate", BANK, "-n", "2", *SHORT, "--store", str(path)])
    return path, str(Store(path).list_runs()["run_id"].iloc[0])


def test_a_run_keeps_its_summaries_and_says_what_it_left_out(bank_store: tuple[Path, str]) -> None:
    path, run_id = bank_store
    meta = Store(path).run_meta(run_id)
    kept = set(meta["tables"])
    assert not kept & set(DETAIL_TABLES)
    want = {"kpis", "kpi_replications", "plan_met", "attainment_by_month", "attainment_month"}
    assert want | {"attainment_person", "people", "utilisation_week"} <= kept
    # Issue 12 (S9): the month-by-month tables and the spells are always kept.
    assert {"headcount_month", "revenue_month", "spells"} <= kept
    assert not {"headcount_month", "revenue_month", "spells"} & set(DETAIL_TABLES)
    # Issue 13 (S2): the inbound requests by interval are a summary, always kept.
    assert "inbound_intervals" in kept and "inbound_intervals" not in DETAIL_TABLES
    assert set(meta["params"][LEFT_OUT_PARAM]) == set(DETAIL_TABLES)


def test_detail_keeps_the_raw_tables(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    _run(["simulate", DESK, "-n", "2", *SHORT, "--detail", "--store", str(path)])
    meta = Store(path).run_meta(str(Store(path).list_runs()["run_id"].iloc[0]))
    assert {"time_use", "calls", "waits"} <= set(meta["tables"])
    assert LEFT_OUT_PARAM not in meta["params"]


def test_the_month_tables_read_back_as_simulated(bank_store: tuple[Path, str]) -> None:
    path, run_id = bank_store
    store = Store(path)
    seed = store.run_meta(run_id)["seed"]
    scenario = load_scenario(BANK, ["calendar.horizon_days=60"])
    fresh = simulate(scenario, 2, seed=seed, workers=1).tables()
    names = ("headcount_month", "revenue_month", "spells", "attainment_month", "people")
    for name in (*names, "inbound_intervals"):
        stored = store.load_table(run_id, name)
        pd.testing.assert_frame_equal(stored, fresh[name], check_dtype=False, obj=name)
    months = store.load_table(run_id, "headcount_month")
    # Every month the horizon touches (11 January to April), every role, both replications.
    assert len(months) == 2 * 4 * len(scenario.roles) and set(months["month"]) == {0, 1, 2, 3}
    assert set(months["role"]) == set(scenario.roles) and months["in_seat"].gt(0).all()
    revenue = store.load_table(run_id, "revenue_month")
    assert revenue["counted"].tolist() == [False, False, True, False] * 2
    kpis = store.load_table(run_id, "kpis").set_index("kpi")
    assert kpis.loc["headcount_mean", "n"] == 2  # no gross margin stated: no margin KPI
    assert kpis.loc["margin_per_month", "n"] == 0


OLD_STORE = Path(__file__).parent / "data" / "store_before_s9.duckdb.gz"


def test_a_store_written_before_the_month_tables_opens_and_takes_new_runs(
    tmp_path: Path,
) -> None:
    """A store main's code wrote (retail bank, 60 days, 2 replications, seed 11) before S9.

    New tables and columns need no migration: the store creates and widens them as runs
    bring them (``teamsim.store._append_table``), so the layout version stays.
    """
    path = tmp_path / "old.duckdb"
    path.write_bytes(gzip.decompress(OLD_STORE.read_bytes()))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    store = Store(path)
    (old,) = store.list_runs()["run_id"].tolist()
    assert {"headcount_month", "revenue_month", "spells"}.isdisjoint(store.run_meta(old)["tables"])
    before = store.load_table(old, "attainment_month")
    assert "margin" not in before.columns
    with pytest.raises(StoreError, match="has no table 'headcount_month'"):
        store.load_table(old, "headcount_month")
    shown = _run(["runs", "show", old, "--store", str(path)])
    assert "KPIs over replications" in shown and "Attainment by calendar month" in shown
    _run(["runs", "export", old, "--to", str(tmp_path / "out"), "--store", str(path)])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # reading changed nothing

    _run(["simulate", BANK, "-n", "2", "--seed", "11", *SHORT, "--store", str(path)])
    new = next(r for r in store.list_runs()["run_id"] if r != old)
    assert store.load_table(new, "headcount_month")["in_seat"].gt(0).all()
    # Issue 13 (S2): a table the old run never had, for the new run only.
    assert "inbound_intervals" not in store.run_meta(old)["tables"]
    assert store.load_table(new, "inbound_intervals")["offered"].sum() > 0
    after = store.load_table(old, "attainment_month")
    # The old run's rows as they were; the column added for the new run is empty in them.
    pd.testing.assert_frame_equal(after.drop(columns="margin"), before)
    assert after["margin"].isna().all()
    assert store.load_table(new, "attainment_month")["margin"].notna().all()
    con = duckdb.connect(str(path), read_only=True)
    version = con.execute("SELECT value FROM teamsim_store WHERE key = 'schema_version'")
    assert int(version.fetchone()[0]) == store_schema.SCHEMA_VERSION == 4  # type: ignore[index]
    con.close()
    _run(["runs", "show", old, "--store", str(path)])


def test_runs_show_prints_the_results_not_row_counts(bank_store: tuple[Path, str]) -> None:
    path, run_id = bank_store
    shown = _run(["runs", "show", run_id[:10], "--store", str(path)])
    assert "KPIs over replications" in shown and "Revenue a month" in shown
    assert "P(plan met): the chance that a month meets its plan" in shown
    assert "Attainment by calendar month" in shown
    assert "stored without detail" in shown and "--detail" in shown
    assert " rows" not in shown and "time_use" in shown  # named as left out, not counted
    listed = _run(["runs", "show", run_id, "--tables", "--store", str(path)])
    assert re.search(r"kpis\s*│\s*\d+\s*│", listed)


def test_runs_list_fits_80_columns_and_keeps_the_seed(bank_store: tuple[Path, str]) -> None:
    path, run_id = bank_store
    # A real process: the console takes its width from $COLUMNS when it starts.
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(Path.cwd())}
    cmd = [sys.executable, "-m", "teamsim", "runs", "list", "--store", str(path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    shown = done.stdout
    lines = shown.splitlines()
    assert all(len(line) <= 80 for line in lines), shown
    header = next(line for line in lines if line.lstrip().startswith("run "))
    # Below 100 columns one line a run: the label under the scenario, no replications.
    assert header.split() == ["run", "kind", "date", "status", "seed", "scenario", "/", "label"]
    row = next(line for line in lines if run_id in line)
    seed = Store(path).run_meta(run_id)["seed"]
    assert str(seed) in row.split()


def test_runs_list_json(bank_store: tuple[Path, str]) -> None:
    path, run_id = bank_store
    doc = json.loads(_run(["runs", "list", "--json", "--store", str(path)]))
    assert doc["store"] == str(path)
    assert [r["run_id"] for r in doc["runs"]] == [run_id]
    assert doc["runs"][0]["replications"] == 2 and doc["runs"][0]["kind"] == "simulate"


def test_export_reads_in_order_with_dates(bank_store: tuple[Path, str], tmp_path: Path) -> None:
    path, run_id = bank_store
    out = _run(["runs", "export", run_id, "--to", str(tmp_path), "--store", str(path)])
    folder = tmp_path / run_id
    book = openpyxl.load_workbook(folder / f"{run_id}.xlsx")
    assert book.sheetnames[:4] == ["about", "kpis", "plan_met", "attainment_by_month"]
    assert "people" in book.sheetnames[4:]
    assert not set(book.sheetnames) & set(DETAIL_TABLES)
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert "run the command again with --detail" in str(about["detail"])
    months = pd.read_csv(folder / "attainment_by_month.csv")
    scenario = load_scenario(BANK, ["calendar.horizon_days=60"])
    assert months["month_name"].tolist() == [month_name(scenario, m) for m in months["month"]]
    assert re.fullmatch(r"[A-Z][a-z]+ 2027", months["month_name"].iloc[0])
    weeks = pd.read_csv(folder / "utilisation_week.csv")
    assert weeks["week_from"].iloc[0] == "2027-01-11"  # the Monday of the first working day
    assert out.strip().endswith(str(folder))


def test_export_detail_of_a_run_without_detail_says_so(
    bank_store: tuple[Path, str], tmp_path: Path
) -> None:
    path, run_id = bank_store
    result = runner.invoke(
        app,
        [
            "runs",
            "export",
            run_id,
            "--detail",
            "--format",
            "csv",
            "--to",
            str(tmp_path),
            "--store",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "run the command again with --detail" in result.output
    assert not (tmp_path / run_id / "time_use.csv").exists()


def test_with_dates_hand_solved() -> None:
    scenario = load_scenario(BANK, ["calendar.horizon_days=60"])
    first = scenario.calendar.working_dates()[0]
    assert first == dt.date(2027, 1, 11)  # a Monday: Russia's New Year holidays end on the 8th
    frame = pd.DataFrame(
        {"day": [0, 1], "week": [0, 1], "month": [0, 2], "closed_min": [2 * 1440 + 600.0, None]}
    )
    got = with_dates(frame, scenario)
    assert list(got.columns) == [
        "day",
        "date",
        "week",
        "week_from",
        "month",
        "month_name",
        "closed_min",
        "closed_at",
    ]
    assert got["date"].tolist() == [dt.date(2027, 1, 11), dt.date(2027, 1, 12)]
    assert got["week_from"].tolist() == [dt.date(2027, 1, 11), dt.date(2027, 1, 18)]
    assert got["month_name"].tolist() == ["January 2027", "March 2027"]
    assert got["closed_at"].iloc[0] == pd.Timestamp("2027-01-13 10:00:00")
    assert pd.isna(got["closed_at"].iloc[1])


def test_plan_card_goes_right_after_the_kpis() -> None:
    names = ["time_use", "iterations", "people", "plan_card", "kpis", "plan_met"]
    tables = {n: pd.DataFrame({"x": [1]}) for n in names}
    want = ["kpis", "plan_card", "plan_met", "iterations", "people", "time_use"]
    assert list(ordered(tables)) == want


def _meta(started: dt.datetime, kind: str = "simulate") -> RunMeta:
    return RunMeta(
        kind=kind,
        scenario_name="x",
        scenario_text="name: x\n",
        seed=1,
        replications=2,
        code_version="0",
        started_at=started,
        scenario_hash="h",
    )


def _size_after_checkpoint(path: Path) -> int:
    con = duckdb.connect(str(path))
    con.execute("CHECKPOINT")
    con.close()
    return path.stat().st_size


def test_runs_prune_dry_run_then_deletes_and_shrinks_the_file(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    store = Store(path)
    now = dt.datetime.now().replace(microsecond=0)
    big = pd.DataFrame({"person": [f"p{i % 97}" for i in range(200_000)], "v": range(200_000)})
    ids = {}
    for age, kind in ((40, "simulate"), (20, "sweep-point"), (10, "simulate"), (1, "simulate")):
        started = now - dt.timedelta(days=age)
        run_id = f"r{started:%Y%m%d-%H%M%S}-{age:04d}"
        meta = dataclasses.replace(_meta(started, kind), run_id=run_id)
        ids[age] = store.save_run(meta, {"kpis": pd.DataFrame({"k": [age]}), "big": big})
    before = _size_after_checkpoint(path)

    dry = _run(["runs", "prune", "--older-than", "15", "--store", str(path)])
    assert "dry run" in dry and ids[40] in dry and ids[20] in dry and ids[10] not in dry
    assert len(store.list_runs()) == 4

    _run(["runs", "prune", "--older-than", "15", "--yes", "--store", str(path)])
    assert set(store.list_runs()["run_id"]) == {ids[10], ids[1]}
    after = path.stat().st_size
    assert after < 0.75 * before, (before, after)
    assert store.load_table(ids[1], "big")["v"].sum() == sum(range(200_000))

    _run(["runs", "prune", "--kind", "simulate", "--keep", "1", "--yes", "--store", str(path)])
    assert store.list_runs()["run_id"].tolist() == [ids[1]]


def test_runs_prune_needs_a_filter(tmp_path: Path) -> None:
    result = runner.invoke(app, ["runs", "prune", "--store", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "--older-than" in result.output


def test_compare_reuses_an_identical_stored_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    args = ["--replications", "2", *SHORT, "--store", str(path)]
    # The same scenario as the stored run: the simulate default mode is block, as compare's.
    _run(["simulate", DESK, "-n", "2", "--seed", "20270104", *SHORT, "--store", str(path)])
    stored = str(Store(path).list_runs()["run_id"].iloc[0])
    other = tmp_path / "other.yaml"
    other.write_text(Path(DESK).read_text(encoding="utf-8"), encoding="utf-8")
    shown = _run(["compare", DESK, str(other), *args])
    assert f"reused run {stored}" in shown
    # other.yaml is the same validated scenario (another file, same hash): reused too.
    assert shown.count("reused run") == 2 and len(Store(path).list_runs()) == 1
    fresh = _run(["compare", DESK, str(other), "--fresh", *args])
    assert "reused" not in fresh and len(Store(path).list_runs()) == 3


def test_compare_checks_every_input_before_simulating(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    result = runner.invoke(
        app, ["compare", DESK, str(tmp_path / "missing.yaml"), *SHORT, "--store", str(path)]
    )
    assert result.exit_code == 2 and "missing.yaml" in result.output
    assert "stored" not in result.output
    assert Store(path).list_runs().empty


def test_sweep_points_are_labelled_by_their_values(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    axis = "roles.agent.headcount.current=11,12"
    _run(
        [
            "sweep",
            DESK,
            "--set",
            axis,
            "--set",
            "calendar.horizon_days=40",
            "-n",
            "2",
            "--workers",
            "1",
            "--store",
            str(path),
        ]
    )
    runs = Store(path).list_runs()
    points = runs[runs["kind"] == "sweep-point"]
    assert sorted(points["label"]) == [
        "agent.headcount.current=11, horizon_days=40",
        "agent.headcount.current=12, horizon_days=40",
    ]
    sweep_id = str(runs[runs["kind"] == "sweep"]["run_id"].iloc[0])
    shown = _run(["runs", "show", sweep_id, "--store", str(path)])
    assert "Sweep (common random numbers across points)" in shown


def test_no_save_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    _run(["simulate", DESK, "-n", "2", *SHORT, "--no-save", "--store", str(path)])
    assert not path.exists()


def test_version() -> None:
    assert _run(["--version"]).strip() == f"teamsim {__version__}"


def test_plan_verify_no_save_and_runs_show_of_a_verify_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    verify = ["plan", DESK, "--verify", "--replications", "2", "--iterations", "1"]
    verify += ["--set", "calendar.horizon_days=40", "--workers", "1", "--store", str(path)]
    doc = json.loads(_run([*verify, "--no-save", "--json"]))
    assert doc["run_id"] == "" and not path.exists()
    _run(verify)
    run_id = str(Store(path).list_runs()["run_id"].iloc[0])
    shown = _run(["runs", "show", run_id, "--store", str(path)])
    assert "plan verified" in shown or "plan NOT verified" in shown
    assert "KPIs over replications" in shown and "Iterations" in shown
    # As plan --verify printed it: the final plan's own tables (teamsim.commands.plan.render).
    assert "Roles and call targets (dials a day at work)" in shown
    assert "Plan by role" not in shown


def test_waits_stored_before_their_new_columns_read_back_with_them_empty(tmp_path: Path) -> None:
    """Issue 13 (S2): a detail run's waits from before ``channel``, ``outcome``, ``weekday``,
    ``interval``, ``carried`` and ``overtime`` stay as they were; the store widens."""
    scenario = load_scenario(DESK, ["calendar.horizon_days=10"])
    waits = simulate(scenario, 1, seed=3, workers=1).frames.waits
    new = ["channel", "outcome", "weekday", "interval", "carried", "overtime"]
    store = Store(tmp_path / "runs.duckdb")
    old = store.save_run(
        _meta(dt.datetime(2026, 1, 5, 9)), {"waits": waits.drop(columns=new)}, detail=True
    )
    now = store.save_run(_meta(dt.datetime(2026, 1, 6, 9)), {"waits": waits}, detail=True)
    before = store.load_table(old, "waits")
    assert before[new].isna().all().all()
    pd.testing.assert_frame_equal(before.drop(columns=new), waits.drop(columns=new))
    after = store.load_table(now, "waits")
    assert "support_requests" in set(after["channel"]) and "answered" in set(after["outcome"])
    # The columns the old run lacked come last in the widened table; same values.
    pd.testing.assert_frame_equal(after[waits.columns], waits, check_dtype=False)
