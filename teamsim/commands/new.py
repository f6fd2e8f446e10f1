"""``teamsim new``: write a commented starter scenario for a team of one's own."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from teamsim.console import out, user_errors

TEMPLATE = "starter.yaml"  # in teamsim/templates/, shipped as package data
DEFAULT_NAME = "My sales team"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def starter_text(name: str = DEFAULT_NAME, currency: str = "EUR") -> str:
    """The starter scenario as YAML text, with ``name`` and ``currency`` filled in.

    The text is ``teamsim/templates/starter.yaml``: one team (sellers, a team lead, a head
    of sales), a warm and a cold channel, one segment of three stages, a plan and policies,
    each value commented with its typical range and source (docs/sources.md).

    Raises:
        TeamsimError: If ``currency`` is not an ISO 4217 code (three capital letters) or
            ``name`` is empty.
    """
    from sim import TeamsimError

    if not _CURRENCY.match(currency):
        raise TeamsimError(f"--currency {currency}: expected an ISO 4217 code such as EUR")
    if not name.strip():
        raise TeamsimError("--name: expected a scenario name, got an empty one")
    template = files("teamsim").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    # A JSON string is a YAML string: any name (a colon, a quote, a '#') stays one value.
    return template.replace("{{name}}", json.dumps(name.strip(), ensure_ascii=False)).replace(
        "{{currency}}", currency
    )


def new(
    file: Annotated[
        Path, typer.Argument(help="Scenario file to write (YAML).", show_default=False)
    ],
    currency: Annotated[
        str, typer.Option("--currency", help="ISO 4217 code of the amounts.")
    ] = "EUR",
    name: Annotated[str, typer.Option("--name", help="Scenario name shown in reports.")] = (
        DEFAULT_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter scenario to fill in: typical values and their sources.

    Refuses to overwrite an existing file unless --force. Then: teamsim validate FILE.
    """
    from sim import TeamsimError
    from sim.scenario import parse_scenario

    with user_errors():
        text = starter_text(name=name, currency=currency.upper())
        # The template must stay a valid scenario: a broken one is this program's bug,
        # found here rather than by the user's first validate.
        parse_scenario(text, source=TEMPLATE)
        if file.exists() and not force:
            raise TeamsimError(f"{file}: already exists; use --force to overwrite it")
        if file.suffix.lower() not in (".yaml", ".yml"):
            raise TeamsimError(f"{file}: expected a .yaml or .yml file name")
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise TeamsimError(f"cannot write {file}: {exc.strerror or exc}") from None
    # soft_wrap: the terminal folds a long line, Rich would cut the path mid-name.
    shown = escape(str(file))
    out.print(
        f"[green]wrote[/] {shown}: fill it in, then run: teamsim validate {shown}", soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command()(new)
