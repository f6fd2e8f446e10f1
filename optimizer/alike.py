"""Alike units of a network: symmetry-breaking rows, so many alike branches solve fast.

Twenty branches with the same roles, channels, limits and team have many least-cost
plans of one cost (the extra client manager in any of them). CBC finds one at once and
then spends its time proving that no other distribution of the same people is cheaper:
8 growing branches took 3 s a solve, 12 did not finish in two minutes. Ordering the
alike units (``alike_<unit>_<next>``: the first unit has at least as many people of
its first role as the next, then of its next role, then its warm-pool gates open before
the next's) leaves one plan of each distribution, and CBC proves it optimal in about a
second.

Units are alike only when the built model itself cannot tell them apart: swapping the
two units' ids in every variable's name (``n_b00__client_manager`` and
``n_b01__client_manager``, and every row's terms) gives back the same rows, bounds and
objective. That includes what the scenario says of them, the team their rules were
evaluated at (pool shares, referral splits, approvers) and every limit, so a branch with
one field changed, or planned from another current headcount, is sized on its own. The
ordering then only picks which of equal plans is returned (the sizes are the same,
forced in the units' order), never the cost. A team without units gets no such row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

import pulp

from optimizer.result import alike_class
from sim.scenario import Scenario

# A row or objective as compared: sense, right-hand side, {variable name: coefficient}.
Shape = tuple[int, str, tuple[tuple[str, str], ...]]


def _number(x: float) -> str:
    # Ten significant digits: alike units' coefficients come from the same rules, and
    # a share computed as w / total may differ in the last bit only.
    return format(float(x), ".10g")


def _same(name: str) -> str:
    return name


def _rename(a: str, b: str) -> Callable[[str], str]:
    """A name with the unit ids ``a`` and ``b`` swapped where they stand as a unit's."""
    # A unit's role or channel is "<unit>__<id>"; a row names a unit alone at its end
    # (balance_line_<unit>). Not inside a longer id (b1 in b10__x).
    pattern = re.compile(rf"(?<![a-z0-9])({re.escape(a)}|{re.escape(b)})(?=__|$)")
    return lambda name: pattern.sub(lambda m: b if m.group(1) == a else a, name)


def _shapes(
    rows: Iterable[pulp.LpConstraint | pulp.LpAffineExpression], rename: Callable[[str], str]
) -> list[Shape]:
    out = [
        (
            getattr(row, "sense", 0),
            _number(-row.constant),
            tuple(sorted((rename(v.name), _number(c)) for v, c in row.items())),
        )
        for row in rows
    ]
    out.sort(key=repr)
    return out


def _bounds(
    variables: Iterable[pulp.LpVariable], rename: Callable[[str], str]
) -> list[tuple[str, ...]]:
    out = [(rename(v.name), str(v.lowBound), str(v.upBound), v.cat) for v in variables]
    return sorted(out)


def _token(uid: str) -> re.Pattern[str]:
    """The unit id where it stands as a unit's in a name (as :func:`_rename` swaps it)."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(uid)}(?=__|$)")


class _Touching:
    """The parts of a model that name each unit: its variables, rows and objective terms.

    Swapping two units' ids changes only what names one of them, and what it changes
    still names one of them; so the whole model maps onto itself exactly when these
    parts do. Comparing them alone keeps a comparison at the size of two units and the
    rows they share (the plan, a shared list), not of the whole network: fifty branches
    compared whole cost 0.6 s a build, a build for each marginal re-solve.
    """

    def __init__(
        self, problem: pulp.LpProblem, rows: list[pulp.LpConstraint], units: Iterable[str]
    ) -> None:
        tokens = {u: _token(u) for u in units}
        self.variables: dict[str, list[pulp.LpVariable]] = {u: [] for u in tokens}
        named: dict[str, list[str]] = {}  # variable name -> the units it names
        for v in problem.variables():
            hits = [u for u, token in tokens.items() if token.search(v.name)]
            if hits:
                named[v.name] = hits
                for u in hits:
                    self.variables[u].append(v)
        self.rows: dict[str, list[int]] = {u: [] for u in tokens}
        for i, row in enumerate(rows):
            for u in {u for v, _ in row.items() for u in named.get(v.name, ())}:
                self.rows[u].append(i)
        self._rows = rows
        # The objective's terms by unit (its constant is the same after any swap).
        self.objective: dict[str, dict[pulp.LpVariable, float]] = {u: {} for u in tokens}
        for v, c in (problem.objective or {}).items():
            for u in named.get(v.name, ()):
                self.objective[u][v] = c

    def parts(self, pair: tuple[str, str]) -> tuple[list[pulp.LpConstraint], list[object]]:
        """The rows and the objective's terms (as one expression) that name either unit."""
        rows = [self._rows[i] for i in sorted({*self.rows[pair[0]], *self.rows[pair[1]]})]
        terms = {**self.objective[pair[0]], **self.objective[pair[1]]}
        return rows, [pulp.LpAffineExpression(terms)]

    def swaps(self, pair: tuple[str, str]) -> bool:
        """Whether swapping the two units' ids maps the model onto itself."""
        rows, objective = self.parts(pair)
        variables = [*self.variables[pair[0]], *self.variables[pair[1]]]
        rename = _rename(*pair)
        return (
            _shapes(rows, _same) == _shapes(rows, rename)
            and _shapes(objective, _same) == _shapes(objective, rename)
            and _bounds(variables, _same) == _bounds(variables, rename)
        )


