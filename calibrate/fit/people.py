"""Per person: win and speed multipliers shrunk towards the team; the persona mix.

Win rates: a beta-binomial prior fitted to people's (won, closed) by maximum marginal
likelihood (empirical Bayes; Efron & Morris 1975, Casella 1985); a person's rate is the
posterior mean (won + a) / (closed + a + b), and ``conversion_x`` = that / the team's rate
(won / closed over everyone). Five deals all won are pulled most of the way to the team;
five hundred barely.

Speed (``duration_x``): from activity minutes (calibrate.fit.speed), since the simulator
applies it to our working minutes, not to the client's calendar time; 1 where the records
have no minutes ("speed not measured"). A person's cycle time against their role's
(normal-normal shrinkage of the mean log cycle of won deals, weight n / (n + k), k =
within variance / between variance, method of moments) is reported in the persona's note
as information only: a cycle is mostly the client's delays.

Personas: the people of each selling role, sorted by shrunk ``conversion_x``, in up to
three equal groups (``fitted_low``, ``fitted_mid``, ``fitted_high``; fewer with fewer
people or no spread). The simulator applies ``conversion_x`` at every stage, so a group's
persona multiplier is its mean win multiplier to the power 1 / stages, and its
``duration_x`` its people's mean speed multiplier (1 for those not measured).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from calibrate.contract import PEOPLE_COLUMNS, Status
from calibrate.fit.common import Deals, Findings, fmt, months_in, share_interval
from calibrate.fit.speed import Speed
from calibrate.records import one_sided
from calibrate.words import counted
from sim import Scenario

# A role's people split in three groups from this many people, in two from half as many.
_THREE_GROUPS, _TWO_GROUPS = 6, 4
# Less spread than this between the lowest and highest shrunk multiplier is no spread.
_NO_SPREAD = 0.02
_LOG_CONCENTRATION = (math.log(0.5), math.log(1e6))
NO_SPEED = "no activity minutes: speed not measured"


def beta_prior(won: np.ndarray, closed: np.ndarray) -> tuple[float, float]:
    """(a, b) of the Beta prior of people's win rates, by maximum marginal likelihood.

    Raises nothing: with one person or no closed deals the prior is flat at the pooled
    rate with a concentration of 1e6 (no spread can be told).
    """
    keep = closed > 0
    won, closed = won[keep], closed[keep]
    pooled = (won.sum() + 0.5) / (closed.sum() + 1.0)
    if len(won) < 2:
        return pooled * 1e6, (1 - pooled) * 1e6

    def loss(theta: np.ndarray) -> float:
        mean = 1.0 / (1.0 + math.exp(-theta[0]))
        c = math.exp(theta[1])
        return -float(stats.betabinom.logpmf(won, closed, mean * c, (1 - mean) * c).sum())

    start = np.array([math.log(pooled / (1 - pooled)), math.log(20.0)])
    res = optimize.minimize(
        loss, start, method="L-BFGS-B", bounds=[(-12.0, 12.0), _LOG_CONCENTRATION]
    )
    mean = 1.0 / (1.0 + math.exp(-float(res.x[0])))
    c = math.exp(float(res.x[1]))
    return mean * c, (1 - mean) * c


def shrink_logs(means: np.ndarray, counts: np.ndarray, within: float) -> np.ndarray:
    """Normal-normal shrinkage of group means towards their pooled mean: weight n / (n + k)."""
    grand = float((means * counts).sum() / counts.sum())
    between = float(np.var(means, ddof=1) - np.mean(within / counts)) if len(means) > 1 else 0.0
    if between <= 0:
        return np.full(len(means), grand)
    k = within / between
    w = counts / (counts + k)
    return grand + w * (means - grand)


def roles_of(
    deals: Deals | None, team: pd.DataFrame | None, people: list[str], base: Scenario
) -> dict[str, str]:
    """Person -> base role: the team file's, else the first selling role of their segment."""
    known: dict[str, str] = {}
    if team is not None:
        known = {p: r for p, r in zip(team["person"], team["role"], strict=True) if r in base.roles}
    main: dict[str, str] = {}
    if deals is not None and not deals.table.empty:
        modes = deals.table.groupby("owner")["seg"].agg(lambda s: s.mode().iloc[0])
        main = {str(k): str(v) for k, v in modes.items()}
    selling = [rid for rid, r in base.roles.items() if r.sells > 0]
    found: dict[str, str] = {}
    for person in people:
        if person in known:
            found[person] = known[person]
            continue
        seg = main.get(person)
        fits = [
            r
            for r in selling
            if seg is None
            or base.roles[r].segments in (None, [])
            or seg in (base.roles[r].segments or [])
        ]
        found[person] = fits[0] if fits else (selling[0] if selling else "")
    return found


