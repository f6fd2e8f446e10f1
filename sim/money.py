"""Money written by Babel (CLDR data) in a scenario's currency and locale.

``Scenario.money_locale`` says how. teamsim's reports are English, so by default every
currency is written in English number style ("RUB 1.33M", "€72K", "$1.2M"); a scenario
that names a ``locale`` gets that locale's ("1,33 млн ₽" for ru_RU), one style per output
either way. A currency whose symbol is letters (RUB, CHF) is parted from its digits by a
no-break space (CLDR's currencySpacing), as is every unit a locale writes apart
("35,7 млн ₽"): a figure never breaks at a line's end.

The rule for digits, one for every amount shown:

- an amount below a thousand is written in full ("RUB 100", "€370"), whatever the set;
- otherwise in a compact scale (K, M, B) with three significant digits: "€4.60M",
  "€27.6M", "€276M"; a set of amounts shown together (a column, a row, an interval, a
  message) shares one scale and one number of decimals, chosen by its largest amount
  (three significant digits) and its smallest in that scale (at least two, at most two
  decimals), less the decimals that are zero in every amount: "€4.60M" beside
  "€2.76M", "RUB 0.30M" beside "RUB 0.26M", "€2M" beside "€3M", "€4.6M" alone;
- an amount below :data:`SMALLEST_STEP` of the set's unit (RUB 35K among millions would
  read "RUB 0.03M", one digit) is written in its own scale ("RUB 35K"); the amounts of
  a column written in one own scale share their decimals too (:func:`format_money_column`).

Pure (no files, no printing): the optimiser's messages and every front end write money
through here, one way.
"""

from __future__ import annotations

import copy
import decimal
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from sim.percent import INTERVAL_JOINER
from sim.scenario import Scenario

__all__ = [
    "NBSP",
    "SMALLEST_STEP",
    "MoneyScale",
    "format_money",
    "format_money_column",
    "format_money_range",
    "money_scale",
    "money_scales",
    "scale_of",
    "shown_amount",
    "spans_widely",
]

NBSP = "\u00a0"

# The least share of a scale's unit an amount may be and keep the set's scale: 0.10 is
# two significant digits at two decimals; below it ("0.03M") each such amount takes its
# own scale.
SMALLEST_STEP = 0.1

# Amounts below this are written in full, never compact ("RUB 100", not "RUB 0.1K").
FULL_BELOW = 1000.0


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


def _magnitude(top: float, locale: str) -> int:
    """The compact magnitude (a divisor: 1000, 1000000, ...) of an amount, or 1 (in full).

    The largest CLDR compact magnitude at or below ``top`` rounded to three significant
    digits (999,999 reads "1M", not "1000K"); a locale whose pattern there does not
    divide ("0", de_DE's thousands) and any amount below :data:`FULL_BELOW` keep the
    full form.
    """
    if top < FULL_BELOW:
        return 1
    top = float(f"{top:.3g}")
    formats = _compact(locale)["other"]
    for key in sorted((int(k) for k in formats), reverse=True):
        if top >= key:
            pattern = formats[str(key)]
            if "0" not in pattern.pattern or pattern.pattern.strip("0") == "":
                return 1
            # "¤00K" at 10000 and "¤0K" at 1000 divide alike; the one-digit pattern also
            # writes the smaller amounts of the set (0.1M, not 00.1M).
            divisor = _divisor(key, pattern)
            return divisor if str(divisor) in formats else key
    return 1


