"""Money written by Babel (CLDR data) in a scenario's currency and locale.

``Scenario.money_locale`` says how: "35,7 млн ₽", "€72K", "$1.2M". A set of amounts shown
together (a column, an interval) gets one scale, chosen by its largest amount, so no
column reads "86,438 EUR" above "0.10 M EUR": :func:`format_money_column` and
:func:`format_money_range`.

A column whose amounts span too widely (a March plan of €900 beside €2M, $152K beside
$1.5B) has no one scale that reads: the largest's writes the smallest as "<€0.01M", and
digits enough for the smallest ("€0.0009M") read no better. The choice: a set keeps one
scale while its smallest non-zero amount is at least :data:`SMALLEST_STEP` of the
scale's unit (0.05M: written to two decimals, within 10 %; "$0.09M" beside "$35.73M"
stays); below that each amount gets its own scale ("€900" beside "€2M"), every cell
saying its unit, so none is misread. Pure (no files, no printing): the optimiser's messages and
every front end write money through here, one way.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from sim.scenario import Scenario

__all__ = [
    "SMALLEST_STEP",
    "MoneyScale",
    "format_money",
    "format_money_column",
    "format_money_range",
    "money_scale",
    "spans_widely",
]


# The least share of a scale's unit that its two decimals write within 10 % (0.05M):
# a set whose smallest non-zero amount is below it gives each amount its own scale.
SMALLEST_STEP = 0.05


@dataclass(frozen=True)
class MoneyScale:
    """One way to write a set of amounts: the CLDR magnitude and the fraction digits.

    ``magnitude`` is a key of the locale's compact currency formats (1000, 1000000, ...)
    or 1 for the full form ("€86,438"); ``digits`` is the number of decimals shown.
    """

    magnitude: int
    digits: int


def _finite(values: Iterable[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


@cache
def _locale(locale: str) -> Locale:
    return Locale.parse(locale)


def _compact(locale: str) -> dict[str, dict[str, NumberPattern]]:
    # plural form -> magnitude -> pattern, CLDR's short compact currency formats
    return _locale(locale).compact_currency_formats["short"]  # type: ignore[no-any-return]


def _divisor(magnitude: int, pattern: NumberPattern) -> int:
    """What a compact pattern divides by: "¤00K" at 10000 divides by 1000 (CLDR TR35)."""
    zeros = str(pattern.pattern).count("0")
    return int(magnitude // 10 ** (zeros - 1))


def money_scale(values: Iterable[float | None], locale: str) -> MoneyScale:
    """The one scale for a set of amounts: that of the largest, to three significant digits.

    The magnitude is the largest CLDR compact magnitude at or below the largest absolute
    amount, rounded first to three significant digits (so 999,999 reads "1M", not
    "1000K"); a locale whose pattern there does not divide ("0", de_DE's thousands)
    keeps the full form. The decimals give the largest amount three significant
    digits and the smallest two, at most two decimals (35.7M; 0.09M beside 35.73M).
    """
    finite = [abs(v) for v in _finite(values)]
    top = max(finite, default=0.0)
    if top == 0:
        return MoneyScale(1, 0)
    top = float(f"{top:.3g}")
    formats = _compact(locale)["other"]
    magnitude = 1
    for key in sorted((int(k) for k in formats), reverse=True):
        if top >= key:
            pattern = formats[str(key)]
            if "0" in pattern.pattern and pattern.pattern.strip("0") != "":
                magnitude = key
            break
    if magnitude == 1:
        return MoneyScale(1, 0)
    # "¤00K" at 10000 and "¤0K" at 1000 divide alike; the one-digit pattern also writes
    # the smaller amounts of the set (0.1M, not 00.1M).
    divisor = _divisor(magnitude, formats[str(magnitude)])
    magnitude = divisor if str(divisor) in formats else magnitude
    scaled = top / divisor
    digits = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
    # The smallest amount keeps two significant digits too, within two decimals.
    low = min(v for v in finite if v > 0) / divisor
    if low < 10:
        digits = max(digits, min(2, 1 - math.floor(math.log10(low))))
    return MoneyScale(magnitude, digits)


@cache
def _full_pattern(locale: str) -> NumberPattern:
    """The locale's standard currency pattern without its cents: "¤#,##0", "#,##0 ¤"."""
    standard = _locale(locale).currency_formats["standard"].pattern
    return parse_pattern(re.sub(r"\.0+", "", standard))


def _full(value: float, currency: str, locale: str) -> str:
    number = decimal.Decimal(round(value))
    full = _full_pattern(locale).apply(number, locale, currency=currency, currency_digits=False)
    return str(full)


def format_money(
    value: float | None,
    currency: str,
    locale: str | None = None,
    *,
    scale: MoneyScale | None = None,
    signed: bool = False,
) -> str:
    """An amount of money in ``currency`` (ISO 4217), written for ``locale``.

    ``scale`` (:func:`money_scale`) is the set's when the amount is one of several shown
    together; by default the amount's own. ``locale`` defaults to the currency's usual
    one (``Scenario.default_locale``). NaN or None: "-". A zero is written in full ("$0")
    whatever the scale; an amount that the scale rounds to zero is written as below its
    smallest step ("<$0.01B"), so no cell of a column reads "$0M" for a non-zero amount.
    """
    if value is None or not math.isfinite(value):
        return "-"
    loc = locale or Scenario.default_locale(currency)
    scale = scale or money_scale([value], loc)
    sign = "+" if signed and value > 0 else ""
    if scale.magnitude == 1 or value == 0:
        # An exact zero is written in full ("RUB0", "0 ₽", "€0") in any column: "RUB0M"
        # reads as an amount rounded to zero millions, which a zero is not.
        return sign + _full(value, currency, loc)
    compact = _compact(loc)
    key = str(scale.magnitude)
    pattern = compact["other"][key]
    divisor = _divisor(scale.magnitude, pattern)
    number = round(decimal.Decimal(str(value)) / divisor, scale.digits)
    if number == 0:
        # Too small for the column's scale (1,500 among billions): not a zero, so the
        # smallest step the column writes, "<€0.01B" (">-€0.01B" below zero).
        step = format_money(10.0**-scale.digits * divisor, currency, loc, scale=scale)
        return f"<{step}" if value > 0 else f">-{step}"
    plural = _locale(loc).plural_form(abs(number).normalize())
    if plural in compact and key in compact[plural]:
        pattern = compact[plural][key]
    text = pattern.apply(
        number, loc, currency=currency, currency_digits=False, decimal_quantization=False
    )
    return sign + str(text)


def format_money_column(
    values: Sequence[float | None], currency: str, locale: str | None = None
) -> list[str]:
    """Amounts shown in one column (or one row of a chart's axis): one scale, if one reads.

    One scale (:func:`money_scale`) for the set; when it spans too widely
    (:func:`spans_widely`), each amount in its own scale ("€900" beside "€2M", not
    "<€0.01M" beside "€2M"). Returns one text per value.
    """
    loc = locale or Scenario.default_locale(currency)
    if spans_widely(values, loc):
        return [format_money(v, currency, loc) for v in values]
    scale = money_scale(values, loc)
    return [format_money(v, currency, loc, scale=scale) for v in values]


def spans_widely(values: Iterable[float | None], locale: str) -> bool:
    """Whether no one scale reads the set (900 among millions).

    True when its smallest non-zero amount, in the scale of :func:`money_scale`, is
    below :data:`SMALLEST_STEP` of the scale's unit.
    """
    sizes = [abs(v) for v in _finite(values) if v != 0]
    scale = money_scale(sizes, locale)
    if not sizes or scale.magnitude == 1:
        return False
    divisor = _divisor(scale.magnitude, _compact(locale)["other"][str(scale.magnitude)])
    return min(sizes) / divisor < SMALLEST_STEP


def format_money_range(
    low: float | None,
    high: float | None,
    currency: str,
    locale: str | None = None,
    *,
    joiner: str = " to ",
) -> str:
    """An interval of amounts in one scale: "€72K to €100K"."""
    first, second = format_money_column([low, high], currency, locale)
    return f"{first}{joiner}{second}"
