"""The dashboard's Hiring page through Streamlit's AppTest (issue 12, stage S17).

The case is the CLI's (tests/test_hiring_cli.py): retail_bank with 6 client managers
over 120 days plans 3 client managers from 11 January and 1 from 1 February 2027 (2 and
3 before stage S16 put the support of won clients in the months they are won).
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optimizer import evaluate_calendar, verify_hiring
from sim import format_money_column
from sim.scenario import parse_scenario
from teamsim.hiring_move_view import month_table

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
SMALL = ("roles.client_manager.headcount.current=6", "calendar.horizon_days=120")
CM = "client_manager"


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("TEAMSIM_STORE", str(path))
    return path


def _hiring(edits: tuple[str, ...]) -> AppTest:
    """The Hiring page of the bundled retail bank with ``edits``, planned (least cost)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["workers"] = 1
    at.run()
    at.session_state["overrides"] = edits
    at.switch_page("views/hiring.py").run()
    _ok(at)
    assert [t.value for t in at.title] == ["Hiring"]
    assert not at.get("plotly_chart")  # nothing planned before the button
    assert any("Plan the year" in i.value for i in at.info)
    [button] = [b for b in at.button if b.label == "Plan the year"]
    button.click().run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _figures(at: AppTest) -> dict[str, dict[str, Any]]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def _trace(figure: dict[str, Any], name: str) -> dict[str, Any]:
    [trace] = [t for t in figure["data"] if t.get("name") == name]
    return trace


def _y(figure: dict[str, Any], name: str) -> list[float]:
    """A trace's y values (plotly writes an array as base64 bytes with its dtype)."""
    y = _trace(figure, name)["y"]
    if isinstance(y, dict):
        return [float(v) for v in np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])]
    return [float(v) for v in y]


def test_the_page_plans_the_calendar_and_moves_a_hire(store_path: Path) -> None:
    at = _hiring(SMALL)
    assert not at.error, [e.value for e in at.error]

    # The calendar: the plan's lines in words, a month's delay misses March, payback March.
    calendar = next(t.value for t in at.table if "hire" in t.value.columns)
    assert list(calendar["hire"]) == [
        "hire 3 client managers to start by January 11, 2027",
        "hire 1 client manager to start by February 1, 2027",
    ]
    # Months by their names (sim.month_title, issue 11).
    assert list(calendar["then misses"]) == ["Mar 2027", "Mar 2027"]
    assert list(calendar["pays back by"]) == ["Mar 2027", "Mar 2027"]
    # (1.49M and 2.66M before issue 12 R13 put our side's waits in the lag kernel.)
    assert list(calendar["a month later loses"]) == [
        "RUB\xa01.53M of revenue",
        "RUB\xa02.75M of revenue",
    ]
    assert [m.value for m in at.metric][:2] == ["4", "RUB\xa08.49M"]

    # Charts: month labels on the axis, the plan of the three counted months, seats
    # from 12 in January (three hires on the 11th) to 13 once the four are in seat.
    figures = _figures(at)
    people = figures["People by month: ramped, ramping and productive (people)"]
    revenue = figures["Plan against expected revenue by month (RUB)"]
    labels = ["Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027", "May 2027", "Jun 2027"]
    assert people["layout"]["xaxis"]["ticktext"] == labels
    assert people["layout"]["yaxis"]["tickformat"] == ",d"  # whole people
    seats = _y(people, "seats")
    assert len(seats) == 6 and seats[0] == pytest.approx(12.0, abs=0.05)
    assert seats[-1] == pytest.approx(13.0, abs=0.05)
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(seats))
    productive = _y(people, "productive seats")
    assert all(p <= s + 1e-9 for p, s in zip(productive, seats, strict=True))
    assert any("ramping" in str(t.get("name")) for t in people["data"])
    assert _y(revenue, "plan") == [3e7, 3e7, 3e7]
    assert len(_y(revenue, "expected revenue")) == 6

    # The limits by month, and the workbook to download.
    limits = next(t.value for t in at.table if "limit" in t.value.columns)
    assert "Mar 2027, May 2027" in list(limits["months"])
    assert [b.proto.label for b in at.get("download_button")] == ["Download the plan (Excel)"]

    # Move the January line a month later: all four start in February.
    # (Any month of the horizon, or after it: optimizer.hire_move, as plan --move.)
    assert at.selectbox(key="hiring_move_to").options == [
        "Feb 2027", "Mar 2027", "Apr 2027", "May 2027", "Jun 2027", "after the horizon"
    ]  # fmt: skip
    at.selectbox(key="hiring_move_line").set_value(
        "hire 3 client managers to start by January 11, 2027"
    ).run()
    at.selectbox(key="hiring_move_to").set_value("2027-02").run()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    sc = parse_scenario(RETAIL, "retail_bank.yaml", list(SMALL))
    planned = evaluate_calendar(sc, {(CM, "2027-01"): 3, (CM, "2027-02"): 1})
    moved = evaluate_calendar(sc, {(CM, "2027-02"): 4})
    assert moved.counted_revenue < planned.counted_revenue  # a hire later never sells more
    assert moved.short == ("2027-03", "2027-04") and planned.short == ()
    said = [m.value for m in at.markdown]
    assert "**Hire 3 client managers in Feb 2027 rather than Jan 2027**" in said
    value = next(t.value for t in at.table if "moved" in t.value.columns).set_index("")
    revenue_row = value.loc["revenue, counted months"]
    assert list(revenue_row[["the plan's calendar", "moved"]]) == format_money_column(
        [planned.counted_revenue, moved.counted_revenue], "RUB", sc.money_locale
    )
    # (95.0M and 90.5M before issue 12 R13 put our side's waits in the lag kernel.)
    assert list(revenue_row[["the plan's calendar", "moved"]]) == ["RUB\xa095.7M", "RUB\xa091.1M"]
    short = value.loc["counted months short of plan"]
    assert list(short[["the plan's calendar", "moved"]]) == ["none", "Mar 2027, Apr 2027"]
    # The command's tables (teamsim.hiring_move_view), not a copy: the same cells.
    months = next(d.value for d in at.dataframe if "revenue (moved)" in d.value.columns)
    assert [list(r) for r in months.itertuples(index=False)] == [
        list(r)
        for r in month_table(
            planned, moved, "RUB", sc.money_locale, names=("the plan's calendar", "moved")
        ).rows
    ]
    # Both calendars drawn month by month, as evaluate_calendar gives them.
    overlay = _figures(at)["Plan against expected revenue by month (RUB)"]
    assert _y(overlay, "calendar moved") == pytest.approx([m.revenue for m in moved.months])
    assert _y(overlay, "expected revenue") == pytest.approx([m.revenue for m in planned.months])


