"""``teamsim runs list|show|delete|export``: the run store from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from teamsim.commands.options import StoreOption
from teamsim.console import out, user_errors
from teamsim.export import FORMATS, write_tables, write_workbook
from teamsim.store import Store

runs_app = typer.Typer(help="List, show, delete and export stored runs.", no_args_is_help=True)

RunId = Annotated[str, typer.Argument(help="Run id, or enough of its start to be unique.")]

# A run whose stored text and overrides do not validate (say, stored by an older
# teamsim, before scenario_hash meant the validated scenario) has no scenario to hash.
_NO_HASH = "- (unknown: the stored scenario does not validate with this teamsim)"


@runs_app.command("list")
def list_runs(store: StoreOption = None) -> None:
    """List stored runs, newest first."""
    with user_errors():
        st = Store(store)
        runs = st.list_runs()
        if runs.empty:
            out.print(f"no runs in {st.path}")
            return
        table = Table(title=f"Runs in {st.path}", title_justify="left")
        for col in ("run", "kind", "scenario", "label", "status", "seed", "reps", "started"):
            # Ids are copied from here: never wrap them.
            table.add_column(col, no_wrap=col in ("run", "started"))
        for row in runs.itertuples():
            table.add_row(
                str(row.run_id),
                str(row.kind),
                str(row.scenario_name),
                str(row.label or ""),
                str(row.status),
                _opt(row.seed),
                _opt(row.replications),
                f"{row.started_at:%Y-%m-%d %H:%M:%S}",
            )
        out.print(table)


@runs_app.command("show")
def show(run: RunId, store: StoreOption = None) -> None:
    """Show a run: what was run, on what, and its tables."""
    with user_errors():
        st = Store(store)
        meta = st.run_meta(st.resolve(run))
        table = Table(show_header=False, title=f"Run {meta['run_id']}", title_justify="left")
        for key in (
            "kind",
            "scenario_name",
            "label",
            "status",
            "seed",
            "replications",
            "code_version",
            "started_at",
            "finished_at",
        ):
            table.add_row(key, str(meta.get(key, "")))
        table.add_row("scenario_hash", meta.get("scenario_hash") or _NO_HASH)
        table.add_row("scenario_text_hash", str(meta.get("scenario_text_hash") or ""))
        for key, value in meta["params"].items():
            table.add_row(f"param: {key}", str(value))
        for name, rows in meta["tables"].items():
            table.add_row(f"table: {name}", f"{rows:,} rows")
        out.print(table)


@runs_app.command("delete")
def delete(
    run: RunId,
    store: StoreOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a run and its tables."""
    with user_errors():
        st = Store(store)
        run_id = st.resolve(run)
        if not yes and not typer.confirm(f"Delete run {run_id}?"):
            raise typer.Exit(1)
        st.delete_run(run_id)
        out.print(f"deleted {run_id}")


@runs_app.command("export")
def export(
    run: RunId,
    to: Annotated[Path, typer.Option("--to", help="Folder to write into.")] = Path("."),
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", help=f"One or more of {', '.join(FORMATS)} (default: all)."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export a run's tables: CSV and Parquet files, and an Excel workbook (a sheet a table)."""
    with user_errors():
        formats = tuple(fmt or FORMATS)
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise typer.BadParameter(f"unknown format {unknown[0]!r}; expected one of {FORMATS}")
        st = Store(store)
        run_id = st.resolve(run)
        tables = st.load_tables(run_id)
        folder = to / run_id
        written = write_tables(tables, folder, formats)
        if "xlsx" in formats:
            meta = st.run_meta(run_id)
            about = {
                k: meta[k]
                for k in (
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
            }
            written.append(write_workbook(folder / f"{run_id}.xlsx", tables, about))
        out.print(f"wrote {len(written)} file(s) to {folder}")


def _opt(value: object) -> str:
    return "" if value is None or value != value else str(value)  # NaN != NaN


def register(app: typer.Typer) -> None:
    """Add the command group to the app."""
    app.add_typer(runs_app, name="runs")
