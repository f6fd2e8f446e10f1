"""Two validation messages in the project's words (issue 11, Deliver 7; the fifth trial)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ScenarioError
from sim.scenario import parse_scenario

BANK = (Path(__file__).resolve().parent.parent / "scenarios" / "retail_bank.yaml").read_text(
    encoding="utf-8"
)


def _problems(override: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BANK, "bank.yaml", [override])
    return [p.message for p in caught.value.problems]


def test_a_headcount_in_words_says_to_write_a_number_or_its_mapping() -> None:
    assert _problems("roles.client_manager.headcount=five") == [
        "expected a number of people (e.g. 5) or {current: 5, min: 3, max: 8}, got 'five'"
    ]


def test_a_fractional_quota_says_whole_number_once() -> None:
    assert _problems("policies.call_quota_per_day=40.5") == ["expected a whole number, got 40.5"]
