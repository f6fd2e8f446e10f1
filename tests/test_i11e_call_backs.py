"""Issue 11 (trial e): the plan card's "call-backs" factor is explained on the card and in
the glossary, by the code's own definition (sim.rules.calls.dial_economics)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from optimizer import plan, plan_card
from sim.rules.calls import dial_economics, dial_outcomes
from teamsim.io import load_scenario
from teamsim.plan_card_view import CALL_BACKS_NOTE, PER_PERSON_NOTE, render_plan_card, role_rows

ROOT = Path(__file__).resolve().parent.parent


def test_the_call_backs_factor_is_defined_on_the_card_and_in_the_glossary() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    console = Console(width=400, record=True)
    console.print(render_plan_card(card))
    text = " ".join(console.export_text().split())
    assert "call-backs 1.25" in " ".join(role_rows(card, "client_manager")["how"])
    assert " ".join(CALL_BACKS_NOTE.split()) in text
    assert CALL_BACKS_NOTE in PER_PERSON_NOTE  # the dashboard's caption says it too
    # The code's definition: conversations a dial / (connects x conversations per connect)
    # = 1 / (1 - follow_up): 1 / (1 - 0.2) = 1.25 on the bank's payroll channel.
    o = dial_outcomes(sc, "payroll_client_staff")
    factor = dial_economics(sc, "payroll_client_staff").conversations / (o.connect * o.conversation)
    assert factor == pytest.approx(1 / (1 - sc.calls.follow_up_given_conversation)) == 1.25
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert "**call-backs factor**" in glossary and "`1 / (1 - f)`" in glossary
