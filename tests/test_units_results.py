"""Results by organisational unit (issue 14, stage U6): frames, KPIs, terminal, --json, store.

One rule for the team and its units: a unit's KPIs are the team's KPI rules on the unit's
frames. So the unit at the top (every role in it) must give the team's figures exactly,
and the branches' sales must add up to the network's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import SimResult, simulate
from sim.kpis import per_replication
from sim.unit_results import kpis_by_unit, unit_frames
from teamsim.cli import app
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
SHORT = ("calendar.horizon_days=60",)
INBOUND = "inbound_"  # the test network's desk is the whole team's, no unit's


@pytest.fixture(scope="module")
def run() -> SimResult:
    sc = load_scenario(NETWORK, SHORT)
    return simulate(sc, replications=3, seed=20261202, workers=1)


def test_every_person_deal_and_wait_carries_its_unit(run: SimResult) -> None:
    f, sc = run.frames, run.scenario
    people = f.people.drop_duplicates("person")
    assert (people["org_unit"] == people["role"].map(lambda r: sc.roles[r].unit)).all()
    assert sorted(people["org_unit"].unique()) == ["north", "region_a", "south"]
    owner_unit = f.deals["owner"].str.rpartition(".")[0].map(lambda r: sc.roles[r].unit)
    assert (f.deals["org_unit"] == owner_unit).all()
    asked = f.waits.loc[f.waits["kind"] != "inbound"]
    assert len(asked) > 0 and (asked["owner"] != "").all()
    assert (
        asked["org_unit"] == asked["owner"].str.rpartition(".")[0].map(lambda r: sc.roles[r].unit)
    ).all()
    # An approval asked by a north seller counts for north, though the regional head
    # (region_a) or a lead serves it.
    served_above = asked.loc[asked["server"].str.startswith("regional_head")]
    assert set(served_above["org_unit"]) <= {"north", "south"}
    inbound = f.waits.loc[f.waits["kind"] == "inbound"]
    assert (inbound["org_unit"] == "").all() and (inbound["owner"] == "").all()


def test_the_top_unit_is_the_team(run: SimResult) -> None:
    team = run.kpi_replications.set_index("replication")
    top = per_replication(unit_frames(run.frames, run.scenario, "region_a"), run.scenario)
    top = top.set_index("replication")
    compared = [c for c in team.columns if not c.startswith(INBOUND) and c != "seed"]
    assert len(compared) >= 18
    pd.testing.assert_frame_equal(top[compared], team[compared], check_exact=False, rtol=1e-12)


def test_branches_add_up_to_the_network(run: SimResult) -> None:
    f, sc = run.frames, run.scenario
    north, south = (unit_frames(f, sc, u) for u in ("north", "south"))
    keys = ["replication", "month"]
    team = f.attainment_month.set_index(keys)
    both = (
        north.attainment_month.set_index(keys)[["revenue", "target", "deals_won"]]
        + (south.attainment_month.set_index(keys)[["revenue", "target", "deals_won"]])
    )
    # The regional head sells nothing: the branches own every deal and the whole plan.
    np.testing.assert_allclose(both["revenue"], team["revenue"], rtol=1e-12)
    np.testing.assert_allclose(both["target"], team["target"], rtol=1e-12)
    assert (both["deals_won"] == team["deals_won"]).all()
    # The plan splits by selling capacity: 7 sellers and a lead selling 0.2 against 5 and 0.2.
    share = north.attainment_month["target"] / f.attainment_month["target"]
    np.testing.assert_allclose(share, 7.2 / 12.4, rtol=1e-12)


def test_kpis_by_unit_table(run: SimResult) -> None:
    table = run.kpis_by_unit
    assert list(table.columns[:4]) == ["org_unit", "kpi", "label", "unit"]
    assert list(pd.unique(table["org_unit"])) == ["region_a", "north", "south"]
    people = table.loc[table["kpi"] == "headcount_mean"].set_index("org_unit")["mean"]
    assert people.to_dict() == {"region_a": 15.0, "north": 8.0, "south": 6.0}
    assert not table["kpi"].str.startswith(INBOUND).any()
    middle = table.loc[table["kpi"] == "utilisation_middle", "org_unit"].tolist()
    assert middle == ["region_a"]  # the branches have nobody at middle level
    assert "kpis_by_unit" in run.tables()


def test_a_team_without_units_has_no_table() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml", ("calendar.horizon_days=40",))
    result = simulate(sc, replications=1, seed=1, workers=1)
    assert result.kpis_by_unit.empty and "kpis_by_unit" not in result.tables()
    assert list(kpis_by_unit(result.frames, sc).columns[:2]) == ["org_unit", "kpi"]
    assert (result.frames.people["org_unit"] == "").all()


def test_simulate_shows_and_stores_units(tmp_path: Path) -> None:
    args = ["simulate", str(NETWORK), "-n", "2", "--workers", "1", "--set", SHORT[0]]
    store = ["--store", str(tmp_path / "runs.duckdb")]
    shown = CliRunner().invoke(app, [*args, *store], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "Results by unit" in shown.output
    lines = [line for line in shown.output.splitlines() if "North branch" in line]
    assert len(lines) == 1 and "8.0" in lines[0]
    as_json = CliRunner().invoke(app, [*args, "--no-save", "--json"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)["kpis_by_unit"]
    assert {r["org_unit"] for r in rows} == {"region_a", "north", "south"}
    assert {"kpi", "mean", "p10", "p90", "n"} <= rows[0].keys()
    listed = CliRunner().invoke(app, ["runs", "list", *store, "--json"])
    run_id = json.loads(listed.stdout)["runs"][0]["run_id"]
    out = tmp_path / "export"
    exported = CliRunner().invoke(
        app, ["runs", "export", run_id, *store, "--to", str(out), "--format", "csv"]
    )
    assert exported.exit_code == 0, exported.output
    names = sorted(p.name for p in (out / run_id).iterdir())
    assert "kpis_by_unit.csv" in names, names
    back = pd.read_csv(out / run_id / "kpis_by_unit.csv")
    assert set(back["org_unit"]) == {"region_a", "north", "south"}
