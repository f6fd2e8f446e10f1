"""Dates as CRMs write them: ISO, US m/d/Y, European d.m.Y and d/m/Y, Excel serial numbers.

The order of day and month in a slash-separated column is decided for the column as a
whole, from its values: a first part above 12 proves day-first, a second part above 12
proves month-first. A column where nothing decides is reported, never guessed: the user
says which (``--dates dmy`` or ``--dates mdy`` on the command line, passed here as
``order``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from calibrate.contract import RowProblem
from sim.scenario import DateOrder as DateOrder  # re-exported: calibrate.records reads it here
from sim.scenario import slash_date_orders

DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy")

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
# Slashes (and dashes with the year last) are written both ways round: US m/d/Y,
# British and Russian d/m/Y; the column decides, or the user does.
_SLASH = re.compile(rf"^(\d{{1,2}})[/-](\d{{1,2}})[/-](\d{{4}}|\d{{2}}){_TIME}$")
# Dots are European by convention (d.m.Y: German, Russian, 1C exports); no CRM writes
# m.d.Y, so a dotted date is read day-first whatever the column's order.
_DOT = re.compile(rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}}){_TIME}$")
# Excel's day numbers: day 1 is 1900-01-01 and Excel counts a 29 February 1900 that never
# was, so serials from 61 on count from 1899-12-30 (Microsoft, "Date systems in Excel").
# Only five-digit serials (1954-2173) are taken, so a stray count is not read as a date.
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
EXPECTED = "expected a date such as 2026-03-01, 01.03.2026, 3/1/2026 or an Excel serial number"
# RowProblem.group of unreadable dates (calibrate.records says ": left out" where needed).
NOT_DATES = f"values that are not dates ({EXPECTED}): the rows kept without the date"


def _year(text: str) -> int:
    # Two-digit years are this century's: exports of live CRMs are recent.
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_one(text: str, order: DateOrder | None) -> date | None:
    """One value; a slash-separated value needs ``order`` (None: not parsed)."""
    if m := _ISO.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _DOT.match(text):
        return _make(_year(m[3]), int(m[2]), int(m[1]))
    if m := _SLASH.match(text):
        if order is None:
            return None
        first, second = int(m[1]), int(m[2])
        day, month = (first, second) if order == "dmy" else (second, first)
        return _make(_year(m[3]), month, day)
    if m := _SERIAL.match(text):
        return _EXCEL_EPOCH + timedelta(days=int(m[1]))
    return None


def _order_of(
    values: Sequence[str], *, column: str, source: str, order: DateOrder | None
) -> tuple[DateOrder | None, RowProblem | None]:
    """The column's day-month order, or a fatal problem when it is ambiguous or mixed."""
    if order is not None:
        return order, None
    day_first: str | None = None
    month_first: str | None = None
    undecided: list[str] = []
    for text in values:
        m = _SLASH.match(text)
        if not m:
            continue
        orders = slash_date_orders(int(m[1]), int(m[2]))
        if orders == ("dmy",) and day_first is None:
            day_first = text
        elif orders == ("mdy",) and month_first is None:
            month_first = text
        elif len(orders) == 2 and len(undecided) < 2:
            undecided.append(text)
    if day_first is not None and month_first is not None:
        message = (
            f"dates are written both ways round: '{day_first}' is day-first and "
            f"'{month_first}' month-first; make the column one order"
        )
        return None, RowProblem(source, None, column, message, fatal=True)
    if day_first is not None:
        return "dmy", None
    if month_first is not None:
        return "mdy", None
    if undecided:
        examples = " and ".join(f"'{t}'" for t in undecided)
        message = (
            f"dates such as {examples} can be read day-first or month-first and no value "
            "decides; say which with --dates dmy (day first) or --dates mdy (month first)"
        )
        return None, RowProblem(source, None, column, message, fatal=True)
    return None, None


# RowProblem.group of the note that a column's slash dates were read in the order a value
# decides (calibrate.records says a file's such notes as one).
DATE_ORDER = "date order"
_ORDER_WORDS = {"dmy": "day first (d/m/Y)", "mdy": "month first (m/d/Y)"}


def _order_note(
    uniques: Sequence[str], order: DateOrder, *, column: str, source: str
) -> RowProblem:
    """The note that slash dates were read ``order``, with the value that decided it."""
    index = 0 if order == "dmy" else 1
    shown = next(t for t in uniques if (m := _SLASH.match(t)) and int(m[index + 1]) > 12)
    place = "first" if order == "dmy" else "second"
    message = (
        f"slash dates read {_ORDER_WORDS[order]}: '{shown}' decides it (its {place} number "
        "is above 12); --dates dmy or --dates mdy sets the order"
    )
    return RowProblem(source, None, column, message, note=True, group=DATE_ORDER)


def parse_dates(
    values: pd.Series,
    *,
    rows: np.ndarray,
    column: str,
    source: str,
    order: DateOrder | None = None,
) -> tuple[pd.Series, list[RowProblem]]:
    """Parse one column of date strings.

    Args:
        values: str cells, stripped ("" where empty), any index.
        rows: the file row of each cell (same length), for messages.
        column: the column as the file names it.
        source: the file's name.
        order: "dmy" or "mdy" for slash-separated dates; None decides from the column.

    Returns:
        ``datetime64[ns]`` at day resolution, aligned with ``values`` (NaT where empty
        or unparseable; a time of day is dropped), and the problems: one per unparseable
        value (not fatal), or one fatal problem when the column's order is ambiguous or
        mixed (then every date is NaT).
    """
    uniques = [t for t in pd.unique(values) if t]
    found_order, fatal = _order_of(uniques, column=column, source=source, order=order)
    if fatal is not None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), [fatal]
    problems = []
    if order is None and found_order is not None:
        problems.append(_order_note(uniques, found_order, column=column, source=source))
    parsed = {t: _parse_one(t, found_order) for t in uniques}
    mapped = values.map(parsed)
    out = pd.to_datetime(mapped, errors="coerce").astype("datetime64[ns]")
    bad = {t for t, d in parsed.items() if d is None}
    if bad:
        for row, text in zip(
            rows[values.isin(bad).to_numpy()], values[values.isin(bad)], strict=True
        ):
            message = f"'{text}' is not a date ({EXPECTED})"
            problems.append(RowProblem(source, int(row), column, message, group=NOT_DATES))
    return out, problems
