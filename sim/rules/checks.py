"""Things a valid scenario allows but that are likely mistakes, said before anything runs.

Each is a (field path, message) pair that the front door places on its line, as errors
are. They are warnings, not errors: a plan may still size the missing people.
"""

from __future__ import annotations

from sim.errors import PathPart
from sim.rules.people import span_warnings
from sim.rules.staffing import staffing_warnings
from sim.rules.unit_plan import plan_warnings
from sim.scenario import JudgedOn, Level, Scenario

Warning = tuple[tuple[PathPart, ...], str]


def rule_warnings(sc: Scenario) -> list[Warning]:
    """Every warning: spans, approvers, counting, sellers, staffing, rota, desks, units."""
    found = [*span_warnings(sc), *approver_warnings(sc), *counting_warnings(sc)]
    found += [*seller_warnings(sc), *staffing_warnings(sc), *rota_warnings(sc)]
    return found + desk_warnings(sc) + template_warnings(sc) + plan_warnings(sc)


def template_warnings(sc: Scenario) -> list[Warning]:
    """A template no unit names: it makes nothing, which a file rarely means.

    A scenario keeps only such templates (the others are made into roles and channels
    before validation, sim.scenario.templates); said at the template's line.
    """
    return [
        (
            ("templates", tid),
            f"no unit uses template {tid!r}, so it makes no roles or channels: name it in a "
            f"unit (template: {tid}), or remove it",
        )
        for tid in sc.templates
    ]


def desk_warnings(sc: Scenario) -> list[Warning]:
    """An inbound desk with nobody on it: its answering roles have no seat, now or to come.

    The simulator plays the roster as it is, so the desk's requests wait unanswered (a
    unit's desk in a network most often: a branch's advisors set to 0); plan may still
    staff it within headcount.max. Said before anything runs, at the channel's line.
    """
    from sim.rules.service import desk_groups
    from sim.rules.staffing import seats

    found: list[Warning] = []
    for roles, channels in desk_groups(sc).items():
        if any(seats(sc, rid) for rid in roles):
            continue
        never = all(sc.roles[rid].headcount.max == 0 for rid in roles)
        plan = "nor can plan staff it" if never else "plan sizes them within headcount.max"
        found.append(
            (
                ("channels", channels[0]),
                f"nobody answers {', '.join(channels)}: its answerers ({', '.join(roles)}) have "
                "nobody in seat and no joiner, so a simulation leaves its requests unanswered "
                f"({plan}); give one of them people",
            )
        )
    return found


def rota_warnings(sc: Scenario) -> list[Warning]:
    """A rota that leaves nobody at the desk in some half hour (sim.rules.day.pause_gross_up).

    The simulator plays it (requests wait through it: a what-if worth running, the common
    pause with requests arriving), but no roster can meet a target then, so plan refuses
    it; said before anything runs.
    """
    from sim.errors import TeamsimError
    from sim.rules.day import pause_gross_up

    if sc.calendar.workday.pauses is None:
        return []
    try:
        pause_gross_up(sc)
    except TeamsimError as exc:
        return [(("calendar", "workday", "pauses"), f"{exc}; plan cannot size such a desk")]
    return []


def seller_warnings(sc: Scenario) -> list[Warning]:
    """Segments and a sales plan, but every role that sells them has nobody in seat.

    A team that only serves is legal (no segments); one with segments to sell and nobody
    to sell them simulates no revenue at all, which a scenario rarely means. A joiner
    takes a seat later, so a role with joiners counts as staffed.
    """
    from sim.rules.deals import segments_sold  # deals reads the finished model

    if not sc.segments:
        return []
    sellers = {rid: segments_sold(sc, rid) for rid in sc.roles}
    sellers = {rid: segs for rid, segs in sellers.items() if segs}
    staffed = [r for r in sellers if sc.roles[r].headcount.current > 0 or sc.roles[r].joiners]
    if staffed:
        return []
    each = "; ".join(
        f"{sid!r} by {', '.join(r for r, segs in sellers.items() if sid in segs) or 'no role'}"
        for sid in sc.segments
    )
    return [
        (
            ("roles",),
            f"nobody can sell: every role that sells the segments is at headcount 0 "
            f"({each}), so no deal is won against the sales plan; give a selling role "
            "people, or remove the segments for a service-only team",
        )
    ]


