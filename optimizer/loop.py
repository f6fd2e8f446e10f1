"""Plans a team can meet: optimise -> simulate -> recalibrate, until the plan holds.

Each iteration sizes the team with the optimiser, applies the plan (headcounts and call
quotas) to the scenario and simulates it. Two things are then learnt from the days:

- capacity: where a role made fewer calls than planned, the day did not hold the
  planned work (meetings, approvals, inbound, absences collide); that role's planned
  working time is scaled by the realised share;
- margin: the attainment spread over replications; the plan given to the optimiser is
  raised until the share of replications meeting the real plan reaches the confidence.

It stops when P(plan met) reaches the confidence, or says why it cannot: the margin
cannot be staffed within the headcount limits, the plan stopped changing, or the
iterations ran out. Every iteration is kept with the reason for the change that followed.
Pure: a scenario in, a VerifiedPlan out; the same seed every iteration (common random
numbers), so iterations differ by the plan, not by luck.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import pandas as pd

from optimizer.card import expected_attainment
from optimizer.errors import InfeasiblePlanError, PlanError
from optimizer.measure import (
    RoleMeasure,
    apply_plan,
    attainment_quantile,
    judged_over_day_note,
    measure_roles,
    met_per_replication,
    outcome_label,
    quotas_frame,
    sells,
)
from optimizer.planner import plan as optimise
from optimizer.result import Plan
from sim.diagnose import Diagnosis, diagnose
from sim.kpis import kpi_value
from sim.percent import format_chance, format_number, format_percent
from sim.results import counted_months
from sim.rules.service import day_service_level, desks
from sim.runner import Executor, SimResult, simulate
from sim.scenario import Scenario
from sim.scenario.market import InboundChannel
from sim.scenario.work import MonthlyRevenue
from sim.stats import wilson_interval
from sim.words import counted

Progress = Callable[[str, int, int], None]  # (what, done, total)

# A role that made at least this share of its planned calls is taken as on plan.
CALLS_ON_PLAN = 0.95
MAX_MARGIN_STEP = 1.5  # never raise the plan given to the optimiser by more at once
MIN_MARGIN_STEP = 1.03
DESK_LOAD_STEP = 1.1


@dataclass(frozen=True, eq=False)
class Iteration:
    """One round: the plan, the scenario it made, its simulation and what changed next."""

    number: int
    plan: Plan
    scenario: Scenario
    result: SimResult
    measures: tuple[RoleMeasure, ...]
    capacity_factor: dict[str, float]
    plan_factor: float
    p_plan_met: float
    p_low: float
    p_high: float
    change: str = ""

    @property
    def attainment(self) -> float:
        """Mean monthly attainment over replications."""
        return kpi_value(self.result.kpis, "attainment")

    @property
    def service_level(self) -> float:
        """Share of inbound requests answered within target, over replications."""
        return kpi_value(self.result.kpis, "inbound_service_level")


@dataclass(frozen=True, eq=False)
class VerifiedPlan:
    """The outcome of the loop: the final plan, whether it holds, and how it got there."""

    scenario: Scenario
    confidence: float
    met: bool
    reason: str
    iterations: list[Iteration] = field(default_factory=list)
    # Why a plan is not verified, one flat list of cause and remedy; ``reason`` is the
    # verdict followed by these lines ("- cause; remedy"). Empty when met.
    causes: tuple[Diagnosis, ...] = ()

    @property
    def final(self) -> Iteration:
        """The last simulated iteration."""
        return self.iterations[-1]

    def iterations_table(self) -> pd.DataFrame:
        """One row per iteration: team, cost, margins, simulated outcome, what changed.

        Beside each simulated outcome, what the optimiser expected of the same plan
        (``expected_attainment``, ``expected_service_level``); per calling role, the
        capacity factor the plan was made with and the share of its planned dials the
        simulated days held (``capacity_factor``, ``days_held``: "role 0.97, ...").
        """
        rows = []
        for it in self.iterations:
            rows.append(
                {
                    "iteration": it.number,
                    **{f"headcount_{lv}": n for lv, n in it.plan.levels.items()},
                    "cost_per_month": it.plan.cost_per_month,
                    "plan_factor": it.plan_factor,
                    "min_capacity_factor": min(it.capacity_factor.values(), default=1.0),
                    "capacity_factor": _per_role(_capacity_of_calling_roles(it)),
                    "days_held": _per_role(
                        {m.role: m.ratio for m in it.measures if m.planned_dials > 0}
                    ),
                    "attainment": it.attainment,
                    "expected_attainment": _expected_attainment(it),
                    "service_level": it.service_level,
                    "expected_service_level": _expected_service_level(self.scenario, it.plan),
                    "p_plan_met": it.p_plan_met,
                    "p_low": it.p_low,
                    "p_high": it.p_high,
                    "change": it.change,
                }
            )
        return pd.DataFrame(rows)

    def quotas_table(self) -> pd.DataFrame:
        """Per selling role: naive, optimiser's and simulated dials a day, and the quota set."""
        it = self.final
        return quotas_frame(it.plan, list(it.measures), it.scenario)