def money_scale(
    values: Iterable[float | None], locale: str, *, keep_zeros: bool = False
) -> MoneyScale:
    """The one scale for a set of amounts: that of the largest, to three significant digits.

    The magnitude is :func:`_magnitude` of the largest absolute amount. The decimals
    give the largest amount three significant digits and the smallest that keeps the
    scale (at least :data:`SMALLEST_STEP` of its unit) two, at most two decimals
    (35.7M; 0.26M beside 35.73M; 4.60M beside 2.76M), less the decimals zero in all;
    with ``keep_zeros`` those stay too (a headline that reads "RUB 30.0M" whether or
    not a figure beside it needs the decimal: the plan's header, with or without its
    margin's "sized for RUB 35.7M").
    """
    finite = [abs(v) for v in _finite(values)]
    top = max(finite, default=0.0)
    magnitude = _magnitude(top, locale)
    if magnitude == 1:
        return MoneyScale(1, 0)
    scaled = float(f"{top:.3g}") / magnitude
    digits = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
    whole = MoneyScale(magnitude, 0)
    kept = [v / magnitude for v in finite if _keeps(v, whole)]
    low = min(kept, default=scaled)
    if low < 10:
        digits = max(digits, min(2, 1 - math.floor(math.log10(low))))
    # Decimals that are zero in every amount of the set go ("€2M" beside "€3M", "€1M"
    # alone), those one amount needs stay for all ("€4.60M" beside "€2.76M").
    while (
        not keep_zeros
        and digits > 0
        and all(round(v, digits) == round(v, digits - 1) for v in kept)
    ):
        digits -= 1
    return MoneyScale(magnitude, digits)


def _keeps(value: float, scale: MoneyScale) -> bool:
    """Whether ``value`` is written in ``scale`` (else in full or in its own scale)."""
    size = abs(value)
    if scale.magnitude == 1:
        return True
    return size >= FULL_BELOW and size / scale.magnitude >= SMALLEST_STEP


@cache
def _full_pattern(locale: str) -> NumberPattern:
    """The locale's standard currency pattern without its cents: "¤#,##0", "#,##0 ¤"."""
    standard = _locale(locale).currency_formats["standard"].pattern
    return parse_pattern(re.sub(r"\.0+", "", standard))


def _spaced(text: str, currency: str, locale: str) -> str:
    """CLDR's currencySpacing: a symbol of letters ("RUB") parted from digits by a NBSP.

    Babel's pattern ``apply`` leaves "RUB1.33M"; CLDR inserts U+00A0 between a currency
    symbol that is not a symbol character (category S) and a digit. Every space of the
    result is made a no-break one, so no terminal breaks a figure.
    """
    symbol = _locale(locale).currency_symbols.get(currency, currency)
    if symbol and unicodedata.category(symbol[-1])[0] not in "SZ":
        text = re.sub(rf"({re.escape(symbol)})(?=\d)", rf"\1{NBSP}", text)
    if symbol and unicodedata.category(symbol[0])[0] not in "SZ":
        text = re.sub(rf"(?<=\d)({re.escape(symbol)})", rf"{NBSP}\1", text)
    return text.replace(" ", NBSP).replace("\u202f", NBSP)


