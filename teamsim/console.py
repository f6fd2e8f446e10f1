"""The terminal: one place for consoles, for JSON output and for user errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape

from sim import Problem, ScenarioError, TeamsimError

# Off a terminal (pipes, CI logs, `make run | tee`) rich would wrap at 80 columns,
# which folds the wide tables; $COLUMNS still wins where it is set.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 140
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=_WIDTH)


def follow_columns() -> None:
    """Take the consoles' width as each command starts, not when this module is imported.

    Rich reads $COLUMNS once, when a console is made; a command run in the same process
    later (typer's CliRunner with ``env={"COLUMNS": ...}``, the dashboard's process)
    would keep the width of the import. $COLUMNS wins; off a terminal without it, 140;
    on a terminal without it, rich measures the terminal.
    """
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else None if sys.stdout.isatty() else 140
    if width is not None:
        out.width = err.width = width


def report_error(exc: TeamsimError) -> None:
    """Print a user error, one line per problem, without a traceback."""
    problems = exc.problems if isinstance(exc, ScenarioError) else [str(exc)]
    for problem in problems:
        # A message of several lines (RecordsError: one a problem) is several errors: each
        # line its own "error:", so that none reads as a stray line of the one before.
        for part in str(problem).splitlines() or [""]:
            # The message may hold [brackets] (a list the user wrote): not Rich markup.
            err.print(f"[bold red]error:[/] {escape(part)}", soft_wrap=True, markup=True)
        # A YAML syntax error: the line and a caret under the spot, as the file has it.
        for part in problem.pointer() if isinstance(problem, Problem) else ():
            err.print(part, soft_wrap=True, markup=False, highlight=False)


def error_json(kind: str, exit_code: int, message: str, **details: Any) -> dict[str, Any]:
    """What ``--json`` prints on stdout when a command fails: one object, ``"error"``.

    A script reading stdout gets JSON whether the command worked or not: the failure's
    ``kind`` ("invalid_input", "invalid_scenario", "infeasible", ...), the exit code, the
    message as stderr says it, and what the error carries (problems, relaxations).
    """
    return {"error": {"kind": kind, "exit_code": exit_code, "message": message, **details}}


@contextmanager
def user_errors(as_json: bool = False) -> Iterator[None]:
    """Turn a TeamsimError into its message and exit code (2 bad input, 3 impossible plan).

    The message goes to stderr; with ``as_json`` (the command's ``--json``) stdout also
    gets the failure as :func:`error_json`, so that a script reading it gets JSON. A
    usage error raised inside (``typer.BadParameter``) is said so too, then left to typer.
    """
    try:
        yield
    except TeamsimError as exc:
        report_error(exc)
        if as_json:
            print_json(error_json(exc.kind, exc.exit_code, str(exc), **exc.json_details()))
        raise typer.Exit(exc.exit_code) from None
    except typer.BadParameter as exc:
        if as_json:
            print_json(error_json("invalid_input", exc.exit_code, exc.format_message()))
        raise


def json_ready(data: Any) -> Any:
    """``data`` as plain JSON values: NaN and infinities become null.

    JSON has no NaN or Infinity; ``json.dumps`` would write them anyway and most readers
    then fail. Walks dicts, lists, tuples, sets, dataclasses, DataFrames (as records)
    and Series; numpy scalars become Python numbers, pandas' missing values null, dates
    ISO text, and anything else its ``str``.
    """
    import pandas as pd  # here, not at the top: ``teamsim --help`` never loads pandas

    if isinstance(data, enum.Enum):
        return json_ready(data.value)
    if data is None or isinstance(data, (bool, str, int)):
        return data
    if isinstance(data, (float, np.floating)):
        return float(data) if math.isfinite(data) else None
    if isinstance(data, np.integer):
        return int(data)
    if isinstance(data, np.bool_):
        return bool(data)
    if isinstance(data, Mapping):
        return {str(k): json_ready(v) for k, v in data.items()}
    if isinstance(data, pd.DataFrame):
        return json_ready(data.to_dict(orient="records"))
    if isinstance(data, (pd.Series, np.ndarray)):
        return json_ready(data.tolist())
    if isinstance(data, (list, tuple, set, frozenset)):
        return [json_ready(v) for v in data]
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return json_ready(dataclasses.asdict(data))
    if data is pd.NaT or data is pd.NA:
        return None
    if isinstance(data, (dt.date, dt.time)):  # pandas' Timestamp is a datetime
        return data.isoformat()
    if isinstance(data, Path):
        return str(data)
    return str(data)


def json_records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as JSON-ready mappings (:func:`json_ready`: NaN as null)."""
    records: list[dict[str, Any]] = json_ready(frame)
    return records


def json_text(data: Any, indent: int | None = None) -> str:
    """Strict JSON of ``data`` (see :func:`json_ready`): never NaN or Infinity."""
    return json.dumps(json_ready(data), indent=indent, allow_nan=False)


def print_json(data: Any) -> None:
    """Print ``data`` as strict JSON: what every ``--json`` option prints goes through here."""
    out.print_json(json_text(data))
