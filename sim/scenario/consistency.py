"""Checks across fields that no single field can make: references, the tree, the day's time.

Each check yields problems with the field path they are about, so that the loader can
point at the line in the file.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeGuard

from sim.errors import Problem, dotted
from sim.percent import format_number, format_significant
from sim.scenario.base import ID_PATTERN, Level
from sim.scenario.market import (
    OUTBOUND_KINDS,
    Channel,
    ColdChannel,
    InboundChannel,
    ReferralChannel,
    WarmChannel,
)
from sim.scenario.season import MONTH_ABBR, SeasonKind
from sim.scenario.unit_checks import raw_unit_references, unit_problems
from sim.scenario.work import PER_HEAD_SCALES, DutyScale
from sim.words import noun_for

if TYPE_CHECKING:
    from sim.scenario.model import Scenario


def check_all(sc: Scenario) -> list[Problem]:
    """Every cross-field problem of a scenario whose fields are each valid."""
    checks = (
        _references,
        _reporting_tree,
        _personas,
        _segments,
        _channels_used,
        _approvals_and_escalations,
        _duties,
        _day_covers_duties,
        _days_away,
        _quotas,
        _someone_sells,
        _arriving_leads_owned,
        _staffing,
        _seasonal_connect_within_one,
        _profiles,
        _pause_windows,
        _rota_holds_desk,
        _one_queue_one_rule,
        unit_problems,
    )
    return [problem for check in checks for problem in check(sc)]


def raw_references(data: dict[str, Any]) -> list[Problem]:
    """The reference checks of :func:`check_all`, on a raw mapping whose fields failed.

    When a field is invalid the typed model is never built, so the cross-field checks
    cannot run on it; these read the raw YAML mapping instead, so that an unknown role,
    segment, channel or persona is reported together with the field errors ("every
    problem at once"). Parts that are not the expected shape (a role that is not a
    mapping, a reference that is not text) are skipped: their field errors say why.
    Same paths and messages as the typed checks.
    """
    roles, channels, segments, personas = (
        _mapping(data.get(k)) for k in ("roles", "channels", "segments", "personas")
    )
    found: list[Problem] = []
    for rid, role in roles.items():
        if not isinstance(role, dict):
            continue
        path = ("roles", rid)
        for field in ("reports_to", "deputy"):
            ref = role.get(field)
            if _is_id(ref) and ref not in roles:
                found.append(Problem((*path, field), _unknown("role", ref, list(roles))))
        for field, known, kind in (("segments", segments, "segment"),
                                   ("channels", channels, "channel")):  # fmt: skip
            refs = role.get(field)
            for i, ref in enumerate(refs if isinstance(refs, list) else []):
                if _is_id(ref) and ref not in known:
                    found.append(Problem((*path, field, i), _unknown(kind, ref, list(known))))
        shares = role.get("personas")
        for pid in shares if isinstance(shares, dict) else {}:
            if _is_id(pid) and pid not in personas:
                found.append(
                    Problem((*path, "personas", pid), _unknown("persona", pid, list(personas)))
                )
        found += _raw_staffing_references(role, path, roles, personas)
    found += raw_unit_references(data, roles)
    for sid, seg in segments.items():
        refs = seg.get("channels") if isinstance(seg, dict) else None
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            if _is_id(ref) and ref not in channels:
                found.append(
                    Problem(
                        ("segments", sid, "channels", i), _unknown("channel", ref, list(channels))
                    )
                )
    return found


def _raw_staffing_references(
    role: dict[str, Any], path: tuple[str, str], roles: dict[str, Any], personas: dict[str, Any]
) -> list[Problem]:
    """The raw twin of :func:`_staffing`'s references: handover, successors' roles, personas.

    Whether a successor's number exists needs the typed headcounts and joiners, so only
    the role part of a successor is checked here.
    """
    found: list[Problem] = []
    ref = role.get("handover")
    if _is_id(ref) and ref not in roles:
        found.append(Problem((*path, "handover"), _unknown("role", ref, list(roles))))
    staff = role.get("staff")
    for i, member in enumerate(staff if isinstance(staff, list) else []):
        if not isinstance(member, dict):
            continue
        successor = member.get("successor")
        if isinstance(successor, str) and (msg := _successor_role(successor, list(roles))):
            found.append(Problem((*path, "staff", i, "successor"), msg))
        pid = member.get("persona")
        if _is_id(pid) and pid not in personas:
            found.append(
                Problem((*path, "staff", i, "persona"), _unknown("persona", pid, list(personas)))
            )
    return found


def _successor_role(ref: str, roles: list[str]) -> str | None:
    """The problem with a successor's role part (a role id, or a person id's prefix)."""
    role_id, dot, number = ref.rpartition(".")
    if not dot:
        if _is_id(ref) and ref not in roles:
            example = f"{roles[0]}.01" if roles else "client_manager.03"
            return f"{_unknown('role', ref, roles)}; or a person id such as {example}"
        return None
    if _is_id(role_id) and number.isdigit() and role_id not in roles:
        return f"no person {ref!r}: {_unknown('role', role_id, roles)}"
    return None


def _mapping(value: Any) -> dict[str, Any]:
    """A raw section's entries with valid ids (an absent or misshapen section: empty).

    An entry whose id is not one has its own field error; it is no target to refer to.
    """
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if _is_id(k)}


def _is_id(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and re.fullmatch(ID_PATTERN, value) is not None


def _unknown(kind: str, value: str, known: list[str]) -> str:
    return f"unknown {kind} {value!r}; expected one of: {', '.join(sorted(known)) or '(none)'}"


def _references(sc: Scenario) -> Iterator[Problem]:
    roles, channels, segments = list(sc.roles), list(sc.channels), list(sc.segments)
    for rid, role in sc.roles.items():
        path = ("roles", rid)
        for field, ref in (("reports_to", role.reports_to), ("deputy", role.deputy)):
            if ref is not None and ref not in sc.roles:
                yield Problem((*path, field), _unknown("role", ref, roles))
            elif ref == rid and field == "reports_to":
                # A deputy may be a peer in the same role; a manager may not be oneself.
                yield Problem((*path, field), "a role cannot report to itself")
        for i, sid in enumerate(role.segments or []):
            if sid not in sc.segments:
                yield Problem((*path, "segments", i), _unknown("segment", sid, segments))
        for i, ch in enumerate(role.channels or []):
            if ch not in sc.channels:
                yield Problem((*path, "channels", i), _unknown("channel", ch, channels))
    for sid, seg in sc.segments.items():
        for i, ch in enumerate(seg.channels):
            if ch not in sc.channels:
                yield Problem(("segments", sid, "channels", i), _unknown("channel", ch, channels))


def _reporting_tree(sc: Scenario) -> Iterator[Problem]:
    for rid, role in sc.roles.items():
        boss = sc.roles.get(role.reports_to or "")
        if boss is not None and role.reports_to != rid and boss.level.rank <= role.level.rank:
            yield Problem(
                ("roles", rid, "reports_to"),
                f"a {role.level.value} role must report to a more senior level, "
                f"but {role.reports_to!r} is {boss.level.value}",
            )
        if role.max_span is not None and role.level is Level.LINE:
            yield Problem(("roles", rid, "max_span"), "line roles have no reports; remove it")


def _personas(sc: Scenario) -> Iterator[Problem]:
    for rid, role in sc.roles.items():
        for pid in role.personas:
            if pid not in sc.personas:
                yield Problem(
                    ("roles", rid, "personas", pid), _unknown("persona", pid, list(sc.personas))
                )
        total = sum(role.personas.values())
        if role.personas and abs(total - 1.0) > 1e-6:
            yield Problem(("roles", rid, "personas"), f"shares must sum to 1, got {total:g}")


def _segments(sc: Scenario) -> Iterator[Problem]:
    for sid, seg in sc.segments.items():
        if seg.escalation_rate > 0 and not sc.roles_at(seg.escalation_level):
            yield Problem(
                ("segments", sid, "escalation_level"),
                f"no role at level {seg.escalation_level.value} to handle escalations",
            )
        if isinstance(seg.lead_weight, dict):
            for cid in seg.lead_weight:
                if cid not in seg.channels:
                    yield Problem(
                        ("segments", sid, "lead_weight", cid),
                        f"'{cid}' is not one of this segment's channels "
                        f"({', '.join(seg.channels)}): a weight by channel names them",
                    )
        for i, stage in enumerate(seg.stages):
            if stage.approval is not None and not sc.roles_at(stage.approval):
                yield Problem(
                    ("segments", sid, "stages", i, "approval"),
                    f"no role at level {stage.approval.value} to approve",
                )


def _channels_used(sc: Scenario) -> Iterator[Problem]:
    fed = {ch for seg in sc.segments.values() for ch in seg.channels}
    for cid, ch in sc.channels.items():
        needs_segment = not isinstance(ch, InboundChannel) or ch.lead_share > 0
        if needs_segment and cid not in fed:
            yield Problem(("channels", cid), "feeds no segment; list it in a segment's channels")
    if any(ch.kind in OUTBOUND_KINDS for ch in sc.channels.values()) and sc.calls is None:
        yield Problem(("calls",), "outbound channels need a calls section (call durations)")


def _approvals_and_escalations(sc: Scenario) -> Iterator[Problem]:
    needed = {
        DutyScale.APPROVAL: {
            st.approval for seg in sc.segments.values() for st in seg.stages if st.approval
        },
        DutyScale.ESCALATION: {
            seg.escalation_level for seg in sc.segments.values() if seg.escalation_rate > 0
        },
    }
    for scale, levels in needed.items():
        covered = {lv for d in sc.duties.values() if d.per is scale for lv in d.levels}
        # A level with no role at all is reported by _segments; say it once.
        staffed = {lv for lv in levels if sc.roles_at(lv)}
        for level in sorted(staffed - covered, key=lambda lv: lv.rank):
            yield Problem(
                ("duties",),
                f"a segment needs {scale.value}s at level {level.value}, but no duty with "
                f"per: {scale.value} lists that level (it gives the minutes each takes)",
            )


def _duties(sc: Scenario) -> Iterator[Problem]:
    for did, duty in sc.duties.items():
        for i, rid in enumerate(duty.roles or []):
            role = sc.roles.get(rid)
            if role is None:
                yield Problem(("duties", did, "roles", i), _unknown("role", rid, list(sc.roles)))
            elif role.level not in duty.levels:
                yield Problem(
                    ("duties", did, "roles", i),
                    f"role {rid!r} is {role.level.value}, not one of the duty's levels",
                )
        if not sc.duty_roles(did):
            levels = ", ".join(lv.value for lv in duty.levels)
            yield Problem(("duties", did, "levels"), f"no role at any of these levels: {levels}")


def _day_covers_duties(sc: Scenario) -> Iterator[Problem]:
    from sim.rules.duties import minutes_per_day  # the rules read the finished model

    available = sc.calendar.workday.available_min
    for rid in sc.roles:
        reports = sc.reports_per_head(rid)
        load = sum(
            minutes_per_day(sc, d, reports)
            for did, d in sc.duties.items()
            if rid in sc.duty_roles(did)
            and (d.per in PER_HEAD_SCALES or d.per is DutyScale.REPORT_PER_WEEK)
        )
        if load > available:
            yield Problem(
                ("roles", rid),
                f"recurring duties take {format_number(load, 0, locale=sc.money_locale)} min "
                "a day but a working day has "
                f"{format_number(available, 0, locale=sc.money_locale)} min (hours less breaks)",
            )


def _days_away(sc: Scenario) -> Iterator[Problem]:
    year = sc.calendar.working_days_per_year
    for rid, role in sc.roles.items():
        away = role.absence.total_days
        if role.headcount.max > 0 and away >= year:
            yield Problem(
                ("roles", rid, "absence"),
                f"{away:g} days away a year leave no day at work in the calendar's year of "
                f"{format_number(year, 0, locale=sc.money_locale)} working days",
            )


def _quotas(sc: Scenario) -> Iterator[Problem]:
    cap = sc.policies.max_calls_per_day
    for rid, role in sc.roles.items():
        # A person dials at most selling_share x max_calls_per_day (sim.rules.people).
        most = cap * role.sells
        share = "" if role.sells >= 1 else f"{role.sells:g} selling share x "
        quotas: list[tuple[tuple[str, ...], int | None]] = [
            (("call_quota_per_day",), role.call_quota_per_day)
        ]
        quotas += [(("call_quota_by_month", m), q) for m, q in role.call_quota_by_month.items()]
        for field, quota in quotas:
            if quota is not None and quota > most + 1e-9:
                yield Problem(
                    ("roles", rid, *field),
                    f"{quota} exceeds {share}policies.max_calls_per_day "
                    f"({format_significant(most, 6, locale=sc.money_locale)} dials a day)",
                )
        yield from _quota_months(sc, rid)


QUOTA_MONTHS_AROUND = 12  # months either side of the horizon a month's quota may name


def _quota_months(sc: Scenario, role_id: str) -> Iterator[Problem]:
    """A month's quota names a month within a year of the horizon (else a slip: never read)."""
    months = sc.roles[role_id].call_quota_by_month
    if not months:
        return
    first, last = (sc.calendar_month(k) for k in (0, sc.months[-1]))
    lo, hi = (y * 12 + m - 1 for y, m in (first, last))
    span = f"{sc.month_label(0)} to {sc.month_label(sc.months[-1])}"
    for label in months:
        year, month = (int(x) for x in label.split("-"))
        at = year * 12 + month - 1
        if not lo - QUOTA_MONTHS_AROUND <= at <= hi + QUOTA_MONTHS_AROUND:
            yield Problem(
                ("roles", role_id, "call_quota_by_month", label),
                f"{label} is more than {QUOTA_MONTHS_AROUND} months from the horizon ({span}): "
                "a quota there is never read; expected a month of the horizon (a wrong year?)",
            )


