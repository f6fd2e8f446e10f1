"""Options shared by several commands, so they read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teamsim.executors import ExecutorKind

ScenarioPath = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        # An example short enough for the help's column at 80: a path is never cut.
        help="Override a field: path=value, as in plan.confidence=0.9; repeatable.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
SeedOption = Annotated[
    int | None, typer.Option("--seed", help="Seed (default: the scenario's).", show_default=False)
]
ExecutorOption = Annotated[
    ExecutorKind,
    typer.Option(
        "--executor",
        help="local: processes on this machine; dask: a cluster at --scheduler; "
        "dask-local: a Dask LocalCluster started for this command. Same results on each.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Dask scheduler address, tcp://HOST:PORT.", show_default=False
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Run store file (default: $TEAMSIM_STORE or ./teamsim.duckdb).",
        show_default=False,
    ),
]
DetailOption = Annotated[
    bool,
    typer.Option(
        "--detail",
        help="Also store the raw event tables (time use, calls, funnel, deals, waits, "
        "days away, utilisation by day): about 11 MB more for a default run of 20 "
        "replications (measured: make bench); "
        "without it the run keeps its KPIs and its per-person and per-month tables.",
    ),
]
