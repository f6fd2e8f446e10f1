"""The Compare page says the seed each side runs with (issue 11, fresh-user trial d).

The trial read seed "0" on the Compare page: the box showed 0 before anything was picked,
a seed no run uses, and a stored run's own seed was said nowhere. Now the box is empty
until a pick brings its seed, a caption names whose seed it is (and a stored run's own),
and the team table gives each side's seed as it ran.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim import simulate
from sim.scenario.loader import parse_scenario
from teamsim.runs_io import save_result
from teamsim.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
SEED_LABEL = "Seed (the same for all)"
# In one currency (RUB) with the stored bank run: Compare refuses two currencies.
PARTNERS = "bundled:auto_credit_partners"


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, str]:
    store = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(store))
    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
    edits = ["calendar.horizon_days=120"]
    result = simulate(parse_scenario(text, "retail_bank.yaml", edits), 2, 777, workers=1)
    run_id = save_result(Store(store), result, text, params={"overrides": edits},
                         started_at=dt.datetime(2027, 1, 4, 9, 0))  # fmt: skip
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1
    app.run()
    app.switch_page("views/compare.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app, run_id


def _seed(app: AppTest) -> object:
    [box] = [n for n in app.number_input if n.label == SEED_LABEL]
    return box.value


@pytest.mark.slow
def test_compare_says_the_seed_each_side_runs_with(stored: tuple[AppTest, str]) -> None:
    at, run_id = stored
    # Nothing picked: no seed yet (the trial's "0" was none that a run would use).
    assert at.multiselect(key="compare_picks").value == []
    assert _seed(at) is None
    # A scenario first: its own seed, said as such; the stored run keeps its 777.
    at.multiselect(key="compare_picks").set_value([PARTNERS, f"run:{run_id}"]).run()
    assert _seed(at) == 20270111
    captions = [c.value for c in at.caption]
    partners = "Bank auto-credit partner department"
    assert (
        f"Seed 20270111 (the scenario seed of {partners}) for the scenarios simulated here; a "
        "stored run keeps the seed it was made with: Retail bank, direct sales unit "
        f"[{run_id}] 777." in captions
    )
    [n] = [n for n in at.number_input if n.label == "Replications per scenario"]
    n.set_value(2)
    [button] = [b for b in at.button if b.label == "Compare"]
    button.click().run()
    assert not at.error, [e.value for e in at.error]
    team = at.table[1].value
    assert list(team["seed"]) == ["20270111", "777"]
    # A stored run first: its seed is the one every scenario is simulated with.
    at.multiselect(key="compare_picks").set_value([f"run:{run_id}", PARTNERS]).run()
    assert _seed(at) == 777
    assert any(
        c.startswith(f"Seed 777 (the seed of Retail bank, direct sales unit [{run_id}])")
        for c in (c.value for c in at.caption)
    )