def _someone_sells(sc: Scenario) -> Iterator[Problem]:
    if sc.segments and not any(r.sells > 0 for r in sc.roles.values()):
        yield Problem(("roles",), _no_seller(sc))
    if any(isinstance(c, InboundChannel) for c in sc.channels.values()) and not any(
        r.answers_inbound for r in sc.roles.values()
    ):
        yield Problem(("roles",), "there are inbound requests but no role answers them")


def _no_seller(sc: Scenario) -> str:
    """Segments and nobody to sell them: the field that makes a role sell (Role.sells)."""
    line = [rid for rid, r in sc.roles.items() if r.level is Level.LINE]
    if line:
        # Line roles sell by default: these wrote selling_share 0.
        n = len(line)
        has = noun_for(n, "has", "have")
        zero = f"the {Level.LINE.value} {noun_for(n, 'role')} {', '.join(line)} {has} 0"
        return (
            "there are segments but no role sells them: give a role a selling_share above 0 "
            f"({zero}; 1 is a full seller, 0.33 one who sells a third of the time)"
        )
    return (
        "there are segments but no role sells them: give the sellers' role "
        f"level: {Level.LINE.value} (line roles sell by default), or a manager's role a "
        "selling_share above 0 (0.33 for a team lead who sells a third of the time)"
    )


