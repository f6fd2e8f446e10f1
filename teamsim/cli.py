"""The ``teamsim`` command. Each subcommand lives in ``teamsim/commands``."""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Any

import typer
import typer.core
from typer.models import CommandInfo

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


class _Command(typer.core.TyperCommand):
    """A command whose usage line names its arguments in capitals: ``plan [OPTIONS] FILE``.

    Typer writes a required argument as ``{file}``, which reads as a set or a template.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), p) for p in pieces]


def paragraphs(text: str) -> str:
    """A help text with each paragraph on one line, so the terminal's width wraps it.

    Typer keeps the line breaks of a docstring's later paragraphs: written for 100-column
    source, they broke "(--seed, else the first item's), so / the sides share" at any
    other width. Paragraphs stay apart (a blank line).
    """
    text = inspect.cleandoc(text)
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))


def _unwrap(commands: list[CommandInfo]) -> None:
    """Each command's help as :func:`paragraphs`, and its usage line as :class:`_Command`'s."""
    for info in commands:
        # Unset fields hold typer's DefaultPlaceholder, not None.
        doc = info.help if isinstance(info.help, str) else None
        if doc is None and info.callback is not None:
            doc = inspect.getdoc(info.callback)
        if doc:
            info.help = paragraphs(doc)
        if not isinstance(info.cls, type) or info.cls is typer.core.TyperCommand:
            info.cls = _Command


_unwrap(app.registered_commands)
for _group in app.registered_groups:
    if _group.typer_instance is not None:
        _unwrap(_group.typer_instance.registered_commands)


def main() -> None:
    """Entry point for ``python -m teamsim``."""
    app()
