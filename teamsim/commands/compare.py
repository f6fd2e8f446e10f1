"""``teamsim compare A B [C D]``: scenarios or stored runs side by side."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from teamsim.commands.options import (
    DetailOption,
    ExecutorOption,
    JsonOption,
    SchedulerOption,
    SetOption,
    StoreOption,
)
from teamsim.console import err, out, print_json, user_errors
from teamsim.executors import ExecutorKind, make_executor
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    from sim import Executor
    from sim.scenario import Scenario
    from teamsim.compare import Comparison, Side
    from teamsim.format import MoneyScale
    from teamsim.store import Store

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
    replications: Annotated[
        int,
        typer.Option("--replications", "-n", help="Replications per scenario file.", min=1),
    ] = 20,
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
    json_: JsonOption = False,
) -> None:
    """Compare scenarios (simulated on common random numbers) or stored runs.

    Every scenario file is simulated with one seed (--seed, else the first item's), so
    the sides share their random numbers. Differences are against the first item, with
    95 % confidence intervals: paired by replication when the runs share their seed,
    Welch's interval otherwise. Every item is checked before anything is simulated; a
    scenario file whose identical run is stored reuses it (--fresh to simulate again).
    """
    from sim import DIALS_BY_ROLE_NOTE
    from teamsim.compare import compare, comparison_sheets, side_chances, side_months
    from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_NOTE
    from teamsim.export import check_workbook_path, workbook_currency, write_workbook
    from teamsim.plan_met_view import chances_side_by_side, definition_lines, warn_few_replications
    from teamsim.store import Store

    with user_errors(as_json=json_):
        if not 2 <= len(items) <= 4:
            raise typer.BadParameter(f"give 2 to 4 scenarios or runs, got {len(items)}")
        if excel is not None:
            check_workbook_path(excel)  # said now, not after every side's replications
        st = Store(store)
        inputs = [_checked(item, overrides=set_ or [], store=st) for item in items]
        _one_currency(inputs)
        if save:  # after the items, so a wrong item leaves no new store file behind
            st.check_writable()  # said now, not after the first file's replications
        # Common random numbers need one seed: the first item's serves every file.
        first = inputs[0]
        root = seed if seed is not None else (first.seed if first.seed is not None else 0)
        labels = _labels(inputs)
        sides: list[Side] = []
        with make_executor(executor, scheduler=scheduler, workers=workers) as runner:
            for item, label in zip(inputs, labels, strict=True):
                if item.side is not None:
                    sides.append(replace(item.side, label=label))
                    continue
                sides.append(
                    _simulated(
                        item,
                        label=label,
                        replications=replications,
                        seed=root,
                        runner=runner,
                        store=st,
                        save=save,
                        reuse=not fresh,
                        detail=detail,
                        say=(err if json_ else out).print,
                    )
                )
        result = compare(_unique_labels(sides))
        fewest = min(len(s.kpi_replications) for s in result.sides)
        warn_few_replications(fewest, sold=any(s.scenario.segments for s in sides))
        defined = definition_lines([(s.label, s.scenario) for s in result.sides])
        if excel is not None:
            about = {
                "compared": ", ".join(items),
                "plan_met_definition": "; ".join(defined),
                POOLED_DIALS: POOLED_DIALS_NOTE,
                "dials_by_role": DIALS_BY_ROLE_NOTE,
            }
            about.update({f"{label} (side)": text for label, text in partial_sides(result).items()})
            currency = workbook_currency(s.scenario for s in result.sides)
            write_workbook(
                excel, comparison_sheets(result), about, currency=currency, locale=result.locale
            )
        if json_:
            print_json(comparison_json(result))
        else:
            out.print(comparison_table(result))
            dials = dials_grid(result)
            if dials is not None:
                out.print(FittedGrid(dials))
            out.print(overview_table(result))
            sold = [s for s in result.sides if s.scenario.segments]
            if sold:
                out.print(
                    FittedGrid(
                        chances_side_by_side(
                            [(s.label, side_chances(s)) for s in sold],
                            sold[0].scenario.money_locale,
                        )
                    )
                )
            # Unwrapped: the meaning stays one line, whatever the terminal's width.
            for line in defined:
                out.print(line, soft_wrap=True)
            if any(not side_months(s).empty for s in sold):
                out.print(FittedGrid(months_grid(result)))
        if excel is not None:
            (err if json_ else out).print(f"wrote {excel}")


@dataclass(frozen=True)
class _Input:
    """One item, checked: a stored run's side, or a scenario file to simulate."""

    item: str
    side: Side | None = None
    path: Path | None = None
    scenario: Scenario | None = None
    overrides: tuple[str, ...] = ()

    @property
    def currency(self) -> str:
        """The ISO 4217 code of the item's amounts."""
        if self.side is not None:
            return self.side.scenario.currency
        assert self.scenario is not None  # a file, checked
        return self.scenario.currency

    @property
    def seed(self) -> int | None:
        """The seed the item brings: its run's, or its scenario's."""
        if self.side is not None:
            return self.side.seed
        return self.scenario.seed if self.scenario is not None else None


def _one_currency(inputs: list[_Input]) -> None:
    """Refuse sides in different currencies, before anything is simulated.

    Raises:
        TeamsimError: naming each item and its currency (exit 2).
    """
    from teamsim.compare import check_one_currency

    check_one_currency({item.item: item.currency for item in inputs})


def _checked(item: str, overrides: list[str], store: Store) -> _Input:
    """Read and validate one item before anything is simulated (errors name the item)."""
    from teamsim.io import load_scenario
    from teamsim.runs_io import side_from_run
    from teamsim.store import StoreError

    path = Path(item)
    if not path.exists() and not item.endswith((".yaml", ".yml")):
        try:
            return _Input(item, side=side_from_run(store, item))
        except StoreError as exc:
            raise StoreError(f"{item!r} is not a scenario file, and {exc}") from None
    scenario = load_scenario(path, overrides)
    return _Input(item, path=path, scenario=scenario, overrides=tuple(overrides))


def _labels(inputs: list[_Input]) -> list[str]:
    """Each side's label: a file's or run's scenario name, told apart where names clash.

    A file by its stem, a run by its id; a run's own label, if it was given one.

    A head knows the team by the name the scenario gives it ("North team"), not by the
    file; two files of one name are told apart by their stems ("team", "variant").
    """
    names = [item.scenario.name if item.scenario is not None else "" for item in inputs]
    labels = []
    runs = [item.side.label for item in inputs if item.side is not None]
    for item, name in zip(inputs, names, strict=True):
        if item.side is not None:
            # Two runs of one scenario are told apart by their ids.
            clash = runs.count(item.side.label) > 1 or item.side.label in names
            labels.append(f"{item.side.label} [{item.item}]" if clash else item.side.label)
        elif names.count(name) > 1 and item.path is not None:
            labels.append(item.path.stem)
        else:
            labels.append(name)
    return labels


def _simulated(
    item: _Input,
    label: str,
    replications: int,
    seed: int,
    runner: Executor,
    store: Store,
    save: bool,
    reuse: bool,
    detail: bool,
    say: Callable[..., None],
) -> Side:
    from sim import simulate
    from teamsim.compare import Side, side_from_result
    from teamsim.io import read_scenario_bytes
    from teamsim.runs_io import identical_run, save_result, stored_dials, stored_plan_met

    assert item.path is not None and item.scenario is not None  # a file, checked
    if reuse:
        found = identical_run(store, item.scenario, seed=seed, replications=replications)
        if found is not None:
            say(f"reused run {found} for {item.path} (identical; --fresh to simulate again)")
            chances, months = stored_plan_met(store, found, item.scenario)
            replications_kept = store.load_table(found, "kpi_replications")
            return Side(
                label,
                item.scenario,
                seed,
                replications_kept,
                chances=chances,
                months=months,
                dials=stored_dials(store, found),
            )
    started = dt.datetime.now()
    with replication_progress(f"simulating {item.path.name}", replications) as advance:
        result = simulate(item.scenario, replications, seed, executor=runner, progress=advance)
    run_id = ""
    if save:
        text = read_scenario_bytes(item.path).decode("utf-8-sig")
        run_id = save_result(
            store,
            result,
            text,
            kind="simulate",
            label=label,
            params={"overrides": list(item.overrides), "requested_replications": replications},
            started_at=started,
            status="complete" if result.complete else "partial",
            detail=detail,
        )
        say(f"stored {item.path} as run {run_id}")
    if not result.complete:
        # As simulate: an interrupt stops the command; what finished is kept, and said.
        # Comparing a stopped side against a whole one would be a comparison nobody asked for.
        err.print(
            f"[yellow]{result.stopped_by}:[/] kept the {result.replications} of {replications} "
            f"replications of {item.path} that finished"
            + (f" as partial run {run_id}" if run_id else "")
            + "; nothing compared",
            soft_wrap=True,
        )
        raise typer.Exit(130)
    return side_from_result(label, result)


def _unique_labels(sides: list[Side]) -> list[Side]:
    seen: dict[str, int] = {}
    unique = []
    for side in sides:
        n = seen.get(side.label, 0)
        seen[side.label] = n + 1
        label = side.label if n == 0 else f"{side.label}#{n + 1}"
        unique.append(replace(side, label=label))
    return unique


def comparison_table(result: Comparison) -> FittedGrid:
    """KPI rows; a column per side, then each difference with its interval under it.

    Money is in the first side's currency and locale: the row's means in one scale, its
    differences and their intervals in another (``teamsim.format.money_scale``), so no
    row and no interval mixes units. Laid out by :mod:`teamsim.figure_tables`: no figure
    is cut at the console's width, no header shortened.
    """
    from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_LABEL
    from teamsim.format import fmt_value, money_scale

    base = result.sides[0].label
    columns = [s.label for s in result.sides] + [f"{s.label} - {base}" for s in result.sides[1:]]
    grid = Grid(
        title="Comparison (differences against " + base + ", 95 % CI)" + partial_note(result),
        key="KPI",
        columns={c: [] for c in columns},
    )
    sc = result.sides[0].scenario
    for _, part in result.shown().groupby("kpi", sort=False):
        unit = str(part["unit"].iloc[0])
        means = [float(m) for m in part["mean"]]
        diffs = part.iloc[1:][["diff", "ci_low", "ci_high"]].to_numpy(dtype=float)
        money = unit == "currency"
        same = money_scale(means, sc.money_locale) if money else None
        apart = money_scale(diffs.ravel().tolist(), sc.money_locale) if money else None
        cells = [fmt_value(m, unit, sc.currency, locale=sc.money_locale, scale=same) for m in means]
        cells += [
            _diff_cell(d, low=lo, high=hi, unit=unit, scenario=sc, scale=apart)
            for d, lo, hi in diffs
        ]
        # The KPI pooling every dialling role, named as such beside the figures by role.
        label = POOLED_DIALS_LABEL if part["kpi"].iloc[0] == POOLED_DIALS else part["label"].iloc[0]
        grid.add_row(escape(str(label)), cells)
    return FittedGrid(grid)


def dials_grid(result: Comparison) -> Grid | None:
    """Dials a day by role over the days each person dialled, a column per side.

    Each side's ``sim.dials_by_role`` (the run's table, the function ``simulate`` prints
    from): its mean and, under it, P10 to P90 over replications. None when no side's
    people dialled (or no side knows: runs stored before the table).
    """
    from teamsim.dials_view import dials_by_side

    if not any(s.dials is not None and not s.dials.empty for s in result.sides):
        return None
    return dials_by_side(
        [(s.label, s.dials) for s in result.sides],
        "Dials a day by role, over the days each person dialled",
        result.sides[0].scenario.money_locale,
    )


def partial_note(result: Comparison) -> str:
    """Names the sides stopped before their end: "; North: partial (6 of 20 replications)"."""
    named = partial_sides(result)
    return "; " + "; ".join(f"{label}: {text}" for label, text in named.items()) if named else ""


def partial_sides(result: Comparison) -> dict[str, str]:
    """Each side stored partial, by label: "partial (6 of 20 replications)"."""
    return {s.label: s.partial for s in result.sides if s.partial}


def _diff_cell(
    diff: float, low: float, high: float, unit: str, scenario: Scenario, scale: MoneyScale | None
) -> str:
    from sim import INTERVAL_JOINER
    from teamsim.format import fmt_points, fmt_value, minutes_in_days

    if math.isnan(diff):
        return "-"

    def cell(value: float, signed: bool = False) -> str:
        if unit == "share":  # a difference of shares is in percentage points
            return fmt_points(value, signed=signed, locale=scenario.money_locale)
        return fmt_value(
            value,
            unit,
            scenario.currency,
            signed=signed,
            locale=scenario.money_locale,
            scale=scale,
            days=days,
        )

    days = minutes_in_days((diff, low, high))  # one unit for the interval's three numbers
    text = cell(diff, signed=True)
    if math.isfinite(low) and math.isfinite(high):
        sure = low > 0 or high < 0
        # The interval on a line of its own: the column is as wide as the wider of the two.
        interval = escape(f"{cell(low)}{INTERVAL_JOINER}{cell(high)}")
        return f"[bold]{text}[/]\n{interval}" if sure else f"{text}\n{interval}"
    return text


_OVERVIEW_TITLES = {"cost_per_month": "cost a month", "p_plan_met": "P(plan met)"}


def months_grid(result: Comparison) -> Grid:
    """Attainment by calendar month, a column group per side that sells (P50, P10-P90)."""
    from teamsim.compare import side_months
    from teamsim.plan_met_view import months_side_by_side

    return months_side_by_side(
        [(s.label, side_months(s)) for s in result.sides if s.scenario.segments],
        title="Attainment by calendar month, each side over its replications",
        locale=result.sides[0].scenario.money_locale,
    )


def overview_table(result: Comparison) -> FittedGrid:
    """Cost, people by level and P(plan met) per side (costs in one scale), headers whole."""
    from teamsim.format import fmt_value, format_money_column

    frame = result.overview()
    shown = ["cost_per_month", *(c for c in frame.columns if str(c).startswith("headcount_"))]
    titles = [
        # "people, line" (not "headcount line"): short words, so the table fits 80 columns
        _OVERVIEW_TITLES.get(str(col), str(col).replace("headcount_", "people, "))
        for col in [*shown, "p_plan_met"]
    ]
    grid = Grid(title="Team and plan", key="side", columns={t: [] for t in titles})
    sc = result.sides[0].scenario
    costs = format_money_column(
        [float(v) for v in frame["cost_per_month"]], sc.currency, sc.money_locale
    )
    for values, cost in zip(frame.to_dict(orient="records"), costs, strict=True):
        cells = [cost]
        cells += [str(values[c]) for c in frame.columns if str(c).startswith("headcount_")]
        cells.append(fmt_value(values["p_plan_met"], "share", sc.currency, locale=sc.money_locale))
        grid.add_row(escape(str(values["side"])), cells)
    return FittedGrid(grid)


def comparison_json(result: Comparison) -> dict[str, Any]:
    """The comparison as JSON: the KPI table, each side's team, what P(plan met) means.

    ``plan_met_definition``: its lines (:func:`definition_lines`); each ``team`` row
    carries its side's own. Each side carries its ``plan_met_chances`` (P(plan met), P(a
    month meets its plan), P(every month meets its plan) with their intervals) and its
    ``attainment_by_month``, as ``simulate --json`` writes them ([] with no sales plan),
    and its ``dials_by_role`` (``sim.dials_by_role`` records, as ``simulate --json``;
    [] where unknown). ``dials_definition`` says what the pooled KPI and the figures by
    role count.
    """
    from sim import DIALS_BY_ROLE_NOTE
    from teamsim.compare import side_chances, side_months, team_frame
    from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_NOTE, dials_records
    from teamsim.plan_met_view import definition_lines

    return {
        "sides": [
            {
                "label": s.label,
                "seed": s.seed,
                "partial": s.partial or None,
                "plan_met_chances": side_chances(s),
                "attainment_by_month": side_months(s).to_dict(orient="records"),
                "dials_by_role": dials_records(s.dials),
            }
            for s in result.sides
        ],
        "confidence": result.confidence,
        "comparison": result.table.to_dict(orient="records"),
        "team": team_frame(result).to_dict(orient="records"),
        "plan_met_definition": definition_lines([(s.label, s.scenario) for s in result.sides]),
        "dials_definition": {POOLED_DIALS: POOLED_DIALS_NOTE, "dials_by_role": DIALS_BY_ROLE_NOTE},
    }


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("compare")(compare_command)
