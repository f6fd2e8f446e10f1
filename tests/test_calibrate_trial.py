"""What a new user broke in ``teamsim calibrate``, each kept fixed (issue 10's trial)."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate.records import parse_number
from teamsim.cli import app
from teamsim.records_io import read_raw

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
runner = CliRunner()

pytestmark = pytest.mark.xdist_group("calibrate_cli")


@pytest.mark.parametrize(
    ("text", "value"),
    [("20 000,00 руб.", 20000.0), ("20'000.00 Fr.", 20000.0), ("1 200 ₽", 1200.0)],
)
def test_a_currency_abbreviation_is_not_a_decimal_point(text: str, value: float) -> None:
    # "руб." used to make the trailing dot the decimal mark: 100 times the amount.
    assert parse_number(text) == value


def test_a_latin_export_with_a_few_cyrillic_names_reads_as_cp1251(tmp_path: Path) -> None:
    rows = ["deal_id,owner,created,status"] + [f"D{i},sdr.0{i % 9},2027-01-0{1 + i % 9},won"
                                               for i in range(60)]  # fmt: skip
    rows.append("D99,Иван Петров,2027-01-05,lost")
    path = tmp_path / "deals.csv"
    path.write_bytes("\n".join(rows).encode("cp1251"))
    frame, problems = read_raw(path)
    assert not problems
    assert "Иван Петров" in set(frame["owner"])


def test_excel_over_an_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_bytes((CRM / "deals.csv").read_bytes())
    out = tmp_path / "x.yaml"
    out.write_text("keep me")
    for excel in (deals, tmp_path / "report.csv"):
        result = runner.invoke(
            app, ["calibrate", "--deals", str(deals), "-o", str(out), "--excel", str(excel)]
        )
        assert result.exit_code == 2, result.output
        assert "--excel" in result.output
    assert deals.read_bytes() == (CRM / "deals.csv").read_bytes()
    assert out.read_text() == "keep me"


def test_deals_without_a_channel_keep_the_flows_and_the_file_is_readable(tmp_path: Path) -> None:
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "nochannel.csv"
    deals.drop(columns=["channel"]).to_csv(path, index=False)
    out = tmp_path / "x.yaml"
    result = runner.invoke(
        app, ["calibrate", "--deals", str(path), "--base", str(BASE), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "leads_per_week: 0 " not in text and "requests_per_day: 0 " not in text
    assert "the deals name no channel of the base" in text
    assert out.stat().st_mode & stat.S_IRGRP  # not private: a scenario is for colleagues


def test_a_stage_target_the_base_does_not_have_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["calibrate", "--deals", str(CRM / "deals.csv"), "--base", str(BASE),
         "--stage", "Negotiation=proposl", "-o", str(tmp_path / "x.yaml")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean 'proposal'" in result.output
    assert not (tmp_path / "x.yaml").exists()