def _cycle_logs(table: pd.DataFrame) -> pd.DataFrame:
    won = table[table["status"] == Status.WON.value]
    days = (won["closed"] - won["created"]).dt.days.astype(float)
    # Half a day: a deal won the day it came has a cycle under a day, not zero.
    return pd.DataFrame({"owner": won["owner"], "log": np.log(days.clip(lower=0) + 0.5)}).dropna()


def person_table(
    deals: Deals | None,
    roles: dict[str, str],
    dials: dict[str, float],
    speed: dict[str, Speed] | None = None,
) -> pd.DataFrame:
    """One row per person (PEOPLE_COLUMNS), persona still empty.

    ``duration_x`` is the person's shrunk speed multiplier from activity minutes
    (``speed``), 1.0 for a person without timed activities.
    """
    speed = speed or {}
    people = sorted(roles)
    if deals is None or deals.table.empty:
        rows = [
            {
                "person": p,
                "role": roles[p],
                "deals": 0,
                "closed": 0,
                "won": 0,
                "duration_x": speed[p].duration_x if p in speed else 1.0,
                "dials_per_day": dials.get(p, math.nan),
            }
            for p in people
        ]
        return pd.DataFrame(rows).reindex(columns=list(PEOPLE_COLUMNS))
    t = deals.table
    g = t.groupby("owner")
    created = g.size().reindex(people, fill_value=0)
    won = (t["status"] == Status.WON.value).groupby(t["owner"]).sum().reindex(people, fill_value=0)
    lost = (
        (t["status"] == Status.LOST.value).groupby(t["owner"]).sum().reindex(people, fill_value=0)
    )
    closed = won + lost
    post, team = _shrunk_by_role(won, closed, roles)
    # Won revenue of the deals created in the window, a month of it (the one window rule).
    months = max(months_in(deals.window), 1e-9)
    revenue = t["value"].where(t["status"] == Status.WON.value, 0.0).fillna(0.0)
    revenue = revenue.groupby(t["owner"]).sum().reindex(people, fill_value=0.0) / months
    rows = []
    for p in people:
        n, w = int(closed[p]), int(won[p])
        low, high = share_interval(w, n) if n else (math.nan, math.nan)
        rows.append(
            {
                "person": p,
                "role": roles[p],
                "deals": int(created[p]),
                "closed": n,
                "won": w,
                "win_rate": w / n if n else math.nan,
                "win_low": low,
                "win_high": high,
                "conversion_x": post[p] / team[p] if team[p] > 0 else 1.0,
                "conversion_x_raw": (w / n / team[p]) if n and team[p] > 0 else math.nan,
                "duration_x": speed[p].duration_x if p in speed else 1.0,
                "dials_per_day": dials.get(p, math.nan),
                "revenue_per_month": float(revenue[p]),
                "persona": "",
            }
        )
    return pd.DataFrame(rows, columns=list(PEOPLE_COLUMNS))


