"""From activities (work-day cards or a phone log): dials, connect and conversation rates.

Counts are a funnel, each kind counted on its own line: a connect is also a dial, a
conversation also a connect, a booking also a conversation (``ActivityKind``). So
connect_rate = connects / dials per channel, conversation_given_connect = conversations /
connects, lead_given_conversation = bookings / conversations (Wilson intervals). A channel
of the base may carry its own conversation_given_connect or lead_given_conversation, which
the simulator then uses instead of ``calls``' (sim.rules.calls.dial_outcomes): such a rate
is fitted on that channel's rows alone and written to the channel, and ``calls``' rate is
fitted on the rows of the channels without their own (rows of no channel join them only
when no channel has its own rate, since they may belong to any). A call quota is
dials a day at work, as the simulator dials it: over the calendar's working days less
days away (:func:`days_at_work`), not over the days logged. Call durations are minutes per
activity by kind: a dial's to ``no_answer_min``, a conversation's to ``conversation_min``,
a booking's to ``booking_call_min``.

A booking rate logged is checked against the deals: the deals created from the same
channels per conversation logged on them, over the days both files cover. The funnel's
lead flow is the deals created, so when the two disagree beyond their 95 % intervals
(bookings logged without a deal in the CRM, or deals whose booking was never logged)
the deals' rate is written, with the reason in its comment and a warning naming both
figures and their samples (``Findings.warnings``).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from calibrate.contract import ActivityKind, RowProblem
from calibrate.fit.common import (
    Deals,
    Findings,
    fmt,
    mean_interval,
    percent,
    share_interval,
    share_span,
    span,
)
from calibrate.fit.flow import filtered
from calibrate.words import counted
from sim import Scenario
from sim.rules import present_share

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
    out: Findings,
    path: tuple[str | int, ...],
    hits: int,
    tries: int,
    what: str,
    extra: str = "",
    *,
    logged: str | None = None,
) -> None:
    """Fit hits / tries at ``path`` (Wilson interval), or keep the base's value and say why.

    ``logged``: the activity kind the hits are, when the file has no row of it at all.
    A log that does not record bookings (or connects, or conversations) says nothing of
    their rate: 0 of 12,987 would switch the channel off, so the base's value is kept.
    """
    if logged is not None:
        out.keep(path, f"no {logged} rows in the activities: the log does not record them")
        return
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
        note=f"fitted: {hits} {what} of {tries}, {share_span(interval)}{extra}",
    )


def _unlogged(acts: pd.DataFrame, kind: ActivityKind) -> str | None:
    """``kind``'s name when the activities hold no row of it at all (the log omits it)."""
    return None if (acts["kind"] == kind.value).any() else kind.value


