"""``teamsim dashboard`` stops its Streamlit child on SIGTERM and SIGINT, never orphans it.

Real processes, no mocks: the command runs in a session of its own (so that a signal
reaches it alone, as from ``kill`` or a service manager), and the child is found through
/proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

TEAMSIM = Path(sys.executable).parent / "teamsim"
STARTUP_S = 90.0  # Streamlit imports for several seconds; more on a busy machine
GONE_S = 10.0

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="the child is found through /proc"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        kids += [int(k) for k in task.read_text().split()]
    return kids


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Running, sleeping or stopped; not gone, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # The state follows the command's name in parentheses, which may hold spaces.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    """The pids still alive after ``seconds`` (polling: most go at once)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def _end_session(process: subprocess.Popen[bytes]) -> None:
    """Whatever the test started and left behind: its own session, by id."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def test_sigterm_stops_the_streamlit_child(tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "dashboard.log").open("wb")
    process = subprocess.Popen(
        [str(TEAMSIM), "dashboard", "--port", str(port), "--store", str(tmp_path / "r.duckdb")],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + STARTUP_S
        while not _answers(port):
            assert process.poll() is None, (tmp_path / "dashboard.log").read_text()
            assert time.monotonic() < deadline, "Streamlit did not answer on its port"
            time.sleep(0.2)
        children = _children(process.pid)
        assert len(children) == 1, children  # the Streamlit server, up and answering
        assert b"streamlit" in Path(f"/proc/{children[0]}/cmdline").read_bytes()

        process.send_signal(signal.SIGTERM)

        assert process.wait(GONE_S) == 128 + signal.SIGTERM
        assert _gone_within(children, GONE_S) == []
        assert not _answers(port)
    finally:
        _end_session(process)
        log.close()


def _supervise(tmp_path: Path, child_code: str) -> tuple[subprocess.Popen[bytes], int]:
    """A process running :func:`run_until_signalled` over ``python -c child_code``.

    Returns the supervisor and its child's pid once the child has written "ready".
    """
    ready = tmp_path / "ready"
    child = f"{child_code}\nopen({str(ready)!r}, 'w').close()\nimport time\ntime.sleep(120)"
    script = textwrap.dedent(
        f"""
        import sys
        from teamsim.commands.dashboard import run_until_signalled
        sys.exit(run_until_signalled([sys.executable, "-c", {child!r}], {{}}))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (kid,) = _children(process.pid)
    return process, kid


def test_sigint_stops_the_child_and_exits_130(tmp_path: Path) -> None:
    # The child ignores SIGINT (as a server busy closing sessions might not stop on it):
    # only the supervisor's SIGTERM ends it, at once.
    process, kid = _supervise(
        tmp_path, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)"
    )
    try:
        process.send_signal(signal.SIGINT)
        assert process.wait(GONE_S) == 130
        assert _gone_within([kid], 1.0) == []
    finally:
        _end_session(process)


def test_a_child_deaf_to_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    from teamsim.commands.dashboard import STOP_GRACE_S

    process, kid = _supervise(
        tmp_path, "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)"
    )
    try:
        start = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(STOP_GRACE_S + GONE_S) == 143
        took = time.monotonic() - start
        assert _gone_within([kid], 1.0) == []
        assert STOP_GRACE_S - 0.5 <= took <= STOP_GRACE_S + 5
    finally:
        _end_session(process)


def test_the_childs_own_exit_code_is_passed_on(tmp_path: Path) -> None:
    from teamsim.commands.dashboard import run_until_signalled

    assert run_until_signalled([sys.executable, "-c", "raise SystemExit(7)"], {}) == 7
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    assert run_until_signalled([sys.executable, "-c", killed], {}) == 128 + signal.SIGKILL