def _full(value: float, currency: str, locale: str) -> str:
    number = decimal.Decimal(round(value))
    full = _full_pattern(locale).apply(number, locale, currency=currency, currency_digits=False)
    return _spaced(str(full), currency, locale)


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
    one (``Scenario.default_locale``). NaN or None: "-". An amount below a thousand
    (a zero too) is written in full ("RUB 100", "$0") whatever the scale; one below
    :data:`SMALLEST_STEP` of the scale's unit in its own scale ("RUB 35K" among
    millions), so no cell reads "RUB 0.03M" or "$0M" for an amount that is not zero.
    ``signed``: a difference, "+" before a positive amount; one that rounds to zero as
    written has no sign ("RUB 0", never "+RUB 0" nor "-RUB 0").
    """
    if value is None or not math.isfinite(value):
        return "-"
    loc = locale or Scenario.default_locale(currency)
    if scale is None or not _keeps(value, scale):
        scale = money_scale([value], loc)
    if scale.magnitude == 1:
        # A sign only on an amount that is not zero as written: 0.3 is "RUB 0", not "+RUB 0".
        sign = "+" if signed and round(value) > 0 else ""
        return sign + _full(value, currency, loc)
    compact = _compact(loc)
    key = str(scale.magnitude)
    number = round(decimal.Decimal(str(value)) / scale.magnitude, scale.digits)
    sign = "+" if signed and number > 0 else ""
    plural = _locale(loc).plural_form(abs(number).normalize())
    pattern = compact.get(plural, compact["other"]).get(key, compact["other"][key])
    fixed = copy.copy(pattern)
    fixed.frac_prec = (scale.digits, scale.digits)  # trailing zeros kept: 4.60M, 2.76M
    text = fixed.apply(number, loc, currency=currency, currency_digits=False)
    return sign + _spaced(str(text), currency, loc)


def scale_of(value: float, scale: MoneyScale | None, locale: str) -> MoneyScale:
    """The scale :func:`format_money` writes ``value`` in, given a set's ``scale``.

    The set's if the amount keeps it, else the amount's own (:func:`money_scale`).
    """
    if scale is None or not _keeps(value, scale):
        return money_scale([value], locale)
    return scale


def shown_amount(value: float, scale: MoneyScale | None, locale: str) -> float:
    """The amount as :func:`format_money` writes it in ``scale``.

    217,953,000 at "M" with one decimal is 218.0M, so 218,000,000. For redoing a card's
    arithmetic as written (a sum that adds up, a division that gives its result); NaN
    stays NaN.
    """
    if not math.isfinite(value):
        return value
    scale = scale_of(value, scale, locale)
    if scale.magnitude == 1:
        return float(round(value))
    return round(value / scale.magnitude, scale.digits) * scale.magnitude


def format_money_column(
    values: Sequence[float | None], currency: str, locale: str | None = None
) -> list[str]:
    """Amounts shown in one column (or one row, a message, an axis): one scale, if one reads.

    One scale (:func:`money_scale`) for the set; an amount that cannot keep it (below a
    thousand, or below :data:`SMALLEST_STEP` of its unit: "€900" beside "€2M", not
    "€0.00M") is written in its own scale, and the amounts written in one own scale
    share their decimals ("€35.0K" beside "€12.5K"). Returns one text per value.
    """
    loc = locale or Scenario.default_locale(currency)
    return [
        format_money(v, currency, loc, scale=s)
        for v, s in zip(values, money_scales(values, loc), strict=True)
    ]


def money_scales(values: Sequence[float | None], locale: str) -> list[MoneyScale]:
    """The scale each of a set of amounts shown together is written in (one per value).

    The set's one scale (:func:`money_scale`) for every amount that keeps it; those that
    cannot ("€900" beside "€2M") take their own scale, the amounts of one own scale
    sharing their decimals ("€35.0K" beside "€12.5K"). The rule of
    :func:`format_money_column`, for a set written in several places (a plan card's
    month column and its sums).
    """
    main = money_scale(values, locale)
    apart = [v for v in _finite(values) if not _keeps(v, main)]
    groups: dict[int, list[float]] = {}
    for amount in apart:
        groups.setdefault(_magnitude(abs(amount), locale), []).append(amount)
    own = {m: money_scale(group, locale) for m, group in groups.items()}
    return [
        main
        if v is None or not math.isfinite(v) or _keeps(v, main)
        else own[_magnitude(abs(v), locale)]
        for v in values
    ]


def spans_widely(values: Iterable[float | None], locale: str) -> bool:
    """Whether no one scale reads the set (900 among millions).

    True when some non-zero amount cannot keep the scale of :func:`money_scale` (below a
    thousand, or below :data:`SMALLEST_STEP` of the scale's unit).
    """
    sizes = [abs(v) for v in _finite(values) if v != 0]
    scale = money_scale(sizes, locale)
    return scale.magnitude != 1 and any(not _keeps(v, scale) for v in sizes)


def format_money_range(
    low: float | None,
    high: float | None,
    currency: str,
    locale: str | None = None,
    *,
    joiner: str = INTERVAL_JOINER,
) -> str:
    """An interval of amounts in one scale: "€72.0K to €100K" (sim.percent's joiner)."""
    first, second = format_money_column([low, high], currency, locale)
    return f"{first}{joiner}{second}"
