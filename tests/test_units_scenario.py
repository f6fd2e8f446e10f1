"""A network's units in the scenario (issue 14, stage U1): the tree, its checks, the summary.

Messages are asserted through the loader (file, path, line, exact text), on the test
network tests/data/two_branches.yaml (a regional head over North and South) changed by
``--set`` as a user would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from sim.errors import Problem, ScenarioError, dotted
from sim.scenario import Scenario, parse_scenario
from sim.scenario.units import ancestors, descendants, related, unit_roles
from teamsim.cli import app
from teamsim.network_view import network_tree

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
TEXT = NETWORK.read_text(encoding="utf-8")


def network(*overrides: str, text: str = TEXT) -> Scenario:
    return parse_scenario(text, "net.yaml", overrides)


def problems_of(*overrides: str, text: str = TEXT) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "net.yaml", overrides)
    return info.value.problems


def only(problems: list[Problem]) -> tuple[str, str]:
    assert len(problems) == 1, [str(p) for p in problems]
    return dotted(problems[0].path), problems[0].message


def test_the_tree_and_who_is_where() -> None:
    sc = network()
    assert list(sc.units) == ["region_a", "north", "south"]
    assert ancestors(sc.units, "north") == ["region_a"]
    assert list(descendants(sc.units, "region_a")) == ["north", "south"]
    assert unit_roles(sc.units, sc.role_units, "north") == [
        "north__team_lead",
        "north__client_manager",
    ]
    assert unit_roles(sc.units, sc.role_units, "region_a") == list(sc.roles)
    assert unit_roles(sc.units, sc.role_units, None) == []
    assert related(sc.units, "north", "region_a") and related(sc.units, "region_a", "south")
    assert not related(sc.units, "north", "south")


def test_a_team_without_units_is_unchanged() -> None:
    sc = parse_scenario((ROOT / "scenarios" / "retail_bank.yaml").read_text(), "rb.yaml")
    assert sc.units == {}
    assert set(sc.role_units.values()) == {None}


def test_unknown_unit_of_a_role_names_the_units() -> None:
    path, message = only(problems_of("roles.north__team_lead.unit=east"))
    assert path == "roles.north__team_lead.unit"
    assert message == "unknown unit 'east'; expected one of: north, region_a, south"


def test_unknown_unit_in_a_file_without_units_says_so() -> None:
    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text()
    path, message = only(problems_of("roles.supervisor.unit=north", text=text))
    assert path == "roles.supervisor.unit"
    assert message == (
        "unknown unit 'north': the file has no units; add a units: section "
        "(north: {title: ...}) or leave unit out"
    )


def test_unknown_unit_is_reported_with_field_errors() -> None:
    # The raw twin: a field error stops the typed checks; the unit is still reported.
    problems = problems_of("roles.north__team_lead.unit=east", "roles.south__team_lead.level=boss")
    paths = {dotted(p.path) for p in problems}
    assert {"roles.north__team_lead.unit", "roles.south__team_lead.level"} <= paths


def test_parent_unknown_self_and_circle() -> None:
    assert only(problems_of("units.north.parent=west")) == (
        "units.north.parent",
        "unknown unit 'west'; expected one of: north, region_a, south",
    )
    assert only(problems_of("units.north.parent=north")) == (
        "units.north.parent",
        "a unit cannot be its own parent",
    )
    problems = problems_of("units.region_a.parent=north")
    assert [dotted(p.path) for p in problems] == ["units.region_a.parent", "units.north.parent"]
    assert problems[0].message == (
        "the units' parents go round in a circle (region_a -> north -> region_a): one of "
        "them must be at the top (no parent)"
    )


def test_shares_with_names_units() -> None:
    path, message = only(problems_of("units.north.shares_with=[east]"))
    assert (path, message) == (
        "units.north.shares_with.0",
        "unknown unit 'east'; expected one of: north, region_a, south",
    )


def test_reporting_to_another_branch_is_refused() -> None:
    problems = problems_of("roles.north__client_manager.reports_to=south__team_lead")
    path, message = only(problems)
    assert path == "roles.north__client_manager.reports_to"
    assert message == (
        "a role of unit 'north' reports to 'south__team_lead', a role of unit 'south', which "
        "is neither 'north' nor above it: report within the unit, to a unit above (region_a) "
        "or to a role outside the units"
    )
    # Blamed on the --set, which made the crossing.
    assert problems[0].source == "--set roles.north__client_manager.reports_to=south__team_lead"


def test_reporting_upwards_across_units_is_allowed() -> None:
    sc = network("roles.north__client_manager.reports_to=regional_head")
    assert sc.roles["north__client_manager"].reports_to == "regional_head"


def test_a_role_outside_the_units_cannot_report_into_one() -> None:
    text = TEXT.replace("    unit: region_a\n", "", 1)
    sc = network(text=text)
    assert sc.roles["regional_head"].unit is None
    problems = problems_of("roles.regional_head.reports_to=north__team_lead", text=text)
    messages = {dotted(p.path): p.message for p in problems}
    assert messages["roles.regional_head.reports_to"].startswith(
        "a role outside the units cannot report to 'north__team_lead', a role of unit "
        "'north': give this role unit: north, or report to a role outside the units"
    )


def test_a_deputy_in_another_branch_needs_shares_with() -> None:
    cross = "roles.north__client_manager.deputy=south__client_manager"
    path, message = only(problems_of(cross))
    assert path == "roles.north__client_manager.deputy"
    assert message == (
        "'south__client_manager' is a role of unit 'south', another branch of the network "
        "than this role's unit 'north': name a role of 'north', of a unit above or below it, "
        "or list 'south' in units.north.shares_with"
    )
    sc = network(cross, "units.north.shares_with=[south]")
    assert sc.roles["north__client_manager"].deputy == "south__client_manager"


def test_hand_over_and_successor_follow_the_same_rule() -> None:
    path, _ = only(problems_of("roles.north__client_manager.handover=south__client_manager"))
    assert path == "roles.north__client_manager.handover"
    text = TEXT.replace(
        "    deputy: north__client_manager\n",
        "    deputy: north__client_manager\n    staff: [{successor: south__client_manager.02}]\n",
    )
    problems = problems_of(text=text)
    path, message = only(problems)
    assert path == "roles.north__client_manager.staff.0.successor"
    assert "list 'south' in units.north.shares_with" in message
    # A line on the file's own line, not the file's top.
    assert problems[0].line == text[: text.index("staff: [{successor")].count("\n") + 1


def test_the_tree_in_the_summary() -> None:
    console = Console(width=100, record=True)
    console.print(network_tree(network()))
    assert console.export_text().splitlines() == [
        "Network of 3 units: 15 people (9..35): 1 middle, 2 lower, 12 line",
        "└── Region A (region_a): 15 people (9..35): 1 middle, 2 lower, 12 line",
        "    ├── North branch (north): 8 people (4..17): 1 lower, 7 line",
        "    └── South branch (south): 6 people (4..17): 1 lower, 5 line",
    ]


def test_roles_outside_the_units_come_first() -> None:
    text = TEXT.replace("    unit: region_a\n", "", 1)
    console = Console(width=100, record=True)
    console.print(network_tree(network("roles.south__team_lead.headcount=2", text=text)))
    lines = console.export_text().splitlines()
    assert lines[:3] == [
        "Network of 3 units: 16 people (10..35): 1 middle, 3 lower, 12 line",
        "├── outside the units: 1 person: 1 middle",
        "└── Region A (region_a): 15 people (9..34): 3 lower, 12 line",
    ]


def test_validate_summary_shows_the_tree_and_unit_column() -> None:
    args = ["validate", str(NETWORK), "--summary"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "North branch (north): 8 people (4..17): 1 lower, 7 line" in result.output
    header = next(line for line in result.output.splitlines() if "┃ role" in line)
    assert "┃ unit" in header
    plain = CliRunner().invoke(
        app, ["validate", str(ROOT / "scenarios" / "retail_bank.yaml"), "--summary"]
    )
    assert plain.exit_code == 0
    assert "Network" not in plain.output and "┃ unit" not in plain.output


def test_a_field_at_its_default_leaves_the_scenario_hash() -> None:
    # The hash leaves defaults out: a field added to the language (units, unit) keeps
    # every existing scenario's hash, and writing a default out changes nothing.
    from sim.runner import scenario_hash

    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text()
    plain = parse_scenario(text, "rb.yaml")
    spelt = parse_scenario(text, "rb.yaml", ("units={}", "roles.supervisor.deputy=supervisor"))
    assert scenario_hash(spelt) == scenario_hash(plain)
    moved = parse_scenario(text, "rb.yaml", ("roles.supervisor.max_span=7",))
    assert scenario_hash(moved) != scenario_hash(plain)
