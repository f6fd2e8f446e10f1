"""``teamsim calibrate``: a team's own records (CRM exports, the team list) become a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from teamsim.commands.options import SetOption
from teamsim.console import err, user_errors
from teamsim.declared import DateOrder

_FILE = {"show_default": False, "dir_okay": False}
# Typer prints a help paragraph after the first with the line breaks of its source: each
# paragraph here is one string, so it wraps at the terminal's width and nowhere else.
HELP = (
    "Fit a scenario to the team's records; print what was fitted, kept and not written."
    "\n\n"
    "At least one of --deals, --stages, --activities, --team. Each fitted value is written "
    "with its sample and 95 % interval as a comment; values the records cannot tell keep "
    "the base's value. Exit 2 on unusable input, with the file, row and column."
)


def calibrate(
    out_path: Annotated[
        Path,
        typer.Option("-o", "--output", help="The calibrated scenario to write (YAML).", **_FILE),
    ],
    deals: Annotated[
        Path | None,
        typer.Option(help="Deals (opportunities): CSV or .xlsx, one row per deal.", **_FILE),
    ] = None,
    stages: Annotated[
        Path | None,
        typer.Option(help="Stage history: deal, stage, date entered (CSV or .xlsx).", **_FILE),
    ] = None,
    activities: Annotated[
        Path | None,
        typer.Option(help="Activities or work-day cards: person, date, kind, count.", **_FILE),
    ] = None,
    team: Annotated[
        Path | None,
        typer.Option(help="The team: person, title or role, manager, start, days away.", **_FILE),
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            help="Scenario whose values the records replace (default: one built from the "
            "records and published defaults).",
            **_FILE,
        ),
    ] = None,
    set_: SetOption = None,
    plan: Annotated[
        float | None,
        typer.Option(
            help="Sales plan, revenue a month (default: the base's, or the revenue the "
            "records show a month).",
            show_default=False,
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            help="Map a column: name teamsim reads=file column, e.g. owner=Responsible. "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    columns_file: Annotated[
        Path | None,
        typer.Option(
            help="Mapping file: YAML (column pairs, and sections stages:, segments:, roles:, "
            "channels:) or a two-column CSV of columns.",
            **_FILE,
        ),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            help='Map a CRM stage: "CRM name=stage" (a scenario stage, won or lost). Repeatable.',
            show_default=False,
        ),
    ] = None,
    segment: Annotated[
        list[str] | None,
        typer.Option(
            help='Map a segment name of the records onto the base\'s: "SMB=smb_core". Repeatable.',
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(
            help='Map a title of the team file onto a role of the base: "AE=account_executive". '
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option(
            help='Map a channel name of the records onto the base\'s: "Web=marketing_leads". '
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    dates: Annotated[
        DateOrder | None,
        typer.Option(help="Order of slash dates when a file cannot tell: dmy or mdy."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Scenario name (without --base).", show_default=False)
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            help="ISO 4217 currency (without --base); default: the one the value column's "
            "header or values name (€, EUR, руб ...), else USD.",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        bool, typer.Option("--report", help="Print goals against current results.")
    ] = False,
    excel: Annotated[
        Path | None,
        typer.Option(help="Write the report, fits and problems to this .xlsx file.", **_FILE),
    ] = None,
    backtest: Annotated[
        bool,
        typer.Option("--backtest", help="Simulate the records' period; observed vs P10-P90."),
    ] = False,
    replications: Annotated[int, typer.Option(min=2, help="Replications of the back-test.")] = 30,
    pseudonymise: Annotated[
        bool,
        typer.Option("--pseudonymise", help="Replace people's names by stable pseudonyms."),
    ] = False,
    key: Annotated[
        str | None,
        typer.Option(
            help="Secret key of the pseudonyms: the same key gives the same pseudonyms. "
            "Without it a pseudonym cannot be turned back into a name; with it, anyone who "
            "can guess the names (a team list) can match them to their pseudonyms, so keep "
            "it apart from the reports. Default: $TEAMSIM_PSEUDONYM_KEY, else a random key "
            "made on first use in teamsim/pseudonym.key under $XDG_CONFIG_HOME "
            "(~/.config when unset).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Local processes for the back-test (default: every core, as teamsim simulate).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fit a scenario to the team's records; print what was fitted, kept and not written.

    The command's help is :data:`HELP` (one paragraph, so that typer wraps it whole).
    """
    from teamsim.calibrate_cli import run_calibration
    from teamsim.calibration import CalibrateRequest
    from teamsim.pseudonym_key import resolve_pseudonym_key

    if pseudonymise:
        with user_errors():
            key, source = resolve_pseudonym_key(key)
        err.print(f"pseudonym key: {escape(source)}", soft_wrap=True)
    request = CalibrateRequest(
        out_path=out_path,
        deals=deals,
        stages=stages,
        activities=activities,
        team=team,
        base=base,
        overrides=tuple(set_ or ()),
        plan=plan,
        columns=tuple(column or ()),
        columns_file=columns_file,
        stage_map=tuple(stage or ()),
        segment_map=tuple(segment or ()),
        role_map=tuple(role or ()),
        channel_map=tuple(channel or ()),
        date_order=dates,
        name=name,
        currency=currency,
        report=report,
        excel=excel,
        backtest=backtest,
        replications=replications,
        pseudonymise=pseudonymise,
        key=key,
        workers=workers,
    )
    raise typer.Exit(run_calibration(request))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command(help=HELP)(calibrate)
