"""Words for counts in notes and messages: "1 person", "2 people", never "1 people"."""

from __future__ import annotations

__all__ = ["counted", "noun_for"]

# Plurals that are not the singular and an "s".
_IRREGULAR = {"person": "people", "person-day": "person-days", "reply": "replies"}


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun in the number ``n`` asks for: ``counted(1, "person")`` "1 person".

    Args:
        n: The count; 1 and -1 take ``one``, every other count (0 included, as in
            English: "0 deals") takes the plural.
        one: The singular noun.
        many: The plural; default the known irregular one ("person" -> "people") or
            ``one + "s"`` ("deal" -> "deals").

    Returns:
        ``f"{n} {noun}"``, e.g. "1 manager", "3 managers", "0 people".
    """
    return f"{n} {noun_for(n, one, many)}"


def noun_for(n: int, one: str, many: str | None = None) -> str:
    """The noun alone in the number ``n`` asks for (:func:`counted`'s rule): "role", "roles"."""
    if abs(n) == 1:
        return one
    return many if many is not None else _IRREGULAR.get(one, one + "s")
