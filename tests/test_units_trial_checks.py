"""A fresh user's mistakes in a network (issue 14): each said once, at its cause's line.

From a fresh-user trial of units and templates: a typo in a template-made role's --set
path, a unit id a --set path cannot hold, an empty units: mapping, a template no unit
uses, a unit naming itself in fallback or shares_with, and calibrate writing its fits into
a templated file. Line numbers are those of tests/data/two_branches*.yaml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from calibrate.contract import Calibration, Fit, Kept
from calibrate.writer import apply_fits
from sim import scenario_hash
from sim.errors import Problem, dotted
from sim.rules import rule_warnings
from sim.scenario import parse_scenario, place_problem
from tests.units_helpers import only, problems_in

DATA = Path(__file__).resolve().parent / "data"
FLAT = (DATA / "two_branches.yaml").read_text(encoding="utf-8")
TEMPLATED = (DATA / "two_branches_template.yaml").read_text(encoding="utf-8")
CHANNELS = (DATA / "two_branches_channels.yaml").read_text(encoding="utf-8")


def problems_of(text: str, *overrides: str) -> list[Problem]:
    return problems_in(text, overrides)


def line_of(text: str, line: int | None) -> str:
    assert line is not None
    return text.splitlines()[line - 1].strip()


# --- 1. a typo in a made role's id --------------------------------------------------------


def test_a_typo_in_a_made_roles_id_suggests_the_made_one() -> None:
    problem = only(problems_of(TEMPLATED, "roles.north__client_manger.headcount=10"))
    assert problem.source == "--set roles.north__client_manger.headcount=10"
    assert problem.message == (
        "no key 'north__client_manger' here; did you mean 'north__client_manager'? "
        "(expected one of: regional_head, north__team_lead, north__client_manager, "
        "south__team_lead, south__client_manager)"
    )


def test_an_unknown_role_lists_the_made_roles_too() -> None:
    problem = only(problems_of(TEMPLATED, "roles.beta__advisr.headcount=10"))
    assert "north__client_manager" in problem.message
    assert "did you mean" not in problem.message


def test_a_typo_in_a_made_channels_id_suggests_the_made_one() -> None:
    problem = only(problems_of(CHANNELS, "channels.north__walk_in.requests_per_day=3"))
    assert "did you mean 'north__walk_ins'?" in problem.message
    assert "south__partners" in problem.message


# --- 2. a unit id that is no id ------------------------------------------------------------


@pytest.mark.parametrize("bad", ["North", "north.b", "north b"])
def test_a_bad_unit_id_in_a_templated_file_is_said_once(bad: str) -> None:
    text = TEMPLATED.replace("\n  north:\n", f'\n  "{bad}":\n')
    problem = only(problems_of(text))
    assert problem.path == ("units", bad)
    assert line_of(text, problem.line).startswith(f'"{bad}":')
    assert problem.message == (
        f"expected an id: lower-case letters, digits and underscores, starting with a "
        f"letter, got {bad!r}"
    )


def test_a_bad_unit_id_in_a_flat_file_hides_the_roles_naming_it() -> None:
    text = FLAT.replace("  north: {", '  "North.B": {').replace("unit: north\n", "unit: North.B\n")
    assert text.count("North.B") == 3  # the unit and its two roles
    problem = only(problems_of(text))
    assert problem.path == ("units", "North.B")
    assert problem.line == 28
    assert problem.message == (
        "expected an id: lower-case letters, digits and underscores, starting with a letter, "
        "got 'North.B'"
    )


def test_a_bad_role_id_is_still_its_own_error() -> None:
    text = FLAT.replace("  north: {", '  "North.B": {').replace(
        "  regional_head:", "  Regional_head:"
    )
    assert {dotted(p.path) for p in problems_of(text)} >= {"units.North.B", "roles.Regional_head"}


# --- 3. an empty units: ---------------------------------------------------------------------


def _empty_units(text: str) -> str:
    start = text.index("\nunits:\n") + 1
    end = text.index("\n\n", start)
    return text[:start] + "units: {}" + text[end:]


@pytest.mark.parametrize("text", [FLAT, TEMPLATED], ids=["flat", "templated"])
def test_empty_units_is_said_first_and_alone(text: str) -> None:
    text = _empty_units(text)
    problem = only(problems_of(text))
    assert problem.path == ("units",)
    assert line_of(text, problem.line) == "units: {}"
    assert problem.message.startswith("units is empty, but ")
    assert "region_a" in problem.message


def test_empty_units_with_templates_names_them() -> None:
    problem = only(problems_of(_empty_units(TEMPLATED)))
    assert problem.message == (
        "units is empty, but roles or channels name units (region_a) and template branch is "
        "written for units to use: write each unit here (region_a: {title: ...}), or leave "
        "units out and no role or channel names one"
    )


def test_empty_units_keeps_other_errors() -> None:
    text = _empty_units(FLAT).replace("max_span: 6", "max_span: 0")
    problems = problems_of(text)
    assert [dotted(p.path) for p in problems] == ["units", "roles.regional_head.max_span"]


# --- 4. an unused template; a unit naming itself ------------------------------------------

SPARE = """templates:
  spare:                       # no unit uses it
    roles:
      advisor: {level: line, headcount: 2, monthly_cost: 90000}
