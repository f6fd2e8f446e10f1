"""Issue 11 (trial): a slashed date in a scenario is named with every reading it has.

"write YYYY-MM-DD, e.g. 2027-03-01" for 01/03/2027 told a US reader (3 January) the
wrong date. The rule of which readings a slashed date allows is one function
(sim.scenario.slash_date_orders), which calibrate's date columns use as well.
"""

from __future__ import annotations

import pytest

from calibrate.dates import DATE_ORDERS
from sim import ScenarioError
from sim.scenario import parse_scenario, slash_date_orders
from tests.scenario_texts import BASE


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "01/03/2027",
            "01/03/2027 reads as 1 March 2027 or 3 January 2027: write YYYY-MM-DD "
            "(2027-03-01 or 2027-01-03)",
        ),
        ("13/03/2027", "13/03/2027 reads as 13 March 2027: write YYYY-MM-DD (2027-03-13)"),
        ("03/13/2027", "03/13/2027 reads as 13 March 2027: write YYYY-MM-DD (2027-03-13)"),
        ("01/01/2027", "01/01/2027 reads as 1 January 2027: write YYYY-MM-DD (2027-01-01)"),
        ("13/13/2027", "write YYYY-MM-DD, e.g. 2027-03-01"),
    ],
)
def test_a_slashed_start_names_its_readings(written: str, said: str) -> None:
    text = BASE.replace("start: 2027-01-04", f"start: {written}", 1)
    assert text != BASE
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml")
    assert f"calendar.start: expected a date, got '{written}'; {said}" in str(caught.value)


def test_the_rule_of_readings() -> None:
    assert slash_date_orders(1, 3) == ("dmy", "mdy")
    assert slash_date_orders(13, 3) == ("dmy",)
    assert slash_date_orders(3, 13) == ("mdy",)
    assert slash_date_orders(13, 13) == ()
    assert set(DATE_ORDERS) == {"dmy", "mdy"}
