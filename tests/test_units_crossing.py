"""What crosses a network's units (issue 14, stage U4): approvals, escalations, fixed duties.

One approver rule (``sim.rules.duties.nearest_approver``) for the simulator's people
(``World.approver``), the optimiser's people (allocation) and its roles (sizing,
``approver_role``): the owner's nearest manager at the level or above; else the first
other one at that level in the owner's unit, the units above it, outside the units, then
the unit's ``fallback`` units; never another branch unasked; else the owner. Cases are
tests/data/two_branches.yaml (a regional head over North and South) changed by ``--set``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import simpy

from optimizer.model import PlanMode, _approver, build
from optimizer.rates import rates
from sim import SimMode, simulate
from sim.errors import ScenarioError, dotted
from sim.model.calls import Pools
from sim.model.clock import Clock
from sim.model.duties import assign_duties
from sim.model.inbound import Desk
from sim.model.output import RunRecords
from sim.model.people import build_people
from sim.model.world import World
from sim.rules.checks import approver_warnings
from sim.rules.duties import approver_role, fixed_holders, role_approver
from sim.scenario import Level, Scenario, parse_scenario
from sim.scenario.units import search_order

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "tests" / "data" / "two_branches.yaml").read_text(encoding="utf-8")
BANK = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")
OWNER = "(owner)"  # the deal's owner signs it off

# South's client managers with nobody up their chain: no team lead, reporting to nobody.
CUT = ("roles.south__team_lead.headcount=0", "roles.south__client_manager.reports_to=null")
EAST = (
    "units.east={title: East branch, parent: region_a}",
    "roles.east__team_lead={level: lower, unit: east, headcount: 1, monthly_cost: 150000, "
    "reports_to: regional_head}",
)
FLOATER = ("roles.floater={level: lower, headcount: 1, monthly_cost: 150000}",)  # no unit
CM, LOW, MID = "south__client_manager", Level.LOWER, Level.MIDDLE

# (overrides, level) -> the role that approves a south client manager's deal.
TABLE = [
    pytest.param((), LOW, "south__team_lead", id="chain"),
    pytest.param((), MID, "regional_head", id="chain-middle"),
    # North's lead comes first in the file: before units it took south's approvals.
    pytest.param(CUT[1:], LOW, "south__team_lead", id="own-unit-first"),
    pytest.param(CUT, LOW, OWNER, id="no-other-branch-unasked"),
    pytest.param(CUT, MID, "regional_head", id="unit-above"),
    pytest.param((*CUT, "units.south.fallback=[north]"), LOW, "north__team_lead", id="fallback"),
    pytest.param(
        (*CUT, *EAST, "units.south.fallback=[east, north]"), LOW, "east__team_lead", id="order"
    ),
    pytest.param(
        (*CUT, *EAST, "units.south.fallback=[north, east]"), LOW, "north__team_lead", id="order2"
    ),
    pytest.param((*CUT, *EAST), LOW, OWNER, id="east-unasked"),
    pytest.param(
        (*CUT, *FLOATER, "units.south.fallback=[north]"), LOW, "floater", id="outside-first"
    ),
]


def network(*overrides: str, text: str = TEXT) -> Scenario:
    return parse_scenario(text, "net.yaml", overrides)


def world(sc: Scenario) -> World:
    """A replication's world before it runs, built as sim.model.replication builds it."""
    clock = Clock.of(sc)
    people = build_people(sc, 1, 0)
    assign_duties(sc, people)
    return World(
        env=simpy.Environment(),
        sc=sc,
        clock=clock,
        mode=SimMode.BLOCK,
        seed=1,
        replication=0,
        people=people,
        out=RunRecords(clock.horizon, list(clock.starts), sc.calendar.warmup_days),
        pools=Pools(sc),
        desks=[Desk(answerers=[])],
        desk_of={},
    )


def role_of(person_id: str) -> str:
    return person_id.rpartition(".")[0]


@pytest.mark.parametrize(("overrides", "level", "expected"), TABLE)
def test_the_approver_rule_in_both_engines(
    overrides: tuple[str, ...], level: Level, expected: str
) -> None:
    sc = network(*overrides)
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    # Sizing: roles.
    assert role_approver(sc, CM, level, staffed) == (None if expected == OWNER else expected)
    assert approver_role(sc, CM, level, staffed) == (CM if expected == OWNER else expected)
    # The simulator and the optimiser's allocation: people, every south client manager.
    w = world(sc)
    model = build(sc, rates(sc), PlanMode.ALLOCATION)
    owners = w.by_role[CM]
    assert len(owners) == 5
    for owner in owners:
        by_sim = w.approver(owner, level).pid
        by_plan = _approver(model, model.by_id[owner.pid], level)
        assert by_sim == by_plan
        if expected == OWNER:
            assert by_sim == owner.pid
        else:
            assert role_of(by_sim) == expected


def test_where_a_unit_looks() -> None:
    sc = network(*EAST, "units.south.fallback=[east, region_a, north]")
    # Each place once: the unit, the units above, outside the units, the fallback units
    # (region_a, above, is not asked again; south itself in its fallback is an error).
    assert search_order(sc.units, "south") == ["south", "region_a", None, "east", "north"]
    assert search_order(sc.units, "region_a") == ["region_a", None]
    assert search_order(sc.units, None) == [None]
    assert search_order({}, None) == [None]  # a file without units: the whole team


