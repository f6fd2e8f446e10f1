"""What a department head reads at face value (issue 11, a fresh user's trial).

A head with a six-person team starts from ``teamsim new``, runs the commands and reads
the numbers as printed: these tests pin the texts that trial found wrong.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.commands.new import starter_text
from teamsim.store import Store

runner = CliRunner()
SHORT = ["--set", "calendar.horizon_days=70", "--set", "calendar.warmup_days=5"]


def _starter(path: Path, name: str, currency: str = "EUR") -> Path:
    path.write_text(starter_text(name=name, currency=currency), encoding="utf-8")
    return path


def _cli(*args: str, columns: int = 145) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    return result.exit_code, result.output


def test_compare_refuses_sides_in_different_currencies(tmp_path: Path) -> None:
    eur = _starter(tmp_path / "team.yaml", "North team")
    usd = _starter(tmp_path / "usd.yaml", "West team", currency="USD")
    store = tmp_path / "runs.duckdb"
    code, text = _cli("compare", str(eur), str(usd), "--store", str(store), "--workers", "1")
    assert code == 2
    assert (
        f"error: cannot compare amounts in different currencies ({eur} in EUR, {usd} in USD); "
        "write every side in one currency"
    ) in " ".join(text.split())
    # Refused before anything was simulated: nothing stored, no progress shown.
    assert "simulating" not in text and Store(store).list_runs().empty
