"""``teamsim runs list|show|delete|prune|export``: the run store from the command line."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from teamsim.commands.options import JsonOption, StoreOption
from teamsim.commands.plan import render as render_plan
from teamsim.commands.simulate import counted_line, kpi_table_of
from teamsim.commands.sweep import dials_definitions, summary_definitions, summary_table
from teamsim.console import err, out, print_json, user_errors
from teamsim.declared import (
    DIAGNOSES_PARAM,
    FORMATS,
    HIRING_PARAM,
    LEFT_OUT_PARAM,
    PLAN_PARAM,
    WINDOW_PARAM,
)
from teamsim.figure_tables import FittedGrid, Separated
from teamsim.grid import grid
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario import Scenario
    from teamsim.store import Store

runs_app = typer.Typer(
    help="List, show, delete, prune and export stored runs.", no_args_is_help=True
)

RunId = Annotated[str, typer.Argument(help="Run id, or enough of its start to be unique.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")]

# A run whose stored text and overrides do not validate (say, stored by an older
# teamsim, before scenario_hash meant the validated scenario) has no scenario to hash.
_NO_HASH = "- (unknown: the stored scenario does not validate with this teamsim)"


@runs_app.command("list")
def list_runs(store: StoreOption = None, json_: JsonOption = False) -> None:
    """List stored runs, newest first (the id starts with the date and time it began)."""
    import pandas as pd

    from teamsim.store import Store

    with user_errors(as_json=json_):
        st = Store(store)
        runs = st.list_runs() if st.path.exists() or not json_ else pd.DataFrame()
        if json_:
            print_json({"store": str(st.path), "runs": runs})
            return
        if runs.empty:
            out.print(f"no runs in {st.path}" if st.path.exists() else str(st.missing()))
            return
        out.print(runs_table(runs, str(st.path)))


def runs_table(
    runs: pd.DataFrame,
    where: str,
    width: int | None = None,
    *,
    rows: Mapping[str, int] | None = None,
) -> Table:
    """The runs as a table that fits 80 columns: id, kind, date, status, seed, scenario.

    Every column but the scenario's is whole (ids are copied from here, seeds are typed
    back); the scenario's name takes the width left and is cut with an ellipsis (one
    line a run), and a run's label (sweep values) goes on a second line under it, wrapped
    only after a separator. From 100 columns the replications are shown too. ``rows``
    (``runs prune``): each run's stored rows (``Store.stored_rows``), shown in the seed's
    place.
    """
    import pandas as pd

    from sim import format_number

    table = Table(
        title=f"Runs in {where}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,  # the box puts one space between columns: room for the name
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("run", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("status", no_wrap=True)
    if rows is None:
        table.add_column("seed", no_wrap=True, justify="right")
    else:
        table.add_column("rows", no_wrap=True, justify="right")
    wide = (width or out.width) >= 100
    if wide:
        table.add_column("reps", no_wrap=True, justify="right")
    table.add_column("scenario / label", overflow="ellipsis", ratio=1)
    for row in runs.itertuples():
        name = Text(str(row.scenario_name), no_wrap=True, overflow="ellipsis")
        label = str(getattr(row, "label", "") or "")
        scenario = Group(name, Separated(label)) if label else name
        started = getattr(row, "started_at", None)
        date = "" if started is None or pd.isna(started) else f"{pd.Timestamp(started):%Y-%m-%d}"
        cells = [str(row.run_id), str(row.kind), date, str(row.status)]
        cells.append(
            _opt(row.seed) if rows is None else format_number(rows.get(str(row.run_id), 0), 0)
        )
        if wide:
            cells.append(_opt(getattr(row, "replications", None)))
        table.add_row(*cells, scenario)
    return table


@runs_app.command("show")
def show(
    run: RunId,
    store: StoreOption = None,
    tables: Annotated[
        bool, typer.Option("--tables", help="Also list the stored tables and their rows.")
    ] = False,
) -> None:
    """Show a run's results as the command that made it showed them, and what it was."""
    from sim import counted, format_number
    from teamsim.store import Store

    with user_errors():
        st = Store(store)
        run_id = st.resolve(run)
        meta = st.run_meta(run_id)
        out.print(_about_table(meta))
        for part in results(st, meta):
            # A line of text (a verdict, P(plan met)'s meaning) is never cut: soft wrap.
            out.print(part, soft_wrap=isinstance(part, str))
        _warn_few(meta)
        note = detail_note(meta)
        if note:
            out.print(f"[yellow]note:[/] {note}", soft_wrap=True)
        if tables:
            listing = Table(title="Stored tables", title_justify="left")
            listing.add_column("table")
            listing.add_column("rows", justify="right")
            for name, rows in meta["tables"].items():
                listing.add_row(name, format_number(rows, 0))
            out.print(listing)
        else:
            count = len(meta["tables"])
            out.print(f"{counted(count, 'table')} stored (--tables lists them)")


