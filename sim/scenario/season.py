"""Seasonality: factors by calendar month for lead volumes, connect rates and client delays.

The scenario states the factors; the rule that reads them by horizon month or by working
day is :mod:`sim.rules.season` (issue 12, docs/dev/hiring_plan.md, section 2.2).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from sim.scenario.base import (
    ByMonthInput,
    Frozen,
    PositiveFloat,
    every_month_or_twelve,
    scalar_to_list,
)

# Calendar months by number (1 = January), as messages name them; English whatever the
# machine's locale, like the rest of teamsim's output.
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class SeasonKind(StrEnum):
    """What a seasonal factor multiplies; each value is a field of :class:`Seasonality`."""

    LEAD_VOLUME = "lead_volume"
    CONNECT_RATE = "connect_rate"
    CLIENT_DELAY = "client_delay"


Factors = Annotated[
    list[PositiveFloat], BeforeValidator(scalar_to_list, json_schema_input_type=ByMonthInput)
]

_EVERY_MONTH = (
    "one value for every month, or twelve, January to December (repeated on horizons "
    "longer than a year), whatever month the horizon starts in; 1 = no change"
)


class Seasonality(Frozen):
    """Factors by calendar month: 1 is an ordinary month, 0.5 half, 1.5 half as much again."""

    lead_volume: Factors = Field(
        default_factory=lambda: [1.0],
        description=(
            "Multiplies the leads and requests that come by themselves in a month: "
            "referral channels' leads_per_week, inbound channels' requests_per_day and "
            f"warm channels' refill_per_month; {_EVERY_MONTH}."
        ),
    )
    connect_rate: Factors = Field(
        default_factory=lambda: [1.0],
        description=(
            "Multiplies every outbound (warm, cold) channel's connect_rate in a month "
            "(summer, year end: fewer clients answer); a channel's rate times the largest "
            f"factor must stay at most 1; {_EVERY_MONTH}."
        ),
    )
    client_delay: Factors = Field(
        default_factory=lambda: [1.0],
        description=(
            "Multiplies a stage's client_delay_days drawn when the stage starts in that "
            f"month (clients on holiday answer later); {_EVERY_MONTH}."
        ),
    )

    @field_validator("lead_volume", "connect_rate", "client_delay")
    @classmethod
    def _every_month_or_twelve(cls, value: list[float]) -> list[float]:
        return every_month_or_twelve(value)

    def factors(self, kind: SeasonKind) -> list[float]:
        """The factors stated for ``kind``: 1 value (every month) or 12 (January first)."""
        values: list[float] = getattr(self, SeasonKind(kind).value)
        return values
