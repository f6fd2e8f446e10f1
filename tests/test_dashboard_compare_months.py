"""Issue 11: the dashboard's Compare shows, beside P(plan met), the month-level chances and
each side's months, as ``teamsim compare`` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from sim import format_chance
from teamsim.cli import app
from teamsim.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
RETAIL = str(ROOT / "scenarios" / "retail_bank.yaml")
SHORT = ["-n", "2", "--workers", "1", "--set", "calendar.horizon_days=90"]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store with two runs of the bank: 14 client managers, then 8."""
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    for heads in (14, 8):
        made = CliRunner().invoke(
            app,
            ["simulate", RETAIL, *SHORT, "--set", f"roles.client_manager.headcount.current={heads}",
             "--store", str(path)],
        )  # fmt: skip
        assert made.exit_code == 0, made.output
    return Store(path)


def test_compare_shows_the_chances_and_the_months_of_each_side(store: Store) -> None:
    ids = store.list_runs().sort_values("started_at")["run_id"].tolist()
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workers"] = 1
    at.run()
    at.switch_page("views/compare.py").run()
    at.multiselect(key="compare_picks").set_value([f"run:{i}" for i in ids]).run()
    [button] = [b for b in at.button if b.label == "Compare"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [f"Retail bank, direct sales unit [{i}]" for i in ids]
    [chances] = [t.value for t in at.table if "chance" in t.value.columns]
    assert chances["chance"].tolist() == [
        "P(plan met)",
        "P(a month meets its plan)",
        "P(every month meets its plan)",
    ]
    assert "P(plan met): the chance that a month meets its plan" in " ".join(
        m.value for m in at.markdown
    )
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [months] = [f for f in figures if f["layout"]["title"]["text"].startswith("Attainment by cal")]
    assert [t["name"] for t in months["data"]] == labels
    for run_id, label, trace in zip(ids, labels, months["data"], strict=True):
        # The cells and the points are the stored run's, as simulate stored them.
        stored = store.load_table(run_id, "plan_met").set_index("kpi")
        cells = chances[label].tolist()
        for cell, kpi in zip(cells, ("plan_met", "month_met", "every_month_met"), strict=True):
            row = stored.loc[kpi]
            assert cell == format_chance(row["mean"], row["ci_low"], row["ci_high"], labelled=False)
        by_month = store.load_table(run_id, "attainment_by_month")
        assert trace["x"] == by_month["label"].tolist() == ["2027-03", "2027-04"]
        assert trace["y"] == pytest.approx((100 * by_month["attainment"]).tolist())
        assert trace["error_y"]["array"] == pytest.approx(
            (100 * (by_month["p90"] - by_month["attainment"])).tolist()
        )
