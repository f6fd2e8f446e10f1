"""One KPI figure and its label as the KPI tables write them (terminal tables).

Shared by ``teamsim simulate``'s KPI table (``teamsim.commands.simulate``) and a
network's table by unit (``teamsim.unit_view``), so that a figure reads alike in both.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario import Scenario
    from teamsim.format import MoneyScale


def fmt_kpi(
    value: float | None,
    unit: str,
    money: MoneyScale | None,
    sc: Scenario,
    *,
    days: bool = False,
) -> str:
    """One KPI figure as the KPI table writes it, by its unit of measure (``Kpi.unit``).

    ``money``: the row's one money scale; ``days``: a row of durations read in days.
    "-" for a missing or non-finite value.
    """
    from sim import format_answer_time
    from teamsim.format import fmt_figure, fmt_minutes, format_money

    if value is None or not math.isfinite(value):
        return "-"
    # Every figure in the scenario's locale (teamsim.format): "142,8" beside "42,8 млн ₽".
    if unit == "share":  # the label says %: the figure alone
        return fmt_figure(100 * value, locale=sc.money_locale)
    if unit == "currency":
        return format_money(value, sc.currency, sc.money_locale, scale=money)
    if unit == "answer":  # an answer time: each figure with its unit, "20 s" or "1.5 min"
        return format_answer_time(value, sc.money_locale)
    if unit == "min":  # the label says minutes, or days for a row in days (_label)
        return fmt_minutes(value, unit=False, days=days, locale=sc.money_locale)
    return fmt_figure(value, locale=sc.money_locale)


def kpi_label(label: str, unit: str, days: bool = False) -> str:
    """A KPI's label as the KPI table shows it, its unit of measure in words."""
    # Units other than shares are in the label as words (sim.kpis.KPIS); money cells
    # carry their currency. A row of waits of a day or more reads in days, all its
    # figures and its label alike: never "(mean, minutes)" beside "4.3 days".
    if unit == "min" and days:
        return label.replace("minutes", "days")
    if unit == "answer":  # each figure names its unit (seconds below a minute)
        return label.replace(", minutes)", ")")
    # A no-break space: a narrow column never leaves the "%" alone on a line, where it
    # reads as a figure cut from the row above (teamsim.figure_tables).
    return f"{label},\u00a0%" if unit == "share" else label
