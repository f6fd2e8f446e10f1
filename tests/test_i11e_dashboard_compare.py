"""Issue 11: the dashboard's Compare refuses sides in different currencies, as the CLI does."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def test_compare_of_two_currencies_is_refused_with_the_clis_message(at: AppTest) -> None:
    at.switch_page("views/compare.py").run()
    at.multiselect(key="compare_picks").set_value(["bundled:b2b_smb", "bundled:retail_bank"]).run()
    at.number_input[0].set_value(2)
    [button] = [b for b in at.button if b.label == "Compare"]
    button.click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("cannot compare amounts in different currencies (")
    assert "in USD" in errors[0] and "in RUB" in errors[0]
    # No comparison drawn: no KPI table, no chart titled "(RUB/USD)".
    assert not at.table
    assert not at.get("plotly_chart")
