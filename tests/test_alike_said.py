"""Alike branches are told alike, once (issue 14, deliverable 3: which units bind).

The elastic LP behind an impossible plan's advice ends at one corner of many equal ones:
four alike branches were told "allow 36 more client managers" in one branch and nothing
in the other three. The advice is now each class's mean (optimizer.elastic.evened_slack),
said once for the class, and the binding limits of alike units read once too
(optimizer.units.limits_said); ``--json`` keeps every unit's own limit.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from typer.testing import CliRunner

from benchmarks.bench_network import network_text
from optimizer import InfeasiblePlanError, limits_said, plan
from optimizer.errors import Relaxation
from sim.scenario import Scenario, parse_scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from tests.frame_golden import ROOT


def _network(units: int, plan_per_person: int, sellers_max: int = 140) -> str:
    """The benchmark's branches of 100 with team leads 4-14 and client managers 45-max."""
    text = network_text(units, days=60)
    text = text.replace(
        "        headcount: 9\n", "        headcount: {current: 9, min: 4, max: 14}\n", 1
    ).replace(
        "        headcount: 90\n",
        f"        headcount: {{current: 90, min: 45, max: {sellers_max}}}\n",
        1,
    )
    old = f"revenue_per_month: {units * 100 * 1_500_000}"
    assert old in text
    return text.replace(old, f"revenue_per_month: {units * 100 * plan_per_person}")


def _scenario(text: str) -> Scenario:
    return parse_scenario(text, "alike_network")


def test_an_impossible_plan_of_alike_branches_asks_the_same_of_each_and_that_is_enough() -> None:
    sc = _scenario(_network(4, 1_500_000))
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(sc, "sizing", "cbc", marginals=False)
    err = caught.value
    together = [r for r in err.relaxations if r.parts]
    assert len(together) == 1
    way = together[0]
    # One line a role for the four branches, not one a branch, each on its own line.
    assert len(way.parts) == 2 and all("(alike units), each as Branch 000" in p for p in way.parts)
    lines = str(err).splitlines()
    assert "  - all of:" in lines
    assert (
        sum(
            line.startswith("      - Branch 000, Branch 001, Branch 002 and Branch 003")
            for line in lines
        )
        == 2
    )
    sellers = next(p for p in way.parts if "client manager" in p)
    more = int(re.search(r"allow (\d+) more \(max 140 -> (\d+)\)", sellers).group(1))  # type: ignore[union-attr]
    heads = next(p for p in way.parts if "branch head" in p)
    assert "allow 1 more (max 1 -> 2)" in heads
    # The advice given to every branch alike is enough: the plan becomes feasible.
    text = _network(4, 1_500_000, sellers_max=140 + more).replace(
        "      branch_head:\n        level: middle\n        headcount: 1\n",
        "      branch_head:\n        level: middle\n"
        "        headcount: {current: 1, min: 1, max: 2}\n",
    )
    assert "max: 2}" in text
    sized = plan(_scenario(text), "sizing", "cbc", marginals=False)
    assert sized.revenue_per_month >= 0.999 * sized.plan_per_month


def test_a_relaxation_of_several_limits_reads_one_a_line() -> None:
    parts = ("North: allow 1 more team lead", "South: allow 2 more client managers")
    err = InfeasiblePlanError(
        "The plan is impossible.",
        [Relaxation("headcount", "a+b", 3.0, "people", "; and ".join(parts), parts=parts)],
    )
    assert str(err).splitlines() == [
        "The plan is impossible.",
        "Any one of these would make it feasible:",
        "  - all of:",
        "      - North: allow 1 more team lead",
        "      - South: allow 2 more client managers",
    ]
    assert err.json_details()["relaxations"][0]["parts"] == list(parts)  # type: ignore[index]


