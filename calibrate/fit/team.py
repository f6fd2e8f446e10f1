"""From the team file: headcount per role, days away, new hires; the tree and units (notes).

Days away are a year's total: the base's split between vacation and sickness is kept and
both are scaled so that they sum to the people's mean (trips are left as they are).
People who started within the records' period are new hires: ``new_hires_per_year`` of
their role is their count over the period's years. A team file alone has no period (no
dated deals or activities; its start dates are when people joined, not records of
activity), so no hires a year are fitted from it.
"""

from __future__ import annotations

import pandas as pd

from calibrate.fit.common import Findings, fmt, mean_interval, poisson_interval, span
from calibrate.words import counted
from sim import Scenario

_DAYS_A_YEAR = 365.25
_MAX_DAYS_AWAY = 250.0
# Under four weeks of records (a team file alone has none: its period is one day), one
# start scales to dozens of hires a year: a rate the records cannot tell.
_MIN_HIRE_DAYS = 28


def fit_team(
    team: pd.DataFrame | None,
    base: Scenario,
    period: tuple[pd.Timestamp, pd.Timestamp] | None,
    out: Findings,
) -> None:
    """Headcount, absence and new hires per role; span, units and start dates as notes.

    ``period``: the records' first and last dated deal or activity (None: none dated).
    """
    if team is None or team.empty:
        for rid in base.roles:
            out.keep(("roles", rid, "headcount", "current"), "no team file")
            out.keep(("roles", rid, "absence", "vacation_days"), "no team file")
        return
    counts = team.groupby("role").size()
    for role, n in counts.items():
        if role not in base.roles:
            out.unwrite(
                f"role {role}",
                f"{counted(n, 'person')}, not in the base scenario (map the title with "
                f"--role '{role}=<role>')",
                why="no role of the base to put them in",
            )
    for rid, role in base.roles.items():
        mine = team[team["role"] == rid]
        if mine.empty:
            out.keep(("roles", rid, "headcount", "current"), f"nobody in {rid} in the team file")
            continue
        n = len(mine)
        hc = role.headcount
        note = f"fitted: {counted(n, 'person')} in the team file"
        if hc.fixed:
            # A fixed headcount is written as one number in scenario files: replace it whole.
            out.fit(("roles", rid, "headcount"), n, n=n, interval=None, note=note)
            _absence(mine, rid, base, out)
            _hires(mine, rid, base, period, out)
            continue
        out.fit(("roles", rid, "headcount", "current"), n, n=n, interval=None, note=note)
        if n < hc.min:
            out.fit(
                ("roles", rid, "headcount", "min"),
                n,
                n=n,
                interval=None,
                note="lowered to the team file's headcount",
            )
        if n > hc.max:
            out.fit(
                ("roles", rid, "headcount", "max"),
                n,
                n=n,
                interval=None,
                note="raised to the team file's headcount",
            )
        _absence(mine, rid, base, out)
        _hires(mine, rid, base, period, out)
    _tree(team, base, out)
    if team["unit"].notna().any():
        units = team.groupby("unit").size()
        out.unwrite("units", ", ".join(f"{u}: {counted(c, 'person')}" for u, c in units.items()))
    starts = team["start"].dropna()
    if not starts.empty:
        out.unwrite(
            "start dates",
            f"{counted(len(starts), 'person')}, "
            f"from {starts.min():%Y-%m-%d} to {starts.max():%Y-%m-%d}",
        )


def _absence(mine: pd.DataFrame, rid: str, base: Scenario, out: Findings) -> None:
    away = mine["days_away"].dropna().to_numpy(float)
    path = ("roles", rid, "absence", "vacation_days")
    if len(away) == 0:
        out.keep(path, "no days away in the team file")
        return
    mean = min(float(away.mean()), _MAX_DAYS_AWAY)
    low, high = mean_interval(away)
    absence = base.roles[rid].absence
    total = absence.vacation_days + absence.sick_days
    vac_share = absence.vacation_days / total if total > 0 else 1.0
    note = (
        f"fitted: {counted(len(away), 'person')}, {fmt(mean)} days away a year in all, "
        f"split as the base's vacation and sick days"
    )
    interval = None if len(away) < 2 else (low * vac_share, high * vac_share)
    out.fit(path, round(mean * vac_share, 2), n=len(away), interval=interval, note=note)
    sick = ("roles", rid, "absence", "sick_days")
    interval = None if len(away) < 2 else (low * (1 - vac_share), high * (1 - vac_share))
    out.fit(sick, round(mean * (1 - vac_share), 2), n=len(away), interval=interval, note=note)


def _hires(
    mine: pd.DataFrame,
    rid: str,
    base: Scenario,
    period: tuple[pd.Timestamp, pd.Timestamp] | None,
    out: Findings,
) -> None:
    path = ("roles", rid, "ramp", "new_hires_per_year")
    starts = mine["start"].dropna()
    if starts.empty:
        out.keep(path, "no start dates in the team file")
        return
    if period is None:  # no figure to write, nor to say is not written (a role with no ramp)
        if base.roles[rid].ramp is not None:
            out.keep(path, "no dated deals or activities: no period to count hires a year in")
        return
    first, last = period
    days = (last - first).days + 1
    years = days / _DAYS_A_YEAR
    hired = int(((starts >= first) & (starts <= last)).sum())
    low, high = poisson_interval(hired)
    within = f"{fmt(years)} years" if days >= _MIN_HIRE_DAYS else counted(days, "day")
    figure = f"{hired} of {len(mine)} started within {within} of records"
    if base.roles[rid].ramp is None:
        out.unwrite(f"new hires of {rid}", figure, why="the base role has no ramp")
        return
    if days < _MIN_HIRE_DAYS:
        out.keep(path, f"{figure}: fewer than {_MIN_HIRE_DAYS} days to count hires a year by")
        return
    out.fit(
        path,
        round(hired / years, 3),
        n=hired,
        interval=(low / years, high / years),
        note=f"fitted: {figure}, {span((low / years, high / years))}",
    )


def _tree(team: pd.DataFrame, base: Scenario, out: Findings) -> None:
    managers = team["manager"].dropna()
    if managers.empty:
        return
    spans = managers.value_counts()
    role_of = dict(zip(team["person"], team["role"], strict=True))
    by_role: dict[str, list[int]] = {}
    for boss, n in spans.items():
        by_role.setdefault(str(role_of.get(boss, "?")), []).append(int(n))
    text = "; ".join(
        f"{r}: max {max(v)}, mean {fmt(sum(v) / len(v))} reports ({counted(len(v), 'manager')})"
        for r, v in by_role.items()
    )
    out.unwrite("span of control", text)
    for rid, values in by_role.items():
        if rid in base.roles and base.roles[rid].max_span is not None:
            out.keep(
                ("roles", rid, "max_span"),
                f"observed max {max(values)}, mean {fmt(sum(values) / len(values))} "
                "reports: max_span is a limit, not a measure",
            )
