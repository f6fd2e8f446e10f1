"""A readable summary of a scenario for the terminal, and the warnings a valid one may earn."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from sim import (
    counted_months,
    day_title,
    format_money,
    format_number,
    format_percent,
    format_significant,
    id_words,
    month_title,
    title,
)
from sim.rules import (
    SeasonKind,
    describe_pauses,
    interval_rate,
    interval_title,
    month_factors,
    pause_rule,
    peak_interval,
    ramping_at_start,
    rule_warnings,
    seats,
    weekday_factors,
)
from sim.scenario import (
    ClosingRule,
    InboundChannel,
    ReferralChannel,
    Scenario,
    WarmChannel,
    place_problem,
)
from teamsim.format import fmt_service_target, format_money_column
from teamsim.io import read_scenario_bytes
from teamsim.network_view import network_tree


def scenario_warnings(sc: Scenario, path: Path, overrides: Sequence[str] = ()) -> list[Text]:
    """One line per thing in a valid scenario that is allowed but likely a mistake.

    Each span of control exceeded, approvals at a level nobody is staffed at, a horizon
    with no counted month (``sim.rules.rule_warnings``). A plan may still size more
    managers, so they are warnings, not errors; each names the file, the line of the
    field (or of its role, or the ``--set`` behind it) as errors do.
    """
    found = rule_warnings(sc)
    if not found:
        return []
    content = read_scenario_bytes(path)  # read again only when there is something to place
    lines = []
    for field, message in found:
        problem = place_problem(
            content, str(path), path=field, message=message, overrides=overrides
        )
        lines.append(Text.assemble(("warning:", "bold yellow"), " ", str(problem)))
    return lines


def scenario_summary(sc: Scenario) -> Group:
    """Tables of the team, the market and the plan."""
    dates = sc.calendar.working_dates()
    head = (
        f"[bold]{sc.name}[/]  {sc.calendar.horizon_days} working days "
        f"({dates[0]} to {dates[-1]}), warm-up {sc.calendar.warmup_days} working days, "
        f"seed {sc.seed}"
    )
    # Staffing, seasons and margins only where the scenario states them (issue 12).
    parts: list[RenderableType] = [head, _team(sc), *_network(sc), *_staffing(sc)]
    parts += [_channels(sc), *_pauses(sc), *_profiles(sc), *_patience(sc), *_seasonality(sc)]
    if not sc.segments:
        # A team that sells nothing is planned for its work and service targets; its
        # plan value is nominal and is not shown as if it were one.
        return Group(*parts, _no_sales(sc))
    return Group(*parts, _segments(sc), *_margins(sc), _plan(sc), _plan_months(sc))


def _staffing(sc: Scenario) -> list[Text]:
    """Per role, what the scenario states of its people over the year (issue 12).

    Nothing when no role states people in seat, joiners, attrition or a handover: a
    ramp alone (older files) is shown in the role's staffing only beside one of them.
    """
    roles = sc.roles.values()
    if not any(r.staff or r.joiners or r.attrition or r.handover for r in roles):
        return []
    lines = [Text("Staffing", style="italic")]
    for rid in sc.roles:
        facts = _role_staffing(sc, rid)
        if facts:
            lines.append(Text(f"  {title(rid, sc)}"))
            lines.extend(Text(f"    {name}: {value}") for name, value in facts)
    return lines


def _role_staffing(sc: Scenario, rid: str) -> list[tuple[str, str]]:
    """(what, text) of a role's staffing; none when the role states only a ramp."""
    role, loc = sc.roles[rid], sc.money_locale
    facts: list[tuple[str, str]] = []
    dated = sum(1 for member in role.staff if member.start is not None)
    if dated:
        ramping = format_number(ramping_at_start(sc, rid), 0, locale=loc)
        facts.append(
            (
                "in seat with a start date",
                f"{format_number(dated, 0, locale=loc)} of "
                f"{format_number(role.headcount.current, 0, locale=loc)}, {ramping} still "
                f"on the ramp on {day_title(sc.calendar.start, loc)}",
            )
        )
    if role.joiners:
        dates = "; ".join(
            f"{format_number(j.count, 0, locale=loc)} on {day_title(j.start, loc)}"
            for j in role.joiners
        )
        total = format_number(sum(j.count for j in role.joiners), 0, locale=loc)
        facts.append(("joiners", f"{total} ({dates})"))
    leaving = [seat for seat in seats(sc, rid) if seat.last_day is not None]
    if leaving:
        who = "; ".join(
            f"{title(seat.person, sc)} on {day_title(seat.last_day, loc)}"
            for seat in leaving
            if seat.last_day is not None
        )
        facts.append(("planned leavers", f"{format_number(len(leaving), 0, locale=loc)} ({who})"))
    if (gone := role.attrition) is not None:
        rate = gone.rate_per_year
        facts.append(
            ("attrition", _attrition(rate, gone.leavers_per_year, gone.time_to_fill_days, loc))
        )
    if role.ramp is not None:
        facts.append(("ramp", _ramp(role.ramp.productivity_by_month, loc)))
    if role.handover is not None:
        facts.append(("handover", f"a leaver's open deals go to {title(role.handover, sc)}"))
    return facts if len(facts) > (role.ramp is not None) else []


