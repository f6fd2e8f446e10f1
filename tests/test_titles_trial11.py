"""Issue 11: a head reads titles, not ids (segments, channels, the scenario, the runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from sim import title
from sim.scenario.loader import parse_scenario
from teamsim import __version__
from teamsim.cli import app
from teamsim.commands.sweep import axis_words
from teamsim.store import RunMeta, Store, new_run_id
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
RETAIL = ROOT / "scenarios" / "retail_bank.yaml"
runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_segment_or_channel_is_titled_by_its_title_else_its_id_in_words() -> None:
    sc = parse_scenario(RETAIL.read_bytes(), str(RETAIL))
    assert title("consumer_loan", sc) == "Consumer loans"
    assert title("website_requests", sc) == "Website requests"
    assert title("payroll_client_staff", sc) == "Payroll clients' staff"
    assert title("client_manager", sc) == "Client manager"  # a role, as before
    # No title given: the id in words, one rule for roles, segments and channels.
    bare = parse_scenario(BASE, "base.yaml")
    segment, channel = next(iter(bare.segments)), next(iter(bare.channels))
    assert bare.segments[segment].title == "" and bare.channels[channel].title == ""
    assert title(segment, bare) == segment.replace("_", " ").capitalize()
    assert title(channel, bare) == channel.replace("_", " ").capitalize()
    assert title("consumer_loan") == "Consumer loan"  # no scenario: the id in words


def test_validate_summary_names_things_by_title_and_says_working_days() -> None:
    result = runner.invoke(app, ["validate", str(RETAIL), "--summary"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "warm-up 20 working days" in text
    for words in ("Head of direct sales", "Payroll clients' staff", "Website requests",
                  "Consumer loans", "Payroll projects"):  # fmt: skip
        assert words in result.output, words  # on one line: never cut
    for raw in ("head_of_unit", "payroll_project", "website_requests", "…"):
        assert raw not in result.output, raw


def test_plans_inbound_table_is_headed_by_the_channels_title() -> None:
    result = runner.invoke(app, ["plan", str(RETAIL), "--no-save"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    head = result.output.split("Inbound requests: load, seats and roster", 1)[1]
    assert "Website requests" in head.splitlines()[2]
    assert "website_requests" not in result.output


def test_sweep_legend_names_the_axis_in_words() -> None:
    sc = parse_scenario(RETAIL.read_bytes(), str(RETAIL))
    assert axis_words("roles.client_manager.headcount.current", sc) == "Client manager, headcount"
    assert axis_words("policies.call_quota_per_day", sc) == "Call quota per day"
    assert (
        axis_words("segments.consumer_loan.stages.1.convert", sc)
        == "Consumer loans, stage meeting, convert"
    )
    result = runner.invoke(
        app,
        ["sweep", str(RETAIL), "--set", "roles.client_manager.headcount.current=10,12",
         "--set", "calendar.horizon_days=45", "-n", "2", "--workers", "1", "--no-save"],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "A: Client manager, headcount" in result.output
    assert "roles.client_manager" not in result.output


def test_runs_show_writes_its_facts_in_words_and_leaves_empty_params_out(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "runs.duckdb")
    meta = RunMeta(
        run_id=new_run_id(),
        kind="simulate",
        scenario_name="Retail bank, direct sales unit",
        scenario_text=RETAIL.read_text(encoding="utf-8"),
        seed=7,
        replications=2,
        code_version=__version__,
        started_at=dt.datetime(2027, 1, 4, 9, 0),
        params={"overrides": [], "note": "kept"},
    )
    run_id = store.save_run(meta, {})
    result = runner.invoke(
        app, ["runs", "show", run_id, "--store", str(store.path)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    text = result.output
    for words in ("Scenario ", "Code version", "Started", "Replications", "Note"):
        assert words in text, words
    for raw in ("scenario_name", "code_version", "param:", "overrides"):
        assert raw not in text, raw


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(ROOT / "dashboard" / "app.py", default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def test_dashboard_names_the_scenario_and_its_segments_by_title(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    sidebar = [c.value for c in at.sidebar.caption]
    assert "Scenario: **Retail bank, direct sales unit**" in sidebar
    tabs = [t.label for t in at.tabs]
    assert "Conversions: Consumer loans" in tabs and "Conversions: Payroll projects" in tabs
    assert not any("consumer_loan" in t for t in tabs)
    at.switch_page("views/simulate.py").run()
    header = "\n".join(m.value for m in at.markdown)
    assert "Scenario: **Retail bank, direct sales unit** (retail\\_bank.yaml)" in header
