"""``teamsim simulate``: replications of a scenario, KPIs with their spread, tidy tables."""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sim import SimMode
from teamsim.commands.options import (
    DetailOption,
    ExecutorOption,
    JsonOption,
    ScenarioPath,
    SchedulerOption,
    SeedOption,
    SetOption,
    StoreOption,
)
from teamsim.console import err, json_records, json_text, out, print_json, user_errors
from teamsim.executors import ExecutorKind, make_executor
from teamsim.kpi_cells import fmt_kpi, kpi_label
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    import pandas as pd

    from sim import Executor, SimResult
    from sim.scenario import Scenario


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
        SimMode,
        typer.Option("--mode", help="block: runs of calls as one event; per_call: reference."),
    ] = SimMode.BLOCK,
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
    executor: ExecutorOption = ExecutorKind.LOCAL,
    scheduler: SchedulerOption = None,
    split: Annotated[
        bool,
        typer.Option(
            help=(
                "Run each replication of a network part by part where its branches share "
                "nobody below the managers that join them (docs/units.md); --no-split "
                "plays it out whole. The results are the same."
            ),
        ),
    ] = True,
    store: StoreOption = None,
    save: Annotated[bool, typer.Option(help="Keep the run in the run store.")] = True,
    detail: DetailOption = False,
    label: Annotated[str, typer.Option(help="A name for the stored run.")] = "",
    crm_dir: Annotated[
        Path | None,
        typer.Option(
            "--export-crm",
            help=(
                "Write replication 0 as a synthetic CRM export (deals, stages, activities, "
                "team as CSV, and a README) into this folder, which must be new, empty or "
                "an earlier export; teamsim calibrate reads it with no mapping."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate a scenario's working days; print KPIs with their spread over replications.

    The run is stored (see `teamsim runs`). Ctrl-C keeps the replications that finished,
    stored as a partial run.
    """
    from teamsim.crm_io import check_folder
    from teamsim.io import load_scenario, read_scenario_bytes
    from teamsim.plan_met_view import sells, warn_few_replications
    from teamsim.runs_io import save_result
    from teamsim.store import Store
    from teamsim.summary import scenario_warnings

    with user_errors(as_json=json_):
        scenario = load_scenario(file, set_ or ())
        # On stderr, before the run: a warning, so --json output stays JSON.
        for line in scenario_warnings(scenario, file, set_ or ()):
            err.print(line, soft_wrap=True)
        if save:
            Store(store).check_writable()  # said now, not after the replications
        if crm_dir is not None:
            check_folder(crm_dir)
        started_at = dt.datetime.now()
        started = time.perf_counter()
        with make_executor(executor, scheduler=scheduler, workers=workers) as runner:
            result = _run(scenario, replications, seed=seed, runner=runner, mode=mode, split=split)
        elapsed = time.perf_counter() - started
        if split and scenario.units and result.parts == 1:
            _say_whole(scenario)
        run_id = ""
        if save:
            text = read_scenario_bytes(file).decode("utf-8-sig")
            run_id = save_result(
                Store(store),
                result,
                text,
                label=label,
                started_at=started_at,
                status="complete" if result.complete else "partial",
                params={
                    "overrides": list(set_ or ()),
                    "executor": str(executor),
                    "requested_replications": replications,
                },
                detail=detail,
            )
        written = _write(result, out_dir, fmt) if out_dir is not None else []
        crm = _export_crm(result, crm_dir, file=file, set_=set_ or ()) if crm_dir else []
    warn_few_replications(result.replications, sold=sells(result))
    if json_:
        extra = {"crm_files": [str(p) for p in crm]} if crm_dir is not None else {}
        print_json({**_as_json(result, written), "run_id": run_id, **extra})
    else:
        _show(result, elapsed, out_dir=out_dir, written=written, run_id=run_id)
        if crm_dir is not None:
            out.print(
                f"wrote a synthetic CRM export ({len(crm)} files) to {crm_dir}", soft_wrap=True
            )
    if not result.complete:
        err.print(
            f"[yellow]{result.stopped_by}:[/] kept the {result.replications} of {replications} "
            "replications that finished" + (f" as partial run {run_id}" if run_id else "")
        )
        raise typer.Exit(130)


def _show(
    result: SimResult, elapsed: float, out_dir: Path | None, written: list[Path], run_id: str
) -> None:
    from teamsim.diagnose_view import render_diagnoses, render_dials, run_diagnoses
    from teamsim.inbound_view import render_simulated_intervals
    from teamsim.plan_met_view import render_plan_met
    from teamsim.unit_view import render_units

    out.print(_header(result, elapsed))
    out.print(kpi_table(result))
    by_unit = render_units(result.kpis, result.kpis_by_unit, result.scenario)
    if by_unit is not None:
        out.print(by_unit)
    by_interval = render_simulated_intervals(result.scenario, result.frames.inbound_intervals)
    if by_interval is not None:
        out.print(by_interval)
    dials = render_dials(result)
    if dials is not None:
        out.print(dials)
    found = render_diagnoses(run_diagnoses(result))
    if found is not None:
        out.print(found)
    shown = render_plan_met(result)
    if shown is not None:
        out.print(shown)
    if not result.frames.window.counted_months:
        out.print(
            "[yellow]note:[/] no whole calendar month after the warm-up, so attainment "
            "and revenue a month are not measured"
        )
    if out_dir is not None:
        out.print(f"wrote {len(written)} tables to {out_dir}")
    if run_id:
        out.print(f"stored as run {run_id} (teamsim runs show {run_id})")


def _say_whole(scenario: Any) -> None:
    """On stderr: why a network's replications ran whole, not part by part."""
    from sim.rules import why_whole

    reasons = why_whole(scenario)
    if reasons:
        err.print(
            "note: each replication of this network ran whole, not branch by branch: "
            f"{escape(reasons[0])} (docs/units.md, 'Large networks')",
            soft_wrap=True,
        )


def _run(
    scenario: Any,
    replications: int,
    seed: int | None,
    *,
    runner: Executor,
    mode: SimMode,
    split: bool,
) -> SimResult:
    from sim import simulate

    with replication_progress("replications", replications) as advance:
        return simulate(
            scenario,
            replications,
            seed,
            executor=runner,
            mode=mode,
            progress=advance,
            split=None if split else False,
        )


def _header(result: SimResult, elapsed: float) -> str:
    window = result.frames.window
    return (
        f"[bold]{result.scenario.name}[/]: {result.replications} replications, "
        f"seed {result.seed}, {result.mode} mode, {elapsed:.1f} s"
        + (f", each in {result.parts} independent parts" if result.parts > 1 else "")
        + "\n"
        + counted_line(
            counted_days=window.counted_days,
            warmup_days=window.warmup_days,
            months=len(window.counted_months),
            scenario_hash=result.scenario_hash,
        )
    )


def counted_line(*, counted_days: int, warmup_days: int, months: int, scenario_hash: str) -> str:
    """What the KPIs count, then the scenario's hash on a line of its own.

    "counted: 90 working days after 30 days of warm-up, 3 whole months" and
    "scenario 310c57e92da8": apart, so that no terminal width leaves the hash on a line
    without its name. ``runs show`` prints a stored run's the same way.
    """
    from sim import counted

    return (
        f"counted: {counted_days} working days after {warmup_days} days of warm-up, "
        f"{counted(months, 'whole month')}\nscenario {scenario_hash[:12]}"
    )


@functools.cache
def _chance_kpis() -> frozenset[str]:
    """The KPIs that are shares (sim.kpis), read on first use: ``--help`` loads no pandas."""
    from sim import KPIS

    return frozenset(k.name for k in KPIS if k.share)


_STATS = ("mean", "ci_low", "ci_high", "p10", "p50", "p90")
# Answer times, read as a desk states them (sim.format_answer_time: "20 s" below a
# minute, as an Erlang calculator gives ASA), each figure with its unit.
ANSWER_TIME_KPIS = frozenset({"inbound_asa_min"})


# Below this many columns the six columns of figures do not fit beside a readable label:
# the percentiles are shown as one "P10 to P90" column and P50 is left out.
WIDE_KPI_TABLE = 120


@dataclass(frozen=True)
class _KpiSource:
    # What the KPI table reads of a result; a stored run has these too.
    kpis: pd.DataFrame
    scenario: Scenario


def kpi_table(result: SimResult, width: int | None = None) -> Table:
    """The KPI summary as a rich table: mean, 95 % CI of the mean, P10/P50/P90.

    A yes/no outcome (``Kpi.share``) shows its mean (a probability) and its interval,
    no percentiles; a money row is written in one scale (``teamsim.format``). Narrower
    than ``WIDE_KPI_TABLE`` columns (``width``, default the console's), P10 and P90 share
    one column and P50 is left out, so that no label or figure is cut.
    """
    return kpi_table_of(result.kpis, result.scenario, width)


def kpi_table_of(kpis: pd.DataFrame, scenario: Scenario, width: int | None = None) -> Table:
    """:func:`kpi_table` from a KPI table (``SimResult.kpis``, or a stored run's ``kpis``)."""
    from sim import INTERVAL_JOINER, applicable_kpis, service_level_target
    from teamsim.format import fmt_figure, minutes_in_days, money_scale

    result = _KpiSource(kpis, scenario)
    wide = (out.size.width if width is None else width) >= WIDE_KPI_TABLE
    table = Table(title="KPIs over replications", title_justify="left", padding=(0, 1))
    table.add_column("KPI", ratio=1, overflow="fold")
    heads = ("mean", "95 % CI", "P10", "P50", "P90") if wide else ("mean", "95 % CI", "P10 to P90")
    for name in heads:
        table.add_column(name, justify="right", overflow="fold")
    applies = applicable_kpis(scenario)
    for row in json_records(result.kpis):
        # A KPI its scenario cannot move from 0 (no patience: nobody abandons) is not shown.
        if row["n"] == 0 or row["kpi"] not in applies:
            continue
        unit = str(row["unit"])
        if row["kpi"] in ANSWER_TIME_KPIS:
            unit = "answer"
        money = (
            money_scale([row[k] for k in _STATS], result.scenario.money_locale)
            if unit == "currency"
            else None
        )
        # One unit for a row of durations (teamsim.format.minutes_in_days): its label says it.
        days = unit == "min" and minutes_in_days(
            float(row[k]) for k in _STATS if row[k] is not None
        )
        f = {k: fmt_kpi(row[k], unit, money, result.scenario, days=days) for k in _STATS}
        if row["kpi"] in _chance_kpis():
            # A yes/no outcome a replication: its percentiles are 0 or 100, meaningless.
            f.update(p10="", p50="", p90="")
        ci = f"{f['ci_low']}{INTERVAL_JOINER}{f['ci_high']}" if row["ci_low"] is not None else "-"
        spread = f"{f['p10']}{INTERVAL_JOINER}{f['p90']}" if f["p10"] else ""
        cells = [f["mean"], ci, f["p10"], f["p50"], f["p90"]] if wide else [f["mean"], ci, spread]
        # Babel's no-break spaces kept: figure_tables makes rich wrap between figures
        # ("RUB 39.6M to / RUB 46.1M"), never inside one ("RUB / 46.1M").
        label = kpi_label(str(row["label"]), unit, days)
        target = service_level_target(result.scenario)
        if row["kpi"] == "inbound_service_level" and target is not None:
            # The number is read against its target: show them side by side.
            label += f" (target {fmt_figure(100 * target, 0, result.scenario.money_locale)})"
        table.add_row(label, *cells)
    return table


def _write(result: SimResult, out_dir: Path, fmt: FormatChoice) -> list[Path]:
    # Dates beside the day, week, month and minute columns, as `runs export` writes them.
    from sim import TeamsimError
    from teamsim.export import exported, write_tables

    tables = {n: exported(f, result.scenario) for n, f in result.tables().items()}
    written = write_tables(tables, out_dir, (fmt.value,))
    meta = out_dir / "run.json"
    try:
        meta.write_text(json_text(_meta(result), indent=2) + "\n")
    except OSError as exc:
        raise TeamsimError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from None
    return [*written, meta]


def _export_crm(
    result: SimResult, folder: Path, file: Path, set_: list[str] | tuple[str, ...]
) -> list[Path]:
    """Replication 0 as CRM files, with a README saying how to make them again."""
    from calibrate import export_crm
    from sim import TeamsimError
    from teamsim.crm_io import write_crm

    if 0 not in result.frames.replications:
        raise TeamsimError(f"--export-crm {folder}: replication 0 did not finish, nothing written")
    tables = export_crm(result, result.scenario, replication=0)
    command = ["teamsim simulate", str(file), f"--seed {result.seed}", "-n 1"]
    command += [f"--set {s}" for s in set_]
    if result.mode is not SimMode.BLOCK:
        command.append(f"--mode {result.mode}")
    command += ["--no-save", f"--export-crm {folder}"]
    note = (
        f"Scenario: {result.scenario.name} (`{file}`, scenario hash "
        f"{result.scenario_hash[:12]}), seed {result.seed}, replication 0, "
        f"{result.mode} mode, {result.scenario.calendar.horizon_days} working days from "
        f"{result.scenario.calendar.start.isoformat()}.\n\n"
        f"Regenerate with:\n\n    {' '.join(command)}\n"
    )
    return write_crm(tables, folder, synthetic_note=note)


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


def _as_json(result: SimResult, written: list[Path]) -> dict[str, Any]:
    from teamsim.diagnose_view import diagnoses_json, dials_json, run_diagnoses
    from teamsim.export import kpis_reported
    from teamsim.inbound_view import interval_json
    from teamsim.plan_met_view import plan_met_json
    from teamsim.unit_view import units_json

    return {
        **_meta(result),
        "kpis": json_records(kpis_reported(result.kpis)),
        **plan_met_json(result),
        "dials_by_role": dials_json(result),
        "diagnoses": diagnoses_json(run_diagnoses(result)),
        "inbound_intervals": interval_json(result.scenario, result.frames.inbound_intervals),
        **units_json(result.kpis_by_unit, result.scenario),
        "files": [str(p) for p in written],
    }


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("simulate")(simulate_command)