def _capacity_of_calling_roles(it: Iteration) -> dict[str, float]:
    """The capacity factor of each role that plans calls (1.0: the plan's day is held)."""
    roles = [m.role for m in it.measures if m.planned_dials > 0]
    roles += [role for role in it.capacity_factor if role not in roles]
    return {role: it.capacity_factor.get(role, 1.0) for role in roles}


def _per_role(values: dict[str, float]) -> str:
    # A stored table's cell ("sdr 1.00, ae 0.95"), read back by role id and figure
    # (teamsim.verify_view.titled_roles); a decimal comma would run into the list's.
    return ", ".join(f"{role} {value:.2f}" for role, value in values.items())


def _expected_attainment(it: Iteration) -> float:
    """The optimiser's expected attainment of the real plan (NaN for a team that sells nothing).

    The optimiser expects it of the plan raised by the margin; attainment is revenue over
    plan month by month, so against the real plan it is that expectation x the margin.
    """
    expected = expected_attainment(it.plan, it.plan_factor)
    return math.nan if expected is None else expected


def _expected_service_level(scenario: Scenario, plan: Plan) -> float:
    """The service level expected of the plan's answerers at the scenario's own load.

    A desk's margin raises the load the optimiser sizes for, while the simulated days
    carry the scenario's load: the expectation is taken at that load to be comparable.
    Weighted by requests over the inbound channels; NaN with no inbound requests.
    """
    heads = {line.role: line.headcount for line in plan.roles}
    requests = answered = 0.0
    for desk in desks(scenario):
        people = sum(heads.get(role, 0) for role in desk.roles)
        for cid in desk.channels:
            ch = scenario.channels[cid]
            assert isinstance(ch, InboundChannel)
            # The day's, as the simulated service level it sits beside is the day's.
            level = day_service_level(desk, ch.answer_within_min, people)
            requests += ch.requests_per_day
            answered += ch.requests_per_day * level
    return answered / requests if requests else math.nan


