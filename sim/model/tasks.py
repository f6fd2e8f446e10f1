"""A unit of work queued at a person, and the queues that route it (approvals, deputies)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.records import WaitRecord
from sim.rules.activities import Outcome

if TYPE_CHECKING:
    import simpy

    from sim.model.people import Person

OnDone = Callable[["Person", float], None]
# Plain strings in the records (not enum members): they go to frames and the store as text.
_ANSWERED = Outcome.ANSWERED.value
_UNANSWERED = Outcome.UNANSWERED.value
_ABANDONED = Outcome.ABANDONED.value
_BLOCKED = Outcome.BLOCKED.value
_LOST = Outcome.LOST.value


@dataclass(eq=False, slots=True)
class Task:
    """Work for one person: its activity, the working minutes left and who waits on it.

    ``kind`` (``TimeUse`` approval, escalation or inbound) marks work whose wait is recorded
    when it starts. A splittable task may be done in chunks across the day (and days);
    one that is not runs to the end once begun, into overtime up to the day's cap. Either
    is complete only when all its minutes are worked: what the cap cuts off waits for the
    next working day.
    """

    activity: str
    minutes: float
    arrived: float
    splittable: bool = True
    done: simpy.Event | None = None
    kind: str = ""
    level: str = ""
    late_after: float = math.inf
    started: float = -1.0
    parts: tuple[tuple[str, float], ...] = ()  # meetings: travel, meeting, travel
    on_done: OnDone | None = None
    channel: str = ""  # inbound: the channel whose desk queue it waits in
    retrial: bool = False  # inbound: a caller who hung up and called again
    owner: str = ""  # approvals and escalations: the asking deal owner's person id

    def wait_record(self, server: str, now: float) -> WaitRecord:
        """The wait of this task, started by ``server`` at ``now`` (or never: server "")."""
        started, outcome = (now, _ANSWERED) if server else (-1.0, _UNANSWERED)
        wait = now - self.arrived
        # Positional for speed: a record appended in the hot loop (keywords double its cost).
        return WaitRecord(
            self.kind,
            server,
            self.level,
            self.arrived,
            started,
            wait,
            wait > self.late_after,
            self.channel,
            outcome,
            self.owner,
        )

    def abandoned_record(self, now: float, outcome: str = _ABANDONED) -> WaitRecord:
        """The wait of a request whose caller hung up at ``now``: never started.

        ``late`` as for any wait (past the answer target or not: "abandoned within
        target" reads it); the outcome keeps it out of the answered within target.
        ``outcome``: ``lost`` for a request dropped at closing (:meth:`lost_record`).
        """
        wait = now - self.arrived
        return WaitRecord(
            self.kind,
            "",
            self.level,
            self.arrived,
            -1.0,
            wait,
            wait > self.late_after,
            self.channel,
            outcome,
        )

    def lost_record(self, now: float) -> WaitRecord:
        """A request dropped from the queue at closing ``now``: its wait up to closing."""
        return self.abandoned_record(now, _LOST)

    def blocked_record(self, now: float) -> WaitRecord:
        """A request turned away on arrival at ``now`` (lines or waiting room full): no wait."""
        return WaitRecord(self.kind, "", self.level, now, -1.0, 0.0, False, self.channel, _BLOCKED)
