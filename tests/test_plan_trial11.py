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

from optimizer import plan
from optimizer.extract import sized_plan_text
from teamsim.cli import app
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
        "the sales plan with its +23 % margin (36,8\xa0млн\xa0₽ a month)"
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