def test_a_team_without_units_looks_team_wide() -> None:
    # retail_bank: a lead level of supervisors under the head; with the supervisors'
    # sellers reporting to nobody, the first supervisor approves, as before units.
    sc = network("roles.client_manager.reports_to=null", text=BANK)
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    assert approver_role(sc, "client_manager", LOW, staffed) == "supervisor"
    w = world(sc)
    seller = w.by_role["client_manager"][3]
    assert w.approver(seller, LOW) is w.by_role["supervisor"][0]


def simulated_servers(*overrides: str) -> dict[tuple[str, str, str], int]:
    """(kind, level, server's role) -> approvals and escalations served, one replication."""
    sc = network(*overrides)
    frames = simulate(sc, replications=1, seed=7, workers=1, mode=SimMode.BLOCK).frames
    waits = frames.tables()["waits"]
    asked = waits[waits["kind"].isin(["approval", "escalation"])]
    counts = asked.groupby(["kind", "level", asked["server"].map(role_of)]).size()
    return {key: int(n) for key, n in counts.items()}


# North sells nothing (no client managers, a lead who does not sell): every approval its
# lead serves is a South deal's.
NORTH_SELLS_NOTHING = (
    *CUT,
    "roles.north__client_manager.headcount=0",
    "roles.north__team_lead.selling_share=0",
)


def test_a_south_deal_reaches_north_only_through_fallback() -> None:
    alone = simulated_servers(*NORTH_SELLS_NOTHING)
    helped = simulated_servers(*NORTH_SELLS_NOTHING, "units.south.fallback=[north]")
    # Without fallback South's owners sign off their own lower approvals, never North's
    # lead; the regional head (the unit above) takes the middle ones.
    assert {role for (_, _, role) in alone} == {CM, "regional_head"}
    assert alone[("approval", "lower", CM)] > 50
    assert alone[("escalation", "lower", CM)] > 0
    assert alone[("approval", "middle", "regional_head")] > 10
    # With it, North's lead takes every one of them, and no owner signs their own.
    assert {role for (_, _, role) in helped} == {"north__team_lead", "regional_head"}
    assert helped[("approval", "lower", "north__team_lead")] > 50
    assert helped[("escalation", "lower", "north__team_lead")] > 0


def test_fixed_duties_once_per_unit() -> None:
    report = "duties.branch_report={levels: [lower, middle], minutes: 60, per: fixed_per_week}"
    sc = network(report)
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    # Region A's head, and each branch's lead: the first eligible role of each unit.
    holders = ["regional_head", "north__team_lead", "south__team_lead"]
    assert fixed_holders(sc, "branch_report", staffed) == holders
    # A branch with nobody eligible is skipped.
    assert fixed_holders(sc, "branch_report", {**staffed, "south__team_lead": 0}) == holders[:2]
    week = sc.calendar.working_days_per_week
    # The simulator: the first person of each holder role, nobody else.
    doing = {
        p.pid: minutes
        for p in world(sc).people
        for activity, minutes in p.duties
        if activity == "duty:branch_report"
    }
    assert doing == pytest.approx({f"{rid}.01": 60 / week for rid in holders})
    # The optimiser: the same roles carry it, sizing and allocation alike.
    for mode, ids in ((PlanMode.SIZING, holders), (PlanMode.ALLOCATION, doing)):
        model = build(sc, rates(sc), mode)
        carry = {uid for uid, load in model.load.items() if "duty:branch_report" in load}
        assert carry == set(ids), mode


def test_a_team_without_units_does_a_fixed_duty_once() -> None:
    report = "duties.team_report={levels: [line, lower], minutes: 60, per: fixed_per_week}"
    sc = network(report, text=BANK)
    staffed = {rid: role.headcount.current for rid, role in sc.roles.items()}
    assert fixed_holders(sc, "team_report", staffed) == ["supervisor"]
    doing = [p.pid for p in world(sc).people for a, _ in p.duties if a == "duty:team_report"]
    assert doing == ["supervisor.01"]


def test_a_unit_whose_owners_would_approve_their_own_deals_is_warned() -> None:
    warnings = approver_warnings(network(*CUT))
    assert [(dotted(path), message) for path, message in warnings] == [
        (
            "units.south.fallback",
            "nobody at level lower takes the approvals and escalations of unit 'south' "
            "(south__client_manager): none up the reporting chain, in the unit, in the units "
            "above it (region_a), outside the units or in no fallback units, so each deal's "
            "owner signs them off; list a unit whose lower-level people may take them in "
            "units.south.fallback, or give the unit a lower-level role",
        )
    ]
    assert approver_warnings(network(*CUT, "units.south.fallback=[north]")) == []
    # East has no lower-level people either: the fallback tried is named.
    cut_east = (*EAST, "roles.east__team_lead.headcount=0", "units.south.fallback=[east]")
    [(_, message)] = approver_warnings(network(*CUT, *cut_east))
    assert "or in its fallback units (east), so" in message
    assert approver_warnings(network()) == []


def test_fallback_names_units() -> None:
    with pytest.raises(ScenarioError) as info:
        network("units.south.fallback=[north, east]")
    [problem] = info.value.problems
    assert (dotted(problem.path), problem.message) == (
        "units.south.fallback.1",
        "unknown unit 'east'; expected one of: north, region_a, south",
    )
    # The raw twin: reported with a field error that stops the typed checks.
    with pytest.raises(ScenarioError) as info:
        network("units.south.fallback=[east]", "roles.south__team_lead.level=boss")
    paths = {dotted(p.path) for p in info.value.problems}
    assert {"units.south.fallback.0", "roles.south__team_lead.level"} <= paths
