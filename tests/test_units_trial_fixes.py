"""Fixes from a fresh user's trial of networks (docs/units.md): what they saw, each once.

1. *Results by unit* cut a month's revenue to "RUB 67…" at 100 to 170 columns.
2. ``--set units.<u>.headcount.<role>=99`` blamed the template's line for what it made wrong.
3. Segments and no seller: "(no line role)" said what was missing in jargon, not what to set.
4. An unknown channel in a templated network listed the copies templates made, not the ids
   valid where it was written (a template's own, a unit's channels).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner
from units_helpers import only, problems_in

from sim import SimResult, simulate
from sim.scenario import parse_scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.unit_view import render_units, unit_table

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
TEMPLATED = (ROOT / "tests" / "data" / "two_branches_template.yaml").read_text(encoding="utf-8")
SHORT = "calendar.horizon_days=60"
# Titles as long as a real network's ("Nizhny Novgorod branch", three levels down).
LONG_TITLES = (
    SHORT,
    "units.region_a.title=Central region of the network",
    "units.north.title=Nizhny Novgorod branch",
)
# A month's revenue written whole: "RUB 19.4M" (a no-break space inside).
WHOLE_MONEY = re.compile(r"RUB\xa0\d+(\.\d+)?[KMB]?")


@pytest.fixture(scope="module")
def network_run() -> SimResult:
    sc = load_scenario(NETWORK, LONG_TITLES)
    return simulate(sc, replications=2, seed=20261202, workers=1)


@pytest.mark.parametrize("width", [100, 120, 170])
def test_results_by_unit_shows_every_revenue_in_full(network_run: SimResult, width: int) -> None:
    run = network_run
    console = Console(width=width, record=True, color_system=None)
    console.print(render_units(run.kpis, run.kpis_by_unit, run.scenario))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)
    table = unit_table(run.kpis, run.kpis_by_unit, run.scenario)
    revenue = table.headers.index("revenue a month") - 1
    assert [name for *_, name, _ in table.rows][1:] == [
        "Central region of the network",
        "Nizhny Novgorod branch",
        "South branch",
    ]
    for *_, name, cells in table.rows:
        assert WHOLE_MONEY.fullmatch(cells[revenue]), cells[revenue]
        row = next(line for line in lines if f" {name} " in line)
        assert f" {cells[revenue]} │" in row, (name, cells[revenue], lines)


def test_runs_show_prints_the_revenue_in_full_at_100_columns(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "runs.duckdb")]
    args = ["simulate", str(NETWORK), "-n", "2", "--workers", "1", "--set", SHORT, *store]
    narrow = {"COLUMNS": "100"}
    simulated = CliRunner().invoke(app, args, env=narrow)
    assert simulated.exit_code == 0, simulated.output
    listed = CliRunner().invoke(app, ["runs", "list", *store, "--json"])
    run_id = json.loads(listed.stdout)["runs"][0]["run_id"]
    shown = CliRunner().invoke(app, ["runs", "show", run_id, *store], env=narrow)
    assert shown.exit_code == 0, shown.output
    for output in (simulated.stdout, shown.stdout):
        lines = output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Results by unit"))
        north = next(line for line in lines[start:] if "North branch" in line)
        assert WHOLE_MONEY.search(north) and "…" not in north, north


# 2. A --set's value wrong at its field, and a --set making wrong a field it does not name.


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("-1", "client_manager.current", "expected greater than or equal to 0, got -1"),
        (
            "lots",
            "client_manager",
            "expected a number of people (e.g. 5) or {current: 5, min: 3, max: 8}, got 'lots'",
        ),
        (
            "{current: 99, min: 3, max: 15}",
            "client_manager",
            "expected min <= current <= max, got 3, 99, 15",
        ),
    ],
)
def test_a_units_bad_headcount_names_the_set(value: str, field: str, message: str) -> None:
    override = f"units.north.headcount.client_manager={value}"
    problem = only(problems_in(TEMPLATED, [override]))
    assert (problem.source, problem.line) == (f"--set {override}", None)
    assert ".".join(map(str, problem.path)) == f"units.north.headcount.{field}"
    assert problem.message == message


def test_99_people_overload_their_lead_and_the_set_is_named() -> None:
    # 99 client managers give North's team lead 99 reports to coach an hour a week: more
    # than a working day holds. The template's line is right without the --set.
    parse_scenario(TEMPLATED, "net.yaml")
    override = "units.north.headcount.client_manager=99"
    quota = "policies.call_quota_per_day=31"  # harmless: not named
    for overrides in ([override], [quota, override], [override, quota]):
        problem = only(problems_in(TEMPLATED, overrides))
        assert (problem.source, problem.line) == (f"--set {override}", None)
        assert problem.path == ("templates", "branch", "roles", "team_lead")
        assert problem.message.startswith("recurring duties take 1,293 min a day but a ")
        assert problem.message.endswith("(in role north__team_lead)")
    # The same set on the made role (sent to the unit) is named as written.
    made = "roles.north__client_manager.headcount=99"
    assert only(problems_in(TEMPLATED, [made])).source == f"--set {made}"


def test_the_files_own_problem_keeps_its_line_beside_the_sets() -> None:
    spare = "  spare: {title: Spare, kind: referral, leads_per_week: 1}"
    broken = TEMPLATED.replace("\nchannels:\n", f"\nchannels:\n{spare}\n")
    problems = problems_in(broken, ["units.north.headcount.client_manager=99"])
    by_source = {p.source: p for p in problems}
    assert sorted(by_source) == ["--set units.north.headcount.client_manager=99", "net.yaml"]
    assert by_source["net.yaml"].path == ("channels", "spare")
    assert by_source["net.yaml"].line == broken.splitlines().index(spare) + 1


def test_a_set_into_a_units_headcount_it_does_not_write_keeps_the_templates_range() -> None:
    # North writes no team_lead headcount: its template's {current: 1, min: 1, max: 2}.
    within = "units.north.headcount.team_lead.current=2"
    lead = parse_scenario(TEMPLATED, "net.yaml", [within]).roles["north__team_lead"].headcount
    assert (lead.current, lead.min, lead.max) == (2, 1, 2)
    above = "units.north.headcount.team_lead.current=5"
    problem = only(problems_in(TEMPLATED, [above]))
    assert (problem.source, problem.message) == (
        f"--set {above}",
        "expected min <= current <= max, got 1, 5, 2",
    )
    typo = "units.north.headcount.team_laed.current=2"
    assert only(problems_in(TEMPLATED, [typo])).message == (
        "no key 'team_laed' here; did you mean 'team_lead'? "
        "(expected one of: client_manager, team_lead)"
    )


# 3. Segments and nobody selling them: the fields that make a role sell.

RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")


def _no_seller(overrides: list[str]) -> str:
    found = [p for p in problems_in(RETAIL, overrides) if p.path == ("roles",)]
    return only([p for p in found if "sells" in p.message]).message


def test_no_seller_without_a_line_role_says_to_set_its_level_or_a_selling_share() -> None:
    message = _no_seller(["roles.client_manager.level=lower", "roles.supervisor.selling_share=0"])
    assert message == (
        "there are segments but no role sells them: give the sellers' role level: line "
        "(line roles sell by default), or a manager's role a selling_share above 0 (0.33 "
        "for a team lead who sells a third of the time)"
    )


def test_no_seller_among_line_roles_names_their_selling_share() -> None:
    message = _no_seller(
        ["roles.client_manager.selling_share=0", "roles.supervisor.selling_share=0"]
    )
    assert message == (
        "there are segments but no role sells them: give a role a selling_share above 0 "
        "(the line role client_manager has 0; 1 is a full seller, 0.33 one who sells a "
        "third of the time)"
    )
    two = ["roles.supervisor.level=line", "roles.supervisor.reports_to=head_of_unit"]
    message = _no_seller(
        ["roles.client_manager.selling_share=0", "roles.supervisor.selling_share=0", *two]
    )
    assert "(the line roles supervisor, client_manager have 0;" in message


# 4. An unknown channel id in a templated network: the ids valid where it is written.

# Two branches, each with its own walk_ins and partners (the template "branch"), and the
# channels written in channels: payroll_client_staff, non_client_company_staff, individuals.
CHANNELS = (ROOT / "tests" / "data" / "two_branches_channels.yaml").read_text(encoding="utf-8")
WRITTEN = "payroll_client_staff, non_client_company_staff, individuals"


def _one(overrides: list[str], text: str = CHANNELS) -> tuple[str, str]:
    """The one problem (a channel no segment lists aside): its field and message."""
    found = [p for p in problems_in(text, overrides) if "feeds no segment" not in p.message]
    problem = only(found)
    return ".".join(map(str, problem.path)), problem.message


def test_a_templates_role_lists_the_templates_own_channels() -> None:
    # Written in the file: at the template's line, its own ids (each unit's) and channels:.
    lead_line = "        reports_to: team_lead            # the unit's own team lead"
    text = CHANNELS.replace(lead_line, f"{lead_line}\n        channels: [walk_inz]")
    problem = only([p for p in problems_in(text) if "feeds no segment" not in p.message])
    assert (problem.source, problem.line) == ("net.yaml", text.splitlines().index(lead_line) + 2)
    assert ".".join(map(str, problem.path)) == "templates.branch.roles.client_manager.channels.0"
    assert problem.message == (
        "unknown channel 'walk_inz' (did you mean 'walk_ins'?); expected one of the "
        "template's channels (the unit's own): walk_ins, partners; or of channels: "
        f"{WRITTEN} (in roles north__client_manager, south__client_manager)"
    )


def test_a_units_change_of_a_roles_channels_lists_the_templates_own() -> None:
    path, message = _one(["units.south.roles.client_manager.channels=[individuals, partnrs]"])
    assert path == "units.south.roles.client_manager.channels.1"
    assert message == (
        "unknown channel 'partnrs' (did you mean 'partners'?); expected one of the "
        f"template's channels (the unit's own): walk_ins, partners; or of channels: {WRITTEN}"
    )


@pytest.mark.parametrize(
    "override",
    [
        "segments.consumer_loan.channels=[payroll_client_staff, partners, walk_inz]",
        "roles.regional_head.channels=[payroll_client_staff, partners, walk_inz]",
    ],
)
def test_a_segment_or_written_role_lists_templates_and_written_channels(override: str) -> None:
    path, message = _one([override])
    assert path == f"{override.partition('=')[0]}.2"
    assert message == (
        "unknown channel 'walk_inz' (did you mean 'walk_ins'?); expected one of the "
        "templates' channels (every unit's copy): walk_ins, partners; or of channels: "
        f"{WRITTEN}; or one unit's copy by its id (north__walk_ins)"
    )


def test_a_set_into_a_made_channel_or_a_units_channels_suggests_the_id() -> None:
    path, message = _one(["channels.north__walk_inz.requests_per_day=3"])
    assert path == "channels.north__walk_inz.requests_per_day"
    assert message == (
        "no key 'north__walk_inz' here; did you mean 'north__walk_ins'? (expected one of: "
        f"{WRITTEN}, north__walk_ins, north__partners, south__walk_ins, south__partners)"
    )
    path, message = _one(["units.south.channels.walk_inz.requests_per_day=3"])
    assert path == "units.south.channels.walk_inz.requests_per_day"
    assert message == (
        "no key 'walk_inz' here; did you mean 'walk_ins'? (expected one of: partners, walk_ins)"
    )
    # Into a channel the unit does not change yet: the template's, changed where set.
    sc = parse_scenario(CHANNELS, "net.yaml", ["units.south.channels.walk_ins.requests_per_day=3"])
    assert sc.channels["south__walk_ins"].requests_per_day == 3
