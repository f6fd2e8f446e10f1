"""A network's results by unit on the dashboard (issue 14): the map, the table, one unit.

Through Streamlit's AppTest (the real scripts, no browser) on the test network, and the
map as a pure figure.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.network import ROOT as MAP_ROOT
from dashboard.network import network_map, units_frame
from sim import simulate
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def test_the_map_is_the_tree_sized_by_people_coloured_by_the_kpi() -> None:
    sc = load_scenario(NETWORK, ("calendar.horizon_days=60",))
    result = simulate(sc, replications=2, seed=7, workers=1)
    fig = network_map(result.kpis, result.kpis_by_unit, sc, "attainment")
    tree = fig.data[0]
    assert list(tree.ids) == [MAP_ROOT, "region_a", "north", "south"]
    assert list(tree.parents) == ["", MAP_ROOT, "region_a", "region_a"]
    assert list(tree.values) == [15.0, 15.0, 8.0, 6.0]
    by_unit = result.kpis_by_unit
    north = by_unit.loc[(by_unit["org_unit"] == "north") & (by_unit["kpi"] == "attainment")]
    assert math.isclose(tree.marker.colors[2], 100 * float(north["mean"].iloc[0]))
    # Utilisation turns at the occupancy cap, attainment at 100 %.
    assert tree.marker.cmid == 100.0
    util = network_map(result.kpis, by_unit, sc, "utilisation_line").data[0]
    assert util.marker.cmid == pytest.approx(100 * sc.policies.occupancy_cap)
    frame = units_frame(result.kpis, by_unit, sc)
    assert frame["unit"].tolist() == ["whole network", "· Region A", "· · North branch",
                                      "· · South branch"]  # fmt: skip
    assert frame["people"].tolist() == ["15.0", "15.0", "8.0", "6.0"]


def test_simulate_page_shows_the_network(at: AppTest) -> None:
    at.radio[0].set_value("Upload a file").run()
    at.file_uploader(key="upload").upload("net.yaml", NETWORK.read_bytes()).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.switch_page("views/simulate.py").run()
    at.number_input[0].set_value(2)
    [button] = [b for b in at.button if b.label == "Run the simulation"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Results by unit" in [s.value for s in at.subheader]
    side_by_side = [d.value for d in at.dataframe if "unit" in d.value.columns]
    assert side_by_side and "· · North branch" in side_by_side[0]["unit"].tolist()
    pick = at.selectbox(key="simulate_unit")
    assert pick.options == ["Region A", "North branch", "South branch"]
    pick.set_value("south").run()
    # The network's KPI table says 15 people; south's, last of the page's KPI tables, 6.
    kpi_tables = [
        d.value
        for d in at.dataframe
        if d.value.iloc[:, 0].astype(str).str.startswith("People in seat").any()
    ]
    people = [t.loc[t.iloc[:, 0].str.startswith("People in seat")].iloc[0, 1] for t in kpi_tables]
    assert people == ["15.0", "6.0"], kpi_tables


def test_plan_page_shows_each_units_sales_beside_its_own_plan(at: AppTest) -> None:
    text = NETWORK.read_text(encoding="utf-8").replace(
        "  north: {title: North branch, parent: region_a}",
        "  north: {title: North branch, parent: region_a, plan: {revenue_per_month: 20000000}}",
    )
    at.radio[0].set_value("Upload a file").run()
    at.file_uploader(key="upload").upload("net.yaml", text.encode()).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Sales by unit (2027-03, the design month)" in [s.value for s in at.subheader]
    [sales] = [d.value for d in at.dataframe if "plan is" in d.value.columns]
    north = sales.loc[sales["unit"].str.strip() == "North branch"].iloc[0]
    assert north["plan is"] == "its own"
    assert north["plan"].replace("\xa0", " ") == "RUB 20M"