def verify(
    scenario: Scenario,
    *,
    confidence: float | None = None,
    replications: int = 20,
    seed: int | None = None,
    max_iterations: int = 6,
    solver: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> VerifiedPlan:
    """Optimise and simulate until the plan is met with the confidence asked for."""
    target = scenario.plan.confidence if confidence is None else confidence
    if not 0.0 < target < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {target}")
    if replications < 2 or max_iterations < 1:
        raise ValueError("need at least 2 replications and 1 iteration")
    _check_measurable(scenario)
    capacity: dict[str, float] = {}
    plan_factor = 1.0
    done: list[Iteration] = []
    for number in range(1, max_iterations + 1):
        try:
            plan = optimise(
                _with_margin(scenario, plan_factor),
                solver=solver,
                marginals=False,
                capacity_factor=capacity,
                plan_factor=plan_factor,
            )
        except InfeasiblePlanError as exc:
            if not done:
                raise
            done[-1] = _explained(scenario, done[-1], solver)
            head, causes = _cannot_staff(plan_factor, exc, scenario.money_locale)
            return _stop(scenario, target, done, head, causes=causes)
        applied = apply_plan(scenario, plan)
        if done and applied == done[-1].scenario:
            # The same team and quotas on the same seed give the same days: no need to
            # simulate again, only the margin moves on.
            result = done[-1].result
        else:
            result = simulate(
                applied,
                replications,
                seed,
                workers=workers,
                executor=executor,
                progress=_reps(progress, number, replications),
            )
        it = _iteration(
            number, plan, applied=applied, result=result, capacity=capacity, plan_factor=plan_factor
        )
        if it.p_plan_met >= target:
            done.append(_explained(scenario, _with_change(it, "target reached"), solver))
            return _stop(scenario, target, done, _met(it, target), met=True)
        new_capacity = _recalibrate_capacity(capacity, it.measures)
        new_factor = _next_margin(plan_factor, result, target)
        change = _describe(
            scenario, capacity, new_cap=new_capacity, old=plan_factor, new=new_factor
        )
        done.append(_with_change(it, change))
        capacity, plan_factor = new_capacity, new_factor
    last = done[-1] = _explained(scenario, done[-1], solver)
    head = f"stopped after {counted(max_iterations, 'iteration')}: " + _below(last, scenario)
    return _stop(scenario, target, done, head, causes=_bottleneck(last, scenario))


def _check_measurable(scenario: Scenario) -> None:
    """Refuse to verify what no simulated day can measure, saying what would.

    Raises:
        PlanError: A selling team whose horizon holds no counted month, or a team that
            sells nothing and answers no requests.
    """
    if sells(scenario) and not counted_months(scenario, scenario.calendar.warmup_days):
        raise PlanError(
            "nothing to verify: no whole calendar month lies after the warm-up, so "
            "attainment is not measured; lengthen calendar.horizon_days"
        )
    if not sells(scenario) and not desks(scenario):
        raise PlanError(
            "nothing to verify: the team sells nothing and answers no inbound requests; "
            "`teamsim plan` sizes it for its duties"
        )


P = TypeVar("P", bound=MonthlyRevenue)


def _with_margin(scenario: Scenario, factor: float) -> Scenario:
    """The scenario the optimiser sees: the plan (or, for a desk, its inbound load) raised."""
    if factor == 1.0:
        return scenario
    if not sells(scenario):
        channels = {
            cid: ch.model_copy(update={"requests_per_day": ch.requests_per_day * factor})
            if isinstance(ch, InboundChannel)
            else ch
            for cid, ch in scenario.channels.items()
        }
        return scenario.model_copy(update={"channels": channels})

    def raise_plan(plan: P) -> P:
        return plan.model_copy(
            update={"revenue_per_month": [v * factor for v in plan.revenue_per_month]}
        )

    # Units' own plans with the team's (sim.rules.unit_plan): each is a promise to keep.
    units = {
        uid: u if u.plan is None else u.model_copy(update={"plan": raise_plan(u.plan)})
        for uid, u in scenario.units.items()
    }
    return scenario.model_copy(update={"plan": raise_plan(scenario.plan), "units": units})


def _reps(progress: Progress | None, number: int, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(f"iteration {number}: simulating", done, total)


def _iteration(
    number: int,
    plan: Plan,
    applied: Scenario,
    result: SimResult,
    capacity: dict[str, float],
    plan_factor: float,
) -> Iteration:
    met = met_per_replication(result)
    met = met[~pd.isna(met)]
    p = float(met.mean()) if len(met) else 0.0
    low, high = wilson_interval(float(met.sum()), len(met)) if len(met) else (0.0, 1.0)
    measures = tuple(measure_roles(result, plan))
    return Iteration(
        number=number,
        plan=plan,
        scenario=applied,
        result=result,
        measures=measures,
        capacity_factor=dict(capacity),
        plan_factor=plan_factor,
        p_plan_met=p,
        p_low=low,
        p_high=high,
    )


def _with_change(it: Iteration, change: str) -> Iteration:
    return replace(it, change=change)


def _explained(scenario: Scenario, it: Iteration, solver: str | None) -> Iteration:
    """The final iteration's plan again, with what one more person is worth (re-solves)."""
    plan = optimise(
        _with_margin(scenario, it.plan_factor),
        solver=solver,
        marginals=True,
        capacity_factor=it.capacity_factor,
        plan_factor=it.plan_factor,
    )
    return replace(it, plan=plan)


def _recalibrate_capacity(
    capacity: dict[str, float], measures: tuple[RoleMeasure, ...]
) -> dict[str, float]:
    """Scale the planned time of roles whose days held fewer calls than planned."""
    new = dict(capacity)
    for m in measures:
        if m.planned_dials > 0 and m.ratio < CALLS_ON_PLAN:
            factor = new.get(m.role, 1.0) * max(m.ratio, 0.5)
            new[m.role] = round(max(factor, 0.3), 3)
    return new


def _next_margin(factor: float, result: SimResult, target: float) -> float:
    """Raise the plan given to the optimiser so the (1 - target) quantile reaches 1.

    A desk that sells nothing has no attainment: its inbound load is raised by a fixed
    step instead, which makes the optimiser's Erlang C staffing add agents.
    """
    if not sells(result.scenario):
        return round(factor * DESK_LOAD_STEP, 3)
    low = attainment_quantile(result, 1.0 - target)
    if not math.isfinite(low) or low <= 0:
        return round(factor * MAX_MARGIN_STEP, 3)
    step = min(max(1.0 / low, MIN_MARGIN_STEP), MAX_MARGIN_STEP)
    return round(factor * step, 3)


def _same_team(a: Plan, b: Plan) -> bool:
    return [(r.role, r.headcount) for r in a.roles] == [(r.role, r.headcount) for r in b.roles]


def _describe(
    scenario: Scenario,
    old_cap: dict[str, float],
    new_cap: dict[str, float],
    old: float,
    new: float,
) -> str:
    loc = scenario.money_locale
    held = [
        f"{role} {format_percent(f, digits=0, locale=loc)}"
        for role, f in sorted(new_cap.items())
        if old_cap.get(role) != f
    ]
    parts = [f"days held planned calling time: {', '.join(held)}"] if held else []
    if new != old:
        what = "attainment spread" if sells(scenario) else "service level spread"
        parts.append(f"margin {_margin(new, loc)} for the {what}")
    return "; ".join(parts) or "no change"


def _margin(factor: float, locale: str | None = None) -> str:
    """A plan factor as the margin it adds: 1.19 -> "+19 %" (sim.percent's rule, ``locale``)."""
    return format_percent(factor - 1, digits=0, signed=True, locale=locale)


def _p_with_interval(it: Iteration, label: str, locale: str | None = None) -> str:
    return f"{label} {format_chance(it.p_plan_met, it.p_low, it.p_high, locale=locale)}"


def _judged(it: Iteration) -> str:
    """The loop's words when a desk sized by interval was judged over the day, else ""."""
    note = judged_over_day_note(it.result)
    return f"; {note[0].lower()}{note[1:]}" if note else ""


def _met(it: Iteration, target: float) -> str:
    loc = it.scenario.money_locale
    return (
        f"{_p_with_interval(it, outcome_label(it.scenario), loc)} reaches the "
        f"{format_percent(target, locale=loc)} asked for, with a plan margin of "
        f"{_margin(it.plan_factor, loc)}{_judged(it)}"
    )


def _cannot_staff(
    factor: float, exc: InfeasiblePlanError, locale: str | None = None
) -> tuple[str, tuple[Diagnosis, ...]]:
    head = (
        f"the plan with the {_margin(factor, locale)} margin that the spread of attainment needs "
        "cannot be staffed within the scenario's limits"
    )
    return head, exc.causes


def _below(it: Iteration, scenario: Scenario) -> str:
    loc = scenario.money_locale
    return (
        f"{_p_with_interval(it, outcome_label(scenario), loc)} "
        f"is below the {format_percent(scenario.plan.confidence, locale=loc)} asked for"
        f"{_judged(it)}"
    )


def _bottleneck(it: Iteration, scenario: Scenario) -> tuple[Diagnosis, ...]:
    """What limits the plan, from the last simulation: causes with their remedies."""
    found: list[Diagnosis] = []
    loc = scenario.money_locale
    for m in it.measures:
        if m.planned_dials > 0 and m.ratio < CALLS_ON_PLAN:
            made = format_number(m.realised_dials, 0, locale=loc)
            planned = format_number(m.planned_dials, 0, locale=loc)
            found.append(
                Diagnosis(
                    f"{m.role} made {made} of {planned} planned "
                    "dials a day: the day does not hold more",
                    f"take duties off the role or add people (roles.{m.role}.headcount)",
                )
            )
    for line in it.plan.roles:
        if line.headcount >= line.max and line.max > line.min:
            found.append(
                Diagnosis(
                    f"{line.role} is at its maximum headcount ({line.max})",
                    f"raise roles.{line.role}.headcount.max",
                )
            )
    if not found:
        # No limit of the plan's own binds: the spread of outcomes is what keeps the
        # chance down (the run's long waits and idle levels follow as context).
        what = (
            "the spread of attainment is too wide for the plan"
            if sells(scenario)
            else "inbound requests wait too long for the service target"
        )
        found.append(
            Diagnosis(what, "ask for less confidence (plan.confidence) or allow more iterations")
        )
    # Long waits and idle levels, with their causes (sim.diagnose).
    result = it.result
    found += diagnose(result.frames, result.kpis, result.scenario)
    return tuple(found)


def verdict_text(reason: str, causes: tuple[Diagnosis, ...]) -> str:
    """A verify loop's verdict: the reason, then one flat line per cause (issue 11)."""
    return "\n".join([reason, *(f"- {c.line}" for c in causes)])


def _stop(
    scenario: Scenario,
    target: float,
    done: list[Iteration],
    reason: str,
    met: bool = False,
    causes: tuple[Diagnosis, ...] = (),
) -> VerifiedPlan:
    """The loop's outcome; ``reason`` is the verdict, then one line per cause."""
    return VerifiedPlan(
        scenario=scenario,
        confidence=target,
        met=met,
        reason=verdict_text(reason, causes),
        iterations=done,
        causes=causes,
    )
