"""``teamsim dashboard``: start the Streamlit dashboard on this machine only."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from teamsim.commands.options import StoreOption
from teamsim.console import out, user_errors

MAX_UPLOAD_MB = 1  # a scenario is a page or two of YAML
# Streamlit closes its sessions and server within a second or two of SIGTERM; a child
# still alive after this long is stuck and is killed.
STOP_GRACE_S = 5.0


def app_path() -> Path:
    """The dashboard's entry script, found through the installed package.

    Found, not imported: ``teamsim`` does not depend on the dashboard, the other way round.
    """
    from sim import TeamsimError

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
    from teamsim.store import STORE_ENV, default_store_path

    with user_errors():
        command = streamlit_command(port)
    env = dict(os.environ)
    store_path = (store or default_store_path()).resolve()
    env[STORE_ENV] = str(store_path)
    out.print(f"teamsim dashboard: http://127.0.0.1:{port}  (run store {store_path})")
    raise typer.Exit(run_until_signalled(command, env))


class _Signalled(Exception):
    """SIGTERM or SIGINT arrived while the dashboard ran."""


class _Catcher:
    """A signal handler that notes the signal and, once armed, interrupts the wait.

    Not armed while the child starts: an exception inside ``Popen`` would lose the
    child's handle with the child already running, the very orphan this prevents.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.armed = False

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        self.signum = signum
        if self.armed:
            raise _Signalled


def stop_child(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """Stop ``process``: SIGTERM, up to ``grace_s`` seconds to shut down, then SIGKILL."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_until_signalled(command: list[str], env: dict[str, str]) -> int:
    """Run ``command`` until it exits or this process gets SIGTERM or SIGINT.

    On a signal the child is stopped (:func:`stop_child`), never left running, and the
    code is 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), the shells'
    convention for a process ended by a signal. Otherwise the child's exit code (a child
    ended by a signal: 128 + its number too).
    """
    handled = (signal.SIGTERM, signal.SIGINT)
    catcher = _Catcher()
    previous = {s: signal.signal(s, catcher) for s in handled}
    process: subprocess.Popen[bytes] | None = None
    code = 0
    try:
        process = subprocess.Popen(command, env=env)
        catcher.armed = True
        if catcher.signum is None:
            code = process.wait()
    except _Signalled:
        pass
    finally:
        # A second Ctrl-C while the child shuts down must not abandon it half-stopped.
        for s in handled:
            signal.signal(s, signal.SIG_IGN)
        if process is not None:
            stop_child(process)
        for s, handler in previous.items():
            if handler is not None:  # None: a handler not set from Python, left alone
                signal.signal(s, handler)
    if catcher.signum is not None:
        return 128 + catcher.signum
    return code if code >= 0 else 128 - code


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("dashboard")(dashboard_command)
