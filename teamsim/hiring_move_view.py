"""``plan --hiring --move``: what hiring in one month rather than another changes, month by month.

Issue 12 ("a head can see what hiring in March rather than May changes"). The two
calendars are :func:`optimizer.hire_move`'s (the dashboard's "Move a hire" reads the same
rule), each evaluated by :func:`optimizer.evaluate_calendar` (the most revenue its team
can close, as the dashboard evaluates them); this module parses the option's value and
writes the comparison for the terminal and for ``--json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.markup import escape

from optimizer import CalendarValue, HireMove
from sim import (
    format_money,
    format_money_column,
    format_percent,
    money_scale,
    month_title,
    month_titles,
)
from sim.scenario import Scenario
from teamsim.figure_tables import FittedGrid, Grid

AFTER = "after"  # a TO month past the horizon
MOVE_EXPECTED = (
    "expected ROLE:FROM:TO[:N], months as YYYY-MM (TO may be 'after': past the horizon), "
    "N people (default: the plan's hires of ROLE in FROM, else 1), "
    "e.g. client_manager:2027-03:2027-05"
)


@dataclass(frozen=True)
class MoveAsked:
    """``--move ROLE:FROM:TO[:N]`` read.

    ``to`` None: after the horizon; ``count`` None: hire_move's default (the plan's hires
    of the role in ``start``, else 1).
    """

    role: str
    start: str
    to: str | None
    count: int | None


def parse_move(text: str) -> MoveAsked:
    """The option's value read (ValueError: not ROLE:FROM:TO[:N], with what was expected)."""
    parts = text.split(":")
    if len(parts) not in (3, 4) or not all(p.strip() for p in parts):
        raise ValueError(MOVE_EXPECTED)
    role, start, to = (p.strip() for p in parts[:3])
    count: int | None = None
    if len(parts) == 4:
        try:
            count = int(parts[3])
        except ValueError:
            raise ValueError(f"N {parts[3]!r} is not a whole number; {MOVE_EXPECTED}") from None
    return MoveAsked(role=role, start=start, to=None if to == AFTER else to, count=count)


def move_error(text: str, why: str) -> str:
    """One line: the option, its value, and what was wrong or expected."""
    return f"--move {text!r}: {why}"


# -- terminal ---------------------------------------------------------------------------


def render_move(
    move: HireMove, base: CalendarValue, other: CalendarValue, scenario: Scenario
) -> Group:
    """The words, the months of both calendars side by side, and their totals."""
    loc = scenario.money_locale
    cur = base.currency or scenario.currency
    was, then = _names(move, loc)
    words = f"[bold]What if: {escape(move.words)}[/]"
    return Group(
        words,
        _months(base, other, cur, loc, names=(was, then)),
        _totals(base, other, cur, loc, names=(was, then)),
    )


def _names(move: HireMove, loc: str) -> tuple[str, str]:
    """How the two calendars are headed: by the month the people are hired in."""
    then = "after the horizon" if move.to is None else month_title(move.to, loc)
    return month_title(move.start, loc), then


def _months(
    base: CalendarValue, other: CalendarValue, cur: str, loc: str, *, names: tuple[str, str]
) -> FittedGrid:
    table = month_table(base, other, cur, loc, names=names)
    heads = table.heads
    grid = Grid(title="What if, month by month", key=heads[0], columns={h: [] for h in heads[1:]})
    for row, dim in zip(table.rows, table.dim, strict=True):
        grid.add_row(row[0], list(row[1:]), style="dim" if dim else None)
    was, then = names
    hired = "after the horizon" if then == "after the horizon" else "in " + then
    grid.caption = (
        f"({was}): the plan's calendar with the people hired in {was}; ({then}): hired "
        f"{hired} instead. " + month_caption(names)
    )
    return FittedGrid(grid)


def _totals(
    base: CalendarValue, other: CalendarValue, cur: str, loc: str, *, names: tuple[str, str]
) -> FittedGrid:
    table = totals_table(base, other, cur, loc, names=names)
    grid = Grid(
        title="What if, over the horizon",
        key=table.heads[0],
        columns={h: [] for h in table.heads[1:]},
    )
    for row in table.rows:
        grid.add_row(row[0], list(row[1:]))
    return FittedGrid(grid)


# -- the tables (the terminal's and the dashboard's) -------------------------------------


