"""Partial runs named on the dashboard as the CLI names them (issue 11, fresh-user trial d).

An interrupted simulate or compare (exit 130) keeps what finished as a run of status
"partial"; the CLI names it "partial (6 of 20 replications)". The dashboard's runs list,
its run picker, an opened run's heading and the Compare page's stored runs said nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim import simulate
from sim.scenario.loader import parse_scenario
from teamsim.compare import partial_words
from teamsim.runs_io import run_statuses, save_result, status_words
from teamsim.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


def test_a_partial_run_in_words() -> None:
    assert partial_words(6, 20) == "partial (6 of 20 replications)"
    assert partial_words(6, None) == "partial (6 replications)"  # the store does not say
    assert status_words("partial", 6, {"requested_replications": 20}) == partial_words(6, 20)
    assert status_words("complete", 20, {}) == "complete"


@pytest.fixture
def two_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """A whole run and one stopped after 2 of 20 replications, as simulate stores them."""
    store = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(store))
    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
    edits = ["calendar.horizon_days=120"]
    result = simulate(parse_scenario(text, "retail_bank.yaml", edits), 2, 5, workers=1)
    kept = {"overrides": edits, "requested_replications": 2}
    whole = save_result(Store(store), result, text, params=kept,
                        started_at=dt.datetime(2027, 1, 4, 9, 0))  # fmt: skip
    stopped = save_result(Store(store), result, text, status="partial",
                          params={**kept, "requested_replications": 20},
                          started_at=dt.datetime(2027, 1, 4, 10, 0))  # fmt: skip
    return store, whole, stopped


def test_the_runs_page_and_compare_name_a_partial_run(two_runs: tuple[Path, str, str]) -> None:
    store, whole, stopped = two_runs
    words = "partial (2 of 20 replications)"
    listed = Store(store).list_runs()
    assert run_statuses(Store(store), listed) == [words, "complete"]  # newest first
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workers"] = 1
    at.run()
    at.switch_page("views/runs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("Run")
    assert table.loc[stopped, "Status"] == words
    assert table.loc[whole, "Status"] == "complete"
    picker = at.selectbox[0]
    assert picker.options[0].endswith(words) and stopped in picker.options[0]
    assert not picker.options[1].endswith(")")  # a whole run has no mark
    assert at.subheader[0].value == f"Retail bank, direct sales unit (simulate, {words})"
    at.switch_page("views/compare.py").run()
    options = at.multiselect(key="compare_picks").options
    assert any(o.endswith(f"[{stopped}], {words}") for o in options)
    assert any(o.endswith(f"[{whole}]") for o in options)
