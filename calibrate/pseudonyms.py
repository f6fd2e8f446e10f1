"""Stable pseudonyms for people, so that reports and exports carry no names.

A consultant who must not carry names out of a client's office runs with a key of their
own: the same key gives the same pseudonym for the same name in every report, so
results can be compared from one month to the next; without the key a pseudonym cannot
be turned back into the name (HMAC-SHA256, RFC 2104).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import pandas as pd

from calibrate.contract import Records, RowProblem

__all__ = [
    "NAME_COLUMNS",
    "PREFIX",
    "WITHHELD",
    "pseudonymise",
    "pseudonymise_frame",
    "pseudonyms",
    "record_names",
]

PREFIX = "person-"
# Digits only: a pseudonym then shares no letters with any name (a hex digest could
# spell "ada" or "bea").
_DIGITS = 4
# Columns that hold people's names, in any canonical table or the per-person frames.
NAME_COLUMNS: tuple[str, ...] = ("owner", "person", "manager")


def _digits(name: str, key: str) -> str:
    """The name's HMAC-SHA256 under the key as decimal digits, least significant first.

    Reversed so that the first digits are uniform (a number's leading digit is not) and
    a longer pseudonym extends a shorter one.
    """
    digest = hmac.new(key.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).digest()
    return str(int.from_bytes(digest, "big"))[::-1]


def pseudonyms(names: Iterable[str], *, key: str) -> dict[str, str]:
    """Name -> pseudonym ("person-4821"), stable for a key, distinct for distinct names.

    Each pseudonym is :data:`PREFIX` and the first 4 decimal digits of the name's
    HMAC-SHA256 under ``key``; names whose digits agree are lengthened, one digit at a
    time, until they differ (so a pseudonym depends only on the key, the name and, on a
    collision, the names it collided with). Empty names and None are left out.

    Raises:
        ValueError: If ``key`` is empty (a pseudonym without a secret could be reversed
            by hashing candidate names).
    """
    if not key:
        raise ValueError("a pseudonym key is needed: without one, names could be recovered")
    unique = sorted({n for n in names if isinstance(n, str) and n})
    digits = {n: _digits(n, key) for n in unique}
    length = {n: _DIGITS for n in unique}
    while True:
        seen: dict[str, list[str]] = {}
        for name in unique:
            seen.setdefault(digits[name][: length[name]], []).append(name)
        clashes = [group for group in seen.values() if len(group) > 1]
        if not clashes:
            break
        for group in clashes:
            for name in group:
                length[name] += 1
    return {n: PREFIX + digits[n][: length[n]] for n in unique}


def record_names(records: Records) -> set[str]:
    """Every person's name in the records: owners, people, managers."""
    names: set[str] = set()
    for frame in (records.deals, records.stages, records.activities, records.team):
        if frame is None:
            continue
        for column in NAME_COLUMNS:
            if column in frame.columns:
                names.update(v for v in frame[column].dropna() if isinstance(v, str) and v)
    return names


def pseudonymise_frame(frame: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """A copy of the frame with its :data:`NAME_COLUMNS` replaced through ``mapping``.

    Raises:
        ValueError: If a name in those columns has no pseudonym (it would be let through).
    """
    out = frame.copy()
    for column in NAME_COLUMNS:
        if column not in out.columns:
            continue
        values = out[column]
        named = values.map(lambda v: isinstance(v, str) and v != "")
        missing = sorted({str(v) for v in values[named] if v not in mapping})
        if missing:
            raise ValueError(
                f"no pseudonym for {len(missing)} name(s) in column {column}: build the "
                "mapping from every name (calibrate.pseudonyms.record_names)"
            )
        out[column] = values.where(~named, values.map(lambda v: mapping.get(v, v)))
    return out


WITHHELD = "<name withheld>"
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_MIN_TOKEN = 3  # shorter parts of a name ("Li", "de") are too common to hunt down


def _scrubber(mapping: Mapping[str, str]) -> Callable[[str], str]:
    """A function that takes the names out of a message.

    The names of the mapping become their pseudonyms (longest first, so "Anna Ivanova"
    goes before "Anna"). A message may also quote a name the mapping cannot know (a
    misspelling whose row was dropped: "'Boris P.' is not in the team file"), so any
    quoted text that shares a word of 3 letters or more with a known name, and then
    any such word left, is withheld.
    """
    ordered = sorted(mapping.items(), key=lambda kv: -len(kv[0]))
    words = {w.casefold() for name in mapping for w in re.findall(r"\w+", name)}
    words = {w for w in words if len(w) >= _MIN_TOKEN and not w.isdigit()}
    word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b", re.I)

    def quoted(match: re.Match[str]) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        if words and word.search(inner):
            return f"'{WITHHELD}'"
        return match.group(0)

    def scrub(text: str) -> str:
        for name, alias in ordered:
            text = text.replace(name, alias)
        if not words:
            return text
        return word.sub(WITHHELD, _QUOTED.sub(quoted, text))

    return scrub


def pseudonymise(records: Records, mapping: Mapping[str, str]) -> Records:
    """The records with every name replaced by its pseudonym.

    Owner, person and manager columns of every table, and the names inside the
    problems' messages (:func:`_scrubber`: known names become their pseudonyms, quoted
    misspellings of them are withheld).

    Raises:
        ValueError: If a name in those columns has no pseudonym.
    """
    tables = {
        kind: None if frame is None else pseudonymise_frame(frame, mapping)
        for kind, frame in (
            ("deals", records.deals),
            ("stages", records.stages),
            ("activities", records.activities),
            ("team", records.team),
        )
    }
    scrub = _scrubber(mapping)
    problems: tuple[RowProblem, ...] = tuple(
        replace(p, message=scrub(p.message)) for p in records.problems
    )
    return Records(
        deals=tables["deals"],
        stages=tables["stages"],
        activities=tables["activities"],
        team=tables["team"],
        problems=problems,
        dropped=dict(records.dropped),
    )
