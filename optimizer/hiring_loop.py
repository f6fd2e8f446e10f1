"""Hiring plans a team can meet month by month: plan -> simulate -> recalibrate (issue 12, S14).

Each iteration plans the hiring calendar (``plan_hiring``), writes its hires as joiners
(``apply_hiring``) and simulates the scenario so; the per-month frames say, for every
counted month, the share of replications meeting its plan (``p_met`` with its Wilson
interval). Two things are then learnt from the days (docs/dev/hiring_plan.md, section 6):

- margins, by month: a month below the confidence has its plan row raised by the factor
  that brings its (1 - confidence) quantile of attainment to 1, as plain verify's one
  margin (``optimizer.loop``: the same steps and bounds), so a short March pulls hires
  earlier, not only more of them; months at the confidence keep theirs;
- the lag, by segment: the simulated mean days from a won deal's lead to its close
  (``Frames.deals.cycle_days``) against the lag kernel's (``sim.rules.lag.stage_months``)
  gives the days the kernel still misses (the team's own waits, sim.rules.waits, are in
  the kernel already: absences, meeting slots, travel, the follow-up queue at the
  occupancy cap, approvals); the next plan takes them (``lag_extra_days``) once the
  correction moves by more than a day.

Each month is held to the plan's own expectation, its calendar at its most
(``plan.revenue``, optimizer.hiring_value.expected_months), the solve whose dials
``apply_hiring`` gives the simulated people as quotas by month.

It stops when the months reach the confidence under the scenario's ``plan.judged_on``
(``month``: every counted month; the other rules: their units' share, sim.plan_met), or
says why not: the raised months cannot be staffed within the limits, the calendar stopped
changing (the same calendar three iterations running: two raises moved no hire), or
the iterations ran out. The same seed every iteration (common random numbers); an
unchanged calendar is not simulated again. Pure: a scenario in, a VerifiedHiring out.

What the loop reads of a simulation is :class:`MonthsSimulated`; the simulation itself is
a parameter (``simulator``), ``sim.simulate`` by default, so the loop's rules can be
followed on given months. Not built: the per-role capacity recalibration of plain verify
(the planned dials per role and month are given as quotas, ``call_quota_by_month``, but
the days are not yet held against them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from optimizer.errors import InfeasiblePlanError
from optimizer.hiring import plan_hiring
from optimizer.hiring_result import HiringPlan
from optimizer.hiring_value import apply_hiring
from optimizer.loop import (
    MAX_MARGIN_STEP,
    MIN_MARGIN_STEP,
    Progress,
    _check_measurable,
    _margin,
    _reps,
    verdict_text,
)
from optimizer.modes import HIRING_REPLICATIONS
from sim.diagnose import Diagnosis
from sim.months import month_title, month_titles
from sim.percent import format_chance, format_number, format_percent
from sim.plan_met import MET, met_by_replication
from sim.results import counted_months
from sim.rules.lag import stage_months
from sim.runner import Executor, SimResult, simulate
from sim.scenario import JudgedOn, Scenario
from sim.stats import wilson_interval
from sim.words import counted

# The lag correction is taken up when it moves by more than this (calendar days).
LAG_STEP_DAYS = 1.0
# The same calendar this many iterations after the first: the raises moved no hire.
STALL_ITERATIONS = 2


@dataclass(frozen=True, eq=False)
class MonthsSimulated:
    """What the loop reads of a simulated hiring plan.

    ``attainment``: ``Frames.attainment_month`` (replication, month, revenue, target,
    attainment), every replication and counted month. ``cycle_days``: per segment, the
    mean calendar days from lead to close of the won deals. ``headcount``:
    ``Frames.headcount_month`` (None: not read). ``result``: the simulation, when one ran.
    """

    attainment: pd.DataFrame
    cycle_days: Mapping[str, float] = field(default_factory=dict)
    headcount: pd.DataFrame | None = None
    result: SimResult | None = None


SimulateMonths = Callable[[Scenario], MonthsSimulated]


def months_simulated(result: SimResult) -> MonthsSimulated:
    """The months of a simulation as the loop reads them (sim.results' frames)."""
    frames = result.frames
    won = frames.deals.loc[frames.deals["outcome"] == "won"]
    cycle = won.groupby("segment")["cycle_days"].mean()
    return MonthsSimulated(
        attainment=frames.attainment_month,
        cycle_days={str(s): float(d) for s, d in cycle.items() if math.isfinite(d)},
        headcount=frames.headcount_month,
        result=result,
    )


@dataclass(frozen=True)
class MonthCheck:
    """A counted month of a simulated calendar: plan, expectation, outcome, chance."""

    index: int
    label: str
    plan: float  # the month's plan (scenario currency), not raised
    margin: float  # the factor its plan row was raised by
    expected: float  # the most the calendar's team can close in it (the plan's expected_months)
    simulated: float  # mean revenue over replications
    p10: float  # revenue a tenth of the replications stay below
    p90: float
    p_met: float  # share of replications meeting the month's plan
    p_low: float  # its 95 % Wilson interval
    p_high: float
    seats: float  # mean people in seat over the roles (NaN: not read)


@dataclass(frozen=True, eq=False)
class HiringIteration:
    """One round: the margins and lag it planned with, its calendar, its simulated months."""

    number: int
    plan: HiringPlan
    scenario: Scenario  # the scenario with the plan's hires as joiners
    simulated: MonthsSimulated
    expected: dict[str, float]  # month -> the calendar's most revenue (plan.revenue)
    margins: dict[int, float]  # month index -> plan factor (1 where absent)
    lag_extra_days: dict[str, float]  # segment -> days added to the lag kernel
    months: tuple[MonthCheck, ...]
    p_plan_met: float  # under plan.judged_on, the share of units met
    p_low: float
    p_high: float
    met: bool
    confidence: float  # what the loop was asked for
    change: str = ""

    @property
    def short(self) -> tuple[MonthCheck, ...]:
        """The months below the confidence the loop was asked for."""
        return tuple(m for m in self.months if m.p_met < self.confidence)


@dataclass(frozen=True, eq=False)
class VerifiedHiring:
    """The outcome of the loop: the final calendar, whether it holds, how it got there."""

    scenario: Scenario
    confidence: float
    met: bool
    reason: str
    iterations: list[HiringIteration] = field(default_factory=list)
    causes: tuple[Diagnosis, ...] = ()

    @property
    def final(self) -> HiringIteration:
        """The last simulated iteration."""
        return self.iterations[-1]

    def months_table(self) -> pd.DataFrame:
        """The final calendar's counted months: plan, expected and simulated revenue, P(met).

        Per month: the plan (not raised), the margin its row was raised by, the hiring
        plan's expected revenue, the simulated mean revenue with its P10-P90, P(month met)
        with its 95 % interval, whether it reaches the confidence, mean seats simulated.
        """
        columns = [
            "month",
            "label",
            "plan",
            "margin",
            "expected_revenue",
            "simulated_revenue",
            "p10",
            "p90",
            "p_met",
            "p_low",
            "p_high",
            "met",
            "seats",
        ]
        rows = [
            {
                "month": m.index,
                "label": m.label,
                "plan": m.plan,
                "margin": m.margin,
                "expected_revenue": m.expected,
                "simulated_revenue": m.simulated,
                "p10": m.p10,
                "p90": m.p90,
                "p_met": m.p_met,
                "p_low": m.p_low,
                "p_high": m.p_high,
                "met": m.p_met >= self.confidence,
                "seats": m.seats,
            }
            for m in self.final.months
        ]
        return pd.DataFrame(rows, columns=columns)

    def iterations_table(self) -> pd.DataFrame:
        """One row per iteration: hires, cost, margins, months below, P(plan met), change."""
        rows = []
        for it in self.iterations:
            factors = [it.margins.get(m.index, 1.0) for m in it.months] or [1.0]
            rows.append(
                {
                    "iteration": it.number,
                    "hires": hires_text(it.plan),
                    "cost": it.plan.total_cost,
                    "min_margin": min(factors),
                    "max_margin": max(factors),
                    "months_below": ", ".join(m.label for m in it.short),
                    # A table's cell, by stage id ("s1 +1.5, s2 -2.0"), as hires_text's
                    # "1@2027-05": the terminal shows it under "lag correction (days)".
                    "lag_extra_days": ", ".join(
                        f"{sid} {days:+.1f}" for sid, days in sorted(it.lag_extra_days.items())
                    ),
                    "p_plan_met": it.p_plan_met,
                    "p_low": it.p_low,
                    "p_high": it.p_high,
                    "change": it.change,
                }
            )
        return pd.DataFrame(rows)


def hires_text(plan: HiringPlan) -> str:
    """A calendar in a cell: "seller 1@2027-05, 2@2027-06; manager 1@2027-03"."""
    by_role: dict[str, list[str]] = {}
    for (rid, label), n in sorted(plan.hires.items(), key=lambda item: (item[0][1], item[0][0])):
        by_role.setdefault(rid, []).append(f"{n}@{label}")
    return "; ".join(f"{rid} {', '.join(lines)}" for rid, lines in by_role.items()) or "none"


def verify_hiring(
    scenario: Scenario,
    *,
    confidence: float | None = None,
    replications: int = HIRING_REPLICATIONS,
    seed: int | None = None,
    max_iterations: int = 6,
    objective: str = "cost",
    budget: float | None = None,
    budget_period: str = "month",
    solver: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    simulator: SimulateMonths | None = None,
) -> VerifiedHiring:
    """Plan the hiring calendar and simulate it until each month holds with the confidence.

    Args:
        scenario: The scenario.
        confidence: Asked-for chance (default ``plan.confidence``), in (0, 1).
        replications: Replications a simulation (``simulator`` None), at least 2.
        seed: Root seed, the same every iteration; None: the scenario's.
        max_iterations: Plans simulated at most.
        objective: As ``plan_hiring``: "cost", "revenue" or "margin".
        budget: As ``plan_hiring``.
        budget_period: As ``plan_hiring``.
        solver: As ``plan_hiring``.
        workers: As ``sim.simulate`` (``simulator`` None).
        executor: As ``sim.simulate`` (``simulator`` None).
        progress: Called with (what, done, total) as replications finish.
        simulator: Plays a scenario and returns its months; default ``sim.simulate``
            with ``replications`` and ``seed``, read by :func:`months_simulated`.

    Raises:
        ValueError: A confidence outside (0, 1), fewer than 2 replications or 1 iteration.
        PlanError: Nothing to verify (no counted month); the first plan's errors.
        InfeasiblePlanError: The first calendar cannot be planned.
    """
    target = scenario.plan.confidence if confidence is None else confidence
    if not 0.0 < target < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {target}")
    if replications < 2 or max_iterations < 1:
        raise ValueError("need at least 2 replications and 1 iteration")
    _check_measurable(scenario)
    margins: dict[int, float] = {}
    lag: dict[str, float] = {}
    done: list[HiringIteration] = []

    def planned(margins: dict[int, float], lag: dict[str, float], appraise: bool) -> HiringPlan:
        return plan_hiring(
            scenario,
            objective=objective,
            budget=budget,
            budget_period=budget_period,
            solver=solver,
            appraise=appraise,
            margins=margins or None,
            lag_extra_days=lag or None,
        )

    def appraised(it: HiringIteration, change: str) -> HiringIteration:
        # The answer's calendar again, its lines appraised (a month's delay, payback).
        return replace(it, plan=planned(it.margins, it.lag_extra_days, True), change=change)

    def play(applied: Scenario, number: int) -> MonthsSimulated:
        if simulator is not None:
            return simulator(applied)
        result = simulate(
            applied,
            replications,
            seed,
            workers=workers,
            executor=executor,
            progress=_reps(progress, number, replications),
        )
        return months_simulated(result)

    for number in range(1, max_iterations + 1):
        try:
            plan = planned(margins, lag, appraise=False)
        except InfeasiblePlanError as exc:
            if not done:
                raise
            head = (
                f"the calendar with the margins the months' spread needs "
                f"({_margins(done[-1], margins)}) "
                "cannot be staffed within the scenario's limits"
            )
            return _stop(scenario, target, done, head, causes=exc.causes)
        applied = apply_hiring(scenario, plan, solver=solver)
        if done and applied == done[-1].scenario:
            # The same calendar on the same seed gives the same days: only margins move on.
            simulated, expected = done[-1].simulated, done[-1].expected
        else:
            simulated = play(applied, number)
            # What the simulated team can sell: the plan's months at the team's most
            # (optimizer.hiring_value.expected_months, at the plan's corrected lag).
            expected = dict(plan.revenue)
        it = _iteration(
            number,
            plan,
            applied=applied,
            simulated=simulated,
            expected=expected,
            corrections=(margins, lag),
            target=target,
        )
        if it.met:
            done.append(appraised(it, "target reached"))
            return _stop(scenario, target, done, _reached(it, target), met=True)
        stalled = len(done) >= STALL_ITERATIONS and all(
            d.scenario == applied for d in done[-STALL_ITERATIONS:]
        )
        if stalled:
            done.append(appraised(it, "no progress"))
            head = (
                f"the calendar stopped changing: {STALL_ITERATIONS} raises of the months below "
                f"{format_percent(target, locale=scenario.money_locale)} moved no hire; "
                + _below(it, target)
            )
            return _stop(scenario, target, done, head, causes=_shortfalls(it, stalled=True))
        new_margins = _next_margins(it, target)
        new_lag = _next_lag(scenario, lag, simulated.cycle_days)
        done.append(replace(it, change=_describe(it, new_margins, lag, new_lag)))
        margins, lag = new_margins, new_lag
    last = done[-1] = appraised(done[-1], done[-1].change)
    head = f"stopped after {counted(max_iterations, 'iteration')}: " + _below(last, target)
    return _stop(scenario, target, done, head, causes=_shortfalls(last, stalled=False))


def _iteration(
    number: int,
    plan: HiringPlan,
    *,
    applied: Scenario,
    simulated: MonthsSimulated,
    expected: dict[str, float],
    corrections: tuple[dict[int, float], dict[str, float]],
    target: float,
) -> HiringIteration:
    """An iteration's months and its verdict under the scenario's ``plan.judged_on``."""
    margins, lag = corrections
    months = _months(applied, expected, simulated, margins)
    frame = simulated.attainment
    reps = pd.Index(sorted(pd.unique(frame["replication"])), dtype=np.int64)
    share = met_by_replication(frame, applied, reps).dropna()
    p = float(share.mean()) if len(share) else 0.0
    low, high = wilson_interval(float(share.sum()), len(share)) if len(share) else (0.0, 1.0)
    if applied.plan.judged_on is JudgedOn.MONTH:
        met = bool(months) and all(m.p_met >= target for m in months)
    else:
        met = p >= target
    return HiringIteration(
        number=number,
        plan=plan,
        scenario=applied,
        simulated=simulated,
        expected=expected,
        margins=dict(margins),
        lag_extra_days=dict(lag),
        months=months,
        p_plan_met=p,
        p_low=low,
        p_high=high,
        met=met,
        confidence=target,
    )


def _months(
    sc: Scenario,
    expected: Mapping[str, float],
    simulated: MonthsSimulated,
    margins: Mapping[int, float],
) -> tuple[MonthCheck, ...]:
    """Each counted month's plan, expectation and simulated outcome, with P(met)."""
    frame = simulated.attainment
    seats = _seats(simulated.headcount)
    out = []
    for t in counted_months(sc, sc.calendar.warmup_days):
        label = sc.month_label(t)
        plan_t = sc.plan_target(t)
        att = frame.loc[frame["month"] == t, "attainment"].to_numpy(dtype=np.float64)
        att = att[np.isfinite(att)]
        met = float((att >= MET).sum())
        low, high = wilson_interval(met, len(att)) if len(att) else (0.0, 1.0)
        out.append(
            MonthCheck(
                index=t,
                label=label,
                plan=plan_t,
                margin=margins.get(t, 1.0),
                expected=expected.get(label, math.nan),
                simulated=float(att.mean()) * plan_t if len(att) else math.nan,
                p10=float(np.quantile(att, 0.1)) * plan_t if len(att) else math.nan,
                p90=float(np.quantile(att, 0.9)) * plan_t if len(att) else math.nan,
                p_met=met / len(att) if len(att) else 0.0,
                p_low=low,
                p_high=high,
                seats=seats.get(t, math.nan),
            )
        )
    return tuple(out)


def _seats(headcount: pd.DataFrame | None) -> dict[int, float]:
    """Mean people in seat by month (all roles), over replications."""
    if headcount is None or headcount.empty:
        return {}
    by_rep = headcount.groupby(["replication", "month"], as_index=False)["in_seat"].sum()
    means = by_rep.groupby("month")["in_seat"].mean()
    return dict(zip(means.index.astype(int).tolist(), means.astype(float).tolist(), strict=True))


def _next_margins(it: HiringIteration, target: float) -> dict[int, float]:
    """Raise each month below the confidence so its (1 - confidence) quantile reaches 1.

    Under a rule other than ``month`` whose units fall short while every month is at the
    confidence (every month met together is rarer than each), every month is raised.
    """
    frame = it.simulated.attainment
    short = it.short or it.months
    new = dict(it.margins)
    for m in short:
        att = frame.loc[frame["month"] == m.index, "attainment"].to_numpy(dtype=np.float64)
        att = att[np.isfinite(att)]
        low = float(np.quantile(att, 1.0 - target)) if len(att) else math.nan
        if not math.isfinite(low) or low <= 0:
            step = MAX_MARGIN_STEP
        else:
            step = min(max(1.0 / low, MIN_MARGIN_STEP), MAX_MARGIN_STEP)
        new[m.index] = round(new.get(m.index, 1.0) * step, 3)
    return new


def _next_lag(
    sc: Scenario, lag: dict[str, float], cycle_days: Mapping[str, float]
) -> dict[str, float]:
    """The lag correction by segment: simulated mean cycle less the kernel's, if > a day."""
    new = dict(lag)
    for sid, days in sorted(cycle_days.items()):
        if sid not in sc.segments or not math.isfinite(days):
            continue
        old = lag.get(sid, 0.0)
        corrected = round(old + days - stage_months(sc, sid, old).cycle_days, 2)
        if abs(corrected - old) > LAG_STEP_DAYS:
            new[sid] = corrected
    return new


def _describe(
    it: HiringIteration, margins: dict[int, float], old_lag: dict[str, float], lag: dict[str, float]
) -> str:
    loc = it.scenario.money_locale
    labels = {m.index: month_title(m.label, loc) for m in it.months}
    parts = [
        f"margin {labels[t]} {_margin(f, loc)}"
        for t, f in sorted(margins.items())
        if it.margins.get(t, 1.0) != f
    ]
    parts += [
        f"lag {sid} {format_number(days, 1, locale=loc, signed=True)} days"
        for sid, days in sorted(lag.items())
        if old_lag.get(sid, 0.0) != days
    ]
    return "; ".join(parts) or "no change"


def _margins(it: HiringIteration, margins: dict[int, float]) -> str:
    loc = it.scenario.money_locale
    labels = {m.index: month_title(m.label, loc) for m in it.months}
    raised = [f"{labels[t]} {_margin(f, loc)}" for t, f in sorted(margins.items())]
    return ", ".join(raised) or "none"


def _reached(it: HiringIteration, target: float) -> str:
    loc = it.scenario.money_locale
    asked = format_percent(target, locale=loc)
    if it.scenario.plan.judged_on is JudgedOn.MONTH:
        weakest = min(it.months, key=lambda m: m.p_met)
        return (
            f"every counted month meets its plan in at least {asked} of "
            f"replications (the weakest, {month_title(weakest.label, loc)}, "
            f"{format_chance(weakest.p_met, weakest.p_low, weakest.p_high, locale=loc)})"
        )
    return (
        f"P(plan met) {format_chance(it.p_plan_met, it.p_low, it.p_high, locale=loc)} "
        f"reaches the {asked} asked for"
    )


def _below(it: HiringIteration, target: float) -> str:
    loc = it.scenario.money_locale
    asked = format_percent(target, locale=loc)
    if it.scenario.plan.judged_on is JudgedOn.MONTH:
        short = month_titles((m.label for m in it.short), loc)
        return f"P(month met) of {short} below the {asked} asked for"
    return (
        f"P(plan met) {format_chance(it.p_plan_met, it.p_low, it.p_high, locale=loc)} "
        f"is below the {asked} asked for"
    )


def _shortfalls(it: HiringIteration, *, stalled: bool) -> tuple[Diagnosis, ...]:
    """One cause per month below the confidence, with its remedy."""
    remedy = (
        "the hires that would lift it are not in reach: raise the headcount limits or hire "
        "earlier than the horizon (calendar.start)"
        if stalled
        else "allow more iterations or ask for less confidence (plan.confidence)"
    )
    loc = it.scenario.money_locale
    return tuple(
        Diagnosis(
            f"{month_title(m.label, loc)} met in "
            f"{format_chance(m.p_met, m.p_low, m.p_high, locale=loc)} of replications "
            f"with a plan margin of {_margin(m.margin, loc)}",
            remedy,
        )
        for m in it.short
    )


def _stop(
    scenario: Scenario,
    target: float,
    done: list[HiringIteration],
    reason: str,
    met: bool = False,
    causes: tuple[Diagnosis, ...] = (),
) -> VerifiedHiring:
    """The loop's outcome; ``reason`` is the verdict, then one line per cause."""
    return VerifiedHiring(
        scenario=scenario,
        confidence=target,
        met=met,
        reason=verdict_text(reason, causes),
        iterations=done,
        causes=causes,
    )
