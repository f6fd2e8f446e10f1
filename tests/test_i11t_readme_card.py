"""Issue 11 (trial): the README's plan card is the one the command prints.

The README showed "deal value $12K" where ``teamsim plan scenarios/b2b_smb.yaml``
prints "$12.0K", and left rows out. The card's block is read from the README and
compared, row by row and cell by cell, with the command's card for the same role.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app

ROLE = "Sales development rep: "


def _readme_card() -> tuple[str, list[list[str]]]:
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = text[text.index(ROLE) :].split("```", 1)[0].strip().splitlines()
    return block[0], [re.split(r"\s{2,}", line.strip()) for line in block[1:]]


def _command_card() -> tuple[str, list[list[str]]]:
    result = CliRunner().invoke(app, ["plan", "scenarios/b2b_smb.yaml"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(ROLE))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("└"):
            break
        if line.startswith(("│", "┃")):
            cells = [c.strip() for c in re.split("[│┃]", line.rstrip())[1:-1]]
            rows.append([c for c in cells if c])
    return lines[start].rstrip(), rows


def test_the_readme_card_is_the_commands() -> None:
    head, rows = _readme_card()
    assert (head, rows) == _command_card()
    won = next(r for r in rows if r[0] == "won deals, New SMB clients")
    assert won[-1] == "= revenue $145.6K / deal value $12.0K"
