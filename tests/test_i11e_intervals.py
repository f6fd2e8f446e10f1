"""Issue 11: one unit per interval of durations (a difference and its bounds), CLI and dashboard."""

from __future__ import annotations

import re

import pytest

from dashboard.tables import _diff
from sim.scenario.loader import parse_scenario
from teamsim.commands.compare import _diff_cell
from teamsim.format import fmt_minutes, minutes_in_days
from tests.scenario_texts import BASE


def test_an_interval_chooses_days_once_from_its_largest_magnitude() -> None:
    assert minutes_in_days((-309.1, -1728.0, 1046.5))
    assert not minutes_in_days((-309.1, -700.0, 1046.5))
    assert not minutes_in_days((float("nan"),))
    assert fmt_minutes(-309.1, signed=True, days=True) == "-0.2 days"
    assert fmt_minutes(2000.0, days=False) == "2,000.0 min"
    assert fmt_minutes(2000.0) == "1.4 days"  # alone, by its own magnitude


def _units(text: str) -> set[str]:
    return set(re.findall(r"(min|days)\b", text))


@pytest.mark.parametrize(
    ("diff", "low", "high"), [(-309.1, -1728.0, 1046.5), (300.0, -200.0, 1500.0), (5.0, 1.0, 9.0)]
)
def test_the_dashboards_and_the_clis_intervals_have_one_unit(
    diff: float, low: float, high: float
) -> None:
    dashboard = _diff(diff, low=low, high=high, unit="min", currency="USD")
    scenario = parse_scenario(BASE)
    cli = _diff_cell(diff, low, high, "min", scenario, None)
    for text in (dashboard, cli):
        assert len(_units(text)) == 1, text
    assert dashboard.startswith("-0.2 days [-1.2 days") or diff != -309.1
