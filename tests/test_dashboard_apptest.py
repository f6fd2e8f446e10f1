"""The dashboard's pages through Streamlit's AppTest: no browser, the real scripts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import optimizer
from optimizer import plan_card
from sim.scenario.loader import parse_scenario
from teamsim.format import marginal_cells
from teamsim.plan_card_view import role_rows
from teamsim.store import Store, scenario_text_hash
from teamsim.verify_view import save_verified
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
DIGEST = scenario_text_hash(RETAIL)[:12]
PAGES = {"scenario": "Scenario", "simulate": "Simulate", "plan": "Plan", "hiring": "Hiring",
         "compare": "Compare", "runs": "Runs"}  # fmt: skip
REPS = 2


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    return path


@pytest.fixture
def at(store_path: Path) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["workers"] = 1  # replications in this process: quick and quiet
    return app.run()


def _ok(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


def _go(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"views/{page}.py").run()
    _ok(app)
    assert [t.value for t in app.title] == [PAGES[page]]
    return app


def _button(app: AppTest, label: str) -> None:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()
    _ok(app)


def _errors(app: AppTest) -> str:
    return "\n".join(e.value for e in app.error)


def _lever(app: AppTest, path: str) -> Any:
    return app.number_input(key=f"lever:{DIGEST}:{path}")


def _simulate(app: AppTest) -> list[str]:
    _go(app, "simulate")
    app.number_input[0].set_value(REPS)
    _button(app, "Run the simulation")
    assert not app.error, _errors(app)
    return [m.value for m in app.metric]


def test_every_page_renders(at: AppTest) -> None:
    _ok(at)
    assert [t.value for t in at.title] == ["Scenario"]
    for page in PAGES:
        _go(at, page)


def test_simulate_says_what_p_plan_met_means_beside_the_months(at: AppTest) -> None:
    metrics = _simulate(at)
    labels = [m.label for m in at.metric]
    assert labels[-3:] == [
        "P(plan met)",
        "P(a month meets its plan)",
        "P(every month meets its plan)",
    ]
    assert len(metrics) == 7
    text = "\n".join(m.value for m in at.markdown)
    assert "P(plan met): the chance that a month meets its plan" in text
    assert [w.value for w in at.warning] == [
        "P(plan met) rests on 2 replications: its 95 % interval is wide; set "
        "**Replications** to 20 or more to read it as a number."
    ]
    # A long KPI label is not cut in a quarter of the page: its words in brackets go under.
    assert labels[:4] == ["P(plan met)", "Revenue a month", "Plan attainment",
                          "Utilisation, line level"]  # fmt: skip
    captions = [c.value for c in at.caption]
    assert any(c.startswith("mean over counted months; 95 % CI ") for c in captions)


def test_scenario_levers_come_from_the_scenario(at: AppTest) -> None:
    assert _lever(at, "roles.client_manager.headcount.current").value == 14
    assert _lever(at, "policies.call_quota_per_day").value == 30
    assert not at.error
    assert at.session_state["overrides"] == ()


def test_a_bad_lever_shows_the_loaders_message(at: AppTest) -> None:
    _lever(at, "roles.supervisor.headcount.current").set_value(9).run()
    _ok(at)
    assert "expected min <= current <= max, got 1, 9, 4" in _errors(at)
    assert "--set" not in _errors(at)  # next to its field, the message needs no address
    # Other pages refuse the broken scenario with the same message, not a traceback.
    _go(at, "simulate")
    assert "min <= current <= max" in _errors(at)


def test_changing_a_headcount_changes_the_numbers(at: AppTest, store_path: Path) -> None:
    before = _simulate(at)
    _go(at, "scenario")
    _lever(at, "roles.client_manager.headcount.current").set_value(6).run()
    _ok(at)
    assert at.session_state["overrides"] == (
        'roles.client_manager.headcount={"current": 6, "min": 6, "max": 30}',
    )
    after = _simulate(at)
    assert len(before) == len(after) == 7  # four headline KPIs, three chances of the plan
    assert before != after
    assert len(Store(store_path).list_runs()) == 2  # both kept, as asked by the checkbox
    # The edited scenario downloads as YAML that says what was changed.
    _go(at, "scenario")
    assert any(b.label.startswith("Download the scenario") for b in at.get("download_button"))


def test_undo_brings_the_scenario_back(at: AppTest) -> None:
    _lever(at, "policies.call_quota_per_day").set_value(45).run()
    assert at.session_state["overrides"] == ("policies.call_quota_per_day=45",)
    _button(at, "Undo all edits")
    assert at.session_state["overrides"] == ()
    assert _lever(at, "policies.call_quota_per_day").value == 30


def test_a_bad_upload_stays_the_scenario_with_its_messages(at: AppTest) -> None:
    at.radio[0].set_value("Upload a file").run()
    uploader = at.file_uploader(key="upload")
    broken = b"name: x\nroles: [1, 2\n"
    uploader.upload("broken.yaml", broken, "application/x-yaml").run()
    _ok(at)
    assert "broken.yaml cannot be used" in _errors(at)
    assert "not valid YAML" in _errors(at)
    # The upload is the scenario being edited, not the bundled one the page started with.
    source = at.session_state["source"]
    assert (source.label, source.kind, source.text) == ("broken", "upload", broken.decode())
    assert at.radio[0].value == "Upload a file"
    # The other pages refuse it with its messages, not with results of another scenario.
    _go(at, "simulate")
    assert "not valid YAML" in _errors(at)
    assert not at.get("plotly_chart")
    # Corrected in place, it becomes a valid scenario.
    _go(at, "scenario")
    at.text_area[0].set_value(RETAIL.replace("Retail bank, direct sales unit", "Fixed bank"))
    [check] = [b for b in at.button if b.label == "Check again"]
    check.click().run()
    _ok(at)
    assert not at.error, _errors(at)
    assert "Fixed bank" in [s.value for s in at.subheader]
    assert at.session_state["source"].label == "broken"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # A tag that an unsafe loader would run: the safe loader refuses it.
        (b"name: !!python/object/apply:os.system ['touch pwned']\n", "not valid YAML"),
        (b"schema_version: 1\nname: x\nroles: {}\n", "required field is missing"),
        (b"\x00\x01binary", "binary file"),
        (b"name: " + b"x" * (2 * 1024 * 1024), "uploads are at most 1 MB"),
    ],
)
def test_unsafe_or_wrong_uploads_are_refused(
    at: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    at.radio[0].set_value("Upload a file").run()
    at.file_uploader(key="upload").upload("scenario.yaml", content).run()
    _ok(at)
    assert message in _errors(at)
    assert not (tmp_path / "pwned").exists()


def test_a_good_upload_becomes_the_scenario(at: AppTest) -> None:
    at.radio[0].set_value("Upload a file").run()
    text = RETAIL.replace("name: Retail bank, direct sales unit", "name: Uploaded bank")
    at.file_uploader(key="upload").upload("my_bank.yaml", text.encode()).run()
    _ok(at)
    assert not at.error
    assert at.session_state["source"].label == "my_bank"
    assert "Uploaded bank" in [s.value for s in at.subheader]


def test_plan_page_plans_and_verifies(at: AppTest) -> None:
    _go(at, "plan")
    assert not at.error, _errors(at)
    labels = [m.label for m in at.metric]
    assert "Cost a month" in labels and "People" in labels
    # The expected attainment, as the optimiser computed it, formatted as a share.
    expected = optimizer.plan(parse_scenario(RETAIL)).expected_attainment
    assert expected is not None
    assert _metric(at, "Expected attainment") == f"{100 * expected:.1f} %"
    assert len(at.get("plotly_chart")) >= 2  # headcount by role, quotas
    # The bank answers website requests: their load, seats and roster are shown.
    services = _table_with(at, "roster needed")
    assert list(services["channel"]) == ["Website requests"]
    assert "Inbound requests: load, seats and roster" in [s.value for s in at.subheader]
    _one_more_person_in_the_commands_words(at)
    verify = next(n for n in at.number_input if n.label == "Replications per iteration")
    verify.set_value(REPS)
    next(n for n in at.number_input if n.label == "Most iterations").set_value(1)
    _button(at, "Verify the plan")
    assert "P(plan met)" in [m.label for m in at.metric]
    assert any(s.value == "Iterations" for s in at.subheader)
    iterations = _table_with(at, "Capacity factor")
    assert {"Days held", "Attainment", "Expected attainment", "P(plan met)"} <= set(
        iterations.columns
    )
    # The first plan counts on the plan's own day: every calling role at 1.00, by title.
    assert "Client manager 1.00" in str(iterations["Capacity factor"].iloc[0])
    assert "Client manager " in str(iterations["Days held"].iloc[0])


def _one_more_person_in_the_commands_words(at: AppTest) -> None:
    """The Plan page's tables of words: whole, in the terminal's words (teamsim plan)."""
    plan = optimizer.plan(parse_scenario(RETAIL))
    [marginals] = [t.value for t in at.table if "one fewer" in t.value.columns]
    assert list(marginals.columns) == ["role", "level", "one more", "one fewer"]  # no unit
    cells = marginal_cells(plan, parse_scenario(RETAIL).money_locale)
    expected = [c if c != "-" else "\u2013" for pair in cells for c in pair]
    assert [c for row in marginals[["one more", "one fewer"]].to_numpy() for c in row] == expected
    assert "impossible" not in marginals.to_numpy().ravel().tolist()
    assert "at its min" in marginals["one fewer"].tolist()  # as `teamsim plan` says it
    captions = "\n".join(c.value for c in at.caption)
    assert f"Change of the objective ({plan.marginals[0].unit}) if the role" in captions
    [limits] = [t.value for t in at.table if "limit" in t.value.columns]
    # No id of a kind; a sizing plan is whole numbers, with no dual values: no column of
    # dashes (the one-more-person table says what a person is worth).
    assert all(lim.marginal is None for lim in plan.limits)
    assert list(limits.columns) == ["limit"]
    assert limits["limit"].tolist() == [lim.text for lim in plan.limits]
    # The plan card: every line of each role's card, the targets (*) included, no scroll.
    card = plan_card(plan, parse_scenario(RETAIL))
    for rc in card.roles:
        rows = role_rows(card, rc.role)
        assert any(t.value.equals(rows) for t in at.table), rc.role
        assert any(str(w).endswith(" *") for w in rows["what"])


def test_a_stored_simulation_opens_as_the_simulate_page_showed_it(
    at: AppTest, store_path: Path
) -> None:
    shown = _simulate(at)
    on_simulate = [m.label for m in at.metric]
    [run_id] = Store(store_path).list_runs()["run_id"].tolist()
    _go(at, "runs")
    assert at.selectbox[0].value == run_id
    assert [m.value for m in at.metric] == shown  # the same values, formatted alike
    assert [m.label for m in at.metric] == on_simulate
    text = "\n".join(m.value for m in at.markdown)
    assert "P(plan met): the chance that a month meets its plan" in text
    assert [w.value for w in at.warning] == [
        "P(plan met) rests on 2 replications: its 95 % interval is wide; run it again "
        "with 20 or more replications to read it as a number."
    ]
    # The month chart, the attainment histogram and the heatmap; the raw tables' charts
    # are not stored, and the page says so.
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert titles[0].startswith("Attainment by calendar month")
    assert len(titles) == 3
    assert (
        "Not stored with this run, so not drawn: time use, funnel, waits (the raw tables; "
        "a run kept with --detail has them)." in [c.value for c in at.caption]
    )
    seed = parse_scenario(RETAIL).seed
    assert f"KPIs over {REPS} replications (seed {seed})" in [s.value for s in at.subheader]


def test_a_stored_verify_run_opens_as_the_plan_page_showed_it(
    at: AppTest, store_path: Path
) -> None:
    sc = parse_scenario(BASE, "tiny.yaml")
    verified = optimizer.verify(sc, replications=REPS, max_iterations=1, workers=1)
    run_id = save_verified(Store(store_path), verified, scenario_text=BASE, overrides=[],
                           started_at=dt.datetime(2027, 1, 4, 9, 0))  # fmt: skip
    _go(at, "runs")
    assert at.selectbox[0].value == run_id
    assert not at.error, _errors(at)
    heads = [s.value for s in at.subheader]
    assert heads[0] == ("verified (verify)" if verified.met else "not verified (verify)")
    for part in ("Iterations", "Roles", "What limits the plan", "One more person, per role",
                 "Plan card"):  # fmt: skip
        assert part in heads
    labels = [m.label for m in at.metric]
    for label in ("P(plan met)", "Wanted", "Cost a month", "People",
                  "P(a month meets its plan)", "P(every month meets its plan)"):  # fmt: skip
        assert label in labels
    last = verified.iterations_table().iloc[-1]
    [p] = [m.value for m in at.metric if m.label == "P(plan met)"][:1]
    assert p == f"{100 * float(last['p_plan_met']):.1f} %"
    text = "\n".join(m.value for m in at.markdown)
    assert "P(plan met): the chance that a month meets its plan" in text
    iterations = _table_with(at, "Capacity factor")
    assert len(iterations) == 1
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t.startswith("Attainment by calendar month") for t in titles)
    verdict = (at.success or at.warning)[0].value
    assert verdict.startswith("**Plan verified:**" if verified.met else "**Plan NOT verified:**")


def test_compare_shows_the_differences(at: AppTest) -> None:
    _lever(at, "roles.client_manager.headcount.current").set_value(20).run()
    _go(at, "compare")
    picks = at.multiselect(key="compare_picks")
    assert picks.value == ["bundled:retail_bank", "current"]  # the edit against the original
    at.number_input[0].set_value(REPS)
    _button(at, "Compare")
    assert not at.error, _errors(at)
    kpis = at.table[0].value
    difference = "Retail bank, direct sales unit (edited) - Retail bank, direct sales unit"
    assert difference in kpis.columns
    # 20 client managers instead of 14 dial more: a sure difference, with its interval.
    dials = kpis.loc["Conversations a day (team)", difference]
    assert dials.startswith("+") and "[" in dials
    team = at.table[1].value
    assert team.loc["Retail bank, direct sales unit (edited)", "people, line"] == 20
    # Cost against P(plan met), people by level, the months beside P(plan met), attainment.
    assert len(at.get("plotly_chart")) == 4
    assert [b.label for b in at.get("download_button")] == [
        "Download the comparison (Excel)",
        "Download the KPI table (CSV)",
    ]


def test_runs_page_opens_and_deletes_a_run(at: AppTest, store_path: Path) -> None:
    _simulate(at)
    [run_id] = Store(store_path).list_runs()["run_id"].tolist()
    _go(at, "runs")
    assert at.selectbox[0].value == run_id
    # The runs, the opened run's dials by role, KPIs and service by interval (retail_bank's
    # inbound desk takes its pauses by the default rota since S10, so it is sized by interval).
    assert len(at.dataframe) == 4
    assert "P10 to P90" in at.dataframe[3].value.columns
    assert len(at.get("download_button")) == 2  # Excel, CSV
    at.checkbox(key=f"confirm:{run_id}").check().run()
    _button(at, "Delete the run")
    assert Store(store_path).list_runs().empty
    assert any("No runs stored yet" in i.value for i in at.info)


def test_plan_page_verifies_a_desk_on_its_service_target(at: AppTest) -> None:
    at.selectbox(key="pick_bundled").set_value("support_desk").run()
    _ok(at)
    _go(at, "plan")
    # A desk's plan is nominal: never shown; its expected service level and roster are.
    labels = [m.label for m in at.metric]
    assert "Plan a month" not in labels and "Expected attainment" not in labels
    level = _metric(at, "Expected service level")
    assert 80.0 <= float(level.removesuffix(" %")) < 90.0
    [desk] = _table_with(at, "roster needed").to_dict(orient="records")
    # Under the default rota (S10): 600 requests over 510 open minutes, 6 minutes each,
    # 7.06 Erlangs; 10 seats present, x1.20 for pauses and x1.25 for days away: 15 people.
    assert desk["offered load, Erlangs"] == "7.1"
    assert desk["seats needed present"] == "10" and desk["roster needed"] == "15"
    assert desk["expected service level"] == level
    assert "80.0 % within 20 s" in "\n".join(c.value for c in at.caption)
    next(n for n in at.number_input if n.label == "Replications per iteration").set_value(REPS)
    next(n for n in at.number_input if n.label == "Most iterations").set_value(1)
    _button(at, "Verify the plan")
    labels = [m.label for m in at.metric]
    assert "P(service target met)" in labels and "P(plan met)" not in labels
    [row] = _table_with(at, "Capacity factor").to_dict(orient="records")
    assert row["Service level"].endswith(" %") and row["Expected service level"].endswith(" %")
    assert row["Capacity factor"] == ""  # a desk plans no calls


def _metric(app: AppTest, label: str) -> str:
    [value] = [m.value for m in app.metric if m.label == label]
    return str(value)


def _table_with(app: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe on the page that has this column."""
    [frame] = [d.value for d in app.dataframe if column in d.value.columns]
    return frame
