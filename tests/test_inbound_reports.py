"""Reports of the inbound desk by interval (issue 13, stage S11).

``teamsim simulate``'s "Service level by interval" table and its ``--json`` rows, read
from the run's ``inbound_intervals`` table; the one rule of which KPIs a scenario's KPI
tables show (``sim.applicable_kpis``); the dashboard's Plan and Simulate pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import KPIS, applicable_kpis, format_percent, format_percent_range, simulate
from sim.scenario import Scenario
from teamsim.cli import app
from teamsim.commands.simulate import kpi_table_of
from teamsim.inbound_view import (
    SIMULATED_TITLE,
    TOLERANCE_HEAD,
    interval_json,
    simulated_interval_rows,
)
from teamsim.io import load_scenario
from tests.model_helpers import NEW_INBOUND_KPIS

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "scenarios" / "support_desk.yaml"
SHORT = ("calendar.horizon_days=25",)
ROTA = ("calendar.workday.pause_rule=rota",)
# A desk's default is the rota (S10): a plain desk, alike all day, states the common pause.
PLAIN = ("calendar.workday.pause_rule=together",)
CH = "channels.support_requests"
NEW_KPIS = set(NEW_INBOUND_KPIS)
LABELS = {k.name: k.label for k in KPIS}


def _desk(*overrides: str) -> Scenario:
    return load_scenario(DESK, (*SHORT, *overrides))


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _simulate_cli(*overrides: str, json_: bool = False) -> str:
    args = ["simulate", str(DESK), "-n", "3", "--seed", "7", "--no-save", "--workers", "1"]
    for o in (*SHORT, *overrides):
        args += ["--set", o]
    return _cli(*args, *(["--json"] if json_ else []))


# --- which KPIs a scenario shows --------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "shown"),
    [
        ((), set()),
        (
            (f"{CH}.patience_min=3",),
            {"inbound_abandoned_share", "inbound_abandoned_within_target_share"},
        ),
        ((f"{CH}.lines=20",), {"inbound_blocked_share"}),
        ((f"{CH}.lines=14", f"{CH}.waiting_room=6"), {"inbound_blocked_share"}),
        ((f"{CH}.at_closing=lose",), {"inbound_lost_share"}),
        ((f"{CH}.at_closing=overtime",), {"inbound_overtime_share"}),
        ((f"{CH}.at_closing=carry",), set()),
        (ROTA, {"inbound_day_service_level", "inbound_interval_min_service_level"}),
        (
            (f"{CH}.profile={{by_weekday: {{mon: 1.3}}}}",),
            {"inbound_day_service_level", "inbound_interval_min_service_level"},
        ),
    ],
)
def test_a_feature_brings_its_kpis_and_no_other(
    overrides: tuple[str, ...], shown: set[str]
) -> None:
    applies = applicable_kpis(_desk(*PLAIN, *overrides))  # ROTA, last, wins over PLAIN
    assert applies & NEW_KPIS == shown
    # Every KPI other than the seven of the inbound features is always applicable.
    assert applies - NEW_KPIS == {k.name for k in KPIS} - NEW_KPIS


# --- a plain desk: as it was ------------------------------------------------------------


def test_a_plain_desk_shows_no_interval_table_and_no_rows_of_zeros() -> None:
    text = _simulate_cli(*PLAIN)
    assert SIMULATED_TITLE not in text and "by interval" not in text
    for name in NEW_KPIS:
        assert LABELS[name] not in text
    # The KPI rows shown are those a desk showed before stage S2's KPIs: every one measured.
    sc = _desk(*PLAIN)
    result = simulate(sc, 2, 7, workers=1)
    table = kpi_table_of(result.kpis, sc, width=200)
    shown = [str(c) for c in table.columns[0]._cells]
    measured = result.kpis.loc[result.kpis["n"] > 0, "kpi"]
    # An answer time's figures carry their unit ("20 s"): its label drops "minutes".
    before = [
        LABELS[k].replace(", minutes)", ")") if k == "inbound_asa_min" else LABELS[k]
        for k in measured
        if k not in NEW_KPIS
    ]
    # A share's label ends ",\u00a0%" (a no-break space: the "%" never alone on a line).
    assert [s.split(",\u00a0%")[0] for s in shown] == before
    assert not simulated_interval_rows(sc, result.frames.inbound_intervals)


def test_the_kpis_stay_computed_and_in_json_for_every_inbound_scenario() -> None:
    data = json.loads(_simulate_cli(*PLAIN, json_=True))
    keys = {"scenario", "scenario_hash", "seed", "replications", "mode", "counted_months"}
    keys |= {"warmup_days", "kpis", "dials_by_role", "diagnoses", "files", "run_id"}
    assert keys < set(data)
    assert data["inbound_intervals"] == []  # a plain desk has no rows
    names = {row["kpi"] for row in data["kpis"]}
    assert names >= NEW_KPIS
    abandoned = next(r for r in data["kpis"] if r["kpi"] == "inbound_abandoned_share")
    assert abandoned["mean"] == 0.0 and abandoned["n"] == 3


# --- the table by interval --------------------------------------------------------------


def _by_hand(table: pd.DataFrame) -> pd.DataFrame:
    """Each interval's service level per replication, every weekday together."""
    sums = table.groupby(["interval", "replication"])[["days", "offered", "within_target"]].sum()
    sums["level"] = sums["within_target"] / sums["offered"]
    sums["per_day"] = sums["offered"] / sums["days"]
    return sums


