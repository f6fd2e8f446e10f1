"""--excel checked before any work starts (issue 11, fresh-user trial d).

A workbook path in a folder that does not exist (or under a file, or a folder itself)
was found out only once every side or point had been simulated. Now compare and sweep
refuse it first: one clear line, exit 2, nothing simulated, stored nor written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.export import ExportError, check_workbook_path

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def test_a_workbook_path_is_checked_by_itself(tmp_path: Path) -> None:
    missing = tmp_path / "reprots" / "q1.xlsx"
    with pytest.raises(ExportError) as info:
        check_workbook_path(missing)
    assert str(info.value) == (
        f"--excel {missing}: the folder {missing.parent} does not exist; create it first "
        "or give a path in an existing folder"
    )
    blocker = tmp_path / "f.duckdb"
    blocker.write_bytes(b"")
    with pytest.raises(ExportError, match=re.escape(f"{blocker} is a file, not a folder")):
        check_workbook_path(blocker / "deeper" / "x.xlsx")
    with pytest.raises(ExportError, match=r"is a folder; give a file name ending \.xlsx"):
        check_workbook_path(tmp_path)
    with pytest.raises(ExportError, match=r"expected a file name ending \.xlsx"):
        check_workbook_path(tmp_path / "q1.csv")
    check_workbook_path(tmp_path / "q1.xlsx")  # an existing folder: fine
    assert not missing.parent.exists() and list(tmp_path.iterdir()) == [blocker]


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_compare_and_sweep_refuse_it_before_simulating(tmp_path: Path, command: str) -> None:
    store = tmp_path / "runs.duckdb"
    book = tmp_path / "no such folder" / "out.xlsx"
    scenario = str(ROOT / "scenarios" / "retail_bank.yaml")
    items = (
        [scenario, scenario]
        if command == "compare"
        else [scenario, "--set", "roles.client_manager.headcount.current=8,12"]
    )
    result = runner.invoke(
        app, [command, *items, "-n", "20", "--workers", "1", "--store", str(store),
              "--excel", str(book)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"the folder {book.parent} does not exist" in " ".join(result.output.split())
    # Refused before the replications (no timing here: the machine is shared), and
    # nothing was written.
    assert not book.parent.exists() and not store.exists()


def test_compare_with_a_missing_item_leaves_no_new_store_file(tmp_path: Path) -> None:
    # The fifth trial: a wrong second item left an empty 0.8 MB store behind.
    store = tmp_path / "new.duckdb"
    scenario = str(ROOT / "scenarios" / "retail_bank.yaml")
    result = runner.invoke(
        app, ["compare", scenario, str(tmp_path / "nosuch.yaml"), "-n", "2", "--store", str(store)]
    )
    assert result.exit_code == 2, result.output
    assert "nosuch.yaml: no such file" in " ".join(result.output.split())
    assert not store.exists()
