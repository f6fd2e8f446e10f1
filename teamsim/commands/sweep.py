"""``teamsim sweep FILE --set path=a..b:step ...``: a grid of what-ifs, simulated and stored."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from teamsim.commands.options import (
    DetailOption,
    ExecutorOption,
    JsonOption,
    ScenarioPath,
    SchedulerOption,
    SeedOption,
    StoreOption,
)
from teamsim.console import err, out, print_json, user_errors
from teamsim.executors import ExecutorKind, make_executor
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.grid import Axis, grid
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    import pandas as pd

    from sim import SimResult
    from sim.scenario import Scenario
    from teamsim.store import Store

# The column naming a sweep point (point_label) in its attainment by month.
POINT_KEY = "point_label"

SUMMARY_KPIS = (
    "revenue_per_month",
    "attainment",
    "utilisation_line",
    "dials_per_caller_day",
    "approval_wait_min",
)


def sweep_command(
    file: ScenarioPath,
    axes: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="An axis: path=a..b:step, path=x,y,z or path=value. Repeat for a grid.",
            show_default=False,
        ),
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=2, help="Replications per point.")
    ] = 10,
    seed: SeedOption = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Local processes.")] = None,
    executor: ExecutorOption = ExecutorKind.LOCAL,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    excel: Annotated[Path | None, typer.Option(help="Also write the summary to .xlsx.")] = None,
    save: Annotated[bool, typer.Option(help="Store each point and the summary as runs.")] = True,
    detail: DetailOption = False,
    json_: JsonOption = False,
) -> None:
    """Simulate every point of a what-if grid on common random numbers; store each point.

    Example: --set roles.client_manager.headcount.current=8..20:4
    --set policies.call_quota_per_day=20,40,60. Every point is validated before anything
    runs. Points finished before a Ctrl-C stay stored.
    """
    import pandas as pd

    from sim import DIALS_BY_ROLE_NOTE, dials_by_role, simulate
    from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_NOTE, dials_long
    from teamsim.export import (
        check_workbook_path,
        workbook_currency,
        workbook_locale,
        write_workbook,
    )
    from teamsim.io import read_scenario_bytes
    from teamsim.plan_met_view import monthly, months_long, sells, warn_few_replications
    from teamsim.runs_io import save_result
    from teamsim.store import Store, new_run_id

    with user_errors(as_json=json_):
        if excel is not None:
            check_workbook_path(excel)  # said now, not after every point's replications
        axis_list, points = grid(axes)
        scenarios = _validate_all(file, points)
        text = read_scenario_bytes(file).decode("utf-8-sig")
        st = Store(store)
        if save:
            st.check_writable()  # said now, not after the sweep's points
        # One clock reading for the sweep's id and its started time.
        sweep_started = dt.datetime.now()
        sweep_id = new_run_id(sweep_started)
        root = seed if seed is not None else scenarios[0].seed
        rows: list[dict[str, Any]] = []
        months: list[tuple[str, pd.DataFrame]] = []  # attainment by month, by point label
        dials: list[tuple[str, pd.DataFrame]] = []  # dials a day by role, by point label
        with (
            make_executor(executor, scheduler=scheduler, workers=workers) as runner,
            replication_progress("sweep points", len(points)) as advance,
        ):
            for k, (point, sc) in enumerate(zip(points, scenarios, strict=True), start=1):
                started = dt.datetime.now()
                result = simulate(sc, replications, root, executor=runner)
                run_id = ""
                if save:
                    run_id = save_result(
                        st,
                        result,
                        text,
                        kind="sweep-point",
                        label=point_label(axis_list, point),
                        started_at=started,
                        status="complete" if result.complete else "partial",
                        params={"overrides": point, "sweep": sweep_id, "point": k},
                        detail=detail,
                    )
                # The table simulate prints (sim.dials_by_role), once a point.
                by_role = dials_by_role(result.frames, result.scenario)
                dials.append((point_label(axis_list, point), by_role))
                rows.append(_summary_row(axis_list, point, result, run_id=run_id, by_role=by_role))
                if sells(result):
                    months.append((point_label(axis_list, point), monthly(result)))
                advance(k)
        summary = _numeric_axes(pd.DataFrame(rows), axis_list)
        by_month = months_long(months, POINT_KEY)
        by_role_long = dials_long(dials, POINT_KEY)
        if save:
            _store_summary(
                st,
                sweep_id,
                file=file,
                text=text,
                summary=summary,
                axes=axes,
                seed=root,
                replications=replications,
                name=scenarios[0].name,
                started=sweep_started,
            )
        warn_few_replications(replications, sold=bool(scenarios[0].segments))
        if json_:
            print_json(
                sweep_json(sweep_id, summary, stored=save, months=by_month, dials=by_role_long)
            )
        else:
            first = scenarios[0]
            out.print(
                FittedGrid(
                    summary_table(
                        summary,
                        axis_list,
                        first.currency,
                        first.money_locale,
                        scenario=first,
                    )
                )
            )
            for line in summary_definitions(summary):
                out.print(line, soft_wrap=True)  # one line, whatever the terminal's width
            for line in dials_definitions(summary):
                out.print(line, soft_wrap=True)
        say = (err if json_ else out).print
        if save:
            say(f"stored {len(points)} point runs and the summary as run {sweep_id}")
        if excel is not None:
            about = {
                "sweep": sweep_id,
                "file": str(file),
                "plan_met_definition": "; ".join(summary_definitions(summary)),
                POOLED_DIALS: POOLED_DIALS_NOTE,
                "dials_by_role": DIALS_BY_ROLE_NOTE,
            }
            sheets = {
                "sweep": summary,
                "attainment_by_month": by_month,
                "dials_by_role": by_role_long,
            }
            write_workbook(
                excel,
                sheets,
                about,
                currency=workbook_currency(scenarios),
                locale=workbook_locale(scenarios),
            )
            say(f"wrote {excel}")


def _validate_all(file: Path, points: list[list[str]]) -> list[Scenario]:
    """Every point's scenario, or every point's problems at once before anything runs."""
    from sim import ScenarioError
    from teamsim.io import load_scenario

    scenarios, problems = [], []
    for point in points:
        try:
            scenarios.append(load_scenario(file, point))
        except ScenarioError as exc:
            where = ", ".join(point)
            problems += [
                # A fault of the file's text (YAML syntax: it has a column) is every
                # point's: said once, without a point.
                p if p.column is not None else replace(p, message=f"{p.message} (point {where})")
                for p in exc.problems
            ]
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return scenarios


def point_label(axes: list[Axis], point: list[str]) -> str:
    """A sweep point named by its values: each axis path less its section, and its value.

    Example: ``client_manager.headcount.current=12, call_quota_per_day=40`` for the axes
    ``roles.client_manager.headcount.current`` and ``policies.call_quota_per_day``; the
    run's params keep the full ``--set`` overrides.
    """
    parts = []
    for axis, value in zip(axes, point, strict=True):
        path = axis.path.split(".", 1)[-1]  # "roles.", "policies.": the same for every point
        parts.append(f"{path}={value.split('=', 1)[1]}")
    return ", ".join(parts)


def _numeric_axes(summary: pd.DataFrame, axes: list[Axis]) -> pd.DataFrame:
    """Axis columns whose every value is a number stored as numbers (4, 40), not text."""
    import pandas as pd

    for axis in axes:
        values = pd.to_numeric(summary[axis.path], errors="coerce")
        if values.notna().all():
            summary[axis.path] = values
    return summary


def _summary_row(
    axes: list[Axis], point: list[str], result: SimResult, run_id: str, by_role: pd.DataFrame
) -> dict[str, Any]:
    from sim import kpi_value
    from teamsim.compare import Side
    from teamsim.dials_view import by_role_columns
    from teamsim.plan_met_view import chance_cells, chances, definition

    row: dict[str, Any] = {a.path: v.split("=", 1)[1] for a, v in zip(axes, point, strict=True)}
    for name in SUMMARY_KPIS:
        row[name] = kpi_value(result.kpis, name)
    # Beside the pooled KPI: each dialling role's dials a day dialled (by_role, the
    # point's sim.dials_by_role), a column per role (BY_ROLE_PREFIX + its id).
    row.update(by_role_columns(by_role))
    # P(plan met), P(a month meets its plan), P(every month meets its plan): each with
    # the ends of its 95 % interval (teamsim.plan_met_view.CHANCE_COLUMNS).
    row.update(chance_cells(chances(result)))
    side = Side("x", result.scenario, result.seed, result.kpi_replications)
    row["cost_per_month"] = side.cost_per_month
    row["point_run"] = run_id
    row["plan_met_definition"] = definition(result.scenario)
    return row


def _store_summary(
    st: Store,
    sweep_id: str,
    file: Path,
    text: str,
    summary: pd.DataFrame,
    axes: list[str],
    seed: int,
    replications: int,
    name: str,
    started: dt.datetime,
) -> None:
    # The scenario's name, as its points carry it (the file is in the run's text).
    from teamsim import __version__
    from teamsim.store import RunMeta

    meta = RunMeta(
        kind="sweep",
        scenario_name=name,
        scenario_text=text,
        seed=seed,
        replications=replications,
        code_version=__version__,
        started_at=started,
        label=f"{len(summary)} points",
        params={"axes": axes},
        run_id=sweep_id,
    )
    st.save_run(meta, {"sweep_summary": summary})


def summary_table(
    summary: pd.DataFrame,
    axes: list[Axis],
    currency: str,
    locale: str | None = None,
    scenario: Scenario | None = None,
) -> Grid:
    """The sweep summary, a row per point: its values, KPIs and P(plan met).

    The axes are headed by letters (A, B, ...) and named in full in the caption
    in words ("A: Seller, headcount" for ``roles.seller.headcount.current``,
    :func:`axis_words` with ``scenario``'s titles): a field path is too long for a column
    head and would be cut. Print it with :class:`teamsim.figure_tables.FittedGrid`: no figure or
    interval is ever broken, a narrow terminal splits the table. Money in ``currency``
    and ``locale`` (default: the currency's usual one), each money column in one scale
    (``teamsim.format.format_money_column``).
    """
    from teamsim.dials_view import BY_ROLE_PREFIX, POOLED_DIALS_HEAD, by_role_head
    from teamsim.format import fmt_value, format_money_column
    from teamsim.plan_met_view import chance_columns

    letters = [_letter(i) for i in range(len(axes))]
    labels = {
        "revenue_per_month": ("revenue a month", "currency"),
        "attainment": ("attainment", "share"),
        "cost_per_month": ("cost a month", "currency"),
        "utilisation_line": ("line utilisation", "share"),
        # Not the dials-by-role figure of `simulate`: every dialling role pooled, days
        # present; the figures by role follow it.
        "dials_per_caller_day": (POOLED_DIALS_HEAD, "count"),
    }
    cur = currency
    records = summary.to_dict(orient="records")
    columns: dict[str, list[str]] = {
        letter: [_axis_cell(r[a.path]) for r in records]
        for letter, a in zip(letters, axes, strict=True)
    }
    for k, (label, unit) in labels.items():
        columns[label] = (
            format_money_column([_num(r[k]) for r in records], cur, locale)
            if unit == "currency"
            else [fmt_value(_num(r[k]), unit, cur, locale=locale) for r in records]
        )
    for k in [str(c) for c in summary.columns if str(c).startswith(BY_ROLE_PREFIX)]:
        columns[by_role_head(k, scenario)] = [
            fmt_value(_num(r[k]), "count", cur, locale=locale) for r in records
        ]
    # P(plan met) and beside it the month-level chances (a summary stored before them:
    # P(plan met) alone).
    columns.update(chance_columns([{str(k): v for k, v in r.items()} for r in records], locale))
    return Grid(
        title="Sweep (common random numbers across points)",
        key="point",
        keys=[str(i + 1) for i in range(len(records))],
        columns=columns,
        styles=[None] * len(records),
        caption="\n".join(
            f"{x}: {axis_words(a.path, scenario)}" for x, a in zip(letters, axes, strict=True)
        ),
    )


# A path's last part that says nothing a head reads: "headcount.current" is the headcount.
_SILENT_PARTS = frozenset({"current"})


def axis_words(path: str, scenario: Scenario | None = None) -> str:
    """A swept field's path in words, for the sweep's legend.

    ``roles.client_manager.headcount.current`` -> "Client manager, headcount";
    ``policies.call_quota_per_day`` -> "Call quota per day".

    A role, segment or channel is named by its title (``sim.title``), a stage by its
    name in words; the other parts are the fields' names in words, the word "current"
    of a headcount left out.
    """
    from sim import id_words, title
    from sim.scenario import Scenario

    parts = path.split(".")
    words: list[str] = []
    i = 0
    if len(parts) > 1 and parts[0] in ("roles", "segments", "channels"):
        words.append(title(parts[1], scenario))
        i = 2
    elif len(parts) > 1 and parts[0] in Scenario.model_fields:
        i = 1  # the section is implied by the field's own name
    while i < len(parts):
        part = parts[i]
        if part == "stages" and i + 1 < len(parts):
            words.append(_stage_words(parts[1], parts[i + 1], scenario))
            i += 2
            continue
        if part not in _SILENT_PARTS:
            words.append(id_words(part))
        i += 1
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def _stage_words(segment: str, stage: str, scenario: Scenario | None) -> str:
    """A stage of a path (by index or name) in words: "stage meeting"."""
    from sim import id_words

    seg = scenario.segments.get(segment) if scenario is not None else None
    if seg is not None and stage.isdigit() and int(stage) < len(seg.stages):
        stage = seg.stages[int(stage)].name
    return f"stage {id_words(stage)}"


def _letter(i: int) -> str:
    """A, B, ..., Z, then AA, AB, ...: an axis's short column head."""
    return ("" if i < 26 else _letter(i // 26 - 1)) + chr(ord("A") + i % 26)


def summary_definitions(summary: pd.DataFrame) -> list[str]:
    """The meaning of the summary's P(plan met), a line per distinct one (points that sell).

    Empty for a summary stored before points carried ``plan_met_definition``.
    """
    if "plan_met_definition" not in summary:
        return []
    texts = [str(t) for t in summary["plan_met_definition"] if isinstance(t, str) and t]
    return list(dict.fromkeys(texts))


def dials_definitions(summary: pd.DataFrame) -> list[str]:
    """What the summary's dials figures count: the pooled KPI, and the figures by role."""
    from sim import DIALS_BY_ROLE_NOTE
    from teamsim.dials_view import BY_ROLE_PREFIX, POOLED_DIALS, POOLED_DIALS_NOTE

    lines = [POOLED_DIALS_NOTE] if POOLED_DIALS in summary else []
    if any(str(c).startswith(BY_ROLE_PREFIX) for c in summary.columns):
        lines.append(DIALS_BY_ROLE_NOTE)
    return lines


def sweep_json(
    sweep_id: str,
    summary: pd.DataFrame,
    stored: bool,
    months: pd.DataFrame | None = None,
    dials: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The sweep as JSON: a record per point and the meanings of its P(plan met).

    Each point carries its ``plan_met_definition`` and, beside ``p_plan_met``, its
    month-level chances with their intervals (``p_month_met``, ``p_every_month_met``,
    ``..._low``, ``..._high``); the top-level ``plan_met_definition`` lists the distinct
    lines (:func:`summary_definitions`); ``attainment_by_month`` a record per point
    (its ``point_label``) and calendar month (``teamsim.plan_met_view.months_long``).
    Each point carries beside ``dials_per_caller_day`` (every dialling role pooled) its
    roles' dials a day over the days dialled (``dials_per_day_dialled_<role>``);
    ``dials_by_role`` has a record per point and role (``sim.dials_by_role``'s columns),
    ``dials_definition`` what each counts.
    """
    from sim import DIALS_BY_ROLE_NOTE
    from teamsim.dials_view import POOLED_DIALS, POOLED_DIALS_NOTE

    return {
        "sweep_id": sweep_id if stored else None,
        "points": summary.to_dict(orient="records"),
        "plan_met_definition": summary_definitions(summary),
        "attainment_by_month": [] if months is None else months.to_dict(orient="records"),
        "dials_by_role": [] if dials is None else dials.to_dict(orient="records"),
        "dials_definition": {POOLED_DIALS: POOLED_DIALS_NOTE, "dials_by_role": DIALS_BY_ROLE_NOTE},
    }


def _axis_cell(value: object) -> str:
    # A numeric axis is stored as numbers: 40 is shown "40", not "40.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("sweep")(sweep_command)