def _about_table(meta: Mapping[str, Any]) -> Table:
    from sim import humane

    table = Table(show_header=False, title=f"Run {meta['run_id']}", title_justify="left")
    for key in ("kind", "scenario_name", "label", "status", "seed", "replications"):
        if not _missing(meta.get(key)):  # a hiring plan without --verify simulated nothing
            table.add_row(_ABOUT_WORDS[key], str(meta[key]))
    table.add_row("Started", f"{meta['started_at']:%Y-%m-%d %H:%M:%S}")
    table.add_row("Code version", str(meta.get("code_version", "")))
    table.add_row("Scenario hash", meta.get("scenario_hash") or _NO_HASH)
    table.add_row("Scenario text hash", str(meta.get("scenario_text_hash") or ""))
    for key, value in meta["params"].items():
        # An empty param ("overrides []") says nothing: left out.
        if key not in _SHOWN_IN_RESULTS and value not in (None, "", [], {}):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            table.add_row(_PARAM_WORDS.get(key, humane(key)), shown)
    return table


# The run's facts in words (the store and --json keep the keys).
_ABOUT_WORDS = {
    "kind": "Kind",
    "scenario_name": "Scenario",
    "label": "Label",
    "status": "Status",
    "seed": "Seed",
    "replications": "Replications",
}
_PARAM_WORDS = {"overrides": "Changes (--set)", "axes": "Swept (--set)"}


# Params the results below print in words (the verdict and its reason, P(plan met), the
# iterations' margin and capacity factors, the counted window, the diagnoses, the plan):
# listed raw beside them they read as internals ("param: capacity_factor {}").
_SHOWN_IN_RESULTS = frozenset(
    {
        "reason",
        "met",
        "p_plan_met",
        "plan_factor",
        "capacity_factor",
        LEFT_OUT_PARAM,
        PLAN_PARAM,
        DIAGNOSES_PARAM,
        WINDOW_PARAM,
        HIRING_PARAM,
        "margins",
        "lag_extra_days",
    }
)


# The runs whose P(plan met) rests on their replications: the warning their command gave.
_WARNED_KINDS = frozenset({"simulate", "verify", "sweep", "sweep-point", "hiring"})


def _warn_few(meta: Mapping[str, Any]) -> None:
    """The small-sample warning the run's command printed, on stderr, as it printed it."""
    import pandas as pd

    from sim import TeamsimError
    from teamsim.plan_met_view import warn_few_replications
    from teamsim.runs_io import stored_scenario

    n = meta.get("replications")
    if meta["kind"] not in _WARNED_KINDS or n is None or pd.isna(n):
        return
    try:
        sold = bool(stored_scenario(meta).segments)
    except TeamsimError:
        sold = True
    warn_few_replications(int(n), sold=sold)


