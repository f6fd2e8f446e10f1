"""A share as a percent ("83.3 %") and a plain figure ("38.7"), one way in every report.

Written by Babel (CLDR data) for the scenario's locale (``Scenario.money_locale``, the
one locale of an output: money in ``sim.money`` is written in it too), so a scenario
with ``locale: ru_RU`` reads "100,0 %" and "38,7" beside "30,0 млн ₽", never "100.0 %";
without a locale English ("83.3 %", "2,315.5").

The rule, as ``sim.money`` is for amounts: a share (0.833) is written as a percent with
one decimal, in the locale's percent pattern with a space before the sign where the
locale writes none ("83.3 %", as English technical text and ISO 80000 write it, and as
every report of teamsim did before this module; ru_RU and de_DE's own no-break space,
"83,3 %"); a
difference is signed ("+19 %"), and one that rounds to zero at the shown decimals has no
sign ("0 %", never "+0 %" or "-0 %"). An interval is written "62.1 % to 93.9 %", the way
every interval of the reports reads (sim.money's ``format_money_range`` too); a chance
with its interval "83.3 % (95 % interval 62.1 % to 93.9 %)".

Pure: the optimiser's messages and every front end write percents through here.
"""

from __future__ import annotations

import copy
import decimal
import math
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern

__all__ = [
    "INTERVAL_JOINER",
    "NUMBER_LOCALE",
    "format_answer_time",
    "format_chance",
    "format_number",
    "format_percent",
    "format_percent_range",
    "format_significant",
]

# The locale of a figure written without one: English, as teamsim's words are
# (sim.scenario's FALLBACK_LOCALE, the default of a scenario's money too).
NUMBER_LOCALE = "en_US"

# Between the two ends of an interval: the one joiner of every interval a report writes,
# shares here and amounts in sim.money.format_money_range.
INTERVAL_JOINER = " to "


@cache
def _patterns(locale: str) -> tuple[NumberPattern, NumberPattern]:
    """The locale's decimal pattern and its percent pattern, a space before a bare sign."""
    loc = Locale.parse(locale)
    percent = copy.copy(loc.percent_formats[None])
    # ISO 80000's space where CLDR writes none (English "83%"): "83.3 %"; a locale that
    # parts the sign already (ru_RU, de_DE: a no-break space) keeps its own.
    percent.suffix = tuple(" " + x if x.startswith("%") else x for x in percent.suffix)
    percent.prefix = tuple(x + " " if x.endswith("%") else x for x in percent.prefix)
    return loc.decimal_formats[None], percent


def _apply(
    pattern: NumberPattern, number: decimal.Decimal, digits: int, locale: str, *, grouped: bool
) -> str:
    fixed = copy.copy(pattern)
    fixed.frac_prec = (digits, digits)
    return str(fixed.apply(number, locale, group_separator=grouped))


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def format_number(
    value: float | None,
    digits: int = 1,
    *,
    locale: str | None = None,
    signed: bool = False,
    grouped: bool = True,
) -> str:
    """A plain figure to ``digits`` decimals in ``locale`` (Babel): "2,315.5", "2 315,5".

    ``grouped``: with the locale's digit groups. ``signed``: a difference, "+" before a
    positive figure; one that rounds to zero has no sign ("0.0", never "-0.0" nor
    "+0.0"). NaN or None: "-". Without ``locale``, :data:`NUMBER_LOCALE`.
    """
    if value is None or not math.isfinite(value):
        return "-"
    loc = locale or NUMBER_LOCALE
    # Rounded as Python writes the float (the figures of every report before Babel).
    number = decimal.Decimal(f"{value:.{digits}f}")
    if number == 0:
        number = abs(number)
    sign = "+" if signed and number > 0 else ""
    return sign + _apply(_patterns(loc)[0], number, digits, loc, grouped=grouped)


def format_significant(
    value: float | None, significant: int = 3, *, locale: str | None = None
) -> str:
    """A figure to ``significant`` digits in ``locale``: 1.25 -> "1.25" ("1,25" ru_RU).

    A factor or a small count a person may redo by hand (x1.3, 4.5 in seat); past the
    significant digits a figure is whole ("1,234", never "1.23e+03"). NaN or None: "-".
    """
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:.{significant}g}"
    if "e" in text:
        return format_number(value, 0, locale=locale)
    return format_number(float(text), _decimals(text), locale=locale)


def format_answer_time(minutes: float, locale: str | None = None) -> str:
    """An answer time as a desk states it: "20 s" below a minute, else "1.5 min".

    Minutes to 3 significant digits; 0 is "0 s" (answered at once).
    """
    if minutes < 1:
        return f"{format_number(minutes * 60, 0, locale=locale)} s"
    return f"{format_significant(minutes, 3, locale=locale)} min"


def format_percent(
    share: float | None,
    *,
    digits: int = 1,
    significant: int | None = None,
    signed: bool = False,
    locale: str | None = None,
) -> str:
    """A share (0.833) as a percent: "83.3 %"; NaN or None: "-".

    ``digits``: decimals shown (one by default; 0 for "+19 %"); ``significant``: instead,
    that many significant digits ("32.5 %", "100 %", "9.64 %": a rate to redo a division
    by hand). ``signed``: a difference, "+" before a positive one; a share that rounds to
    zero at the digits shown has no sign, nor a "-0". ``locale``: the scenario's
    (``Scenario.money_locale``), by default :data:`NUMBER_LOCALE` ("83.3 %"); ru_RU
    writes "83,3 %" (Babel's percent pattern, a no-break space before the sign).
    """
    if share is None or not math.isfinite(share):
        return "-"
    value = 100 * share
    if significant is not None:
        text = f"{value:.{significant}g}"
        # "1e+03" is not a percent: past the significant digits, whole percent.
        text = f"{value:.0f}" if "e" in text else text
    else:
        text = f"{value:.{digits}f}"
    number = abs(decimal.Decimal(text)) if float(text) == 0 else decimal.Decimal(text)
    sign = "+" if signed and number > 0 else ""  # -0.04 shows "0.0", with no sign
    loc = locale or NUMBER_LOCALE
    # The pattern multiplies by 100 (CLDR's percent scale): it is given the share.
    shown = _apply(_patterns(loc)[1], number.scaleb(-2), _decimals(text), loc, grouped=True)
    return sign + shown


def format_percent_range(
    low: float | None,
    high: float | None,
    *,
    digits: int = 1,
    joiner: str = INTERVAL_JOINER,
    locale: str | None = None,
) -> str:
    """An interval of shares: "62.1 % to 93.9 %" (each end by :func:`format_percent`)."""
    first = format_percent(low, digits=digits, locale=locale)
    return f"{first}{joiner}{format_percent(high, digits=digits, locale=locale)}"


def format_chance(
    p: float | None,
    low: float | None,
    high: float | None,
    *,
    labelled: bool = True,
    locale: str | None = None,
) -> str:
    """A probability with its 95 % interval: "83.3 % (95 % interval 62.1 % to 93.9 %)".

    The one way P(plan met) and its month-level chances read, in a sentence or a cell;
    ``labelled=False`` for a cell under a header that says "95 % interval": "83.3 %
    (62.1 % to 93.9 %)".
    """
    interval = format_percent_range(low, high, locale=locale)
    said = "95 % interval " if labelled else ""
    return f"{format_percent(p, locale=locale)} ({said}{interval})"
