"""Diagnoses with causes (issue 11): long waits traced to the approver, idle levels asked
about, an unverified or infeasible plan as one flat list of causes and remedies."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer import InfeasiblePlanError
from optimizer.errors import Relaxation
from optimizer.loop import verify
from sim import Diagnosis, SimResult, diagnose, simulate
from sim.scenario import parse_scenario
from tests.scenario_texts import BASE

# The tiny team's only approver (lead, level lower) is away 60 days a year and names no
# deputy: every approval asked for on those days waits for the lead's return.
NO_DEPUTY = BASE.replace("    deputy: head\n", "    absence: {vacation_days: 60}\n")


@pytest.fixture(scope="module")
def away() -> SimResult:
    return simulate(parse_scenario(NO_DEPUTY, "tiny.yaml"), 3, 1, workers=1)


def _approval_waits(result: SimResult) -> pd.DataFrame:
    waits = result.frames.waits
    after = waits["day"] >= result.frames.window.warmup_days
    return waits.loc[after & (waits["kind"] == "approval")]


def test_a_long_approval_wait_names_the_approver_away_with_no_deputy(away: SimResult) -> None:
    sc = away.scenario
    # By hand: the lead's days away in the 40-day horizon, per replication, a year.
    lead_days = (away.frames.absences["person"] == "lead.01").sum() / 3
    per_year = lead_days * sc.calendar.working_days_per_year / sc.calendar.horizon_days
    assert abs(per_year - 60) <= 6  # the 60 vacation days asked for, drawn
    # Every approval is the lead's: the KPI's rule (the mean over replications of each
    # one's mean wait) over them.
    hours = _approval_waits(away).groupby("replication")["wait_min"].mean().mean() / 60
    found = diagnose(away.frames, away.kpis, sc)
    assert found[0] == Diagnosis(
        f"approvals at the lead wait {hours:.1f} h on average: the role (1 person) is away "
        f"{per_year:.0f} days a year and nobody else may approve",
        "name a deputy (roles.lead.deputy) or add a second lead (roles.lead.headcount)",
    )
    assert found[0].line == f"{found[0].cause}; {found[0].remedy}"


def test_low_utilisation_asks_whether_work_is_missing(away: SimResult) -> None:
    found = diagnose(away.frames, away.kpis, away.scenario)
    kpis = away.kpis.set_index("kpi")["mean"]
    line = float(kpis["utilisation_line"])
    assert line < 0.6
    assert (
        Diagnosis(
            f"line staff are busy {100 * line:.0f} % of their available time",
            "is work missing from the scenario (admin, travel, training: duties, travel_min)? "
            "or is the team larger than its work (Seller: roles.seller.headcount)?",
        )
        in found
    )


def test_a_deputy_takes_the_days_away_off_the_diagnosis() -> None:
    covered = BASE.replace(
        "    deputy: head\n", "    deputy: head\n    absence: {vacation_days: 60}\n"
    )
    result = simulate(parse_scenario(covered, "tiny.yaml"), 3, 1, workers=1)
    found = diagnose(result.frames, result.kpis, result.scenario)
    assert not any("nobody else may" in d.cause for d in found)


def test_an_infeasible_plan_is_a_flat_list_of_cause_and_remedy() -> None:
    exc = InfeasiblePlanError(
        "the plan needs 14 sellers, the scenario allows 12.",
        [
            Relaxation("headcount", "seller", 2, "people", "allow 2 more sellers"),
            Relaxation("plan", "plan", 0.1, "share", "lower the plan by 10 %"),
        ],
    )
    cause = "the plan needs 14 sellers, the scenario allows 12"
    assert exc.causes == (
        Diagnosis(cause, "allow 2 more sellers"),
        Diagnosis(cause, "lower the plan by 10 %"),
    )
    alone = InfeasiblePlanError("no team fits the budget.")
    assert [d.remedy for d in alone.causes] == ["no single limit moved makes it feasible"]


def test_an_unverified_plan_gives_its_causes_one_a_line() -> None:
    sc = parse_scenario(NO_DEPUTY, "tiny.yaml", ["plan.confidence=0.99"])
    verified = verify(sc, replications=2, max_iterations=1, workers=1)
    assert not verified.met and verified.causes
    first, *rest = verified.reason.splitlines()
    assert first.startswith("stopped after 1 iteration: P(plan met) ")
    assert first.endswith("is below the 99.0 % asked for")
    assert rest == [f"- {c.line}" for c in verified.causes]
    assert any("nobody else may approve" in c.cause for c in verified.causes)
