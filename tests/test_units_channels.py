"""A unit's own channels (issue 14, stages U2 and U3): desks, leads and dialling by unit.

On the test network (tests/data/two_branches.yaml: North and South under Region A), a
channel with a ``unit`` is worked only by the roles that unit reaches
(``sim.rules.reach``): its requests answered at the unit's desk, its leads owned there,
its contacts dialled there. Both engines read the one rule: traces of the simulator and
the optimiser's variables and rows are asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import optimizer
from optimizer.model import build
from optimizer.rates import rates
from sim import SimResult, simulate
from sim.errors import Problem, ScenarioError, dotted
from sim.rules.reach import lead_owner_roles
from sim.rules.service import answer_groups, answering_roles, desk_groups
from sim.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "tests" / "data" / "two_branches.yaml").read_text(encoding="utf-8")
SHORT = ("calendar.horizon_days=40", "calendar.warmup_days=10")
# North answers the website; South gets the partners' referrals and a walk-in desk of its
# own; North alone dials the payroll clients' staff.
BY_UNIT = (
    "channels.website_requests.unit=north",
    "channels.partners.unit=south",
    "channels.payroll_client_staff.unit=north",
    "channels.walk_ins={kind: inbound, unit: south, requests_per_day: 8, handle_min: 5, "
    "answer_within_min: 60, service_level_target: 0.8, lead_share: 0.3}",
    "segments.consumer_loan.channels=[payroll_client_staff, individuals, partners, "
    "website_requests, walk_ins]",
)


def network(*overrides: str) -> Scenario:
    return parse_scenario(TEXT, "net.yaml", overrides)


def problems_of(*overrides: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(TEXT, "net.yaml", overrides)
    return info.value.problems


def person_unit(sc: Scenario, person: str) -> str | None:
    return sc.roles[person.rpartition(".")[0]].unit


@pytest.fixture(scope="module")
def run() -> SimResult:
    sc = network(*SHORT, *BY_UNIT)
    return simulate(sc, replications=1, seed=20261202, workers=1)


def test_the_rule_who_works_a_channel() -> None:
    sc = network(*BY_UNIT)
    assert answering_roles(sc, "website_requests") == ["north__client_manager"]
    assert answering_roles(sc, "walk_ins") == ["south__client_manager"]
    assert desk_groups(sc) == {
        ("north__client_manager",): ["website_requests"],
        ("south__client_manager",): ["walk_ins"],
    }
    assert answer_groups(sc) == [("north__client_manager",), ("south__client_manager",)]
    assert lead_owner_roles(sc, "partners", "consumer_loan") == [
        "south__team_lead",
        "south__client_manager",
    ]
    # A team without units: one desk of every answerer, leads to every seller.
    flat = network()
    assert answer_groups(flat) == [("north__client_manager", "south__client_manager")]
    assert len(lead_owner_roles(flat, "partners", "consumer_loan")) == 4


def test_each_desk_answers_its_own_channels(run: SimResult) -> None:
    sc, waits = run.scenario, run.frames.waits
    answered = waits.loc[(waits["kind"] == "inbound") & (waits["server"] != "")]
    by_channel = answered.groupby("channel")["server"].agg(
        lambda s: {person_unit(sc, p) for p in s}
    )
    assert by_channel.to_dict() == {"walk_ins": {"south"}, "website_requests": {"north"}}


def test_leads_stay_in_the_channels_unit(run: SimResult) -> None:
    sc, deals = run.scenario, run.frames.deals
    owners = deals.groupby("channel")["owner"].agg(lambda s: {person_unit(sc, p) for p in s})
    assert owners["partners"] == {"south"}
    assert owners["website_requests"] == {"north"}
    assert owners["walk_ins"] == {"south"}
    assert owners["payroll_client_staff"] == {"north"}  # dialled by North only
    calls = run.frames.calls
    dialled = (
        calls.loc[calls["dials"] > 0]
        .groupby("channel")["person"]
        .agg(lambda s: {person_unit(sc, p) for p in s})
    )
    assert dialled["payroll_client_staff"] == {"north"}
    assert dialled["individuals"] == {"north", "south"}  # a channel without a unit


def test_the_optimiser_reads_the_same_desks_and_leads() -> None:
    sc = network(*BY_UNIT)
    model = build(sc, rates(sc), "sizing")
    answers = {v.name for v in model.answers.values()}
    assert answers == {
        "answers_north__client_manager_website_requests",
        "answers_south__client_manager_walk_ins",
    }
    # A referral of South brings North's sellers nothing: their lead rows have no
    # constant (a referral's leads are the rows' constants, an answer's a variable).
    north = {n: c for n, c in model.constraints.items() if n.startswith("leads_north__")}
    south = {n: c for n, c in model.constraints.items() if n.startswith("leads_south__")}
    assert north and all(c.constant == 0 for c in north.values())
    assert any(c.constant != 0 for c in south.values())
    plan = optimizer.plan(sc, "sizing", "cbc", marginals=False)
    assert {s.channel for s in plan.services} == {"website_requests", "walk_ins"}
    # Each desk its own service row, sized on its own answerers.
    service = sorted(n for n in model.constraints if n.startswith("service_"))
    assert len(service) == 2, service


def test_a_channels_unit_must_exist() -> None:
    [problem] = problems_of("channels.partners.unit=east")
    assert dotted(problem.path) == "channels.partners.unit"
    assert problem.message == "unknown unit 'east'; expected one of: north, region_a, south"


def test_desks_that_overlap_are_refused() -> None:
    problems = problems_of(
        "channels.website_requests.unit=region_a",
        "channels.walk_ins={kind: inbound, unit: south, requests_per_day: 8, handle_min: 5, "
        "answer_within_min: 60, service_level_target: 0.8}",
    )
    [problem] = [p for p in problems if dotted(p.path) == "channels.walk_ins.unit"]
    assert problem.message == (
        "answered by south__client_manager, and 'website_requests' by north__client_manager, "
        "south__client_manager: a desk is one queue, so two channels' answerers are the same "
        "or apart; give both the same unit, or units neither of which is under the other"
    )


def test_a_desk_needs_answerers_in_its_unit() -> None:
    problems = problems_of(
        "channels.website_requests.unit=north", "roles.north__client_manager.handles_inbound=false"
    )
    messages = {dotted(p.path): p.message for p in problems}
    assert messages["channels.website_requests.unit"].startswith(
        "no role of unit 'north' or the units under it answers inbound requests"
    )


def test_a_units_referrals_need_its_sellers() -> None:
    problems = problems_of(
        "channels.partners.unit=south",
        "roles.south__client_manager.segments=[consumer_loan]",
        "roles.south__team_lead.segments=[consumer_loan]",
    )
    messages = {dotted(p.path): p.message for p in problems}
    assert messages["channels.partners.unit"] == (
        "no role of unit 'south' or the units under it sells 'payroll_project', but "
        "'partners' (referral) brings 'payroll_project' leads there: a lead that arrives by "
        "itself goes to a seller the channel's unit reaches, so they would be lost; add "
        "'payroll_project' to a selling role's segments there, or give the channel another unit"
    )


def test_a_units_desk_counts_in_its_results(run: SimResult) -> None:
    waits = run.frames.waits
    inbound = waits.loc[waits["kind"] == "inbound"]
    assert (
        inbound["org_unit"]
        == inbound["channel"].map({"website_requests": "north", "walk_ins": "south"})
    ).all()
    intervals = run.frames.inbound_intervals
    assert set(intervals["org_unit"]) == {"north", "south"}
    # Every desk is under Region A: its inbound KPIs are the team's.
    table = run.kpis_by_unit.set_index(["org_unit", "kpi"])["mean"]
    team = run.kpis.set_index("kpi")["mean"]
    for kpi in ("inbound_service_level", "inbound_wait_share", "inbound_asa_min"):
        assert table["region_a", kpi] == pytest.approx(team[kpi], rel=1e-12)
        assert ("north", kpi) in table.index and ("south", kpi) in table.index


def test_a_units_desk_with_nobody_on_it_is_warned_of() -> None:
    # A trial's finding: a branch's advisors set to 0 left its desk unanswered unsaid.
    from sim.rules import rule_warnings

    sc = network(*BY_UNIT, "roles.north__client_manager.headcount={current: 0, min: 0, max: 9}")
    [(path, message)] = [w for w in rule_warnings(sc) if "nobody answers" in w[1]]
    assert path == ("channels", "website_requests")
    assert message == (
        "nobody answers website_requests: its answerers (north__client_manager) have nobody "
        "in seat and no joiner, so a simulation leaves its requests unanswered (plan sizes "
        "them within headcount.max); give one of them people"
    )
    assert not [w for w in rule_warnings(network(*BY_UNIT)) if "nobody answers" in w[1]]


def test_results_by_unit_show_each_desks_service(run: SimResult) -> None:
    from teamsim.unit_view import unit_table

    table = unit_table(run.kpis, run.kpis_by_unit, run.scenario)
    assert table.headers[-1] == "inbound within target, %"
    cells = {name: row[-1] for _, _, name, row in table.rows}
    assert cells["North branch"] != "-" and cells["South branch"] != "-"
