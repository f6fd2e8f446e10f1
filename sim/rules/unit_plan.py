"""A unit's plan (issue 14, decision D3): stated by the unit, or its share of what is left.

One rule, read by the simulator's reports (``sim.results``' attainment, ``sim.unit_results``)
and by the optimiser (``optimizer.model``'s ``plan_<unit>`` rows):

- A unit may state its own plan, ``units.<u>.plan.revenue_per_month`` (one value, or twelve
  January to December, as the team's plan). It is judged on it, and ``teamsim plan`` sizes
  the unit's roles to meet it.
- Each seller answers to a **plan holder**: the nearest unit at or above their own that
  states a plan, or the team (``None``).
- A holder's **rest** is its plan less the plans stated by the nearest units under it that
  state one (each such unit answers for its own, whole). The rest is shared among the
  sellers who answer to the holder by selling capacity (people x selling share,
  ``sim.results.selling_capacity``): a person's target is the rest times their selling
  share over the holder's sellers'.
- A unit without a plan of its own answers for the plans stated under it plus its sellers'
  share of their holder's rest.

With no unit stating a plan every seller's holder is the team, and a unit's plan is the
team's times its share of selling capacity: the rule before units could state plans.
A rest is never below zero: units' plans that add to more than the plan above them (the
practice of over-assigning quota) leave that holder's other sellers nothing more to answer
for, and each level is still judged on its own plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sim.money import format_money
from sim.scenario import Scenario
from sim.scenario.units import ancestors, children, subtree
from sim.scenario.work import MonthlyRevenue

Holder = str | None  # a unit that states a plan, or None: the team's plan


def stated(sc: Scenario) -> list[str]:
    """The units that state a plan of their own, in file order."""
    return [uid for uid, unit in sc.units.items() if unit.plan is not None]


def holder(sc: Scenario, uid: str | None) -> Holder:
    """The plan a seller of unit ``uid`` answers to: ``uid``'s own or the nearest above.

    ``None`` (the team's plan) for a unit with no stated plan at or above it, for a role
    outside the units and for an unknown unit.
    """
    if uid is None or uid not in sc.units:
        return None
    for unit in (uid, *ancestors(sc.units, uid)):
        if sc.units[unit].plan is not None:
            return unit
    return None


def stated_under(sc: Scenario, uid: Holder) -> list[str]:
    """The nearest units strictly under ``uid`` (``None``: the whole network) that state a plan.

    Each answers for its own plan whole, so the units under it are not listed.
    """
    found: list[str] = []
    for child in children(sc.units, uid):
        if child == uid:
            continue
        if sc.units[child].plan is not None:
            found.append(child)
        else:
            found.extend(stated_under(sc, child))
    return found


def holder_plan(sc: Scenario, uid: Holder, month_index: int) -> float:
    """The plan of horizon month ``month_index`` (0-based) of a holder, scenario currency.

    A unit's stated plan read by calendar month as the team's is (``Scenario.plan_target``);
    the team's plan for ``None``.

    Raises:
        ValueError: ``uid`` is a unit that states no plan.
    """
    return _plan_of(sc, uid).for_calendar_month(sc.calendar_month(month_index)[1])


def _plan_of(sc: Scenario, uid: Holder) -> MonthlyRevenue:
    """A holder's plan: the team's for ``None``, else the unit's own (ValueError: none)."""
    plan = sc.plan if uid is None else sc.units[uid].plan
    if plan is None:
        raise ValueError(f"unit {uid!r} states no plan of its own")
    return plan


def rest(sc: Scenario, uid: Holder, month_index: int) -> float:
    """A holder's plan of a month less the plans stated under it; never below zero."""
    under = sum(holder_plan(sc, s, month_index) for s in stated_under(sc, uid))
    return max(0.0, holder_plan(sc, uid, month_index) - under)


def unit_target(
    sc: Scenario, uid: str, month_index: int, capacity: Mapping[str | None, float]
) -> float:
    """Unit ``uid``'s plan of a horizon month, given the selling capacity of each unit.

    ``capacity``: own unit (``None`` outside the units) -> selling capacity of its people
    (sum of ``sells``); a unit left out has none. A unit that states a plan: that plan.
    Otherwise the plans stated under it plus its sellers' share of their holder's rest
    (zero where the holder has no sellers of its own).
    """
    if sc.units[uid].plan is not None:
        return holder_plan(sc, uid, month_index)
    owner = holder(sc, uid)
    inside = [w for w in subtree(sc.units, uid) if holder(sc, w) == owner]
    free = holder_capacity(sc, owner, capacity)
    share = sum(capacity.get(w, 0.0) for w in inside) / free if free > 0 else 0.0
    below = sum(holder_plan(sc, s, month_index) for s in stated_under(sc, uid))
    return below + rest(sc, owner, month_index) * share


def holder_capacity(sc: Scenario, uid: Holder, capacity: Mapping[str | None, float]) -> float:
    """Selling capacity of the sellers who answer to holder ``uid`` (``capacity`` as above)."""
    return sum(c for w, c in capacity.items() if holder(sc, w) == uid)


def design_month(sc: Scenario, uid: str, months: Iterable[int]) -> int:
    """The month (of ``months``) a stated unit is sized for: its plan's highest (the first).

    As the team is sized for its month with the most to sell (``optimizer.rates``), a unit
    that states a plan is sized for its own.
    """
    return max(months, key=lambda m: holder_plan(sc, uid, m))


def design_plan(sc: Scenario, uid: str, months: Iterable[int]) -> float:
    """A stated unit's plan in the month it is sized for (:func:`design_month`)."""
    return holder_plan(sc, uid, design_month(sc, uid, months))


def varies(sc: Scenario) -> bool:
    """Whether some unit's own plan differs from month to month."""
    return any(
        len(set(unit.plan.revenue_per_month)) > 1
        for unit in sc.units.values()
        if unit.plan is not None
    )


def plan_warnings(sc: Scenario) -> list[tuple[tuple[str, ...], str]]:
    """Unit plans a valid scenario allows but that are likely mistakes, at their lines.

    - Plans stated under a holder that add to more than its own in some month (quota
      over-assigned): allowed, each level is judged on its own, but said.
    - A holder's rest that no seller answers for: every seller sits under a unit with a
      plan of its own, so the part of the plan above theirs is nobody's target.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    for uid in [None, *stated(sc)]:
        under = stated_under(sc, uid)
        if not under:
            continue
        path = ("plan",) if uid is None else ("units", uid, "plan")
        gaps = [_calendar_plan(sc, uid, m) - _under_sum(sc, under, m) for m in range(12)]
        month = min(range(12), key=lambda m: gaps[m])  # the month most over-assigned
        if gaps[month] < 0:
            found.append((path, _over_text(sc, uid, under, month)))
        elif max(gaps) > 0 and not any(answers_to(sc, rid, uid) for rid in sc.roles):
            found.append((path, _nobody_text(sc, uid, under)))
    return found


def _calendar_plan(sc: Scenario, uid: Holder, month0: int) -> float:
    return _plan_of(sc, uid).for_calendar_month(month0 + 1)


def _under_sum(sc: Scenario, under: list[str], month0: int) -> float:
    return sum(_calendar_plan(sc, s, month0) for s in under)


def answers_to(sc: Scenario, rid: str, uid: Holder) -> bool:
    """Whether role ``rid`` sells and answers to holder ``uid``'s plan."""
    role = sc.roles[rid]
    return role.sells > 0 and holder(sc, role.unit) == uid


def _titles(sc: Scenario, uids: Iterable[str]) -> str:
    from sim.names import title  # sim.names reads sim.rules: imported when a text is made

    return ", ".join(title(u, sc) for u in uids)


def _whose(sc: Scenario, uid: Holder) -> str:
    return "the team's plan" if uid is None else f"{_titles(sc, [uid])}'s own plan"


def _over_text(sc: Scenario, uid: Holder, under: list[str], month0: int) -> str:
    def money(x: float) -> str:
        return format_money(x, sc.currency, sc.money_locale)

    name = dt.date(2000, month0 + 1, 1).strftime("%B")
    return (
        f"the own plans of the units under it ({_titles(sc, under)}) add "
        f"up to {money(_under_sum(sc, under, month0))} in {name}, above {_whose(sc, uid)} "
        f"({money(_calendar_plan(sc, uid, month0))}): each is judged on its own plan, and "
        "no other seller answers for any of it"
    )


def _nobody_text(sc: Scenario, uid: Holder, under: list[str]) -> str:
    return (
        f"{_whose(sc, uid)} is more than the own plans of the units under it "
        f"({_titles(sc, under)}), but every seller is in one of those "
        "units, so the rest is nobody's target: state plans that add up to it, or leave a "
        "unit's plan out so that its sellers answer for their share"
    )
