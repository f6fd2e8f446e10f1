"""The run store on real DuckDB files: round trips, atomicity, concurrency, foreign files."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.runner import scenario_hash
from sim.scenario.loader import parse_scenario
from teamsim import store_schema
from teamsim.cli import app
from teamsim.store import RunMeta, Store, StoreError
from tests.scenario_texts import BASE


def meta(**changes: object) -> RunMeta:
    base = RunMeta(
        kind="simulate",
        scenario_name="Tiny",
        scenario_text="name: Tiny\n",
        seed=7,
        replications=3,
        code_version="test",
        started_at=dt.datetime(2026, 11, 28, 12, 0, 0),
        params={"overrides": ["plan.confidence=0.9"]},
    )
    return RunMeta(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def tables() -> dict[str, pd.DataFrame]:
    return {
        "kpis": pd.DataFrame({"kpi": ["revenue", "deals"], "mean": [1.5e6, 12.0]}),
        "time_use": pd.DataFrame(
            {
                "person": ["a.01", "a.01"],
                "day": [0, 0],
                "activity": ["calls", "idle"],
                "minutes": [90.0, 360.0],
            }
        ),
    }


def test_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    run_id = store.save_run(meta(), tables())
    for name, frame in tables().items():
        pd.testing.assert_frame_equal(store.load_table(run_id, name), frame)
    info = store.run_meta(run_id)
    assert info["scenario_text"] == "name: Tiny\n"
    assert info["scenario_text_hash"] == meta().scenario_text_hash
    assert info["scenario_hash"] is None  # "name: Tiny" is no valid scenario
    assert info["params"] == {"overrides": ["plan.confidence=0.9"]}
    assert info["tables"] == {"kpis": 2, "time_use": 2}
    assert store.list_runs()["run_id"].tolist() == [run_id]


def test_runs_are_separate_and_delete_removes_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    first = store.save_run(meta(), tables())
    second = store.save_run(meta(seed=8), tables())
    store.delete_run(first)
    assert store.list_runs()["run_id"].tolist() == [second]
    con = duckdb.connect(str(store.path), read_only=True)
    assert con.execute("SELECT count(*) FROM t_kpis").fetchone() == (2,)
    con.close()
    with pytest.raises(StoreError, match="no run"):
        store.load_table(first, "kpis")


class Boom(KeyboardInterrupt):
    pass


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    kept = store.save_run(meta(), tables())

    class Exploding(pd.DataFrame):
        def reset_index(self, *args: object, **kwargs: object) -> pd.DataFrame:  # type: ignore[override]
            raise Boom

    with pytest.raises(Boom):
        store.save_run(meta(seed=9), {"kpis": tables()["kpis"], "bad": Exploding({"x": [1]})})
    assert store.list_runs()["run_id"].tolist() == [kept]
    assert store.load_table(kept, "kpis").shape == (2, 2)


def _writer(path: str, n: int, tag: int) -> None:
    store = Store(path, lock_timeout_s=60)
    for i in range(n):
        store.save_run(meta(seed=tag * 100 + i), tables())


def test_concurrent_writers_both_succeed(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.duckdb")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, 5, tag)) for tag in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    runs = Store(path).list_runs()
    assert sorted(runs["seed"].tolist()) == [100, 101, 102, 103, 104, 200, 201, 202, 203, 204]


def test_busy_store_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    Store(path).save_run(meta(), tables())
    holder = _hold_lock(path)
    try:
        with pytest.raises(StoreError, match="is busy"):
            Store(path, lock_timeout_s=0.5).save_run(meta(), tables())
    finally:
        holder.terminate()
        holder.join()
    assert len(Store(path).list_runs()) == 1


def _hold(path: str, ready: object) -> None:
    con = duckdb.connect(path)
    ready.set()  # type: ignore[attr-defined]
    import time

    time.sleep(60)
    con.close()


def _hold_lock(path: Path) -> mp.process.BaseProcess:
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold, args=(str(path), ready))
    proc.start()
    assert ready.wait(30)
    return proc


def test_foreign_and_broken_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.duckdb"
    text.write_text("these are my notes", encoding="utf-8")
    with pytest.raises(StoreError, match="not a teamsim store"):
        Store(text).save_run(meta(), tables())
    assert text.read_text(encoding="utf-8") == "these are my notes"

    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a teamsim store"):
        Store(other).save_run(meta(), tables())

    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path).list_runs()


def test_older_store_is_migrated_without_losing_runs(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(store_schema.V1_DDL)
    con.execute(
        "INSERT INTO runs VALUES ('r1', 'simulate', 'Old', 'name: Old', 'h', 1, 2, '0.0.1', "
        "TIMESTAMP '2026-01-01 10:00:00', NULL, 'complete')"
    )
    con.close()
    store = Store(path)
    # Reading works and does not change the file.
    old = store.list_runs().set_index("run_id")
    assert old.loc["r1", "label"] == "" and old.loc["r1", "scenario_text_hash"] == "h"
    assert store.run_meta("r1")["params"] == {}
    assert _version(path) == 1
    new = store.save_run(meta(), tables())  # writing migrates it
    assert _version(path) == store_schema.SCHEMA_VERSION
    runs = store.list_runs()
    assert set(runs["run_id"]) == {"r1", new}
    assert runs.set_index("run_id").loc["r1", "label"] == ""
    assert store.run_meta("r1")["scenario_text_hash"] == "h"


def _version(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("SELECT value FROM teamsim_store WHERE key = 'schema_version'").fetchone()
    con.close()
    assert row is not None
    return int(row[0])


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store(path).save_run(meta(), tables())
    con = duckdb.connect(str(path))
    con.execute("UPDATE teamsim_store SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer teamsim"):
        Store(path).list_runs()


runner = CliRunner()


def test_runs_cli_list_show_export_delete(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    run_id = Store(path).save_run(meta(), tables())
    result = runner.invoke(app, ["runs", "list", "--store", str(path)])
    assert result.exit_code == 0 and run_id in result.output
    # Row counts only under --tables (issue 11: show prints results, not row counts).
    result = runner.invoke(app, ["runs", "show", run_id[:12], "--tables", "--store", str(path)])
    assert result.exit_code == 0
    assert re.search(r"time_use\s*│\s*2\s*│", result.output), result.output
    # Raw event tables (time_use) only with --detail (issue 11: summary sheets first).
    result = runner.invoke(
        app,
        ["runs", "export", run_id, "--detail", "--to", str(tmp_path / "x"), "--store", str(path)],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "x" / run_id
    assert pd.read_csv(folder / "kpis.csv")["mean"].tolist() == [1.5e6, 12.0]
    assert pd.read_parquet(folder / "time_use.parquet")["minutes"].sum() == 450.0
    book = openpyxl.load_workbook(folder / f"{run_id}.xlsx")
    assert book.sheetnames == ["about", "kpis", "time_use"]
    assert [c.value for c in book["kpis"][1]] == ["kpi", "mean"]
    assert book["kpis"]["B2"].value == 1.5e6
    result = runner.invoke(app, ["runs", "delete", run_id, "--yes", "--store", str(path)])
    assert result.exit_code == 0
    result = runner.invoke(app, ["runs", "show", run_id, "--store", str(path)])
    assert result.exit_code == 2 and "no run" in result.output


def test_runs_cli_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.duckdb"
    run_id = Store(path).save_run(meta(), tables())
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    result = runner.invoke(app, ["runs", "list"])
    assert result.exit_code == 0 and run_id in result.output


def test_runs_cli_foreign_file_exit_2_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"\x00garbage" * 100)
    result = runner.invoke(app, ["runs", "list", "--store", str(bad)])
    assert result.exit_code == 2
    assert "not a teamsim store" in result.output and "Traceback" not in result.output


def test_a_table_without_columns_is_kept_as_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    run_id = store.save_run(meta(), {**tables(), "marginals": pd.DataFrame()})
    assert store.run_meta(run_id)["tables"]["marginals"] == 0
    assert store.load_table(run_id, "marginals").empty
    assert store.load_table(run_id, "kpis").shape == (2, 2)


def test_column_types_settle_across_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    first = store.save_run(meta(), {"deals": pd.DataFrame({"segment": [None], "value": [1]})})
    empty = store.save_run(meta(), {"deals": pd.DataFrame({"segment": [], "value": []})})
    second = store.save_run(meta(), {"deals": pd.DataFrame({"segment": ["loan"], "value": [2.5]})})
    assert store.load_table(first, "deals")["value"].tolist() == [1.0]
    assert store.load_table(empty, "deals").empty
    assert store.load_table(second, "deals").to_dict("records") == [
        {"segment": "loan", "value": 2.5}
    ]


def test_export_to_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    run_id = Store(path).save_run(meta(), tables())
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the folder should go", encoding="utf-8")
    result = runner.invoke(
        app, ["runs", "export", run_id, "--to", str(blocker), "--store", str(path)]
    )
    assert result.exit_code == 2
    assert "cannot write" in result.output and "Traceback" not in result.output


# --- one scenario_hash: the validated scenario's -----------------------------------------

OVERRIDES = ["plan.confidence=0.9"]


def test_scenario_hash_is_the_validated_scenarios(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    plain = store.save_run(meta(scenario_text=BASE, params={"overrides": []}), tables())
    changed = store.save_run(meta(scenario_text=BASE, params={"overrides": OVERRIDES}), tables())
    given = store.save_run(meta(scenario_text=BASE, scenario_hash="abc"), tables())
    info = {r: store.run_meta(r) for r in (plain, changed, given)}
    assert info[plain]["scenario_hash"] == scenario_hash(parse_scenario(BASE))
    assert info[changed]["scenario_hash"] == scenario_hash(parse_scenario(BASE, "x", OVERRIDES))
    assert info[plain]["scenario_hash"] != info[changed]["scenario_hash"]
    assert info[given]["scenario_hash"] == "abc"  # the caller's, when it gives one
    # One text, one text hash, whatever the overrides.
    texts = {info[r]["scenario_text_hash"] for r in info}
    assert texts == {hashlib.sha256(BASE.encode()).hexdigest()}
    listed = store.list_runs().set_index("run_id")
    assert listed.loc[changed, "scenario_hash"] == info[changed]["scenario_hash"]


# The runs table as teamsim wrote it before scenario_text_hash (store version 2).
V2_DDL = """
CREATE TABLE teamsim_store (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    scenario_name VARCHAR NOT NULL,
    scenario_text VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    seed BIGINT,
    replications INTEGER,
    code_version VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    label VARCHAR DEFAULT '',
    params VARCHAR DEFAULT '{}'
);
CREATE TABLE run_tables (
    run_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    PRIMARY KEY (run_id, name)
);
INSERT INTO teamsim_store VALUES ('schema_version', '2');
"""
OLD_TEXT = "name: Old\nroles: {}\n"  # no longer (or never) a valid scenario


def _old_store(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(V2_DDL)
    for run_id, text, params in (
        ("r1-valid", BASE, '{"overrides": ["plan.confidence=0.9"], "mode": "block"}'),
        ("r2-stale", OLD_TEXT, "{}"),
    ):
        con.execute(
            "INSERT INTO runs VALUES (?, 'simulate', 'Tiny team', ?, ?, 7, 2, '0.1.0', "
            "TIMESTAMP '2026-05-01 10:00:00', TIMESTAMP '2026-05-01 10:01:00', 'complete', "
            "'old run', ?)",
            [run_id, text, hashlib.sha256(text.encode()).hexdigest(), params],
        )
        con.execute("INSERT INTO run_tables VALUES (?, 'kpis', 2)", [run_id])
    con.execute("CREATE TABLE t_kpis (run_id VARCHAR, kpi VARCHAR, mean DOUBLE)")
    con.execute(
        "INSERT INTO t_kpis VALUES ('r1-valid', 'revenue', 1.5), ('r1-valid', 'deals', 2.0), "
        "('r2-stale', 'revenue', 3.5), ('r2-stale', 'deals', 4.0)"
    )
    con.close()


def _show(path: Path, run_id: str) -> dict[str, str]:
    result = runner.invoke(
        app, ["runs", "show", run_id, "--store", str(path)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    rows = [line.strip("│ ").split("│") for line in result.output.splitlines() if "│" in line]
    return {cells[0].strip(): cells[1].strip() for cells in rows if len(cells) == 2}


def _shows(cell: str, full: str) -> bool:
    """A table cell shows a hash: all of it, or (a narrow terminal) its start and an ellipsis."""
    shown = cell.rstrip("…")
    return len(shown) >= 12 and full.startswith(shown) and (shown == full or cell.endswith("…"))


def test_a_store_written_before_the_change_opens_lists_shows_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    valid_hash = scenario_hash(parse_scenario(BASE, "x", OVERRIDES))
    valid_text_hash = hashlib.sha256(BASE.encode()).hexdigest()
    stale_text_hash = hashlib.sha256(OLD_TEXT.encode()).hexdigest()

    def check_everything(folder: str) -> None:
        listed = runner.invoke(app, ["runs", "list", "--store", str(path)])
        assert listed.exit_code == 0, listed.output
        assert "r1-valid" in listed.output and "r2-stale" in listed.output
        valid = _show(path, "r1-valid")
        assert _shows(valid["Scenario hash"], valid_hash)
        assert _shows(valid["Scenario text hash"], valid_text_hash)
        # runs show words its keys; a list param is written as its items.
        assert valid["Label"] == "old run" and valid["Changes (--set)"] == ", ".join(OVERRIDES)
        stale = _show(path, "r2-stale")
        assert stale["Scenario hash"].startswith("- (unknown")
        assert _shows(stale["Scenario text hash"], stale_text_hash)
        for run_id, means in (("r1-valid", [1.5, 2.0]), ("r2-stale", [3.5, 4.0])):
            out = tmp_path / folder
            exported = runner.invoke(
                app, ["runs", "export", run_id, "--to", str(out), "--store", str(path)]
            )
            assert exported.exit_code == 0, exported.output
            assert pd.read_csv(out / run_id / "kpis.csv")["mean"].tolist() == means
            about = openpyxl.load_workbook(out / run_id / f"{run_id}.xlsx")["about"]
            items = {row[0].value: row[1].value for row in about.iter_rows(min_row=2)}
            assert items["scenario_text_hash"] in (valid_text_hash, stale_text_hash)

    check_everything("before")
    assert _version(path) == 2  # reading left the file as it was
    runs = Store(path).list_runs().set_index("run_id")
    assert runs.loc["r1-valid", "scenario_hash"] == valid_hash
    assert runs.loc["r2-stale", "scenario_hash"] is None

    # The next write migrates: the old text hash moves, the scenario hash is recomputed.
    new = Store(path).save_run(meta(scenario_text=BASE, params={"overrides": OVERRIDES}), tables())
    assert _version(path) == store_schema.SCHEMA_VERSION == 4
    con = duckdb.connect(str(path), read_only=True)
    stored = con.execute(
        "SELECT run_id, scenario_hash, scenario_text_hash FROM runs ORDER BY run_id"
    ).fetchall()
    con.close()
    assert sorted(stored) == sorted(
        [
            ("r1-valid", valid_hash, valid_text_hash),
            ("r2-stale", None, stale_text_hash),
            (new, valid_hash, valid_text_hash),  # same scenario, same hash as the old run
        ]
    )
    check_everything("after")
    assert Store(path).load_table("r2-stale", "kpis")["mean"].tolist() == [3.5, 4.0]
