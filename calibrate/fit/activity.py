"""From activities (work-day cards or a phone log): dials, connect and conversation rates.

Counts are a funnel, each kind counted on its own line: a connect is also a dial, a
conversation also a connect, a booking also a conversation (``ActivityKind``). So
connect_rate = connects / dials per channel, conversation_given_connect = conversations /
connects, lead_given_conversation = bookings / conversations (Wilson intervals). Dials per
person-day count the days a person logged any activity. Call durations are minutes per
activity by kind: a dial's to ``no_answer_min``, a conversation's to ``conversation_min``,
a booking's to ``booking_call_min``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from calibrate.contract import ActivityKind
from calibrate.fit.common import Findings, fmt, mean_interval, share_interval, span
from sim import Scenario

_MIN_ROWS = 5
_DURATIONS = {
    ActivityKind.DIAL: "no_answer_min",
    ActivityKind.CONVERSATION: "conversation_min",
    ActivityKind.BOOKING: "booking_call_min",
}
_CALL_RATES = ("conversation_given_connect", "lead_given_conversation")
_DAYS_A_WEEK = 7


def _sum(acts: pd.DataFrame, kind: ActivityKind) -> int:
    return int(acts.loc[acts["kind"] == kind.value, "n"].sum())


def _rate(
    out: Findings, path: tuple[str | int, ...], hits: int, tries: int, what: str, extra: str = ""
) -> None:
    if tries < _MIN_ROWS or hits > tries:
        why = f"{hits} {what} of {tries}" + (" (more than tried)" if hits > tries else "")
        out.keep(path, why)
        return
    interval = share_interval(hits, tries)
    out.fit(
        path,
        round(hits / tries, 4),
        n=tries,
        interval=interval,
        note=f"fitted: {hits} {what} of {tries}, {span(interval)}{extra}",
    )


def fit_activities(
    acts_in: pd.DataFrame | None, roles: dict[str, str], base: Scenario, out: Findings
) -> dict[str, float]:
    """Write the activity fits; return person -> dials per person-day."""
    outbound = [c for c, ch in base.channels.items() if ch.kind in ("warm", "cold")]
    if acts_in is None or acts_in.empty:
        for c in outbound:
            out.keep(("channels", c, "connect_rate"), "no activities file")
        if base.calls is not None:
            for name in (*_CALL_RATES, *_DURATIONS.values()):
                out.keep(("calls", name), "no activities file")
        return {}
    acts = acts_in.assign(n=acts_in["count"].fillna(1.0))
    other = acts["kind"] == ActivityKind.OTHER.value
    if other.any():
        out.unwrite(
            "other activities",
            f"{int(other.sum())} rows of kind other not read",
            why="no activity of the model for them",
        )
    acts = acts[~other]
    if len(outbound) == 1:
        acts = acts.assign(channel=acts["channel"].fillna(outbound[0]))
    for c in outbound:
        mine = acts[acts["channel"] == c]
        cold = base.channels[c].kind == "cold"
        extra = "; a cold channel's leads follow from these dials" if cold else ""
        _rate(
            out,
            ("channels", c, "connect_rate"),
            _sum(mine, ActivityKind.CONNECT),
            _sum(mine, ActivityKind.DIAL),
            "connects a dial",
            extra,
        )
    # A call-back is a conversation again, with no dial or connect of its own: it counts
    # towards bookings a conversation, not towards conversations a connect.
    talk = acts[acts["kind"] == ActivityKind.CONVERSATION.value]
    callbacks = int(talk.loc[talk["outcome"].fillna("").str.casefold() == "callback", "n"].sum())
    if base.calls is not None:
        _rate(
            out,
            ("calls", "conversation_given_connect"),
            _sum(acts, ActivityKind.CONVERSATION) - callbacks,
            _sum(acts, ActivityKind.CONNECT),
            "conversations a connect",
        )
        _rate(
            out,
            ("calls", "lead_given_conversation"),
            _sum(acts, ActivityKind.BOOKING),
            _sum(acts, ActivityKind.CONVERSATION),
            "bookings a conversation",
        )
        _durations(acts, out)
    days = acts.groupby("person")["date"].nunique()
    dials = acts[acts["kind"] == ActivityKind.DIAL.value].groupby("person")["n"].sum()
    per_person = (dials.reindex(days.index, fill_value=0.0) / days).to_dict()
    _quotas(acts, days, dials, roles, base, out)
    _time(acts, days, base, out)
    return {str(k): float(v) for k, v in per_person.items()}


def _durations(acts: pd.DataFrame, out: Findings) -> None:
    for kind, name in _DURATIONS.items():
        path = ("calls", name)
        rows = acts[(acts["kind"] == kind.value) & acts["minutes"].notna() & (acts["n"] > 0)]
        if len(rows) < _MIN_ROWS:
            out.keep(path, f"{len(rows)} {kind.value} rows with minutes (fewer than 5)")
            continue
        each = (rows["minutes"] / rows["n"]).to_numpy(float)
        mean = float(rows["minutes"].sum() / rows["n"].sum())
        if not (rows["n"] == 1).all():
            # A line's minutes cover calls of every outcome (a day's call time): the mean
            # a call is known, not the time of this outcome alone.
            calls = int(rows["n"].sum())
            out.keep(
                path,
                f"minutes are totals over {calls} calls on {len(rows)} lines: "
                f"{fmt(mean)} minutes a {kind.value} of any outcome",
            )
            continue
        interval = mean_interval(each)
        value: object = {
            "kind": "lognormal",
            "mean": round(mean, 3),
            "sd": round(float(np.std(each, ddof=1)), 3),
        }
        how = f"lognormal of {len(each)} calls"
        out.fit(
            path,
            value,
            n=int(rows["n"].sum()),
            interval=interval,
            note=f"fitted: {how}, {span(interval)} minutes",
        )


def _quotas(
    acts: pd.DataFrame,
    days: pd.Series,
    dials: pd.Series,
    roles: dict[str, str],
    base: Scenario,
    out: Findings,
) -> None:
    by_role: dict[str, list[str]] = {}
    for person in days.index:
        by_role.setdefault(roles.get(str(person), ""), []).append(person)
    for rid, people in by_role.items():
        if rid not in base.roles:
            continue
        n_days = int(days[people].sum())
        total = float(dials.reindex(people, fill_value=0.0).sum())
        if total <= 0:
            continue
        per_day = np.asarray([dials.get(p, 0.0) / days[p] for p in people], dtype=float)
        interval = mean_interval(per_day) if len(people) > 1 else (math.nan, math.nan)
        rate = total / n_days
        path = ("roles", rid, "call_quota_per_day")
        figure = f"{fmt(rate)} dials a person-day ({int(total)} dials, {len(people)} people)"
        if base.roles[rid].call_quota_per_day is None:
            out.keep(path, f"observed {figure}; the role takes the policy's quota")
            continue
        out.fit(
            path,
            round(rate),
            n=n_days,
            interval=None if math.isnan(interval[0]) else interval,
            note=f"fitted: {figure} over {n_days} person-days",
        )


def _time(acts: pd.DataFrame, days: pd.Series, base: Scenario, out: Findings) -> None:
    person_days = int(days.sum())
    weeks = person_days / max(base.calendar.working_days_per_week, 1e-9)
    meetings = _sum(acts, ActivityKind.MEETING)
    if meetings and weeks > 0:
        out.unwrite(
            "meetings a week",
            f"{fmt(meetings / weeks)} a person ({meetings} held over {person_days} person-days)",
        )
    timed = acts[acts["minutes"].notna()]
    if timed.empty:
        return
    day_min = base.calendar.workday.available_min * person_days
    shares = timed.groupby("kind")["minutes"].sum() / day_min
    text = ", ".join(
        f"{k} {fmt(100 * v)} %" for k, v in shares.sort_values(ascending=False).items()
    )
    out.unwrite("share of the day by activity", text)
