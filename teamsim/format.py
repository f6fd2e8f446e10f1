"""Numbers for people: one way to show money, shares, minutes and counts everywhere.

The terminal and the dashboard both read a plan's figures through here, so a service
target or an expected attainment reads the same in both.

Money is written by ``sim.money`` (Babel, in the scenario's currency and locale), a
share and a plain figure by ``sim.percent`` ("83.3 %", "38.7"; Babel in the same locale:
"83,3 %", "38,7" for ru_RU), the places the optimiser's messages and the front ends
share; their names are re-exported here. A figure a person reads is written here, in
the scenario's locale (``Scenario.money_locale``, ``locale`` below); JSON and CSV keep
plain numbers. A calendar month a person reads is ``sim.month_title`` ("Apr 2027"),
re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import teamsim.figure_tables  # noqa: F401  (on import: rich keeps figures whole)
from optimizer import Marginal, Plan, PlanCard, RoleLine, ServiceLine
from sim import MoneyScale as MoneyScale
from sim import format_answer_time, title
from sim import format_money as format_money
from sim import format_money_column as format_money_column
from sim import format_money_range as format_money_range
from sim import format_number as format_number
from sim import format_percent as format_percent
from sim import format_percent_range as format_percent_range
from sim import format_significant as format_significant
from sim import money_scale as money_scale
from sim import month_title as month_title
from sim.scenario import Scenario

SERVICE_TITLE = "Inbound requests: load, seats and roster"
SERVICE_CAPTION = (
    "Offered load: requests a minute x handling minutes, over the minutes requests arrive. "
    "Seats: agents needed present (Erlang C for the target; Erlang A where callers hang up "
    "after their patience, M/M/c/K where lines or a waiting room turn requests away; "
    "under the occupancy cap). Roster: the people who give those "
    "seats after days away and pauses. Channels answered by the same people share one "
    "desk, and its figures; with retrials, the requests are the first calls and the load "
    "includes the calls again. Gross-up for days away and whole people: roster / (seats x "
    "the pauses' gross-up), above 1 / presence as the days with more people away and the "
    "rounding up to whole people count too. Expected service level: the lowest "
    "interval's where the target holds in every interval (service_level_per: interval), "
    "else the whole day's."
)

# The roster per seat present, the pauses' gross-up apart (ServiceLine.days_away_gross_up):
# more than 1 / presence, as the days with more people away and whole people count too.
DAYS_AWAY_ROW = "gross-up for days away and whole people"

# Which service level a figure is, said beside it in one short wording: the plan's
# header quotes its target's (the lowest interval's when the target holds in every
# interval), the verify loop's table the whole day's, as the simulated KPI beside it.
LOWEST_INTERVAL = "lowest interval"
WHOLE_DAY = "whole day"


def service_level_scope(service: ServiceLine) -> str:
    """Whether a plan's expected service level is its lowest interval's or the whole day's.

    The lowest interval's when the desk's day has intervals and the target holds in every
    one (``service_level_per: interval``); otherwise the day's requests' (a desk alike all
    day has one level for every interval).
    """
    per_interval = bool(service.intervals) and service.service_level_per == "interval"
    return LOWEST_INTERVAL if per_interval else WHOLE_DAY


def fmt_value(
    value: float | None,
    unit: str,
    currency: str,
    *,
    signed: bool = False,
    locale: str | None = None,
    scale: MoneyScale | None = None,
    days: bool | None = None,
) -> str:
    """Format a KPI value by its unit (share, currency, min, days, or a count).

    Money goes through :func:`format_money` (in ``locale``, by default the currency's
    usual one, and in ``scale`` when the value is one of a set shown together), a share
    through :func:`format_percent` ("83.3 %"). With
    ``signed``, a difference: "+" before a positive figure, and one that rounds to zero
    reads "0.0" (never "-0.0", nor "+0.0"). ``days`` is a duration's unit chosen for a set
    shown together (:func:`minutes_in_days`), by default the value's own. Every figure,
    money or not, in ``locale``: "100,0 %" and "38,7" beside "30,0 млн ₽" (ru_RU).
    """
    if value is None or not math.isfinite(value):
        return "-"
    if unit == "share":
        return format_percent(value, signed=signed, locale=locale)
    if unit == "currency":
        return format_money(value, currency, locale, scale=scale, signed=signed)
    if unit == "min":
        return fmt_minutes(value, signed=signed, days=days, locale=locale)
    if unit == "days":
        return f"{_signed(value, signed, locale=locale)} {unit}"
    return _signed(value, signed, locale=locale)


# A count on the plan card (deals, stage entries, leads, conversations, dials): three
# significant digits, as money (sim.money); a whole part is never rounded (2,315, not
# 2,320) and a small count keeps at most two decimals (0.03, not 0.0265).
COUNT_SIGNIFICANT = 3
COUNT_MOST_DECIMALS = 2


def count_digits(value: float) -> int:
    """The decimals a count is written with: 285.673 -> 0, 48.35 -> 1, 4.64 -> 2, 0.4 -> 2.

    Three significant digits (:data:`COUNT_SIGNIFICANT`), none below the units, at most
    :data:`COUNT_MOST_DECIMALS`; zero (and a count that is not a number) takes none.
    """
    if not math.isfinite(value) or value == 0:
        return 0
    # Of the value at three significant digits: 99.96 reads "100", not "100.0".
    leading = math.floor(math.log10(abs(float(f"{value:.{COUNT_SIGNIFICANT}g}"))))
    return max(0, min(COUNT_MOST_DECIMALS, COUNT_SIGNIFICANT - 1 - leading))


def fmt_count(value: float, locale: str | None = None) -> str:
    """A count by the one rule (:func:`count_digits`): "2,315", "286", "48.4", "4.64".

    In ``locale`` (Babel): "2 315", "48,4" for ru_RU.
    """
    if not math.isfinite(value):
        return "-"
    digits = count_digits(value)
    return format_number(round(value, digits) + 0.0, digits, locale=locale)


MINUTES_A_DAY = 24 * 60  # a calendar day: a wait carried over nights and weekends counts them


def minutes_in_days(values: Iterable[float]) -> bool:
    """Whether durations shown together (an interval and its difference) read in days.

    The one unit is chosen once, from the largest magnitude (a day or more), the same for
    all the numbers.
    """
    finite = [abs(v) for v in values if math.isfinite(v)]
    return bool(finite) and max(finite) >= MINUTES_A_DAY


def fmt_minutes(
    minutes: float,
    *,
    signed: bool = False,
    unit: bool = True,
    days: bool | None = None,
    locale: str | None = None,
) -> str:
    """A duration in minutes as a person reads it: minutes up to a day, days beyond.

    "45.0 min", but "102.4 days" rather than "147,507.2 min". Without ``unit`` (a table
    row whose label says minutes) a duration under a day is the bare figure; one of a
    day or more always names its days, so it is never read as minutes. ``days`` chooses
    the unit for a set shown together (:func:`minutes_in_days`): "-0.2 days" beside
    "0.7 days", never "-309.1 min" beside "-1.2 days". The figure in ``locale``.
    """
    if not math.isfinite(minutes):
        return "-"
    if days if days is not None else abs(minutes) >= MINUTES_A_DAY:
        return f"{_signed(minutes / MINUTES_A_DAY, signed, locale=locale)} days"
    figure = _signed(minutes, signed, locale=locale)
    return f"{figure} min" if unit else figure


def in_points(share_difference: float) -> float:
    """A difference of two shares in percentage points: 0.5 -> 50.0 (the one rule).

    :func:`fmt_points` writes it for the terminal; the comparison workbook stores it with
    the number format '0.0 "pp"'.
    """
    return 100 * share_difference


def fmt_margin(plan_factor: float, locale: str | None = None) -> str:
    """The verify loop's margin on the plan: a plan factor of 1.19 reads "+19 %".

    Whole percent, signed (``sim.format_percent``, in ``locale``): the header of the plan
    card, the iterations and the dashboard say the margin alike.
    """
    return format_percent(plan_factor - 1, digits=0, signed=True, locale=locale)


def fmt_points(value: float | None, *, signed: bool = False, locale: str | None = None) -> str:
    """A difference of two shares in percentage points: "+50.0 pp" (0.5 -> 50 points).

    44.4 % to 94.4 % is +50.0 points, not "+50.0 %" (which reads as a relative change).
    """
    if value is None or not math.isfinite(value):
        return "-"
    return f"{_signed(in_points(value), signed, grouped=False, locale=locale)} pp"


def _signed(
    value: float,
    signed: bool,
    *,
    grouped: bool = True,
    digits: int = 1,
    locale: str | None = None,
) -> str:
    """A figure to ``digits`` decimals (``grouped``: with separators); signed: "+1.5", "0.0".

    Rounded first, so -0.04 is "0.0" (and -0.4 at no decimals "0"): a difference too small
    to show has no sign. Written by ``sim.format_number`` in ``locale``.
    """
    return format_number(value, digits, locale=locale, signed=signed, grouped=grouped)


def fmt_figure(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    """A plain figure a person reads, in ``locale``: "38.7" ("38,7" for ru_RU); None: "-"."""
    if value is None or not math.isfinite(value):
        return "-"
    return format_number(value, digits, locale=locale)


def fmt_significant(value: float, significant: int = 3, locale: str | None = None) -> str:
    """A factor to ``significant`` digits, in ``locale``: 1.25 -> "1.25" ("1,25" ru_RU).

    ``sim.format_significant``, the one rule the optimiser's messages write too.
    """
    return format_significant(value, significant, locale=locale)


# A frame's attrs entry (pandas DataFrame.attrs) naming, per column, the column that holds
# that column's unit row by row; without it a sheet formats a row by its ``unit`` column.
# The comparison workbook's differences of shares are in points (teamsim.export reads it).
ROW_UNITS = "row_units"


def fmt_answer_time(minutes: float, locale: str | None = None) -> str:
    """An answer time as a desk states it: "20 s", "1.5 min" (sim.percent's rule)."""
    return format_answer_time(minutes, locale)


def fmt_service_target(share: float, within_min: float, locale: str | None = None) -> str:
    """A service-level target: "80.0 % within 20 s" (``locale``: "80,0 % within 20 s")."""
    within = fmt_answer_time(within_min, locale)
    return f"{fmt_value(share, 'share', '', locale=locale)} within {within}"


def fmt_gross_up(factor: float, locale: str | None = None) -> str:
    """A gross-up (people on the roster per seat present, ...): "x1.08" ("x1,08" ru_RU)."""
    return f"x{fmt_figure(factor, 2, locale)}"


def expected_outcome(
    plan: Plan, card: PlanCard | None = None, scenario: Scenario | None = None
) -> str:
    """What the plan expects to deliver, in one sentence.

    A team that sells: its expected attainment (mean over the counted months of expected
    revenue / plan), against the scenario's own plan: with the plan's ``card``, the plan
    before the verify loop's margin (``PlanCard.expected_attainment``, 117 % for a plan
    sized +17 % above it), so the header and the iterations table say one number. A team
    that sells nothing has no plan to quote (its plan is nominal): its service targets
    and the service level expected with its answerers, each channel by its title in
    ``scenario`` (``sim.title``; without one, its id in words).
    """
    expected = plan.expected_attainment if card is None else card.expected_attainment
    loc = scenario.money_locale if scenario is not None else (card.locale if card else None)
    if expected is not None:
        share = fmt_value(expected, "share", plan.currency, locale=loc or None)
        return f"expected attainment {share} of plan, mean over the counted months"
    if plan.plan_per_month > 0:
        return "attainment not measured: no whole calendar month lies after the warm-up"
    if not plan.services:
        return "no sales plan and no service target: sized for its duties"
    targets = [
        f"{title(s.channel, scenario)} "
        f"{fmt_service_target(s.service_level_target, s.answer_within_min, loc or None)}, "
        f"expected {fmt_value(s.expected_service_level, 'share', plan.currency, locale=loc)} "
        f"({service_level_scope(s)})"
        for s in plan.services
    ]
    return "no sales plan; service targets: " + "; ".join(targets)


def service_rows(plan: Plan, locale: str | None = None) -> list[dict[str, str]]:
    """Per inbound channel, the sizing of its answerers: column label -> text.

    Offered load, seats needed present, the gross-ups for days away and pauses, the
    roster needed, the answerers planned and the expected service level against its
    target; with patience on some channel, the mean patience and the share expected to
    hang up (Erlang A); with lines or a waiting room, those and the share expected to be
    turned away. The terminal and the dashboard show these same columns, in ``locale``.
    """
    cur, loc = plan.currency, locale
    patience = any(s.patience_min is not None for s in plan.services)
    limited = any(s.lines is not None or s.waiting_room is not None for s in plan.services)
    rows = []
    for s in plan.services:
        row = {
            "channel": s.channel,
            "requests a day": fmt_figure(s.requests_per_day, 0, loc),
            "arrival minutes a day": fmt_figure(s.arrival_min_per_day, 0, loc),
            "handling, min (mean)": fmt_figure(s.handle_min, 1, loc),
            "offered load, Erlangs": fmt_figure(s.offered_load_erlangs, 1, loc),
            "seats needed present": str(s.seats_present),
            DAYS_AWAY_ROW: fmt_gross_up(s.days_away_gross_up, loc),
            "gross-up for pauses": fmt_gross_up(s.pause_gross_up, loc),
            "roster needed": str(s.roster),
            "answerers planned": str(s.answerers),
            "target": fmt_service_target(s.service_level_target, s.answer_within_min, loc),
            "expected service level": fmt_value(s.expected_service_level, "share", cur, locale=loc),
        }
        if patience:
            row["patience, min (mean)"] = (
                "none" if s.patience_min is None else fmt_figure(s.patience_min, 1, loc)
            )
            row["expected to hang up"] = fmt_value(
                s.expected_abandoned_share, "share", cur, locale=loc
            )
        if limited:
            row["lines"] = "no limit" if s.lines is None else str(s.lines)
            row["waiting room"] = "no limit" if s.waiting_room is None else str(s.waiting_room)
            row["expected turned away"] = fmt_value(
                s.expected_blocked_share, "share", cur, locale=loc
            )
        rows.append(row)
    return rows


INTERVALS_TITLE = "Service by interval"
INTERVALS_CAPTION = (
    "Requests: first calls in the interval on such a day. On pause: the share of the "
    "answerers away on the break rota's slots. On the floor: answerers planned x presence "
    "(days away) x (1 - on pause). Seats needed: agents on the floor the interval's target "
    "needs. Expected service level: with those on the floor (a fractional number read "
    "linearly between whole agents); the target holds in every interval "
    "(service_level_per: interval) or over the day's requests (day)."
)


def interval_rows(plan: Plan, locale: str | None = None) -> list[dict[str, str]]:
    """Per inbound channel with intervals, one row per interval: column label -> text.

    Weekday (when the desk differs by weekday), interval, requests, offered load, share on
    pause, answerers on the floor, seats needed, expected service level (and the share
    expected to hang up, with patience); the terminal and the dashboard show these rows.
    """
    cur, loc = plan.currency, locale
    rows = []
    for s in plan.services:
        weekly = any(iv.weekday is not None for iv in s.intervals)
        patience = s.patience_min is not None
        for iv in s.intervals:
            row = {"channel": s.channel}
            if weekly:
                row["weekday"] = (iv.weekday or "").title()
            row |= {
                "interval": iv.interval,
                "requests": fmt_figure(iv.requests, 1, loc),
                "Erlangs": fmt_figure(iv.offered_load_erlangs, 2, loc),
                "on pause": fmt_value(iv.on_pause, "share", cur, locale=loc),
                "on the floor": fmt_figure(iv.on_floor, 1, loc),
                "seats needed": str(iv.seats_needed),
                "expected service level": fmt_value(
                    iv.expected_service_level, "share", cur, locale=loc
                ),
            }
            if patience:
                row["expected to hang up"] = fmt_value(
                    iv.expected_abandoned_share, "share", cur, locale=loc
                )
            rows.append(row)
    return rows


def limits_valued(result: Plan) -> bool:
    """Whether any binding limit has a marginal (dual) value to show.

    A whole-number plan (sizing) has none: its tables leave the column out rather than
    print one of blanks (what one person more is worth is the re-solved marginals).
    """
    return any(lim.marginal is not None for lim in result.limits)


def marginal_cells(result: Plan, loc: str = "") -> list[tuple[str, str]]:
    """Per ``result.marginals``: the "one more" and "one fewer" cells, as people read them.

    A change of the objective (money in the scenario's locale ``loc``, in one scale, when
    the unit is money), or why there is none: "at its max" / "at its min" (the role's
    range), "infeasible", or "" (not computed: first-order duals). ``teamsim plan`` and
    the dashboard's Plan page both write the table through here.
    """
    unit = result.marginals[0].unit if result.marginals else ""
    money = unit.startswith(f"{result.currency}/")
    values = [v for m in result.marginals for v in (m.one_more, m.one_fewer)]
    scale = money_scale(values, loc or Scenario.default_locale(result.currency))

    def change(value: float) -> str:
        if not money:
            return _signed(value, True, digits=0, locale=loc or None)
        return format_money(value, result.currency, loc or None, scale=scale, signed=True)

    lines = {line.role: line for line in result.roles}
    return [one_more_fewer(m, lines.get(m.role), change) for m in result.marginals]


def marginal_note(result: Plan, loc: str = "") -> str | None:
    """Why "one more" reads 0 for a role of alike units, when it does; else None.

    Alike branches share the network's plan: a client manager more forced into one
    branch lets another carry one fewer at the same cost, so the re-solve's change is 0.
    Read alone, "RUB 0" would say the person is worth nothing. ``loc``: the money's
    locale (the scenario's ``money_locale``).
    """
    zero = [
        m
        for m in result.marginals
        if result.alike_units_of(m.role)
        and any(v is not None and abs(v) < 0.5 for v in (m.one_more, m.one_fewer))
    ]
    if not zero:
        return None
    money = zero[0].unit.startswith(f"{result.currency}/")
    nothing = format_money(0.0, result.currency, loc or None) if money else "0"
    return (
        f"{nothing} for a role of alike units: the same cost with the person moved to or "
        "from another of them (they share the plan), not a person worth nothing."
    )


def limit_values(result: Plan, loc: str = "") -> list[str]:
    """Per ``result.limits``: its marginal value (shadow price) as people read it, or "".

    Money ("RUB/month per extra dial a day") is written as all money is (Babel, in the
    scenario's locale ``loc``, one scale for the column): "5,2 тыс. ₽ a month per extra
    dial a day"; a ratio ("RUB of objective per RUB of plan") as a figure with two
    decimals, in ``loc``. ``teamsim plan`` and the dashboard's Plan page both read it.
    """
    cur = result.currency
    locale = loc or Scenario.default_locale(cur)
    money = [
        lim.marginal
        if lim.marginal is not None and lim.marginal_unit.startswith(f"{cur}/")
        else None
        for lim in result.limits
    ]
    amounts = iter(format_money_column([m for m in money if m is not None], cur, locale))
    shown = []
    for lim, amount in zip(result.limits, money, strict=True):
        if lim.marginal is None:
            shown.append("")
        elif amount is not None:
            per = lim.marginal_unit.removeprefix(f"{cur}/")
            per = "a month" + per.removeprefix("month") if per.startswith("month") else per
            shown.append(f"{next(amounts)} {per}")
        else:
            figure = fmt_figure(lim.marginal, 2, locale)
            shown.append(f"{figure} {lim.marginal_unit}".rstrip())
    return shown


def one_more_fewer(
    m: Marginal, line: RoleLine | None, change: Callable[[float], str]
) -> tuple[str, str]:
    """The two cells of a role: the change, or why there is none (a limit, no plan)."""
    resolved = m.method == "re-solve"
    at_max = line is not None and line.headcount >= line.max
    at_min = line is not None and line.headcount <= line.min
    more = (
        change(m.one_more)
        if m.one_more is not None
        else ("at its max" if resolved and at_max else ("infeasible" if resolved else ""))
    )
    fewer = (
        change(m.one_fewer)
        if m.one_fewer is not None
        else ("at its min" if resolved and at_min else ("infeasible" if resolved else ""))
    )
    return more, fewer
