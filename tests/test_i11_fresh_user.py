"""A fresh user's trial of issue 11: what validate warns of, how waits and errors read."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.format import fmt_minutes, fmt_value

runner = CliRunner()
NOBODY_SELLS = ["--set", "roles.sdr.headcount=0", "--set", "roles.account_executive.headcount=0"]


def test_a_team_with_segments_and_no_seller_in_seat_is_warned_of() -> None:
    result = runner.invoke(app, ["validate", "scenarios/b2b_smb.yaml", *NOBODY_SELLS])
    assert result.exit_code == 0, result.output  # a warning, not an error
    warnings = [x for x in result.output.splitlines() if x.startswith("warning:")]
    [line] = [x for x in warnings if "nobody can sell" in x]
    # The demo desk's answerers are the account executives, at 0 too (sim.rules.checks).
    assert [x for x in warnings if x != line] == [
        "warning: scenarios/b2b_smb.yaml:102: channels.demo_requests: nobody answers "
        "demo_requests: its answerers (account_executive) have nobody in seat and no joiner, "
        "so a simulation leaves its requests unanswered (nor can plan staff it); give one of "
        "them people"
    ]
    # Each segment with the roles that sell it, all at headcount 0.
    assert "'smb_new_business' by sdr; 'smb_core' by account_executive;" in line


def test_a_seller_in_seat_or_a_joiner_to_come_silences_it() -> None:
    sdr_only = ["validate", "scenarios/b2b_smb.yaml", *NOBODY_SELLS[2:]]
    assert "nobody can sell" not in runner.invoke(app, sdr_only).output
    joiner = "roles.sdr.joiners=[{start: 2026-03-02}]"
    hc = "roles.sdr.headcount={current: 0, min: 0, max: 1}"
    later = runner.invoke(app, [*sdr_only, "--set", hc, "--set", joiner])
    assert later.exit_code == 0, later.output
    assert "nobody can sell" not in later.output


@pytest.mark.parametrize(
    ("minutes", "signed", "unit", "text"),
    [
        (45.0, False, True, "45.0 min"),
        (1439.9, False, True, "1,439.9 min"),
        (1440.0, False, True, "1.0 days"),
        (147_507.2, False, True, "102.4 days"),  # 147,507.2 / 1,440
        (147_507.2, False, False, "102.4 days"),  # a duration of days always says so
        (45.0, False, False, "45.0"),
        (-2880.0, True, True, "-2.0 days"),
        (2880.0, True, True, "+2.0 days"),
    ],
)
def test_a_duration_of_a_day_or_more_reads_in_days(
    minutes: float, signed: bool, unit: bool, text: str
) -> None:
    assert fmt_minutes(minutes, signed=signed, unit=unit) == text


def test_every_kpi_in_minutes_goes_through_the_one_rule() -> None:
    assert fmt_value(147_507.2, "min", "USD") == "102.4 days"
    assert fmt_value(12.0, "min", "USD") == "12.0 min"


def test_simulate_writes_a_wait_of_days_in_days(tmp_path: Path) -> None:
    args = ["simulate", "scenarios/b2b_smb.yaml", *NOBODY_SELLS, "-n", "2", "--no-save",
            "--workers", "1", "--set", "calendar.horizon_days=80"]  # fmt: skip
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    [row] = [x for x in result.output.splitlines() if "carried over: wait" in x]
    assert "days" in row and "," not in row.split("│")[2]


def _errors(*args: str) -> list[str]:
    result = runner.invoke(app, ["validate", *args])
    assert result.exit_code == 2, result.output
    return [x for x in result.output.splitlines() if x.startswith("error:")]


def test_an_empty_team_says_it_needs_a_role(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("name: x\nroles: {}\n", encoding="utf-8")
    lines = _errors(str(empty))
    assert f"error: {empty}:2: roles: a team needs at least one role" in lines


@pytest.mark.parametrize(
    ("written", "hint"),
    [("rubles", "; did you mean 'RUB'?"), ("usd", "; did you mean 'USD'?"), ("R$", "")],
)
def test_a_currency_not_a_code_says_what_a_code_is(written: str, hint: str) -> None:
    [line] = _errors("scenarios/b2b_smb.yaml", "--set", f"currency={written}")
    assert line == (
        f"error: --set currency={written}: currency: expected a three-letter ISO 4217 code "
        f"such as RUB, USD, EUR, got '{written}'{hint}"
    )


def test_a_workbook_under_a_file_names_the_file(tmp_path: Path) -> None:
    import pandas as pd

    from teamsim.export import ExportError, write_workbook

    blocker = tmp_path / "f.duckdb"
    blocker.write_bytes(b"")
    target = blocker / "x.xlsx"
    with pytest.raises(ExportError) as info:
        write_workbook(target, {"t": pd.DataFrame({"a": [1]})}, {})
    assert str(info.value) == f"cannot write {target}: {blocker} is a file, not a folder"


def test_stored_runs_are_named_by_their_scenario_and_told_apart_by_id(tmp_path: Path) -> None:
    from teamsim.store import Store

    store = str(tmp_path / "runs.duckdb")
    run = ["simulate", "scenarios/retail_bank.yaml", "-n", "1", "--workers", "1",
           "--store", store, "--set", "calendar.horizon_days=45"]  # fmt: skip
    for seed in ("1", "2"):
        assert runner.invoke(app, [*run, "--seed", seed]).exit_code == 0
    ids = [str(x) for x in Store(store).list_runs()["run_id"]]
    done = runner.invoke(app, ["compare", *ids, "--store", store, "--json"])
    assert done.exit_code == 0, done.output
    import json

    sides = json.loads(done.stdout)["sides"]
    name = "Retail bank, direct sales unit"  # the scenario's name, not "r3f..." alone
    assert [s["label"] for s in sides] == [f"{name} [{i}]" for i in ids]
    assert [s["partial"] for s in sides] == [None, None]