def _arriving_leads_owned(sc: Scenario) -> Iterator[Problem]:
    """Every segment fed by a channel whose leads arrive by themselves has a seller.

    Such a lead's segment is drawn first, in the channel's mix, and its owner among the
    sellers of that segment (sim.rules.deals.lead_segments): a segment no role sells
    would lose its share of the channel's leads. A dialled lead is of a segment its
    dialler sells, so an outbound channel loses none.
    """
    from sim.rules.deals import segments_sold  # the rules read the finished model
    from sim.rules.reach import lead_owner_roles

    sold = {rid: segments_sold(sc, rid) for rid in sc.roles}
    for cid, ch in sc.channels.items():
        brings = ch.leads_per_week if isinstance(ch, ReferralChannel) else 0.0
        if isinstance(ch, InboundChannel):
            brings = ch.requests_per_day * ch.lead_share
        if brings <= 0:
            continue
        fed = [sid for sid, seg in sc.segments.items() if cid in seg.channels]
        sellers = [
            f"{rid} ({', '.join(s for s in mine if s in fed)})"
            for rid, mine in sold.items()
            if any(s in fed for s in mine)
        ]
        for sid in fed:
            if ch.unit is not None and sc.units and any(sid in m for m in sold.values()):
                if not lead_owner_roles(sc, cid, sid) and ch.unit in sc.units:
                    yield Problem(("channels", cid, "unit"), _no_seller_in_unit(cid, ch, sid))
                continue
            if any(sid in mine for mine in sold.values()):
                continue
            yield Problem(
                ("segments", sid, "channels", sc.segments[sid].channels.index(cid)),
                f"no role sells {sid!r}, but {cid!r} ({ch.kind}) feeds it: a lead of "
                f"{cid!r} has its segment drawn first, by lead_weight, then its owner among "
                f"the segment's sellers, so its {sid!r} leads would be lost (the roles "
                f"selling the segments {cid!r} feeds: {', '.join(sellers) or 'none'}); add "
                f"{sid!r} to a selling role's segments, or remove {cid!r} from this list",
            )


