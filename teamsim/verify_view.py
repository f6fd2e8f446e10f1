"""The verified plan in the terminal and in the run store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Group
from rich.table import Table

from optimizer import (
    DIALS_DIGITS,
    NAIVE_DIALS,
    PLANNED_DIALS,
    RECOMMENDED_QUOTA,
    Plan,
    PlanCard,
    PlanMode,
    VerifiedPlan,
    outcome_label,
    plan_card,
)
from sim import Diagnosis, format_chance, format_percent, scenario_hash, title
from sim.scenario import Scenario
from teamsim import __version__
from teamsim.declared import DIAGNOSES_PARAM as DIAGNOSES_PARAM  # read here by its users
from teamsim.declared import PLAN_PARAM as PLAN_PARAM
from teamsim.declared import VERIFY_ITERATIONS as VERIFY_ITERATIONS  # read here by its users
from teamsim.declared import VERIFY_REPLICATIONS as VERIFY_REPLICATIONS
from teamsim.diagnose_view import diagnoses_json, render_diagnoses, run_diagnoses
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.format import (
    WHOLE_DAY,
    MoneyScale,
    fmt_figure,
    fmt_margin,
    fmt_value,
    format_money,
    money_scale,
)
from teamsim.plan_card_view import plan_card_frame
from teamsim.store import RunMeta, Store


def verdict_words(met: bool) -> str:
    """The verdict's words, in the terminal and the dashboard: met only when verified."""
    return "plan verified" if met else "plan NOT verified"


def verdict(verified: VerifiedPlan) -> str:
    """``verdict_words`` of a verified plan."""
    return verdict_words(verified.met)


def render_verified(verified: VerifiedPlan) -> Group:
    """Verdict, quotas planned and set against naive, and the iterations."""
    # An unverified plan's reason already lists the run's diagnoses among its causes.
    found = run_diagnoses(verified.final.result, sized=True) if verified.met else ()
    return render_verified_tables(
        verified.scenario,
        met=verified.met,
        reason=verified.reason,
        iterations=verified.iterations_table(),
        quotas=verified.quotas_table(),
        diagnoses=found,
    )


def render_verified_tables(
    scenario: Scenario,
    *,
    met: bool,
    reason: str,
    iterations: pd.DataFrame,
    quotas: pd.DataFrame,
    diagnoses: Sequence[Diagnosis] = (),
) -> Group:
    """The same view from the tables a verify run stores (``iterations``, ``quotas``).

    ``iterations``: ``VerifiedPlan.iterations_table()`` (a ``headcount_<level>`` column
    per level, ``cost_per_month``, ``plan_factor``, ``p_plan_met``...); ``quotas``:
    ``VerifiedPlan.quotas_table()``; ``diagnoses``: the final run's, shown when met.
    ``plan --verify`` and ``runs show`` both print through here.
    """
    colour = "green" if met else "yellow"
    last = iterations.iloc[-1]
    levels = _levels(iterations)
    # The final team's cost as the iterations' column writes its last row.
    cost = team_cost(
        float(last["cost_per_month"]), scenario, iterations_cost_scale(iterations, scenario)
    )
    head = (
        f"[bold {colour}]{verdict_words(met)}[/]: {reason}\n"
        f"Final team: "
        + ", ".join(f"{int(last[f'headcount_{lv}'])} {lv}" for lv in levels)
        + f"; cost {cost} a month"
    )
    parts: list[str | Table | FittedGrid] = [head]
    if not dialling_quotas(quotas).empty:  # a desk that makes no calls has no quotas
        parts.append(_quotas(quotas, scenario))
    parts.append(_iterations(scenario, iterations))
    found = render_diagnoses(tuple(diagnoses)) if met else None
    if found is not None:
        parts.append(found)
    return Group(*parts)


def iterations_cost_scale(iterations: pd.DataFrame, scenario: Scenario) -> MoneyScale:
    """One scale for the team costs a verify output says: every iteration's, the final's.

    The first plan's cost (iteration 1) and the final team's (the last row, the header's
    "team cost", the "Final team" line, the dashboard's) are different numbers of one kind:
    in one scale they read alike ("RUB 1.42M" ... "RUB 1.60M", never "RUB 1.6M" beside
    "RUB 1.60M").
    """
    costs = [float(v) for v in iterations["cost_per_month"]]
    return money_scale(costs, scenario.money_locale)


def team_cost(value: float, scenario: Scenario, scale: MoneyScale | None) -> str:
    """A team's cost a month in the scale of the costs shown with it (sim.money)."""
    return format_money(value, scenario.currency, scenario.money_locale, scale=scale)