def test_the_table_reads_the_runs_inbound_intervals() -> None:
    sc = _desk(*ROTA)
    result = simulate(sc, 3, 11, workers=1)
    table = result.frames.inbound_intervals
    hand = _by_hand(table)
    rows = simulated_interval_rows(sc, table)
    figures = interval_json(sc, table)
    assert len(rows) == len(figures) == table["interval"].nunique() == 17  # 09:00-17:30
    assert rows[0]["interval"] == "09:00-09:30" and rows[-1]["interval"] == "17:00-17:30"
    loc = sc.money_locale
    for index, (row, fig) in enumerate(zip(rows, figures, strict=True)):
        level = hand.loc[index, "level"].to_numpy()
        p10, p90 = np.quantile(level, [0.1, 0.9])
        assert fig["interval"] == index
        assert fig["service_level"] == pytest.approx(level.mean(), abs=1e-12)
        assert (fig["p10"], fig["p90"]) == pytest.approx((p10, p90), abs=1e-12)
        assert fig["requests_per_day"] == pytest.approx(hand.loc[index, "per_day"].mean())
        assert row["service level"] == format_percent(level.mean(), locale=loc)
        assert row["P10 to P90"] == format_percent_range(p10, p90, locale=loc)
        assert "weekday" not in row and "abandoned" not in row and "blocked" not in row
    # 600 requests a day over 17 half hours (the last one 30 minutes too): about 35 each.
    assert 30 < np.mean([f["requests_per_day"] for f in figures]) < 40
    # The CLI shows the same rows; --json has the same figures.
    text = _simulate_cli(*ROTA)
    assert SIMULATED_TITLE in text and TOLERANCE_HEAD in text
    assert "t × sd / √R" in " ".join(text.split())
    assert LABELS["inbound_interval_min_service_level"] in text
    assert LABELS["inbound_abandoned_share"] not in text


