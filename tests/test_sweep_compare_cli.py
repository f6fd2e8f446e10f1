"""teamsim sweep and teamsim compare on real scenarios, with the store on disk."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.store import Store

runner = CliRunner()
# pytest-xdist's workers set COLUMNS=80; the KPI labels are compared row by row, whole.
WIDE = {"COLUMNS": "200"}
SHORT = ["--set", "calendar.horizon_days=45"]


def test_sweep_stores_every_point_and_a_summary(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    result = runner.invoke(
        app,
        [
            "sweep",
            "scenarios/retail_bank.yaml",
            "--set",
            "roles.client_manager.headcount.current=8..12:4",
            "--set",
            "policies.call_quota_per_day=20,40",
            "--set",
            "calendar.horizon_days=45",
            "-n",
            "2",
            "--workers",
            "1",
            "--store",
            str(store),
            "--excel",
            str(tmp_path / "s.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    runs = Store(store).list_runs()
    assert sorted(runs["kind"].value_counts().items()) == [("sweep", 1), ("sweep-point", 4)]
    sweep_id = str(runs.loc[runs["kind"] == "sweep", "run_id"].iloc[0])
    summary = Store(store).load_table(sweep_id, "sweep_summary")
    assert len(summary) == 4
    assert set(summary["roles.client_manager.headcount.current"]) == {8, 12}  # numbers
    # Each summary row is its point run's KPIs.
    for row in summary.itertuples():
        kpis = Store(store).load_table(str(row.point_run), "kpis").set_index("kpi")
        assert row.dials_per_caller_day == pytest.approx(kpis.loc["dials_per_caller_day", "mean"])
    # More sellers at the same quota make at least as many calls (common random numbers).
    for quota in (20, 40):
        part = summary.loc[summary["policies.call_quota_per_day"] == quota]
        by_heads = part.set_index("roles.client_manager.headcount.current")["cost_per_month"]
        assert by_heads[12] > by_heads[8]
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert "sweep" in book.sheetnames


def test_sweep_with_an_invalid_point_runs_nothing(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    result = runner.invoke(
        app,
        [
            "sweep",
            "scenarios/retail_bank.yaml",
            "--set",
            "roles.client_manager.headcount.current=20..40:10",
            "-n",
            "2",
            "--store",
            str(store),
        ],
    )
    assert result.exit_code == 2
    assert "point roles.client_manager.headcount.current=40" in result.output
    assert "Traceback" not in result.output
    assert not store.exists() or Store(store).list_runs().empty


def test_compare_two_files_then_the_same_two_stored_runs(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    text = Path("scenarios/retail_bank.yaml").read_text(encoding="utf-8")
    a.write_text(text.replace("horizon_days: 120", "horizon_days: 45"), encoding="utf-8")
    b.write_text(
        text.replace("horizon_days: 120", "horizon_days: 45").replace(
            "headcount: {current: 14, min: 6, max: 30}", "headcount: {current: 18, min: 6, max: 30}"
        ),
        encoding="utf-8",
    )
    excel = tmp_path / "cmp.xlsx"
    result = runner.invoke(
        app,
        [
            "compare",
            str(a),
            str(b),
            "--replications",
            "3",
            "--workers",
            "1",
            "--store",
            str(store),
            "--excel",
            str(excel),
        ],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    assert "b - a" in result.output and "Team and plan" in result.output
    book = openpyxl.load_workbook(excel)
    assert book.sheetnames[:3] == ["about", "comparison", "team"]
    header = [c.value for c in book["comparison"][1]]
    assert {"a", "b", "b - a", "b - a CI low", "b - a CI high"} <= set(header)
    names = [c.value for c in book["team"][1]]
    team = {
        row[0].value: dict(zip(names, (c.value for c in row), strict=True))
        for row in book["team"].iter_rows(min_row=2)
    }
    assert team["b"]["headcount_line"] - team["a"]["headcount_line"] == 4

    runs = Store(store).list_runs().sort_values("started_at")
    assert list(runs["label"]) == ["a", "b"]
    ids = [str(x) for x in runs["run_id"]]
    again = runner.invoke(app, ["compare", *ids, "--store", str(store)], env=WIDE)
    assert again.exit_code == 0, again.output
    first_row = [
        line
        for line in result.output.splitlines()
        if "Dials a day, all dialling roles pooled" in line
    ]
    second_row = [
        line
        for line in again.output.splitlines()
        if "Dials a day, all dialling roles pooled" in line
    ]
    assert first_row and first_row[0].split("│")[2:] == second_row[0].split("│")[2:]


def test_compare_needs_two_to_four(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", "scenarios/retail_bank.yaml"])
    assert result.exit_code == 2
    result = runner.invoke(
        app, ["compare", "nope-run", "other-run", "--store", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2 and "is not a scenario file" in result.output


def test_compare_uses_the_scenario_seed(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    desk = "scenarios/support_desk.yaml"
    # --fresh: without it the second, identical item reuses the first's stored run.
    args = ["compare", desk, desk, "--replications", "2", "--workers", "1", "--fresh"]
    result = runner.invoke(app, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert Store(store).list_runs()["seed"].tolist() == [20270104, 20270104]


def test_compare_simulates_every_file_on_the_first_items_seed(tmp_path: Path) -> None:
    from tests.scenario_texts import BASE

    assert "seed: 7\n" in BASE
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(BASE.replace("horizon_days: 40", "horizon_days: 10"), encoding="utf-8")
    second.write_text(first.read_text(encoding="utf-8").replace("seed: 7\n", "seed: 99\n"))
    store = tmp_path / "runs.duckdb"
    common = ["--replications", "2", "--workers", "1", "--store", str(store)]

    def seeds(*items: str) -> list[int]:
        before = set(Store(store).list_runs()["run_id"])
        result = runner.invoke(app, ["compare", *items, *common])
        assert result.exit_code == 0, result.output
        runs = Store(store).list_runs().sort_values("started_at")
        return [
            int(s) for r, s in zip(runs["run_id"], runs["seed"], strict=True) if r not in before
        ]

    assert seeds(str(first), str(second)) == [7, 7]  # not the second file's 99
    assert seeds(str(second), str(first)) == [99, 99]
    assert seeds(str(first), str(second), "--seed", "5") == [5, 5]
    # A stored run first: the files are simulated on its random numbers.
    run_id = str(Store(store).list_runs().sort_values("started_at")["run_id"].iloc[0])
    # second.yaml on seed 7 is stored (the first call): reused, unless --fresh.
    assert seeds(run_id, str(second)) == []
    assert seeds(run_id, str(second), "--fresh") == [7]
