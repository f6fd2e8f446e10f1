"""``teamsim simulate``: replications of a scenario, KPIs with their spread, tidy tables."""

from __future__ import annotations

import json
import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim import SimResult, simulate
from sim.errors import TeamsimError
from teamsim.commands.options import JsonOption, ScenarioPath, SeedOption, SetOption
from teamsim.console import err, out, user_errors
from teamsim.io import load_scenario


class ModeChoice(StrEnum):
    """How calls are simulated."""

    BLOCK = "block"
    PER_CALL = "per_call"


class FormatChoice(StrEnum):
    """File format of the tables written with --out."""

    PARQUET = "parquet"
    CSV = "csv"


def simulate_command(
    file: ScenarioPath,
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=1, help="Independent replications.")
    ] = 10,
    seed: SeedOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Local processes (default: every core).", show_default=False
        ),
    ] = None,
    mode: Annotated[
        ModeChoice,
        typer.Option("--mode", help="block: runs of calls as one event; per_call: reference."),
    ] = ModeChoice.BLOCK,
    set_: SetOption = None,
    json_: JsonOption = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=(
                "Write the tidy tables (one file per table, plus run.json) into this "
                "directory, creating it; files of the same names there are overwritten."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        FormatChoice, typer.Option("--format", help="File format of the --out tables.")
    ] = FormatChoice.PARQUET,
) -> None:
    """Simulate a scenario's working days; print KPIs with their spread over replications."""
    with user_errors():
        scenario = load_scenario(file, set_ or ())
        started = time.perf_counter()
        result = _run(scenario, replications, seed, workers, mode)
        elapsed = time.perf_counter() - started
        written = _write(result, out_dir, fmt) if out_dir is not None else []
    if json_:
        out.print_json(json.dumps(_as_json(result, written)))
        return
    out.print(_header(result, elapsed))
    out.print(kpi_table(result))
    if not result.frames.window.counted_months:
        out.print(
            "[yellow]note:[/] no whole calendar month after the warm-up, so attainment "
            "and revenue a month are not measured"
        )
    if out_dir is not None:
        out.print(f"wrote {len(written)} tables to {out_dir}")


def _run(
    scenario: Any, replications: int, seed: int | None, workers: int | None, mode: ModeChoice
) -> SimResult:
    columns = (
        TextColumn("replications"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # No refresh thread (auto_refresh off): with one thread alive the workers can fork.
    with Progress(
        *columns, console=err, transient=True, auto_refresh=False, disable=not err.is_terminal
    ) as bar:
        task = bar.add_task("replications", total=replications)

        def advance(done: int) -> None:
            bar.update(task, completed=done)
            bar.refresh()

        return simulate(
            scenario, replications, seed, workers=workers, mode=mode.value, progress=advance
        )


def _header(result: SimResult, elapsed: float) -> str:
    months = len(result.frames.window.counted_months)
    return (
        f"[bold]{result.scenario.name}[/]: {result.replications} replications, "
        f"seed {result.seed}, {result.mode} mode, {elapsed:.1f} s\n"
        f"counted: {result.frames.window.counted_days} working days after "
        f"{result.frames.window.warmup_days} days of warm-up, {months} whole month(s); "
        f"scenario {result.scenario_hash[:12]}"
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    if unit == "share":
        return f"{100 * value:.1f}"
    if unit == "currency":
        return f"{value / 1e6:,.2f}"
    return f"{value:,.1f}"


def _label(label: str, unit: str, currency: str) -> str:
    shown = {"share": "%", "currency": f"M {currency}", "min": "min", "days": "days"}
    return f"{label}, {shown[unit]}" if unit in shown else label


def kpi_table(result: SimResult) -> Table:
    """The KPI summary as a rich table: mean, 95 % CI of the mean, P10/P50/P90."""
    table = Table(title="KPIs over replications", title_justify="left", padding=(0, 1))
    table.add_column("KPI", ratio=1)
    for name in ("mean", "95 % CI", "P10", "P50", "P90"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in _records(result.kpis):
        if row["n"] == 0:
            continue
        unit = str(row["unit"])
        f = {k: _fmt(row[k], unit) for k in ("mean", "ci_low", "ci_high", "p10", "p50", "p90")}
        ci = f"{f['ci_low']}-{f['ci_high']}" if row["ci_low"] is not None else "-"
        label = _label(str(row["label"]), unit, result.scenario.currency)
        table.add_row(label, f["mean"], ci, f["p10"], f["p50"], f["p90"])
    return table


def _write(result: SimResult, out_dir: Path, fmt: FormatChoice) -> list[Path]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in result.tables().items():
            path = out_dir / f"{name}.{fmt.value}"
            if fmt is FormatChoice.CSV:
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
            written.append(path)
        meta = out_dir / "run.json"
        meta.write_text(json.dumps(_meta(result), indent=2) + "\n")
    except OSError as exc:
        raise TeamsimError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from None
    return [*written, meta]


def _meta(result: SimResult) -> dict[str, Any]:
    return {
        "scenario": result.scenario.name,
        "scenario_hash": result.scenario_hash,
        "seed": result.seed,
        "replications": result.replications,
        "mode": result.mode,
        "counted_months": list(result.frames.window.counted_months),
        "warmup_days": result.frames.window.warmup_days,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in row.items()
        }
        for row in frame.to_dict(orient="records")
    ]


def _as_json(result: SimResult, written: list[Path]) -> dict[str, Any]:
    return {
        **_meta(result),
        "kpis": _records(result.kpis),
        "files": [str(p) for p in written],
    }


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("simulate")(simulate_command)