def test_weekday_factors_split_the_table_by_weekday_and_patience_adds_its_share() -> None:
    sc = _desk(f"{CH}.profile={{by_weekday: {{mon: 1.3}}}}", f"{CH}.patience_min=2")
    result = simulate(sc, 2, 5, workers=1)
    table = result.frames.inbound_intervals
    rows = simulated_interval_rows(sc, table)
    days = [d.value for d in sc.calendar.weekdays]
    assert [r["weekday"] for r in rows[:: len(rows) // len(days)]] == [d.title() for d in days]
    monday = table.loc[table["weekday"] == "mon"]
    sums = monday.groupby(["interval", "replication"])[["offered", "abandoned"]].sum()
    share = (sums["abandoned"] / sums["offered"]).groupby(level="interval").mean()
    figures = [f for f in interval_json(sc, table) if f["weekday"] == "mon"]
    # The common pause's half hour has no request on any day (--json's null, a NaN here).
    got = [np.nan if f["abandoned_share"] is None else f["abandoned_share"] for f in figures]
    assert got == pytest.approx(share.to_list(), nan_ok=True)
    assert rows[0]["abandoned"] == format_percent(share.iloc[0], locale=sc.money_locale)
    assert any(f["abandoned_share"] > 0 for f in figures)  # 2 minutes' patience: some hang up


def test_each_intervals_tolerance_is_the_t_half_width_over_replications() -> None:
    """A tiny frame by hand: t(0.975, R - 1) x sd / sqrt(R) of the replications' levels.

    Not the requests' binomial 1.96 x sqrt(p (1 - p) / n): the requests of one day are
    not independent (0.078 for the first interval here, a third of the true spread)."""
    sc = _desk(*ROTA)
    rows = [  # interval, replication, days, offered, within target
        (0, 0, 5, 50, 40),
        (0, 1, 5, 30, 27),
        (1, 0, 5, 0, 0),
        (1, 1, 5, 20, 10),
    ]
    table = pd.DataFrame(
        [
            {"channel": "support_requests", "weekday": "mon", "interval": i, "replication": r,
             "days": d, "offered": n, "within_target": w, "abandoned": 0, "blocked": 0}
            for i, r, d, n, w in rows
        ]
    )  # fmt: skip
    first, second = interval_json(sc, table)
    # 40/50 and 27/30: levels 0.8 and 0.9, mean 0.85, sd 0.0707107; t(0.975, 1) = 12.7062:
    # 12.7062 x 0.0707107 / sqrt(2) = 0.635310.
    assert first["service_level"] == pytest.approx(0.85)
    assert first["requests_per_day"] == pytest.approx(8.0)  # (50/5 + 30/5) / 2
    assert first["offered"] == 80
    assert first["tolerance"] == pytest.approx(12.706205 * 0.0707107 / 2**0.5, rel=1e-5)
    # The replication with no request is left out of the level (one level: no interval).
    assert second["service_level"] == pytest.approx(0.5)
    assert second["offered"] == 20
    assert second["tolerance"] is None  # JSON's null: NaN has no JSON
    shown = simulated_interval_rows(sc, table)
    assert [r[TOLERANCE_HEAD] for r in shown] == ["±63.5 %", "-"]
    assert [r["requests a day"] for r in shown] == ["8.0", "2.0"]


def test_json_rows_are_the_tables_figures() -> None:
    data = json.loads(_simulate_cli(*ROTA, json_=True))
    rows = data["inbound_intervals"]
    assert len(rows) == 17
    assert set(rows[0]) == {
        "channel", "weekday", "interval", "title", "requests_per_day",
        "service_level", "p10", "p90", "abandoned_share", "blocked_share",
        "offered", "tolerance",
    }  # fmt: skip
    assert all(0 < r["tolerance"] < 0.5 and r["offered"] > 0 for r in rows)
    assert rows[0]["channel"] == "support_requests" and rows[0]["title"] == "09:00-09:30"
    assert all(r["p10"] <= r["service_level"] <= r["p90"] for r in rows)


# --- the dashboard's KPI table ----------------------------------------------------------


def test_the_dashboards_kpi_table_reads_the_same_rule() -> None:
    from dashboard.tables import kpi_table

    sc = _desk(*PLAIN, f"{CH}.at_closing=lose")
    result = simulate(sc, 2, 3, workers=1)
    shown = set(kpi_table(result.kpis, sc.currency, sc.money_locale, scenario=sc)["KPI"])
    assert LABELS["inbound_lost_share"] in shown
    for name in NEW_KPIS - {"inbound_lost_share"}:
        assert LABELS[name] not in shown
    everything = set(kpi_table(result.kpis, sc.currency, sc.money_locale)["KPI"])
    assert {LABELS[n] for n in NEW_KPIS} <= everything  # without a scenario: as stored


# --- the dashboard's pages --------------------------------------------------------------


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(ROOT / "dashboard" / "app.py", default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def test_the_plan_and_simulate_pages_show_the_desk_by_interval(at) -> None:  # type: ignore[no-untyped-def]
    import optimizer
    from teamsim.format import INTERVALS_TITLE, interval_rows

    at.selectbox(key="pick_bundled").set_value("support_desk").run()
    at.session_state["overrides"] = (*SHORT, *ROTA)
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert INTERVALS_TITLE in [h.value for h in at.subheader]
    [frame] = [d.value for d in at.dataframe if "on pause" in d.value.columns]
    plan = optimizer.plan(_desk(*ROTA))
    expected = interval_rows(plan, _desk(*ROTA).money_locale)
    assert len(frame) == len(expected) == 17
    assert frame["interval"].to_list() == [r["interval"] for r in expected]
    assert frame["expected service level"].to_list() == [
        r["expected service level"] for r in expected
    ]
    assert any(c.value.startswith("Support requests: requests a day") for c in at.caption)
    at.switch_page("views/simulate.py").run()
    at.number_input[0].set_value(2)
    [button] = [b for b in at.button if b.label == "Run the simulation"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert SIMULATED_TITLE in [h.value for h in at.subheader]
    [simulated] = [d.value for d in at.dataframe if "P10 to P90" in d.value.columns]
    assert len(simulated) == 17 and simulated["interval"].iloc[0] == "09:00-09:30"
    [kpis] = [d.value for d in at.dataframe if "KPI" in d.value.columns]
    assert LABELS["inbound_interval_min_service_level"] in set(kpis["KPI"])
    assert LABELS["inbound_abandoned_share"] not in set(kpis["KPI"])


def test_a_plain_desks_plan_page_has_no_interval_table(at) -> None:  # type: ignore[no-untyped-def]
    from teamsim.format import INTERVALS_TITLE

    at.selectbox(key="pick_bundled").set_value("support_desk").run()
    at.session_state["overrides"] = PLAIN  # the common pause: a desk alike all day
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert INTERVALS_TITLE not in [h.value for h in at.subheader]


def test_a_comparison_shows_a_kpi_that_applies_to_either_side() -> None:
    from dashboard.tables import comparison_table, sure_differences
    from teamsim.compare import Side, compare

    plain, patient = _desk(), _desk(f"{CH}.patience_min=2")
    sides = [
        Side(label, sc, 3, simulate(sc, 2, 3, workers=1).kpi_replications)
        for label, sc in (("plain", plain), ("patient", patient))
    ]
    result = compare(sides)
    shown = comparison_table(result)["KPI"].to_list()
    assert LABELS["inbound_abandoned_share"] in shown  # the patient desk's callers hang up
    assert LABELS["inbound_lost_share"] not in shown  # neither desk loses a request
    assert len(sure_differences(result)) == len(shown)
    assert "inbound_lost_share" in set(result.table["kpi"])  # kept in the data (--json)
    same = compare([sides[0], Side("again", plain, 4, sides[0].kpi_replications)])
    assert LABELS["inbound_abandoned_share"] not in comparison_table(same)["KPI"].to_list()