def _attrition(share: float | None, leavers: float | None, fill_days: float, loc: str) -> str:
    """Attrition as stated: a share of the role or a count a year, and the time to fill."""
    if share is not None:
        rate = f"{format_percent(share, significant=3, locale=loc)} a year"
    elif leavers is not None:
        rate = f"{format_significant(leavers, 3, locale=loc)} leavers a year"
    else:
        rate = "no leavers stated"
    days = format_significant(fill_days, 3, locale=loc)
    return f"{rate}; a seat stays empty {days} calendar days before its replacement starts"


def _ramp(shares: list[float], loc: str) -> str:
    """The month of tenure from which a hire is at full output, and the shares before it."""
    below = next((i for i, share in enumerate(shares) if share >= 1.0), len(shares))
    full = f"full output from month {format_number(below + 1, 0, locale=loc)} of tenure"
    if not below:
        return full
    before = ", ".join(format_percent(p, significant=3, locale=loc) for p in shares[:below])
    return f"{full} ({before} before)"


def _profiles(sc: Scenario) -> list[Text]:
    """Per inbound channel with an arrival profile, its peak interval and weekday factors.

    The factors as the simulator applies them (``sim.rules.weekday_factors``: scaled to
    a mean of 1 over the working week), the peak's rate on the mean day
    (``sim.rules.interval_rate``).
    """
    loc, lines = sc.money_locale, []
    for cid, ch in sc.channels.items():
        if not isinstance(ch, InboundChannel) or ch.profile is None:
            continue
        facts = []
        if ch.profile.weights is not None:
            peak = peak_interval(sc, cid)
            hourly = format_significant(60.0 * interval_rate(sc, cid, peak), 3, locale=loc)
            facts.append(f"peak {interval_title(sc, peak)}, {hourly} requests an hour")
        else:
            facts.append("even over the day")
        if ch.profile.by_weekday:
            days = ", ".join(
                f"{day.value.title()} x{format_significant(f, 3, locale=loc)}"
                for day, f in weekday_factors(sc, cid).items()
            )
            facts.append(f"by weekday {days}")
        lines.append(Text(f"  {title(cid, sc)}: {'; '.join(facts)}"))
    if not lines:
        return []
    return [Text("Arrival profiles (on the mean working day)", style="italic"), *lines]


def _pauses(sc: Scenario) -> list[Text]:
    """How lunch and breaks are taken (issue 13): for a desk, or whenever a rota is set."""
    desk = any(isinstance(ch, InboundChannel) for ch in sc.channels.values())
    if not desk and pause_rule(sc).value == "together":
        return []
    return [Text(f"Pauses: {describe_pauses(sc)}")]


def _seasonality(sc: Scenario) -> list[Text]:
    """The seasonal factors other than 1, by month of the horizon (``sim.rules.season``)."""
    if sc.seasonality is None:
        return []
    loc, parts = sc.money_locale, []
    for kind in SeasonKind:
        factors = month_factors(sc, kind)
        if all(f == 1.0 for f in factors):
            continue
        if len(sc.seasonality.factors(kind)) == 1:
            months = f"every month x{format_significant(factors[0], 3, locale=loc)}"
        else:
            months = ", ".join(
                f"{month_title(sc.month_label(m), loc)} x{format_significant(f, 3, locale=loc)}"
                for m, f in enumerate(factors)
                if f != 1.0
            )
        parts.append(f"{id_words(kind.value)} {months}")
    if not parts:
        return []
    return [Text(f"Seasonality (factors other than 1): {'; '.join(parts)}")]


