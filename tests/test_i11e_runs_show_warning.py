"""Issue 11 (trial e): ``runs show`` of a run of fewer than 20 replications repeats the
small-sample warning its command printed, on stderr, in the same words."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.store import Store

runner = CliRunner()
BANK = "scenarios/retail_bank.yaml"
SHORT = ["--set", "calendar.horizon_days=45", "--workers", "1"]
WARNING = "P(plan met) rests on 2 replications: its 95 % interval is wide"


def _warned(args: list[str], codes: tuple[int, ...] = (0,)) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code in codes, result.output
    return " ".join(result.stderr.split())


def test_a_sweep_and_its_point_shown_again_warn_as_the_sweep_did(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    said = _warned(["sweep", BANK, "--set", "roles.client_manager.headcount.current=8,12",
                    "-n", "2", *SHORT, "--store", str(store)])  # fmt: skip
    assert WARNING in said
    runs = Store(store).list_runs()
    for kind in ("sweep", "sweep-point"):
        run_id = str(runs.loc[runs["kind"] == kind, "run_id"].iloc[0])
        shown = runner.invoke(app, ["runs", "show", run_id, "--store", str(store)])
        assert shown.exit_code == 0, shown.output
        again = " ".join(shown.stderr.split())
        assert WARNING in again, kind
        assert "rests on" not in shown.stdout  # stderr only


def test_a_verify_run_shown_again_warns_as_plan_verify_did(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    said = _warned(
        [
            "plan",
            BANK,
            "--verify",
            "-n",
            "2",
            "--iterations",
            "1",
            "--set",
            "calendar.horizon_days=75",
            "--workers",
            "1",
            "--store",
            str(store),
        ],
        codes=(0, 3),
    )  # fmt: skip (3: not verified)
    assert WARNING in said
    run_id = str(Store(store).list_runs()["run_id"].iloc[0])
    assert WARNING in _warned(["runs", "show", run_id, "--store", str(store)])
