"""The run store and exports, side by side: with the raw event tables and without.

1. store growth: one default-scenario simulation of 20 replications
   (``teamsim simulate scenarios/retail_bank.yaml -n 20``) saved ten times into a new
   store, with every table (what ``--detail`` keeps, and what every run kept before
   issue 11) and without the raw event tables (the default); the file's size after a
   CHECKPOINT, per run and for ten (the target: at most 20 MB for ten default runs);
2. ``runs prune --keep 1 --yes`` on the ten-run detail store: the file before and after;
3. ``teamsim runs export`` of one stored run, all formats: the default export (summary
   tables) against ``--detail`` (raw tables too; the target is under 10 s for the default).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from sim import simulate
from teamsim import __version__
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.store import RunMeta, Store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "retail_bank.yaml"
RUNS = 10
REPLICATIONS = 20
FILES = {"with --detail": "detail.duckdb", "default": "default.duckdb"}


def size_mb(path: Path) -> float:
    """The store file's size after a CHECKPOINT, MB (10^6 bytes)."""
    con = duckdb.connect(str(path))
    con.execute("CHECKPOINT")
    con.close()
    return path.stat().st_size / 1e6


def main() -> None:
    scenario = load_scenario(DEFAULT)
    started = time.perf_counter()
    result = simulate(scenario, REPLICATIONS)
    print(f"simulated {REPLICATIONS} replications in {time.perf_counter() - started:.1f} s")
    tables = result.tables()
    meta = RunMeta(
        kind="simulate",
        scenario_name=scenario.name,
        scenario_text=DEFAULT.read_text(encoding="utf-8"),
        seed=result.seed,
        replications=result.replications,
        code_version=__version__,
        started_at=dt.datetime.now(),
        params={"mode": result.mode, "overrides": []},
        scenario_hash=result.scenario_hash,
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes: dict[str, list[float]] = {}
        seconds: dict[str, float] = {}
        last: dict[str, str] = {}
        for label, detail in (("with --detail", True), ("default", False)):
            path = folder / FILES[label]
            store = Store(path)
            store.check_writable()
            empty = size_mb(path)
            sizes[label] = []
            t0 = time.perf_counter()
            for k in range(RUNS):
                run = dataclasses.replace(meta, run_id=f"r-bench-{k:02d}")
                last[label] = store.save_run(run, tables, detail=detail)
                sizes[label].append(size_mb(path) - empty)
            seconds[label] = (time.perf_counter() - t0) / RUNS
        print(
            f"\n1. store growth, MB after CHECKPOINT ({RUNS} runs of {REPLICATIONS} replications)"
        )
        print(f"{'':>16} {'1 run':>8} {'10 runs':>8} {'per run':>8} {'save, s':>8}")
        for label, grown in sizes.items():
            print(
                f"{label:>16} {grown[0]:8.1f} {grown[-1]:8.1f} {grown[-1] / RUNS:8.2f} "
                f"{seconds[label]:8.2f}"
            )
        ratio = sizes["with --detail"][-1] / max(sizes["default"][-1], 1e-9)
        print(f"{'ratio':>16} {'':>8} {ratio:7.1f}x   (target: default 10 runs <= 20 MB)")

        detail_path = folder / FILES["with --detail"]
        before = detail_path.stat().st_size / 1e6
        runner = CliRunner()
        t0 = time.perf_counter()
        runner.invoke(app, ["runs", "prune", "--keep", "1", "--yes", "--store", str(detail_path)])
        print(
            f"\n2. runs prune --keep 1 --yes: {before:.1f} MB -> "
            f"{detail_path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s"
        )

        print("\n3. runs export of one run, csv + parquet + xlsx")
        print(f"{'':>26} {'seconds':>8} {'MB written':>11}")
        timed: dict[str, float] = {}
        for label, store_label, extra in (
            ("default", "default", []),
            ("--detail", "with --detail", ["--detail"]),
        ):
            out = folder / f"export-{label.strip('-')}"
            store_path = folder / FILES[store_label]
            t0 = time.perf_counter()
            args = ["runs", "export", last[store_label], "--to", str(out), "--store"]
            done = runner.invoke(app, [*args, str(store_path), *extra])
            timed[label] = time.perf_counter() - t0
            written = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
            status = "" if done.exit_code == 0 else f" (exit {done.exit_code})"
            print(f"{label:>26} {timed[label]:8.1f} {written:11.1f}{status}")
        print(
            f"{'ratio':>26} {timed['--detail'] / timed['default']:7.1f}x   (target: default < 10 s)"
        )


if __name__ == "__main__":
    main()
