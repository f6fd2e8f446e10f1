"""Numbers for people: one way to show money, shares, minutes and counts everywhere."""

from __future__ import annotations

import math


def fmt_value(value: float | None, unit: str, currency: str, *, signed: bool = False) -> str:
    """Format a KPI value by its unit (share, currency, min, days, or a count)."""
    if value is None or not math.isfinite(value):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{100 * value:.1f} %"
    if unit == "currency":
        if abs(value) >= 1e5:
            return f"{sign}{value / 1e6:,.2f} M {currency}"
        return f"{sign}{value:,.0f} {currency}"
    if unit in ("min", "days"):
        return f"{sign}{value:,.1f} {unit}"
    return f"{sign}{value:,.1f}"