def _no_seller_in_unit(cid: str, ch: Channel, sid: str) -> str:
    return (
        f"no role of unit {ch.unit!r} or the units under it sells {sid!r}, but {cid!r} "
        f"({ch.kind}) brings {sid!r} leads there: a lead that arrives by itself goes to a "
        f"seller the channel's unit reaches, so they would be lost; add {sid!r} to a "
        f"selling role's segments there, or give the channel another unit"
    )


def _staffing(sc: Scenario) -> Iterator[Problem]:
    """A role's staff, joiners, attrition and handover: each date, count and reference.

    Person ids and seats are ``sim.rules.staffing.seats`` (one rule, read here and by
    the engines). Messages: docs/dev/hiring_plan.md, section 2.1.
    """
    from sim.rules import staffing  # the rules read the finished model

    start = sc.calendar.start
    for rid, role in sc.roles.items():
        path = ("roles", rid)
        attrition = role.attrition
        if attrition is not None:
            if attrition.rate_per_year is not None and attrition.leavers_per_year is not None:
                yield Problem(
                    (*path, "attrition"),
                    "give rate_per_year (a share of the people) or leavers_per_year "
                    "(a count), not both",
                )
            # A count, not the field's presence: a scenario dumped and validated again
            # (apply_plan, the verify loop's copies) sets every field, 0 included.
            if staffing.legacy_leavers_per_year(role) > 0:
                yield Problem(
                    (*path, "ramp", "new_hires_per_year"),
                    "attrition is given: drop ramp.new_hires_per_year (older files' name "
                    "for attrition.leavers_per_year with no vacancy)",
                )
            fill = staffing.fill_days(sc, rid)
            horizon = sc.calendar.horizon_days
            if fill > horizon:
                yield Problem(
                    (*path, "attrition", "time_to_fill_days"),
                    f"{attrition.time_to_fill_days:g} calendar days (about "
                    f"{format_number(fill, 0, locale=sc.money_locale)} working days) is longer "
                    f"than the horizon ({horizon} working days): a seat left "
                    "would never be filled; shorten it or lengthen calendar.horizon_days",
                )
        current = role.headcount.current
        if len(role.staff) > current:
            yield Problem(
                (*path, "staff"),
                f"{len(role.staff)} people listed; headcount.current is {current}: list at "
                "most the people in seat now",
            )
        for i, member in enumerate(role.staff):
            here = (*path, "staff", i)
            if member.start is not None and member.start > start:
                yield Problem(
                    (*here, "start"),
                    f"{member.start} is after calendar.start {start}: a person in seat now "
                    f"started on or before it; a later start is a joiner (roles.{rid}.joiners)",
                )
            if member.leaves is not None:
                if member.start is not None and member.leaves < member.start:
                    yield Problem((*here, "leaves"), _leaves_first(member.leaves, member.start))
                elif member.leaves < start:
                    yield Problem(
                        (*here, "leaves"),
                        f"leaves {member.leaves} before calendar.start {start}: a person in "
                        "seat now leaves on or after it",
                    )
            if member.persona is not None and member.persona not in sc.personas:
                yield Problem(
                    (*here, "persona"), _unknown("persona", member.persona, list(sc.personas))
                )
        for i, joiner in enumerate(role.joiners):
            if joiner.leaves is not None and joiner.leaves < joiner.start:
                yield Problem(
                    (*path, "joiners", i, "leaves"), _leaves_first(joiner.leaves, joiner.start)
                )
        if role.handover is not None:
            if role.handover not in sc.roles:
                yield Problem((*path, "handover"), _unknown("role", role.handover, list(sc.roles)))
            elif none := _sells_none(sc, role.handover, rid):
                yield Problem((*path, "handover"), none)
        yield from _successors(sc, rid)
        yield from _joiners_within_max(sc, rid)


