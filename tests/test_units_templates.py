"""Team templates (issue 14, stage U7): units instantiating a template, as sugar for flat roles.

tests/data/two_branches_template.yaml is tests/data/two_branches.yaml written with a
template "branch" that North and South instantiate with their own headcounts. Both must
validate to one scenario; a problem in a made role names the line the file wrote the value
on (the template's, or the unit's headcount); ``--set`` reaches a made role through its
unit. Line numbers are the file's: it says to edit it with care.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import Problem, ScenarioError, dotted
from sim.runner import scenario_hash
from sim.scenario import Scenario, parse_scenario, place_problem
from sim.scenario.yamlmap import parse_with_nodes
from tests.units_helpers import only, problems_in

ROOT = Path(__file__).resolve().parent.parent
FLAT = (ROOT / "tests" / "data" / "two_branches.yaml").read_text(encoding="utf-8")
TEXT = (ROOT / "tests" / "data" / "two_branches_template.yaml").read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def templated(*overrides: str, text: str = TEXT) -> Scenario:
    return parse_scenario(text, "net.yaml", overrides)


def problems_of(*overrides: str, text: str = TEXT) -> list[Problem]:
    return problems_in(text, overrides)


def at_line(problem: Problem, line: int, starts: str) -> None:
    """The problem names the file and ``line``, and that line is the one meant."""
    assert (problem.source, problem.line) == ("net.yaml", line), str(problem)
    assert LINES[line - 1].strip().startswith(starts), LINES[line - 1]


def test_a_templated_file_is_its_hand_written_twin() -> None:
    flat = parse_scenario(FLAT, "flat.yaml")
    made = templated()
    assert made == flat
    assert made.model_dump() == flat.model_dump()
    assert scenario_hash(made) == scenario_hash(flat)
    # File order too: person ids and every table follow it.
    assert (
        list(made.roles)
        == list(flat.roles)
        == [
            "regional_head",
            "north__team_lead",
            "north__client_manager",
            "south__team_lead",
            "south__client_manager",
        ]
    )
    cm = made.roles["south__client_manager"]
    assert (cm.unit, cm.reports_to, cm.deputy) == (
        "south",
        "south__team_lead",
        "south__client_manager",
    )
    assert made.roles["north__team_lead"].reports_to == "regional_head"  # outside: kept
    assert cm.headcount.current == 5 and made.roles["north__client_manager"].headcount.current == 7


def test_the_dump_is_flat_and_validates_to_itself() -> None:
    sc = templated()
    dumped = sc.model_dump()
    assert "templates" not in dumped
    assert dumped["units"]["north"] == {
        "title": "North branch",
        "parent": "region_a",
        "shares_with": [],
        "fallback": [],
        "plan": None,
    }
    assert Scenario.model_validate(dumped) == sc
    assert scenario_hash(Scenario.model_validate(dumped)) == scenario_hash(sc)


def test_a_templated_mapping_validated_directly_is_the_same_scenario() -> None:
    data, _ = parse_with_nodes(TEXT)
    assert Scenario.model_validate(data) == templated()
    data["units"]["south"]["template"] = "brunch"
    with pytest.raises(ScenarioError) as info:
        Scenario.model_validate(data)
    problem = only(info.value.problems)
    assert dotted(problem.path) == "units.south.template"


def test_a_made_roles_title_is_the_templates_and_the_units() -> None:
    text = TEXT.replace('      team_lead: {title: "Team lead, South"}\n', "")
    assert templated(text=text).roles["south__team_lead"].title == "Team lead, South branch"
    untitled = text.replace("    title: South branch\n", "")
    assert templated(text=untitled).roles["south__team_lead"].title == "Team lead, south"


def test_staff_successors_and_handover_are_the_units_own() -> None:
    text = TEXT.replace(
        "        deputy: client_manager\n",
        "        deputy: client_manager\n        handover: team_lead\n"
        "        staff: [{successor: client_manager.02}, {successor: team_lead}]\n",
    )
    cm = templated(text=text).roles["north__client_manager"]
    assert cm.handover == "north__team_lead"
    assert [s.successor for s in cm.staff] == ["north__client_manager.02", "north__team_lead"]


def test_an_error_in_a_template_names_its_line_and_the_made_roles() -> None:
    problem = only(problems_of(text=TEXT.replace("max_span: 8", "max_span: 0")))
    assert dotted(problem.path) == "templates.branch.roles.team_lead.max_span"
    assert problem.message == (
        "expected greater than or equal to 1, got 0 (in roles north__team_lead, south__team_lead)"
    )
    at_line(problem, 54, "max_span:")


def test_a_missing_field_of_a_template_role_points_at_the_role() -> None:
    problem = only(problems_of(text=TEXT.replace("        monthly_cost: 95000\n", "")))
    assert dotted(problem.path) == "templates.branch.roles.client_manager.monthly_cost"
    assert problem.message == (
        "required field is missing (in roles north__client_manager, south__client_manager)"
    )
    at_line(problem, 58, "client_manager:")


def test_a_units_headcount_error_names_the_units_line() -> None:
    text = TEXT.replace("{client_manager: {current: 7,", "{client_manager: {current: 70,")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.north.headcount.client_manager"
    assert problem.message == "expected min <= current <= max, got 3, 70, 15"
    at_line(problem, 33, "headcount:")


def test_a_units_change_to_a_role_names_the_units_line() -> None:
    text = TEXT.replace('{title: "Team lead, South"}', '{title: "Team lead, South", max_span: 0}')
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.south.roles.team_lead.max_span"
    assert problem.message == "expected greater than or equal to 1, got 0"
    at_line(problem, 43, "team_lead:")


def test_a_warning_on_a_made_role_is_placed_in_the_template() -> None:
    problem = place_problem(TEXT, "net.yaml", ("roles", "south__team_lead", "max_span"), "too few")
    assert dotted(problem.path) == "templates.branch.roles.team_lead.max_span"
    assert problem.message == "too few (in role south__team_lead)"
    at_line(problem, 54, "max_span:")
    sized = place_problem(TEXT, "net.yaml", ("roles", "north__client_manager", "headcount"), "x")
    assert dotted(sized.path) == "units.north.headcount.client_manager"
    at_line(sized, 33, "headcount:")


def test_set_a_units_headcount() -> None:
    sc = templated("units.south.headcount.client_manager=9")
    assert sc.roles["south__client_manager"].headcount.current == 9
    assert sc.roles["north__client_manager"].headcount.current == 7
    setting = "units.south.headcount.client_manager={current: 2, min: 3, max: 4}"
    problem = only(problems_of(setting))
    assert problem.source == f"--set {setting}"
    assert problem.message == "expected min <= current <= max, got 3, 2, 4"


def test_set_a_units_headcount_the_file_does_not_write() -> None:
    sc = templated("units.south.headcount.team_lead=2")
    assert sc.roles["south__team_lead"].headcount.current == 2
    assert sc.roles["north__team_lead"].headcount.current == 1


def test_set_on_a_made_role_goes_to_its_unit() -> None:
    sc = templated(
        "roles.south__client_manager.headcount=9",
        "roles.south__team_lead.headcount.max=4",
        "roles.south__team_lead.monthly_cost=1",
        "roles.south__team_lead.absence.sick_days=3",
    )
    assert sc.roles["south__client_manager"].headcount.current == 9
    lead = sc.roles["south__team_lead"]
    assert (lead.headcount.current, lead.headcount.min, lead.headcount.max) == (1, 1, 4)
    assert lead.monthly_cost == 1 and lead.title == "Team lead, South"
    # Into a field the unit does not write: the template's value, changed where set.
    assert (lead.absence.sick_days, lead.absence.vacation_days) == (3, 20)
    assert sc.roles["north__team_lead"].monthly_cost == 150000
    problem = only(problems_of("roles.south__team_lead.headcount=-1"))
    assert problem.source == "--set roles.south__team_lead.headcount=-1"
    assert dotted(problem.path) == "units.south.headcount.team_lead.current"


def test_set_into_a_units_roles_knows_a_roles_fields() -> None:
    text = TEXT.replace('      team_lead: {title: "Team lead, South"}\n', "")
    lead = templated("units.south.roles.team_lead.absence.sick_days=3", text=text).roles[
        "south__team_lead"
    ]
    # A unit's field replaces the template's whole: the template's 20 vacation days go.
    assert (lead.absence.sick_days, lead.absence.vacation_days) == (3, 0)
    problem = only(problems_of("units.south.roles.team_lead.absense.sick_days=3", text=text))
    assert problem.message.startswith("no key 'absense' here; did you mean 'absence'?")
    typo = only(problems_of("units.south.roles.team_lead.max_spn=3"))
    assert dotted(typo.path) == "units.south.roles.team_lead.max_spn"
    assert typo.message == "unknown field 'max_spn'; did you mean 'max_span'?"


def test_an_unknown_template_names_the_templates() -> None:
    problem = only(problems_of("units.south.template=brunch"))
    assert dotted(problem.path) == "units.south.template"
    assert problem.message == "unknown template 'brunch'; expected one of: branch"


def test_a_headcount_for_a_role_the_template_lacks() -> None:
    problem = only(problems_of("units.south.headcount.client_managr=5"))
    assert dotted(problem.path) == "units.south.headcount.client_managr"
    assert problem.message == (
        "the unit's template has no role 'client_managr' (did you mean 'client_manager'?); "
        "expected one of: team_lead, client_manager"
    )
    text = TEXT.replace("{client_manager: {current: 5, min: 3, max: 15}}", "{cm: 5}")
    at_line(only(problems_of(text=text)), 41, "headcount:")


def test_a_made_role_clashing_with_a_written_one() -> None:
    text = TEXT.replace(
        "roles:\n  regional_head:",
        "roles:\n  north__team_lead: {level: lower, headcount: 1, monthly_cost: 1, unit: north}\n"
        "  regional_head:",
    )
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.north.template"
    assert problem.message == (
        "the template's role 'team_lead' would make role 'north__team_lead' for this unit, "
        "and a role written in roles: (roles.north__team_lead) has that id: rename one of them"
    )
    at_line(problem, 32, "template:")


def test_a_units_headcount_without_a_template() -> None:
    problem = only(problems_of("units.region_a.headcount.team_lead=2"))
    assert dotted(problem.path) == "units.region_a.headcount"
    assert problem.message == (
        "a unit's headcount is for the roles of its template, and this unit has none: write "
        "template: <id>, or write the unit's roles in roles: with unit: region_a"
    )


def test_a_template_holds_roles_and_channels_only() -> None:
    text = TEXT.replace("  branch:\n    roles:", "  branch:\n    duties: {}\n    roles:")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "templates.branch.duties"
    assert problem.message == "unknown field 'duties': a template holds roles and channels only"


def test_a_unit_id_that_is_not_an_id_is_one_error_not_a_cascade() -> None:
    """Its template's roles and channels would be 'b.4__...': every section naming one
    failed for it too (segments...lead_weight read 'expected a valid number')."""
    text = (Path(__file__).parent / "data" / "four_branches_span.yaml").read_text()
    text = text.replace("  b4: {title: Branch 4", "  b.4: {title: Branch 4")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad_unit.yaml")
    (problem,) = info.value.problems
    assert dotted(problem.path) == "units.b.4"
    assert problem.line == 33
    assert problem.message.startswith("expected an id: lower-case letters")
