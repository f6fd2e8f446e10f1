"""Words for counts: the one rule lives in :mod:`sim.words`, read here by calibrate."""

from __future__ import annotations

from sim.words import counted

__all__ = ["counted"]
