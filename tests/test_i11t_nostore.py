"""Issue 11 (trial): a store path with no file is said as such, and reading makes none.

``runs export nope --store missing.duckdb`` said "no run 'nope'", which sends the
reader looking for a run id when the path is what is wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teamsim.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [["runs", "export", "nope"], ["runs", "show", "nope"], ["runs", "delete", "nope", "--yes"]],
    ids=["export", "show", "delete"],
)
def test_a_run_in_a_missing_store(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "missing.duckdb"
    result = runner.invoke(
        app, [*command, "--store", str(path)], env={"COLUMNS": "300"}, catch_exceptions=False
    )
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert f"no store at {path} yet: nothing has been saved there" in text
    assert "no run 'nope'" not in text
    assert list(tmp_path.iterdir()) == []  # no empty store made by looking


def test_listing_a_missing_store_says_so_and_makes_none(tmp_path: Path) -> None:
    path = tmp_path / "missing.duckdb"
    result = runner.invoke(app, ["runs", "list", "--store", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert (
        " ".join(result.output.split()) == f"no store at {path} yet: nothing has been saved there"
    )
    assert list(tmp_path.iterdir()) == []
