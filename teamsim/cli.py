"""The ``teamsim`` command. Each subcommand lives in ``teamsim/commands``."""

from __future__ import annotations

from typing import Annotated

import typer

from teamsim import __version__
from teamsim.commands import (
    calibrate,
    compare,
    dashboard,
    new,
    plan,
    runs,
    simulate,
    sweep,
    validate,
)
from teamsim.console import follow_columns

app = typer.Typer(
    name="teamsim",
    help="Plan sales and client-management teams: simulate the working days, size the team.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"teamsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print teamsim's version and stop.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Plan sales and client-management teams: simulate the working days, size the team."""
    follow_columns()


# Each module adds its command; new commands add themselves to this tuple.
for _module in (new, validate, simulate, plan, compare, sweep, runs, calibrate, dashboard):
    _module.register(app)


def main() -> None:
    """Entry point for ``python -m teamsim``."""
    app()
