"""What the pages call things: one title per id, one colour per activity.

The simulator and the scenario speak in ids (``stage_work``, ``duty:coaching``,
``head_of_unit``, ``client_manager.03``); a department head reads titles. Every page and
chart maps ids through :func:`title` here, so a thing has one name on every page, and
draws activities in :data:`ACTIVITY_COLOURS`, so an activity has one colour on every chart.
"""

from __future__ import annotations

from sim import ACTIVITY_TITLES, DUTIES, activity_title, humane, title
from sim.rules import DUTY_PREFIX, TimeUse

__all__ = [
    "ACTIVITY_COLOURS",
    "ACTIVITY_TITLES",
    "DUTIES",
    "activity_colour",
    "activity_title",
    "humane",
    "title",
]

# One colour per activity, and one for the duties together. Chosen apart in hue and
# lightness (idle and days away in greys: they are not work), so that neighbours in a
# stacked bar never look alike; tests/test_dashboard_charts.py checks no two are equal.
ACTIVITY_COLOURS: dict[str, str] = {
    TimeUse.CALLS.value: "#1f5fa8",  # blue
    TimeUse.INBOUND.value: "#6cb6e8",  # sky
    TimeUse.STAGE_WORK.value: "#e07b28",  # orange
    TimeUse.MEETING.value: "#2e9e5b",  # green
    TimeUse.TRAVEL.value: "#8c6d31",  # brown
    TimeUse.AFTER_SALE.value: "#17a3a3",  # teal
    TimeUse.APPROVAL.value: "#7d5ba6",  # purple
    TimeUse.ESCALATION.value: "#c23b3b",  # red
    DUTY_PREFIX: "#d45fa0",  # pink: every duty:<id>
    TimeUse.OVERTIME.value: "#e8c220",  # yellow
    TimeUse.IDLE.value: "#c9c9c9",  # light grey
    TimeUse.ABSENT.value: "#5f6b73",  # dark grey
}


def activity_colour(activity: str) -> str:
    """The colour of an activity on every chart (every duty in the duties' colour).

    Raises:
        KeyError: An activity the palette does not know (a new TimeUse needs a colour).
    """
    if activity.startswith(DUTY_PREFIX):
        return ACTIVITY_COLOURS[DUTY_PREFIX]
    return ACTIVITY_COLOURS[activity]