def _margins(sc: Scenario) -> list[Text]:
    """Segments' gross margins, where stated (read by ``plan --hiring --objective margin``)."""
    loc = sc.money_locale
    stated = [
        f"{title(sid, sc)} {format_percent(seg.gross_margin, significant=3, locale=loc)}"
        for sid, seg in sc.segments.items()
        if seg.gross_margin is not None
    ]
    if not stated:
        return []
    return [Text(f"Gross margin: {', '.join(stated)}")]


def _patience(sc: Scenario) -> list[Text]:
    """Inbound channels whose callers hang up: mean patience, and who calls again.

    As the simulator plays them (sim.model.inbound) and Erlang A sizes the desk
    (sim.rules.service): a patience that is not exponential is read by its mean.
    """
    loc, said = sc.money_locale, []
    for cid, ch in sc.channels.items():
        if not isinstance(ch, InboundChannel):
            continue
        said += _limits(cid, ch, sc)
        said += _closing(cid, ch, sc)
        if ch.patience_min is None:
            continue
        mean = format_significant(ch.patience_min.expected_value(), 3, locale=loc)
        words = f"{title(cid, sc)} hang up after {mean} min on average ({ch.patience_min.kind})"
        if ch.retrial is not None:
            share = format_percent(ch.retrial.share, digits=0, locale=loc)
            delay = format_significant(ch.retrial.delay_min.expected_value(), 3, locale=loc)
            words += f", {share} of those who hang up call again after {delay} min"
        said.append(words)
    if not said:
        return []
    return [Text(f"Callers: {'; '.join(said)}")]


def _closing(cid: str, ch: InboundChannel, sc: Scenario) -> list[str]:
    """A channel's closing rule when it is not ``carry`` (what waits at closing)."""
    if ch.at_closing is ClosingRule.OVERTIME:
        cap = sc.policies.overtime_max_min_per_day
        return [
            f"{title(cid, sc)} still waiting at closing: answered in overtime "
            f"(up to {format_significant(cap, 6, locale=sc.money_locale)} min a day; "
            "the rest the next working day)"
        ]
    if ch.at_closing is ClosingRule.LOSE:
        return [f"{title(cid, sc)} still waiting at closing: lost (at_closing: lose)"]
    return []


def _limits(cid: str, ch: InboundChannel, sc: Scenario) -> list[str]:
    """A channel's lines and waiting room, where it has them (a request past them is blocked)."""
    parts = []
    if ch.lines is not None:
        parts.append(f"{ch.lines} lines")
    if ch.waiting_room is not None:
        parts.append(f"at most {ch.waiting_room} waiting")
    if not parts:
        return []
    return [f"{title(cid, sc)} {' and '.join(parts)} (more are turned away)"]


def _no_sales(sc: Scenario) -> str:
    targets = [
        f"{title(cid, sc)} "
        f"{fmt_service_target(ch.service_level_target, ch.answer_within_min, sc.money_locale)}"
        for cid, ch in sc.channels.items()
        if isinstance(ch, InboundChannel)
    ]
    return (
        "No sales plan: the team sells nothing, so it is sized for its work and its "
        f"service targets ({'; '.join(targets) or 'none'}), wanted with "
        f"{format_percent(sc.plan.confidence, digits=0, locale=sc.money_locale)} confidence."
    )


def _network(sc: Scenario) -> list[Tree]:
    """The units' tree with headcount by unit and level, for a network only (issue 14)."""
    return [network_tree(sc)] if sc.units else []


def _team(sc: Scenario) -> Table:
    table = Table(title="Team", title_justify="left")
    # The unit column only for a network: a team's table reads as it always has.
    unit_col = ("unit",) if sc.units else ()
    for col in ("role", *unit_col, "level", "headcount", "reports to", "cost / month", "sells"):
        table.add_column(
            col,
            justify="right" if col in ("cost / month", "sells") else "left",
            no_wrap=col == "role",  # a title is read whole, never cut
        )
    for rid, r in sc.roles.items():
        hc = r.headcount
        size = str(hc.current) if hc.fixed else f"{hc.current} ({hc.min}..{hc.max})"
        unit = (title(r.unit, sc) if r.unit else "",) if sc.units else ()
        table.add_row(
            title(rid, sc),
            *unit,
            r.level.value,
            size,
            title(r.reports_to, sc) if r.reports_to else "",
            format_money(r.monthly_cost, sc.currency, sc.money_locale),
            format_percent(r.sells, digits=0, locale=sc.money_locale),
        )
    return table