"""


def test_an_unused_template_is_a_warning_at_its_line() -> None:
    text = TEMPLATED.replace("templates:\n", SPARE, 1)
    sc = parse_scenario(text, "net.yaml")
    # Kept out of the dump: the scenario run is the one without it.
    assert scenario_hash(sc) == scenario_hash(parse_scenario(TEMPLATED, "net.yaml"))
    assert "templates" not in sc.model_dump()
    warned = [(path, msg) for path, msg in rule_warnings(sc) if path[:1] == ("templates",)]
    assert warned == [
        (
            ("templates", "spare"),
            "no unit uses template 'spare', so it makes no roles or channels: name it in a "
            "unit (template: spare), or remove it",
        )
    ]
    placed = place_problem(text, "net.yaml", *warned[0])
    assert line_of(text, placed.line).startswith("spare:")
    assert rule_warnings(parse_scenario(TEMPLATED, "net.yaml")) == rule_warnings(
        parse_scenario(FLAT, "net.yaml")
    )


def test_an_unused_templates_mistake_is_an_error() -> None:
    text = TEMPLATED.replace("templates:\n", SPARE.replace("90000", "-5"), 1)
    problem = only(problems_of(text))
    assert dotted(problem.path) == "templates.spare.roles.advisor.monthly_cost"
    assert line_of(text, problem.line).startswith("advisor:")


@pytest.mark.parametrize("field", ["fallback", "shares_with"])
def test_a_unit_naming_itself_is_an_error_at_the_field(field: str) -> None:
    text = FLAT.replace(
        "north: {title: North branch, parent: region_a}",
        f"north: {{title: North branch, parent: region_a, {field}: [south, north]}}",
    )
    problem = only(problems_of(text))
    assert problem.path == ("units", "north", field, 1)
    assert problem.line == 28
    assert problem.message.startswith(f"unit 'north' names itself in its {field}")


# --- 5. calibrate's fits in a templated file -----------------------------------------------

PERIOD = (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-06-30"))


def _fit(path: tuple[str | int, ...], value: object) -> Fit:
    return Fit(path, value, n=10, low=None, high=None, note="fitted: test")


def test_fits_on_made_roles_are_written_to_their_unit() -> None:
    fits = (
        _fit(("roles", "north__client_manager", "headcount", "current"), 9),
        _fit(("roles", "south__team_lead", "absence", "vacation_days"), 25),
        _fit(("roles", "north__team_lead", "headcount"), 2),
        _fit(("roles", "regional_head", "monthly_cost"), 270000),
    )
    kept = (Kept(("roles", "south__client_manager", "headcount", "current"), "no team file"),)
    text = apply_fits(TEMPLATED, Calibration(fits, kept, (), pd.DataFrame(), PERIOD))
    sc = parse_scenario(text, "calibrated.yaml")
    roles = sc.roles
    north = roles["north__client_manager"].headcount
    assert (north.current, north.min, north.max) == (9, 3, 15)
    assert roles["south__team_lead"].absence.vacation_days == 25
    assert roles["south__team_lead"].absence.sick_days == 6  # the template's, kept
    assert roles["north__team_lead"].absence.vacation_days == 20  # North's untouched
    assert roles["north__team_lead"].headcount.current == 2
    assert roles["south__team_lead"].headcount.current == 1  # the template's untouched
    assert roles["regional_head"].monthly_cost == 270000
    assert "__" not in text.partition("\nroles:\n")[2].partition("\nchannels:")[0]
    # The kept value's note is beside the unit's headcount, where the file writes it.
    south = text.partition("\n  south:\n")[2]
    assert re.search(r"\n +current: 5 +# not calibrated: assumption kept \(no team file\)", south)


def test_fits_on_made_channels_are_written_to_their_unit() -> None:
    fits = (_fit(("channels", "south__walk_ins", "requests_per_day"), 4.5),)
    text = apply_fits(CHANNELS, Calibration(fits, (), (), pd.DataFrame(), PERIOD))
    sc = parse_scenario(text, "calibrated.yaml")
    assert sc.channels["south__walk_ins"].requests_per_day == 4.5
    assert sc.channels["north__walk_ins"].requests_per_day == 10
