"""Explaining an impossible plan: the smallest relaxation of each kind of limit.

Limits that need no solver are named first: a span of control that no headcount within
the limits can give ("Team lead needs 3 people for 30 reports (Agent) at a span of 12"). Otherwise
the model is rebuilt with a penalised slack on one group of limits at a time (the plan,
the headcount maxima or the people's hours, the spans of control, the lead pools, the
budget) and solved as an LP; each group that can make the plan feasible on its own
becomes one alternative, said in the scenario's words.
"""

from __future__ import annotations

import dataclasses
import math

import pulp

from optimizer.errors import InfeasiblePlanError, Relaxation, SolverFailedError
from optimizer.model import Model, PlanMode, build, value
from optimizer.rates import Rates
from optimizer.result import alike_class
from optimizer.solve import Infeasible, solve
from optimizer.solvers import make_solver, solver_name
from optimizer.team import Unit
from optimizer.units import alike_rows, alike_text, in_unit, org_unit_of
from sim.money import format_money, format_money_column
from sim.names import title
from sim.percent import format_number, format_percent
from sim.rules import unit_plan
from sim.rules.service import desks
from sim.scenario import Scenario
from sim.words import counted

_TOL = 1e-6
# Seconds a way out may take to find (each group of limits a solve): a network of many
# alike branches makes a whole-number model CBC may not prove in minutes.
ELASTIC_LIMIT_S = 20.0
_NOT_LEAST = " (found within the time allowed: perhaps more than the least needed)"


def explain_infeasible(
    sc: Scenario,
    r: Rates,
    mode: PlanMode,
    solver: pulp.LpSolver,
    budget: float | None = None,
    bounds: dict[str, tuple[int, int]] | None = None,
    team: dict[str, int] | None = None,
) -> InfeasiblePlanError:
    """The error that says why the plan is impossible and what would make it possible."""
    if mode == PlanMode.SIZING:
        named = span_limits(sc, bounds or {}) or service_limits(sc, bounds or {}, r.design.index)
        if named:
            return named
    sells = bool(sc.segments)
    groups = ["plan"] if sells else []
    groups += ["capacity" if mode == PlanMode.ALLOCATION else "headcount", "span", "pool"]
    if mode == PlanMode.SIZING and budget is not None:
        groups = ["budget", "headcount", "span", "pool"]
    alternatives: list[Relaxation] = []
    for group in groups:
        found = _relax(
            sc,
            r,
            mode=mode,
            solver=solver,
            budget=budget,
            bounds=bounds,
            groups=frozenset({group}),
            team=team,
        )
        if found is not None:
            alternatives.append(_join(found))
    if not alternatives:
        together = _relax(
            sc,
            r,
            mode=mode,
            solver=solver,
            budget=budget,
            bounds=bounds,
            groups=frozenset(groups),
            team=team,
        )
        if together:
            alternatives.append(_join(together, "all of: "))
    if budget is not None and mode == PlanMode.SIZING:
        what = f"the budget of {_money(sc, budget)} a month"
    elif sells:
        what = f"the plan of {_money(sc, r.design.target)} a month ({r.design.label})"
        own = unit_plan.stated(sc)
        if len(own) == 1:
            what += f" and {title(own[0], sc)}'s own plan"
        elif own:
            what += f" and the own plans of {', '.join(title(u, sc) for u in own)}"
    else:
        what = "the work and the service targets of the inbound requests"
    people = (
        "the current team" if mode == PlanMode.ALLOCATION else "no team within the headcount limits"
    )
    meets = "cannot meet" if mode == PlanMode.ALLOCATION else "meets"
    reason = f"The plan is impossible: {people} {meets} {what}."
    if not alternatives:
        reason += " No relaxation of the plan, headcount, spans, hours or pools makes it feasible."
    return InfeasiblePlanError(reason, alternatives)


