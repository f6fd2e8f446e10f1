"""Hiring in one month rather than another (issue 12's "Done when": a head sees what hiring
in March rather than May changes, month by month).

One rule, ``optimizer.hire_move``, builds the two calendars; ``teamsim plan --hiring
--move`` and the dashboard's "Move a hire" both read it and evaluate each calendar with
``evaluate_calendar``. The CLI case is retail_bank over 120 working days, whose people
in seat meet every counted month (an empty calendar), so the what-if adds the hire.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from optimizer import evaluate_calendar, hire_move, horizon_labels
from sim import format_money_column
from sim.scenario import Scenario, parse_scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from tests.test_hiring_model import MONTHS, _ramped
from tests.test_hiring_s12 import STEP
from tests.test_hiring_s13 import _cold_cases

ROOT = Path(__file__).resolve().parent.parent
RETAIL = ROOT / "scenarios" / "retail_bank.yaml"
SHORT = ["--set", "calendar.horizon_days=120"]
CM = "client_manager"
WIDE = {"COLUMNS": "200"}
runner = CliRunner()


# --- the rule -----------------------------------------------------------------------------


def test_the_rule_builds_both_calendars_from_the_plans_hires() -> None:
    sc = _ramped(STEP)  # one role, "seller"; March to July 2027
    assert horizon_labels(sc) == MONTHS
    plan = {("seller", "2027-03"): 1, ("seller", "2027-05"): 2}
    # The plan's count in FROM by default: its two May hires, moved to April.
    moved = hire_move(sc, plan, role="seller", start="2027-05", to="2027-04")
    assert moved.count == 2
    assert moved.base == plan
    assert moved.other == {("seller", "2027-03"): 1, ("seller", "2027-04"): 2}
    assert moved.words == "hire 2 sellers in Apr 2027 rather than May 2027"
    # Fewer in FROM than asked: base hires N there ("what if we hire 3 in May").
    more = hire_move(sc, plan, role="seller", start="2027-05", to="2027-03", count=3)
    assert more.base == {("seller", "2027-03"): 1, ("seller", "2027-05"): 3}
    assert more.other == {("seller", "2027-03"): 4}
    # More in FROM than asked: only N move, the rest stay.
    one = hire_move(sc, plan, role="seller", start="2027-05", to="2027-07", count=1)
    assert one.base == plan
    assert one.other == {
        ("seller", "2027-03"): 1,
        ("seller", "2027-05"): 1,
        ("seller", "2027-07"): 1,
    }
    # No hire in FROM: one by default, added there.
    added = hire_move(sc, plan, role="seller", start="2027-06", to="2027-04")
    assert added.count == 1
    assert added.base == {**plan, ("seller", "2027-06"): 1}
    assert added.other == {**plan, ("seller", "2027-04"): 1}
    assert added.words == "hire 1 seller in Apr 2027 rather than Jun 2027"
    # Past the horizon: not hired in it.
    gone = hire_move(sc, plan, role="seller", start="2027-03", to=None)
    assert gone.base == plan
    assert gone.other == {("seller", "2027-05"): 2}
    assert gone.words == "hire 1 seller after the horizon rather than in Mar 2027"
    assert plan == {("seller", "2027-03"): 1, ("seller", "2027-05"): 2}  # not mutated


def test_the_words_name_months_in_the_scenarios_locale() -> None:
    sc = _ramped(STEP).model_copy(update={"locale": "ru_RU"})
    said = hire_move(sc, {}, role="seller", start="2027-05", to="2027-03", count=2).words
    assert said == "hire 2 sellers in март 2027\xa0г. rather than май 2027\xa0г."


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("closer", "2027-03", "2027-04", 1), r"no role 'closer' \(roles: seller\)"),
        (
            ("seller", "2027-09", "2027-04", 1),
            r"'2027-09' is not a month of the horizon: its months are 2027-03 \(Mar 2027\) "
            r"to 2027-07 \(Jul 2027\)",
        ),
        (("seller", "2027-03", "2027-02", 1), r"'2027-02' is not a month of the horizon"),
        (("seller", "March", "2027-04", 1), r"'March' is not a month of the horizon"),
        (
            ("seller", "2027-04", "2027-04", 1),
            "the hire's month and the month to move it to are both 2027-04",
        ),
        (("seller", "2027-03", "2027-04", 0), "whole number, 1 or more, got 0"),
        (("seller", "2027-03", "2027-04", -2), "whole number, 1 or more, got -2"),
    ],
)
def test_bad_asks_are_clear_errors(args: tuple[Any, ...], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        role, start, to, count = args
        hire_move(_ramped(STEP), {}, role=role, start=start, to=to, count=count)


@pytest.mark.parametrize("sc", _cold_cases(), ids=["ramp", "ramp-and-30-day-close"])
def test_without_finite_pools_hiring_earlier_never_lowers_a_months_revenue(sc: Scenario) -> None:
    plan = {("seller", "2027-05"): 1}
    for later in MONTHS[1:]:
        for earlier in MONTHS[: MONTHS.index(later)]:
            for n in (1, 2):
                move = hire_move(sc, plan, role="seller", start=later, to=earlier, count=n)
                base, other = evaluate_calendar(sc, move.base), evaluate_calendar(sc, move.other)
                for b, o in zip(base.months, other.months, strict=True):
                    assert o.revenue >= b.revenue - 1e-6, (later, earlier, n, b.label)
                assert other.total_cost > base.total_cost  # earlier pay, more cost


# --- the CLI ------------------------------------------------------------------------------


def _plan(*extra: str) -> Any:
    args = ["plan", str(RETAIL), "--hiring", *SHORT, "--no-save", *extra]
    return runner.invoke(app, args, env=WIDE)


def test_plan_move_prints_the_what_if_month_by_month() -> None:
    result = _plan("--move", "client_manager:2027-03:2027-05")
    assert result.exit_code == 0, result.output
    assert "Hiring calendar: No hire" in result.output  # the plan's usual output first
    what_if = result.output[result.output.index("What if: ") :]
    assert (
        what_if.splitlines()[0] == "What if: hire 1 client manager in May 2027 rather than Mar 2027"
    )
    assert "What if, month by month" in what_if
    months = ["Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027", "May 2027", "Jun 2027"]
    rows = [line for line in what_if.splitlines() if line.startswith("│")]
    assert [r.split("│")[1].strip() for r in rows[: len(months)]] == months
    for head in ("revenue (Mar 2027)", "revenue (May 2027)", "difference", "cost (May 2027)"):
        assert head in what_if
    assert "What if, over the horizon" in what_if
    assert "revenue, counted months" in what_if and "team cost over the horizon" in what_if


def test_plan_move_json_holds_both_calendars_as_evaluate_calendar_gives_them() -> None:
    plain = json.loads(_plan("--json").output)
    result = _plan("--json", "--move", "client_manager:2027-03:2027-05")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    move = data.pop("move")
    assert data == plain  # every other key as without --move
    sc = load_scenario(RETAIL, SHORT[1:])
    base = evaluate_calendar(sc, {(CM, "2027-03"): 1})
    other = evaluate_calendar(sc, {(CM, "2027-05"): 1})
    assert move["base"] == base.to_dict()
    assert move["other"] == other.to_dict()
    assert (move["role"], move["from"], move["to"], move["count"]) == (CM, "2027-03", "2027-05", 1)
    assert move["words"] == "hire 1 client manager in May 2027 rather than Mar 2027"
    diff = move["difference"]
    assert [d["revenue"] for d in diff["months"]] == [
        o.revenue - b.revenue for b, o in zip(base.months, other.months, strict=True)
    ]
    assert diff["counted_revenue"] == other.counted_revenue - base.counted_revenue
    assert diff["total_cost"] == other.total_cost - base.total_cost
    # Hired two months later, the hire is paid two months less.
    assert diff["total_cost"] < 0


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (
            "nobody:2027-03:2027-05",
            "no role 'nobody' (roles: head_of_unit, supervisor, client_manager)",
        ),
        (
            "client_manager:2031-01:2027-05",
            "'2031-01' is not a month of the horizon: its months are 2027-01 (Jan 2027) to "
            "2027-06 (Jun 2027)",
        ),
        ("x", "expected ROLE:FROM:TO[:N]"),
        ("client_manager:2027-03:2027-05:two", "N 'two' is not a whole number"),
        (
            "client_manager:2027-03:2027-05:0",
            "the people to move must be a whole number, 1 or more, got 0",
        ),
    ],
)
def test_a_bad_move_is_one_line_and_exit_2(value: str, said: str) -> None:
    result = _plan("--move", value)
    assert result.exit_code == 2, result.output
    assert f"error: --move {value!r}: {said}" in result.output
    assert "Traceback" not in result.output
    assert "Hiring calendar" not in result.output  # said before any solve


def test_move_without_hiring_is_refused() -> None:
    result = runner.invoke(app, ["plan", str(RETAIL), *SHORT, "--no-save", "--move", "x"], env=WIDE)
    assert result.exit_code == 2
    assert "--move: only with --hiring" in result.output


# --- the dashboard ------------------------------------------------------------------------


def test_the_dashboards_what_if_works_with_an_empty_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    at = AppTest.from_file(ROOT / "dashboard" / "app.py", default_timeout=120)
    at.session_state["workers"] = 1
    at.run()
    at.session_state["overrides"] = ("calendar.horizon_days=120",)
    at.switch_page("views/hiring.py").run()
    [button] = [b for b in at.button if b.label == "Plan the year"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [r for r in at.radio if r.key == "hiring_move_mode"]  # nothing to move
    at.selectbox(key="hiring_whatif_role").set_value(CM)
    at.number_input(key="hiring_whatif_count").set_value(2)
    at.selectbox(key="hiring_whatif_to").set_value("2027-03")
    at.selectbox(key="hiring_whatif_from").set_value("2027-05").run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    said = [m.value for m in at.markdown]
    assert "**Hire 2 client managers in Mar 2027 rather than May 2027**" in said
    sc = parse_scenario(RETAIL.read_text(encoding="utf-8"), "retail_bank.yaml", SHORT[1:])
    may = evaluate_calendar(sc, {(CM, "2027-05"): 2})
    march = evaluate_calendar(sc, {(CM, "2027-03"): 2})
    value = next(t.value for t in at.table if "hired in Mar 2027" in t.value.columns)
    assert list(value.iloc[0][["hired in May 2027", "hired in Mar 2027"]]) == format_money_column(
        [may.counted_revenue, march.counted_revenue], "RUB", sc.money_locale
    )
    # The same month twice: the rule's words, no comparison.
    at.selectbox(key="hiring_whatif_to").set_value("2027-05").run()
    assert any("both 2027-05" in i.value for i in at.info)