def results(st: Store, meta: Mapping[str, Any]) -> list[Any]:
    """What ``runs show`` prints for a run's results, from its stored tables, in order.

    A verify run as ``plan --verify`` printed it (:func:`verify_results`); else KPIs, a
    plan card (any table named ``plan_card``), P(plan met) with its meaning and the month
    table, a sweep's summary with the meaning of its P(plan met). The scenario is rebuilt
    from the stored text; a run whose scenario no longer validates is shown as plain
    tables.
    """
    from sim import TeamsimError
    from teamsim.hiring_view import RUN_KIND, hiring_results
    from teamsim.runs_io import stored_scenario

    run_id, stored = str(meta["run_id"]), meta["tables"]
    try:
        scenario: Scenario | None = stored_scenario(meta)
    except TeamsimError:
        scenario = None
    if meta["kind"] == "verify" and scenario is not None and stored.get("iterations"):
        return verify_results(st, meta, scenario)
    if meta["kind"] == RUN_KIND and scenario is not None:  # issue 12: plan --hiring
        return hiring_results(st, meta, scenario) + _kpis(st, meta, scenario)
    parts: list[Any] = []
    if meta["kind"] == "verify":
        params = meta["params"]
        verdict = "plan verified" if params.get("met") else "plan NOT verified"
        colour = "green" if params.get("met") else "yellow"
        parts.append(f"[bold {colour}]{verdict}[/]: {params.get('reason', '')}")
    parts += _counted(meta)
    parts += _kpis(st, meta, scenario)
    parts += _units(st, meta, scenario)
    parts += _dials_and_diagnoses(st, meta, scenario.money_locale if scenario else None)
    if "plan_card" in stored:
        parts.append(frame_table("Plan card", st.load_table(run_id, "plan_card")))
    chances = _plan_met(st, run_id, stored, scenario)
    if chances is not None:
        parts.append(chances)
    for name, title in (("plan_roles", "Plan by role"), ("quotas", "Call quotas")):
        if name in stored:
            parts.append(frame_table(title, st.load_table(run_id, name)))
    if "iterations" in stored:
        parts.append(frame_table("Iterations", st.load_table(run_id, "iterations")))
    if "sweep_summary" in stored:
        parts += _sweep(st.load_table(run_id, "sweep_summary"), meta, scenario)
    return parts


def verify_results(st: Store, meta: Mapping[str, Any], scenario: Scenario) -> list[Any]:
    """A verify run as ``plan --verify`` printed it, through the same view functions.

    The final plan's tables and its card (``plan.render``, ``render_plan_card``, from the
    plan the run stored in its params), the verdict, quotas and iterations
    (``render_verified_tables``), P(plan met) with its meaning and month table; then the
    KPIs. A run stored before its plan was kept shows its stored card as a table.
    """
    import pandas as pd

    from optimizer import plan_card
    from teamsim.plan_card_view import render_plan_card
    from teamsim.verify_view import (
        iterations_cost_scale,
        render_verified_tables,
        stored_diagnoses,
        stored_plan,
    )

    run_id, stored, params = str(meta["run_id"]), meta["tables"], meta["params"]
    parts: list[Any] = []
    final = stored_plan(params)
    iterations = st.load_table(run_id, "iterations")
    if final is not None:
        card = plan_card(final, scenario, float(params.get("plan_factor") or 1.0))
        costs = iterations_cost_scale(iterations, scenario)
        parts.append(
            render_plan(final, card, scenario.money_locale, scenario=scenario, cost_scale=costs)
        )
        shown = render_plan_card(card)
        if shown is not None:
            parts.append(shown)
    elif "plan_card" in stored:
        parts.append(frame_table("Plan card", st.load_table(run_id, "plan_card")))
    quotas = st.load_table(run_id, "quotas") if stored.get("quotas") else pd.DataFrame()
    parts.append(
        render_verified_tables(
            scenario,
            met=bool(params.get("met")),
            reason=str(params.get("reason", "")),
            iterations=iterations,
            quotas=quotas,
            diagnoses=stored_diagnoses(params),
        )
    )
    chances = _plan_met(st, run_id, stored, scenario)
    if chances is not None:
        parts.append(chances)
    # The final run's KPIs, and a network's by unit, as plan --verify printed them.
    return parts + _kpis(st, meta, scenario) + _units(st, meta, scenario)


def _counted(meta: Mapping[str, Any]) -> list[Any]:
    """Simulate's "counted: ..." line, from the window the run stored (none before it did)."""
    window = meta["params"].get(WINDOW_PARAM)
    if not isinstance(window, dict):
        return []
    return [
        counted_line(
            counted_days=int(window["counted_days"]),
            warmup_days=int(window["warmup_days"]),
            months=len(window["counted_months"]),
            scenario_hash=str(meta.get("scenario_hash") or ""),
        )
    ]


