"""Issue 11: the dashboard's Simulate and Compare reuse a stored identical run, as the CLI.

A real run store on disk and the real page scripts (Streamlit's AppTest); a small
scenario (tests.scenario_texts.BASE: 40 days, 7 people) and 2 replications.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.state import Source
from teamsim.store import Store
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
REUSED = "of the same scenario, seed and replications: reused, not simulated again"


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    return path


@pytest.fixture
def at(store_path: Path) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1
    app.session_state["source"] = Source("tiny", BASE, "upload tiny.yaml", kind="upload")
    app.run()
    app.switch_page("views/simulate.py").run()
    return app


def _run_ids(path: Path) -> list[str]:
    return [str(r) for r in Store(path).list_runs()["run_id"]]


def _simulate(app: AppTest, *, replications: int = 2, seed: int = 7, fresh: bool = False) -> str:
    """Press Run the simulation; the reuse line ('' when it simulated)."""
    reps, seed_box = app.number_input[0], app.number_input[1]
    reps.set_value(replications)
    seed_box.set_value(seed)
    [afresh] = [c for c in app.checkbox if c.label == "Simulate afresh"]
    afresh.set_value(fresh)
    [button] = [b for b in app.button if b.label == "Run the simulation"]
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.metric  # the results are drawn either way
    return "\n".join(i.value for i in app.info if REUSED in i.value)


def test_simulate_twice_stores_one_run_and_says_the_second_is_reused(
    at: AppTest, store_path: Path
) -> None:
    assert _simulate(at) == ""
    [first] = _run_ids(store_path)
    shown = [m.value for m in at.metric]
    line = _simulate(at)
    assert line.startswith(f"Shown: the stored run {first} {REUSED}.")
    assert _run_ids(store_path) == [first]
    assert [m.value for m in at.metric] == shown  # the stored run's numbers, the same


def test_another_seed_or_replications_or_afresh_stores_a_new_run(
    at: AppTest, store_path: Path
) -> None:
    _simulate(at)
    assert _simulate(at, seed=8) == ""
    assert len(_run_ids(store_path)) == 2
    assert _simulate(at, replications=3) == ""
    assert len(_run_ids(store_path)) == 3
    assert _simulate(at, fresh=True) == ""  # as the first, simulated again on purpose
    assert len(_run_ids(store_path)) == 4


def _compare(app: AppTest, *, fresh: bool = False) -> list[str]:
    """Compare the uploaded scenario with the variant 'bigger'; the reuse lines."""
    app.switch_page("views/compare.py").run()
    app.multiselect(key="compare_picks").set_value(["current", "variant:bigger"]).run()
    app.number_input[0].set_value(2)  # replications per scenario; the seed: the first's, 7
    [afresh] = [c for c in app.checkbox if c.label == "Simulate afresh"]
    afresh.set_value(fresh)
    [button] = [b for b in app.button if b.label == "Compare"]
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.table  # the comparison is drawn either way
    return [line for i in app.info for line in i.value.splitlines() if REUSED in line]


def test_compare_of_stored_identical_sides_simulates_nothing(at: AppTest, store_path: Path) -> None:
    bigger = BASE.replace("headcount: {current: 5, min: 2, max: 12}",
                          "headcount: {current: 7, min: 2, max: 12}")  # fmt: skip
    assert bigger != BASE
    Store(store_path).save_variant("bigger", bigger)
    _simulate(at)  # the uploaded scenario, seed 7, 2 replications: stored
    [tiny] = _run_ids(store_path)
    # The first compare reuses the simulated run and simulates (and keeps) the variant.
    assert _compare(at) == [f"- Tiny team: the stored run {tiny} {REUSED}."]
    runs = _run_ids(store_path)
    assert len(runs) == 2
    [variant] = [r for r in runs if r != tiny]
    # Both sides now identical to stored runs: nothing simulated, nothing stored.
    assert _compare(at) == [
        f"- Tiny team: the stored run {tiny} {REUSED}.",
        f"- bigger: the stored run {variant} {REUSED}.",
    ]
    assert _run_ids(store_path) == runs
    # Simulate afresh: both simulated again and kept.
    assert _compare(at, fresh=True) == []
    assert len(_run_ids(store_path)) == 4
