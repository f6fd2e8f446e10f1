"""How the simulator plays a run of outbound calls: the simulator's mode."""

from __future__ import annotations

from enum import StrEnum


class SimMode(StrEnum):
    """The simulator's mode; both modes make the same draws in the same order."""

    BLOCK = "block"  # a run of calls is one event (the default: fast)
    PER_CALL = "per_call"  # one event per dial: the reference the block mode is tested against

    @classmethod
    def of(cls, mode: str) -> SimMode:
        """The mode named ``mode`` (a member or its value); ValueError for any other."""
        try:
            return cls(mode)
        except ValueError:
            names = " or ".join(repr(m.value) for m in cls)
            raise ValueError(f"mode must be {names}, got {mode!r}") from None
