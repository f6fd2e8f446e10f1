"""The plan card's counts by one rule a head reads (issue 11, fresh-user trial d).

The trial read "deals entering 10.3717": decimals were added to counts until sums added
up. Now every count on the card (a month, a day at work, a week, and in every how) is
written to three significant digits from its unrounded value (whole numbers from 100, at
most two decimals), a sum's total is the unrounded sum so written, and the card says that
rounded parts may miss their total in the last digit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from optimizer import plan, plan_card
from teamsim.format import count_digits, fmt_count
from teamsim.io import load_scenario
from teamsim.plan_card_view import (
    ROUNDING_NOTE,
    line_text,
    plan_card_json,
    render_plan_card,
    role_rows,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2315.4065, "2,315"),  # a whole part is never rounded
        (342.925, "343"),
        (285.673, "286"),
        (99.96, "100"),  # three significant digits of the rounded value, not "100.0"
        (48.35, "48.4"),
        (10.3717, "10.4"),  # the trial's figure
        (4.6397, "4.64"),
        (0.0265, "0.03"),  # at most two decimals
        (0.0, "0"),
    ],
)
def test_a_count_reads_three_significant_digits(value: float, text: str) -> None:
    assert fmt_count(value) == text
    assert count_digits(value) == len(text.partition(".")[2])


@pytest.fixture(scope="module")
def bank_card():
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    return plan_card(plan(sc, marginals=False), sc)


def test_every_count_on_the_bank_card_is_written_by_the_rule(bank_card) -> None:
    card = bank_card
    counts = [x for x in card.lines if x.unit == "count"]
    assert counts
    for rc in card.roles:
        rows = role_rows(card, rc.role)
        lines = [x for x in card.lines if x.role == rc.role]
        for line, (_, row) in zip(lines, rows.iterrows(), strict=True):
            if line.unit != "count":
                continue
            # The month, the day and the week, each from its own unrounded value.
            assert row["a month"] == fmt_count(line.per_month), row["what"]
            assert row["a day at work"] == fmt_count(line.per_person_day), row["what"]
            assert row["a week"] == fmt_count(line.per_person_week), row["what"]
            # Every count term of the how likewise, and the how repeats the month figure.
            text = line_text(line, card.currency, card.locale)
            assert text.partition(" = ")[0].endswith(" " + fmt_count(line.per_month))
            for term in (t for t in line.terms if t.unit == "count"):
                assert f"{term.name} {fmt_count(term.value)}" in text, text
    # The trial's supervisor line: 10.3717 deals entering reads 10.4 in its row and in
    # the leads' sum, and the sum's total is the unrounded sum written (14.7253: 14.7).
    rows = role_rows(card, "supervisor").set_index("what")
    assert rows.loc["deals entering, Consumer loans", "a month"] == "10.4"
    leads = rows.loc["leads", "how"]
    assert leads.startswith("leads 14.7 = deals entering Consumer loans 10.4 + ")
    # No count anywhere on the card carries a third decimal, nor a decimal from 100 up.
    for rc in card.roles:
        for _, row in role_rows(card, rc.role).iterrows():
            for cell in (row["a month"], row["a day at work"], row["a week"]):
                if cell[:1].isdigit():
                    whole, _, decimals = cell.replace(",", "").partition(".")
                    assert len(decimals) <= 2 and not (int(whole) >= 100 and decimals), cell


def test_a_sum_of_counts_is_the_unrounded_sum_and_the_card_says_parts_may_miss(
    bank_card,
) -> None:
    card = bank_card
    sums = [x for x in card.lines if x.op == "+" and x.unit == "count" and len(x.terms) > 1]
    assert sums
    missed = 0
    for line in sums:
        assert line.per_month == pytest.approx(sum(t.value for t in line.terms))
        written = sum(float(fmt_count(t.value).replace(",", "")) for t in line.terms)
        missed += written != float(fmt_count(line.per_month).replace(",", ""))
    # The supervisor's dials: 392 = 103 + 145 + 145 (393 as written): the note is needed.
    assert missed
    console = Console(width=200, record=True)
    console.print(render_plan_card(card))
    said = " ".join(console.export_text().split())
    assert ROUNDING_NOTE in said
    assert "rounded parts may not add up to their total" in ROUNDING_NOTE
    assert plan_card_json(card)["note"] == ROUNDING_NOTE
