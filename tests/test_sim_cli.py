"""``teamsim simulate``: the table, the files, the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from teamsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "scenarios" / "retail_bank.yaml")
# A short horizon keeps the CLI tests quick; 60 days still hold one whole counted month.
SHORT = ["--set", "calendar.horizon_days=60", "--workers", "1"]

runner = CliRunner()
# The KPI labels carry their units in words and money is written in the scenario's
# locale: the table needs more than 80 columns (xdist's workers get COLUMNS=80 from
# readline), so the tests that read it give it a wide terminal.
WIDE = {"COLUMNS": "200"}


def test_prints_the_kpi_table() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "--replications", "3", *SHORT], env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "KPIs over replications" in out
    for heading in ("mean", "95 % CI", "P10", "P50", "P90", "Plan attainment", "P(plan met)"):
        assert heading in out
    assert "3 replications" in out


@pytest.mark.slow
def test_default_run_on_all_cores() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "--replications", "3"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Utilisation, line level" in result.output


def test_out_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "run" / "a"
    args = ["simulate", SCENARIO, "-n", "2", *SHORT, "--out", str(out), "--seed", "5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    for table in ("people", "time_use", "calls", "deals", "waits", "kpis", "attainment_month"):
        assert f"{table}.parquet" in names
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 5 and meta["replications"] == 2
    time_use = pd.read_parquet(out / "time_use.parquet")
    assert list(time_use.columns[:3]) == ["scenario", "replication", "seed"]
    assert set(time_use["replication"]) == {0, 1}
    # Writing again into the same directory overwrites, as --help says.
    again = runner.invoke(app, [*args, "--format", "csv"])
    assert again.exit_code == 0, again.output
    assert (out / "kpis.csv").exists()


def test_json_output() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "-n", "2", *SHORT, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    kpis = {k["kpi"]: k for k in data["kpis"]}
    assert kpis["attainment"]["n"] == 2
    assert data["scenario_hash"] and data["mode"] == "block"


def test_bad_set_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "--set", "policies.nope=3"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "nope" in lines[0] and "Traceback" not in result.output


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_replications_must_be_positive() -> None:
    result = runner.invoke(app, ["simulate", SCENARIO, "-n", "0"])
    assert result.exit_code == 2


def test_stored_scenario_hash_is_the_one_simulate_reports(tmp_path: Path) -> None:
    from teamsim.store import Store

    store = tmp_path / "runs.duckdb"
    reported = {}
    for quota in ("30", "40"):
        args = ["simulate", SCENARIO, "-n", "1", *SHORT, "--json", "--store", str(store)]
        result = runner.invoke(app, [*args, "--set", f"policies.call_quota_per_day={quota}"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        reported[quota] = (data["run_id"], data["scenario_hash"])
    meta = {q: Store(store).run_meta(run_id) for q, (run_id, _) in reported.items()}
    for quota, (_, digest) in reported.items():
        assert meta[quota]["scenario_hash"] == digest
    # Different --set, different scenarios: different hashes, though the file is one.
    assert meta["30"]["scenario_hash"] != meta["40"]["scenario_hash"]
    assert meta["30"]["scenario_text_hash"] == meta["40"]["scenario_text_hash"]


DESK = str(ROOT / "scenarios" / "support_desk.yaml")
DESK_LINES = Path(DESK).read_text(encoding="utf-8").splitlines()
# 30 agents under one team lead whose max_span is 12: allowed (a plan may size more
# leads), but worth a warning that names the field's line and what is needed.
WIDE_SPAN = ["--set", "roles.agent.headcount={current: 30, min: 30, max: 40}"]


def _span_warning(output: str) -> str:
    [line] = [line for line in output.splitlines() if line.startswith("warning:")]
    return line


@pytest.mark.parametrize("command", ["validate", "simulate"])
def test_a_span_of_control_exceeded_is_a_warning_not_an_error(command: str, tmp_path: Path) -> None:
    args = [command, DESK, *WIDE_SPAN]
    if command == "simulate":
        args += ["-n", "1", "--set", "calendar.horizon_days=30", "--workers", "1", "--no-save"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    line = _span_warning(result.output)
    max_span = 1 + next(i for i, x in enumerate(DESK_LINES) if "max_span:" in x)
    assert line.startswith(f"warning: {DESK}:{max_span}: roles.team_lead.max_span: ")
    assert "Support team lead needs 3 people" in line and "span of 12" in line


def test_a_span_within_limits_has_no_warning() -> None:
    result = runner.invoke(app, ["validate", DESK])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_a_span_set_on_the_command_line_names_the_set() -> None:
    result = runner.invoke(app, ["validate", DESK, "--set", "roles.team_lead.max_span=5"])
    assert result.exit_code == 0, result.output
    line = _span_warning(result.output)
    assert line.startswith("warning: --set roles.team_lead.max_span=5: roles.team_lead.max_span:")


def test_at_80_columns_no_label_or_figure_is_cut() -> None:
    result = runner.invoke(
        app, ["simulate", SCENARIO, "-n", "3", *SHORT, "--no-save"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    table = lines[lines.index(next(x for x in lines if "KPIs over replications" in x)) :]
    assert "P10 to P90" in table[2] and "P50" not in table[2]
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in result.stdout
    # Every row ends with its right border: the last column is drawn, not cropped.
    rows = [x for x in table[4:] if x.startswith("│")]
    assert rows and all(x.rstrip().endswith("│") for x in rows)


def test_plan_says_the_files_warnings_and_keeps_its_json_clean() -> None:
    bank = str(ROOT / "scenarios" / "retail_bank.yaml")
    args = ["plan", bank, "--set", "roles.supervisor.max_span=5", "--json", "--no-marginals"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    line = _span_warning(result.output)
    assert line.startswith("warning: --set roles.supervisor.max_span=5: roles.supervisor.max_span:")
    assert "Sales supervisor needs 3 people, or a span of 7" in line
    assert "warning" not in result.stdout
    json.loads(result.stdout)


def test_a_plan_that_is_not_a_number_says_what_it_may_be() -> None:
    bank = str(ROOT / "scenarios" / "retail_bank.yaml")
    result = runner.invoke(app, ["validate", bank, "--set", "plan.revenue_per_month=lots"])
    assert result.exit_code == 2
    assert (
        "plan.revenue_per_month: expected a number (every month) or a list of 12 (January to "
        "December), got 'lots'" in " ".join(result.output.split())
    )