def alike_units(
    sc: Scenario, problem: pulp.LpProblem, rows: list[pulp.LpConstraint]
) -> list[list[str]]:
    """Classes of two units or more that the model cannot tell apart, in scenario order.

    A unit joins the first class whose first unit it swaps with (a swap of each with the
    first: then any two swap, and so any order of them); candidates have the same roles
    and channels by their ids within the unit.
    """
    if len(sc.units) < 2:
        return []
    own: dict[str, tuple[str, ...]] = {}
    for ids in (sc.roles, sc.channels):
        for x in ids:
            unit, _, rest = x.partition("__")
            if rest and unit in sc.units:
                own[unit] = (*own.get(unit, ()), x[len(unit) :])
    touching = _Touching(problem, rows, [u for u in sc.units if u in own])
    classes: list[list[str]] = []
    for uid in sc.units:
        if uid not in own:
            continue
        for group in classes:
            first = group[0]
            if own[first] == own[uid] and touching.swaps((first, uid)):
                group.append(uid)
                break
        else:
            classes.append([uid])
    return [c for c in classes if len(c) > 1]


# Most the weights of one ordering row may reach: beyond, the row would be numerically
# unsafe, and the order is taken on the first whole numbers only (still valid).
MOST_WEIGHT = 1e6


def order_terms(
    problem: pulp.LpProblem,
    first: str,
    pair: tuple[str, str],
    variables: dict[str, pulp.LpVariable] | None = None,
) -> dict[pulp.LpVariable, float]:
    """The terms of "unit ``pair[0]`` comes before ``pair[1]``": >= 0 in the model.

    The units' whole-number variables (headcounts, then the warm-pool gates), as those
    of ``first`` are named, compared lexicographically: sum of w_k (a_k - b_k) >= 0 with
    w_k the product of the later variables' ranges, so a later variable decides only
    where all earlier ones are equal (the extra person, then a gate). Any plan can be
    put in that order by renaming alike units, so the row removes copies, not plans.
    ``variables``: the problem's variables by name, when the caller has them (a network's
    many pairs would otherwise list them once a pair).
    """
    token = _token(first)
    if variables is None:
        variables = {v.name: v for v in problem.variables()}
    mine = [v for v in variables.values() if v.cat == pulp.LpInteger and token.search(v.name)]
    # Headcounts first (the extra person), then the rest, each in the model's order.
    mine.sort(key=lambda v: not v.name.startswith("n_"))
    parts: list[tuple[str, float]] = []
    weight = 1.0
    for v in mine:
        if v.lowBound is None or v.upBound is None:
            break
        span = float(v.upBound) - float(v.lowBound) + 1.0
        if span <= 1.0:
            continue  # a fixed headcount decides nothing
        if weight * span > MOST_WEIGHT:
            break
        parts.append((v.name, span))
        weight *= span
    weights = [1.0] * len(parts)
    for k in range(len(parts) - 2, -1, -1):
        weights[k] = weights[k + 1] * parts[k + 1][1]
    # In the variables' order: the first pair of terms is the first headcount's.
    terms: dict[pulp.LpVariable, float] = {}
    for (name, _), w in zip(parts, weights, strict=True):
        a, b = (variables[_rename(first, u)(name)] for u in pair)
        terms[a] = terms.get(a, 0.0) + w
        terms[b] = terms.get(b, 0.0) - w
    return {v: c for v, c in terms.items() if c}


def first_alike(rid: str, groups: Sequence[Sequence[str]]) -> str:
    """The same role of the first unit of ``rid``'s alike class; ``rid`` outside any.

    A unit's own role is ``<unit>__<role>``, as :func:`alike_units` compares units.
    """
    key = alike_class(rid, groups)
    if key is None or not key[1]:  # outside every class, or a unit's own id
        return rid
    return groups[key[0]][0] + key[1]


def evened(team: dict[str, int], groups: list[list[str]]) -> dict[str, int]:
    """A team with each class of alike units at its mean headcount, role by role.

    The next round of sizing evaluates the team's rules (pool shares, referral splits)
    at this team, so that alike units stay alike: at the previous round's own answer (4
    client managers here, 5 there) they would differ by which unit happened to get the
    extra person, and the model would again be many nearly equal plans to prove. The
    mean is rounded half up; the plan's headcounts themselves are not changed.
    """
    out = dict(team)
    for group in groups:
        first = group[0]
        for rid in team:
            if not rid.startswith(first + "__"):
                continue
            rest = rid[len(first) :]
            members = [u + rest for u in group if u + rest in team]
            mean = sum(team[m] for m in members) / len(members)
            for m in members:
                out[m] = math.floor(mean + 0.5)
    return out
