"""What reports call things: one title per id, as a head reads them.

The simulator and the scenario speak in ids (``stage_work``, ``duty:coaching``,
``head_of_unit``, ``client_manager.03``); a department head reads titles. The terminal,
the exports and the dashboard map ids through :func:`title` here, so a thing has one
name everywhere.
"""

from __future__ import annotations

import re

from sim.rules import DUTY_PREFIX, TimeUse
from sim.scenario import Scenario

__all__ = [
    "ACTIVITY_TITLES",
    "DUTIES",
    "activity_title",
    "humane",
    "id_words",
    "in_sentence",
    "title",
]

DUTIES = "Duties"
"""The title every ``duty:<id>`` activity is drawn under when duties are summed."""

# Titles of the time-use activities (sim.rules.TimeUse), as a head reads them.
ACTIVITY_TITLES: dict[str, str] = {
    TimeUse.CALLS.value: "Calls",
    TimeUse.INBOUND.value: "Inbound requests",
    TimeUse.STAGE_WORK.value: "Deal work",  # a deal's stage worked at the desk
    TimeUse.MEETING.value: "Meetings",
    TimeUse.TRAVEL.value: "Travel",
    TimeUse.AFTER_SALE.value: "After sale",
    TimeUse.APPROVAL.value: "Approvals",
    TimeUse.ESCALATION.value: "Escalations",
    TimeUse.IDLE.value: "Idle",
    TimeUse.OVERTIME.value: "Overtime",
    TimeUse.ABSENT.value: "Days away",
}


def id_words(name: str) -> str:
    """An id as words inside a sentence: ``consumer_loan`` -> "consumer loan"."""
    return re.sub(r"[_\s]+", " ", name).strip()


def humane(name: str) -> str:
    """An id as words: ``consumer_loan`` -> "Consumer loan" (for ids with no title)."""
    words = id_words(name)
    return words[:1].upper() + words[1:]


def in_sentence(name: str) -> str:
    """A title as it reads inside a sentence: "Team lead" -> "team lead".

    English writes a job title or a list's name in lower case mid-sentence ("approvals at
    the team lead wait"). Only a title in sentence case (one capital, first) is lowered:
    one a user wrote with other capitals ("Head of Sales", "CEO", "KAM team") is a name
    as written and is kept.
    """
    if not name[:1].isupper() or any(c.isupper() for c in name[1:]):
        return name
    return name[:1].lower() + name[1:]


def activity_title(activity: str) -> str:
    """The title of a time-use activity; a duty (``duty:<id>``) by its id in words.

    Duties have no title field in the scenario: their id is what names them.
    """
    if activity.startswith(DUTY_PREFIX):
        return humane(activity.removeprefix(DUTY_PREFIX))
    return ACTIVITY_TITLES.get(activity, humane(activity))


def title(name: str, scenario: Scenario | None = None) -> str:
    """The title of an id, for any table, chart or sentence a reader reads.

    - a time-use activity or ``duty:<id>``: :func:`activity_title`;
    - a role, segment, channel or organisational unit id: its ``title`` in the scenario,
      or, when it has none (or no scenario is given), its id in words (:func:`humane`:
      ``consumer_loan`` -> "Consumer loan");
    - a person id ``<role>.<n>`` (``client_manager.03``): the role's title and the number;
    - a stage or anything else: the id in words.

    Ids stay in ``--json`` keys and id columns; this is the one rule for words.
    """
    if name.startswith(DUTY_PREFIX) or name in ACTIVITY_TITLES:
        return activity_title(name)
    if scenario is not None:
        given = _given_title(name, scenario)
        if given is not None:
            return given or humane(name)
        role, _, number = name.rpartition(".")
        if role in scenario.roles and number.isdigit():
            return f"{title(role, scenario)} {int(number)}"
    return humane(name)


def _given_title(name: str, scenario: Scenario) -> str | None:
    """The ``title`` of a role, segment, channel or unit ("" if none); None: no such id."""
    for things in (scenario.roles, scenario.segments, scenario.channels, scenario.units):
        if name in things:
            return things[name].title
    return None