def service_limits(
    sc: Scenario, bounds: dict[str, tuple[int, int]], month: int | None = None
) -> InfeasiblePlanError | None:
    """Inbound desks whose service target (of the design ``month``) needs more people."""
    found = []
    for desk in desks(sc, month):
        most = sum(bounds.get(rid, (0, sc.roles[rid].headcount.max))[1] for rid in desk.roles)
        if desk.roster > most:
            roles = " and ".join(desk.roles)
            text = (
                f"{', '.join(title(c, sc) for c in desk.channels)}: "
                f"{_figure(sc, desk.load_erlangs, 1)} "
                f"Erlangs need {desk.seats} {_titles(desk.roles, sc)} present for the service "
                f"target, {desk.roster} on the roster with days away: allow "
                f"{desk.roster - most} more (max {most} -> {desk.roster})"
            )
            found.append(
                Relaxation(
                    kind="service",
                    subject=roles,
                    amount=float(desk.roster - most),
                    unit="people",
                    text=text,
                )
            )
    if not found:
        return None
    return InfeasiblePlanError(
        "The plan is impossible: the service target of the inbound requests needs more "
        "people than the headcount limits allow.",
        found,
    )


def _titles(ids: list[str] | tuple[str, ...], sc: Scenario) -> str:
    """Roles or channels by their titles, joined: "Support agent and Team lead"."""
    return " and ".join(title(x, sc) for x in ids)


def span_limits(sc: Scenario, bounds: dict[str, tuple[int, int]]) -> InfeasiblePlanError | None:
    """Spans of control that no headcount within the limits can give, named.

    The fewest people reporting to a role (their minimum headcounts) need
    ``ceil(reports / max_span)`` managers; more than the role's maximum is impossible
    whatever the plan.
    """
    found = []
    for rid, role in sc.roles.items():
        below = sc.direct_reports(rid)
        if role.max_span is None or not below:
            continue
        reports = sum(bounds.get(x, (sc.roles[x].headcount.min, 0))[0] for x in below)
        most = bounds.get(rid, (0, role.headcount.max))[1]
        need = math.ceil(reports / role.max_span - 1e-9)
        if need > most:
            wider = math.ceil(reports / most - 1e-9) if most else reports
            text = (
                f"{title(rid, sc)} needs {counted(need, 'person')} for "
                f"{counted(reports, 'report')} ({_titles(below, sc)}) at a span of "
                f"{role.max_span}: allow {need} (max {most} -> {need}), or a span of {wider}"
            )
            found.append(
                Relaxation(
                    kind="span",
                    subject=rid,
                    amount=float(need - most),
                    unit="people",
                    text=in_unit(sc, rid, text),
                )
            )
    if not found:
        return None
    reason = "The plan is impossible: span of control. " + "; ".join(
        f"{title(f.subject, sc)} can manage at most {sc.roles[f.subject].max_span} reports each"
        for f in found
    )
    return InfeasiblePlanError(reason + ".", found)


def _relax(
    sc: Scenario,
    r: Rates,
    mode: PlanMode,
    solver: pulp.LpSolver,
    budget: float | None,
    bounds: dict[str, tuple[int, int]] | None,
    groups: frozenset[str],
    team: dict[str, int] | None = None,
) -> list[Relaxation] | None:
    # Whole people (a span of control needs a whole second lead): the LP's fractions made
    # advice that failed when followed, then "no relaxation makes it feasible" at a plan
    # the LP met with 1.5 team leads. A whole-number answer found in the time allowed is
    # still a way out, if perhaps more than the least one (said: ``_NOT_LEAST``).
    model = build(sc, r, mode, budget=budget, bounds=bounds, relax=groups, integer=True, team=team)
    _alike_slack_equal(model)
    try:
        least = solve(model.problem, _elastic_solver(solver))
    except Infeasible:
        return None
    except SolverFailedError:  # no whole-number answer in the time allowed
        return None
    amounts = {key: value(v) for key, v in model.relax.items()}
    found = [
        _describe(model, g, s, amount) for (g, s), amount in amounts.items() if g != "capacity"
    ]
    extra = {s: amount for (g, s), amount in amounts.items() if g == "capacity"}
    found.extend(_capacity_by_level(model, extra))
    said = alike_said_once(sc, [x for x in found if x is not None], model.alike)
    if not least:
        said = [dataclasses.replace(x, text=x.text + _NOT_LEAST) for x in said]
    return said or None