def _dials_and_diagnoses(
    st: Store, meta: Mapping[str, Any], locale: str | None = None
) -> list[Any]:
    """Dials a day by role and the diagnoses, as simulate printed them (same views)."""
    from teamsim.diagnose_view import render_diagnoses, render_dials
    from teamsim.verify_view import stored_diagnoses

    parts: list[Any] = []
    if meta["tables"].get("dials_by_role"):
        dials = render_dials(st.load_table(str(meta["run_id"]), "dials_by_role"), locale)
        if dials is not None:
            parts.append(dials)
    found = render_diagnoses(stored_diagnoses(meta["params"]))
    if found is not None:
        parts.append(found)
    return parts


def _units(st: Store, meta: Mapping[str, Any], scenario: Scenario | None) -> list[Any]:
    """A network's *Results by unit*, as simulate printed it (teamsim.unit_view)."""
    from teamsim.unit_view import render_units

    stored = meta["tables"]
    if scenario is None or not scenario.units or not stored.get("kpis_by_unit"):
        return []
    run_id = str(meta["run_id"])
    table = render_units(
        st.load_table(run_id, "kpis"), st.load_table(run_id, "kpis_by_unit"), scenario
    )
    return [] if table is None else [table]


def _kpis(st: Store, meta: Mapping[str, Any], scenario: Scenario | None) -> list[Any]:
    if "kpis" not in meta["tables"]:
        return []
    kpis = st.load_table(str(meta["run_id"]), "kpis")
    if scenario is not None and {"kpi", "unit", "n"} <= set(kpis.columns):
        return [kpi_table_of(kpis, scenario)]
    return [frame_table("KPIs", kpis)]


def _sweep(summary: pd.DataFrame, meta: Mapping[str, Any], scenario: Scenario | None) -> list[Any]:
    """A sweep's summary as ``sweep`` printed it, with the meaning of its P(plan met)."""
    from sim import TeamsimError
    from teamsim.plan_met_view import definition

    try:
        axes = grid(list(meta["params"].get("axes", [])))[0]
    except TeamsimError:
        return [frame_table("Sweep", summary)]
    if not all(a.path in summary for a in axes):
        return [frame_table("Sweep", summary)]
    currency = scenario.currency if scenario is not None else ""
    locale = scenario.money_locale if scenario is not None else None
    lines = summary_definitions(summary)
    if not lines and scenario is not None:
        # A summary stored before its points carried their meaning: the file's.
        lines = [line for line in [definition(scenario)] if line]
    lines += dials_definitions(summary)  # what its dials figures count, as sweep said
    return [FittedGrid(summary_table(summary, axes, currency, locale, scenario=scenario)), *lines]


def _plan_met(
    st: Store, run_id: str, stored: Mapping[str, int], scenario: Scenario | None
) -> Any | None:
    """P(plan met) as simulate showed it: from the stored tables, or (older runs) rebuilt."""
    from sim import attainment_by_unit
    from teamsim.plan_met_view import render_plan_met_tables
    from teamsim.runs_io import stored_plan_met

    if scenario is None or not scenario.segments:
        return None
    chances, months = stored_plan_met(st, run_id, scenario)
    if months.empty:
        return None
    rows = [{str(k): v for k, v in r.items()} for r in chances.to_dict(orient="records")]
    if stored.get("attainment_by_unit"):
        units = st.load_table(run_id, "attainment_by_unit")
    elif stored.get("attainment_month"):
        units = attainment_by_unit(st.load_table(run_id, "attainment_month"), scenario)
    else:
        units = None
    return render_plan_met_tables(scenario, rows, months, units)


def detail_note(meta: Mapping[str, Any]) -> str | None:
    """What a run stored without detail lacks, and how to get it; None if it has all."""
    left_out = meta["params"].get(LEFT_OUT_PARAM) or []
    if not left_out:
        return None
    again = f"seed {meta['seed']}, {meta['replications']} replications"
    return (
        f"stored without detail: the raw event tables ({', '.join(left_out)}) are not in "
        f"the store; to have them, run the command again with --detail ({again})"
    )


def frame_table(title: str, frame: pd.DataFrame) -> Table:
    """A stored table as it is, numbers rounded for reading."""
    import pandas as pd

    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column).replace("_", " "), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: object) -> str:
    from sim import format_number, format_significant

    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-"
        return format_number(value, 0) if abs(value) >= 1000 else format_significant(value, 3)
    return "" if value is None else str(value)


