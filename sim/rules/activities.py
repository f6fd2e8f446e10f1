"""The vocabulary of time use: what a person's working minutes go to.

One enum for the simulator's time-use records, the optimiser's planned hours and every
report, so that "hours of calls planned" and "hours of calls simulated" are the same
word for the same minutes. Recurring duties are ``duty:<id>`` (their ids come from the
scenario, so they cannot be members).
"""

from __future__ import annotations

from enum import StrEnum


class TimeUse(StrEnum):
    """Kinds of minutes in a person's day (time-use activities)."""

    CALLS = "calls"  # outbound dials and the call-backs they bring
    INBOUND = "inbound"  # answering inbound requests
    STAGE_WORK = "stage_work"  # our work on a deal's stage at the desk
    MEETING = "meeting"  # an in-person stage's work (travel apart)
    TRAVEL = "travel"  # to and from in-person meetings
    AFTER_SALE = "after_sale"  # payment control, hand-off, support of won clients
    APPROVAL = "approval"  # approving a stage of someone's deal
    ESCALATION = "escalation"  # handling a difficult client of someone's deal
    IDLE = "idle"  # available, nothing to do
    OVERTIME = "overtime"  # past the day's end, finishing started work
    ABSENT = "absent"  # a whole day away


class Outcome(StrEnum):
    """How a request that waited on someone ended (``WaitRecord.outcome``).

    One word for the simulator's records, the KPIs and every report. Whether an answered
    request was carried to a later day or answered in overtime is not an outcome: it is
    read from its times (``sim.results``: the ``carried`` and ``overtime`` columns).
    """

    ANSWERED = "answered"  # someone started on it
    ABANDONED = "abandoned"  # the caller gave up waiting (a channel's patience)
    BLOCKED = "blocked"  # turned away on arrival: every line or waiting place taken
    LOST = "lost"  # dropped from the queue at closing (a channel's closing rule)
    UNANSWERED = "unanswered"  # still waiting when the horizon ended (a censored wait)


DUTY_PREFIX = "duty:"
"""Prefix of a recurring or per-deal duty's activity: ``duty:<duty id>``."""

NOT_BUSY = frozenset({TimeUse.IDLE.value, TimeUse.ABSENT.value})
"""Activities that are not work; every other activity's minutes are busy minutes."""


def duty_activity(duty_id: str) -> str:
    """The time-use activity of a duty: ``duty:<id>``."""
    return DUTY_PREFIX + duty_id