def _alike_slack_equal(model: Model) -> None:
    """Alike units relaxed by the same amount, limit by limit (rows ``alike_slack_*``).

    The way out is said once for a class of alike units, "each as Branch 000" (see
    :func:`alike_said_once`), so it is sought in that form: one slack a class, not one a
    unit that CBC would try to spread over them in every way (twelve branches did not
    prove in twenty seconds, and the answer found asked for 22 more client managers each
    where the LP's mean was 9).
    """
    first: dict[tuple[str, int, str], pulp.LpVariable] = {}
    for (g, s), var in model.relax.items():
        key = alike_class(s, model.alike)
        if key is None:
            continue
        lead = first.setdefault((g, *key), var)
        if lead is not var:
            model.problem += (var - lead == 0, f"alike_slack_{g}_{s}")


def _elastic_solver(solver: pulp.LpSolver) -> pulp.LpSolver:
    """The plan's solver, with at most ``ELASTIC_LIMIT_S`` a solve (the user's if less)."""
    limit = solver.timeLimit
    return make_solver(
        solver_name(solver),
        time_limit_s=ELASTIC_LIMIT_S if limit is None else min(limit, ELASTIC_LIMIT_S),
    )


def alike_said_once(
    sc: Scenario, found: list[Relaxation], groups: list[list[str]]
) -> list[Relaxation]:
    """The same way out in every unit of an alike class, said once for the class.

    Fifty alike branches would otherwise read fifty times "allow 1 more (max 1 -> 2)":
    "Branch 000, Branch 001 and Branch 002 (alike units), each as Branch 000: ...". The
    amount is the class's total; relaxations of one unit only are left as they are.
    """
    rows = alike_rows([(r.subject, (r.kind, r.amount)) for r in found], groups)
    return [found[at[0]] if len(at) == 1 else _said_once(sc, [found[i] for i in at]) for at in rows]


def _said_once(sc: Scenario, same: list[Relaxation]) -> Relaxation:
    units = [org_unit_of(sc, r.subject) or r.subject for r in same]
    return Relaxation(
        kind=same[0].kind,
        subject="+".join(r.subject for r in same),
        amount=sum(r.amount for r in same),
        unit=same[0].unit,
        text=alike_text(sc, units, same[0].text),
    )


def _capacity_by_level(model: Model, extra: dict[str, float]) -> list[Relaxation]:
    """Hours missing, by level: people's shortfalls added up, and what they come to."""
    r = model.rates
    by_level: dict[str, list[tuple[Unit, float]]] = {}
    for u in model.units:
        if extra.get(u.id, 0.0) > _TOL * max(1.0, u.capacity_min):
            by_level.setdefault(u.level.value, []).append((u, extra[u.id]))
    result = []
    for level, rows in by_level.items():
        hours = sum(a for _, a in rows) * r.days_per_week / 60.0
        per_person = rows[0][0].capacity_min * r.days_per_week / 60.0
        sc = model.scenario
        roles = sorted({title(u.role, sc) for u, _ in rows})
        text = (
            f"the work of the plan needs {_figure(sc, hours)} more {level}-level hours a week "
            f"than the current team has ({len(rows)} {'person' if len(rows) == 1 else 'people'} "
            f"short of time, in {', '.join(roles)}): about "
            f"{math.ceil(hours / max(per_person, 1e-9) - 1e-6)} more people at "
            f"{_figure(sc, per_person)} h"
        )
        result.append(
            Relaxation(kind="capacity", subject=level, amount=hours, unit="hours/week", text=text)
        )
    return result


