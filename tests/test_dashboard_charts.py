"""The dashboard's pure parts: chart builders, levers as overrides, tables and exports."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import charts, exports, levers, names, tables
from sim import KPIS, SimResult, simulate
from sim.rules import DUTY_PREFIX, TimeUse
from sim.scenario.loader import parse_scenario
from teamsim.compare import compare, side_from_result

ROOT = Path(__file__).resolve().parent.parent
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result() -> SimResult:
    return simulate(parse_scenario(RETAIL, "retail_bank.yaml"), 2, 7, workers=1)


def test_attainment_distribution_has_the_plan_line(result: SimResult) -> None:
    fig = charts.attainment_distribution(result.frames.attainment_month, result.scenario)
    assert "% of plan" in fig.layout.title.text
    [hist] = fig.data
    months = result.frames.attainment_month
    assert list(hist.x) == pytest.approx(list(100 * months["attainment"]))
    assert [shape.x0 for shape in fig.layout.shapes] == [100]


def test_charts_without_data_say_so() -> None:
    empty = pd.DataFrame(columns=["replication", "month", "revenue", "target", "attainment"])
    fig = charts.attainment_distribution(empty, parse_scenario(RETAIL, "retail_bank.yaml"))
    assert fig.layout.annotations[0].text == "No sales plan to attain"
    assert not fig.data


def test_time_use_by_level_stacks_to_the_whole_day(result: SimResult) -> None:
    fig = charts.time_use_by_level(result.frames.time_use)
    assert fig.layout.barmode == "stack"
    totals: dict[str, float] = {}
    for bar in fig.data:
        for level, share in zip(bar.y, bar.x, strict=True):
            totals[level] = totals.get(level, 0.0) + share
    assert set(totals) == {"middle", "lower", "line"}
    assert all(t == pytest.approx(100.0) for t in totals.values())
    assert "Duties" in {bar.name for bar in fig.data}


def test_activity_groups() -> None:
    assert charts.activity_group("duty:planning") == "Duties"
    assert charts.activity_group("escalation") == "Escalations"
    assert charts.activity_group("approval") == "Approvals"
    assert charts.activity_group("something_new") == "Something new"


def test_every_activity_has_its_own_colour() -> None:
    activities = [a.value for a in TimeUse] + [DUTY_PREFIX]
    colours = {a: names.activity_colour(a) for a in activities}
    assert set(names.ACTIVITY_COLOURS) == set(activities)  # every activity has one
    assert len(set(colours.values())) == len(colours)  # no two share one
    assert names.activity_colour("duty:coaching") == names.activity_colour(DUTY_PREFIX)
    assert set(names.ACTIVITY_TITLES) == {a.value for a in TimeUse}
    assert len(set(names.ACTIVITY_TITLES.values())) == len(names.ACTIVITY_TITLES)


def test_time_use_draws_each_activity_in_its_colour(result: SimResult) -> None:
    fig = charts.time_use_by_level(result.frames.time_use)
    colours = {bar.name: bar.marker.color for bar in fig.data}
    # The bug of issue 11: Idle drawn in Deal work's colour, Calls in the duties'.
    assert colours["Idle"] == names.ACTIVITY_COLOURS["idle"] == "#c9c9c9"
    assert colours["Deal work"] == names.ACTIVITY_COLOURS["stage_work"]
    assert colours["Calls"] == names.ACTIVITY_COLOURS["calls"]
    assert colours["Duties"] == names.ACTIVITY_COLOURS[DUTY_PREFIX]
    assert len(set(colours.values())) == len(colours)
    waits = charts.waits(result.frames.waits)
    assert {t.name: t.marker.color for t in waits.data} == {
        "Approvals": "#7d5ba6",
        "Escalations": "#c23b3b",
        "Inbound requests": "#6cb6e8",
    }


def test_ids_become_titles() -> None:
    scenario = parse_scenario(RETAIL, "retail_bank.yaml")
    assert names.title("duty:coaching", scenario) == "Coaching"
    assert names.title("duty:coordination_with_departments") == "Coordination with departments"
    assert names.title("stage_work", scenario) == "Deal work"
    assert names.title("head_of_unit", scenario) == "Head of direct sales"
    assert names.title("client_manager.03", scenario) == "Client manager 3"
    assert names.title("consumer_loan", scenario) == "Consumer loans"  # its title
    assert names.title("consumer_loan") == "Consumer loan"  # no scenario: the id in words


@pytest.mark.parametrize(
    ("top", "dtick"), [(0, 1), (1, 1), (2, 1), (8, 1), (9, 2), (16, 2), (17, 5), (41, 10)]
)
def test_count_axes_tick_whole_numbers(top: int, dtick: int) -> None:
    axis = charts.count_axis(top)
    assert axis["dtick"] == dtick and axis["tick0"] == 0 and axis["tickformat"] == ",d"


def test_a_histogram_of_two_replications_has_no_half_ticks(result: SimResult) -> None:
    fig = charts.attainment_distribution(result.frames.attainment_month, result.scenario)
    assert fig.layout.yaxis.dtick and fig.layout.yaxis.tickformat == ",d"


def test_money_axis_in_the_currency_and_locale() -> None:
    axis = charts.money_axis(0.0, 3_000_000.0, "EUR", "de_DE")
    assert axis["tickvals"] == [0.0, 1_000_000.0, 2_000_000.0, 3_000_000.0]
    assert axis["ticktext"][1] == "1\xa0Mio.\xa0€"
    usd = charts.money_axis(40_000.0, 90_000.0, "USD")
    assert usd["ticktext"] == ["$40K", "$50K", "$60K", "$70K", "$80K", "$90K"]
    rub = charts.money_axis(2_400_000.0, 3_100_000.0, "RUB", "ru_RU")
    assert rub["ticktext"][:2] == ["2,4\xa0млн\xa0₽", "2,6\xa0млн\xa0₽"]
    mixed = charts.money_axis(0.0, 3_000_000.0, "EUR/RUB")
    assert mixed["ticktext"][1] == "1,000,000"


def test_utilisation_heatmap_rows_are_people(result: SimResult) -> None:
    fig = charts.utilisation_heatmap(result.frames.utilisation_week, result.scenario)
    [heat] = fig.data
    people = set(result.frames.utilisation_week["person"])
    assert set(heat.y) == {names.title(p, result.scenario) for p in people}
    assert "Client manager 1" in set(heat.y)
    assert heat.zmin == 0 and heat.zmax == 100


def test_funnel_has_a_panel_per_segment(result: SimResult) -> None:
    fig = charts.funnel_by_segment(result.frames.funnel, result.replications, result.scenario)
    assert [t.name for t in fig.data] == ["Consumer loans", "Payroll projects"]
    first = fig.data[0]
    assert list(first.y) == ["Consultation", "Meeting", "Application", "Contract"]
    assert list(first.x) == sorted(first.x, reverse=True)  # a funnel narrows


def test_waits_has_a_box_per_kind(result: SimResult) -> None:
    fig = charts.waits(result.frames.waits)
    assert [t.name for t in fig.data] == ["Approvals", "Escalations", "Inbound requests"]
    assert fig.layout.xaxis.type == "log"


def test_compare_charts(result: SimResult) -> None:
    more = parse_scenario(RETAIL, "x", ["roles.client_manager.headcount.current=20"])
    other = simulate(more, 2, 7, workers=1)
    comparison = compare([side_from_result("base", result), side_from_result("more", other)])
    overview = tables.overview_with_intervals(comparison)
    assert (overview["p_low"] <= overview["p_plan_met"]).all()
    cost = charts.cost_vs_plan(overview, "RUB", "ru_RU")
    assert [t.name for t in cost.data] == ["base", "more"]
    assert cost.data[1].x[0] - cost.data[0].x[0] == 6 * 95000
    # No labels printed beside the points (they overprint when close): legend and hover.
    assert all(t.mode == "markers" and t.text is None for t in cost.data)
    assert cost.layout.showlegend and "base" in cost.data[0].hovertemplate
    assert len({t.marker.symbol for t in cost.data}) == 2
    assert all(text.endswith("\xa0₽") for text in cost.layout.xaxis.ticktext)
    heads = charts.headcount_by_level(overview)
    assert [list(t.y) for t in heads.data] == [[1, 2, 14], [1, 2, 20]]
    assert heads.layout.yaxis.dtick == 5 and heads.layout.yaxis.tickformat == ",d"
    overlay = charts.attainment_overlay({s.label: s.kpi_replications for s in comparison.sides})
    assert overlay.layout.barmode == "overlay" and len(overlay.data) == 2
    shown = tables.comparison_table(comparison)
    assert list(shown.columns) == ["KPI", "base", "more", "more - base"]
    sure = tables.sure_differences(comparison)
    assert list(sure.columns) == ["more - base"] and len(sure) == len(shown)


def test_kpi_table_formats_by_unit(result: SimResult) -> None:
    shown = tables.kpi_table(result.kpis, "RUB").set_index("KPI")
    revenue = shown.loc["Revenue a month (mean over counted months)"]
    # Babel in English number style (RUB's default, en_US): the code, a no-break space,
    # millions; the row in one scale
    assert re.fullmatch(r"RUB\xa0\d+\.\dM", revenue["mean"]), revenue["mean"]
    assert re.findall(r"RUB\xa0[\d.]+(M)?", revenue["95 % CI of the mean"])[-1] == "M"
    assert shown.loc["P(plan met)", "mean"].endswith("%")
    assert shown.loc["P(plan met)", "80 % of replications"] == "–"  # a yes/no outcome
    assert "Utilisation, top level (busy / available)" not in shown.index  # nobody at the top


def test_levers_become_overrides_the_loader_accepts() -> None:
    scenario = parse_scenario(RETAIL, "retail_bank.yaml")
    found = {lv.key: lv for lv in levers.levers(scenario)}
    head = found["roles.head_of_unit.headcount"]
    assert head.kind == "people" and head.value == 1
    managers = found["roles.client_manager.headcount"]
    assert managers.value == {"current": 14, "min": 6, "max": 30}
    assert found["segments.consumer_loan.stages.1.convert"].label == "Meeting"
    values = {
        managers.key: {"current": 12, "min": 6, "max": 30},
        "policies.occupancy_cap": 0.85,  # unchanged: no override
        "segments.consumer_loan.stages.1.convert": 0.4,
        "plan.revenue_per_month": 25_000_000.0,
    }
    edits = levers.overrides_from(values, list(found.values()))
    assert edits == [
        'roles.client_manager.headcount={"current": 12, "min": 6, "max": 30}',
        "segments.consumer_loan.stages.1.convert=0.4",
        "plan.revenue_per_month=25000000",
    ]
    edited = parse_scenario(RETAIL, "x", edits)
    assert edited.roles["client_manager"].headcount.current == 12
    assert edited.segments["consumer_loan"].stages[1].convert == 0.4
    # The downloaded YAML is the same scenario.
    text = levers.edited_yaml(RETAIL, edits, "# edited\n")
    assert text.startswith("# edited\n")
    assert parse_scenario(text, "edited.yaml") == edited


def test_problems_are_matched_to_their_lever() -> None:
    from sim.errors import ScenarioError

    scenario = parse_scenario(RETAIL, "retail_bank.yaml")
    all_levers = levers.levers(scenario)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(
            RETAIL,
            "x",
            ['roles.supervisor.headcount={"current": 9, "min": 1, "max": 4}',
             "segments.consumer_loan.stages.1.convert=1.5"],
        )  # fmt: skip
    problems = caught.value.problems
    by_key = {lv.key: levers.problems_for(lv, problems) for lv in all_levers}
    assert [p.message for p in by_key["roles.supervisor.headcount"]] == [
        "expected min <= current <= max, got 1, 9, 4"
    ]
    assert len(by_key["segments.consumer_loan.stages.1.convert"]) == 1
    assert not by_key["roles.client_manager.headcount"]
    assert levers.unplaced(all_levers, problems) == []


def test_exports(result: SimResult) -> None:
    data = exports.workbook_bytes({"kpis": result.kpis}, {"run": "test"}, currency="EUR")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["about", "kpis"]
    archive = zipfile.ZipFile(io.BytesIO(exports.csv_zip({"kpis": result.kpis, "x": result.kpis})))
    assert archive.namelist() == ["kpis.csv", "x.csv"]


def test_dashboard_command_line() -> None:
    from typer.testing import CliRunner

    from teamsim.cli import app
    from teamsim.commands.dashboard import app_path, streamlit_command

    assert app_path() == ROOT / "dashboard" / "app.py"
    command = streamlit_command(8765)
    assert command[1:5] == ["-m", "streamlit", "run", str(app_path())]
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.headless"] == "true"
    assert flags["--server.port"] == "8765"
    assert flags["--server.maxUploadSize"] == "1"
    result = CliRunner().invoke(app, ["dashboard", "--help"])
    assert result.exit_code == 0 and "--store" in result.output


def _tiny(start: str, days: int) -> SimResult:
    from tests.scenario_texts import BASE

    text = BASE.replace("start: 2027-01-04", f"start: {start}").replace(
        "horizon_days: 40", f"horizon_days: {days}"
    )
    return simulate(parse_scenario(text, "tiny.yaml"), 1, 3, workers=1)


def test_a_week_the_horizon_cuts_is_left_out_not_drawn_as_overload() -> None:
    # Monday 4 January 2027, 41 working days (Monday to Friday, no holidays): eight whole
    # weeks, then one Monday alone in week 9.
    tiny = _tiny("2027-01-04", 41)
    assert charts.partial_weeks(tiny.scenario) == {8: (1, 5)}
    util = tiny.frames.utilisation_week
    assert sorted(set(util["week"])) == list(range(9))
    fig = charts.utilisation_heatmap(util, tiny.scenario)
    [heat] = fig.data
    assert list(heat.x) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "week 9 left out: 1 of its 5 working days in the horizon" in fig.layout.title.text
    # The weeks drawn are each person's busy over available minutes of that week.
    row = util[(util["person"] == "seller.01") & (util["week"] == 3)]
    expected = 100 * row["busy_min"].sum() / row["available_min"].sum()
    y = list(heat.y).index(names.title("seller.01", tiny.scenario))
    assert heat.z[y][3] == pytest.approx(expected)


def test_a_horizon_cut_at_both_ends() -> None:
    # Wednesday 6 January: Wednesday to Friday, seven whole weeks, Monday to Wednesday.
    tiny = _tiny("2027-01-06", 41)
    assert charts.partial_weeks(tiny.scenario) == {0: (3, 5), 8: (3, 5)}
    [heat] = charts.utilisation_heatmap(tiny.frames.utilisation_week, tiny.scenario).data
    assert list(heat.x) == [2, 3, 4, 5, 6, 7, 8]
    # Twelve days from a Wednesday: 3 days, one whole week, then Monday to Thursday.
    short = _tiny("2027-01-06", 12)
    assert charts.partial_weeks(short.scenario) == {0: (3, 5), 2: (4, 5)}
    [heat] = charts.utilisation_heatmap(short.frames.utilisation_week, short.scenario).data
    assert list(heat.x) == [2]


def test_funnel_labels_are_the_size_of_every_charts_labels(result: SimResult) -> None:
    # Issue 11: plotly shrank a label to fit its bar, unreadable in a narrow one; the label
    # keeps the layout's font size (never below it) and writes its share as reports do.
    fig = charts.funnel_by_segment(result.frames.funnel, result.replications, result.scenario)
    size = fig.layout.font.size
    assert size == 16
    assert fig.layout.uniformtext.minsize == size and fig.layout.uniformtext.mode == "show"
    for trace in fig.data:
        assert trace.textfont.size == size and trace.textposition == "auto"
        assert trace.cliponaxis is False  # a label beside a narrow bar is drawn whole
        assert trace.customdata[0] == "100 %"  # the first stage is the whole of the share
        deals = list(trace.x)
        shares = [round(100 * d / deals[0]) for d in deals]
        assert list(trace.customdata) == [f"{s} %" for s in shares]
        assert "%{customdata}" in trace.texttemplate


def test_the_dials_kpi_is_shown_per_dialling_role(result: SimResult) -> None:
    # Issue 11: one "dials a day" over every dialling role mixed a supervisor who dials a
    # little with the client managers; with the run's dials by role the KPI table shows a
    # row per dialling role, over the days its people dialled, and says so.
    dials = result.tables()["dials_by_role"]
    assert not dials.empty
    mixed = next(k.label for k in KPIS if k.name == "dials_per_caller_day")
    shown = tables.kpi_table(result.kpis, "RUB", dials=dials).set_index("KPI")
    assert mixed not in shown.index
    for row in dials.to_dict(orient="records"):
        label = f"Dials a day, {row['title']} (its people who dial, days they dialled)"
        assert shown.loc[label, "mean"] == f"{row['dials_per_day_dialled']:,.1f}"
        assert shown.loc[label, "80 % of replications"] == (
            f"{row['p10']:,.1f} to {row['p90']:,.1f}"
        )
    assert any(label.startswith("Dials a day, Client manager") for label in shown.index)
    # Roles that never dial get no row: only the roles in the dials table.
    rows = [label for label in shown.index if label.startswith("Dials a day, ")]
    assert len(rows) == len(dials)
    # Without the table (a comparison) the mixed KPI stays, its label saying what it mixes.
    assert mixed in tables.kpi_table(result.kpis, "RUB").set_index("KPI").index


def test_compare_charts_keep_title_legend_and_labels_apart(result: SimResult) -> None:
    more = parse_scenario(RETAIL, "x", ["roles.client_manager.headcount.current=20"])
    other = simulate(more, 2, 7, workers=1)
    comparison = compare([side_from_result("base", result), side_from_result("more", other)])
    overview = tables.overview_with_intervals(comparison)
    kpis = {s.label: s.kpi_replications for s in comparison.sides}
    figures = [charts.headcount_by_level(overview), charts.cost_vs_plan(overview, "RUB"),
               charts.attainment_overlay(kpis)]  # fmt: skip
    for fig in figures:
        # The legend under the plot, not over a half-width chart's bars or ticks.
        assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0
        # The title left, on a row of its own under plotly's toolbar (top right).
        assert fig.layout.title.x == 0.01 and fig.layout.title.xanchor == "left"
        assert fig.layout.title.pad.t == charts.TOOLBAR_PX
        assert fig.layout.margin.t >= 70 + charts.TOOLBAR_PX
    heads = figures[0]
    # A count too wide for its narrow bar is hidden, not run into its neighbour's ("1 1").
    assert heads.layout.uniformtext.mode == "hide"
    assert all(t.textposition == "outside" for t in heads.data)
    assert "base" in heads.data[0].hovertemplate  # the hover still names side and count
    overlay = figures[2]
    # "100 %" at the left edge kept off the y axis's "0" in the corner.
    assert overlay.layout.xaxis.ticklabelstandoff >= 10