def test_alike_branches_binding_limit_is_said_once_and_kept_per_unit_in_json() -> None:
    sc = _scenario(_network(4, 1_000_000))
    sized = plan(sc, "sizing", "cbc", marginals=False)
    assert sized.alike == (("b000", "b001", "b002", "b003"),)
    caps = [
        lim
        for lim in sized.limits
        if lim.family == "calls_cap" and lim.subject.endswith("__team_lead")
    ]
    assert [lim.org_unit for lim in caps] == ["b000", "b001", "b002", "b003"]
    said = limits_said(sc, sized)
    once = [(text, at) for text, at in said if "(alike units)" in text]
    assert len(once) == 1
    text, at = once[0]
    assert [sized.limits[i] for i in at] == caps
    assert text.startswith(
        "Branch 000, Branch 001, Branch 002 and Branch 003 (alike units), each as Branch 000: "
        "B000 team lead"
    )
    # Every limit is said: the rows stand for all of them, each once.
    assert sorted(i for _, at in said for i in at) == list(range(len(sized.limits)))
    assert json.loads(json.dumps(sized.to_dict()))["alike"] == [["b000", "b001", "b002", "b003"]]


def test_the_command_prints_the_alike_limit_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "network.yaml"
    path.write_text(_network(4, 1_000_000), encoding="utf-8")
    wide = {"COLUMNS": "400"}  # a line a limit, as the test reads them
    out = CliRunner().invoke(app, ["plan", str(path), "--no-marginals"], env=wide)
    assert out.exit_code == 0, out.output
    # Roles by their titles everywhere in the printout, the card and its quotas too
    # (untitled template roles read "B000 team lead", never their id b000__team_lead).
    assert "b000__" not in out.output and "B000 team lead: 4 people" in out.output
    # The duty table of a network's thirteen roles: a role a row, nothing cut to "…".
    duties = out.output.split("Duty allocation", 1)[1].split("Channels (a month)", 1)[0]
    assert "B003 client manager" in duties and "…" not in duties
    binding = out.output.split("Binding limits", 1)[1]
    assert binding.count("(alike units), each as Branch 000") == 1
    assert "Branch 001: B001 team lead" not in binding
    raw = CliRunner().invoke(app, ["plan", str(path), "--no-marginals", "--json"])
    data = json.loads(raw.stdout)
    leads = [lim for lim in data["limits"] if lim["subject"].endswith("__team_lead")]
    assert sum(lim["family"] == "calls_cap" for lim in leads) == 4
    # --no-marginals: no re-solves, and the card says so rather than an empty table.
    assert data["marginals"] == []
    assert "One more / one fewer person: not computed (--no-marginals)." in out.output
    refused = CliRunner().invoke(app, ["plan", str(path), "--no-marginals", "--verify"])
    assert refused.exit_code == 2
    assert "--no-marginals is for a plain plan" in refused.output


def test_a_zero_one_more_of_alike_units_is_explained_and_only_there() -> None:
    from teamsim.format import marginal_note

    sized = plan(_scenario(_network(4, 1_000_000)), "sizing", "cbc", marginals=True)
    sellers = {m.role: m for m in sized.marginals if m.role.endswith("__client_manager")}
    # The network's plan needs so many client managers in all: one more forced into
    # one branch is one fewer in another, at the same cost.
    assert len(sellers) == 4 and all(m.one_more == 0.0 for m in sellers.values())
    note = marginal_note(sized, "en_GB")
    assert note is not None and note.startswith("RUB\xa00 for a role of alike units")
    # Without alike classes (a team, or unalike branches) nothing is said.
    alone = dataclasses.replace(sized, alike=())
    assert marginal_note(alone) is None
    assert sized.alike_units_of("b002__client_manager") == ("b000", "b001", "b002", "b003")
    assert sized.alike_units_of("network_head") == ()


SPAN = ROOT / "tests" / "data" / "four_branches_span.yaml"


def test_each_way_out_of_an_impossible_plan_works_when_followed() -> None:
    """Whole people: the LP's advice (1.5 team leads a branch) failed when followed.

    Each way out is taken as the message says it and the plan made again: it must be
    possible, and lowering the plan is to the figure said (rounded down, not up).
    """
    too_much = ["plan.revenue_per_month=120000000"]
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(load_scenario(SPAN, too_much), "sizing", "cbc", marginals=False)
    ways = {r.kind: r for r in caught.value.relaxations}
    assert set(ways) == {"plan", "headcount", "pool"}
    lower = re.search(r"lower the plan to RUB\xa0(\d+)M a month", ways["plan"].text)
    heads = re.search(
        r"Region A: span of control of Regional head: 8 reports need 2 people at a span of 6: "
        r"allow 1 more \(max 1 -> 2\)",
        ways["headcount"].text,
    )
    sellers = re.search(r"allow \d+ more \(max 10 -> (\d+)\)", ways["headcount"].text)
    stock = re.search(r"channels.payroll_client_staff.pool 4,000 -> ([\d,]+)", ways["pool"].text)
    assert lower and heads and sellers and stock, [r.text for r in ways.values()]
    followed = {
        "plan": [f"plan.revenue_per_month={int(lower.group(1)) * 1_000_000}"],
        "headcount": [
            *too_much,
            "roles.regional_head.headcount={current: 1, min: 1, max: 2}",
            f"templates.branch.roles.client_manager.headcount.max={sellers.group(1)}",
        ],
        "pool": [
            *too_much,
            f"channels.payroll_client_staff.pool={stock.group(1).replace(',', '')}",
        ],
    }
    for kind, overrides in followed.items():
        sized = plan(load_scenario(SPAN, overrides), "sizing", "cbc", marginals=False)
        assert sized.revenue_per_month >= 0.999 * sized.plan_per_month, kind