def fit_activities(
    acts_in: pd.DataFrame | None,
    roles: dict[str, str],
    base: Scenario,
    out: Findings,
    *,
    deals: Deals | None = None,
    team: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Write the activity fits; return person -> dials a day at work (:func:`days_at_work`).

    ``deals``: the deals as the base sees them, to check the booking rate against the
    deals created on the same channels (the module's rule); None: not checked.
    ``team``: the team file, for each person's days away; None: their role's in ``base``.
    """
    outbound = [c for c, ch in base.channels.items() if ch.kind in ("warm", "cold")]
    if acts_in is None or acts_in.empty:
        for c in outbound:
            out.keep(("channels", c, "connect_rate"), "no activities file")
        if base.calls is not None:
            for name in (*_CALL_RATES, *_DURATIONS.values()):
                out.keep(("calls", name), "no activities file")
            for c, name in _overrides(base, outbound):
                out.keep(("channels", c, name), "no activities file")
        return {}
    acts = acts_in.assign(n=acts_in["count"].fillna(1.0))
    other = acts["kind"] == ActivityKind.OTHER.value
    if other.any():
        out.unwrite(
            "other activities",
            f"{counted(int(other.sum()), 'row')} of kind other not read",
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
            logged=_unlogged(acts, ActivityKind.CONNECT),
        )
    if base.calls is not None:
        source = str(acts_in.attrs.get("source", "activities"))
        _call_rates(acts, outbound, base, out, check=_DealsCheck(deals, source))
        _durations(acts, out)
    days = acts.groupby("person")["date"].nunique()
    dials = acts[acts["kind"] == ActivityKind.DIAL.value].groupby("person")["n"].sum()
    at_work = days_at_work(acts, roles, base, team=team)
    per_person = (dials.reindex(at_work.index, fill_value=0.0) / at_work).to_dict()
    _quotas(at_work, days, dials, roles, base, out)
    _time(acts, days, base, out)
    return {str(k): float(v) for k, v in per_person.items()}


def days_at_work(
    acts: pd.DataFrame, roles: dict[str, str], base: Scenario, *, team: pd.DataFrame | None
) -> pd.Series:
    """Person -> days at work over the days they logged: what a quota a day is counted on.

    The simulator dials a person's quota a day at work and makes what a busy day could not
    hold on the following days (sim.rules.people.daily_dials), so its dials are the quota
    x the days at work: the calendar's working days less the days away
    (sim.rules.present_share). The days a person logged are fewer: a day filled with deal
    work and duties logs no dial, meeting or proposal, and is not in the file (the
    shipped example's SDRs logged 2,717 of their 2,768 days at work). Divided by the days
    logged, the quota came out high (51 for the scenario's 50), and the calibrated team
    dialled, booked and won more than the records (tests/test_calibrate_wins.py).

    Each person's working days of ``base``'s calendar from their first to their last
    logged day, times their share at work: from their own days away a year in the team
    file, else their role's in ``base``; never fewer than the days they logged (a day
    logged outside the calendar's working days was at work too).
    """
    cal = base.calendar
    away = {}
    if team is not None and "days_away" in team:
        known = team.dropna(subset=["days_away"])
        away = dict(zip(known["person"].astype(str), known["days_away"].astype(float), strict=True))
    dates = pd.to_datetime(acts["date"])
    span = dates.groupby(acts["person"]).agg(["min", "max", "nunique"])
    found: dict[str, float] = {}
    for person, (first, last, logged) in span.iterrows():
        first_day, after = first.date(), last.date() + dt.timedelta(days=1)
        working = cal.day_index(after) - cal.day_index(first_day)
        rid = roles.get(str(person), "")
        if str(person) in away:
            share = present_share(away[str(person)], base)
        elif rid in base.roles:
            share = present_share(base.roles[rid].absence.total_days, base)
        else:
            share = 1.0
        found[str(person)] = max(float(logged), working * share)
    return pd.Series(found, dtype=float)


def _overrides(base: Scenario, outbound: list[str]) -> list[tuple[str, str]]:
    """(channel, rate) of every call rate a base channel sets for itself."""
    return [
        (c, name)
        for c in outbound
        for name in _CALL_RATES
        if getattr(base.channels[c], name, None) is not None
    ]


def _call_counts(acts: pd.DataFrame) -> tuple[int, int, int, int]:
    """(connects, first conversations, all conversations, bookings) of some activity rows.

    A call-back is a conversation again, with no dial or connect of its own: it counts
    towards bookings a conversation, not towards conversations a connect.
    """
    talk = acts[acts["kind"] == ActivityKind.CONVERSATION.value]
    back = talk["outcome"].map(lambda o: isinstance(o, str) and o.casefold() == "callback")
    callbacks = int(talk.loc[back.astype(bool), "n"].sum())
    talks = _sum(acts, ActivityKind.CONVERSATION)
    return (
        _sum(acts, ActivityKind.CONNECT),
        talks - callbacks,
        talks,
        _sum(acts, ActivityKind.BOOKING),
    )


def _call_rates(
    acts: pd.DataFrame,
    outbound: list[str],
    base: Scenario,
    out: Findings,
    *,
    check: _DealsCheck,
) -> None:
    """Conversations a connect and bookings a conversation, where the simulator reads them.

    A channel's own rate (the base sets it) is fitted on that channel's rows; ``calls``'
    on the rows of the channels without their own (sim.rules.calls.dial_outcomes).
    """
    own = _overrides(base, outbound)
    for c, name in own:
        connects, first, talks, books = _call_counts(acts[acts["channel"] == c])
        hits, tries, what = (
            (first, connects, "conversations a connect")
            if name == "conversation_given_connect"
            else (books, talks, "bookings a conversation")
        )
        kind = ActivityKind.CONVERSATION if name == _CALL_RATES[0] else ActivityKind.BOOKING
        if kind is ActivityKind.BOOKING:
            rows = acts[acts["channel"] == c]
            own_note = f"; {c}'s own rate"
            path = ("channels", c, name)
            _booking_rate(out, path, rows, [c], own_note, check, logged=acts)
            continue
        _rate(
            out,
            ("channels", c, name),
            hits,
            tries,
            what,
            f"; {c}'s own rate",
            logged=_unlogged(acts, kind),
        )
    for name in _CALL_RATES:
        mine = {c for c, n in own if n == name}
        pooled = acts[~acts["channel"].isin(mine)]
        extra = ""
        if mine and set(outbound) <= mine:
            out.keep(("calls", name), "every outbound channel has its own rate: not used")
            continue
        if mine:
            # Rows of no channel may be calls of a channel with its own rate: left out.
            pooled = pooled[pooled["channel"].notna()]
            extra = f"; channels without their own rate ({', '.join(sorted(mine))} has one)"
        connects, first, talks, books = _call_counts(pooled)
        if name == "conversation_given_connect":
            _rate(
                out,
                ("calls", name),
                first,
                connects,
                "conversations a connect",
                extra,
                logged=_unlogged(acts, ActivityKind.CONVERSATION),
            )
        else:
            chans = [c for c in outbound if c not in mine]
            _booking_rate(out, ("calls", name), pooled, chans, extra, check, logged=acts)


class _DealsCheck:
    """The deals a booking rate is checked against, and the activities file's name."""

    def __init__(self, deals: Deals | None, source: str) -> None:
        # Deals filtered by status (won only, say) are not every lead: no check.
        self.deals = None if deals is None or filtered(deals) is not None else deals
        self.source = source


def _booking_rate(
    out: Findings,
    path: tuple[str | int, ...],
    rows: pd.DataFrame,
    channels: list[str],
    extra: str,
    check: _DealsCheck,
    *,
    logged: pd.DataFrame | None = None,
) -> None:
    """Bookings a conversation on ``rows``, checked against the deals created (the module's rule).

    ``logged``: the rows that tell whether the log records bookings at all (all of them;
    by default ``rows``).
    """
    _, _, talks, books = _call_counts(rows)
    unlogged = _unlogged(rows if logged is None else logged, ActivityKind.BOOKING)
    by_deals = None if unlogged else _deals_a_conversation(rows, channels, check.deals)
    if not unlogged and len(channels) > 1:
        _each_channel(out, path, rows, channels, check, pooled=(books, talks, by_deals))
    disagree = by_deals is not None and _apart(books, talks, *by_deals)
    if by_deals is None or not disagree:
        agree = ""
        if by_deals is not None:
            made, held = by_deals
            agree = (
                f"; the deals created agree: {made} a conversation of {held}, "
                f"{share_span(share_interval(made, held))}"
            )
        _rate(out, path, books, talks, "bookings a conversation", extra + agree, logged=unlogged)
        return
    assert by_deals is not None
    made, held = by_deals
    where = ", ".join(channels)
    if made > held:
        why = (
            f"{made} deals created on {where} outnumber the {held} conversations logged "
            "there: the log misses calls, or the deals come from elsewhere; the bookings' "
            "rate is written"
        )
        _rate(out, path, books, talks, "bookings a conversation", f"{extra}; {why}")
        _warn_apart(out, path, check.source, why)
        return
    interval = share_interval(made, held)
    booked = share_interval(books, talks) if talks else (math.nan, math.nan)
    said = (
        f"the activities' bookings say {percent(books / talks) if talks else 'n/a'} "
        f"({books} of {talks} conversations, {share_span(booked)})"
    )
    note = (
        f"fitted: {made} deals created on {where} a conversation of {held} logged there, "
        f"{share_span(interval)}{extra}; {said}: the two disagree beyond their 95 % "
        "intervals and the funnel's lead flow is the deals created, so theirs is written"
    )
    out.fit(path, round(made / held, 4), n=held, interval=interval, note=note)
    why = (
        f"the deals created on {where} say {percent(made / held)} of conversations book a "
        f"deal ({made} deals of {held} conversations, {share_span(interval)}); {said}. They "
        "disagree beyond their 95 % intervals: written the deals created's "
        f"{percent(made / held)} (the funnel needs the deals created; bookings logged "
        "without a deal in the CRM, or deals whose booking was not logged, make the "
        "difference)"
    )
    _warn_apart(out, path, check.source, why)


def _each_channel(
    out: Findings,
    path: tuple[str | int, ...],
    rows: pd.DataFrame,
    channels: list[str],
    check: _DealsCheck,
    *,
    pooled: tuple[int, int, tuple[int, int] | None],
) -> None:
    """Warn of each pooled channel whose own bookings and deals created disagree.

    A channel whose figures are the pooled ones (the only one logged) is the pooled
    check's, said there.

    A pooled rate can agree with the pooled deals while one channel's bookings join no
    deal of it (423 bookings of 1,348 conversations on a cold list, 2 deals created):
    the channel's own figures are said, the pooled rate stays written.
    """
    for c in channels:
        mine = rows[rows["channel"] == c]
        _, _, talks, books = _call_counts(mine)
        by_deals = _deals_a_conversation(mine, [c], check.deals)
        if by_deals is None or not _apart(books, talks, *by_deals) or by_deals[0] > by_deals[1]:
            continue
        if (books, talks, by_deals) == pooled:
            continue
        made, held = by_deals
        why = (
            f"on channel {c}, {books} bookings of {talks} conversations logged "
            f"({percent(books / talks)}, {share_span(share_interval(books, talks))}) but "
            f"{counted(made, 'deal')} created from {c} for its {held} conversations "
            f"({percent(made / held)}, {share_span(share_interval(made, held))}): the two "
            "disagree beyond their 95 % intervals (bookings logged without a deal in the "
            "CRM, or deals given another channel); the pooled rate is written"
        )
        _warn_apart(out, path, check.source, why)


def _warn_apart(out: Findings, path: tuple[str | int, ...], source: str, why: str) -> None:
    field = ".".join(str(p) for p in path)
    out.warnings.append(RowProblem(source, None, None, f"{field}: {why}"))


def _deals_a_conversation(
    rows: pd.DataFrame, channels: list[str], deals: Deals | None
) -> tuple[int, int] | None:
    """(deals created on ``channels``, conversations logged on them) over the common days.

    None when there is nothing to check against: no deals, deals that name no channel
    (none resolves to these), no conversation logged, or no day both files cover.
    """
    if deals is None or deals.table.empty or not channels:
        return None
    table = deals.table
    mine = table["chan"].isin(channels)
    if not mine.any() and table["channel"].isna().all():
        return None  # the deals cannot be told by channel
    # Conversations on these channels (or on none named): another channel's talks
    # (an inbound line's, a name the base does not have) book no deal counted here.
    ours = rows["channel"].isin(channels) | rows["channel"].isna()
    talk = rows[ours & (rows["kind"] == ActivityKind.CONVERSATION.value)]
    if talk.empty or talk["date"].isna().all():
        return None
    created_from, created_to = deals.window
    first = max(talk["date"].min(), created_from)
    last = min(talk["date"].max(), created_to)
    if pd.isna(first) or pd.isna(last) or first > last:
        return None
    held = int(talk.loc[talk["date"].between(first, last), "n"].sum())
    made = int((mine & table["created"].between(first, last)).sum())
    return (made, held) if held > 0 else None


def _apart(books: int, talks: int, made: int, held: int) -> bool:
    """Whether two shares' 95 % Wilson intervals do not overlap (deals above the talks do not)."""
    if talks <= 0 or books > talks:
        return False
    if made > held:
        return True
    low, high = share_interval(books, talks)
    d_low, d_high = share_interval(made, held)
    return high < d_low or d_high < low


def _durations(acts: pd.DataFrame, out: Findings) -> None:
    for kind, name in _DURATIONS.items():
        path = ("calls", name)
        rows = acts[(acts["kind"] == kind.value) & acts["minutes"].notna() & (acts["n"] > 0)]
        if len(rows) < _MIN_ROWS:
            out.keep(path, f"{counted(len(rows), kind.value + ' row')} with minutes (fewer than 5)")
            continue
        each = (rows["minutes"] / rows["n"]).to_numpy(float)
        mean = float(rows["minutes"].sum() / rows["n"].sum())
        if not (rows["n"] == 1).all():
            # A line's minutes cover calls of every outcome (a day's call time): the mean
            # a call is known, not the time of this outcome alone.
            calls = int(rows["n"].sum())
            out.keep(
                path,
                f"minutes are totals over {counted(calls, 'call')} "
                f"on {counted(len(rows), 'line')}: "
                f"{fmt(mean)} minutes a {kind.value} of any outcome",
            )
            continue
        interval = mean_interval(each)
        value: object = {
            "kind": "lognormal",
            "mean": round(mean, 3),
            "sd": round(float(np.std(each, ddof=1)), 3),
        }
        how = f"lognormal of {counted(len(each), 'call')}"
        out.fit(
            path,
            value,
            n=int(rows["n"].sum()),
            interval=interval,
            note=f"fitted: {how}, {span(interval, 'min')}",
        )


def _quotas(
    at_work: pd.Series,
    logged: pd.Series,
    dials: pd.Series,
    roles: dict[str, str],
    base: Scenario,
    out: Findings,
) -> None:
    """Each role's call quota: its callers' dials over their days at work (:func:`days_at_work`)."""
    by_role: dict[str, list[str]] = {}
    for person in at_work.index:
        by_role.setdefault(roles.get(str(person), ""), []).append(person)
    for rid, everyone in by_role.items():
        if rid not in base.roles:
            continue
        # A person who logged activities but never a dial is no caller (an account
        # executive's meetings): their days would dilute the callers' rate.
        people = [p for p in everyone if dials.get(p, 0.0) > 0]
        if not people:
            continue
        n_days = round(float(at_work[people].sum()))
        n_logged = int(logged.reindex(people, fill_value=0).sum())
        total = float(dials.reindex(people, fill_value=0.0).sum())
        per_day = np.asarray([dials.get(p, 0.0) / at_work[p] for p in people], dtype=float)
        interval = mean_interval(per_day) if len(people) > 1 else (math.nan, math.nan)
        rate = total / float(at_work[people].sum())
        path = ("roles", rid, "call_quota_per_day")
        others = len(everyone) - len(people)
        left_out = (
            f"; {counted(others, 'person')} of {rid} logged no dial: not callers, left out"
            if others
            else ""
        )
        figure = (
            f"{fmt(rate)} dials a day at work "
            f"({counted(int(total), 'dial')}, {counted(len(people), 'caller')}{left_out}; "
            f"{counted(n_days, 'day')} at work: the calendar's working days less days away, "
            f"{n_logged} of them logged)"
        )
        if base.roles[rid].call_quota_per_day is None:
            out.keep(path, f"observed {figure}; the role takes the policy's quota")
            continue
        out.fit(
            path,
            round(rate),
            n=n_days,
            interval=None if math.isnan(interval[0]) else interval,
            note=f"fitted: {figure}",
        )


def _time(acts: pd.DataFrame, days: pd.Series, base: Scenario, out: Findings) -> None:
    person_days = int(days.sum())
    # A person-day is a day someone logged work, so holidays are already out of them: a
    # week is the calendar's working weekdays (5), not working_days_per_week (which takes
    # the holidays out again, and so would make the figure hang on the base's holidays).
    weeks = person_days / max(len(base.calendar.weekdays), 1)
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
    parts = [f"{k} {percent(v)}" for k, v in shares.sort_values(ascending=False).items()]
    # The shares of a day add to 100 %: what the records do not time is said, not lost.
    rest = 1.0 - float(shares.sum())
    if rest >= 0:
        parts.append(f"not logged {percent(rest)}")
    else:
        parts.append(f"logged minutes exceed the working day by {percent(-rest)}")
    text = ", ".join(parts) + f" (of {counted(person_days, 'person-day')} at work)"
    out.unwrite("share of the day by activity", text)
