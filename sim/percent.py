"""A share or a probability written as a percent: "83.3 %", one way in every report.

The rule, as ``sim.money`` is for amounts: a share (0.833) is written as a percent with
one decimal and a space before the sign, "83.3 %", as English technical text
and ISO 80000 write it (and as every report of teamsim did before this module); a
difference is signed ("+19 %"), and one that rounds to zero at the shown decimals has no
sign ("0 %", never "+0 %" or "-0 %"). An interval is written "62.1 % to 93.9 %", the way
every interval of the reports reads (sim.money's ``format_money_range`` too); a chance
with its interval "83.3 % (95 % interval 62.1 % to 93.9 %)".

Pure: the optimiser's messages and every front end write percents through here.
"""

from __future__ import annotations

import math

__all__ = [
    "INTERVAL_JOINER",
    "format_chance",
    "format_percent",
    "format_percent_range",
]

# Between the two ends of an interval: the one joiner of every interval a report writes,
# shares here and amounts in sim.money.format_money_range.
INTERVAL_JOINER = " to "


def format_percent(
    share: float | None,
    *,
    digits: int = 1,
    significant: int | None = None,
    signed: bool = False,
) -> str:
    """A share (0.833) as a percent: "83.3 %"; NaN or None: "-".

    ``digits``: decimals shown (one by default; 0 for "+19 %"); ``significant``: instead,
    that many significant digits ("32.5 %", "100 %", "9.64 %": a rate to redo a division
    by hand). ``signed``: a difference, "+" before a positive one; a share that rounds to
    zero at the digits shown has no sign, nor a "-0".
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
    if float(text) == 0:
        text = text.lstrip("-")  # -0.04 shows "0.0", with no sign
    elif signed and not text.startswith("-"):
        text = "+" + text
    return f"{text} %"


def format_percent_range(
    low: float | None, high: float | None, *, digits: int = 1, joiner: str = INTERVAL_JOINER
) -> str:
    """An interval of shares: "62.1 % to 93.9 %" (each end by :func:`format_percent`)."""
    return f"{format_percent(low, digits=digits)}{joiner}{format_percent(high, digits=digits)}"


def format_chance(
    p: float | None, low: float | None, high: float | None, *, labelled: bool = True
) -> str:
    """A probability with its 95 % interval: "83.3 % (95 % interval 62.1 % to 93.9 %)".

    The one way P(plan met) and its month-level chances read, in a sentence or a cell;
    ``labelled=False`` for a cell under a header that says "95 % interval": "83.3 %
    (62.1 % to 93.9 %)".
    """
    interval = format_percent_range(low, high)
    said = "95 % interval " if labelled else ""
    return f"{format_percent(p)} ({said}{interval})"
