"""Issue 11: every KPI has a one-line definition beside its figure (Kpi.definition).

The export's KPI sheet (tests/test_i11e_export_defined.py) and the dashboard's headline
metrics read it; P(plan met)'s follows the scenario's plan.judged_on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.views.simulate import HEADLINE
from sim import KPIS
from sim.scenario import JudgedOn
from teamsim.io import load_scenario
from teamsim.plan_met_view import definition, kpi_definition

BANK = Path("scenarios/retail_bank.yaml")


def test_every_kpi_has_its_own_line() -> None:
    lines = [k.definition for k in KPIS]
    assert all(line.strip() for line in lines)
    # No two KPIs share a definition: each says what its own figure counts.
    assert len(set(lines)) == len(lines)
    by_name = {k.name: k.definition for k in KPIS}
    assert "busy over minutes available" in by_name["utilisation_line"]
    assert "line level" in by_name["utilisation_line"]
    assert by_name["win_rate"].startswith("deals won over deals closed")


@pytest.mark.parametrize("judged", list(JudgedOn))
def test_the_dashboards_headline_help_follows_plan_judged_on(judged: JudgedOn) -> None:
    scenario = load_scenario(BANK)
    scenario = scenario.model_copy(
        update={"plan": scenario.plan.model_copy(update={"judged_on": judged})}
    )
    assert kpi_definition("plan_met", scenario) == definition(scenario)
    assert definition(scenario).startswith("P(plan met): ")
    others = [kpi_definition(name, scenario) for name in HEADLINE if name != "plan_met"]
    assert others == [k.definition for n in HEADLINE for k in KPIS if k.name == n != "plan_met"]
