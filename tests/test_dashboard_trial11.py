"""Issue 11's dashboard trial: what each number on a page is, read as a head reads it."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard.plan_met import attainment_caption
from optimizer import plan_card
from sim import SimResult, kpi_value, simulate
from sim.scenario import JudgedOn
from sim.scenario.loader import parse_scenario
from teamsim.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def results() -> dict[JudgedOn, SimResult]:
    """The bank's first half-year (4 replications) under each meaning of "plan met"."""
    out = {}
    for rule in JudgedOn:
        text = RETAIL.replace("judged_on: month", f"judged_on: {rule.value}")
        scenario = parse_scenario(text, "retail_bank.yaml")
        out[rule] = simulate(scenario, 4, 3, workers=1)
    return out


@pytest.mark.parametrize("rule", list(JudgedOn))
def test_the_histogram_counts_what_p_plan_met_counts(
    results: dict[JudgedOn, SimResult], rule: JudgedOn
) -> None:
    result = results[rule]
    fig = charts.attainment_distribution(result.frames.attainment_month, result.scenario)
    [hist] = fig.data
    values = np.asarray(hist.x, dtype=float)
    months = result.frames.attainment_month
    per_replication = months["month"].nunique()
    expected_units = {
        JudgedOn.MONTH: 4 * per_replication,
        JudgedOn.EVERY_MONTH: 4,
        JudgedOn.HORIZON: 4,
    }
    if rule in expected_units:
        assert len(values) == expected_units[rule]
    # The share at or right of the dashed line is P(plan met), the KPI's mean.
    assert np.mean(values >= 100) == pytest.approx(kpi_value(result.kpis, "plan_met"))
    # A bin edge sits on the line, so no bar straddles it.
    bins = hist.xbins
    assert ((100 - bins.start) / bins.size) == pytest.approx(round((100 - bins.start) / bins.size))


def test_the_caption_names_the_units_and_quotes_p_plan_met(
    results: dict[JudgedOn, SimResult],
) -> None:
    scenario = results[JudgedOn.MONTH].scenario
    assert attainment_caption(scenario, 0.833) == (
        "Each bar counts simulated months of all replications by their attainment (revenue "
        "over plan), the units P(plan met) judges; the share of them at or right of the "
        "dashed line is P(plan met) (83.3 %)."
    )
    every = results[JudgedOn.EVERY_MONTH].scenario
    assert "Each bar counts replications of all" in attainment_caption(every, None)


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1
    return app.run()


def _go(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _click(app: AppTest, label: str) -> None:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]


def _figures(app: AppTest) -> dict[str, go.Figure]:
    figures = [pio.from_json(c.proto.spec) for c in app.get("plotly_chart")]
    return {str(f.layout.title.text): f for f in figures}


def _array(data: object) -> np.ndarray:
    """A trace's array as plotly's JSON holds it: a list, or typed base64 ("bdata")."""
    if isinstance(data, dict):
        raw = base64.b64decode(data["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(data["dtype"])).astype(float)
    return np.asarray(data, dtype=float)


def test_simulate_draws_the_months_p_plan_met_counts(at: AppTest) -> None:
    _go(at, "simulate")
    at.number_input[0].set_value(3)
    _click(at, "Run the simulation")
    figure = _figures(at)["Plan attainment of each simulated month (% of plan)"]
    values = _array(figure.data[0].x)
    shown = {m.label: m.value for m in at.metric}["P(plan met)"]
    assert f"{100 * np.mean(values >= 100):.1f} %" == shown
    captions = [c.value for c in at.caption]
    assert any(c.endswith(f"is P(plan met) ({shown}).") for c in captions)
    assert not any("right of the dashed line the plan was met" in c for c in captions)


def test_compare_reads_the_commands_rules(at: AppTest, tmp_path: Path) -> None:
    _go(at, "compare")
    at.multiselect(key="compare_picks").set_value(
        ["bundled:retail_bank", "bundled:auto_credit_partners"]
    ).run()
    seed = at.number_input[1]
    assert seed.label == "Seed (the same for all)"
    assert seed.value == 20261128  # the first scenario's seed, as teamsim compare's
    assert at.checkbox[0].label == "Keep simulated scenarios in the store"
    assert at.checkbox[0].value is True  # teamsim compare stores by default
    at.number_input[0].set_value(3)
    _click(at, "Compare")
    assert not at.error, [e.value for e in at.error]
    assert [w.value for w in at.warning] == [
        "P(plan met) rests on 3 replications: its 95 % interval is wide; set "
        "**Replications per scenario** to 20 or more to read it as a number."
    ]
    kpis = at.table[0].value
    base = "Retail bank, direct sales unit"
    difference = f"Bank auto-credit partner department - {base}"
    assert list(kpis.columns)[:3] == [base, "Bank auto-credit partner department", difference]
    cell = str(kpis.loc["P(plan met)", difference])
    assert cell.endswith(" pp]") and " pp [" in cell and "%" not in cell
    assert at.table[1].value.index.tolist() == [base, "Bank auto-credit partner department"]
    stored = Store(tmp_path / "store.duckdb").list_runs()
    assert len(stored) == 2


def test_a_verified_plan_is_not_read_as_the_first_one(at: AppTest) -> None:
    _go(at, "plan")
    next(n for n in at.number_input if n.label == "Replications per iteration").set_value(2)
    next(n for n in at.number_input if n.label == "Most iterations").set_value(2)
    _click(at, "Verify the plan")
    kept = at.session_state["result:verify"][1][0]
    final = kept.final
    [top] = [i.value for i in at.info if i.value.startswith("**The verified plan")]
    assert f"{sum(final.plan.levels.values())} people" in top
    assert "the optimiser's first plan, before the simulation checked it" in top
    subheaders = [s.value for s in at.subheader]
    assert "Before verification: the optimiser's plan from expected values" in subheaders
    # "Plan a month" is the scenario's plan in both blocks; the margin is said apart.
    plans = [m.value for m in at.metric if m.label == "Plan a month"]
    assert len(plans) == 2 and plans[0] == plans[1]
    expected = [m.value for m in at.metric if m.label == "Expected attainment"][-1]
    card = plan_card(final.plan, kept.scenario, final.plan_factor)
    assert card.expected_attainment is not None
    assert expected == f"{100 * card.expected_attainment:.1f} %"
    if abs(final.plan_factor - 1) > 1e-9:
        margin = f"{100 * card.margin:+.0f} % margin"
        assert any(c.value.startswith("Sized for ") and margin in c.value for c in at.caption)


def test_simulate_shows_the_commands_diagnoses_dials_and_load_scale(at: AppTest) -> None:
    _go(at, "simulate")
    at.number_input[0].set_value(2)
    _click(at, "Run the simulation")
    subheaders = [s.value for s in at.subheader]
    assert "Dials a day by role, over the days each person dialled" in subheaders
    [dials] = [d.value for d in at.dataframe if "dials a day dialled" in d.value.columns]
    assert list(dials.columns) == ["role", "people dialling", "days dialled",
                                   "dials a day dialled", "P10", "P90"]  # fmt: skip
    assert any(str(r).startswith("Client manager") for r in dials["role"])
    captions = [c.value for c in at.caption]
    assert any("red above the occupancy cap of 85.0 %" in c for c in captions)
    figure = next(f for t, f in _figures(at).items() if t.startswith("Utilisation per person"))
    scale = figure.data[0].colorscale
    # Yellow at the cap (0.85 of the 0-100 % axis), red only above it.
    assert [float(stop[0]) for stop in scale][2] == pytest.approx(0.85)