def _levels(iterations: pd.DataFrame) -> list[str]:
    """The levels of the team, in the plan's order (``headcount_<level>`` columns)."""
    return [
        str(c).removeprefix("headcount_") for c in iterations if str(c).startswith("headcount_")
    ]


def dialling_quotas(quotas: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``VerifiedPlan.quotas_table()`` of roles that dial in some estimate.

    A role that sells by meetings (account executives) has 0 naive, planned and
    simulated dials: listed beside the callers it reads as a quota of 0. The one rule of
    the terminal's quota table and the dashboard's chart.
    """
    if quotas.empty:
        return quotas
    estimates = ["naive_dials_per_day", "planned_dials_per_day", "simulated_dials_per_day"]
    return quotas.loc[quotas[estimates].gt(0).any(axis=1)]


def _quotas(quotas: pd.DataFrame, scenario: Scenario) -> Table:
    table = Table(
        title="Call quotas as the final team simulated them: dials a day at work, per person",
        title_justify="left",
    )
    cols = (
        "role",
        "people",
        NAIVE_DIALS,
        PLANNED_DIALS,
        RECOMMENDED_QUOTA,
        "simulated dials a day",
        "simulated util.",
    )
    for col in cols:
        table.add_column(col, justify="left" if col == "role" else "right")
    loc = scenario.money_locale  # every figure in the scenario's locale (teamsim.format)
    for row in dialling_quotas(quotas).to_dict(orient="records"):
        table.add_row(
            title(str(row["role"]), scenario),
            str(row["people"]),
            fmt_figure(row["naive_dials_per_day"], DIALS_DIGITS, loc),
            fmt_figure(row["planned_dials_per_day"], DIALS_DIGITS, loc),
            str(row["quota_set"]),
            fmt_figure(row["simulated_dials_per_day"], DIALS_DIGITS, loc),
            # One figure with the diagnoses' "busy 46 %": whole percent.
            format_percent(float(row["simulated_utilisation"]), digits=0, locale=loc),
        )
    table.caption = (
        f"{NAIVE_DIALS}: available hours / average conversation, as practitioners do; "
        f"{PLANNED_DIALS}: what the plan needs; {RECOMMENDED_QUOTA}: the {PLANNED_DIALS} "
        "rounded up, the quota the verify loop set and simulated (the scenario's "
        "call_quota_per_day is today's quota); simulated dials a day: what the days allowed"
    )
    return table


ITERATIONS_NOTE = (
    "Iteration 1 is the optimiser's first plan, from expected values; the last is the "
    "final team, whose cost the header and the final team's line give. "
    "capacity factor: the share of each calling role's planned working time that the plan "
    "counted on (1.00: the plan's own day); days held: the role's simulated dials over its "
    "planned dials. expected: what the optimiser expected of the same plan"
)


def _iterations(scenario: Scenario, frame: pd.DataFrame) -> FittedGrid:
    """Each iteration's team and outcome, simulated beside expected; then what it changed.

    The figures are a :class:`FittedGrid` (never cut, split at a narrow terminal); the
    capacity factors, days held and the next step are worded, a line per iteration under
    the table, wrapped between words.
    """
    selling = bool(scenario.segments)
    outcome = "attainment" if selling else "service level"
    label = outcome_label(scenario)
    rows = frame.to_dict(orient="records")
    scale = iterations_cost_scale(frame, scenario)
    costs = [team_cost(float(row["cost_per_month"]), scenario, scale) for row in rows]
    levels = _levels(frame)
    # A desk's service levels here are the whole day's (the KPI's), not the plan header's
    # lowest interval: the columns say so (teamsim.format.WHOLE_DAY).
    day = "" if selling else f" ({WHOLE_DAY})"
    header = (
        "cost / month",
        "margin",
        f"{outcome}{day}",
        f"expected{day}",
        f"{label} (95 % interval)",
    )
    grid = Grid(
        title="Iterations: optimise -> simulate -> recalibrate",
        key="# team",
        columns={h: [] for h in header},
    )
    words = []
    loc = scenario.money_locale
    for row, cost in zip(rows, costs, strict=True):
        # "1 middle, 1 lower, 4 line": wraps between levels, never inside a name.
        team = ", ".join(f"{int(row[f'headcount_{lv}'])} {lv}" for lv in levels)
        simulated, expected = (
            (row["attainment"], row["expected_attainment"])
            if selling
            else (row["service_level"], row["expected_service_level"])
        )
        grid.add_row(
            f"{row['iteration']}. {team}",
            [
                cost,
                fmt_margin(float(row["plan_factor"]), loc),
                fmt_value(float(simulated), "share", scenario.currency, locale=loc),
                fmt_value(float(expected), "share", scenario.currency, locale=loc),
                format_chance(
                    float(row["p_plan_met"]),
                    float(row["p_low"]),
                    float(row["p_high"]),
                    labelled=False,
                    locale=loc,
                ),
            ],
        )
        factor = titled_roles(str(row["capacity_factor"] or ""), scenario) or "no calls planned"
        held = titled_roles(str(row["days_held"] or ""), scenario) or "-"
        then = str(row["change"] or "")
        words.append(
            f"{row['iteration']}. capacity factor {factor}; days held {held}"
            + (f"; then {then}" if then else "")
        )
    grid.caption = "\n".join([*words, ITERATIONS_NOTE])
    return FittedGrid(grid)


def titled_roles(text: str, scenario: Scenario) -> str:
    """Role ids followed by a figure ("team_lead 1.03") as their titles ("Team lead 1.03")."""
    return re.sub(
        r"\b([a-z][a-z0-9_]*)(?= [0-9])",
        lambda m: title(m.group(1), scenario) if m.group(1) in scenario.roles else m.group(1),
        text,
    )


def _plan_data(plan: Plan) -> dict[str, Any]:
    """``plan.to_dict()`` for the params; levels as pairs, since the store sorts JSON keys."""
    data = plan.to_dict()
    data["levels"] = [[level, n] for level, n in plan.levels.items()]
    return data


def stored_plan(params: Mapping[str, Any]) -> Plan | None:
    """The final plan a verify run stored in its params; None for a run stored without it.

    The inverse of ``Plan.to_dict`` (a JSON round trip): nested records, tuples and the
    mode are rebuilt from the dataclasses' own field types. A plan that no longer fits
    this teamsim's ``Plan`` (a run from another version) gives None.
    """
    data = params.get(PLAN_PARAM)
    if not isinstance(data, dict):
        return None
    try:
        plan = _build(Plan, data)
    except (TypeError, ValueError, KeyError, NameError):
        return None
    return plan if isinstance(plan, Plan) else None


def _build(kind: Any, value: Any) -> Any:
    """``value`` (plain JSON data) as an instance of the annotated type ``kind``."""
    if value is None:
        return None
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        # Plan's module names PlanMode for type checkers only: give it here.
        hints = typing.get_type_hints(kind, localns={"PlanMode": PlanMode})
        return kind(
            **{
                f.name: _build(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    origin = typing.get_origin(kind)
    if origin is tuple:
        return tuple(_build(typing.get_args(kind)[0], v) for v in value)
    if origin is dict:
        return dict(value)  # a mapping, or (key, value) pairs in their order
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(inner[0], value) if len(inner) == 1 else value
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def stored_diagnoses(params: Mapping[str, Any]) -> tuple[Diagnosis, ...]:
    """The final run's diagnoses a verify run stored (none for a run stored without them)."""
    found = params.get(DIAGNOSES_PARAM) or []
    return tuple(Diagnosis(str(d["cause"]), str(d["remedy"])) for d in found)


def verified_card(verified: VerifiedPlan) -> PlanCard:
    """The final plan's card: for the scenario as given, with the margin it was sized with."""
    final = verified.final
    return plan_card(final.plan, verified.scenario, final.plan_factor)


def verified_plan_json(plan: Plan, card: PlanCard) -> dict[str, Any]:
    """The final plan as JSON, its "plan" the scenario's own and the raised one apart.

    The optimiser was given the plan raised by the verify loop's margin; here
    ``plan_per_month`` is the scenario's plan (as ``plan_card.plan_per_month``),
    ``sized_for_per_month`` the raised one (as ``plan_card.sized_for``) and
    ``expected_attainment`` is against the scenario's plan (issue 11).
    """
    data = plan.to_dict()
    data["sized_for_per_month"] = plan.plan_per_month
    data["plan_per_month"] = card.plan_per_month
    data["expected_attainment"] = card.expected_attainment
    return data


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
            # What `runs show` needs to print the run as `plan --verify` did: the final
            # plan (its tables and card) and the final run's diagnoses.
            PLAN_PARAM: _plan_data(final.plan),
            DIAGNOSES_PARAM: diagnoses_json(run_diagnoses(final.result, sized=True))
            if verified.met
            else [],
        },
        # The scenario asked about (text and overrides), not the final plan's team.
        scenario_hash=scenario_hash(verified.scenario),
    )
    return store.save_run(meta, verified_tables(verified))
