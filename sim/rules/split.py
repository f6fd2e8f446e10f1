"""Which parts of a scenario share nothing, so that a replication may be run part by part.

Issue 14, deliverable 5 (docs/dev/network_plan.md, section 7.2). A network's branches are
often independent below the level that joins them: nobody in one branch answers its
requests, owns its leads, dials its pools, covers for its people, takes over its deals or
approves them. Then each such part is a sub-model of its own, and a replication played
out part by part gives the frames of the whole model (``sim.model.replication``: deal
numbers and row order are kept by part in both): each part's heap and working set stay at
its size, which keeps the cost a person flat as the network grows.

The rule is a join of roles (and channels) over everything one person's work can touch in
another's, read from the same rules the simulator follows:

* a channel with state of its own and every role that works it: a finite pool and its
  dialers (``sim.rules.calls.pool_total``, ``dialled_channels``), an inbound channel and
  its answerers (``sim.rules.service.answering_roles``), an inbound or referral channel
  and the roles that may own its leads (``sim.rules.reach.lead_owner_roles``); an
  unlimited cold list is no one's (each dialler draws on streams of their own);
* the roles that share a desk's queue and rota (``sim.rules.service.answer_groups``);
* a role and its ``deputy``, and the roles that may take over its deals
  (``sim.rules.staffing.taker_roles``);
* a role whose people may own deals, and for every level an approval or escalation may
  ask, the role that handles it (``sim.rules.duties.role_approver``) and every role on
  the reporting chain up to it (the simulator walks it person by person).

Managers above a part with no per-deal work from it are not joined: they only count
their reports (per-report duties), which a part reads from the whole team's tree. A
channel that no role works (its requests queue at the first desk) keeps the scenario
whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.rules.calls import dialled_channels, pool_total
from sim.rules.deals import lead_segments
from sim.rules.duties import manager_role, role_approver
from sim.rules.reach import lead_owner_roles
from sim.rules.service import answer_groups, answering_roles
from sim.rules.staffing import seats, taker_roles
from sim.scenario import Level
from sim.scenario.market import InboundChannel, ReferralChannel
from sim.scenario.units import ancestors

if TYPE_CHECKING:
    from sim.scenario import Scenario

__all__ = ["Part", "parts", "separable", "why_whole"]


@dataclass(frozen=True)
class Part:
    """Roles and channels that share work with one another and with nobody else.

    ``roles`` and ``channels`` are in the scenario's file order; parts are ordered by
    their first role.
    """

    roles: tuple[str, ...]
    channels: tuple[str, ...]  # the channels with state of their own (``_shared``)


class _Join:
    """Union-find over role and channel nodes; what first joined units apart, in words."""

    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.up: dict[tuple[str, str], tuple[str, str]] = {}
        self.units: dict[tuple[str, str], set[str]] = {}  # a root's roles' units
        self.crossings: list[str] = []

    def find(self, node: tuple[str, str]) -> tuple[str, str]:
        if node not in self.up:
            self.up[node] = node
            unit = self.sc.roles[node[1]].unit if node[0] == "role" else None
            self.units[node] = {unit} if unit else set()
        root = node
        while self.up[root] != root:
            root = self.up[root]
        while node != root:  # path compression
            self.up[node], node = root, self.up[node]
        return root

    def join(self, a: tuple[str, str], b: tuple[str, str], why: str = "") -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if why and self._apart(self.units[ra], self.units[rb]):
                self.crossings.append(why)
            self.up[rb] = ra
            self.units[ra] |= self.units.pop(rb)

    def _apart(self, these: set[str], those: set[str]) -> bool:
        """Whether two sets of units hold two neither of which is above the other."""
        units = self.sc.units
        return any(
            u != v and u not in ancestors(units, v) and v not in ancestors(units, u)
            for u in these
            for v in those
        )


def _role(rid: str) -> tuple[str, str]:
    return ("role", rid)


def _channel(cid: str) -> tuple[str, str]:
    return ("channel", cid)


def parts(sc: Scenario) -> list[Part]:
    """The scenario's independent parts: one (the whole team) unless it separates.

    Returns:
        Parts covering every role and every channel with state of its own (a finite pool,
        an inbound or a referral channel) exactly once, ordered by their first role. A
        team without units is one part.
    """
    whole = [Part(tuple(sc.roles), tuple(cid for cid in sc.channels if _shared(sc, cid)))]
    join = _joined(sc)
    return whole if join is None else _collect(sc, join)


def separable(sc: Scenario) -> bool:
    """Whether a replication of the scenario may be run part by part (more than one part)."""
    return len(parts(sc)) > 1


def why_whole(sc: Scenario) -> list[str]:
    """Why a network's replications run whole: what joins its units, in words.

    Empty for a team without units and for a network that separates. Each entry is a
    join that put two units neither of which is above the other into one part
    ("channel website_requests reaches south__client_manager"), in the order found.
    """
    if not sc.units or separable(sc):
        return []
    unworked = [cid for cid in sc.channels if _shared(sc, cid) and cid not in _worked(sc)]
    if unworked:
        return [f"channel {unworked[0]} has nobody who works it"]
    join = _joined(sc)
    return [] if join is None else join.crossings


def _worked(sc: Scenario) -> set[str]:
    return _join_channels(sc, _Join(sc))


def _joined(sc: Scenario) -> _Join | None:
    """The joins of a network's roles and channels; None keeps it whole."""
    if not sc.units:
        return None
    join = _Join(sc)
    for rid in sc.roles:
        join.find(_role(rid))
    worked = _join_channels(sc, join)
    if any(_shared(sc, cid) and cid not in worked for cid in sc.channels):
        return None  # a channel nobody works: its requests wait at the first desk
    for group in answer_groups(sc):
        for rid in group[1:]:
            join.join(_role(group[0]), _role(rid), f"{group[0]} and {rid} answer at one desk")
    _join_cover(sc, join)
    _join_approvers(sc, join)
    return join


