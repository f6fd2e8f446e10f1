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
from sim import format_money, format_money_column, format_percent, money_scale, month_title
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
    was, then = names
    heads = [
        "plan",
        f"revenue ({was})",
        f"revenue ({then})",
        "difference",
        f"cost ({was})",
        f"cost ({then})",
        f"attainment ({was})",
        f"attainment ({then})",
    ]
    grid = Grid(title="What if, month by month", key="month", columns={h: [] for h in heads})
    pairs = list(zip(base.months, other.months, strict=True))
    money = [m.plan for m in base.months] + [m.revenue for m, _ in pairs]
    money += [o.revenue for _, o in pairs]
    one = money_scale(money, loc)
    costs = format_money_column([m.cost for m, _ in pairs] + [o.cost for _, o in pairs], cur, loc)
    n = len(pairs)
    for i, (b, o) in enumerate(pairs):
        grid.add_row(
            month_title(b.label, loc),
            [
                format_money(b.plan, cur, loc, scale=one) if b.counted else "lead-in",
                format_money(b.revenue, cur, loc, scale=one),
                format_money(o.revenue, cur, loc, scale=one),
                format_money(o.revenue - b.revenue, cur, loc, scale=one, signed=True),
                costs[i],
                costs[n + i],
                format_percent(b.attainment, locale=loc) if b.counted else "",
                format_percent(o.attainment, locale=loc) if b.counted else "",
            ],
            style=None if b.counted else "dim",
        )
    grid.caption = (
        f"({was}): the plan's calendar with the people hired in {was}; ({then}): hired "
        f"{'after the horizon' if then == 'after the horizon' else 'in ' + then} instead. "
        "Revenue: what each calendar's team closes in the month working every lead it gets, "
        "shared by presence as the simulator shares them; difference: "
        f"({then}) less ({was}); lead-in: a month the plan does not count"
    )
    return FittedGrid(grid)


def _totals(
    base: CalendarValue, other: CalendarValue, cur: str, loc: str, *, names: tuple[str, str]
) -> FittedGrid:
    was, then = names
    grid = Grid(
        title="What if, over the horizon",
        key="",
        columns={was: [], then: [], "difference": []},
    )
    rows = [("revenue, counted months", base.counted_revenue, other.counted_revenue)]
    if base.counted_margin is not None and other.counted_margin is not None:
        rows.append(("gross margin, counted months", base.counted_margin, other.counted_margin))
    rows.append(("team cost over the horizon", base.total_cost, other.total_cost))
    for what, b, o in rows:
        shown = format_money_column([b, o], cur, loc)
        grid.add_row(what, [*shown, format_money(o - b, cur, loc, signed=True)])
    grid.add_row(
        "counted months short of plan",
        [_short(base, loc), _short(other, loc), ""],
    )
    return FittedGrid(grid)


def _short(value: CalendarValue, loc: str) -> str:
    return ", ".join(month_title(m, loc) for m in value.short) or "none"


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
    "move_error",
    "move_json",
    "parse_move",
    "render_move",
]