def _join(found: list[Relaxation], prefix: str = "") -> Relaxation:
    if len(found) == 1 and not prefix:
        return found[0]
    return Relaxation(
        kind="+".join(sorted({f.kind for f in found})),
        subject="+".join(f.subject for f in found),
        amount=sum(f.amount for f in found),
        unit="mixed",
        text=prefix + "; and ".join(f.text for f in found),
        parts=tuple(f.text for f in found),
    )


def _money(sc: Scenario, amount: float) -> str:
    """An amount in the scenario's currency and locale (sim.money), as every report writes it."""
    return format_money(amount, sc.currency, sc.money_locale)


def _figure(sc: Scenario, value: float, digits: int = 0) -> str:
    """A figure in the scenario's locale (sim.percent): "1,234" ("1 234" ru_RU)."""
    return format_number(value, digits, locale=sc.money_locale)


def _share(share: float, locale: str | None = None) -> str:
    """A share to one decimal ("12.5 %"); one above 0 but under 0.05 % is "<0.1 %".

    At one decimal such a share would read "0.0 %", as if the team sold nothing; the
    bound in ``locale`` too ("<0,1 %").
    """
    if 0.0 < share < 0.0005:
        return "<" + format_percent(0.001, locale=locale)
    return format_percent(share, locale=locale)


def _unit_plan_relaxation(model: Model, uid: str, amount: float) -> Relaxation:
    """A unit's own plan lowered to what its people can be expected to sell."""
    sc, r = model.scenario, model.rates
    target = unit_plan.design_plan(sc, uid, [m.index for m in r.months])
    reach = max(target / r.per_month - amount, 0.0) * r.per_month
    text = (
        f"lower {title(uid, sc)}'s own plan (units.{uid}.plan) to {_money(sc, reach)} a month "
        f"({_share(reach / target, sc.money_locale)} of {_money(sc, target)}): the most its "
        "people can be expected to sell within their headcount limits"
    )
    if reach < 0.5:
        text = (
            f"remove {title(uid, sc)}'s own plan (units.{uid}.plan), or let roles of it that "
            "sell grow (headcount.max): within its limits nobody there can be expected to sell"
        )
    return Relaxation(
        kind="plan",
        subject=uid,
        amount=amount * r.per_month,
        unit=f"{sc.currency}/month",
        text=text,
    )


