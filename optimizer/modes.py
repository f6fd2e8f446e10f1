"""The optimiser's modes and defaults that command-line options name: plain Python, no solver.

Here, not beside the model, so that ``teamsim plan --help`` shows them without loading PuLP.
"""

from __future__ import annotations

from enum import StrEnum


class PlanMode(StrEnum):
    """What the optimiser decides."""

    SIZING = "sizing"  # whole people per role, within the headcount ranges
    ALLOCATION = "allocation"  # the current team by name: targets, hours, duties

    @classmethod
    def of(cls, mode: str) -> PlanMode:
        """The mode named ``mode`` (a member or its value); ValueError for any other."""
        try:
            return cls(mode)
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"mode must be one of {names}, got {mode!r}") from None


# Replications a hiring plan is verified with: a month's P(met) from 20 has a +-18 pt
# interval, too wide to ask every counted month for the confidence (design, risk R5).
HIRING_REPLICATIONS = 40