@runs_app.command("delete")
def delete(run: RunId, store: StoreOption = None, yes: YesOption = False) -> None:
    """Delete a run and its tables."""
    from teamsim.store import Store

    with user_errors():
        st = Store(store)
        run_id = st.resolve(run)
        if not yes and not typer.confirm(f"Delete run {run_id}?"):
            raise typer.Exit(1)
        st.delete_run(run_id)
        out.print(f"deleted {run_id}")


@runs_app.command("prune")
def prune(
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than", min=0, help="Runs started more than DAYS days ago.", metavar="DAYS"
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Runs of this kind: simulate, verify, sweep, sweep-point, hiring.",
            metavar="KIND",
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep", min=0, help="Keep the newest N runs (of --kind, if given).", metavar="N"
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete them (without it: a dry run).")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Delete the runs matching every filter given, then shrink the file.

    Without --yes, only lists what would go. Example: --kind sweep-point --older-than 30.
    """
    from sim import format_number
    from teamsim.store import Store

    with user_errors():
        if older_than is None and kind is None and keep is None:
            raise typer.BadParameter("say which runs: --older-than DAYS, --kind KIND or --keep N")
        st = Store(store)
        going = st.select_prune(older_than_days=older_than, kind=kind, keep=keep)
        if not going:
            out.print(f"no run in {st.path} matches: nothing to prune")
            return
        orphans = _orphaned_sweeps(st, going)
        going += orphans
        runs = st.list_runs().set_index("run_id").loc[going].reset_index()
        rows = st.stored_rows(going)
        total = sum(rows.values())
        out.print(runs_table(runs, f"{st.path}: {len(going)} run(s) to delete", rows=rows))
        if orphans:
            out.print(
                f"with them {len(orphans)} sweep summary run(s) whose points all go: "
                "a summary without its points cannot be shown or compared"
            )
        if not yes:
            now, compacted, without = st.size_without(going)
            out.print(
                prune_dry_run(
                    len(going), total, st.path, now=now, compacted=compacted, without=without
                ),
                soft_wrap=True,
            )
            return
        st.delete_runs(going)
        before, after = st.compact()
        out.print(
            f"deleted {len(going)} run(s) and their {format_number(total, 0)} rows; "
            f"{st.path} went from "
            f"{megabytes(before)} to {megabytes(after)} (after a checkpoint), "
            f"{megabytes(before - after)} freed",
            soft_wrap=True,
        )


def prune_dry_run(
    count: int, rows: int, path: Path, *, now: int, compacted: int, without: int
) -> str:
    """What ``runs prune`` would free, split into the runs' own share and compaction's.

    ``now``, ``compacted`` and ``without`` are :meth:`Store.size_without`'s bytes. A prune
    ends with a compaction, which gives back the room earlier deletions left whichever
    runs go (``now - compacted``); the runs' own share is ``compacted - without``, at
    the file's block size, so runs of a few rows may take no measurable room.
    """
    from sim import format_number

    own = compacted - without
    share = f"take {megabytes(own)} of their own" if own > 0 else "take no measurable room"
    runs = f"{megabytes(own)} by the runs themselves" if own > 0 else "none by the runs"
    return (
        f"dry run: nothing deleted. These {count} run(s) hold {format_number(rows, 0)} rows "
        f"and {share}. "
        f"Pruning them would take {path} from {megabytes(now)} to {megabytes(without)}, "
        f"{megabytes(now - without)} freed: {runs} and "
        f"{megabytes(max(now - compacted, 0))} by compacting the file ({megabytes(compacted)} "
        "compacted with every run kept: room earlier deletions left, freed whichever runs "
        "go). Measured by pruning a copy. Add --yes to delete them"
    )


def megabytes(size: int) -> str:
    """A file size in MB to a tenth ("12.3 MB"; "0.04 MB" below a tenth, so never "0.0")."""
    from sim import format_number

    mb = size / 1e6
    return f"{format_number(mb, 1 if abs(mb) >= 0.1 or mb == 0 else 2)} MB"


def _orphaned_sweeps(st: Store, going: list[str]) -> list[str]:
    """Sweep summaries (kind sweep) none of whose points (kind sweep-point) would be left.

    A point names its sweep in ``params["sweep"]`` (``teamsim sweep``).
    """
    runs = st.list_runs()
    if runs.empty:
        return []
    gone = set(going)
    sweeps = {str(r) for r in runs.loc[runs["kind"] == "sweep", "run_id"]} - gone
    if not sweeps:
        return []
    kept: set[str] = set()
    pruned: set[str] = set()
    for run_id in runs.loc[runs["kind"] == "sweep-point", "run_id"]:
        parent = str(st.run_meta(str(run_id))["params"].get("sweep", ""))
        (pruned if run_id in gone else kept).add(parent)
    return sorted((pruned & sweeps) - kept)


@runs_app.command("export")
def export(
    run: RunId,
    to: Annotated[Path, typer.Option("--to", help="Folder to write into.")] = Path("."),
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", help=f"One or more of {', '.join(FORMATS)} (default: all)."),
    ] = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail",
            help="Also export the raw event tables (time use, calls, funnel, deals, waits), "
            "when the run stored them.",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Export a run: summary tables first (KPIs, plan, months), raw tables with --detail.

    CSV and Parquet files, and an Excel workbook (an 'about' sheet, then a sheet a
    table). Tables that count working days, weeks, months or minutes get a date column
    beside each (date, week_from, month_name, closed_at...).
    """
    from sim import DIALS_BY_ROLE_NOTE
    from teamsim.export import run_tables, write_tables, write_workbook
    from teamsim.store import Store

    with user_errors():
        formats = tuple(fmt or FORMATS)
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise typer.BadParameter(f"unknown format {unknown[0]!r}; expected one of {FORMATS}")
        st = Store(store)
        run_id = st.resolve(run)
        meta = st.run_meta(run_id)
        exported = run_tables(st, meta, detail=detail)
        tables = exported.tables
        notes = _export_notes(meta, detail)
        folder = to / run_id
        files = [f for f in formats if f != "xlsx"]
        total = len(tables) * (len(files) + ("xlsx" in formats))
        with replication_progress(f"exporting {run_id}", total) as advance:
            written = write_tables(
                tables, folder, tuple(files), progress=lambda k, name: advance(k, name)
            )
            done = len(tables) if files else 0
            if "xlsx" in formats:
                about = {k: meta[k] for k in _ABOUT} | exported.about
                if "dials_by_role" in tables:
                    about["dials_by_role"] = DIALS_BY_ROLE_NOTE
                about.update(notes)
                written.append(
                    write_workbook(
                        folder / f"{run_id}.xlsx",
                        tables,
                        about,
                        progress=lambda k, name: advance(done + k, f"workbook: {name}"),
                        currency=exported.currency,
                        locale=exported.locale,
                    )
                )
        for note in notes.values():
            err.print(f"[yellow]note:[/] {note}", soft_wrap=True)
        # soft_wrap: a path is never cut mid-name, whatever the terminal's width.
        out.print(f"wrote {len(written)} file(s) to {escape(str(folder))}", soft_wrap=True)


_ABOUT = (
    "run_id",
    "kind",
    "scenario_name",
    "status",
    "seed",
    "replications",
    "started_at",
    "code_version",
    "scenario_hash",
    "scenario_text_hash",
)


def _export_notes(meta: Mapping[str, Any], detail: bool) -> dict[str, str]:
    """Notes for the 'about' sheet and the terminal: which raw tables are not exported."""
    from teamsim.store import DETAIL_TABLES

    notes: dict[str, str] = {}
    missing = detail_note(meta)
    if missing:
        notes["detail"] = missing
    stored_raw = [n for n in meta["tables"] if n in DETAIL_TABLES]
    if stored_raw and not detail:
        notes["raw tables"] = (
            f"left out of this export: {', '.join(stored_raw)}; add --detail to export them"
        )
    return notes


def _opt(value: object) -> str:
    """A cell that may be missing: None, NaN or pandas' NA (a hiring run has no seed)."""
    return "" if _missing(value) else str(value)


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or (isinstance(value, float | type(pd.NA)) and bool(pd.isna(value)))


def register(app: typer.Typer) -> None:
    """Add the command group to the app."""
    app.add_typer(runs_app, name="runs")
