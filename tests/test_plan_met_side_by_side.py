"""compare and sweep show P(plan met) as simulate does: its month-level chances and months.

Issue 11: every output that shows P(plan met) shows beside it P(a month meets its plan),
P(every month meets its plan) (each with its 95 % interval) and attainment by calendar
month with P10-P90: compare's terminal, --json and Excel per side, sweep's per point.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import attainment_by_month, format_chance
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_met_view import chance_columns, months_long, months_side_by_side
from teamsim.store import Store

runner = CliRunner()
RETAIL = Path(__file__).resolve().parents[1] / "scenarios" / "retail_bank.yaml"
# 90 working days from March 2027: two counted months (March and April), so a month met
# and every month met can differ.
HORIZON = "calendar.horizon_days=90"
WIDE = {"COLUMNS": "200"}  # no cell folded: a row is one line
CHANCES = "P(plan met) beside the month-level chances"


def _sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(map(str, rows[0]), row, strict=True)) for row in rows[1:]]


def _row(text: str, label: str, after: str = "") -> list[str]:
    """The cells of the rows that start with ``label`` (one-line rows) after ``after``.

    A table split for width has the row in each part: their cells, in order.
    """
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(after)) if after else 0
    found = [x for x in lines[start:] if x.startswith(f"│ {label} ")]
    assert found, f"no row {label!r} after {after!r}"
    return [c.strip() for line in found for c in line.split("│")[1:-1]]


def _every_month_met(months: pd.DataFrame) -> float:
    """Closed form: the share of replications whose weakest counted month meets its plan."""
    return float((months.groupby("replication")["attainment"].min() >= 1.0).mean())


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """The bank, and the bank with 8 client managers instead of 14 (fewer months met)."""
    text = RETAIL.read_text(encoding="utf-8")
    bank, fewer = tmp_path / "bank.yaml", tmp_path / "fewer.yaml"
    bank.write_text(text, encoding="utf-8")
    old = "headcount: {current: 14, min: 6, max: 30}"
    assert old in text
    fewer.write_text(text.replace(old, old.replace("current: 14", "current: 8")), "utf-8")
    return bank, fewer


def test_compare_shows_each_sides_chances_and_months_as_simulate_does(tmp_path: Path) -> None:
    bank, fewer = _files(tmp_path)
    store = tmp_path / "runs.duckdb"
    common = ["-n", "3", "--workers", "1", "--set", HORIZON, "--store", str(store)]
    simulated = runner.invoke(app, ["simulate", str(bank), *common], env=WIDE)
    assert simulated.exit_code == 0, simulated.output
    excel = tmp_path / "cmp.xlsx"
    args = ["compare", str(bank), str(fewer), *common]
    shown = runner.invoke(app, [*args, "--json", "--excel", str(excel)])
    assert shown.exit_code == 0, shown.output
    # The bank is simulate's run, stored and reused (same scenario, seed, replications):
    # what compare shows of it is what simulate printed; the other side is simulated here.
    assert shown.stderr.count("reused run") == 1
    data = json.loads(shown.stdout)
    sides = {s["label"]: s for s in data["sides"]}
    assert list(sides) == ["bank", "fewer"]
    for side in sides.values():  # the keys kept, the new ones beside them
        assert {"label", "seed", "partial", "plan_met_chances", "attainment_by_month"} <= set(side)
    chance = {
        label: {c["kpi"]: c for c in side["plan_met_chances"]} for label, side in sides.items()
    }
    runs = Store(store).list_runs().sort_values("started_at")
    runs = runs.assign(label=["bank", "fewer"]).set_index("label")
    scenario = load_scenario(bank, [HORIZON])
    for label in ("bank", "fewer"):
        raw = Store(store).load_table(str(runs.loc[label, "run_id"]), "attainment_month")
        # P(every month met) is its closed form over the run's months, and at most P(a month).
        assert chance[label]["every_month_met"]["mean"] == pytest.approx(_every_month_met(raw))
        assert chance[label]["month_met"]["mean"] == pytest.approx((raw["attainment"] >= 1).mean())
        assert chance[label]["every_month_met"]["mean"] <= chance[label]["month_met"]["mean"]
        # The workbook's months, by name, are sim.attainment_by_month of the side's run.
        expected = attainment_by_month(raw, scenario)
        sheet = [r for r in _sheet(excel, "attainment_by_month") if r["side"] == label]
        assert [r["month"] for r in sheet] == ["March 2027", "April 2027"]
        assert [r["label"] for r in sheet] == expected["label"].tolist()
        for column in ("attainment", "p10", "p50", "p90", "p_met"):
            assert [r[column] for r in sheet] == pytest.approx(expected[column].tolist())
        assert [m["p50"] for m in sides[label]["attainment_by_month"]] == pytest.approx(
            expected["p50"].tolist()
        )
    # Fewer sellers meet fewer months (common random numbers: the same leads and calls).
    assert chance["fewer"]["month_met"]["mean"] < chance["bank"]["month_met"]["mean"]
    # The workbook's plan_met sheet holds the JSON's chances, with their intervals.
    met = {(r["side"], r["kpi"]): r for r in _sheet(excel, "plan_met")}
    every = chance["fewer"]["every_month_met"]
    assert met[("fewer", "every_month_met")]["ci_high"] == pytest.approx(every["ci_high"])

    # The terminal (the runs are reused: nothing simulated again).
    again = runner.invoke(app, args, env=WIDE)
    assert again.exit_code == 0, again.output
    assert again.output.count("reused run") == 2
    for kpi, label in (
        ("plan_met", "P(plan met)"),
        ("month_met", "P(a month meets its plan)"),
        ("every_month_met", "P(every month meets its plan)"),
    ):
        cells = _row(again.stdout, label, after=CHANCES)
        c = chance["bank"][kpi]
        # Written as simulate writes it, and the very figure simulate printed.
        assert cells[1] == format_chance(c["mean"], c["ci_low"], c["ci_high"], labelled=False)
        assert f"  {label}: {format_chance(c['mean'], c['ci_low'], c['ci_high'])}" in (
            simulated.stdout.splitlines()
        )
    march = _row(again.stdout, "Mar 2027")
    first = sides["bank"]["attainment_by_month"][0]
    assert march[1].startswith(f"{100 * first['p50']:.1f} % (")
    assert "bank: P50 (P10-P90)" in again.stdout and "fewer: P50 (P10-P90)" in again.stdout


def test_sweep_shows_each_points_chances_and_months(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    excel = tmp_path / "sweep.xlsx"
    args = ["sweep", str(RETAIL), "--set", "roles.client_manager.headcount.current=10,14"]
    args += ["--set", HORIZON, "-n", "2", "--workers", "1", "--store", str(store)]
    result = runner.invoke(app, [*args, "--json", "--excel", str(excel)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    points = data["points"]
    chances = ("p_plan_met", "p_month_met", "p_every_month_met")
    for point in points:
        for name in chances:
            assert point[f"{name}_low" if name != "p_plan_met" else "p_low"] <= point[name]
        assert point["p_every_month_met"] <= point["p_month_met"]
        # Each point's chances are its stored run's, by their closed forms.
        raw = Store(store).load_table(point["point_run"], "attainment_month")
        assert point["p_every_month_met"] == pytest.approx(_every_month_met(raw))
        assert point["p_month_met"] == pytest.approx((raw["attainment"] >= 1).mean())
    # The workbook: the same columns in the sweep sheet, a month sheet by point label.
    sheet = _sheet(excel, "sweep")
    for name in (*chances, "p_month_met_low", "p_every_month_met_high"):
        assert [r[name] for r in sheet] == pytest.approx([p[name] for p in points])
    months = _sheet(excel, "attainment_by_month")
    labels = [
        "client_manager.headcount.current=10, horizon_days=90",
        "client_manager.headcount.current=14, horizon_days=90",
    ]
    assert [(r["point_label"], r["month"]) for r in months] == [
        (label, month) for label in labels for month in ("March 2027", "April 2027")
    ]
    assert [r["p90"] for r in months] == pytest.approx(
        [m["p90"] for m in data["attainment_by_month"]]
    )
    # A point's months are its run's (sim.attainment_by_month of the stored months).
    scenario = load_scenario(RETAIL, [HORIZON, "roles.client_manager.headcount.current=14"])
    raw = Store(store).load_table(points[1]["point_run"], "attainment_month")
    assert [r["p_met"] for r in months[2:]] == pytest.approx(
        attainment_by_month(raw, scenario)["p_met"].tolist()
    )
    # The terminal, as `runs show` prints the stored sweep: the columns beside P(plan met).
    sweep_id = re.search(r"summary as run (\S+)", result.stderr)
    assert sweep_id is not None, result.stderr
    # Wide enough for every head on one line.
    wider = {"COLUMNS": "400"}  # issue 11: two columns of dials by role beside the pooled one
    shown = runner.invoke(app, ["runs", "show", sweep_id[1], "--store", str(store)], env=wider)
    assert shown.exit_code == 0, shown.output
    assert "P(every month meets its plan) (95 % interval)" in shown.stdout
    row = _row(shown.stdout, "2", after="Sweep")
    p = points[1]
    assert format_chance(p["p_every_month_met"], p["p_every_month_met_low"],
                         p["p_every_month_met_high"], labelled=False) in row  # fmt: skip


def test_months_side_by_side_marks_a_month_a_run_did_not_count() -> None:
    def months(labels: list[str], p50: float) -> pd.DataFrame:
        return pd.DataFrame(
            {"month": range(len(labels)), "label": labels, "plan": 1.0, "revenue": 1.0,
             "attainment": p50, "p10": p50 - 0.1, "p50": p50, "p90": p50 + 0.1, "p_met": 0.5}
        )  # fmt: skip

    runs = [("a", months(["2027-03", "2027-04"], 1.0)), ("b", months(["2027-04"], 0.5))]
    grid = months_side_by_side(runs, title="t")
    assert grid.keys == ["Mar 2027", "Apr 2027"]
    assert grid.columns["a: P50 (P10-P90)"] == ["100.0 % (90.0 % to 110.0 %)"] * 2
    assert grid.columns["b: P50 (P10-P90)"] == ["-", "50.0 % (40.0 % to 60.0 %)"]
    long = months_long(runs, "side")
    assert long[["side", "month"]].values.tolist() == [
        ["a", "March 2027"], ["a", "April 2027"], ["b", "April 2027"]
    ]  # fmt: skip
    # A sweep stored before the month-level chances: P(plan met) alone, nothing invented.
    old = [{"p_plan_met": 0.5, "p_low": 0.2, "p_high": 0.8}]
    assert list(chance_columns(old)) == ["P(plan met) (95 % interval)"]
