"""Per person: how long our own work takes them, from activity minutes (a persona's duration_x).

The simulator applies a persona's ``duration_x`` to our working minutes (calls, requests,
stage work, meetings, after-sale work; sim.rules.people), never to the client's calendar
time, so it is measured on minutes of work, not on cycle times: minutes a dial on
``dial`` rows with minutes (a day's call time over its dials) and minutes a meeting on
``meeting`` rows with minutes.

Each such row gives ``log(minutes / count)``. Its centre is the mean of those logs over
the rows of the same kind and the same role (the role's pooled minutes a dial, or a
meeting, as a geometric mean), so a row's deviation from it says how much slower or
faster that day was than the role's usual. A person's raw multiplier is ``exp(mean)``
of their rows' deviations. It is shrunk towards 1 like the win multipliers (normal-normal
empirical Bayes; Efron & Morris 1975): weight ``n / (n + k)`` on the person's mean log,
``n`` their rows, ``k = within / between``, where ``within`` is the variance of rows
around their person's mean and ``between`` the variance of people's means less the part
their rows' noise explains (method of moments, each role on its own). No spread between
people beyond that noise (``between <= 0``, or one person in the role) gives ``k`` infinite:
everybody at 1. A person with three days of dials is pulled most of the way to 1; one
with sixty barely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.contract import ActivityKind

__all__ = ["Speed", "speed_multipliers"]

# Kinds whose minutes measure one unit of our work each: a dial (with the talk it led to)
# and a meeting held (travel apart: calibrate.crm puts only the meeting's time there).
TIMED_KINDS = (ActivityKind.DIAL.value, ActivityKind.MEETING.value)


@dataclass(frozen=True)
class Speed:
    """A person's duration multiplier from activity minutes.

    ``duration_x`` is the shrunk multiplier, ``raw`` the unshrunk one (``exp`` of the mean
    log deviation), ``rows`` the timed rows it rests on, ``k`` the role's shrinkage
    constant (``math.inf``: no spread between people, everybody at 1).
    """

    duration_x: float
    raw: float
    rows: int
    k: float


def speed_multipliers(acts: pd.DataFrame | None, roles: dict[str, str]) -> dict[str, Speed]:
    """Person -> Speed, for everyone with timed dial or meeting rows (the module's formula).

    Args:
        acts: the canonical activities table (None or empty: no one is measured).
        roles: person -> role id (people missing here form a role "" of their own).

    Returns:
        Only people with at least one row of kind dial or meeting whose minutes and count
        are above 0; everyone else has no speed measured.
    """
    if acts is None or acts.empty:
        return {}
    count = acts["count"].fillna(1.0)
    keep = acts["kind"].isin(TIMED_KINDS) & (acts["minutes"] > 0) & (count > 0)
    if not keep.any():
        return {}
    rows = pd.DataFrame(
        {
            "person": acts.loc[keep, "person"].astype(str),
            "kind": acts.loc[keep, "kind"],
            "log": np.log(acts.loc[keep, "minutes"].to_numpy(float) / count[keep].to_numpy(float)),
        }
    )
    rows["role"] = rows["person"].map(lambda p: roles.get(p, ""))
    rows["dev"] = rows["log"] - rows.groupby(["role", "kind"])["log"].transform("mean")
    found: dict[str, Speed] = {}
    for _, mine in rows.groupby("role"):
        found.update(_shrunk(mine))
    return found


def _shrunk(rows: pd.DataFrame) -> dict[str, Speed]:
    """One role's people: mean log deviations shrunk towards 0 by n / (n + k)."""
    g = rows.groupby("person")["dev"]
    means, counts = g.mean(), g.size().astype(float)
    within = float(((rows["dev"] - rows["person"].map(means)) ** 2).sum())
    within /= max(len(rows) - len(means), 1)
    between = 0.0
    if len(means) > 1:
        between = float(np.var(means.to_numpy(), ddof=1) - np.mean(within / counts.to_numpy()))
    k = within / between if between > 0 else math.inf
    found: dict[str, Speed] = {}
    for person, mean, n in zip(means.index, means.to_numpy(), counts.to_numpy(), strict=True):
        weight = 0.0 if math.isinf(k) else n / (n + k)
        found[str(person)] = Speed(
            duration_x=math.exp(weight * float(mean)),
            raw=math.exp(float(mean)),
            rows=int(n),
            k=k,
        )
    return found
