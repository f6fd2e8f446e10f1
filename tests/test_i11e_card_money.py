"""Issue 11 (trial e): money on the plan card by one rule, as counts are.

Three significant digits at the card's one scale (sim.money_scales): every amount a month
of one compact magnitude has the same decimals wherever it appears on the card, and a
sum's total is worked out from the unrounded figures (the card's note says rounded parts
may miss it), never written with decimals added to make it add up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimizer import plan, plan_card
from teamsim.io import load_scenario
from teamsim.plan_card_view import ROUNDING_NOTE, role_rows

ROOT = Path(__file__).resolve().parent.parent
AMOUNT = re.compile(r"(?:RUB\xa0|\$|€)\d[\d,]*(?:\.(\d+))?([KMB])")


def _card_texts(name: str) -> list[str]:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    texts: list[str] = []
    for rc in card.roles:
        rows = role_rows(card, rc.role)
        texts += list(rows["a month"]) + list(rows["how"])
    return texts


@pytest.mark.parametrize("name", ["retail_bank", "b2b_smb", "auto_credit_partners"])
def test_every_amount_a_month_of_one_scale_has_the_same_decimals(name: str) -> None:
    decimals: dict[str, set[int]] = {}
    for text in _card_texts(name):
        for match in AMOUNT.finditer(text):
            decimals.setdefault(match.group(2), set()).add(len(match.group(1) or ""))
    assert decimals
    assert all(len(d) == 1 for d in decimals.values()), decimals


def test_the_trials_amounts_read_at_one_scale() -> None:
    retail = "\n".join(_card_texts("retail_bank"))
    # Not "RUB 1.33424M = ... RUB 0.51755M + ... RUB 0.81668M" nor "RUB 0.606M + RUB 0.87M".
    assert "RUB\xa00.61M + revenue Payroll projects RUB\xa00.87M" in retail
    assert not re.search(r"RUB\xa0\d+\.\d{3,}M", retail)
    b2b = "\n".join(_card_texts("b2b_smb"))
    # Not "deal value $12K" beside "deal value $20.0K".
    assert "deal value $12.0K" in b2b and "deal value $20.0K" in b2b
    assert "deal value $12K" not in b2b
    assert "amounts" in ROUNDING_NOTE and "may not add up" in ROUNDING_NOTE
