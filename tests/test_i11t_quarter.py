"""Issue 11 (trial): a plan judged on quarters with no whole quarter counted says so.

b2b_smb starts on 2027-01-04 with a 40-day warm-up: at 100 working days April 2027 is
the only counted month, so 'quarter' would judge one month as a quarter; at 200 days
April to June (2027 Q2) are all counted.
"""

from __future__ import annotations

from typer.testing import CliRunner

from sim.rules import rule_warnings
from teamsim.cli import app
from teamsim.io import load_scenario

SMB = "scenarios/b2b_smb.yaml"
QUARTER = "plan.judged_on=quarter"


def _messages(*sets: str) -> list[str]:
    return [message for _, message in rule_warnings(load_scenario(SMB, list(sets)))]


def test_one_counted_month_judged_as_a_quarter_is_named() -> None:
    found = [
        (path, message)
        for path, message in rule_warnings(
            load_scenario(SMB, [QUARTER, "calendar.horizon_days=100"])
        )
        if "quarter" in message
    ]
    assert found == [
        (
            ("plan", "judged_on"),
            "no whole quarter is counted: no calendar quarter has all three of its months "
            "among the counted months (2027-04), so P(plan met) judges a single month as a "
            "quarter; lengthen the horizon to hold a calendar quarter after the warm-up, "
            "or judge on month",
        )
    ]


def test_a_whole_quarter_or_a_month_rule_has_no_quarter_warning() -> None:
    assert not [m for m in _messages(QUARTER, "calendar.horizon_days=200") if "quarter" in m]
    assert not [m for m in _messages("calendar.horizon_days=100") if "quarter" in m]


def test_no_month_at_all_keeps_the_one_month_warning() -> None:
    messages = _messages(QUARTER, "calendar.horizon_days=80")
    assert len(messages) == 1 and messages[0].startswith("no whole calendar month")


def test_validate_prints_it_on_the_set_that_made_it() -> None:
    result = CliRunner().invoke(
        app,
        ["validate", SMB, "--set", QUARTER, "--set", "calendar.horizon_days=100"],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "warning: --set plan.judged_on=quarter: plan.judged_on: no whole quarter is counted" in text
    )
