"""Issue 11: a malformed YAML scenario gives file, line, column, the line with a caret, a hint.

Each case breaks the small valid scenario of ``tests.scenario_texts`` one way a person
editing it by hand does, then runs ``teamsim validate`` on the file: exit 2, no
traceback, the spot where the trouble starts (an unclosed quote or bracket where it
opens, not at the end of the file), the offending line as the file has it, a caret
under the column, and what to do in words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.errors import ScenarioError
from sim.scenario.loader import parse_scenario
from teamsim.cli import app
from tests.scenario_texts import BASE

runner = CliRunner()

# (case, text in BASE, its replacement, expected line, column, the line as shown, hint words)
CASES = [
    (
        "indentation",
        "  horizon_days: 40\n  warmup_days: 5\n",
        "  horizon_days: 40\n   warmup_days: 5\n",
        7,
        4,  # the line's first character: it is the indentation that is wrong
        "   warmup_days: 5",
        "indented by 3 spaces under a line of 2",
    ),
    (
        "tab",
        "  warmup_days: 5\n",
        "\twarmup_days: 5\n",
        7,
        1,
        "\twarmup_days: 5",
        "YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "unclosed_quote",
        "name: Tiny team\n",
        'name: "Tiny team\n',
        1,
        7,  # where the quote opens, not line 8 where PyYAML trips over the next '"'
        'name: "Tiny team',
        'the quote " opened on line 1 is not closed on its line, so the value runs on to '
        'line 8: end the value with " on the same line',
    ),
    (
        "unclosed_bracket",
        "    personas: {steady: 0.6, slow: 0.4}\n",
        "    personas: {steady: 0.6, slow: 0.4\n",
        30,
        15,
        "    personas: {steady: 0.6, slow: 0.4",
        "the { opened here is not closed",
    ),
    (
        "list_item_in_a_mapping",
        "seed: 7\n",
        "seed: 7\n- 8\n",
        4,
        1,
        "- 8",
        "start a list item with '- ' only under a field ending in ':'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "shown", "hint"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_validate_points_at_the_spot(
    tmp_path: Path, old: str, new: str, line: int, column: int, shown: str, hint: str
) -> None:
    assert old in BASE
    bad = tmp_path / "team.yaml"
    text = BASE.replace(old, new, 1)
    bad.write_text(text, encoding="utf-8")
    assert text.splitlines()[line - 1] == shown  # the case says what the file holds
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    errors = [i for i, text_line in enumerate(lines) if text_line.startswith("error:")]
    assert len(errors) == 1, result.output
    first = errors[0]
    assert lines[first].startswith(f"error: {bad}:{line}:{column}: not valid YAML: ")
    assert hint in lines[first]
    # Under the message: the line as the file has it (a tab as one space) and a caret
    # under the column, both indented by two.
    assert lines[first + 1] == "  " + shown.replace("\t", " ")
    assert lines[first + 2] == "  " + " " * (column - 1) + "^"
    assert lines[first + 3] == "1 of 1 file invalid"


def test_the_problem_carries_column_and_line_text() -> None:
    text = BASE.replace("name: Tiny team\n", "name: 'Tiny team\n", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.excerpt) == (1, 7, "name: 'Tiny team")
    assert str(problem).startswith("t.yaml:1:7: not valid YAML: ")
    assert "the quote ' opened here is never closed" in str(problem)
    assert "\n" not in str(problem)  # one line a problem; the pointer is apart
    assert problem.pointer() == ("  name: 'Tiny team", "        ^")


def test_nesting_too_deep_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    # PyYAML recurses once per '[': thousands of them ran out of Python's stack and
    # printed a RecursionError's traceback.
    bad = tmp_path / "deep.yaml"
    bad.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    assert f"error: {bad}: not valid YAML: lists or mappings are nested too deep" in result.output


def test_a_control_character_is_placed_by_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "ctrl.yaml"
    bad.write_text(BASE.replace("seed: 7", "seed: 7\x07", 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"error: {bad}:3:8: not valid YAML: character U+0007 is not allowed" in result.output


def test_simulate_says_the_same(tmp_path: Path) -> None:
    """Every command reads scenarios through one loader: simulate prints the same lines."""
    bad = tmp_path / "team.yaml"
    bad.write_text(BASE.replace("  warmup_days: 5\n", "\twarmup_days: 5\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(bad), "--no-save", "-n", "1"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("error:"))
    assert lines[start].startswith(f"error: {bad}:7:1: not valid YAML: ")
    assert lines[start + 1 : start + 3] == ["   warmup_days: 5", "  ^"]


def test_sweep_says_a_syntax_error_once_not_once_a_point(tmp_path: Path) -> None:
    bad = tmp_path / "team.yaml"
    bad.write_text(BASE.replace("  warmup_days: 5\n", "\twarmup_days: 5\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["sweep", str(bad), "--set", "seed=1,2,3", "--no-save"])
    assert result.exit_code == 2
    errors = [x for x in result.output.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {bad}:7:1: not valid YAML: ")
    assert "(point" not in errors[0]
