"""The verified plan in the terminal and in the run store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
from rich.console import Group
from rich.table import Table

from optimizer import PlanCard, VerifiedPlan, outcome_label, plan_card
from sim import scenario_hash
from teamsim import __version__
from teamsim.diagnose_view import render_diagnoses, run_diagnoses
from teamsim.format import fmt_value, format_money, format_money_column
from teamsim.plan_card_view import plan_card_frame
from teamsim.store import RunMeta, Store

# Replications per iteration and most iterations of a verified plan: the defaults of
# `plan --verify` and of the dashboard's Verify, so both give the same team.
VERIFY_REPLICATIONS = 20
VERIFY_ITERATIONS = 6


def verdict(verified: VerifiedPlan) -> str:
    """The verdict's words, in the terminal and the dashboard: met only when verified."""
    return "plan verified" if verified.met else "plan NOT verified"


def render_verified(verified: VerifiedPlan) -> Group:
    """Verdict, quotas realistic against naive, and the iterations."""
    final = verified.final
    colour = "green" if verified.met else "yellow"
    head = (
        f"[bold {colour}]{verdict(verified)}[/]: {verified.reason}\n"
        f"Final team: "
        + ", ".join(f"{n} {lv}" for lv, n in final.plan.levels.items())
        + f"; cost {_cost(verified)} a month"
    )
    parts: list[str | Table] = [head]
    if not verified.quotas_table().empty:  # a desk that makes no calls has no quotas
        parts.append(_quotas(verified))
    parts.append(_iterations(verified))
    # An unverified plan's reason already lists the run's diagnoses among its causes.
    found = render_diagnoses(run_diagnoses(final.result)) if verified.met else None
    if found is not None:
        parts.append(found)
    return Group(*parts)


def _cost(verified: VerifiedPlan) -> str:
    sc = verified.scenario
    return format_money(verified.final.plan.cost_per_month, sc.currency, sc.money_locale)


def _quotas(verified: VerifiedPlan) -> Table:
    table = Table(title="Call quotas: dials a day at work, per person", title_justify="left")
    for col in ("role", "people", "naive", "optimiser", "quota set", "simulated", "utilisation"):
        table.add_column(col, justify="left" if col == "role" else "right")
    for row in verified.quotas_table().to_dict(orient="records"):
        table.add_row(
            str(row["role"]),
            str(row["people"]),
            f"{row['naive_dials_per_day']:.0f}",
            f"{row['planned_dials_per_day']:.1f}",
            str(row["quota_set"]),
            f"{row['simulated_dials_per_day']:.1f}",
            fmt_value(float(row["simulated_utilisation"]), "share", ""),
        )
    table.caption = (
        "naive: available hours / average conversation, as practitioners do; optimiser: "
        "what the plan needs; simulated: what the days allowed"
    )
    return table


ITERATIONS_NOTE = (
    "capacity factor: the share of each calling role's planned working time that the plan "
    "counted on (1.00: the plan's own day); days held: the role's simulated dials over its "
    "planned dials. expected: what the optimiser expected of the same plan"
)


def _iterations(verified: VerifiedPlan) -> Table:
    """Each iteration's team, capacity factors and outcome, simulated beside expected."""
    table = Table(title="Iterations: optimise -> simulate -> recalibrate", title_justify="left")
    selling = bool(verified.scenario.segments)
    outcome = "attainment" if selling else "service level"
    label = outcome_label(verified.scenario)
    cols = ("#", "team", "cost / month", "margin", "capacity factor", "days held")
    for col in (*cols, outcome, "expected", f"{label} [95 %]", "then"):
        left = col in ("team", "capacity factor", "days held", "then")
        table.add_column(col, justify="left" if left else "right")
    table.caption, table.caption_justify = ITERATIONS_NOTE, "left"
    currency = verified.scenario.currency
    rows = verified.iterations_table().to_dict(orient="records")
    costs = format_money_column(
        [it.plan.cost_per_month for it in verified.iterations],
        currency,
        verified.scenario.money_locale,
    )
    for it, row, cost in zip(verified.iterations, rows, costs, strict=True):
        team = " / ".join(str(n) for n in it.plan.levels.values())
        simulated, expected = (
            (row["attainment"], row["expected_attainment"])
            if selling
            else (row["service_level"], row["expected_service_level"])
        )
        table.add_row(
            str(it.number),
            f"{team} ({'/'.join(it.plan.levels)})",
            cost,
            f"{it.plan_factor - 1:+.0%}",
            str(row["capacity_factor"]) or "no calls planned",
            str(row["days_held"]) or "-",
            fmt_value(float(simulated), "share", currency),
            fmt_value(float(expected), "share", currency),
            f"{it.p_plan_met:.0%} [{it.p_low:.0%}-{it.p_high:.0%}]",
            it.change,
        )
    return table


def verified_card(verified: VerifiedPlan) -> PlanCard:
    """The final plan's card: for the scenario as given, with the margin it was sized with."""
    final = verified.final
    return plan_card(final.plan, verified.scenario, final.plan_factor)


def verified_tables(verified: VerifiedPlan) -> dict[str, pd.DataFrame]:
    """What a verify run stores: the final simulation, the plan, its card, quotas, iterations."""
    plan = verified.final.plan
    tables = dict(verified.final.result.tables())
    tables["plan_card"] = plan_card_frame(verified_card(verified))
    tables["iterations"] = verified.iterations_table()
    tables["quotas"] = verified.quotas_table()
    tables["plan_roles"] = pd.DataFrame([dataclasses.asdict(r) for r in plan.roles])
    tables["plan_duties"] = pd.DataFrame([dataclasses.asdict(d) for d in plan.duties])
    tables["plan_limits"] = pd.DataFrame(
        [dataclasses.asdict(x) for x in plan.limits],
        columns=[f.name for f in dataclasses.fields(plan.limits[0])] if plan.limits else None,
    )
    tables["plan_marginals"] = pd.DataFrame([dataclasses.asdict(m) for m in plan.marginals])
    return tables


def save_verified(
    store: Store,
    verified: VerifiedPlan,
    scenario_text: str,
    overrides: list[str],
    started_at: dt.datetime,
) -> str:
    """Store a verify run; its status says whether the plan held."""
    final = verified.final
    meta = RunMeta(
        kind="verify",
        scenario_name=verified.scenario.name,
        scenario_text=scenario_text,
        seed=final.result.seed,
        replications=final.result.replications,
        code_version=__version__,
        started_at=started_at,
        status="complete",
        label="verified" if verified.met else "not verified",
        params={
            "overrides": overrides,
            "confidence": verified.confidence,
            "met": verified.met,
            "reason": verified.reason,
            "plan_factor": final.plan_factor,
            "capacity_factor": final.capacity_factor,
            "p_plan_met": final.p_plan_met if math.isfinite(final.p_plan_met) else None,
        },
        # The scenario asked about (text and overrides), not the final plan's team.
        scenario_hash=scenario_hash(verified.scenario),
    )
    return store.save_run(meta, verified_tables(verified))
