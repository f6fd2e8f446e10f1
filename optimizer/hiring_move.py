"""Hiring in one month rather than another: the two calendars to compare, and their words.

Issue 12 ("a head can see what hiring in March rather than May changes, month by
month"). One rule for ``teamsim plan --hiring --move`` and the dashboard's "Move a
hire": from a plan's hires, a role, a month FROM, a month TO (or past the horizon) and
a count N,

- ``base``: the plan's hires, with the role's hires in FROM raised to N when the plan has
  fewer there ("what if we hire N in FROM");
- ``other``: ``base`` with those N moved from FROM to TO (out of the horizon when TO is
  None).

Both are calendars (role, month label) -> people, as ``evaluate_calendar`` reads them;
evaluating them is the caller's (each front end has its own cache).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.hiring_value import people
from sim.months import month_title
from sim.scenario import Scenario

Hires = dict[tuple[str, str], int]


@dataclass(frozen=True)
class HireMove:
    """Two calendars to compare: ``count`` people of ``role`` in ``to`` rather than ``start``.

    ``to`` None: after the horizon (not hired in it). ``words``: "hire 2 client managers
    in May 2027 rather than Mar 2027", months by ``sim.month_title`` in the scenario's
    locale.
    """

    role: str
    start: str  # month label, "2027-03"
    to: str | None  # month label, or None: after the horizon
    count: int
    base: Hires
    other: Hires
    words: str


def horizon_labels(scenario: Scenario) -> tuple[str, ...]:
    """The horizon's months as labels ("2027-01", ...), first to last (lead-in included)."""
    return tuple(scenario.month_label(t) for t in range(scenario.months[-1] + 1))


def hire_move(
    scenario: Scenario,
    hires: Mapping[tuple[str, str], int],
    *,
    role: str,
    start: str,
    to: str | None,
    count: int | None = None,
) -> HireMove:
    """The calendars with ``count`` of ``role``'s hires in ``start``, and moved to ``to``.

    Args:
        scenario: The scenario (its roles, horizon and locale).
        hires: The plan's hires, (role, month label) -> people.
        role: A role id.
        start: The month they are hired in (the base), "YYYY-MM".
        to: The month they are hired in instead, "YYYY-MM"; None: after the horizon.
        count: People moved; None: the plan's hires of the role in ``start``, else 1.

    Raises:
        ValueError: An unknown role (the roles listed), a month outside the horizon (its
            first and last month named), ``start`` equal to ``to``, a count below 1.
    """
    if role not in scenario.roles:
        raise ValueError(f"no role {role!r} (roles: {', '.join(scenario.roles)})")
    labels = horizon_labels(scenario)
    for month in (start, to):
        if month is not None and month not in labels:
            loc = scenario.money_locale
            raise ValueError(
                f"{month!r} is not a month of the horizon: its months are {labels[0]} "
                f"({month_title(labels[0], loc)}) to {labels[-1]} ({month_title(labels[-1], loc)})"
            )
    if start == to:
        raise ValueError(f"the hire's month and the month to move it to are both {start}")
    planned = int(hires.get((role, start), 0))
    n = (planned or 1) if count is None else count
    if n != int(n) or n < 1:
        raise ValueError(f"the people to move must be a whole number, 1 or more, got {n}")
    n = int(n)
    base = {key: int(k) for key, k in hires.items() if k}
    base[role, start] = max(planned, n)
    other = dict(base)
    other[role, start] -= n
    if to is not None:
        other[role, to] = other.get((role, to), 0) + n
    other = {key: k for key, k in other.items() if k}
    return HireMove(
        role=role,
        start=start,
        to=to,
        count=n,
        base=base,
        other=other,
        words=move_words(scenario, role, n, start=start, to=to),
    )


def move_words(scenario: Scenario, role: str, n: int, *, start: str, to: str | None) -> str:
    """The what-if in words: "hire 2 client managers in May 2027 rather than Mar 2027"."""
    loc = scenario.money_locale
    who = f"hire {people(scenario, role, n)}"
    was = month_title(start, loc)
    if to is None:
        return f"{who} after the horizon rather than in {was}"
    return f"{who} in {month_title(to, loc)} rather than {was}"