def test_an_impossible_plan_is_an_error_naming_the_month(store_path: Path) -> None:
    at = _hiring((*SMALL, "roles.client_manager.headcount.max=7"))
    [error] = [e.value for e in at.error]
    assert error.startswith("**No hiring plan is possible:** The hiring plan is impossible")
    assert "lower the plan of Mar 2027" in error
    assert "allow 3 more Client manager from Feb 2027 (max 7 -> 10)" in error
    assert "Traceback" not in error
    assert not at.get("plotly_chart")


def test_verify_simulates_the_calendar_as_verify_hiring_does(store_path: Path) -> None:
    at = _hiring(SMALL)
    at.number_input(key="hiring_reps").set_value(2)
    at.number_input(key="hiring_iterations").set_value(1)
    [button] = [b for b in at.button if b.label == "Verify the hiring plan"]
    button.click().run()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    sc = parse_scenario(RETAIL, "retail_bank.yaml", list(SMALL))
    verified = verify_hiring(sc, replications=2, max_iterations=1, workers=1)
    words = "**Hiring plan verified:**" if verified.met else "**Hiring plan NOT verified:**"
    [verdict] = [a.value for a in (*at.success, *at.warning) if "Hiring plan" in a.value]
    assert verdict.startswith(words)
    expected = verified.months_table()
    months = next(d.value for d in at.dataframe if "simulated revenue" in d.value.columns)
    assert list(months["month"]) == ["Mar 2027", "Apr 2027", "May 2027"]
    assert list(months["simulated revenue"]) == format_money_column(
        list(expected["simulated_revenue"]), "RUB", sc.money_locale
    )
    # Two replications: a month is met in none, one or both.
    chances = [str(c).split(" ")[0] for c in months["P(month met) (95 % interval)"]]
    assert chances == [f"{100 * p:.1f}" for p in expected["p_met"]]
    assert set(chances) <= {"0.0", "50.0", "100.0"}
    band = _figures(at)["Plan against expected revenue by month (RUB)"]
    assert _y(band, "simulated mean") == pytest.approx(list(expected["simulated_revenue"]))


def test_an_empty_calendar_is_said_in_the_commands_words(store_path: Path) -> None:
    # One rule for the words (teamsim.hiring_view.no_hire_text): the page had its own copy,
    # which said every month was met even when a budget left months short.
    at = _hiring(("calendar.horizon_days=120",))
    said = [s.value for s in at.success]
    assert (
        "No hire: the people in seat (with the joiners and leavers the scenario lists) meet "
        "every counted month's plan." in said
    ), said
    assert not at.warning
