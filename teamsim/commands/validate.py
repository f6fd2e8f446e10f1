"""``teamsim validate``: check scenario files, every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from teamsim.commands.options import SetOption
from teamsim.console import err, out, report_error


def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files.", show_default=False)],
    set_: SetOption = None,
    summary: Annotated[bool, typer.Option("--summary", help="Print each scenario.")] = False,
) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise.

    A valid file may still get warnings (a span of control exceeded): they do not
    change the exit code.
    """
    from calibrate import counted
    from sim import ScenarioError
    from teamsim.io import load_scenario
    from teamsim.summary import scenario_summary, scenario_warnings

    failed = 0
    for path in files:
        try:
            sc = load_scenario(path, set_ or ())
        except ScenarioError as exc:
            report_error(exc)
            failed += 1
            continue
        people = sum(r.headcount.current for r in sc.roles.values())
        roles = counted(len(sc.roles), "role")
        # soft_wrap: the terminal folds a long line, Rich would cut the path mid-name.
        out.print(
            f"[green]ok[/] {escape(str(path))}: {escape(sc.name)} "
            f"({roles}, {counted(people, 'person')})",
            soft_wrap=True,
        )
        for line in scenario_warnings(sc, path, set_ or ()):
            err.print(line, soft_wrap=True)
        if summary:
            out.print(scenario_summary(sc))
    if failed:
        out.print(f"{failed} of {counted(len(files), 'file')} invalid")
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command()(validate)