def _describe(model: Model, group: str, subject: str, amount: float) -> Relaxation | None:
    sc, r = model.scenario, model.rates
    if amount <= _TOL * max(1.0, _size(model, group, subject)):
        return None
    cur = sc.currency
    week = r.days_per_week / 60.0  # minutes a day -> hours a week
    if group == "plan" and subject in sc.units:
        return _unit_plan_relaxation(model, subject, amount)
    if group == "plan":
        # Down to the figure said (3 significant digits): "lower the plan to RUB 894M"
        # for 893.8M failed when followed.
        reach = floor_significant(max(r.plan_per_day - amount, 0.0) * r.per_month)
        share = reach / r.design.target
        text = (
            f"lower the plan to {_money(sc, reach)} a month ({_share(share, sc.money_locale)} of "
            f"{_money(sc, r.design.target)}): the most this team can be expected to sell"
        )
        if reach < 0.5:
            text = (
                "this team can be expected to sell nothing: no lead reaches it (check the "
                "channels' volumes and connect rates, and who sells which segment)"
            )
        return Relaxation(
            kind="plan", subject="plan", amount=amount * r.per_month, unit=f"{cur}/month", text=text
        )
    if group == "headcount":
        role = sc.roles[subject]
        people = math.ceil(amount - 1e-6)
        unit = next(u for u in model.units if u.id == subject)
        hours = amount * unit.capacity_min * week
        text = (
            f"the plan needs {_figure(sc, hours)} more {role.level.value}-level hours a week than "
            f"the maximum headcount of {title(subject, sc)} allows: allow {people} more "
            f"(max {role.headcount.max} -> {role.headcount.max + people})"
        )
        bound = _span_bound(model, subject)
        if bound is not None:
            reports, need = bound
            text = (
                f"span of control of {title(subject, sc)}: {_figure(sc, reports)} reports need "
                f"{counted(need, 'person')} at a span of {role.max_span}: allow {people} more "
                f"(max {role.headcount.max} -> {role.headcount.max + people}), or a span of "
                f"{math.ceil(reports / max(role.headcount.max, 1) - 1e-6)}"
            )
        return Relaxation(
            kind="headcount",
            subject=subject,
            amount=float(people),
            unit="people",
            text=in_unit(sc, subject, text),
        )
    if group == "span":
        role = sc.roles[subject]
        span = role.max_span or 0
        managers = max(round(value(model.count[subject])), 1)
        wider = math.ceil(span + amount / managers - 1e-6)
        text = (
            f"span of control of {title(subject, sc)}: the plan needs "
            f"{_figure(sc, amount, 1)} more reports than its {counted(managers, 'person')} "
            f"at a span of {span} may have: allow a span of {wider}, or more people"
        )
        return Relaxation(
            kind="span",
            subject=subject,
            amount=amount,
            unit="reports",
            text=in_unit(sc, subject, text),
        )
    if group == "pool":
        ch = model.channels[subject]
        total = (ch.contacts_per_day or 0.0) * r.horizon_days
        extra = amount * r.horizon_days
        text = (
            f"a {ch.kind} pool {title(subject, sc)} "
            f"{format_percent(extra / max(total, 1e-9), digits=0, locale=sc.money_locale)} "
            f"larger ({_figure(sc, total)} -> {_figure(sc, total + extra)} contacts over the "
            "horizon)"
        )
        stock = getattr(sc.channels.get(subject), "pool", None)
        if isinstance(stock, int | float) and total >= 0.5:
            # The field to change: the stock at the start (the refill comes on top).
            more = math.ceil(extra - 1e-6)
            text += f": channels.{subject}.pool {_figure(sc, stock)} -> {_figure(sc, stock + more)}"
        if total < 0.5:
            text = (
                f"{_figure(sc, extra)} contacts in the {ch.kind} pool {title(subject, sc)} "
                "over the horizon (it has none)"
            )
        return Relaxation(kind="pool", subject=subject, amount=extra, unit="contacts", text=text)
    was, now = format_money_column(
        [model.budget or 0.0, (model.budget or 0.0) + amount], sc.currency, sc.money_locale
    )
    text = f"a budget {_money(sc, amount)} a month larger ({was} -> {now})"
    return Relaxation(
        kind="budget", subject="budget", amount=amount, unit=f"{cur}/month", text=text
    )


def _span_bound(model: Model, role_id: str) -> tuple[float, int] | None:
    """(reports, managers needed) when the role's span of control is what binds it."""
    role = model.scenario.roles[role_id]
    if f"span_{role_id}" not in model.constraints or role.max_span is None:
        return None
    reports = sum(value(model.count[x]) for x in model.scenario.direct_reports(role_id))
    need = math.ceil(reports / role.max_span - 1e-6)
    # Whole people: the span binds when the role has just the managers its reports need
    # (57 reports at 12: 5, with 3 of room), not only when the row has no room at all.
    if round(value(model.count[role_id])) != need:
        return None
    return reports, need


def _unit(model: Model, unit_id: str) -> Unit:
    return next(u for u in model.units if u.id == unit_id)


def _size(model: Model, group: str, subject: str) -> float:
    if group == "plan":
        return model.rates.plan_per_day
    if group == "capacity":
        return _unit(model, subject).capacity_min
    return 1.0


def floor_significant(x: float, digits: int = 3) -> float:
    """``x`` rounded down to ``digits`` significant digits (0 for 0 or less).

    An amount to lower a plan to is said to three digits ("RUB 894M"); rounded to
    nearest it could be above the most the team can sell, and fail when followed.
    """
    if x <= 0.0:
        return 0.0
    step = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return math.floor(x / step + 1e-9) * step