def _leaves_first(leaves: object, starts: object) -> str:
    return f"leaves {leaves} before starting {starts}: a person leaves after joining"


def _successors(sc: Scenario, role_id: str) -> Iterator[Problem]:
    """Each named successor exists, is in seat on the leaver's last day, and sells alike."""
    from sim.rules import staffing

    role = sc.roles[role_id]
    own = staffing.seats(sc, role_id)
    # Entries past headcount.current are no one's (reported by _staffing).
    for i, member in enumerate(role.staff[: role.headcount.current]):
        ref = member.successor
        if ref is None:
            continue
        where = ("roles", role_id, "staff", i, "successor")
        if problem := _successor_role(ref, list(sc.roles)):
            yield Problem(where, problem)
            continue
        if "." not in ref:  # a role: whoever of it is in seat
            if none := _sells_none(sc, ref, role_id):
                yield Problem(where, none)
            continue
        seat = staffing.find_seat(sc, ref)
        if seat is None:
            other = ref.rpartition(".")[0]
            ids = staffing.person_ids(sc, other)
            has = f"{ids[0]} to {ids[-1]}" if ids else "nobody"
            yield Problem(
                where,
                f"no person {ref!r}: {other} has {has} (joiners included); name a person id "
                "or a role id",
            )
            continue
        me = own[i]
        if seat.person == me.person:
            yield Problem(where, f"{ref} is this person: name someone else, or a role")
            continue
        leaves = member.leaves
        if leaves is not None and seat.first_day > leaves:
            yield Problem(
                where,
                f"{ref} joins {seat.first_day}, after {me.person} leaves {leaves}: name "
                "someone in seat that day, or a role",
            )
        elif leaves is not None and seat.last_day is not None and seat.last_day < leaves:
            yield Problem(
                where,
                f"{ref} leaves {seat.last_day}, before {me.person} leaves {leaves}: name "
                "someone in seat that day, or a role",
            )
        elif none := _sells_none(sc, ref.rpartition(".")[0], role_id, who=ref):
            yield Problem(where, none)