def _shrunk_by_role(
    won: pd.Series, closed: pd.Series, roles: dict[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Person -> (posterior win rate, their role's pooled rate): a role is its own team.

    People of different roles sell different segments with different win rates, so each
    role's prior is fitted on its own people.
    """
    post: dict[str, float] = {}
    team: dict[str, float] = {}
    for rid in dict.fromkeys(roles[p] for p in won.index):
        people = [p for p in won.index if roles[p] == rid]
        w, c = won[people].to_numpy(float), closed[people].to_numpy(float)
        a, b = beta_prior(w, c)
        pooled = float(w.sum() / c.sum()) if c.sum() else math.nan
        for p, wi, ci in zip(people, w, c, strict=True):
            post[p] = float((wi + a) / (ci + a + b))
            team[p] = pooled
    return post, team


def cycle_x(table: pd.DataFrame, roles: dict[str, str]) -> dict[str, float]:
    """Person -> shrunk cycle-time multiplier against their own role's people (information).

    A role is its own team, as for win rates: roles sell segments of different lengths
    (an AE's four-stage cycle is not an SDR's three-stage one made slow), so pooling
    them would make every person of the longer segment "slow".
    """
    logs = _cycle_logs(table)
    found: dict[str, float] = {}
    if logs.empty:
        return found
    logs = logs.assign(role=logs["owner"].map(lambda p: roles.get(str(p), "")))
    for _, mine in logs.groupby("role"):
        g = mine.groupby("owner")["log"]
        means, counts = g.mean(), g.size().astype(float)
        dev = mine["log"] - mine["owner"].map(means)
        dof = max(len(mine) - len(means), 1)
        within = float((dev**2).sum() / dof)
        shrunk = shrink_logs(means.to_numpy(), counts.to_numpy(), within)
        grand = float((means * counts).sum() / counts.sum())
        found.update(
            {str(p): math.exp(x - grand) for p, x in zip(means.index, shrunk, strict=True)}
        )
    return found


def _names(role: str, groups: int, many_roles: bool) -> list[str]:
    labels = {1: ["mid"], 2: ["low", "high"], 3: ["low", "mid", "high"]}[groups]
    prefix = f"fitted_{role}_" if many_roles else "fitted_"
    return [prefix + label for label in labels]


def fit_personas(
    table: pd.DataFrame,
    deals: Deals | None,
    base: Scenario,
    out: Findings,
    *,
    speed: dict[str, Speed] | None = None,
) -> pd.DataFrame:
    """Group each selling role's people into personas; write the personas and the mixes.

    ``table`` is person_table's; ``speed`` says who was timed (calibrate.fit.speed): a
    persona's ``duration_x`` is its people's mean speed multiplier, 1.0 with the note "no
    activity minutes: speed not measured" when none of them was timed. Closed deals all
    won or all lost (calibrate.records.one_sided) give every person the team's 100 % (or
    0 %): no spread of win rates, so the personas are not fitted and the base's are kept.
    """
    speed = speed or {}
    roles_by_person = dict(zip(table["person"], table["role"], strict=True))
    cycles = cycle_x(deals.table, roles_by_person) if deals is not None else {}
    table = table.copy()
    judged = table[table["closed"] > 0]
    roles = [r for r in dict.fromkeys(judged["role"]) if r in base.roles]
    for rid in base.roles:
        if rid not in roles and base.roles[rid].sells > 0:
            out.keep(("roles", rid, "personas"), f"no closed deals of people in {rid}")
    if deals is not None:
        status = deals.table["status"]
        won = int((status == Status.WON.value).sum())
        why = one_sided(won, int((status == Status.LOST.value).sum()))
        if why is not None:
            for rid in roles:
                out.keep(
                    ("roles", rid, "personas"),
                    f"{why}; no win rate from a one-sided export, so no personas either: "
                    "the default personas kept",
                )
            return table
    for rid in roles:
        mine = judged[judged["role"] == rid].sort_values("conversion_x")
        spread = float(mine["conversion_x"].max() - mine["conversion_x"].min())
        n = len(mine)
        groups = 3 if n >= _THREE_GROUPS else 2 if n >= _TWO_GROUPS else 1
        if spread < _NO_SPREAD:
            groups = 1
        stages = _stages_of(deals, mine["person"].tolist(), base)
        mix: dict[str, float] = {}
        for name, part in zip(
            _names(rid, groups, len(roles) > 1), np.array_split(np.arange(n), groups), strict=True
        ):
            rows = mine.iloc[part]
            win_x = float(rows["conversion_x"].mean())
            dur_x = float(rows["duration_x"].mean())
            value = {
                "conversion_x": round(win_x ** (1.0 / stages), 4),
                "duration_x": round(dur_x, 4),
            }
            closed = int(rows["closed"].sum())
            note = (
                f"fitted: {len(rows)} of {n} {rid}, {counted(closed, 'closed deal')}; "
                f"win x{fmt(win_x)} over {counted(stages, 'stage')} (shrunk towards the team); "
                + _speed_note(rows["person"].tolist(), speed, cycles)
            )
            out.fit(("personas", name), value, n=closed, interval=None, note=note)
            mix[name] = round(len(rows) / n, 4)
            table.loc[table["person"].isin(rows["person"]), "persona"] = name
        # Rounded shares must still sum to 1: the last takes the remainder.
        last = list(mix)[-1]
        mix[last] = round(1.0 - sum(v for k, v in mix.items() if k != last), 4)
        out.fit(
            ("roles", rid, "personas"),
            mix,
            n=n,
            interval=None,
            note=f"fitted: {counted(n, 'person')} with closed deals, split by shrunk win rate",
        )
    return table


def _speed_note(people: list[str], speed: dict[str, Speed], cycles: dict[str, float]) -> str:
    """What a persona's duration_x rests on, and its people's cycle times (information)."""
    timed = [speed[p] for p in people if p in speed]
    cycle = [cycles[p] for p in people if p in cycles]
    tail = ""
    if cycle:
        tail = f"; cycle time x{fmt(float(np.mean(cycle)))} of the role's (not a speed)"
    if not timed:
        return NO_SPEED + tail
    ks = {s.k for s in timed}
    k = "inf, no spread between people" if ks == {math.inf} else "/".join(fmt(x) for x in ks)
    return (
        f"duration_x from activity minutes of {len(timed)} of {counted(len(people), 'person')}, "
        f"{counted(sum(s.rows for s in timed), 'timed day')}, shrunk towards 1 with k = {k}" + tail
    )


def _stages_of(deals: Deals | None, people: list[str], base: Scenario) -> int:
    """Stages of the segment most of these people's deals are in."""
    if deals is None:
        return 1
    segs = deals.table.loc[deals.table["owner"].isin(people), "seg"]
    if segs.empty:
        return 1
    return len(base.segments[str(segs.mode().iloc[0])].stages)
