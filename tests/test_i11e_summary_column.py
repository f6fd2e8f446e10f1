"""Issue 11 (trial e): ``validate --summary``'s deal value column reads in one scale
("RUB 0.35M" beside "RUB 2.50M", not "RUB 350K" beside "RUB 2.5M")."""

from __future__ import annotations

from typer.testing import CliRunner

from teamsim.cli import app


def test_deal_values_share_one_scale() -> None:
    result = CliRunner().invoke(app, ["validate", "scenarios/retail_bank.yaml", "--summary"],
                                env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "RUB\xa00.35M" in text and "RUB\xa02.50M" in text, text
    assert "RUB\xa0350K" not in text
