"""Every problem at once: an unknown reference is reported beside the field errors.

A trial wrote field errors and ``reports_to: teamlead`` (no such role) into one file;
``teamsim validate`` listed the field errors only, and the unknown role appeared once
they were fixed. The references are now checked on the raw mapping when a field fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import ScenarioError
from sim.scenario import parse_scenario
from sim.scenario.consistency import raw_references
from teamsim.cli import app
from tests.scenario_texts import BASE

# Two field errors (a negative cost, a connect rate written as a percentage) and an
# unknown role in reports_to.
BAD = (
    BASE.replace("    reports_to: lead\n", "    reports_to: teamlead\n")
    .replace("connect_rate: 0.3", "connect_rate: 30")
    .replace("monthly_cost: 6000", "monthly_cost: -5")
)
COST = "bad1.yaml:23: roles.lead.monthly_cost: expected greater than or equal to 0, got -5"
ROLE = (
    "bad1.yaml:27: roles.seller.reports_to: unknown role 'teamlead'; "
    "expected one of: head, lead, seller"
)


def _messages(text: str, overrides: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "bad1.yaml", list(overrides))
    return [str(p) for p in exc.value.problems]


def test_an_unknown_role_is_reported_with_the_field_errors() -> None:
    found = _messages(BAD)
    assert len(found) == 3
    assert found[0] == COST
    assert found[1].startswith("bad1.yaml:36: channels.warm_list.connect_rate: ")
    assert found[2] == ROLE


def test_alone_the_unknown_role_reads_the_same() -> None:
    # The typed check (sim.scenario.consistency) and the raw one say the same thing.
    assert _messages(BASE.replace("    reports_to: lead\n", "    reports_to: teamlead\n")) == [ROLE]


def test_unknown_segment_channel_deputy_and_persona_beside_a_field_error() -> None:
    text = (
        BASE.replace("monthly_cost: 4000", "monthly_cost: lots")
        .replace("    deputy: head\n", "    deputy: boss\n")
        .replace("channels: [warm_list, cold_list]", "channels: [warm_list, cold_lsit]")
        .replace("personas: {steady: 0.6, slow: 0.4}", "personas: {steady: 0.6, slw: 0.4}")
        .replace("  seller:\n", "  seller:\n    segments: [loans]\n")
    )
    found = _messages(text)
    assert found[0].startswith("bad1.yaml:30: roles.seller.monthly_cost: expected a valid number")
    assert found[1:] == [
        "bad1.yaml:21: roles.lead.deputy: unknown role 'boss'; expected one of: head, lead, seller",
        "bad1.yaml:25: roles.seller.segments.0: unknown segment 'loans'; expected one of: loan",
        "bad1.yaml:31: roles.seller.personas.slw: unknown persona 'slw'; expected one of: "
        "slow, steady",
        "bad1.yaml:53: segments.loan.channels.1: unknown channel 'cold_lsit'; expected one "
        "of: cold_list, warm_list, web",
    ]


def test_a_reference_set_on_the_command_line_names_the_override() -> None:
    found = _messages(BASE.replace("monthly_cost: 6000", "monthly_cost: -5"),
                      ("roles.seller.reports_to=teamlead",))  # fmt: skip
    assert found[-1] == (
        "--set roles.seller.reports_to=teamlead: roles.seller.reports_to: unknown role "
        "'teamlead'; expected one of: head, lead, seller"
    )


def test_misshapen_sections_are_left_to_their_field_errors() -> None:
    assert raw_references({"roles": ["a", "b"], "segments": 3}) == []
    assert raw_references({"roles": {"a": 1, "b": {"reports_to": 7, "channels": "x"}}}) == []
    [problem] = raw_references({"roles": {"b": {"reports_to": "c"}}})
    assert problem.path == ("roles", "b", "reports_to")
    assert problem.message == "unknown role 'c'; expected one of: b"


def test_validate_lists_every_problem_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad1.yaml"
    path.write_text(BAD, encoding="utf-8")
    run = CliRunner().invoke(app, ["validate", str(path)])
    assert run.exit_code == 2
    lines = [line.removeprefix("error: ") for line in run.output.splitlines() if line]
    where = str(path)
    assert (
        f"{where}:23: roles.lead.monthly_cost: expected greater than or equal to 0, got -5" in lines
    )
    assert ROLE.replace("bad1.yaml", where) in lines
    assert "Traceback" not in run.output
