"""Counts read in the number they ask for: one rule (sim.words.counted) for every message."""

from __future__ import annotations

import re
from pathlib import Path

from sim import counted

ROOT = Path(__file__).resolve().parent.parent


def test_counted_takes_the_singular_for_one_only() -> None:
    assert counted(1, "iteration") == "1 iteration"
    assert counted(6, "iteration") == "6 iterations"
    assert counted(0, "deal") == "0 deals"
    assert counted(2, "person") == "2 people"
    assert counted(-1, "day") == "-1 day"


def test_no_module_writes_its_own_plural_rule() -> None:
    # "stopped after 1 iterations" came from an f-string that added the "s" itself.
    own = re.compile(r"""\{['"]s['"] if [^}]*\}|iterations: ["']\s*\+""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("sim", "optimizer", "calibrate", "teamsim", "dashboard")
        for path in sorted((ROOT / package).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(line)
    ]
    assert not found, found
