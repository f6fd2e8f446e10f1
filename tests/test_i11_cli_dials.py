"""Issue 11: compare and sweep show dials a day by role over the days dialled.

A run has three "dials a day" figures: the KPI pooling every dialling role over its days
present, dials a day by role over the days each person dialled (``sim.dials_by_role``,
what ``simulate`` prints), and the plan's quota. Compare and sweep showed only the
first. Here the bank scenario (45 days, 2 replications) is simulated once through the
API, and its figures by role must come back, figure for figure, from ``compare`` (a file
simulated, the same file reused from the store, a stored run) and from the sweep point
with the same team, in the terminal, ``--json`` and ``--excel``. The pooled KPI differs
from every role's figure (a supervisor who dials a little pulls it down), so a test that
read the wrong one would fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import DIALS_BY_ROLE_NOTE, dials_by_role, kpi_value, simulate
from teamsim.cli import app
from teamsim.dials_view import POOLED_DIALS_HEAD, POOLED_DIALS_LABEL, POOLED_DIALS_NOTE
from teamsim.io import load_scenario
from teamsim.store import Store

runner = CliRunner()
BANK = "scenarios/retail_bank.yaml"
GROWTH = "scenarios/retail_bank_growth.yaml"
SHORT = ["--set", "calendar.horizon_days=45"]
N = ["-n", "2", "--workers", "1"]


def _cli(*args: str) -> str:
    # pytest-xdist's workers set COLUMNS=80; the labels are read whole, on one line.
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def _json(text: str) -> dict[str, Any]:
    # stderr (stored ..., wrote ...) is mixed into the output around the one document
    found, _ = json.JSONDecoder().raw_decode(text[text.index("{") :])
    return dict(found)


@pytest.fixture(scope="module")
def bank() -> dict[str, Any]:
    """The bank simulated through the API: its dials by role and its pooled KPI."""
    scenario = load_scenario(BANK, ["calendar.horizon_days=45"])
    result = simulate(scenario, 2, scenario.seed)
    table = dials_by_role(result.frames, result.scenario).set_index("role")
    return {
        "by_role": table,
        "pooled": kpi_value(result.kpis, "dials_per_caller_day"),
    }


def _sheet(path: Path, name: str) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[name].values)
    return pd.DataFrame(rows[1:], columns=rows[0])


def _about(path: Path) -> dict[str, str]:
    rows = list(openpyxl.load_workbook(path)["about"].values)
    return {str(r[0]): str(r[1]) for r in rows if r and r[0] is not None}


def test_the_bank_dials_differ_by_role_and_from_the_pooled_kpi(bank: dict[str, Any]) -> None:
    """The premise: the three readings differ, so showing the wrong one is caught."""
    by_role = bank["by_role"]["dials_per_day_dialled"]
    assert set(by_role.index) == {"client_manager", "supervisor"}
    assert by_role["client_manager"] > 1.5 * bank["pooled"]  # 44 a day against 24 pooled
    assert by_role["supervisor"] < bank["pooled"]


def test_compare_shows_each_sides_dials_by_role(tmp_path: Path, bank: dict[str, Any]) -> None:
    store, book = str(tmp_path / "runs.duckdb"), tmp_path / "cmp.xlsx"
    doc = _json(
        _cli("compare", BANK, GROWTH, *SHORT, *N, "--store", store, "--json", "--excel", str(book))
    )
    first, second = doc["sides"]
    table = bank["by_role"]
    shown = {r["role"]: r for r in first["dials_by_role"]}
    assert set(shown) == set(table.index)
    for role, row in shown.items():
        for column in ("dials_per_day_dialled", "p10", "p90", "days_dialled_share"):
            assert row[column] == pytest.approx(float(table.loc[role, column]), rel=1e-12)
    # The growing bank has fewer client managers, each of them dialling more.
    grown = {r["role"]: r["dials_per_day_dialled"] for r in second["dials_by_role"]}
    assert grown["client_manager"] != pytest.approx(
        shown["client_manager"]["dials_per_day_dialled"]
    )
    # The pooled KPI keeps its key and its value; what each counts is said.
    pooled = next(r for r in doc["comparison"] if r["kpi"] == "dials_per_caller_day")
    assert pooled["mean"] == pytest.approx(bank["pooled"])
    assert doc["dials_definition"] == {
        "dials_per_caller_day": POOLED_DIALS_NOTE,
        "dials_by_role": DIALS_BY_ROLE_NOTE,
    }

    # Excel: a sheet of the figures by role, a side a block; the pooled KPI named as such.
    sheet = _sheet(book, "dials_by_role")
    mine = sheet[sheet["side"] == first["label"]].set_index("role")
    assert mine.loc["client_manager", "dials_per_day_dialled"] == pytest.approx(
        float(table.loc["client_manager", "dials_per_day_dialled"])
    )
    assert len(sheet) == len(first["dials_by_role"]) + len(second["dials_by_role"])
    comparison = _sheet(book, "comparison").set_index("kpi")
    assert comparison.loc["dials_per_caller_day", "label"] == POOLED_DIALS_LABEL
    about = _about(book)
    assert about["dials_per_caller_day"] == POOLED_DIALS_NOTE
    assert about["dials_by_role"] == DIALS_BY_ROLE_NOTE

    # The terminal, twice from the store: the files again (reused, identical runs), and
    # the stored runs by id. Both print the same table from the stored sim.dials_by_role.
    ids = Store(store).list_runs()["run_id"].tolist()
    for args in ([BANK, GROWTH, *SHORT], [ids[-1], ids[0]]):
        text = _cli("compare", *args, *N, "--store", store)
        assert "Dials a day by role, over the days each person dialled" in text
        line = next(x for x in text.splitlines() if "Client manager (line)" in x)
        cm = table.loc["client_manager"]
        assert f"{cm['dials_per_day_dialled']:,.1f}" in line
        under = text.splitlines()[text.splitlines().index(line) + 1]
        assert f"{cm['p10']:,.1f} to {cm['p90']:,.1f}" in under
        assert "Dials a day, all dialling roles pooled, over" in text
        flat = " ".join(text.split())
        assert "Dials a day dialled: a role's dials over the days its people dialled" in flat


def test_sweep_shows_each_points_dials_by_role(tmp_path: Path, bank: dict[str, Any]) -> None:
    store, book = str(tmp_path / "runs.duckdb"), tmp_path / "sweep.xlsx"
    axis = ["--set", "roles.client_manager.headcount.current=10,14"]
    doc = _json(
        _cli("sweep", BANK, *axis, *SHORT, *N, "--store", store, "--json", "--excel", str(book))
    )
    points = {p["roles.client_manager.headcount.current"]: p for p in doc["points"]}
    # The point with the scenario's own 14 client managers is the bank simulated above.
    table = bank["by_role"]
    for role in table.index:
        assert points[14][f"dials_per_day_dialled_{role}"] == pytest.approx(
            float(table.loc[role, "dials_per_day_dialled"]), rel=1e-12
        )
    assert points[14]["dials_per_caller_day"] == pytest.approx(bank["pooled"])
    # Fewer client managers, the same leads to work: each dials more on a day dialled.
    assert (
        points[10]["dials_per_day_dialled_client_manager"]
        > points[14]["dials_per_day_dialled_client_manager"]
    )
    # Each point's figures are its stored run's table (the one simulate's run stores).
    st = Store(store)
    for point in doc["points"]:
        stored = st.load_table(point["point_run"], "dials_by_role").set_index("role")
        assert point["dials_per_day_dialled_client_manager"] == pytest.approx(
            float(stored.loc["client_manager", "dials_per_day_dialled"])
        )
    long = pd.DataFrame(doc["dials_by_role"])
    assert list(long.columns[:2]) == ["point_label", "role"]
    assert len(long) == 4  # two points, two dialling roles
    assert doc["dials_definition"]["dials_per_caller_day"] == POOLED_DIALS_NOTE

    sheet = _sheet(book, "sweep")
    assert "dials_per_day_dialled_client_manager" in sheet.columns
    assert len(_sheet(book, "dials_by_role")) == 4
    assert _about(book)["dials_by_role"] == DIALS_BY_ROLE_NOTE

    text = _cli("sweep", BANK, *axis, *SHORT, *N, "--no-save")
    flat = " ".join(text.split())
    for head in (POOLED_DIALS_HEAD, "Client manager: dials a day dialled"):
        assert all(word in flat for word in head.split())
    assert POOLED_DIALS_NOTE in flat and DIALS_BY_ROLE_NOTE in flat
    cm = table.loc["client_manager", "dials_per_day_dialled"]
    # Point 2 (14 client managers): its rows (the table may be split in two) hold it.
    rows = [x for x in text.splitlines() if x.startswith("│ 2 ")]
    assert any(f"│ {cm:,.1f} │" in " ".join(x.split()) for x in rows), rows

    # runs show of the sweep prints the same columns and what they count.
    sweep_id = doc["sweep_id"]
    shown = " ".join(_cli("runs", "show", sweep_id, "--store", store).split())
    assert "dials a day dialled" in shown and POOLED_DIALS_NOTE in shown
