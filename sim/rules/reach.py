"""Who works a channel in a network (issue 14): the channel's unit and the units under it.

One rule for both engines: who answers an inbound channel (``sim.rules.service``), who
dials a warm or cold one (``sim.rules.calls.dialled_channels``) and who may own a lead
that arrives by itself (:func:`lead_owner_roles`: the simulator's
``sim.model.inbound.assign`` and the optimiser's lead split). A channel without a unit,
and every channel of a scenario without units, is the whole team's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.rules.deals import segments_sold
from sim.scenario.units import in_reach

if TYPE_CHECKING:
    from sim.scenario import Scenario


def works_channel(sc: Scenario, channel_id: str, role_id: str) -> bool:
    """Whether the role's people work the channel (its unit reaches them)."""
    return in_reach(sc.units, sc.channels[channel_id].unit, sc.roles[role_id].unit)


def lead_owner_roles(sc: Scenario, channel_id: str, segment_id: str) -> list[str]:
    """Roles that may own a lead of ``segment_id`` arriving by ``channel_id`` by itself.

    The segment's sellers (``sim.rules.deals.segments_sold``) within the channel's reach,
    in the scenario's order. Empty: nobody there sells it (a check refuses such a
    scenario: ``sim.scenario.consistency``).
    """
    return [
        rid
        for rid in sc.roles
        if segment_id in segments_sold(sc, rid) and works_channel(sc, channel_id, rid)
    ]
