"""``teamsim compare A B [C D]``: scenarios or stored runs side by side."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim import Executor, SimMode, scenario_hash, simulate
from sim.scenario import Scenario
from teamsim.commands.options import (
    DetailOption,
    ExecutorOption,
    SchedulerOption,
    SetOption,
    StoreOption,
)
from teamsim.compare import Comparison, Side, compare, comparison_sheets, side_from_result
from teamsim.console import out, user_errors
from teamsim.executors import ExecutorKind, make_executor
from teamsim.export import write_workbook
from teamsim.format import fmt_value
from teamsim.io import load_scenario, read_scenario_bytes
from teamsim.progress import replication_progress
from teamsim.runs_io import reuse_identical, save_result, side_from_run
from teamsim.store import Store, StoreError

CompareSeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        help="Seed for every scenario file (default: the first item's: its scenario's "
        "seed, or the stored run's). One seed for all gives common random numbers.",
        show_default=False,
    ),
]


def compare_command(
    items: Annotated[
        list[str],
        typer.Argument(help="2 to 4 scenario files or stored run ids.", show_default=False),
    ],
    replications: Annotated[int, typer.Option(help="Replications per scenario file.", min=1)] = 20,
    seed: CompareSeedOption = None,
    set_: SetOption = None,
    excel: Annotated[
        Path | None, typer.Option("--excel", help="Also write the comparison to this .xlsx file.")
    ] = None,
    save: Annotated[bool, typer.Option(help="Store the simulated scenarios as runs.")] = True,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="Simulate every scenario file again, even when an identical complete run "
            "(same validated scenario, seed, replications, mode and teamsim version) is stored.",
        ),
    ] = False,
    detail: DetailOption = False,
    workers: Annotated[int | None, typer.Option(help="Local processes.")] = None,
    executor: ExecutorOption = ExecutorKind.LOCAL,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
) -> None:
    """Compare scenarios (simulated on common random numbers) or stored runs.

    Every scenario file is simulated with one seed (--seed, else the first item's), so
    the sides share their random numbers. Differences are against the first item, with
    95 % confidence intervals: paired by replication when the runs share their seed,
    Welch's interval otherwise. Every item is checked before anything is simulated; a
    scenario file whose identical run is stored reuses it (--fresh to simulate again).
    """
    with user_errors():
        if not 2 <= len(items) <= 4:
            raise typer.BadParameter(f"give 2 to 4 scenarios or runs, got {len(items)}")
        st = Store(store)
        if save:
            st.check_writable()  # said now, not after the first file's replications
        inputs = [_checked(item, overrides=set_ or [], store=st) for item in items]
        # Common random numbers need one seed: the first item's serves every file.
        first = inputs[0]
        root = seed if seed is not None else (first.seed if first.seed is not None else 0)
        sides: list[Side] = []
        with make_executor(executor, scheduler=scheduler, workers=workers) as runner:
            for item in inputs:
                if item.side is not None:
                    sides.append(item.side)
                    continue
                sides.append(
                    _simulated(
                        item,
                        replications,
                        seed=root,
                        runner=runner,
                        store=st,
                        save=save,
                        reuse=not fresh,
                        detail=detail,
                    )
                )
        result = compare(_unique_labels(sides))
        out.print(comparison_table(result))
        out.print(overview_table(result))
        if excel is not None:
            write_workbook(excel, comparison_sheets(result), {"compared": ", ".join(items)})
            out.print(f"wrote {excel}")


@dataclass(frozen=True)
class _Input:
    """One item, checked: a stored run's side, or a scenario file to simulate."""

    item: str
    side: Side | None = None
    path: Path | None = None
    scenario: Scenario | None = None
    overrides: tuple[str, ...] = ()

    @property
    def seed(self) -> int | None:
        """The seed the item brings: its run's, or its scenario's."""
        if self.side is not None:
            return self.side.seed
        return self.scenario.seed if self.scenario is not None else None


def _checked(item: str, overrides: list[str], store: Store) -> _Input:
    """Read and validate one item before anything is simulated (errors name the item)."""
    path = Path(item)
    if not path.exists() and not item.endswith((".yaml", ".yml")):
        try:
            return _Input(item, side=side_from_run(store, item))
        except StoreError as exc:
            raise StoreError(f"{item!r} is not a scenario file, and {exc}") from None
    scenario = load_scenario(path, overrides)
    return _Input(item, path=path, scenario=scenario, overrides=tuple(overrides))


def _simulated(
    item: _Input,
    replications: int,
    seed: int,
    runner: Executor,
    store: Store,
    save: bool,
    reuse: bool,
    detail: bool,
) -> Side:
    assert item.path is not None and item.scenario is not None  # a file, checked
    label = item.path.stem
    if reuse:
        found = reuse_identical(
            store,
            {
                "scenario_hash": scenario_hash(item.scenario),
                "seed": seed,
                "replications": replications,
                "mode": SimMode.BLOCK.value,
            },
        )
        if found is not None:
            out.print(f"reused run {found} for {item.path} (identical; --fresh to simulate again)")
            return Side(label, item.scenario, seed, store.load_table(found, "kpi_replications"))
    started = dt.datetime.now()
    with replication_progress(f"simulating {item.path.name}", replications) as advance:
        result = simulate(item.scenario, replications, seed, executor=runner, progress=advance)
    if save:
        text = read_scenario_bytes(item.path).decode("utf-8-sig")
        run_id = save_result(
            store,
            result,
            text,
            kind="simulate",
            label=label,
            params={"overrides": list(item.overrides)},
            started_at=started,
            status="complete" if result.complete else "partial",
            detail=detail,
        )
        out.print(f"stored {item.path} as run {run_id}")
    return side_from_result(label, result)


def _unique_labels(sides: list[Side]) -> list[Side]:
    seen: dict[str, int] = {}
    unique = []
    for side in sides:
        n = seen.get(side.label, 0)
        seen[side.label] = n + 1
        label = side.label if n == 0 else f"{side.label}#{n + 1}"
        unique.append(Side(label, side.scenario, side.seed, side.kpi_replications))
    return unique


def comparison_table(result: Comparison) -> Table:
    """KPI rows; a column per side, then each difference with its interval."""
    base = result.sides[0].label
    table = Table(
        title="Comparison (differences against " + base + ", 95 % CI)", title_justify="left"
    )
    table.add_column("KPI")
    for side in result.sides:
        table.add_column(side.label, justify="right")
    for side in result.sides[1:]:
        table.add_column(f"{side.label} - {base}", justify="right")
    currency = result.sides[0].scenario.currency
    for _, part in result.table.groupby("kpi", sort=False):
        unit = str(part["unit"].iloc[0])
        cells = [fmt_value(float(m), unit, currency) for m in part["mean"]]
        diffs = part.iloc[1:][["diff", "ci_low", "ci_high"]].to_numpy(dtype=float)
        cells += [
            _diff_cell(d, low=lo, high=hi, unit=unit, currency=currency) for d, lo, hi in diffs
        ]
        table.add_row(str(part["label"].iloc[0]), *cells)
    return table


def _diff_cell(diff: float, low: float, high: float, unit: str, currency: str) -> str:
    if math.isnan(diff):
        return "-"
    text = fmt_value(diff, unit, currency, signed=True)
    if math.isfinite(low) and math.isfinite(high):
        sure = low > 0 or high < 0
        interval = f"[{fmt_value(low, unit, currency)}, {fmt_value(high, unit, currency)}]"
        return f"[bold]{text}[/] {interval}" if sure else f"{text} {interval}"
    return text


def overview_table(result: Comparison) -> Table:
    """Cost, people by level and P(plan met) per side."""
    frame = result.overview()
    table = Table(title="Team and plan", title_justify="left")
    for col in frame.columns:
        table.add_column(col.replace("_", " "), justify="left" if col == "side" else "right")
    currency = result.sides[0].scenario.currency
    for values in frame.to_dict(orient="records"):
        cells = [str(values["side"]), fmt_value(values["cost_per_month"], "currency", currency)]
        cells += [str(values[c]) for c in frame.columns if str(c).startswith("headcount_")]
        cells.append(fmt_value(values["p_plan_met"], "share", currency))
        table.add_row(*cells)
    return table


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("compare")(compare_command)
