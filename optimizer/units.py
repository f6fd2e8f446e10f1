"""A network's plan by organisational unit (issue 14, stage U5): who binds, and where.

Roles are per unit (``north__client_manager``, ``Role.unit``), so the model sizes each
unit's roles as it sizes any role; this module only reads the answer by unit: people
and cost by unit and level, and the unit a binding limit belongs to, named in its text.
A scenario without ``units:`` has no rows here and its texts are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from optimizer.result import Plan, RoleLine, RoleSegmentLine, UnitLine, UnitSales, alike_class
from sim.names import title
from sim.rules import unit_plan
from sim.rules.unit_plan import unit_target
from sim.scenario import Level, Scenario, top_down
from sim.scenario.units import subtree


def unit_lines(sc: Scenario, roles: Iterable[RoleLine]) -> tuple[UnitLine, ...]:
    """People and cost of each unit at each level, its own roles and with its sub-units.

    Rows for the roles outside the units (``org_unit`` None) first, then the units from
    the top down; within a unit, levels from the most senior down, a level only where the
    unit or a sub-unit has someone planned or a role. Empty for a team without units.
    The own figures of all rows add up to the plan's headcount and cost.
    """
    if not sc.units:
        return ()
    lines = list(roles)
    out: list[UnitLine] = []
    for uid in [None, *(u for u, _ in top_down(sc.units))]:
        inside = {uid} if uid is None else subtree(sc.units, uid)
        for level in reversed(Level):
            own = [r for r in lines if r.org_unit == uid and r.level == level.value]
            whole = [r for r in lines if r.org_unit in inside and r.level == level.value]
            if not whole:
                continue
            out.append(
                UnitLine(
                    org_unit=uid,
                    level=level.value,
                    headcount=sum(r.headcount for r in own),
                    cost_per_month=sum((r.cost_per_month for r in own), 0.0),
                    headcount_with_sub_units=sum(r.headcount for r in whole),
                    cost_with_sub_units=sum((r.cost_per_month for r in whole), 0.0),
                )
            )
    return tuple(out)


def unit_sales(
    sc: Scenario,
    roles: Iterable[RoleLine],
    role_segments: Iterable[RoleSegmentLine],
    *,
    design: int,
    months: Sequence[int],
    plan_factor: float = 1.0,
) -> tuple[UnitSales, ...]:
    """Each unit's expected revenue a month beside its plan of the month it is sized for.

    Units from the top down; the plan is ``sim.rules.unit_plan.unit_target`` with the
    selling capacity of the plan's headcounts (people x selling share, by unit), the rule
    the simulation judges the unit by: a unit that states a plan at its own highest month
    of ``months`` (``unit_plan.design_month``, the month its row holds), any other at the
    team's ``design`` month. ``sc`` is the scenario the model was given; with the verify
    loop's margin (``plan_factor``) the plans shown are the scenario's own, not raised.
    Empty for a team without units.
    """
    if not sc.units:
        return ()
    revenue: dict[str | None, float] = {}
    for line in role_segments:
        own = sc.roles[line.role].unit
        revenue[own] = revenue.get(own, 0.0) + line.revenue_per_month
    capacity: dict[str | None, float] = {}
    for role in roles:
        own = role.org_unit
        capacity[own] = capacity.get(own, 0.0) + role.headcount * sc.roles[role.role].sells
    lines = []
    for uid, _ in top_down(sc.units):
        stated = sc.units[uid].plan is not None
        month = unit_plan.design_month(sc, uid, months) if stated else design
        lines.append(
            UnitSales(
                org_unit=uid,
                revenue_per_month=sum(revenue.get(u, 0.0) for u in subtree(sc.units, uid)),
                plan_per_month=unit_target(sc, uid, month, capacity) / plan_factor,
                own_plan=stated,
                plan_basis=_basis(sc, uid),
                month=sc.month_label(month),
            )
        )
    return tuple(lines)


def _basis(sc: Scenario, uid: str) -> str:
    """Where a unit's plan comes from, in words (sim.rules.unit_plan's rule)."""
    if sc.units[uid].plan is not None:
        return "its own"
    below = unit_plan.stated_under(sc, uid)
    mine = unit_plan.holder(sc, uid)
    inside = subtree(sc.units, uid)
    shared = any(
        r.unit in inside and unit_plan.answers_to(sc, rid, mine) for rid, r in sc.roles.items()
    )
    if below and shared:
        return "its units' own, and a share by selling capacity"
    return "its units' own" if below else "a share by selling capacity"


def org_unit_of(sc: Scenario, subject: str) -> str | None:
    """The organisational unit of a limit's subject: a role's or a channel's ``unit``.

    None for anything else (the plan, the budget) and for a role or channel of the whole
    team. A desk's row (``service_<channel>``) is a channel's when the desk has one
    channel (a desk of several, ``service_a_b``, is named without its unit).
    """
    role = sc.roles.get(subject)
    if role is not None:
        return role.unit
    channel = sc.channels.get(subject)
    return channel.unit if channel is not None else None


def in_unit(sc: Scenario, subject: str, text: str) -> str:
    """A limit's text with its unit said first: "North branch: span of control of ...".

    Only for a role or a channel in a unit of a network; any other text is returned as it
    is, so a team's limits read as before.
    """
    uid = org_unit_of(sc, subject)
    if uid is None or uid not in sc.units:
        return text
    return f"{title(uid, sc)}: {text}"


# Alike units named in one line before the rest are counted ("and 45 more").
MOST_NAMED = 6


def alike_text(sc: Scenario, units: Sequence[str], text: str) -> str:
    """``text`` of the first of ``units`` (alike units) said once for all of them.

    "Branch 000, Branch 001 and Branch 002 (alike units), each as Branch 000: B000 team
    lead: at most 10.2 dials a day": the first unit's text (its :func:`in_unit` prefix
    taken off), so fifty alike branches read one line, not fifty nearly equal ones.
    """
    names = [title(u, sc) for u in units]
    if len(names) > MOST_NAMED:
        names_shown = [*names[: MOST_NAMED - 1], f"{len(names) - MOST_NAMED + 1} more"]
    else:
        names_shown = names
    own = text.removeprefix(f"{names[0]}: ")
    listed = f"{', '.join(names_shown[:-1])} and {names_shown[-1]}"
    return f"{listed} (alike units), each as {names[0]}: {own}"


def alike_rows(
    items: Sequence[tuple[str, object]], groups: Sequence[Sequence[str]]
) -> list[list[int]]:
    """Indices of ``items`` as rows, in first-seen order, alike units' together.

    An item a row, but those of alike units (``alike_class`` of the item's subject) that
    agree on ``same`` share one row.

    ``items``: (subject, same) pairs; ``same`` is what must be equal to be said once (a
    limit's family and value, a way out's kind and amount).
    """
    rows: list[list[int]] = []
    seen: dict[tuple[object, ...], int] = {}
    for i, (subject, same) in enumerate(items):
        key = alike_class(subject, groups)
        if key is None:
            rows.append([i])
        elif (same, *key) in seen:
            rows[seen[same, *key]].append(i)
        else:
            seen[same, *key] = len(rows)
            rows.append([i])
    return rows


def limits_said(sc: Scenario, plan: Plan) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The plan's binding limits as read: the same limit of alike units said once.

    Each row is a text and the indices in ``plan.limits`` it stands for (one, or the
    alike units' of one family whose limit is the same role's or channel's and worth the
    same). ``plan.alike`` empty (a team, or no alike units): each limit as it is.
    """
    limits = plan.limits
    rows = alike_rows([(lim.subject, (lim.family, lim.marginal)) for lim in limits], plan.alike)
    out = []
    for at in rows:
        text = limits[at[0]].text
        if len(at) > 1:
            units = [org_unit_of(sc, limits[i].subject) or limits[i].subject for i in at]
            text = alike_text(sc, units, text)
        out.append((text, tuple(at)))
    return tuple(out)
