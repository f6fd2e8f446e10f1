"""A network's plan by organisational unit: the ``By unit`` table of ``teamsim plan``.

The figures are ``Plan.units`` (optimizer.units.unit_lines): people and cost of each
unit at each level, its own roles and with the units under it. Shown only for a
scenario with ``units:``; a team's plan has no such table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from sim import format_money_column, format_number, format_percent, title
from sim.scenario import top_down

if TYPE_CHECKING:
    from optimizer import Plan
    from sim.scenario import Scenario

OUTSIDE = "outside the units"


def render_plan_units(result: Plan, sc: Scenario) -> Table | None:
    """A row per unit and level, units from the top down; None for a team without units.

    "people"/"cost a month": the unit's own roles; "with sub-units": the unit and every
    unit under it (a region with its branches). Roles outside the units come first.
    """
    if not result.units:
        return None
    depth = dict(top_down(sc.units))
    loc = sc.money_locale
    table = Table(title="By unit (people and cost a month)", title_justify="left")
    for head, justify in (
        ("unit", "left"),
        ("level", "left"),
        ("people", "right"),
        ("cost a month", "right"),
        ("people with sub-units", "right"),
        ("cost with sub-units", "right"),
    ):
        table.add_column(head, justify=justify)  # type: ignore[arg-type]
    costs = format_money_column(
        [x for line in result.units for x in (line.cost_per_month, line.cost_with_sub_units)],
        result.currency,
        loc,
    )
    shown: set[str | None] = set()
    for i, line in enumerate(result.units):
        uid = line.org_unit
        name = OUTSIDE if uid is None else f"{'  ' * depth.get(uid, 0)}{title(uid, sc)}"
        table.add_row(
            "" if uid in shown else name,
            line.level,
            format_number(line.headcount, 0, locale=loc),
            costs[2 * i],
            format_number(line.headcount_with_sub_units, 0, locale=loc),
            costs[2 * i + 1],
        )
        shown.add(uid)
    return table


SALES_TITLE = "Sales by unit ({month}, the design month)"


def unit_sales_rows(result: Plan, sc: Scenario) -> list[dict[str, str]]:
    """``Plan.unit_sales`` as the rows both the terminal and the dashboard show.

    Units from the top down (indented by depth); money in one scale for the column; the
    expected attainment is the expected revenue over the unit's plan. A "month" column
    (after "plan") only when a unit's own plan is sized for a month other than the design
    month (its own highest).
    """
    depth = dict(top_down(sc.units))
    loc = sc.money_locale
    money = format_money_column(
        [x for u in result.unit_sales for x in (u.revenue_per_month, u.plan_per_month)],
        result.currency,
        loc,
    )
    months = any(u.month not in ("", result.month) for u in result.unit_sales)
    rows = []
    for i, line in enumerate(result.unit_sales):
        share = line.revenue_per_month / line.plan_per_month if line.plan_per_month else None
        row = {
            "unit": f"{'  ' * depth.get(line.org_unit, 0)}{title(line.org_unit, sc)}",
            "expected revenue": money[2 * i],
            "plan": money[2 * i + 1],
            **({"month": line.month} if months else {}),
            "expected attainment": format_percent(share, locale=loc),
            "plan is": line.plan_basis,
        }
        rows.append(row)
    return rows


def render_plan_unit_sales(result: Plan, sc: Scenario) -> Table | None:
    """Each unit's expected revenue a month beside its plan (``Plan.unit_sales``).

    The plan is the unit's own where it states one, else its sellers' share of the plan
    above it (sim.rules.unit_plan), the plan ``simulate`` judges the unit on; a unit
    expected below it is sized for the team's plan only. None for a team without units.
    """
    if not result.unit_sales:
        return None
    table = Table(title=SALES_TITLE.format(month=result.month), title_justify="left")
    rows = unit_sales_rows(result, sc)
    for head in rows[0]:
        table.add_column(head, justify="left" if head in ("unit", "plan is") else "right")
    for row in rows:
        table.add_row(*row.values())
    return table