@dataclass(frozen=True)
class MoveTable:
    """A what-if table as text: its column heads, its rows, and which rows are dimmed.

    One builder for the terminal (rich grids) and the dashboard (data frames), so both
    show the same figures in the same formats.
    """

    heads: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    dim: tuple[bool, ...]  # a lead-in month: not counted, its plan not planned


def month_table(
    base: CalendarValue, other: CalendarValue, cur: str, loc: str, *, names: tuple[str, str]
) -> MoveTable:
    """Month by month: the plan, both calendars' revenue, the difference, cost, attainment.

    Money in ``cur`` formatted in ``loc`` (revenue and plans on one scale); ``names`` head
    the two calendars' columns. Rows are ``base.months`` in order (``other`` has the same).
    """
    was, then = names
    heads = (
        "month",
        "plan",
        f"revenue ({was})",
        f"revenue ({then})",
        "difference",
        f"cost ({was})",
        f"cost ({then})",
        f"attainment ({was})",
        f"attainment ({then})",
    )
    pairs = list(zip(base.months, other.months, strict=True))
    money = [m.plan for m in base.months] + [m.revenue for m, _ in pairs]
    money += [o.revenue for _, o in pairs]
    one = money_scale(money, loc)
    costs = format_money_column([m.cost for m, _ in pairs] + [o.cost for _, o in pairs], cur, loc)
    n = len(pairs)
    rows = tuple(
        (
            month_title(b.label, loc),
            format_money(b.plan, cur, loc, scale=one) if b.counted else "lead-in",
            format_money(b.revenue, cur, loc, scale=one),
            format_money(o.revenue, cur, loc, scale=one),
            format_money(o.revenue - b.revenue, cur, loc, scale=one, signed=True),
            costs[i],
            costs[n + i],
            format_percent(b.attainment, locale=loc) if b.counted else "",
            format_percent(o.attainment, locale=loc) if b.counted else "",
        )
        for i, (b, o) in enumerate(pairs)
    )
    return MoveTable(heads, rows, tuple(not b.counted for b, _ in pairs))


def month_caption(names: tuple[str, str]) -> str:
    """What the month table's columns are, in words."""
    was, then = names
    return (
        "Revenue: what each calendar's team closes in the month working every lead it gets, "
        "shared by presence as the simulator shares them; difference: "
        f"({then}) less ({was}); lead-in: a month the plan does not count"
    )


def totals_table(
    base: CalendarValue, other: CalendarValue, cur: str, loc: str, *, names: tuple[str, str]
) -> MoveTable:
    """Over the horizon: counted revenue, margin (when both have one), cost, months short."""
    rows = [("revenue, counted months", base.counted_revenue, other.counted_revenue)]
    if base.counted_margin is not None and other.counted_margin is not None:
        rows.append(("gross margin, counted months", base.counted_margin, other.counted_margin))
    rows.append(("team cost over the horizon", base.total_cost, other.total_cost))
    lines: list[tuple[str, ...]] = []
    for what, b, o in rows:
        shown = format_money_column([b, o], cur, loc)
        lines.append((what, *shown, format_money(o - b, cur, loc, signed=True)))
    lines.append(("counted months short of plan", _short(base, loc), _short(other, loc), ""))
    return MoveTable(("", *names, "difference"), tuple(lines), (False,) * len(lines))


def _short(value: CalendarValue, loc: str) -> str:
    return month_titles(value.short, loc) or "none"


# -- JSON -------------------------------------------------------------------------------


def move_json(move: HireMove, base: CalendarValue, other: CalendarValue) -> dict[str, Any]:
    """``--json``'s "move": the ask, both calendars as evaluate_calendar gives them, the changes."""
    margin = None
    if base.counted_margin is not None and other.counted_margin is not None:
        margin = other.counted_margin - base.counted_margin
    return {
        "role": move.role,
        "from": move.start,
        "to": move.to,
        "count": move.count,
        "words": move.words,
        "base": base.to_dict(),
        "other": other.to_dict(),
        "difference": {
            "months": [
                {"label": b.label, "revenue": o.revenue - b.revenue, "cost": o.cost - b.cost}
                for b, o in zip(base.months, other.months, strict=True)
            ],
            "counted_revenue": other.counted_revenue - base.counted_revenue,
            "counted_margin": margin,
            "total_cost": other.total_cost - base.total_cost,
        },
    }


__all__ = [
    "AFTER",
    "MOVE_EXPECTED",
    "MoveAsked",
    "MoveTable",
    "month_caption",
    "month_table",
    "move_error",
    "move_json",
    "parse_move",
    "render_move",
    "totals_table",
]
