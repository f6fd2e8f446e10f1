"""Which currency a deals export is in: from its value column's header or its values' marks.

CRMs write the currency into the value column's header ("Betrag (€)", "Amount (USD)",
"Сумма, руб.") or into each value ("$1,200", "20 000,00 €", "1 200 ₽", "1200 EUR"); the
numbers themselves are read without these marks (calibrate.records.parse_number). A
file whose marks name two currencies cannot be summed: that is a fatal problem naming
the rows of each.

The marks are ISO 4217 codes written as a word (upper case; a few common ones in any
case), currency signs, and the words for the currencies CRMs in English, German, French,
Spanish and Russian write (руб, euro, dollar ...). A bare "$" is the US dollar, as
Salesforce, HubSpot and Pipedrive write it; the other dollars have a prefix (C$, A$, R$).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.contract import RowProblem
from calibrate.words import counted

__all__ = ["FoundCurrency", "currencies_in", "unnamed_currency", "value_currency"]

# ISO 4217 codes read as a word when written in upper case ("Amount (USD)").
CODES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "RUB",
        "CHF",
        "JPY",
        "CNY",
        "INR",
        "CAD",
        "AUD",
        "NZD",
        "HKD",
        "SGD",
        "PLN",
        "CZK",
        "HUF",
        "SEK",
        "NOK",
        "DKK",
        "UAH",
        "KZT",
        "BYN",
        "TRY",
        "BRL",
        "MXN",
        "ZAR",
        "ILS",
        "AED",
        "KRW",
    }
)
# Codes that are no English, German, French or Spanish word, so read in any case ("eur").
_ANY_CASE_CODES = frozenset({"usd", "eur", "gbp", "rub", "chf", "pln", "uah", "kzt", "byn"})
# Currency words, casefolded, as CRMs and people write them beside an amount.
_WORDS: dict[str, str] = {
    "руб": "RUB",
    "рубль": "RUB",
    "рубля": "RUB",
    "рублей": "RUB",
    "рублях": "RUB",
    "евро": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "доллар": "USD",
    "долларов": "USD",
    "долл": "USD",
    "грн": "UAH",
    "гривен": "UAH",
    "тенге": "KZT",
    "zł": "PLN",
    "zloty": "PLN",
    "złoty": "PLN",
}
_SIGNS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "₽": "RUB",
    "¥": "JPY",
    "₹": "INR",
    "₴": "UAH",
    "₸": "KZT",
    "₺": "TRY",
    "₩": "KRW",
    "₪": "ILS",
}
# Dollars by their prefix; a bare "$" is the US dollar.
_DOLLARS: dict[str, str] = {
    "": "USD",
    "us": "USD",
    "c": "CAD",
    "ca": "CAD",
    "a": "AUD",
    "au": "AUD",
    "nz": "NZD",
    "hk": "HKD",
    "s": "SGD",
    "r": "BRL",
    "mx": "MXN",
}
# The letters before a "$" are its prefix ("C$"); others ("k$", thousands) say nothing.
_DOLLAR = re.compile(r"([^\W\d_]*)\$")
_WORD = re.compile(r"[^\W\d_]+")
# What a number is written with; the rest of a cell is its marks.
_NUMBER_CHARS = r"[\d\s.,'’\-+\u2212()]"
# At most this many rows are named per currency in a message.
_ROWS_SHOWN = 5


def currencies_in(text: str) -> set[str]:
    """The ISO 4217 codes the marks in ``text`` name: "Betrag (€)" {"EUR"}, "1200" {}."""
    found = {_SIGNS[c] for c in text if c in _SIGNS}
    found |= {_DOLLARS.get(m.group(1).casefold(), "USD") for m in _DOLLAR.finditer(text)}
    for word in _WORD.findall(_DOLLAR.sub(" ", text)):
        folded = word.casefold()
        if word in CODES or folded in _ANY_CASE_CODES:
            found.add(word.upper())
        elif folded in _WORDS:
            found.add(_WORDS[folded])
    return found


@dataclass(frozen=True)
class FoundCurrency:
    """The currency a file's values are in, and what showed it (for a comment or a note)."""

    code: str  # ISO 4217
    evidence: str  # e.g. "'€' in the header 'Betrag (€)'", "'руб' in 2990 of 3000 values"