def approver_warnings(sc: Scenario) -> list[Warning]:
    """Approvals (or escalations) at a level where nobody would take them but the owner.

    The team-wide case: no role at the level has anyone. In a network, also each unit
    whose sellers have nobody at the level up their chain, in the unit, above it, outside
    the units or in its ``fallback`` units (sim.rules.duties.role_approver, at the most
    people each role may have). The simulator then hands them to the deal's owner, which
    is rarely what a scenario means.
    """
    needed: dict[Level, tuple[PathPart, ...]] = {}
    asked: dict[Level, set[str]] = {}  # level -> the segments that ask for it
    for sid, seg in sc.segments.items():
        for i, stage in enumerate(seg.stages):
            if stage.approval is not None:
                needed.setdefault(stage.approval, ("segments", sid, "stages", i, "approval"))
                asked.setdefault(stage.approval, set()).add(sid)
        if seg.escalation_rate > 0:
            needed.setdefault(seg.escalation_level, ("segments", sid, "escalation_level"))
            asked.setdefault(seg.escalation_level, set()).add(sid)
    found = []
    for level, path in needed.items():
        if not any(sc.roles[r].headcount.max > 0 for r in sc.roles_at(level)):
            found.append(
                (
                    path,
                    f"no {level.value}-level role has anyone (headcount 0): its approvals "
                    "and escalations fall to the deal's owner",
                )
            )
        elif sc.units:
            found += _units_without_approver(sc, level, asked[level], path)
    return found


def _units_without_approver(
    sc: Scenario, level: Level, segments: set[str], path: tuple[PathPart, ...]
) -> list[Warning]:
    """A network's units whose owners would sign off their own deals at ``level``."""
    from sim.rules.deals import segments_sold  # deals reads the finished model
    from sim.rules.duties import role_approver
    from sim.scenario.units import ancestors

    most = {rid: role.headcount.max for rid, role in sc.roles.items()}
    alone: dict[str | None, list[str]] = {}
    for rid, role in sc.roles.items():
        sells = most[rid] > 0 and segments & set(segments_sold(sc, rid))
        if sells and role_approver(sc, rid, level, most) is None:
            alone.setdefault(role.unit, []).append(rid)
    found: list[Warning] = []
    lv = level.value
    for uid, rids in alone.items():
        owners = ", ".join(rids)
        if uid is None:
            found.append(
                (
                    path,
                    f"nobody at level {lv} takes the approvals and escalations of the roles "
                    f"outside the units ({owners}): nobody up their reporting chain or "
                    f"outside the units is {lv}, so each deal's owner signs them off; give "
                    f"them a {lv}-level manager",
                )
            )
            continue
        above = ", ".join(ancestors(sc.units, uid)) or "none"
        fallback = sc.units[uid].fallback
        tried = f"its fallback units ({', '.join(fallback)})" if fallback else "no fallback units"
        found.append(
            (
                ("units", uid, "fallback"),
                f"nobody at level {lv} takes the approvals and escalations of unit {uid!r} "
                f"({owners}): none up the reporting chain, in the unit, in the units above it "
                f"({above}), outside the units or in {tried}, so each deal's owner signs them "
                f"off; list a unit whose {lv}-level people may take them in "
                f"units.{uid}.fallback, or give the unit a {lv}-level role",
            )
        )
    return found


def counting_warnings(sc: Scenario) -> list[Warning]:
    """What the horizon leaves unmeasured: no whole month, or no whole quarter to judge.

    With no whole calendar month after the warm-up attainment is not measured at all. A
    plan judged on quarters (``plan.judged_on: quarter``) with months counted but no
    calendar quarter whose three months are all counted judges parts of quarters
    (sim.plan_met: a cut quarter is judged on the months it has), a single month at worst.
    """
    from sim.results import counted_months  # sim.results reads sim.rules: import on use

    if not sc.segments:
        return []
    months = counted_months(sc, sc.calendar.warmup_days)
    if not months:
        return [
            (
                ("calendar", "horizon_days"),
                "no whole calendar month lies after the warm-up, so attainment (and "
                "P(plan met)) is not measured: lengthen the horizon",
            )
        ]
    if sc.plan.judged_on is JudgedOn.QUARTER and not _whole_quarters(sc, months):
        first, last = (sc.calendar_month(m) for m in (months[0], months[-1]))
        span = f"{first[0]}-{first[1]:02d}" + (
            f" to {last[0]}-{last[1]:02d}" if last != first else ""
        )
        return [
            (
                ("plan", "judged_on"),
                f"no whole quarter is counted: no calendar quarter has all three of "
                f"its months among the counted months ({span}), so P(plan met) judges "
                f"{'a single month' if len(months) == 1 else 'fewer than three months'} as "
                "a quarter; lengthen the horizon to hold a calendar quarter after the "
                "warm-up, or judge on month",
            )
        ]
    return []


def _whole_quarters(sc: Scenario, months: tuple[int, ...]) -> list[tuple[int, int]]:
    """Calendar quarters (year, 1-4) whose three months are all counted."""
    by_quarter: dict[tuple[int, int], int] = {}
    for m in months:
        year, month = sc.calendar_month(m)
        key = (year, (month - 1) // 3 + 1)
        by_quarter[key] = by_quarter.get(key, 0) + 1
    return [q for q, n in by_quarter.items() if n == 3]
