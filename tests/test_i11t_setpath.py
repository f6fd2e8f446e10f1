"""Issue 11 (trial): ``--set`` into a key the file lacks names the model's fields there.

The file's own keys were listed, so an optional field the file leaves out (locale,
seasonality) was never offered; the closest field to the key written is named first.
"""

from __future__ import annotations

import pytest

from sim import ScenarioError
from sim.scenario import parse_scenario
from tests.scenario_texts import BASE


def _error(setting: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE, "s.yaml", [setting])
    assert len(caught.value.problems) == 1
    return caught.value.problems[0].message


def test_a_missing_top_key_lists_every_field_of_the_scenario() -> None:
    message = _error("nosuch.field=1")
    assert message.startswith("no key 'nosuch' here (the fields here are: ")
    fields = message.split(": ", 1)[1].rstrip(")").split(", ")
    assert {"locale", "seasonality", "calendar", "plan", "policies"} <= set(fields)
    assert "locale" not in BASE and "seasonality" not in BASE


def test_the_closest_field_is_named() -> None:
    assert _error("calender.start=2027-01-04").startswith(
        "no key 'calender' here; did you mean 'calendar'? (the fields here are: "
    )
    assert _error("plan.judgd.x=1") == (
        "no key 'judgd' here; did you mean 'judged_on'? "
        "(the fields here are: revenue_per_month, confidence, judged_on)"
    )


def test_a_missing_id_lists_the_files_ids() -> None:
    # Role ids are the user's: the file's own are what can be written.
    message = _error("roles.nobody.headcount=1")
    assert message.startswith("no key 'nobody' here (expected one of: ")
