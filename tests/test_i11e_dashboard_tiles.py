"""Issue 11 (trial e): the Simulate page's headline tiles read their 95 % CI as the KPI
table does ("RUB 28.0M to RUB 45.8M" in both, never "RUB 28M to RUB 45.8M" in the tile)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.tables import ci_text, kpi_texts

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


def test_the_tile_and_the_table_write_one_interval_alike() -> None:
    row = {"unit": "currency", "mean": 35.4e6, "p10": 30e6, "p90": 40e6,
           "ci_low": 28.0e6, "ci_high": 45.8e6}  # fmt: skip
    assert ci_text(kpi_texts(row, "RUB", "en_US")) == "RUB\xa028.0M to RUB\xa045.8M"


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def test_every_tiles_interval_is_the_kpi_tables(at: AppTest) -> None:
    at.switch_page("views/simulate.py").run()
    at.number_input[0].set_value(2)
    [button] = [b for b in at.button if b.label == "Run the simulation"]
    button.click().run()
    assert not at.exception and not at.error
    intervals = [c.value.rpartition("95 % CI ")[2] for c in at.caption if "95 % CI " in c.value]
    assert len(intervals) == 4  # the four headline tiles
    tables = [d.value for d in at.dataframe]
    table = next(t for t in tables if isinstance(t, pd.DataFrame) and "95 % CI of the mean" in t)
    shown = set(table["95 % CI of the mean"])
    for interval in intervals:
        assert interval in shown, (interval, shown)