def test_an_amount_to_lower_a_plan_to_is_rounded_down_to_what_is_said() -> None:
    from optimizer.elastic import floor_significant

    assert floor_significant(893_800_000.0) == 893_000_000.0
    assert floor_significant(1_529_999.0) == 1_520_000.0
    assert floor_significant(106_000_000.0) == 106_000_000.0  # exact stays
    assert floor_significant(0.0) == 0.0 and floor_significant(-5.0) == 0.0


def test_a_shared_pools_limit_says_whose_share_is_used_up() -> None:
    sized = plan(load_scenario(SPAN), "sizing", "cbc", marginals=False)
    (pool,) = [lim for lim in sized.limits if lim.family == "pool"]
    (line,) = [c for c in sized.channels if c.channel == "payroll_client_staff"]
    # The pool as a whole is far from used up; the team leads' shares of it are.
    assert line.pool_used is not None and line.pool_used < 0.5
    assert pool.text.startswith(
        'the share of the warm pool "Payroll clients\' staff" for Team lead, Branch 1, '
    )


def test_a_cap_met_within_the_solvers_tolerance_binds() -> None:
    sized = plan(
        load_scenario(SPAN, ["plan.revenue_per_month=90000000"]), "sizing", "cbc", marginals=False
    )
    caps = {lim.subject for lim in sized.limits if lim.family == "calls_cap"}
    # Branch 4's client managers plan 50.999998 dials a day of a cap of 51.0 (CBC's
    # tolerance): a cap they are at, listed.
    assert "b4__client_manager" in caps


def test_a_way_out_is_searched_for_within_the_plans_time_limit_or_twenty_seconds() -> None:
    from optimizer.elastic import ELASTIC_LIMIT_S, _elastic_solver
    from optimizer.solvers import make_solver

    assert ELASTIC_LIMIT_S == 20.0
    assert _elastic_solver(make_solver("cbc")).timeLimit == 20.0
    assert _elastic_solver(make_solver("cbc", time_limit_s=5)).timeLimit == 5
    assert _elastic_solver(make_solver("cbc", time_limit_s=60)).timeLimit == 20.0


def test_raising_a_maximum_is_offered_where_a_warm_pools_gate_read_it_as_a_bound() -> None:
    """The gate rows bounded a relaxed team by its maximum: 'raise it' was never offered."""
    base = [
        "plan.revenue_per_month=126000000",
        "roles.regional_head.max_span=8",
        "units.b4.channels.walk_ins.requests_per_day=10",
    ]
    with pytest.raises(InfeasiblePlanError) as caught:
        plan(load_scenario(SPAN, base), "sizing", "cbc", marginals=False)
    (way,) = [r for r in caught.value.relaxations if r.kind == "headcount"]
    alike = re.search(
        r"Branch 1, Branch 2 and Branch 3 \(alike units\).*\(max 10 -> (\d+)\)", way.text
    )
    four = re.search(r"Branch 4: .*\(max 10 -> (\d+)\)", way.text)
    assert alike and four, way.text
    followed = [
        *base,
        f"templates.branch.roles.client_manager.headcount.max={alike.group(1)}",
        f"units.b4.headcount.client_manager={{current: 5, min: 3, max: {four.group(1)}}}",
    ]
    sized = plan(load_scenario(SPAN, followed), "sizing", "cbc", marginals=False)
    assert sized.revenue_per_month >= 0.999 * sized.plan_per_month
