"""The plan card in the terminal, in JSON and as a stored table (optimizer.card).

Each line reads as the arithmetic a head can redo by hand ("won deals 4.2 = revenue
126,000 RUB / deal value 30,000 RUB"); the same texts go to the terminal, the JSON
output, the run store (and so every export) and the dashboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import Group
from rich.table import Table

from calibrate import counted
from optimizer import (
    PLANNED_DIALS,
    RECOMMENDED_QUOTA,
    TODAYS_QUOTA,
    CardLine,
    PlanCard,
    QuotaLine,
)
from sim import format_percent, id_words, money_scales
from sim.scenario import Scenario
from teamsim.format import (
    MoneyScale,
    fmt_count,
    fmt_figure,
    fmt_margin,
    fmt_significant,
    fmt_value,
    money_scale,
    month_title,
)

PLAN_CARD_TITLE = "Plan card"
# A dial's "call-backs" factor (sim.rules.calls.dial_economics), said where it is shown.
CALL_BACKS_NOTE = (
    "A dial's call-backs factor is 1 / (1 - the share of conversations that ask to be "
    "called back, calls.follow_up_given_conversation): each call-back is one more "
    "conversation, so 20 % asking back gives 1.25 conversations for each first one."
)
PER_PERSON_NOTE = (
    "A month: the role's people together, an average month. Per person a day at work: "
    "a month / people / working days a month / share of days at work; a week: a day at "
    "work x working days a week. Stage entries and dials are targets in their own right. "
    + CALL_BACKS_NOTE
)
# The card's one rule for counts (teamsim.format.count_digits), said where it is shown.
ROUNDING_NOTE = (
    "Counts and amounts are written to three significant digits (counts whole from 100, "
    "the card's amounts a month in one scale); each is worked out from the unrounded figures, so "
    "rounded parts may not add up to their total in the last digit."
)


def money(value: float, currency: str, locale: str = "", scale: MoneyScale | None = None) -> str:
    """Money on the card: the one place that formats it (teamsim.format.fmt_value).

    ``locale``: the scenario's (``PlanCard.locale``); "" the currency's usual one.
    ``scale``: the set's when the amount is one of several shown together.
    """
    return fmt_value(value, "currency", currency, locale=locale or None, scale=scale)


def _count(value: float, locale: str = "") -> str:
    return fmt_count(value, locale or None)


def _share(value: float, locale: str = "") -> str:
    # Three significant digits: enough to redo a division by hand within rounding.
    return format_percent(value, significant=3, locale=locale or None)


def _figure(
    value: float, unit: str, currency: str, locale: str = "", scale: MoneyScale | None = None
) -> str:
    # Every figure of the card in the card's locale, as its money: "48,4" beside "0,35 млн ₽".
    if unit == "currency":
        return money(value, currency, locale, scale)
    loc = locale or Scenario.default_locale(currency)
    return _share(value, loc) if unit == "share" else _count(value, loc)


def header_scale(card: PlanCard, *more: float) -> MoneyScale:
    """One scale for the amounts said with the card's plan in one sentence.

    The plan, the plan sized for, the expected revenue and ``more`` (a team cost, a
    budget): "plan RUB 30.0M; ... expected revenue RUB 35.4M" reads in one scale
    (an amount far below it, in its own: sim.money).
    """
    amounts = [card.plan_per_month, card.sized_for, card.revenue_per_month, *more]
    # One style with or without a margin: "plan RUB 30.0M" in both (three significant
    # digits kept, not "RUB 30M" where no figure beside it needs the decimal).
    return money_scale(amounts, card.locale or _default(card), keep_zeros=True)


def header_text(card: PlanCard, scale: MoneyScale | None = None) -> str:
    """The plan and, apart, the margin it was sized with.

    "plan 30.00 M RUB" or "plan 30.00 M RUB; sized for 35.73 M RUB with a +19 % margin
    for the spread of attainment".
    """
    # One scale for the amounts of the sentence (the expected revenue said after it too).
    scale = scale or header_scale(card)
    text = f"plan {money(card.plan_per_month, card.currency, card.locale, scale)}"
    if abs(card.margin) > 1e-9:
        sized = money(card.sized_for, card.currency, card.locale, scale)
        text += (
            f"; sized for {sized} with a {fmt_margin(1 + card.margin, _locale(card))} "
            "margin for the spread of attainment"
        )
    return text


def line_label(line: CardLine) -> str:
    """What a line counts, in words: "won deals, Consumer loans", "visit entries, Deals"...

    The card keeps the scenario's ids (segments, channels, stages) for keys; a head reads
    the titles the card carries (sim.names.title: the scenario's ``title``, else the id
    in words). A stage has no title: its id in words, as sim.names.title writes it.
    """
    segment = line.segment_title or (id_words(line.segment) if line.segment else "")
    channel = line.channel_title or (id_words(line.channel) if line.channel else "")
    where = ", ".join(x for x in (segment, channel) if x)
    label = f"{line.name}, {where}" if where else line.name
    if line.step == "stage":
        label = f"{id_words(line.name)} entries, {segment}"
    return label + (" (in person)" if line.in_person else "")


@dataclass(frozen=True)
class RoleStyle:
    """How one role's table writes its figures a month, in the month column and the how.

    A quantity (a figure a month) reads the same wherever it appears in the role's table:
    "deals entering 286" in its row's month column and in the leads' sum. ``money``:
    each amount's scale, one for the role's amounts shown together (``sim.money_scales``:
    three significant digits at a shared scale); amounts not listed take the role's
    scale. A count is written by the card's one rule (teamsim.format.count_digits).
    """

    scale: MoneyScale | None
    money: dict[float, MoneyScale]

    def money_of(self, value: float) -> MoneyScale | None:
        """The scale an amount a month is written in."""
        return self.money.get(value, self.scale)


def role_style(lines: Sequence[CardLine], locale: str) -> RoleStyle:
    """The style of a role's lines (all of one role, or one line alone).

    Money follows the rule counts follow: every amount of the role a month (its month
    column and its sums and divisions) at the set's one scale (``sim.money_scales``), and
    a sum's total or a division's result worked out from the unrounded figures, so that
    rounded parts may miss it in the last digit (:data:`ROUNDING_NOTE` says so): "RUB
    1.48M = RUB 0.61M + RUB 0.87M", never decimals added to one amount to make it add up.
    """
    amounts = [x.per_month for x in lines if x.unit == "currency"]
    amounts += [t.value for x in lines for t in x.terms if t.unit == "currency"]
    if not amounts:
        return RoleStyle(None, {})
    return RoleStyle(
        money_scale(amounts, locale), dict(zip(amounts, money_scales(amounts, locale), strict=True))
    )


def card_style(card: PlanCard, role: str = "") -> RoleStyle:
    """:func:`role_style` of the card's amounts a month, in the card's locale.

    One set for the whole card (its roles' tables are read together): a deal value reads
    "$12.0K" in one role's table as "$20.0K" does in the next. ``role`` is kept for
    callers that style one role's table; every role of a card shares the style.
    """
    del role
    return role_style(card.lines, card.locale or _default(card))


def line_text(
    line: CardLine, currency: str, locale: str = "", style: RoleStyle | None = None
) -> str:
    """A line's arithmetic, a month: "won deals 4.2 = revenue 126,000 RUB / deal value ...".

    ``style``: the role's (:func:`card_style`), so that a figure reads as in the month
    column; by default the line's own. A sum's total and a division's result are worked
    out from the unrounded figures (:data:`ROUNDING_NOTE`).
    """
    loc = locale or Scenario.default_locale(currency)
    style = style or role_style([line], loc)

    def figure(value: float, unit: str) -> str:
        if unit == "count":
            return fmt_count(value, loc)
        if unit == "factor":
            return fmt_significant(value, 3, loc)
        return _figure(value, unit, currency, locale, scale=style.money_of(value))

    text = f"{line_label(line)} {figure(line.per_month, line.unit)}"
    if not line.op:
        return text
    parts = [f"{t.name} {figure(t.value, t.unit)}" for t in line.terms]
    return f"{text} = " + f" {line.op} ".join(parts)


def quota_text(q: QuotaLine, locale: str | None = None) -> str:
    """Today's quota beside the plan's, and whether the cap holds it (figures in ``locale``)."""
    text = (
        f"{TODAYS_QUOTA} {q.today} ({q.today_source}); "
        f"{RECOMMENDED_QUOTA} {q.recommended} ({_why(q, locale)})"
    )
    return text + (f"; {held_text(q, locale)}" if q.held_by_cap else "")


def _why(q: QuotaLine, locale: str | None = None) -> str:
    if q.planned <= 0:
        return "the plan needs no dials of this role"
    return f"the {PLANNED_DIALS} {fmt_figure(q.planned, 1, locale)} rounded up"


def held_text(q: QuotaLine, locale: str | None = None) -> str:
    """Why a quota is where it is when a cap sets it, the cap named as the user wrote it.

    "held by your policies.max_calls_per_day 70, not by the day"; with a selling share,
    "... x selling share 20 % = 12"; under the occupancy cap, "held by the most a plan may
    ask on average, 10.2 = policies.occupancy_cap 85 % x ..., not by the day; a day's quota
    of 11 stays within your ... = 12" (a quota is a day's ceiling, the plan an average).
    """
    if q.recommended >= q.cap:
        said = q.cap_source or f"cap of {q.cap}"
        if " x " in said:
            said += f" = {q.cap}"
        return f"held by your {said}, not by the day"
    said = q.planned_cap_source or "the occupancy cap's share of the cap"
    cap = q.cap_source or f"cap of {q.cap}"
    cap += f" = {q.cap}" if " x " in cap else ""
    return (
        f"held by the most a plan may ask on average, {fmt_figure(q.planned_cap, 1, locale)} "
        f"= {said}, not by "
        f"the day; a day's quota of {q.recommended} stays within your {cap}"
    )


def render_plan_card(card: PlanCard) -> Group | None:
    """One table per selling role and the call quotas; None when nobody sells."""
    if not card.lines:
        return None
    parts: list[object] = [
        f"[bold]{PLAN_CARD_TITLE}[/], design month {month_title(card.month, card.locale or None)}: "
        f"{header_text(card)}; "
        "expected revenue "
        f"{money(card.revenue_per_month, card.currency, card.locale, header_scale(card))}"
    ]
    style = card_style(card)  # one for the whole card: once, not once a role
    for rc in card.roles:
        table = Table(
            title=(
                f"{rc.title}: {counted(rc.people, 'person')}, "
                f"{_share(rc.presence, _locale(card))} of days at work"
            ),
            title_justify="left",
        )
        for col in ("", "a month", "a day at work", "a week", "how"):
            table.add_column(col, justify="right" if col.startswith("a ") else "left")
        for line in (x for x in card.lines if x.role == rc.role):
            how = line_text(line, card.currency, card.locale, style).partition(" = ")[2]
            table.add_row(
                line_label(line) + (" *" if line.target else ""),
                *_figures(line, card, style),
                f"= {how}" if how else "",
            )
        parts.append(table)
    if card.quotas:
        parts.append(_quotas(card))
    parts.append(f"[dim]{PER_PERSON_NOTE} {ROUNDING_NOTE} (* a target; {days_note(card)})[/]")
    return Group(*parts)  # type: ignore[arg-type]


def days_note(card: PlanCard) -> str:
    """The working days the card divides and multiplies by, as it uses them.

    "21.4 working days a month, 4.92 a week: the calendar's working days a year / 12 and
    / 52.18 weeks" (sim.scenario.Calendar), so that a week is a day x the factor shown.
    """
    loc = _locale(card)
    return (
        f"{fmt_figure(card.days_per_month, 1, loc)} working days a month, "
        f"{fmt_figure(card.days_per_week, 2, loc)} a week: "
        f"the calendar's working days a year / 12 and / {fmt_figure(52.18, 2, loc)} weeks"
    )


def _default(card: PlanCard) -> str:
    return Scenario.default_locale(card.currency)


def _locale(card: PlanCard) -> str:
    """The locale of every figure on the card: its money's (``PlanCard.locale``)."""
    return card.locale or _default(card)


def _figures(line: CardLine, card: PlanCard, style: RoleStyle) -> tuple[str, str, str]:
    """A line a month, a day at work and a week.

    A month as the role's style writes it (the how column repeats it so); money a day
    and a week each in its own scale (one amount of money in each of those columns).
    """
    if line.unit == "currency":
        month = style.money_of(line.per_month)
        return (
            _figure(line.per_month, line.unit, card.currency, card.locale, scale=month),
            _figure(line.per_person_day, line.unit, card.currency, card.locale),
            _figure(line.per_person_week, line.unit, card.currency, card.locale),
        )
    loc = _locale(card)
    return (
        fmt_count(line.per_month, loc),
        _count(line.per_person_day, loc),
        _count(line.per_person_week, loc),
    )


def role_rows(card: PlanCard, role: str) -> pd.DataFrame:
    """One role's card as display text: what, a month, a day at work, a week, how."""
    rows = []
    style = card_style(card, role)
    for line in (x for x in card.lines if x.role == role):
        rows.append(
            {
                "what": line_label(line) + (" *" if line.target else ""),
                **dict(
                    zip(
                        ("a month", "a day at work", "a week"),
                        _figures(line, card, style),
                        strict=True,
                    )
                ),
                "how": line_text(line, card.currency, card.locale, style),
            }
        )
    return pd.DataFrame(rows)


def quota_rows(card: PlanCard) -> pd.DataFrame:
    """The call quotas as display text: role, today's quota, recommended quota, why."""
    titles = {rc.role: rc.title for rc in card.roles}
    return pd.DataFrame(
        [
            {
                "role": titles.get(q.role, q.role),
                PLANNED_DIALS: fmt_figure(q.planned, 1, _locale(card)),
                RECOMMENDED_QUOTA: q.recommended,
                TODAYS_QUOTA: q.today,
                "why": _why_held(q, _locale(card)),
            }
            for q in card.quotas
        ]
    )


def _quotas(card: PlanCard) -> Table:
    table = Table(title="Call quota: dials a day at work, per person", title_justify="left")
    # The people the quota is for: the plan's team, which may differ from today's.
    for col in ("role", "people", PLANNED_DIALS, RECOMMENDED_QUOTA, TODAYS_QUOTA, "why"):
        table.add_column(col, justify="left" if col in ("role", "why") else "right")
    titles = {rc.role: rc.title for rc in card.roles}  # the card's own titles, as above
    people = {rc.role: rc.people for rc in card.roles}
    loc = _locale(card)
    for q in card.quotas:
        table.add_row(
            titles.get(q.role, q.role),
            str(people.get(q.role, "")),
            fmt_figure(q.planned, 1, loc),
            str(q.recommended),
            str(q.today),
            _why_held(q, loc),
        )
    return table


def _why_held(q: QuotaLine, locale: str) -> str:
    why = _why(q, locale)
    return f"{why}; {held_text(q, locale)}" if q.held_by_cap else why


def plan_card_json(card: PlanCard) -> dict[str, Any]:
    """The card as plain data, each line and quota with its text."""
    data = dataclasses.asdict(card)
    data["header"] = header_text(card)
    data["note"] = ROUNDING_NOTE
    style = card_style(card)  # one for the whole card: once, not once a line
    for row, line in zip(data["lines"], card.lines, strict=True):
        row["text"] = line_text(line, card.currency, card.locale, style)
    for row, q in zip(data["quotas"], card.quotas, strict=True):
        row["text"] = quota_text(q, _locale(card))
    return data


CARD_COLUMNS = (
    "role",
    "step",
    "name",
    "segment",
    "channel",
    "in_person",
    "target",
    "per_month",
    "per_person_day",
    "per_person_week",
    "text",
)


def plan_card_frame(card: PlanCard) -> pd.DataFrame:
    """The card as one tidy table (stored with a run, so every export carries it).

    The first row is the plan (step "plan", the header's text); then a row per line;
    then two rows per quota (step "quota": today's and the recommended, dials a day at
    work in ``per_person_day``).
    """
    rows: list[dict[str, Any]] = [
        _row(
            role="", step="plan", name="plan", per_month=card.plan_per_month, text=header_text(card)
        )
    ]
    style = card_style(card)  # one for the whole card: once, not once a line
    for line in card.lines:
        rows.append(
            {
                **{k: getattr(line, k) for k in CARD_COLUMNS if k != "text"},
                "text": line_text(line, card.currency, card.locale, style),
            }
        )
    for q in card.quotas:
        rows.append(
            _row(q.role, "quota", TODAYS_QUOTA, day=q.today, text=quota_text(q, _locale(card)))
        )
        held = held_text(q, _locale(card)) if q.held_by_cap else ""
        rows.append(_row(q.role, "quota", RECOMMENDED_QUOTA, day=q.recommended, text=held))
    return pd.DataFrame(rows, columns=list(CARD_COLUMNS))


def _row(
    role: str,
    step: str,
    name: str,
    per_month: float = float("nan"),
    day: float = float("nan"),
    text: str = "",
) -> dict[str, Any]:
    return {
        "role": role,
        "step": step,
        "name": name,
        "segment": "",
        "channel": "",
        "in_person": False,
        "target": step == "quota",
        "per_month": per_month,
        "per_person_day": day,
        "per_person_week": float("nan"),
        "text": text,
    }