def value_currency(
    header: str, cells: pd.Series, rows: Sequence[int] | np.ndarray, *, source: str
) -> FoundCurrency | RowProblem | None:
    """The currency of a value column, from its header and its cells' marks.

    Args:
        header: the column's name as the file writes it.
        cells: its cells as text ("" where empty), in file order.
        rows: each cell's 1-based row in the file (for the message on a mix).
        source: the file's name.

    Returns:
        FoundCurrency when the header and the marked values name one currency (values
        without a mark are taken to be in it); None when nothing names one; a fatal
        RowProblem naming the column, the currencies and their rows (the header as
        "the header") when they name more than one.
    """
    text = cells.astype(str)
    # Only the marks are looked at: a hundred thousand amounts have a handful of them.
    marks = text.str.replace(_NUMBER_CHARS, "", regex=True)
    where: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    row_of = np.asarray(rows)
    values = marks.to_numpy(dtype=object)
    marked = np.flatnonzero(values != "")
    # One pass: positions by mark (a column of free text has as many marks as rows).
    groups = pd.Series(marked).groupby(values[marked], sort=False).indices
    for mark, positions in groups.items():
        at = row_of[marked[positions]]
        for code in sorted(currencies_in(str(mark))):
            where.setdefault(code, []).extend(int(r) for r in at)
            shown.setdefault(code, str(mark))
    in_header = currencies_in(header)
    codes = sorted(
        in_header | set(where), key=lambda c: (c not in in_header, -len(where.get(c, [])), c)
    )
    if not codes:
        return None
    if len(codes) == 1:
        code = codes[0]
        if code in in_header:
            return FoundCurrency(code, f"the value column's header '{header}'")
        n = len(where[code])
        return FoundCurrency(code, f"'{shown[code]}' in {n} of {counted(len(text), 'value')}")
    parts = []
    for code in codes:
        places = []
        if code in in_header:
            places.append("the header")
        if code in where:
            found = sorted(where[code])
            listed = ", ".join(str(r) for r in found[:_ROWS_SHOWN])
            more = f" and {len(found) - _ROWS_SHOWN} more" if len(found) > _ROWS_SHOWN else ""
            word = "row" if len(found) == 1 else "rows"
            places.append(f"'{shown[code]}' in {word} {listed}{more}")
        parts.append(f"{code} ({'; '.join(places)})")
    message = (
        f"values in {len(codes)} currencies: {', '.join(parts)}; expected one currency a "
        "file: convert the values to one, or split the file by currency"
    )
    return RowProblem(source, None, header, message, fatal=True)


def unnamed_currency(
    source: str, header: str | None, code: str, *, base: bool, example: str = "EUR"
) -> RowProblem:
    """The note that the values name no currency, so ``code`` was taken: why, how to set it.

    Args:
        source: the deals file's name.
        header: its value column, as the file names it.
        code: the currency taken: the base scenario's (``base``) or the default.
        base: whether a base scenario gave ``code`` (its amounts and plan are in it).
        example: the currency the ``--currency`` example names (RUB for a Cyrillic file).
    """
    where = f"the value column '{header}'" if header else "the value column"
    said = f"no currency in {where} (neither its header nor any value names one)"
    if base:
        message = (
            f"{said}: the amounts are taken as {code}, the base scenario's currency; if they "
            f"are in another, convert them to {code}, or calibrate without --base and give "
            "theirs with --currency"
        )
    else:
        message = (
            f"{said}: the amounts are taken as {code}, the default without --base, and the "
            f"scenario is written in {code}; if they are in another currency, give it with "
            f"--currency (e.g. --currency {example})"
        )
    return RowProblem(source, None, header, message, note=True)
