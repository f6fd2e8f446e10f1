"""What one replication returns: the flat records of sim.records, and the clock's frame."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from sim.records import (
    AbsenceRecord,
    CallDayRecord,
    DealRecord,
    FunnelRecord,
    PersonRecord,
    SpellRecord,
    TimeUseRecord,
    WaitRecord,
)


@dataclass
class RunRecords:
    """The records of one replication, appended during the run, in the order they happened.

    Times are minutes from midnight of the calendar's first day; ``day_starts_min`` gives
    the start of every working day and ``horizon_min`` the end of the last one plus the
    overtime allowed, so every record lies in ``[0, horizon_min]``.
    """

    horizon_min: float
    day_starts_min: list[float]
    warmup_days: int
    people: list[PersonRecord] = field(default_factory=list)
    spells: list[SpellRecord] = field(default_factory=list)
    time_use: list[TimeUseRecord] = field(default_factory=list)
    calls: list[CallDayRecord] = field(default_factory=list)
    funnel: list[FunnelRecord] = field(default_factory=list)
    deals: list[DealRecord] = field(default_factory=list)
    waits: list[WaitRecord] = field(default_factory=list)
    absences: list[AbsenceRecord] = field(default_factory=list)


# The record lists of a run (the fields appended during it), in the order above.
RECORD_LISTS = tuple(f.name for f in fields(RunRecords) if f.default_factory is list)
