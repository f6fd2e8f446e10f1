"""``teamsim dashboard``: start the Streamlit dashboard on this machine only."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim import TeamsimError
from teamsim.commands.options import StoreOption
from teamsim.console import out, user_errors
from teamsim.store import STORE_ENV, default_store_path

MAX_UPLOAD_MB = 1  # a scenario is a page or two of YAML


def app_path() -> Path:
    """The dashboard's entry script, found through the installed package.

    Found, not imported: ``teamsim`` does not depend on the dashboard, the other way round.
    """
    spec = importlib.util.find_spec("dashboard")
    if spec is None or not spec.submodule_search_locations:
        raise TeamsimError("the dashboard package is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "app.py"


def streamlit_command(port: int) -> list[str]:
    """The ``streamlit run`` command line: loopback only, headless, small uploads."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
        "--browser.gatherUsageStats",
        "false",
    ]


def dashboard_command(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8501,
    store: StoreOption = None,
) -> None:
    """Start the dashboard at http://127.0.0.1:PORT (Ctrl-C stops it)."""
    with user_errors():
        command = streamlit_command(port)
    env = dict(os.environ)
    store_path = (store or default_store_path()).resolve()
    env[STORE_ENV] = str(store_path)
    out.print(f"teamsim dashboard: http://127.0.0.1:{port}  (run store {store_path})")
    process = subprocess.Popen(command, env=env)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reaches Streamlit too (same process group); let it shut down cleanly.
        code = process.wait()
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("dashboard")(dashboard_command)
