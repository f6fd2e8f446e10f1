"""No file the project tracks holds a merge's conflict markers.

A merge of two branches that both changed the README's paragraph on finding results once
left ``<<<<<<< HEAD`` ... ``>>>>>>> i11-cli`` committed on main, and a user read two
versions of the paragraph. Every tracked text file is scanned for the three marker lines.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Git writes each marker at the start of a line: seven characters, then a space and a
# name for the outer two; the middle one stands alone.
MARKER = re.compile(r"^(<{7} \S|={7}$|>{7} \S)", re.MULTILINE)


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in out.split("\0") if name]


def _markers(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in MARKER.finditer(text)]


def test_the_marker_pattern_finds_each_marker_line() -> None:
    text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> i11-cli\nd\n"
    assert _markers(text) == [2, 4, 6]
    # A Markdown rule or a line of equals signs under a title is longer or shorter.
    assert _markers("Title\n=====\n\n========\n") == []


def test_no_tracked_file_holds_conflict_markers() -> None:
    found = []
    for path in _tracked():
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (workbooks, images) cannot hold a merge's text markers
        found += [f"{path.relative_to(ROOT)}:{line}" for line in _markers(text)]
    assert found == [], f"conflict markers left by a merge: {found}"
