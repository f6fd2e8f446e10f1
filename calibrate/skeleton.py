"""A complete scenario built from what the records show, with published defaults elsewhere.

The skeleton is what ``teamsim calibrate`` writes on when there is no ``--base``: the
records give its shape (the calendar of their period, the roles and reporting tree of the
team file, the segments, channels and stages of the deals) and a few raw figures (deals a
week, deal values, win rates, cycle times); :mod:`calibrate.defaults` gives everything
else. The fits are applied on top (calibrate.writer), so the skeleton only has to be valid
and sensible. Every value that is not structure comes with a source, returned beside the
document so that the writer can put it in a comment.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from anyascii import anyascii

from calibrate import defaults as d
from calibrate.contract import ActivityKind, Records, RowProblem, Status, record_dates
from calibrate.fit.common import creation_window
from calibrate.holidays import quiet_weekdays
from calibrate.records import MIN_CLOSED, filtered_export, one_sided
from calibrate.words import counted
from sim import format_number, format_percent
from sim.scenario import Level

__all__ = ["Sources", "identifier", "records_with_ids", "skeleton", "unsplit_paths"]

T = TypeVar("T")

Sources = dict[tuple[str, ...], str]
"""Comments by field path (list items by ``name``), e.g. ("calls", "conversation_min")."""

# A calendar for records with no dates at all (a team file alone): any Monday will do.
_NO_DATES_START = dt.date(2026, 1, 5)
_FALLBACK_CHANNEL = "leads"
_FALLBACK_SEGMENT = "main"
_FALLBACK_STAGE = "deal"
_UNNAMED_DIALS = "cold_list"
_CLOSED_STAGE_NAMES = frozenset({s.value for s in Status} | {"closed", "closed_won", "closed_lost"})
_MIN_CLOSED = MIN_CLOSED  # fewer closed deals than this and the win rate is the published one
_MIN_WON = 3  # fewer won deals with dates than this and the cycle is the published one
_DEFAULTS_CURRENCY = "USD"  # calibrate.defaults' money
_MONEY_DEFAULTS = frozenset({"monthly_cost", "deal_value"})
_SELLERS = "seller"
_TEAM_LEAD = "team_lead"

_TOP_WORDS = frozenset({"chief", "ceo", "cso", "cro", "president", "founder", "generalnyy"})
_MIDDLE_WORDS = frozenset({"head", "director", "vp", "nachalnik", "direktor"})
# With the Russian titles as anyascii writes them ("Руководитель группы" ->
# "rukovoditel gruppy", "Начальник отдела" -> "nachalnik otdela").
_LOWER_WORDS = frozenset({"lead", "leader", "supervisor", "manager", "rukovoditel"})


def _latin(text: object) -> str:
    # anyascii writes the soft sign as an apostrophe ("Nachal'nik"): drop it, or the word
    # would split in two.
    return anyascii(str(text)).replace("'", "").lower()


def identifier(text: object, *, fallback: str) -> str:
    """A scenario id (``[a-z][a-z0-9_]*``, at most 64 characters) made from free text.

    "Account Executive" -> "account_executive", "2nd line" -> "x2nd_line"; other scripts
    are transliterated first (anyascii: "Договор" -> "dogovor", "Erstgespräch" ->
    "erstgesprach"), so that names in Cyrillic or with accents neither vanish into the
    fallback nor merge; text with no letters or digits gives ``fallback``.
    """
    words = re.findall(r"[a-z0-9]+", _latin(text))
    ident = "_".join(words)[:64].rstrip("_")
    if not ident:
        return fallback
    return ident if ident[0].isalpha() else ("x" + ident)[:64]


def skeleton(
    records: Records,
    *,
    name: str,
    currency: str = "USD",
    plan_per_month: float | None = None,
    stage_names: Sequence[str] | None = None,
) -> tuple[dict[str, Any], Sources]:
    """A scenario document (a plain dict, ready for YAML) and the sources of its values.

    Args:
        records: The normalised records (calibrate.contract); any subset of the tables.
        name: The scenario's name.
        currency: ISO 4217 code; the default costs and deal values are in US dollars.
        plan_per_month: Revenue a month to plan for, in ``currency``; ``None`` takes the
            revenue the records show a month (won deals' values over the period).
        stage_names: The funnel's stages in order, when there is no stage history.

    Returns:
        ``(doc, sources)``: the document, which ``sim.scenario.parse_scenario`` accepts,
        and a comment for each field path that holds a default or a figure read from the
        records ("default: <source>", "assumption: ...", "records: ...").

    Raises:
        ValueError: ``plan_per_month`` is not a finite number above 0.
    """
    sources: Sources = {}
    first, last = _period(records)
    calendar = _calendar(first, last, sources, records)
    roles = _roles(records, sources)
    channels, segment_channels = _channels(records, first, last, sources, roles)
    _limit_roles(records, roles, channels, segment_channels, sources)
    has_lower = any(r["level"] == Level.LOWER for r in roles.values())
    segments = {}
    for sid, chans in segment_channels.items():
        names, how = _stage_names(records, stage_names, _segment_deals(records, sid))
        segments[sid] = _segment(records, sid, chans, names, sources=sources, escalate=has_lower)
        if how is not None:
            sources[("segments", sid, "stages")] = how
    for sid, weight in _lead_weights(records, segment_channels, sources).items():
        # Beside the channels it weighs, as docs/scenarios.md lists the fields.
        at = list(segments[sid]).index("channels") + 1
        items = list(segments[sid].items())
        segments[sid] = dict([*items[:at], ("lead_weight", weight), *items[at:]])
    outbound = any(c["kind"] == "cold" for c in channels.values())
    doc: dict[str, Any] = {
        "schema_version": 1,
        "name": name,
        "description": (
            f"Built from the team's records of {first} to {last} and published defaults "
            "(each value's source is in the comment beside it)."
        ),
        "currency": currency,
        "seed": 1,
        "calendar": calendar,
        "roles": roles,
        "channels": channels,
    }
    if outbound:
        doc["calls"] = _calls(sources)
    doc["segments"] = segments
    doc["duties"] = _duties({Level(r["level"]) for r in roles.values()}, sources)
    doc["plan"] = _plan(segments, plan_per_month=plan_per_month, sources=sources)
    doc["policies"] = _policies(outbound, sources)
    if currency != _DEFAULTS_CURRENCY:
        # The published costs and values are dollars: written as they are, not converted.
        for path, text in sources.items():
            if path[-1] in _MONEY_DEFAULTS and not text.startswith("records"):
                sources[path] = f"{text}; not converted to {currency}: give the team's own"
    return doc, sources


def _cite(sources: Sources, path: tuple[str, ...], default: d.Default[T]) -> T:
    sources[path] = default.comment
    return default.value


def _period(records: Records) -> tuple[dt.date, dt.date]:
    """First and last date the records cover (deals, stages, activities)."""
    found = record_dates(records)
    if found.empty:
        return _NO_DATES_START, _NO_DATES_START + dt.timedelta(days=364)
    return found.min().date(), found.max().date()


def _calendar(
    first: dt.date, last: dt.date, sources: Sources, records: Records | None = None
) -> dict[str, Any]:
    # The last twelve months of a longer history: recent enough to describe the team now.
    start = max(first, last - dt.timedelta(days=364))
    # Every holiday the records show, before the last year too: the back-test places the
    # scenario over the whole period (calibrate.backtest.backtest_scenario).
    holidays = [] if records is None else quiet_weekdays(records, frozenset(range(5)))
    horizon = max(1, int(np.busday_count(start, last + dt.timedelta(days=1), holidays=holidays)))
    warmup = min(int(d.WARMUP_DAYS.value), horizon // 3)
    sources[("calendar", "start")] = f"records: the period {first} to {last} (its last year)"
    sources[("calendar", "horizon_days")] = f"records: working days from {start} to {last}"
    sources[("calendar", "warmup_days")] = d.WARMUP_DAYS.comment
    sources[("calendar", "holidays")] = (
        f"records: {counted(len(holidays), 'weekday')} on which nobody logged an activity "
        "and no deal moved (calibrate.holidays); add the country's others"
        if holidays
        else "assumption: no public holidays; add the country's"
    )
    sources[("calendar", "workday")] = "assumption: a common office day (start, hours, lunch)"
    return {
        "start": start,
        "horizon_days": horizon,
        "warmup_days": warmup,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": holidays,
        "workday": {
            "start": d.WORKDAY_START.value,
            "hours": d.WORKDAY_HOURS.value,
            "lunch_min": d.WORKDAY_LUNCH_MIN.value,
            "breaks_min": d.WORKDAY_BREAKS_MIN.value,
        },
    }


# --- Roles -----------------------------------------------------------------------------


def _roles(records: Records, sources: Sources) -> dict[str, dict[str, Any]]:
    team = records.team
    if team is None or team.empty:
        return _roles_from_owners(records, sources)
    return _roles_from_team(team, sources)


def _people_seen(records: Records) -> tuple[int, str]:
    """People seen in the records (deal owners and people logging activities), in words.

    The sellers of a scenario built without a team file: the count and its sample
    ("16 people seen in the records: 16 owners of deals, 16 logging activities").
    """
    owners: set[str] = set()
    loggers: set[str] = set()
    if records.deals is not None and not records.deals.empty:
        owners = {str(p) for p in records.deals["owner"].dropna()}
    if records.activities is not None and not records.activities.empty:
        loggers = {str(p) for p in records.activities["person"].dropna()}
    seen = len(owners | loggers)
    parts = [counted(len(owners), "owner") + " of deals"] if owners else []
    parts += [f"{len(loggers)} logging activities"] if loggers else []
    people = "person" if seen == 1 else "people"
    return seen, f"{seen} {people} seen in the records: {', '.join(parts)}" if parts else ""


def _roles_from_owners(records: Records, sources: Sources) -> dict[str, dict[str, Any]]:
    seen, words = _people_seen(records)
    sellers = max(1, seen)
    per_lead = int(d.REPORTS_PER_TEAM_LEAD.value)
    leads = math.ceil(sellers / per_lead)
    seller = _role("Seller", Level.LINE, sellers, sources=sources, rid=_SELLERS)
    seller["reports_to"] = _TEAM_LEAD
    # The one comment on the headcount: where the figure comes from, with its sample
    # (teamsim.calibration leaves out the "no team file" kept beside it).
    sources[("roles", _SELLERS, "headcount")] = (
        f"records: {words}; no team file" if words else "assumption: one seller; no team file"
    )
    lead = _role("Team lead", Level.LOWER, leads, sources=sources, rid=_TEAM_LEAD)
    lead["headcount"] = {"current": leads, "min": 1, "max": math.ceil(2 * sellers / per_lead)}
    lead["max_span"] = _cite(sources, ("roles", _TEAM_LEAD, "max_span"), d.TEAM_LEAD_MAX_SPAN)
    sources[("roles", _TEAM_LEAD, "headcount")] = (
        f"{d.REPORTS_PER_TEAM_LEAD.comment}: one lead per {counted(per_lead, 'seller')}; "
        "no team file"
    )
    return {_SELLERS: seller, _TEAM_LEAD: lead}


def _role(title: str, level: Level, count: int, *, sources: Sources, rid: str) -> dict[str, Any]:
    """A role with the defaults of its level; line roles get a ramp and a sizing range."""
    path = ("roles", rid)
    role: dict[str, Any] = {"title": title, "level": level.value}
    if level is Level.LINE:
        role["headcount"] = {"current": count, "min": math.ceil(count / 2), "max": 2 * count}
    elif level is Level.LOWER:
        role["headcount"] = {"current": count, "min": 1, "max": max(2 * count, count + 1)}
    else:
        role["headcount"] = count
    role["monthly_cost"] = _cite(sources, (*path, "monthly_cost"), d.MONTHLY_COST[level])
    role["absence"] = {
        "vacation_days": d.ABSENCE_VACATION_DAYS.value,
        "sick_days": d.ABSENCE_SICK_DAYS.value,
    }
    sources[(*path, "absence")] = f"{d.ABSENCE_VACATION_DAYS.comment}; {d.ABSENCE_SICK_DAYS.source}"
    if level is Level.LINE:
        attrition = float(d.RAMP_ATTRITION_PER_YEAR.value)
        role["ramp"] = {
            "productivity_by_month": list(d.RAMP_PRODUCTIVITY_BY_MONTH.value),
            "new_hires_per_year": round(attrition * count, 1),
        }
        sources[(*path, "ramp", "productivity_by_month")] = d.RAMP_PRODUCTIVITY_BY_MONTH.comment
        sources[(*path, "ramp", "new_hires_per_year")] = (
            f"{d.RAMP_ATTRITION_PER_YEAR.comment}, of {counted(count, 'person')}"
        )
    return role


def _guess_level(title: str, *, manages: bool, at_root: bool) -> Level:
    """A level from a title: head/director -> middle; the tree's top -> top; leads -> lower."""
    words = set(re.findall(r"[a-z]+", _latin(title)))
    if words & _TOP_WORDS:
        return Level.TOP
    if words & _MIDDLE_WORDS:
        return Level.MIDDLE
    if manages and at_root:
        return Level.TOP
    # "Account manager" sells; a manager of people, a supervisor or a team lead leads.
    if manages or words & _LOWER_WORDS - {"manager", "lead"} or {"team", "lead"} <= words:
        return Level.LOWER
    return Level.LINE


def _team_roles(team: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """The team file's people (one row each), person -> role id and role id -> title."""
    people = team.dropna(subset=["person"]).drop_duplicates("person")
    title_of: dict[str, str] = {}
    role_of: dict[str, str] = {}
    for person, title in zip(people["person"], people["role"], strict=True):
        text = str(title) if title is not None and not pd.isna(title) else "staff"
        rid = identifier(text, fallback="staff")  # as records_with_ids names it
        role_of[str(person)] = rid
        title_of.setdefault(rid, text)
    return people, role_of, title_of


def _roles_from_team(team: pd.DataFrame, sources: Sources) -> dict[str, dict[str, Any]]:
    people, role_of, title_of = _team_roles(team)
    manager_of = {
        str(p): str(m)
        for p, m in zip(people["person"], people["manager"], strict=True)
        if m is not None and not pd.isna(m) and str(m) in role_of and str(m) != str(p)
    }
    reports = Counter(manager_of.values())
    levels = _levels(people, role_of, title_of, manager_of)
    bosses = _reports_to(role_of, manager_of)
    _make_tree_senior(levels, bosses)
    counts = Counter(role_of.values())
    roles: dict[str, dict[str, Any]] = {}
    for rid in sorted(counts, key=lambda r: (-levels[r].rank, r)):
        role = _role(title_of[rid], levels[rid], counts[rid], sources=sources, rid=rid)
        sources[("roles", rid, "level")] = _level_source(people, role_of, rid)
        sources[("roles", rid, "headcount")] = (
            f"records: {counted(counts[rid], 'person')} in the team file"
        )
        if bosses.get(rid):
            role["reports_to"] = bosses[rid]
        if levels[rid] is not Level.LINE:
            role["max_span"] = _span(rid, levels[rid], role_of, reports, sources)
        roles[rid] = role
    if not any(levels[r] is Level.LINE for r in roles):
        # Somebody must sell: the most junior role carries a seller's load.
        lowest = min(roles, key=lambda r: (levels[r].rank, -counts[r]))
        roles[lowest]["selling_share"] = 1.0
        sources[("roles", lowest, "selling_share")] = "assumption: no line role in the team file"
    return roles


def _levels(
    people: pd.DataFrame,
    role_of: dict[str, str],
    title_of: dict[str, str],
    manager_of: dict[str, str],
) -> dict[str, Level]:
    given: dict[str, Counter[str]] = {}
    for person, level in zip(people["person"], people["level"], strict=True):
        text = str(level).strip().lower() if level is not None and not pd.isna(level) else ""
        if text in {lv.value for lv in Level}:
            given.setdefault(role_of[str(person)], Counter())[text] += 1
    managers = set(manager_of.values())
    levels: dict[str, Level] = {}
    for rid in set(role_of.values()):
        if rid in given:
            levels[rid] = Level(given[rid].most_common(1)[0][0])
            continue
        members = [p for p, r in role_of.items() if r == rid]
        levels[rid] = _guess_level(
            title_of[rid],
            manages=any(p in managers for p in members),
            at_root=all(p not in manager_of for p in members),
        )
    return levels


def _level_source(people: pd.DataFrame, role_of: dict[str, str], rid: str) -> str:
    members = [str(p) for p, r in role_of.items() if r == rid]
    given = people.loc[people["person"].astype(str).isin(members), "level"].notna().any()
    if given:
        return "records: the team file's level column"
    return "records: guessed from the title and the reporting tree"


def _reports_to(role_of: dict[str, str], manager_of: dict[str, str]) -> dict[str, str]:
    """Each role's most common manager role (not itself)."""
    votes: dict[str, Counter[str]] = {}
    for person, manager in manager_of.items():
        own, boss = role_of[person], role_of[manager]
        if own != boss:
            votes.setdefault(own, Counter())[boss] += 1
    return {rid: c.most_common(1)[0][0] for rid, c in votes.items()}


def _make_tree_senior(levels: dict[str, Level], bosses: dict[str, str]) -> None:
    """Raise a manager role above its reports; drop a link that cannot be (a cycle, the top)."""
    order = list(Level)
    for _ in range(len(order) * max(1, len(levels))):
        changed = False
        for rid, boss in list(bosses.items()):
            if levels[boss].rank > levels[rid].rank:
                continue
            if levels[rid].rank + 1 < len(order):
                levels[boss] = order[levels[rid].rank + 1]
            else:
                del bosses[rid]
            changed = True
        if not changed:
            return
    for rid, boss in list(bosses.items()):
        if levels[boss].rank <= levels[rid].rank:
            del bosses[rid]


def _span(
    rid: str, level: Level, role_of: dict[str, str], reports: Counter[str], sources: Sources
) -> int:
    """The published span of the level, or the widest the team file shows if wider."""
    published = d.TEAM_LEAD_MAX_SPAN if level is Level.LOWER else d.MIDDLE_MAX_SPAN
    default = int(published.value)
    widest = max((n for p, n in reports.items() if role_of.get(p) == rid), default=0)
    if widest > default:
        sources[("roles", rid, "max_span")] = (
            f"records: up to {counted(widest, 'direct report')} a person"
        )
        return widest
    sources[("roles", rid, "max_span")] = published.comment
    return default


def _listed(counts: Counter[str], unit: str) -> str:
    # With a thousands comma, as _cold writes a channel's dials.
    return ", ".join(
        f"{k} {format_number(n, 0)} {unit if round(n) == 1 else unit + 's'}"
        for k, n in sorted(counts.items())
    )


def nearest_turn(dials: Counter[str]) -> tuple[list[str], list[str]]:
    """The channels to dial in turn whose equal mix is nearest the recorded one, and the rest.

    The simulator and the optimiser give a role's cold channels equal dials each
    (sim.rules.calls.dial_order, ``in_turn``). Of a role's recorded dials by channel, the
    k most dialled channels dialled equally are the mix nearest the records' in total
    variation (half the L1 distance between the shares); the k with the least distance
    is kept, ties to the larger k. Dials of 99.9 % and 0.1 % keep one channel (0.1 % of
    the dials misplaced instead of 49.9 %); 2/3 and 1/3 keep both (1/6 against 1/3).
    Shapes: channel -> dials in; (kept, left out) channel lists out, most dialled first.
    """
    ranked = [c for c, n in sorted(dials.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0]
    total = sum(dials[c] for c in ranked)
    if total <= 0:
        return [], []
    shares = [dials[c] / total for c in ranked]

    def distance(k: int) -> float:
        return 0.5 * sum(abs(s - (1 / k if i < k else 0.0)) for i, s in enumerate(shares))

    best = min(range(len(ranked), 0, -1), key=distance)
    return ranked[:best], ranked[best:]


def _dials_by(records: Records, group: str | None) -> dict[str, Counter[str]]:
    """Dials logged, by the activities' ``group`` column value (one key when None) and channel."""
    acts = records.activities
    out: dict[str, Counter[str]] = {}
    if acts is None or acts.empty:
        return out
    dials = acts[acts["kind"] == ActivityKind.DIAL.value]
    counts = dials["count"].fillna(1.0) if "count" in dials else pd.Series(1.0, dials.index)
    keys = _deal_keys(dials, "channel", _UNNAMED_DIALS)
    who = dials[group] if group is not None else pd.Series("", dials.index)
    for person, cid, n in zip(who, keys, counts, strict=True):
        out.setdefault(str(person), Counter())[str(cid)] += round(float(n))
    return out


def _limit_sellers(
    records: Records,
    roles: dict[str, dict[str, Any]],
    channels: dict[str, dict[str, Any]],
    sources: Sources,
) -> None:
    """The one seller role of a team-less scenario dials the nearest equal mix of channels."""
    dials = _dials_by(records, None).get("", Counter())
    turn, dropped = nearest_turn(dials)
    if turn and _SELLERS in roles:
        _dialler(roles[_SELLERS], ("roles", _SELLERS), sources)
    if not dropped or _SELLERS not in roles:
        return
    # Every channel but those left out: deals-only channels stay (referrals, inbound).
    roles[_SELLERS]["channels"] = [c for c in channels if c not in dropped]
    sources[("roles", _SELLERS, "channels")] = (
        f"records: {_listed(dials, 'dial')} logged; {_left_out(dropped)}"
    )


def _dialler(role: dict[str, Any], path: tuple[str, ...], sources: Sources) -> None:
    """A role whose people log dials gets its own call quota, for the records to set.

    Its value here is the published default; calibrate.fit.activity writes the role's own
    dials a person-day over it. A role with no quota of its own would take the policy's
    (a manager's choice in a user's base, not a fact about this team).
    """
    role["call_quota_per_day"] = _cite(sources, (*path, "call_quota_per_day"), d.CALL_QUOTA_PER_DAY)


def _left_out(dropped: list[str]) -> str:
    return (
        f"{', '.join(sorted(dropped))} left out: channels are dialled in turn, equal dials "
        "each, and the mix nearest the records' leaves it out"
    )


def _limit_roles(
    records: Records,
    roles: dict[str, dict[str, Any]],
    channels: dict[str, dict[str, Any]],
    feeds: dict[str, list[str]],
    sources: Sources,
) -> None:
    """Give each team-file role the segments and channels its people's records show.

    Without it every role sells every segment and dials every outbound channel: account
    executives who log no dial would dial a full quota. A role's ``segments`` are those
    its people own deals in (with no deal, those its dialled channels feed); its
    ``channels`` are those its people dial and the inbound-style (referral) channels
    their deals came from. An outbound channel a role's deals came from but that it does
    not dial stays off its list: the dials were someone else's (an SDR's hand-off). A
    selling role (a line role, or one given a selling share) that shows neither deals nor
    dials dials nothing (its outbound channels are left off) and keeps every segment;
    managers who sell nothing are left as they are. Of the dialled channels, those
    :func:`nearest_turn` leaves out are left off. Without a team file the one seller role
    sells everything, and only that rule applies to the team's dials. Modifies ``roles``
    and ``sources`` in place.
    """
    team = records.team
    if team is None or team.empty:
        _limit_sellers(records, roles, channels, sources)
        return
    _, role_of, _ = _team_roles(team)
    outbound = {c for c, ch in channels.items() if ch["kind"] in ("cold", "warm")}
    if not outbound and (records.deals is None or records.deals.empty):
        return
    owned: dict[str, Counter[str]] = {}
    received: dict[str, Counter[str]] = {}
    deals = records.deals
    if deals is not None and not deals.empty:
        segs = _deal_keys(deals, "segment", _FALLBACK_SEGMENT)
        chans = _deal_keys(deals, "channel", _FALLBACK_CHANNEL)
        for owner, sid, cid in zip(deals["owner"], segs, chans, strict=True):
            rid = role_of.get(str(owner)) if owner is not None and not pd.isna(owner) else None
            if rid is not None:
                owned.setdefault(rid, Counter())[str(sid)] += 1
                received.setdefault(rid, Counter())[str(cid)] += 1
    dialled: dict[str, Counter[str]] = {}
    for person, counts in _dials_by(records, "person").items():
        rid = role_of.get(person)
        if rid is not None:
            dialled.setdefault(rid, Counter()).update(counts)
    every = list(dict.fromkeys(c for chans in feeds.values() for c in chans))
    for rid, role in roles.items():
        path = ("roles", rid)
        mine = owned.get(rid, Counter())
        dials_of = dialled.get(rid, Counter())
        kept = Counter({c: n for c, n in received.get(rid, Counter()).items() if c not in outbound})
        if not mine and not dials_of:
            sells = role["level"] == Level.LINE.value or role.get("selling_share", 0) > 0
            if sells and outbound & set(every):
                role["channels"] = [c for c in every if c not in outbound]
                sources[(*path, "channels")] = "records: no deal owned and no dial logged"
            continue
        segments = list(mine) or [s for s, chans in feeds.items() if set(chans) & set(dials_of)]
        role["segments"] = [s for s in feeds if s in segments]
        sources[(*path, "segments")] = (
            f"records: {_listed(mine, 'deal')} owned"
            if mine
            else "records: no deal owned; the segments its dials feed"
        )
        turn, dropped = nearest_turn(dials_of)
        if turn:
            _dialler(role, path, sources)
        works = set(turn) | set(kept)
        fed = [c for s in role["segments"] for c in feeds[s]]
        role["channels"] = [c for c in dict.fromkeys(fed) if c in works]
        said = [f"{_listed(dials_of, 'dial')} logged" if dials_of else "no dial logged"]
        if dropped:
            said.append(_left_out(dropped))
        if kept:
            said.append(f"deals received: {_listed(kept, 'deal')}")
        sources[(*path, "channels")] = "records: " + "; ".join(said)


# --- Channels, stages and segments -----------------------------------------------------------


def _deal_keys(deals: pd.DataFrame, column: str, fallback: str) -> pd.Series:
    """Each deal's segment or channel as a scenario id (``fallback`` where empty)."""
    if column not in deals:
        return pd.Series(fallback, index=deals.index, dtype=object)
    return deals[column].map(
        lambda v: fallback if v is None or pd.isna(v) else identifier(v, fallback=fallback)
    )


def _dials_by_channel(records: Records) -> dict[str, float]:
    acts = records.activities
    if acts is None or acts.empty:
        return {}
    dials = acts[acts["kind"] == ActivityKind.DIAL.value]
    counts = dials["count"].fillna(1.0) if "count" in dials else pd.Series(1.0, dials.index)
    keys = _deal_keys(dials, "channel", _UNNAMED_DIALS)
    return {str(k): float(v) for k, v in counts.groupby(keys).sum().items()}


def _leads_a_deal(deals: pd.DataFrame) -> tuple[float, str]:
    """Leads each deal of the file stands for, and why, when the file looks filtered.

    A won-only export holds the deals that were won, each of which stood for 1 / win rate
    leads (the published win rate, defaults.WIN_RATE); an open-only or lost-only export is
    a lower bound kept as it is, and said to be one (calibrate.records.filtered_export).
    """
    status = deals["status"]
    won = int((status == Status.WON.value).sum())
    lost = int((status == Status.LOST.value).sum())
    question = filtered_export(won, lost, len(status) - won - lost)
    if question is None:
        return 1.0, ""
    if won and not lost:
        rate = d.WIN_RATE.value
        taken = f", each won deal taken as 1 / {format_number(rate, 2)} leads"
        return 1.0 / rate, f"{taken} (the published win rate)"
    return 1.0, ", a lower bound: the file looks filtered by status"


def _channels(
    records: Records,
    first: dt.date,
    last: dt.date,
    sources: Sources,
    roles: dict[str, dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The channels and, for each segment, the channels that feed it."""
    dials = _dials_by_channel(records)
    weeks = max(1, (last - first).days + 1) / 7.0
    deals = records.deals
    if deals is not None and deals["created"].notna().any():
        # The deals' flow is over the days they were created in (the one window rule).
        c_first, c_last = creation_window(deals)
        weeks = max(1, (c_last - c_first).days + 1) / 7.0
    channels: dict[str, dict[str, Any]] = {}
    feeds: dict[str, list[str]] = {}
    if deals is not None and not deals.empty:
        segs = _deal_keys(deals, "segment", _FALLBACK_SEGMENT)
        chans = _deal_keys(deals, "channel", _FALLBACK_CHANNEL)
        for (sid, cid), _ in chans.groupby([segs, chans]):
            feeds.setdefault(str(sid), []).append(str(cid))
        per_deal, why = _leads_a_deal(deals)
        for cid, n in chans.value_counts().sort_index().items():
            path = ("channels", str(cid))
            if cid in dials:
                channels[str(cid)] = _cold(path, dials[str(cid)], sources)
            else:
                weekly = round(n / weeks * per_deal, 2)
                channels[str(cid)] = {"kind": "referral", "leads_per_week": weekly}
                sources[(*path, "kind")] = (
                    "assumption: deals come from it and no dials are logged on it, so its "
                    "leads arrive by themselves at a rate (referral, leads_per_week); an "
                    "inbound desk or a warm list of contacts needs --base to say so"
                )
                sources[(*path, "leads_per_week")] = (
                    f"records: {counted(n, 'deal')} created in {format_number(weeks, 1)} weeks{why}"
                )
    else:
        feeds[_FALLBACK_SEGMENT] = []
    for cid in sorted(set(dials) - set(channels)):
        channels[cid] = _cold(("channels", cid), dials[cid], sources)
        for seg_channels in feeds.values():
            seg_channels.append(cid)
    if not channels:
        sellers = sum(
            r["headcount"]["current"] if isinstance(r["headcount"], dict) else r["headcount"]
            for r in roles.values()
            if r["level"] == Level.LINE.value
        )
        channels[_FALLBACK_CHANNEL] = {"kind": "referral", "leads_per_week": float(max(1, sellers))}
        sources[("channels", _FALLBACK_CHANNEL)] = (
            "assumption: no deals in the records; a lead a week for each seller"
        )
        feeds[_FALLBACK_SEGMENT] = [_FALLBACK_CHANNEL]
    return channels, feeds


def _lead_weights(
    records: Records, feeds: dict[str, list[str]], sources: Sources
) -> dict[str, int | dict[str, int]]:
    """Each segment's ``lead_weight``: its deals created from each channel it shares.

    A channel that feeds several segments splits its leads by the segments' weights
    for that channel (sim.scenario's ``lead_weight``, ``Segment.weight_of``); left at 1
    they split evenly, whatever the records show. The weight of a segment for a shared
    channel is the count of deals created in the segment from that channel, so each
    shared channel splits its leads in its own records' mix. One number when a segment
    shares one channel, a weight by channel when it shares several. Empty when no
    channel feeds more than one segment; a segment with no deal from a shared channel
    keeps the default weight of 1 for it.
    """
    deals = records.deals
    feeding = Counter(c for chans in feeds.values() for c in set(chans))
    shared = {c for c, n in feeding.items() if n > 1}
    if deals is None or deals.empty or not shared:
        return {}
    keys = pd.DataFrame(
        {
            "segment": _deal_keys(deals, "segment", _FALLBACK_SEGMENT),
            "channel": _deal_keys(deals, "channel", _FALLBACK_CHANNEL),
        }
    )
    counts = keys.value_counts()
    weights: dict[str, int | dict[str, int]] = {}
    for sid, chans in feeds.items():
        mine = {c: int(counts.get((sid, c), 0)) for c in chans if c in shared}
        mine = {c: n for c, n in mine.items() if n > 0}
        if not mine:
            continue  # no deals from a shared channel: the default weight of 1
        weights[sid] = next(iter(mine.values())) if len(mine) == 1 else mine
        said = "; ".join(_share_of(n, int(keys["channel"].eq(c).sum()), c) for c, n in mine.items())
        sources[("segments", sid, "lead_weight")] = (
            f"records: {said} created in it; a shared channel splits its leads in its records' mix"
        )
    return weights


def _share_of(n: int, total: int, channel: str) -> str:
    return f"{counted(n, 'deal')} of {total} from {channel} ({format_percent(n / total)})"


def _cold(path: tuple[str, ...], dials: float, sources: Sources) -> dict[str, Any]:
    logged = f"{format_number(dials, 0)} {'dial' if round(dials) == 1 else 'dials'}"
    sources[(*path, "kind")] = (
        f"records: {logged} logged on it, so its leads come from dialling (cold: the dials "
        "and the call rates make them)"
    )
    return {
        "kind": "cold",
        "connect_rate": _cite(sources, (*path, "connect_rate"), d.COLD_CONNECT_RATE),
    }


# Comments on a segment's stages when their order is read from the deals alone.
STAGE_ORDER_BY_AGE = (
    "stage order inferred from the median age of deals at each stage; check it or give "
    "--base / a stages file"
)
STAGE_ORDER_BY_NUMBER = (
    "stage order inferred from the number each CRM stage name starts with; check it or "
    "give --base / a stages file"
)
_LEADING_NUMBER = re.compile(r"^\s*(\d+)")
# Fewer open or lost deals at a stage than this (or none lost) and no order is inferred.
MIN_ORDER_DEALS = 20
STAGE_ORDER_REFUSED = (
    "stage order not inferred: {why}; the funnel is one stage until the order is given: "
    "--base SCENARIO (with --stage 'CRM name=stage') or --stages FILE (the stage "
    "history); the stages seen: {stages}"
)


def _stage_names(
    records: Records, given: Sequence[str] | None, deals: pd.DataFrame | None = None
) -> tuple[list[str], str | None]:
    """A segment's stages in order, and how the order was inferred (None: not inferred).

    From the stage history (by their usual order in a deal), else ``given``, else the
    stages the deals are at (:func:`_order_by_age`), else one stage. ``deals`` (a
    segment's; None: every deal) restricts them to their deals: segments have funnels of
    their own, and a union of every segment's stages would put stages into a deal's path
    that it never enters.
    """
    deals = records.deals if deals is None else deals
    names: list[str] = []
    how: str | None = None
    stages = records.stages
    if stages is not None and deals is not None and "deal_id" in deals and not deals.empty:
        mine = stages[stages["deal_id"].isin(deals["deal_id"])]
        stages = mine if not mine.empty else stages
    if stages is not None and not stages.empty:
        hist = stages.dropna(subset=["stage", "entered"]).copy()
        hist["key"] = hist["stage"].map(lambda v: identifier(v, fallback=_FALLBACK_STAGE))
        hist = hist[~hist["key"].isin(_CLOSED_STAGE_NAMES)]
        hist["rank"] = hist.groupby("deal_id")["entered"].rank(method="first")
        order = hist.groupby("key").agg(rank=("rank", "mean"), first=("entered", "min"))
        names = list(order.sort_values(["rank", "first"]).index)
    elif given:
        names = [identifier(n, fallback=_FALLBACK_STAGE) for n in given]
    elif deals is not None and "stage" in deals and not deals.empty:
        names, how = _order_by_age(deals, record_dates(records).max())
    unique = [n for n in dict.fromkeys(names) if n not in _CLOSED_STAGE_NAMES]
    if not unique:
        return [_FALLBACK_STAGE], how
    paths = separate_paths(stages, deals, unique)
    if len(paths) > 1:
        shown = "; ".join(" > ".join(p) for p in paths)
        split = STAGE_PATHS.format(n=len(paths), paths=shown)
        how = split if how is None else f"{split}; {how}"
    return unique, how


# Deals follow separate stage paths (segments the file does not name); the one chain of
# all their stages that the skeleton builds is said to be a guess.
STAGE_PATHS = (
    "deals follow {n} separate stage paths ({paths}): add a segment column or "
    "--column segment=<column>; one chain of all their stages puts every deal through "
    "stages it never enters"
)
UNSPLIT_PATHS = (
    "deals follow {n} separate stage paths ({paths}) and {no_segment}: "
    "one chain of all their stages would put every deal through stages it never enters, "
    "so no scenario is built; name the column that tells them apart with "
    "--column segment=<column> (a product, pipeline or deal type), or give --base"
)


def unsplit_paths(records: Records) -> RowProblem | None:
    """A fatal problem when deals with no segment follow separate stage paths (else None).

    A scenario built from the records (no ``--base``) has one funnel a segment; with no
    segment in the records every deal is in one, and when their stage paths are separate
    (:func:`separate_paths`: three products mixed in one file) its one chain of all the
    stages would be fitted and written as if every deal passed through every stage. The
    problem names the deals file and its stage column (the stage history's when the deals
    have none).
    """
    deals = records.deals
    if deals is None or deals.empty or deals["segment"].notna().any():
        return None
    names, _ = _stage_names(records, None, deals)
    paths = separate_paths(records.stages, deals, names)
    if len(paths) < 2:
        return None
    shown = "; ".join(" > ".join(p) for p in paths)
    source = str(deals.attrs.get("source", "deals"))
    column = deals.attrs.get("columns", {}).get("stage")
    if column is None and records.stages is not None:
        column = records.stages.attrs.get("columns", {}).get("stage")
    segment = deals.attrs.get("columns", {}).get("segment")
    no_segment = (
        "the file has no segment column"
        if segment is None
        else f"its column '{segment}' (the segment) is empty"
    )
    message = UNSPLIT_PATHS.format(n=len(paths), paths=shown, no_segment=no_segment)
    return RowProblem(source, None, None if column is None else str(column), message, fatal=True)


# A stage is placed on a path when at least this many deals (with a stage history) or,
# from the deals file alone, deals of one channel show it: a stray row links nothing.
_MIN_PATH_DEALS = 2
# More stages than this and the paths are not looked for (the cliques would take long).
_MAX_PATH_STAGES = 30


def separate_paths(
    stages: pd.DataFrame | None, deals: pd.DataFrame | None, names: Sequence[str]
) -> list[list[str]]:
    """The separate stage paths the deals follow, each in the order of ``names``.

    Two stages are on one path when some deal's stage history holds both (or, with no
    history, some channel's deals are at both, ``_MIN_PATH_DEALS`` deals each); the paths
    are the maximal groups of stages all on one path with each other (maximal cliques,
    Bron and Kerbosch 1973). One funnel gives one path (a deal lost early holds fewer
    stages, but the deals that went on hold them all); three segments mixed in one file
    give three: "demo" and "onsite_demo" never meet on a deal. Stage ids as
    :func:`identifier` makes them; a single path (or none to tell) gives ``[names]``.
    """
    keys = list(names)
    if len(keys) < 2 or len(keys) > _MAX_PATH_STAGES:
        return [keys]
    groups: list[set[str]] = []
    if stages is not None and not stages.empty:
        hist = stages.dropna(subset=["stage"])
        ids = hist["stage"].map(lambda v: identifier(v, fallback=_FALLBACK_STAGE))
        groups = [set(g) for _, g in ids.groupby(hist["deal_id"])]
    elif deals is not None and "channel" in deals and deals["channel"].notna().any():
        staged = deals.dropna(subset=["stage", "channel"])
        ids = staged["stage"].map(lambda v: identifier(v, fallback=_FALLBACK_STAGE))
        pairs = pd.DataFrame({"channel": staged["channel"], "stage": ids})
        counts = pairs.value_counts()
        for _, g in counts[counts >= _MIN_PATH_DEALS].reset_index().groupby("channel"):
            groups.append(set(g["stage"]))
    seen = {k for g in groups for k in g}
    if not groups or not set(keys) <= seen:
        return [keys]
    meets: dict[str, set[str]] = {k: set() for k in keys}
    for group in groups:
        for k in group & set(keys):
            meets[k] |= group - {k}
    cliques: list[set[str]] = []

    def grow(inside: set[str], maybe: set[str], done: set[str]) -> None:
        if not maybe and not done:
            cliques.append(inside)
            return
        for k in sorted(maybe):
            grow(inside | {k}, maybe & meets[k], done & meets[k])
            maybe = maybe - {k}
            done = done | {k}

    grow(set(), set(keys), set())
    paths = [[k for k in keys if k in c] for c in cliques]
    return sorted(paths, key=lambda p: [keys.index(k) for k in p]) if len(paths) > 1 else [keys]


def _order_by_age(deals: pd.DataFrame, last: pd.Timestamp) -> tuple[list[str], str | None]:
    """The stages open and lost deals are at, ordered by the median age of their deals.

    A deal further down the funnel has been in it longer: an open deal's age is the
    records' last date less its created date, a lost deal's its closed less its created
    date (a lost deal's stage is where it was lost, so a stage only lost deals show still
    counts). Ties go by name. When every stage name starts with a number ("1
    Qualification", "02-Proposal"), the numbers give the order instead: the CRM's own.

    The ages are only read with at least MIN_ORDER_DEALS (20) open or lost deals at a
    stage and at least one of them lost: three deals order nothing, and open deals alone
    are as old as the day they came in, whatever their stage. Below that no order is
    inferred (an empty list, and why: the funnel is then one stage until ``--base`` or a
    stage history gives the order).
    """
    status = deals["status"]
    at = deals[status.isin([Status.OPEN.value, Status.LOST.value]) & deals["stage"].notna()]
    if at.empty:
        return [], None
    end = at["closed"].where(at["status"] == Status.LOST.value, last)
    age = (end - at["created"]).dt.days.astype(float)
    keys = at["stage"].map(lambda v: identifier(v, fallback=_FALLBACK_STAGE))
    numbers = at["stage"].astype(str).str.extract(_LEADING_NUMBER)[0].astype(float)
    table = pd.DataFrame({"key": keys, "age": age, "number": numbers})
    table = table[~table["key"].isin(_CLOSED_STAGE_NAMES)]
    if table.empty:
        return [], None
    by = table.groupby("key").agg(age=("age", "median"), number=("number", "min"))
    by["name"] = by.index
    if by["number"].notna().all():
        return list(by.sort_values(["number", "name"]).index), STAGE_ORDER_BY_NUMBER
    if len(by) == 1:
        return list(by.index), None
    lost = int((at.loc[table.index, "status"] == Status.LOST.value).sum())
    if len(table) < MIN_ORDER_DEALS:
        why = f"only {len(table)} open or lost deals at a stage (at least {MIN_ORDER_DEALS})"
        return [], STAGE_ORDER_REFUSED.format(why=why, stages=", ".join(by.index))
    if lost == 0:
        unstaged = int((status == Status.LOST.value).sum())
        # Say what is missing: lost deals there may be, but none says where it stopped.
        none = f": {counted(unstaged, 'lost deal')}, none with a stage" if unstaged else ""
        why = (
            f"no lost deal to order them by{none} (an open deal's age tells when it came "
            "in; a lost deal's stage, where deals stop)"
        )
        return [], STAGE_ORDER_REFUSED.format(why=why, stages=", ".join(by.index))
    return list(by.sort_values(["age", "name"]).index), STAGE_ORDER_BY_AGE


def _segment(
    records: Records,
    sid: str,
    channels: list[str],
    stages: list[str],
    *,
    sources: Sources,
    escalate: bool,
) -> dict[str, Any]:
    path = ("segments", sid)
    deals = _segment_deals(records, sid)
    win, win_source = _win_rate(deals)
    cycle, cycle_source = _cycle_days(deals)
    n = len(stages)
    convert = float(f"{win ** (1.0 / n):.4g}")
    delay = max(0.1, round(cycle / n, 1))
    seg: dict[str, Any] = {
        "type": "b2b_smb",
        "deal_value": _deal_value(deals, path, sources),
        "channels": list(dict.fromkeys(channels)),
        "stages": [],
    }
    sources[(*path, "type")] = "assumption: small and medium business deals"
    for name in stages:
        spath = (*path, "stages", name)
        seg["stages"].append(
            {
                "name": name,
                "work_min": _cite(sources, (*spath, "work_min"), d.STAGE_WORK_MIN),
                "client_delay_days": {"kind": "exponential", "mean": delay},
                "convert": convert,
            }
        )
        sources[(*spath, "client_delay_days")] = f"{cycle_source}, over {counted(n, 'stage')}"
        sources[(*spath, "convert")] = f"{win_source}, spread evenly over {counted(n, 'stage')}"
    if escalate:
        seg["escalation_rate"] = _cite(sources, (*path, "escalation_rate"), d.ESCALATION_RATE)
    seg["after_sale"] = {
        "payment_control_min": d.AFTER_SALE_PAYMENT_CONTROL_MIN.value,
        "handoff_min": d.AFTER_SALE_HANDOFF_MIN.value,
    }
    sources[(*path, "after_sale")] = "assumption: first invoice and hand-off to delivery"
    return seg


def _segment_deals(records: Records, sid: str) -> pd.DataFrame:
    deals = records.deals
    if deals is None or deals.empty:
        # Typed as the deals table is (calibrate.contract), so that date arithmetic on
        # no deals gives no days rather than an error.
        return pd.DataFrame(
            {
                "status": pd.Series(dtype=object),
                "created": pd.Series(dtype="datetime64[ns]"),
                "closed": pd.Series(dtype="datetime64[ns]"),
                "value": pd.Series(dtype=float),
            }
        )
    return deals[_deal_keys(deals, "segment", _FALLBACK_SEGMENT) == sid]


def _win_rate(deals: pd.DataFrame) -> tuple[float, str]:
    won = int((deals["status"] == Status.WON.value).sum())
    closed = won + int((deals["status"] == Status.LOST.value).sum())
    if closed < _MIN_CLOSED:
        return float(d.WIN_RATE.value), d.WIN_RATE.comment
    why = one_sided(won, closed - won)
    if why is not None:
        return float(d.WIN_RATE.value), f"{d.WIN_RATE.comment}; closed deals all of one outcome"
    # Kept off 0 and 1 so that every stage still passes some deals and loses some.
    rate = min(max(won / closed, 0.01), 0.99)
    return rate, f"records: {won} won of {closed} closed (open deals not counted)"


def _cycle_days(deals: pd.DataFrame) -> tuple[float, str]:
    won = deals[(deals["status"] == Status.WON.value)].dropna(subset=["created", "closed"])
    if len(won) < _MIN_WON:
        return float(d.SALES_CYCLE_DAYS.value), d.SALES_CYCLE_DAYS.comment
    days = (pd.to_datetime(won["closed"]) - pd.to_datetime(won["created"])).dt.days
    # Won the day they came in: the cycle is at least a day, as a stage delay must be > 0.
    mean = max(1.0, float(days.mean()))
    shown = format_number(float(days.mean()), 1)
    return mean, f"records: mean cycle {shown} days of {counted(len(days), 'won deal')}"


def _deal_value(deals: pd.DataFrame, path: tuple[str, ...], sources: Sources) -> float:
    values = deals.loc[deals["status"] == Status.WON.value, "value"].dropna()
    values = values[values > 0]
    if values.empty:
        return float(_cite(sources, (*path, "deal_value"), d.DEAL_VALUE))
    sources[(*path, "deal_value")] = f"records: mean value of {counted(len(values), 'won deal')}"
    return float(round(values.mean()))


# --- Calls, duties, plan and policies ---------------------------------------------------------


def _calls(sources: Sources) -> dict[str, Any]:
    fields: dict[str, d.Default[Any]] = {
        "no_answer_min": d.NO_ANSWER_MIN,
        "connect_no_conversation_min": d.CONNECT_NO_CONVERSATION_MIN,
        "conversation_min": d.CONVERSATION_MIN,
        "booking_call_min": d.BOOKING_CALL_MIN,
        "conversation_given_connect": d.CONVERSATION_GIVEN_CONNECT,
        "lead_given_conversation": d.LEAD_GIVEN_CONVERSATION,
        "follow_up_given_conversation": d.FOLLOW_UP_GIVEN_CONVERSATION,
        "follow_up_after_days": d.FOLLOW_UP_AFTER_DAYS,
    }
    return {key: _copy(_cite(sources, ("calls", key), dflt)) for key, dflt in fields.items()}


def _copy(value: Any) -> Any:
    # Defaults are shared module constants: the document gets its own dicts and lists.
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# (id, levels, default, per): DOMAIN.md's recurring duties with the published minutes.
_DUTIES: tuple[tuple[str, tuple[Level, ...], d.Default[float], str], ...] = (
    ("work_day_report", (Level.LINE, Level.LOWER), d.WORK_DAY_REPORT_MIN, "head_per_day"),
    ("training", (Level.LINE, Level.LOWER), d.TRAINING_MIN_PER_WEEK, "head_per_week"),
    (
        "team_meeting",
        (Level.LINE, Level.LOWER, Level.MIDDLE),
        d.TEAM_MEETING_MIN_PER_WEEK,
        "head_per_week",
    ),
    ("coaching", (Level.LOWER,), d.COACHING_MIN_PER_REPORT_WEEK, "report_per_week"),
    (
        "pipeline_and_forecast_review",
        (Level.LOWER, Level.MIDDLE),
        d.PIPELINE_REVIEW_MIN_PER_WEEK,
        "head_per_week",
    ),
    ("planning", (Level.MIDDLE, Level.TOP), d.PLANNING_MIN_PER_WEEK, "head_per_week"),
    ("escalation", (Level.LOWER, Level.MIDDLE), d.ESCALATION_MIN, "escalation"),
)


def _duties(present: set[Level], sources: Sources) -> dict[str, dict[str, Any]]:
    duties: dict[str, dict[str, Any]] = {}
    for did, levels, dflt, per in _DUTIES:
        allowed = [lv.value for lv in levels if lv in present]
        if allowed:
            minutes = _cite(sources, ("duties", did), dflt)
            duties[did] = {"levels": allowed, "minutes": minutes, "per": per}
    return duties


def _plan(
    segments: dict[str, dict[str, Any]],
    *,
    plan_per_month: float | None,
    sources: Sources,
) -> dict[str, Any]:
    """The plan: ``plan_per_month``, else a deal a month a segment as a placeholder.

    The records' own revenue replaces the placeholder as a fit (calibrate.own_plan, the one
    rule shared with the report's "now"), when they hold enough won deals.
    """
    confidence = _cite(sources, ("plan", "confidence"), d.PLAN_CONFIDENCE)
    if plan_per_month is not None:
        if not (math.isfinite(plan_per_month) and plan_per_month > 0):
            raise ValueError(
                f"plan_per_month {plan_per_month:g}: expected a revenue a month above 0, "
                "in the scenario's currency"
            )
        sources[("plan", "revenue_per_month")] = "given: the plan a month"
        return {"revenue_per_month": round(plan_per_month), "confidence": confidence}
    sources[("plan", "revenue_per_month")] = (
        "assumption: no plan given: a deal a month a segment (give --plan)"
    )
    total = sum(float(s["deal_value"]) for s in segments.values())
    return {"revenue_per_month": round(total), "confidence": confidence}


def _policies(outbound: bool, sources: Sources) -> dict[str, Any]:
    if outbound:
        quota = _cite(sources, ("policies", "call_quota_per_day"), d.CALL_QUOTA_PER_DAY)
        most = _cite(sources, ("policies", "max_calls_per_day"), d.MAX_CALLS_PER_DAY)
    else:
        quota = most = 0
        sources[("policies", "call_quota_per_day")] = "records: no dials logged"
    return {
        "call_quota_per_day": quota,
        "max_calls_per_day": most,
        "occupancy_cap": _cite(sources, ("policies", "occupancy_cap"), d.OCCUPANCY_CAP),
        "overtime_max_min_per_day": _cite(
            sources, ("policies", "overtime_max_min_per_day"), d.OVERTIME_MAX_MIN_PER_DAY
        ),
    }


def records_with_ids(records: Records) -> Records:
    """The records with segments, channels and stages named as :func:`skeleton` names them.

    The fits look deals' segments, channels and stages up in the base scenario by id; a
    skeleton's ids are made from the records' names ("Mid Market" -> "mid_market"), and a
    deal with no segment or channel is in the skeleton's "main" segment and "leads"
    channel, dials with no channel on "cold_list"; a team file's titles are role ids. So,
    on a skeleton, fit these records. Statuses (won, lost, open) are left as they are.
    """
    deals, stages, acts, team = records.deals, records.stages, records.activities, records.team
    if deals is not None:
        deals = deals.copy()
        deals["segment"] = _deal_keys(deals, "segment", _FALLBACK_SEGMENT)
        deals["channel"] = _deal_keys(deals, "channel", _FALLBACK_CHANNEL)
        deals["stage"] = deals["stage"].map(_stage_id)
    if stages is not None:
        stages = stages.copy()
        stages["stage"] = stages["stage"].map(_stage_id)
    if acts is not None:
        acts = acts.copy()
        dials = acts["kind"] == ActivityKind.DIAL.value
        named = acts["channel"].map(_stage_id)
        acts["channel"] = named.where(~(dials & named.isna()), _UNNAMED_DIALS)
    if team is not None:
        team = team.copy()
        team["role"] = team["role"].map(
            lambda v: "staff" if v is None or pd.isna(v) else identifier(v, fallback="staff")
        )
    return replace(records, deals=deals, stages=stages, activities=acts, team=team)


def _stage_id(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return identifier(value, fallback=_FALLBACK_STAGE)
