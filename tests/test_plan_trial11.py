"""Issue 11, a fresh user's trial of `plan`: numbers a head reads at face value.

"plan" is always the scenario's own plan (the margin-raised figure is named as such); a
recommended quota never exceeds the limit beside it; the card's week and sums redo by
hand; one measure, one figure; naive quotas only where a role dials.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import CardLine, plan, plan_card
from optimizer.card import Term
from optimizer.extract import sized_plan_text
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_card_view import days_note, line_text
from tests.optimizer_helpers import merge, scenario, tiny

ROOT = Path(__file__).resolve().parent.parent


def _raised(data: dict[str, object], factor: float) -> dict[str, object]:
    """The scenario's plan raised by a margin, as the verify loop gives it the optimiser."""
    sc = scenario(data)
    raised = [v * factor for v in sc.plan.revenue_per_month]
    return merge(data, {"plan.revenue_per_month": raised})


def test_the_raised_plan_is_never_called_the_plan() -> None:
    assert sized_plan_text(30e6, 1.0, "RUB", "ru_RU") == "the sales plan (30\xa0млн\xa0₽ a month)"
    assert sized_plan_text(36.8e6, 1.23, "RUB", "ru_RU") == (
        # ru_RU's percent by Babel: a no-break space before the sign (issue 11, i11f).
        "the sales plan with its +23\xa0% margin (36,8\xa0млн\xa0₽ a month)"
    )
    data = merge(tiny(), {"currency": "EUR"})
    bare = plan(scenario(data))
    raised = plan(scenario(_raised(data, 1.25)), plan_factor=1.25)
    (given,) = [x.text for x in bare.limits if x.family == "plan"]
    (sized,) = [x.text for x in raised.limits if x.family == "plan"]
    assert given.startswith("the sales plan (")
    assert sized.startswith("the sales plan with its +25 % margin (")


def test_verify_json_names_the_plan_and_the_sized_for_apart() -> None:
    args = ["plan", str(ROOT / "scenarios" / "retail_bank.yaml"), "--verify", "--json"]
    args += ["--replications", "3", "--iterations", "2", "--workers", "1", "--no-save"]
    args += ["--set", "calendar.horizon_days=65"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 3), result.output
    data = json.loads(result.stdout)
    card, final = data["plan_card"], data["plan"]
    assert final["plan_per_month"] == card["plan_per_month"] == 30e6
    assert final["sized_for_per_month"] == pytest.approx(card["sized_for"])
    assert final["expected_attainment"] == pytest.approx(card["expected_attainment"])
    factor = data["iterations"][-1]["plan_factor"]
    assert card["sized_for"] == pytest.approx(30e6 * factor, rel=1e-9)
    texts = [x["text"] for x in final["limits"] if x["family"] == "plan"]
    for text in texts:
        if abs(factor - 1) > 1e-9:
            assert text.startswith(f"the sales plan with its {100 * (factor - 1):+.0f} % margin")
        else:
            assert text.startswith("the sales plan (30")


def test_a_cap_is_named_as_the_user_wrote_it() -> None:
    from optimizer.card import QuotaLine
    from teamsim.plan_card_view import quota_text

    q = QuotaLine(
        role="supervisor",
        today=6,
        today_source="policies.call_quota_per_day x selling share",
        planned=10.2,
        recommended=11,
        cap=12,
        planned_cap=10.2,
        held_by_cap=True,
        cap_source="policies.max_calls_per_day 60 x selling share 20 %",
        planned_cap_source=(
            "policies.occupancy_cap 85 % x policies.max_calls_per_day 60 x selling share 20 %"
        ),
    )
    assert quota_text(q) == (
        "today's quota 6 (policies.call_quota_per_day x selling share); recommended quota "
        "11 (the planned dials a day 10.2 rounded up); held by the most a plan may ask on "
        "average, 10.2 = "
        "policies.occupancy_cap 85 % x policies.max_calls_per_day 60 x selling share 20 %, "
        "not by the day; a day's quota of 11 stays within your policies.max_calls_per_day 60 "
        "x selling share 20 % = 12"
    )
    at_cap = QuotaLine(**{**q.__dict__, "planned": 12.0, "recommended": 12})
    assert quota_text(at_cap).endswith(
        "held by your policies.max_calls_per_day 60 x selling share 20 % = 12, not by the day"
    )


def _sum_line(per_month: float, terms: list[float], unit: str) -> CardLine:
    names = ("revenue smb core", "revenue smb expansion")
    return CardLine(
        role="ae",
        step="revenue",
        name="revenue" if unit == "currency" else "leads",
        segment="",
        channel="",
        in_person=False,
        target=False,
        unit=unit,
        per_month=per_month,
        per_person_day=0.0,
        per_person_week=0.0,
        op="+",
        terms=tuple(Term(n, v, unit) for n, v in zip(names, terms, strict=True)),
    )


def test_a_sum_is_written_by_the_one_rule_for_its_figures() -> None:
    # The trial's b2b card: $324.4K = $290K + $34.9K mixed decimals in one sum. Money
    # follows the rule counts follow (issue 11, trial e): three significant digits at the
    # sum's one scale, the total from the unrounded figures; the card's note says rounded
    # parts may miss it in the last digit (324 against 290 + 35 = 325).
    money = _sum_line(324_400.0, [289_500.0, 34_900.0], "currency")
    assert line_text(money, "USD") == (
        "revenue $324K = revenue smb core $290K + revenue smb expansion $35K"
    )
    # Counts keep the card's one rule, three significant digits, each worked out from the
    # unrounded figures (issue 11, trial d): 112.77 = 91.03 + 21.74 reads 113 = 91.0 +
    # 21.7, no decimals added to make it add up (the card's note says parts may miss).
    counts = _sum_line(112.77, [91.03, 21.74], "count")
    assert line_text(counts, "USD") == (
        "leads 113 = revenue smb core 91.0 + revenue smb expansion 21.7"
    )


def test_a_week_is_a_day_times_the_factor_the_note_states() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    # 4.92 working days a week: the calendar's working days a year x 7 / 365.25.
    assert card.days_per_week == pytest.approx(sc.calendar.working_days_per_year * 7 / 365.25)
    assert f"{card.days_per_week:.2f} a week" in days_note(card)
    assert days_note(card).startswith(f"{card.days_per_month:.1f} working days a month, ")
    for line in card.lines:
        assert line.per_person_week == pytest.approx(line.per_person_day * card.days_per_week)


def test_naive_quota_only_where_a_role_dials_and_for_its_selling_share() -> None:
    sc = load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")
    roles = {r.role: r for r in plan(sc, marginals=False).roles}
    assert roles["account_executive"].naive_dials_per_day == 0.0  # dials nothing
    data = merge(tiny(), {"roles.seller.selling_share": 0.2})
    seller = plan(scenario(data), marginals=False).roles[0]
    # 480 available minutes / a 2-minute conversation x 20 % selling share = 48.
    assert seller.naive_dials_per_day == pytest.approx(480 / 2 * 0.2)


def test_design_month_says_when_every_month_has_the_same_plan() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    assert card.design == "every month's plan is the same"
    data = merge(tiny(), {"calendar.horizon_days": 80})
    data = merge(data, {"plan.revenue_per_month": [100.0 * (i + 1) for i in range(12)]})
    sc2 = scenario(data)
    assert plan_card(plan(sc2, marginals=False), sc2).design == "the month with the highest plan"
