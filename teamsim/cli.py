"""The ``teamsim`` command. Each subcommand lives in ``teamsim/commands``."""

from __future__ import annotations

import typer

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


@app.callback()
def _root() -> None:
    """Plan sales and client-management teams: simulate the working days, size the team."""
    follow_columns()


# Each module adds its command; new commands add themselves to this tuple.
for _module in (new, validate, simulate, plan, compare, sweep, runs, calibrate, dashboard):
    _module.register(app)


def main() -> None:
    """Entry point for ``python -m teamsim``."""
    app()
