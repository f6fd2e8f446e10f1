"""Issue 11: ``runs list`` fits 80 columns whole; ``runs prune`` says what it frees.

A real store on disk (DuckDB), runs written through ``Store.save_run`` with tables of
known sizes, so the rows each run holds are known exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.commands.runs import megabytes, runs_table
from teamsim.store import RunMeta, Store
from tests.scenario_texts import BASE

runner = CliRunner()
LONG_NAME = "Retail bank, direct sales unit of the northern region, growing through the year"


def _save(
    store: Store,
    run_id: str,
    *,
    kind: str = "simulate",
    status: str = "complete",
    seed: int = 20261128,
    label: str = "",
    rows: int = 10,
    started: dt.datetime = dt.datetime(2026, 11, 28, 14, 20, 1),
) -> None:
    rng = np.random.default_rng(seed)
    tables = {
        "kpis": pd.DataFrame({"kpi": ["a", "b", "c"], "mean": [1.0, 2.0, 3.0]}),
        "calls": pd.DataFrame({"day": np.arange(rows), "minutes": rng.random(rows)}),
    }
    meta = RunMeta(
        kind=kind,
        scenario_name=LONG_NAME,
        scenario_text=BASE,
        seed=seed,
        replications=20,
        code_version="test",
        started_at=started,
        status=status,
        label=label,
        run_id=run_id,
    )
    store.save_run(meta, tables)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store(tmp_path / "runs.duckdb")
    _save(st, "r20261128-142001-aaaa", rows=200_000)
    _save(
        st,
        "r20261129-090000-bbbb",
        kind="sweep-point",
        status="partial",
        seed=7,
        label="client_manager.headcount.current=18, call_quota_per_day=40",
        rows=5,
        started=dt.datetime(2026, 11, 29, 9, 0, 0),
    )
    return st


def test_runs_list_at_80_columns_keeps_every_column_whole(store: Store) -> None:
    console = Console(width=80, record=True, color_system=None)
    console.print(runs_table(store.list_runs(), str(store.path), 80))
    lines = [x.rstrip() for x in console.export_text().splitlines()]
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    header = next(line for line in lines if line.startswith("run "))
    assert header.split() == ["run", "kind", "date", "status", "seed", "scenario", "/", "label"]
    first = next(line for line in lines if line.startswith("r20261128-142001-aaaa"))
    assert first.split()[:5] == [
        "r20261128-142001-aaaa",
        "simulate",
        "2026-11-28",
        "complete",
        "20261128",
    ]
    second_at = next(i for i, x in enumerate(lines) if x.startswith("r20261129-090000-bbbb"))
    second = lines[second_at]
    assert second.split()[:5] == [
        "r20261129-090000-bbbb",
        "sweep-point",
        "2026-11-29",
        "partial",
        "7",
    ]
    # The scenario's name is what is cut: its start, then an ellipsis, on the run's line.
    cut = first[first.index("20261128 ") + len("20261128 ") :].strip()
    assert cut.endswith("…") and LONG_NAME.startswith(cut[:-1]) and len(cut) >= 10
    # The label under it, wrapped only after a separator (". , = /", an identifier's
    # "_" when a piece is wider than the column): no word is cut.
    label = "client_manager.headcount.current=18, call_quota_per_day=40"
    under = [x.strip() for x in lines[second_at + 1 :] if x.startswith(" ")]
    assert "".join(under).replace(" ", "") == label.replace(" ", "")
    assert all(x[-1] in ".,=/_" for x in under[:-1]), under
    assert len(under) <= 4


def test_stored_rows_counts_every_table_of_a_run(store: Store) -> None:
    assert store.stored_rows(["r20261128-142001-aaaa", "r20261129-090000-bbbb"]) == {
        "r20261128-142001-aaaa": 3 + 200_000,
        "r20261129-090000-bbbb": 3 + 5,
    }


def test_prune_dry_run_measures_what_a_real_prune_frees(store: Store) -> None:
    path = store.path
    args = ["runs", "prune", "--older-than", "0", "--keep", "1", "--store", str(path)]
    size, runs = path.stat().st_size, store.list_runs()["run_id"].tolist()
    now, compacted, without = store.size_without(["r20261128-142001-aaaa"])
    dry = runner.invoke(app, args)
    assert dry.exit_code == 0, dry.output
    # Nothing changed by looking.
    assert path.stat().st_size == size and store.list_runs()["run_id"].tolist() == runs
    listed = next(line for line in dry.output.splitlines() if "r20261128-142001-aaaa" in line)
    assert listed.split()[4] == "200,003"  # its rows, in the seed's place
    said = " ".join(dry.output.split())
    assert "These 1 run(s) hold 200,003 rows" in said
    assert f"take {megabytes(compacted - without)} of their own" in said
    assert f"from {megabytes(now)} to {megabytes(without)}" in said
    assert f"{megabytes(now - compacted)} by compacting the file" in said
    assert compacted - without > 1_000_000  # 200,000 random doubles take room
    done = runner.invoke(app, [*args, "--yes"])
    assert done.exit_code == 0, done.output
    assert store.list_runs()["run_id"].tolist() == ["r20261129-090000-bbbb"]
    # The dry run's figure is the real one, to the byte: the same delete and compaction.
    assert path.stat().st_size == without
    said = " ".join(done.output.split())
    match = re.search(
        r"deleted 1 run\(s\) and their 200,003 rows; .* went from (\S+ MB) to (\S+ MB)", said
    )
    assert match is not None, said
    assert match.group(2) == megabytes(without)
    assert "(after a checkpoint)" in said


def test_compact_measures_before_after_a_checkpoint(store: Store) -> None:
    store.delete_runs(["r20261129-090000-bbbb"])
    before, after = store.compact()
    # "before" is the file with its write-ahead log written in: at least the file as it
    # was, and the size the checkpoint left (compact copies the store after it).
    assert before >= after > 0
    assert after == store.path.stat().st_size


@pytest.mark.parametrize(
    ("size", "text"), [(12_345_678, "12.3 MB"), (45_000, "0.04 MB"), (0, "0.0 MB")]
)
def test_megabytes(size: int, text: str) -> None:
    assert megabytes(size) == text
