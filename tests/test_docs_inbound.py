"""The planners' page docs/inbound.md (issue 13, deliverable 7): a number shown is a number tested.

The worked example (Monday 10:30-11:00 of examples/contact_centre/desk.yaml) is re-done
here from the rules that size the desk: the interval's requests and Erlangs
(sim.rules.service.desks, sim.rules.profile), Erlang C (sim.analytic) and Erlang A
(sim.erlang), the rota's share on pause, the presence and the roster (sim.rules.service),
and the plan (optimizer.plan) on the file. Each figure the page prints is formatted from
those and looked up in the page. The simulated figures are quoted with their command and
seed and not re-run here (a run of the page's command takes about 15 s).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import plan
from sim.analytic import (
    agents_for_service_level,
    average_speed_of_answer,
    erlang_c,
    occupancy,
    service_level,
)
from sim.erlang import erlang_a
from sim.rules.service import (
    Desk,
    DeskInterval,
    day_service_level,
    desks,
    expected_abandoned,
    interval_figures,
)
from sim.scenario import Scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.reference import json_schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "contact_centre" / "desk.yaml"
PAGE = ROOT / "docs" / "inbound.md"
TARGET = 1 / 3  # 20 seconds, as the file's 0.3333333333
PATIENCE = 2.0  # the file's mean patience, minutes
ROSTER = 17  # the roster the page states


@pytest.fixture(scope="module")
def page() -> str:
    # The page's prose as one line: a figure may be wrapped.
    return re.sub(r"\s+", " ", PAGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def desk(scenario: Scenario) -> Desk:
    [only] = desks(scenario)
    return only


def _peak(desk: Desk) -> DeskInterval:
    [iv] = [iv for iv in desk.intervals if iv.weekday == "mon" and iv.lo_min == 90.0]
    return iv


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def test_the_example_validates_against_the_model_and_the_json_schema(scenario: Scenario) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    data = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, json.loads(json_schema_text()))
    ch = scenario.channels["calls"]
    assert ch.kind == "inbound" and ch.lines == 30 and ch.at_closing.value == "overtime"
    assert scenario.calendar.workday.pause_rule.value == "rota"
    assert scenario.roles["agent"].headcount.current == ROSTER


def test_validate_summary_prints_what_the_page_quotes(page: str) -> None:
    result = CliRunner().invoke(
        app, ["validate", "--summary", str(EXAMPLE)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    out = re.sub(r"\s+", " ", result.output)
    for line in (
        "Pauses: rota: lunch 30 min in 11:30-14:30, breaks 15 min in 10:00-11:30 and 15 min "
        "in 15:00-16:30",
        "Calls: peak 10:30-11:00, 100 requests an hour; by weekday Mon x1.2, Tue x0.95, "
        "Wed x0.95, Thu x0.95, Fri x0.95",
        "Calls hang up after 2 min on average (exponential)",
    ):
        assert line in out and line in page, line


def test_the_peak_half_hours_calls_rate_and_erlangs(desk: Desk, page: str) -> None:
    iv = _peak(desk)
    assert iv.requests == pytest.approx(500 * 0.10 * 1.2) == pytest.approx(60.0)
    assert desk.arrivals_in(iv) == pytest.approx(2.0)
    assert desk.arrivals_in(iv) * desk.handle_min == pytest.approx(10.0)
    assert max(desk.intervals, key=lambda v: v.requests) == iv  # Monday's peak
    for words in ("**60 calls**", "**2 calls a minute**", "**10 Erlangs**"):
        assert words in page, words


def test_erlang_c_table_and_agents(page: str) -> None:
    lam, handle = 2.0, 5.0
    for c in (12, 13, 14, 15):
        sl = service_level(c, lam, handle, TARGET)
        sl_text = f"**{_pct(sl)}**" if c == 14 else _pct(sl)
        row = (
            f"| {c} | {erlang_c(c, lam * handle):.4f} | {sl_text} | "
            f"{60 * average_speed_of_answer(c, lam, handle):.1f} s | "
            f"{_pct(occupancy(c, lam * handle))} |"
        )
        assert row in page, row
    assert agents_for_service_level(lam, handle, TARGET, 0.8) == 14
    assert "Erlang C asks **14** agents" in page


def test_erlang_a_table_and_the_plans_seats(desk: Desk, page: str) -> None:
    lam, handle = 2.0, 5.0
    for c in (11, 12, 13):
        m = erlang_a(c, lam, handle, PATIENCE, TARGET)
        sl_text = f"**{_pct(m.service_level)}**" if c == 12 else _pct(m.service_level)
        row = f"| {c} | {_pct(m.p_abandon)} | {sl_text} |"
        assert row in page, row
    need = next(
        c for c in range(1, 40) if erlang_a(c, lam, handle, PATIENCE, TARGET).service_level >= 0.8
    )
    assert need == 12 == _peak(desk).seats == desk.seats
    # The 30 lines turn away fewer than one call in a billion with 12 agents.
    assert erlang_a(12, lam, handle, PATIENCE, TARGET, waiting_room=30 - 12).p_block < 1e-9
    assert "Erlang A asks **12**" in page and "is **12**" in page


def test_presence_pause_share_floor_and_roster(scenario: Scenario, desk: Desk, page: str) -> None:
    days = scenario.calendar.working_days_per_year
    assert days == pytest.approx(5 / 7 * 365.25)
    assert desk.presence == pytest.approx(1 - 27.8 / days)
    assert f"{days:.1f} working days" in page and f"**{desk.presence:.4f}**" in page
    assert desk.roster == ROSTER

    figures = {f.interval: f for f in interval_figures(desk, TARGET, ROSTER)}
    peak = figures[_peak(desk)]
    assert peak.on_pause == pytest.approx(3 / ROSTER)
    assert peak.on_floor == pytest.approx(ROSTER * desk.presence * (1 - 3 / ROSTER))
    assert f"**{_pct(peak.on_pause)}** on pause" in page
    assert f"= **{peak.on_floor:.2f}** agents" in page
    assert f"is **{_pct(peak.expected_service_level)}**" in page
    assert peak.expected_service_level >= 0.8

    fewer = {f.interval: f for f in interval_figures(desk, TARGET, ROSTER - 1)}[_peak(desk)]
    assert fewer.on_pause == pytest.approx(3 / (ROSTER - 1))
    assert fewer.expected_service_level < 0.8
    assert (
        f"({fewer.on_floor:.2f} on the floor, 3 of 16 on a break) it is "
        f"{_pct(fewer.expected_service_level)}" in page
    )

    # The calculator's way: the day's average shrinkage, and the peak half hour's.
    day_kept = desk.presence * (450 / 510)
    assert f"{_pct(1 - day_kept)}: 12 / {day_kept:.3f} = {12 / day_kept:.1f}, so **16**" in page
    assert math.ceil(12 / day_kept) == 16 and math.ceil(14 / day_kept) == 18
    assert f"14 / {day_kept:.3f} = {14 / day_kept:.1f}, so 18" in page
    peak_kept = desk.presence * (1 - 3 / ROSTER)
    assert f"{_pct(1 - peak_kept)}: 12 / {peak_kept:.3f} = {12 / peak_kept:.1f}, so **17**" in page
    assert math.ceil(12 / peak_kept) == ROSTER

    # The summary table's two gross-ups and the mean day's load.
    assert desk.pause_gross_up == pytest.approx(1 / (1 - 1 / 6))
    assert f"×{desk.pause_gross_up:.2f}" in page and f"×{desk.days_away_gross_up:.2f}" in page
    assert f"Erlangs {desk.load_erlangs:.1f}" in page
    assert desk.load_erlangs == pytest.approx(500 * 5 / 510)


def test_the_plan_on_the_file_gives_the_pages_roster_and_row(
    desk: Desk, scenario: Scenario, page: str
) -> None:
    result = plan(scenario, marginals=False)
    [service] = result.services
    assert service.roster == service.answerers == ROSTER
    assert service.seats_present == 12
    assert {line.role: line.headcount for line in result.roles}["agent"] == ROSTER
    [row] = [r for r in service.intervals if r.weekday == "mon" and r.interval == "10:30-11:00"]
    shown = (
        f"Mon  {row.interval}  {row.requests:.1f}  {row.offered_load_erlangs:.2f}  "
        f"{_pct(row.on_pause)}  {row.on_floor:.1f}  {row.seats_needed}  "
        f"{_pct(row.expected_service_level)}  {_pct(row.expected_abandoned_share)}"
    )
    assert re.sub(r"\s+", " ", shown) in page
    # Monday morning's plan columns beside the simulated ones (those quoted, not re-run).
    for r in service.intervals:
        if r.weekday == "mon" and r.interval in ("10:00-10:30", "10:30-11:00", "11:00-11:30"):
            start = f"| {r.interval} | {r.on_floor:.1f} | {_pct(r.expected_service_level)} |"
            assert start in page, start
            assert f"| {_pct(r.expected_abandoned_share)} |" in page
    # The plan's lowest half hour and the day's figures, as the page's table quotes them.
    assert service.expected_service_level == pytest.approx(row.expected_service_level)
    assert f"| {_pct(service.expected_service_level)} (Monday 10:30-11:00) |" in page
    assert f"| {_pct(day_service_level(desk, TARGET, ROSTER))} |" in page
    assert f"| hung up | {_pct(expected_abandoned(desk, ROSTER))} |" in page
