"""A calendar month as a person reads it: "2027-04" -> "Apr 2027" ("апр. 2027 г." ru_RU).

The one home of the rule: the optimiser's messages (the plan's design month, the hiring
loop's months below their plan), the terminal's and the dashboard's tables and the
workbooks all name months, and days (a hire's start date), through here, in the
scenario's locale (``Scenario.money_locale``, the locale of figures and money too).
JSON and CSV keep the "YYYY-MM" label (``Scenario.month_label``). Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date, format_skeleton

from sim.percent import NUMBER_LOCALE

__all__ = ["MONTH_SKELETON", "MONTH_SKELETON_WIDE", "day_title", "month_title", "month_titles"]

# The skeleton of a calendar month a person reads: the month's name and the year, CLDR's
# short form ("Apr 2027", ru_RU "апр. 2027 г.", de_DE "Apr. 2027"); wide: "April 2027".
MONTH_SKELETON = "yMMM"
MONTH_SKELETON_WIDE = "yMMMM"


def month_title(label: str, locale: str | None = None, *, wide: bool = False) -> str:
    """A calendar month ("YYYY-MM", as JSON and CSV keep it) as a person reads it.

    "2027-04" -> "Apr 2027" (Babel's ``format_skeleton``, in ``locale``: the scenario's,
    by default English); ``wide``: the full name, "April 2027" (the workbooks' columns).
    CLDR's narrow no-break space (ru_RU's "2027 г.") is written as a plain no-break
    space, the one a terminal draws the same width as a space.
    """
    year, month = label.split("-")[:2]
    skeleton = MONTH_SKELETON_WIDE if wide else MONTH_SKELETON
    day = dt.date(int(year), int(month), 1)
    return _plain(str(format_skeleton(skeleton, day, locale=locale or NUMBER_LOCALE)))


def day_title(day: dt.date | str, locale: str | None = None) -> str:
    """A calendar day as a person reads it: CLDR's long date in ``locale``.

    2027-01-11 -> "January 11, 2027" (en_US, the default), "11 January 2027" (en_GB),
    "11 января 2027 г." (ru_RU); a "YYYY-MM-DD" string is read as its date. Written,
    like :func:`month_title`, with a plain no-break space for CLDR's narrow one.
    """
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return _plain(str(format_date(date, "long", locale=locale or NUMBER_LOCALE)))


def _plain(text: str) -> str:
    """CLDR's narrow no-break space as the no-break space a terminal draws like a space."""
    return text.replace("\u202f", "\u00a0")


def month_titles(labels: Iterable[str], locale: str | None = None) -> str:
    """Months in a sentence or a cell: "2027-03, 2027-04" -> "Mar 2027, Apr 2027"."""
    return ", ".join(month_title(label, locale) for label in labels)
