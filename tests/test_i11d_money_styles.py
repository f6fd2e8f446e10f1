"""Amounts of one kind read in one style in one output (issue 11, fresh-user trial d).

The trial read "RUB 1.6M" (the header's and the final team's cost) beside "RUB 1.60M"
(the iterations' last row, the same number), and "RUB 30.0M" (the header's plan) beside
"RUB 30M" (the month table's) in one ``plan --verify``. The first plan's cost ("RUB
1.42M", iteration 1) is a different number: the iterations' note says which row is which.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from optimizer import plan_card, verify
from teamsim.commands.plan import render
from teamsim.io import load_scenario
from teamsim.plan_met_view import render_plan_met_tables
from teamsim.verify_view import ITERATIONS_NOTE, iterations_cost_scale, render_verified_tables

ROOT = Path(__file__).resolve().parent.parent


def _text(*shown: object) -> str:
    console = Console(width=250, record=True)
    for x in shown:
        console.print(x)
    return console.export_text()


@pytest.fixture(scope="module")
def bank_verified():
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    return sc, verify(sc, replications=2, max_iterations=2, workers=1)


def test_team_costs_of_a_verify_output_share_one_scale(bank_verified) -> None:
    sc, verified = bank_verified
    table = verified.iterations_table().iloc[[0]]
    # The first plan at its real cost, then a final team of RUB 1,600,000 (the trial's):
    # alone, 1.6M drops its zero; among the iterations' costs it keeps it.
    first = float(table["cost_per_month"].iloc[0])
    assert round(first, -4) == 1_420_000
    two = pd.concat([table, table.assign(iteration=2, cost_per_month=1_600_000.0)])
    two = two.reset_index(drop=True)
    text = _text(
        render_verified_tables(sc, met=True, reason="r", iterations=two, quotas=pd.DataFrame())
    )
    assert "; cost RUB\xa01.60M a month" in text  # the final team's line
    rows = [x for x in text.splitlines() if "line" in x and "│" in x]
    assert [("RUB\xa01.42M" in r, "RUB\xa01.60M" in r) for r in rows] == [
        (True, False),
        (False, True),
    ]
    assert "RUB\xa01.6M" not in text
    # Which row is which: the first plan, and the final team whose cost the header gives.
    assert "Iteration 1 is the optimiser's first plan" in ITERATIONS_NOTE
    assert " ".join(ITERATIONS_NOTE.split()) in " ".join(text.split())
    # The header of the final plan says its cost in the iterations' scale too: the final
    # team of RUB 1,600,000 reads "RUB 1.60M" there as in the table (alone, "RUB 1.6M").
    final = dataclasses.replace(verified.final.plan, cost_per_month=1_600_000.0)
    card = plan_card(final, sc, verified.final.plan_factor)
    alone = _text(render(final, card, sc.money_locale, scenario=sc))
    assert "team cost RUB\xa01.6M a month" in alone  # the style the trial saw
    scale = iterations_cost_scale(two, sc)
    head = _text(render(final, card, sc.money_locale, scenario=sc, cost_scale=scale))
    assert "team cost RUB\xa01.60M a month" in head


def test_the_dashboard_iterations_and_final_cost_share_one_scale(bank_verified) -> None:
    from dashboard.views.plan import _iterations

    sc, verified = bank_verified
    table = verified.iterations_table().iloc[[0]]
    two = pd.concat([table, table.assign(iteration=2, cost_per_month=1_600_000.0)])
    shown = _iterations(two.reset_index(drop=True), sc)
    assert list(shown["Cost a month"]) == ["RUB\xa01.42M", "RUB\xa01.60M"]


def test_the_month_table_writes_plan_and_revenue_in_one_scale(bank_verified) -> None:
    sc, verified = bank_verified
    months = pd.DataFrame(
        {
            "label": ["2027-03", "2027-04"],
            "plan": [30e6, 30e6],
            "revenue": [34.3e6, 35.4e6],
            "attainment": [1.143, 1.179],
            "p10": [0.89, 0.927],
            "p90": [1.443, 1.473],
            "p_met": [0.8, 0.75],
        }
    )
    text = _text(render_plan_met_tables(sc, [], months))
    # The plan as the verified header writes it beside the sized-for and expected revenue.
    assert text.count("RUB\xa030.0M") == 2 and "RUB\xa030M " not in text
    assert "RUB\xa034.3M" in text
    final = verified.final.plan
    card = plan_card(final, sc, verified.final.plan_factor)
    assert "plan RUB\xa030.0M; sized for " in _text(
        render(final, card, sc.money_locale, scenario=sc)
    )