def _sells_none(sc: Scenario, taker: str, role_id: str, who: str = "") -> str | None:
    """Why role ``taker`` cannot take ``role_id``'s deals (None when it can).

    It sells none of them when it sells nothing (selling share 0) or when its segments
    and the role's have none in common.
    """
    mine = _segments_sold(sc, role_id)
    theirs = set(_segments_sold(sc, taker)) if sc.roles[taker].sells > 0 else set()
    if not mine or theirs & set(mine):
        return None
    return f"{who or taker} sells none of {role_id}'s segments ({', '.join(mine)})"


def _segments_sold(sc: Scenario, role_id: str) -> list[str]:
    segments = sc.roles[role_id].segments
    return list(sc.segments) if segments is None else list(segments)


def _joiners_within_max(sc: Scenario, role_id: str) -> Iterator[Problem]:
    """On no joiner's first day are more people in seat than ``headcount.max``."""
    from sim.rules import staffing

    role = sc.roles[role_id]
    if not role.joiners:
        return
    current, most = role.headcount.current, role.headcount.max
    every = staffing.seats(sc, role_id)
    for day in sorted({j.start for j in role.joiners}):
        present = [
            s for s in every if s.first_day <= day and (s.last_day is None or s.last_day >= day)
        ]
        in_seat = sum(1 for s in present if s.index < current)
        joining = len(present) - in_seat
        if len(present) > most:
            yield Problem(
                ("roles", role_id, "joiners"),
                f"{in_seat} in seat + {joining} joining by {day:%Y-%m} exceeds "
                f"headcount.max {most}",
            )
            return


