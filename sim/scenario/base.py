"""Shared building blocks of the scenario tree: the frozen base model and typed scalars."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegFloat = Annotated[float, Field(ge=0.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegInt = Annotated[int, Field(ge=0)]
# Ids appear in --set paths and in reports, so they stay simple.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"  # an id: lower-case words joined by underscores
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
ID_WORDS = "lower-case letters, digits and underscores, starting with a letter"


class Frozen(BaseModel):
    """Base of every scenario model: immutable, and unknown fields are an error."""

    # allow_inf_nan=False: a plan of .inf or a NaN duration is a typo, not a number.
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=False, allow_inf_nan=False
    )


class Level(StrEnum):
    """A hierarchy level; the order of declaration is the order of seniority."""

    LINE = "line"
    LOWER = "lower"
    MIDDLE = "middle"
    TOP = "top"

    @property
    def rank(self) -> int:
        """Seniority: line 0, lower 1, middle 2, top 3."""
        return _RANKS[self]


# Level.rank's answers, made once (the approver rule asks for ranks on every approval).
_RANKS = {level: i for i, level in enumerate(Level)}


MONTHS_A_YEAR = 12


# What a by-month list may be written as (one number, one value or twelve), for editors
# checking a file against the JSON schema: the sales plan and the seasonal factors.
ByMonthInput = (
    PositiveFloat
    | Annotated[list[PositiveFloat], Field(min_length=1, max_length=1)]
    | Annotated[list[PositiveFloat], Field(min_length=MONTHS_A_YEAR, max_length=MONTHS_A_YEAR)]
)


def every_month_or_twelve(value: list[float]) -> list[float]:
    """A by-month list's length rule: 1 value (every month) or 12 (January to December).

    Any other length would have to be cycled from some month, and no month is the natural
    first (a plan cycled from the horizon's start once put a July peak on September).
    Shared by the sales plan and the seasonal factors. Raises ValueError otherwise.
    """
    if len(value) not in (1, MONTHS_A_YEAR):
        raise ValueError(
            f"expected 1 value (every month) or {MONTHS_A_YEAR} (January to December), "
            f"got {len(value)} values"
        )
    return value


def scalar_to_list(value: Any) -> Any:
    """Accept a single value where a list is expected (a plan that is the same every month).

    Raises ValueError for a value that is neither a number nor a list: "lots" read
    "expected a valid list", as if only a list would do.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    if not isinstance(value, list | tuple):
        raise ValueError(
            f"expected a number (every month) or a list of {MONTHS_A_YEAR} (January to "
            f"December), got {value!r}"
        )
    return value