def _channels(sc: Scenario) -> Table:
    table = Table(title="Channels", title_justify="left")
    loc = sc.money_locale
    # A network's channels say whose they are (a unit's, or the whole team's: "").
    unit_col = ("unit",) if sc.units else ()
    for col in ("channel", *unit_col, "kind", "volume", "connect"):
        table.add_column(col, no_wrap=col == "channel")
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel):
            volume = f"{format_significant(ch.requests_per_day, 6, locale=loc)} requests/day"
            connect = ""
        elif isinstance(ch, ReferralChannel):
            volume = f"{format_significant(ch.leads_per_week, 6, locale=loc)} leads/week"
            connect = ""
        else:
            pool = getattr(ch, "pool", None)
            volume = "unlimited" if pool is None else f"pool {format_number(pool, 0, locale=loc)}"
            if isinstance(ch, WarmChannel) and ch.refill_per_month:
                refill = format_significant(ch.refill_per_month, 6, locale=loc)
                volume += f" +{refill}/month"
            connect = format_percent(ch.connect_rate, digits=0, locale=loc)
        unit = (title(ch.unit, sc) if ch.unit else "whole network",) if sc.units else ()
        table.add_row(title(cid, sc), *unit, ch.kind, volume, connect)
    return table


def _segments(sc: Scenario) -> Table:
    table = Table(title="Segments", title_justify="left")
    for col in ("segment", "type", "deal value", "stages", "win rate of a lead"):
        table.add_column(col, no_wrap=col == "segment")
    # One scale for the column (sim.money): "RUB 0.35M" beside "RUB 2.50M".
    values = format_money_column(
        [seg.deal_value for seg in sc.segments.values()], sc.currency, sc.money_locale
    )
    for (sid, seg), value in zip(sc.segments.items(), values, strict=True):
        table.add_row(
            title(sid, sc),
            seg.type.value,
            value,
            " > ".join(id_words(s.name) for s in seg.stages),
            format_percent(seg.win_probability(), locale=sc.money_locale),
        )
    return table


def _plan(sc: Scenario) -> str:
    plan, pol, loc = sc.plan, sc.policies, sc.money_locale
    values = plan.revenue_per_month
    revenue = (
        f"{format_money(values[0], sc.currency, sc.money_locale)} a month"
        if len(values) == 1
        else f"by calendar month, January to December ({sc.currency})"
    )
    return (
        f"Plan: {revenue}, wanted with {format_percent(plan.confidence, digits=0, locale=loc)} "
        f"confidence. Call quota {pol.call_quota_per_day}/day (max {pol.max_calls_per_day}), "
        f"occupancy cap {format_percent(pol.occupancy_cap, digits=0, locale=loc)}."
    )


def _plan_months(sc: Scenario) -> Table:
    """Each calendar month of the horizon, its working days and the plan that applies to it.

    A month is counted (compared with its plan) when all its working days lie inside the
    horizon and after the warm-up; the rule is ``sim.counted_months``.
    """
    table = Table(title="Plan by month", title_justify="left")
    for col in ("month", "working days", "counted", f"revenue plan ({sc.currency})"):
        table.add_column(col, justify="left" if col in ("month", "counted") else "right")
    days = Counter(sc.months)
    counted = set(counted_months(sc, sc.calendar.warmup_days))
    for m in sorted(days):
        if m in counted:
            verdict = "yes"
        elif sc.months.index(m) < sc.calendar.warmup_days:
            verdict = "no: warm-up"
        else:
            verdict = "no: part of the month"
        # The month by its name and the plan in the scenario's locale: "Mar 2027", "3,000".
        table.add_row(
            month_title(sc.month_label(m), sc.money_locale),
            str(days[m]),
            verdict,
            format_number(sc.plan_target(m), 0, locale=sc.money_locale),
        )
    return table