def _seasonal_connect_within_one(sc: Scenario) -> Iterator[Problem]:
    """Every outbound channel's connect rate x the largest connect factor is at most 1.

    A connect rate is a probability: the seasonal factor of a month may raise it, not past
    one (docs/dev/hiring_plan.md, section 2.2).
    """
    if sc.seasonality is None:
        return
    factors = sc.seasonality.factors(SeasonKind.CONNECT_RATE)
    most = max(factors)
    index = factors.index(most)
    month = "every month" if len(factors) == 1 else MONTH_ABBR[index]
    path = ("seasonality", SeasonKind.CONNECT_RATE.value)
    for cid, ch in sc.channels.items():
        if not isinstance(ch, WarmChannel | ColdChannel):
            continue
        rate = ch.connect_rate
        if rate * most > 1.0:
            yield Problem(
                path if len(factors) == 1 else (*path, index),
                f"channels.{cid}.connect_rate {rate!r} x {dotted(path)} ({month}) {most!r} "
                f"= {rate * most:.6g} exceeds 1",
            )


def _profiles(sc: Scenario) -> Iterator[Problem]:
    """Each arrival profile fits the day and the week (docs/dev/inbound_plan.md, 2.2).

    One weight per interval of the day (``sim.rules.profile.intervals``, the one count
    rule), weights only on a desk open all day (``sim.rules.day.desk_open_all_day``),
    weekday factors only for working days.
    """
    from sim.rules.day import common_pause_wall, desk_open_all_day, wall_time
    from sim.rules.profile import interval_title, intervals

    for cid, ch in sc.channels.items():
        if not isinstance(ch, InboundChannel) or ch.profile is None:
            continue
        path, profile = ("channels", cid, "profile"), ch.profile
        if profile.weights is not None:
            grid = intervals(sc, cid)
            if len(profile.weights) != len(grid):
                day = interval_title(sc, replace(grid[0], hi_min=grid[-1].hi_min))
                short = grid[-1].minutes < profile.interval_min
                last = f", the last {format_significant(grid[-1].minutes, 3)}" if short else ""
                yield Problem(
                    (*path, "weights"),
                    f"expected {len(grid)} weights, one per {profile.interval_min}-minute "
                    f"interval of {day}{last}; got {len(profile.weights)}",
                )
            if not desk_open_all_day(sc):
                begin, end = common_pause_wall(sc)
                yield Problem(
                    (*path, "weights"),
                    "a profile spreads requests over the open day; with everyone pausing "
                    f"together nobody answers {wall_time(begin)}-{wall_time(end)}: set "
                    "calendar.workday.pause_rule: rota, or lunch_min and breaks_min to 0",
                )
        worked = sc.calendar.weekdays
        for day in profile.by_weekday:
            if day not in worked:
                days = ", ".join(d.value for d in worked)
                yield Problem(
                    (*path, "by_weekday", day.value),
                    f"{day.value} is not a working day (calendar.weekdays: {days})",
                )


