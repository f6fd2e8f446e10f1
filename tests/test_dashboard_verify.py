"""The dashboard's Verify and saved variants against the command line and the run store."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from teamsim.cli import app as cli
from teamsim.commands.plan import plan_command, verify_replications
from teamsim.store import Store
from teamsim.verify_view import VERIFY_ITERATIONS, VERIFY_REPLICATIONS

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
# A small team that verifies in two iterations: the command's defaults stay quick.
SMALL = ROOT / "tests" / "data" / "callers_ramp.yaml"


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    return path


def _app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=240)
    app.session_state["workers"] = 1
    return app.run()


def _ok(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def _number(app: AppTest, label: str) -> float:
    [value] = [n.value for n in app.number_input if n.label == label]
    return float(value)


def test_the_commands_defaults_are_the_dashboards() -> None:
    params = inspect.signature(plan_command).parameters
    # -n has no default of its own (--hiring has another): an absent -n is the dashboard's.
    assert params["replications"].default is None
    assert verify_replications(None) == VERIFY_REPLICATIONS == 20
    assert verify_replications(7) == 7
    assert params["iterations"].default == VERIFY_ITERATIONS == 6


@pytest.mark.slow  # the command's defaults twice: about 20 s
def test_verify_gives_the_commands_team_and_is_stored(store_path: Path, tmp_path: Path) -> None:
    text = SMALL.read_bytes()
    at = _app()
    at.radio[0].set_value("Upload a file").run()
    at.file_uploader(key="upload").upload(SMALL.name, text).run()
    _ok(at)
    at.switch_page("views/plan.py").run()
    _ok(at)
    assert _number(at, "Replications per iteration") == VERIFY_REPLICATIONS
    assert _number(at, "Most iterations") == VERIFY_ITERATIONS
    assert _number(at, "Seed") == 17  # the scenario's, as the command uses it
    [button] = [b for b in at.button if b.label == "Verify the plan"]
    button.click().run()
    _ok(at)
    # The command's verdict words, never "Plan met"; the reason carries the interval.
    [verdict] = [s.value for s in at.success]
    assert verdict.startswith("**Plan verified:** P(plan met)") and "95 % interval" in verdict
    assert "Plan met" not in "\n".join(
        [*(s.value for s in at.success), *(w.value for w in at.warning)]
    )

    # Stored as `plan --verify` stores it.
    [run] = Store(store_path).list_runs().to_dict(orient="records")
    assert (run["kind"], run["replications"], run["seed"]) == ("verify", 20, 17)
    assert f"Stored as run `{run['run_id']}`" in "\n".join(c.value for c in at.caption)
    stored = Store(store_path).run_meta(str(run["run_id"]))["params"]

    # The command on the same file and seed: the same team, the same chance.
    result = CliRunner().invoke(
        cli, ["plan", str(SMALL), "--verify", "--json", "--no-save", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    cli_run = json.loads(result.stdout)
    roles = Store(store_path).load_table(str(run["run_id"]), "plan_roles")
    assert dict(zip(roles["role"], roles["headcount"], strict=True)) == {
        r["role"]: r["headcount"] for r in cli_run["plan"]["roles"]
    }
    assert stored["p_plan_met"] == pytest.approx(cli_run["iterations"][-1]["p_plan_met"])
    assert len(cli_run["iterations"]) == len(
        Store(store_path).load_table(str(run["run_id"]), "iterations")
    )


def test_saved_variants_outlive_the_session(store_path: Path) -> None:
    at = _app()
    lever = "roles.client_manager.headcount.current"
    [edit] = [n for n in at.number_input if str(n.key).endswith(lever)]
    edit.set_value(20).run()
    at.text_input[-1].input("twenty managers").run()
    [save] = [b for b in at.button if b.label == "Save variant"]
    save.click().run()
    _ok(at)
    assert any("kept when the dashboard restarts" in s.value for s in at.success)
    [variant] = Store(store_path).variants()
    assert variant.name == "twenty managers" and "current: 20" in variant.scenario_text
    assert variant.origin == "retail_bank.yaml edited"

    # A new session (a restart, another browser) finds it, picks it and edits it.
    again = _app()
    again.radio[0].set_value("Saved variant").run()
    _ok(again)
    assert again.selectbox(key="pick_variant").value == "twenty managers"
    assert again.session_state["source"].text == variant.scenario_text
    assert [n.value for n in again.number_input if str(n.key).endswith(lever)] == [20]
    # Compare offers it too.
    again.switch_page("views/compare.py").run()
    assert "Variant: twenty managers" in again.multiselect(key="compare_picks").options