def _shared(sc: Scenario, cid: str) -> bool:
    """Whether a channel has state its workers share: requests, referrals or a pool."""
    ch = sc.channels[cid]
    return isinstance(ch, InboundChannel | ReferralChannel) or pool_total(sc, cid) is not None


def _join_channels(sc: Scenario, join: _Join) -> set[str]:
    """Join each shared channel with the roles that work it; the ones some role works."""
    worked: set[str] = set()

    def link(cid: str, rid: str) -> None:
        join.join(_channel(cid), _role(rid), f"channel {cid} reaches {rid}")
        worked.add(cid)

    for rid in sc.roles:
        for cid in dialled_channels(sc, rid)[0]:
            if pool_total(sc, cid) is not None:
                link(cid, rid)
    for cid, ch in sc.channels.items():
        if isinstance(ch, InboundChannel):
            for rid in answering_roles(sc, cid):
                link(cid, rid)
        if isinstance(ch, InboundChannel | ReferralChannel):
            for segment in lead_segments(sc, cid):
                for rid in lead_owner_roles(sc, cid, segment):
                    link(cid, rid)
    return worked


def _join_cover(sc: Scenario, join: _Join) -> None:
    """Join each role with its deputy role and the roles that may take over its deals."""
    for rid, role in sc.roles.items():
        if role.deputy is not None:
            join.join(_role(rid), _role(role.deputy), f"{rid}'s deputy is {role.deputy}")
        named = {seat.successor for seat in seats(sc, rid)}
        for ref in sorted(named, key=str):
            for taker in taker_roles(sc, rid, ref):
                if taker in sc.roles:
                    join.join(_role(rid), _role(taker), f"{taker} takes over {rid}'s deals")


def _owners(sc: Scenario) -> set[str]:
    """Roles whose people may own a deal: dialers, lead owners and who takes theirs over."""
    owners = {rid for rid in sc.roles if _dials(sc, rid)}
    owners |= {
        rid
        for cid, ch in sc.channels.items()
        if isinstance(ch, InboundChannel | ReferralChannel)
        for segment in lead_segments(sc, cid)
        for rid in lead_owner_roles(sc, cid, segment)
    }
    grown = True
    while grown:  # a taker's own takers may take a deal over again
        takers = {
            taker
            for rid in owners
            for seat in seats(sc, rid)
            for taker in taker_roles(sc, rid, seat.successor)
            if taker in sc.roles
        }
        grown = not takers <= owners
        owners |= takers
    return owners


def _dials(sc: Scenario, rid: str) -> bool:
    """Whether a role's people dial (``sim.model.calls.make_dialer``'s rule)."""
    return sc.calls is not None and sc.roles[rid].sells > 0 and bool(dialled_channels(sc, rid)[0])


def _asked_levels(sc: Scenario) -> set[Level]:
    """Every level an approval or an escalation of any segment may ask."""
    levels = {stage.approval for seg in sc.segments.values() for stage in seg.stages}
    levels |= {s.escalation_level for s in sc.segments.values() if s.escalation_rate > 0}
    return {lv for lv in levels if lv is not None}


def _join_approvers(sc: Scenario, join: _Join) -> None:
    """Join each owner role with the role that approves for it and the chain up to it."""
    staffed = {rid: len(seats(sc, rid)) for rid in sc.roles}
    levels = _asked_levels(sc)
    for rid in sorted(_owners(sc)):
        for level in levels:
            found = role_approver(sc, rid, level, staffed)
            if found is None:
                continue
            join.join(_role(rid), _role(found), f"{found} handles {rid}'s deals at level {level}")
            up = manager_role(sc, rid, staffed)
            while up is not None and sc.roles[up].level.rank < level.rank:
                join.join(_role(rid), _role(up), f"{up} is on {rid}'s way up to level {level}")
                up = manager_role(sc, up, staffed)


def _collect(sc: Scenario, join: _Join) -> list[Part]:
    """The parts in the order of their first role, each in file order."""
    roots: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for rid in sc.roles:
        roots.setdefault(join.find(_role(rid)), ([], []))[0].append(rid)
    for cid in sc.channels:
        if not _shared(sc, cid):
            continue
        roots.setdefault(join.find(_channel(cid)), ([], []))[1].append(cid)
    return [Part(tuple(roles), tuple(channels)) for roles, channels in roots.values()]