def _pause_windows(sc: Scenario) -> Iterator[Problem]:
    """Each written pause's window lies inside the working day and overlaps no other's.

    Placed at the pause's own ``window`` (its line in the file), the later of two that
    overlap.
    """
    from sim.rules.day import wall_time  # the rules read the finished model

    day = sc.calendar.workday
    if day.pauses is None:
        return
    lo, hi = day.start_min, day.start_min + day.span_min
    for i, pause in enumerate(day.pauses):
        if pause.window_min < lo or pause.window_max > hi:
            yield Problem(
                ("calendar", "workday", "pauses", i, "window"),
                f"{pause.window[0]}-{pause.window[1]} is outside the working day "
                f"{wall_time(lo)}-{wall_time(hi)} (start plus hours plus lunch)",
            )
    ordered = sorted(enumerate(day.pauses), key=lambda ip: ip[1].window_min)
    for (i, a), (j, b) in itertools.pairwise(ordered):
        if b.window_min < a.window_max:
            yield Problem(
                ("calendar", "workday", "pauses", j, "window"),
                f"{b.window[0]}-{b.window[1]} overlaps pauses[{i}].window "
                f"{a.window[0]}-{a.window[1]}: each pause needs a window of its own",
            )


def _rota_holds_desk(sc: Scenario) -> Iterator[Problem]:
    """Each pause's slots hold the desk's answerers within its ``most_away`` (issue 13).

    The answerers are every seat of the roles that answer a desk's requests (people now
    and joiners, ``sim.rules.staffing.seats``), as the simulator's desk has them; a
    network's desks each keep a rota (``sim.rules.service.answer_groups``).
    """
    from sim.rules import rota, staffing  # the rules read the finished model
    from sim.rules.service import answer_groups

    day = sc.calendar.workday
    if day.pauses is None or not any(p.most_away for p in day.pauses):
        return
    # Each desk keeps its own rota (a network's desks by unit): the largest must fit.
    people = max(
        (sum(len(staffing.seats(sc, rid)) for rid in group) for group in answer_groups(sc)),
        default=0,
    )
    for i, pause in enumerate(rota.pauses(sc)):
        need = rota.most_away_needed(pause, day, people)
        if pause.most_away is None or need <= pause.most_away:
            continue
        count = len(rota.slots(pause, day))
        end = pause.window_min + math.ceil(people / pause.most_away) * pause.minutes
        widen = (
            f"widen the window to {int(end // 60):02d}:{int(end % 60):02d} or "
            if end <= day.start_min + day.span_min
            else ""
        )
        yield Problem(
            ("calendar", "workday", "pauses", i, "most_away"),
            f"{pause.kind.value}: {people} answerers over {count} slots of "
            f"{format_significant(pause.minutes, 6)} "
            f"min need {need} away at once; most_away is {pause.most_away}: {widen}allow "
            f"{need}",
        )


def _one_queue_one_rule(sc: Scenario) -> Iterator[Problem]:
    """Channels answered by the same people (one queue) share patience and lines rules.

    sim.rules.service sizes a desk by one closed form: its channels have patience all or
    none (``desk_patience``), and lines or a waiting room only on a desk of one channel
    (``desk_limits``). Checked here so that validate and simulate say what plan would.
    """
    from sim.rules.service import DeskRuleError, desk_groups, desk_limits, desk_patience

    for cids in desk_groups(sc).values():
        for rule in (desk_patience, desk_limits):
            try:
                rule(sc, tuple(cids))
            except DeskRuleError as exc:
                yield Problem(("channels", exc.channel), exc.reason)
