"""A readable summary of a scenario for the terminal, and the warnings a valid one may earn."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim import (
    counted_months,
    format_money,
    format_number,
    format_percent,
    format_significant,
    id_words,
    month_title,
    title,
)
from sim.rules import rule_warnings
from sim.scenario import InboundChannel, ReferralChannel, Scenario, WarmChannel, place_problem
from teamsim.format import fmt_service_target, format_money_column
from teamsim.io import read_scenario_bytes


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
    if not sc.segments:
        # A team that sells nothing is planned for its work and service targets; its
        # plan value is nominal and is not shown as if it were one.
        return Group(head, _team(sc), _channels(sc), _no_sales(sc))
    return Group(head, _team(sc), _channels(sc), _segments(sc), _plan(sc), _plan_months(sc))


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


def _team(sc: Scenario) -> Table:
    table = Table(title="Team", title_justify="left")
    for col in ("role", "level", "headcount", "reports to", "cost / month", "sells"):
        table.add_column(
            col,
            justify="right" if col in ("cost / month", "sells") else "left",
            no_wrap=col == "role",  # a title is read whole, never cut
        )
    for rid, r in sc.roles.items():
        hc = r.headcount
        size = str(hc.current) if hc.fixed else f"{hc.current} ({hc.min}..{hc.max})"
        table.add_row(
            title(rid, sc),
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
    for col in ("channel", "kind", "volume", "connect"):
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
        table.add_row(title(cid, sc), ch.kind, volume, connect)
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
