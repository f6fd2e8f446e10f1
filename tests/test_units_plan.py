"""The optimiser sizes a network per unit and says which units bind (issue 14, stage U5).

The test network is tests/data/two_branches.yaml: a regional head (Region A) over North
and South, each with a team lead and client managers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from optimizer import InfeasiblePlanError, Plan, PlanMode, plan
from optimizer.extract import family_of
from optimizer.hiring import _split
from optimizer.model import build
from optimizer.rates import rates
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_units_view import render_plan_units
from tests.frame_golden import ROOT
from tests.units_helpers import HQ, one_unit_overrides

NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
BANK = ROOT / "scenarios" / "retail_bank.yaml"
# Client managers free to be sized from 1 in each branch, the same in both.
ALIKE = (
    "roles.north__client_manager.headcount={current: 6, min: 1, max: 15}",
    "roles.south__client_manager.headcount={current: 6, min: 1, max: 15}",
)


def _plan(path: Path = NETWORK, overrides: tuple[str, ...] = (), **kw: Any) -> Plan:
    return plan(load_scenario(path, overrides), "sizing", "cbc", marginals=False, **kw)


def _heads(p: Plan) -> dict[str, int]:
    return {r.role: r.headcount for r in p.roles}


# --- constraint names with "__" (design 1.3) ----------------------------------------------


def test_family_of_reads_a_unit_role_whole() -> None:
    assert family_of("capacity_north__client_manager") == ("capacity", "north__client_manager")
    assert family_of("calls_cap_north__team_lead") == ("calls_cap", "north__team_lead")
    assert family_of("span_north__team_lead") == ("span", "north__team_lead")
    assert family_of("headcount_max_south__client_manager") == (
        "headcount_max",
        "south__client_manager",
    )
    # A shared pool's row per caller is the channel's, whoever the caller.
    assert family_of("pool_payroll_client_staff") == ("pool", "payroll_client_staff")
    assert family_of("pool_payroll_client_staff.north__client_manager") == (
        "pool",
        "payroll_client_staff",
    )
    assert family_of("pool_north__referrals.north__client_manager.03") == (
        "pool",
        "north__referrals",
    )
    assert family_of("plan") == ("plan", "")
    # The hiring model's month suffix comes off first.
    assert _split("pool_warm.north__client_manager_m3") == ("pool", "warm", 3)
    assert _split("capacity_north__client_manager_m11") == ("capacity", "north__client_manager", 11)


def test_every_row_of_the_network_names_a_subject_of_the_model() -> None:
    sc = load_scenario(NETWORK)
    model = build(sc, rates(sc), PlanMode.SIZING)
    pools = [n for n in model.constraints if n.startswith("pool_") and "used" not in n]
    assert len(pools) >= 2  # the warm pool, shared by both branches' callers: a row each
    for name in model.constraints:
        family, subject = family_of(name)
        if family in ("capacity", "calls_cap", "span", "headcount_max"):
            assert subject in sc.roles, name
        elif family == "pool":
            assert subject in sc.channels, name


# --- the answer by unit -------------------------------------------------------------------


def test_the_plan_by_unit_adds_up_to_the_plan() -> None:
    p = _plan()
    assert [r.org_unit for r in p.roles] == ["region_a", "north", "north", "south", "south"]
    total = sum(r.headcount for r in p.roles)
    assert sum(u.headcount for u in p.units) == total == sum(p.levels.values())
    assert sum(u.cost_per_month for u in p.units) == pytest.approx(p.cost_per_month)
    # The region holds its branches: its figures with sub-units are the network's.
    region = [u for u in p.units if u.org_unit == "region_a"]
    assert [u.level for u in region] == ["middle", "lower", "line"]
    assert sum(u.headcount_with_sub_units for u in region) == total
    assert sum(u.cost_with_sub_units for u in region) == pytest.approx(p.cost_per_month)
    assert [u.headcount for u in region] == [1, 0, 0]
    heads = _heads(p)
    north = {u.level: u.headcount for u in p.units if u.org_unit == "north"}
    assert north == {"lower": heads["north__team_lead"], "line": heads["north__client_manager"]}


def test_a_role_outside_the_units_has_a_row_of_its_own() -> None:
    p = _plan(overrides=("roles.regional_head.unit=null",))
    outside = [u for u in p.units if u.org_unit is None]
    assert [(u.level, u.headcount, u.cost_per_month) for u in outside] == [("middle", 1, 260000)]
    assert sum(u.headcount for u in p.units) == sum(r.headcount for r in p.roles)
    region = [u for u in p.units if u.org_unit == "region_a"]
    assert [u.level for u in region] == ["lower", "line"]


def test_identical_branches_are_sized_alike() -> None:
    for revenue in (30e6, 45e6, 60e6):
        heads = _heads(_plan(overrides=(*ALIKE, f"plan.revenue_per_month={revenue}")))
        assert heads["north__team_lead"] == heads["south__team_lead"], revenue
        assert abs(heads["north__client_manager"] - heads["south__client_manager"]) <= 1, (
            revenue,
            heads,
        )
    # At 30 M: three each (without the tie-break over units CBC answered 2 + 5, a person
    # dearer than the optimum, and HiGHS 1 + 5).
    heads = _heads(_plan(overrides=(*ALIKE, "plan.revenue_per_month=30000000")))
    assert (heads["north__client_manager"], heads["south__client_manager"]) == (3, 3)


# --- which units bind ---------------------------------------------------------------------


def test_a_branch_at_its_maximum_is_named() -> None:
    p = _plan(
        overrides=(
            "plan.revenue_per_month=45000000",
            "roles.north__client_manager.headcount={current: 4, min: 3, max: 4}",
        )
    )
    limit = next(x for x in p.limits if x.name == "headcount_max_north__client_manager")
    assert limit.org_unit == "north"
    assert limit.text == "North branch: Client manager, North: at its maximum headcount of 4"
    calls = next(x for x in p.limits if x.name == "calls_cap_south__team_lead")
    assert calls.subject == "south__team_lead"  # not "south": the subject is read whole
    assert calls.text.startswith("South branch: Team lead, South: at most ")
    plan_row = next(x for x in p.limits if x.family == "plan")
    assert plan_row.org_unit is None and plan_row.text.startswith("the sales plan")


def test_the_regional_head_span_binds_when_the_branches_have_two_leads() -> None:
    head = "roles.regional_head.headcount={current: 1, min: 1, max: 2}"
    p = _plan(overrides=("roles.regional_head.max_span=1", head))
    assert _heads(p)["regional_head"] == 2
    span = next(x for x in p.limits if x.name == "span_regional_head")
    assert span.org_unit == "region_a"
    assert span.text == "Region A: span of control of regional head: at most 1 reports each"
    # With one regional head at most, no plan: the error names the unit and the span.
    with pytest.raises(InfeasiblePlanError) as caught:
        _plan(overrides=("roles.regional_head.max_span=1",))
    (relax,) = caught.value.relaxations
    assert (relax.kind, relax.subject) == ("span", "regional_head")
    assert relax.text.startswith(
        "Region A: Regional head needs 2 people for 2 reports (Team lead, North"
    )


def test_a_branch_lead_span_binds_inside_its_branch() -> None:
    p = _plan(overrides=("plan.revenue_per_month=60000000", "roles.north__team_lead.max_span=3"))
    heads = _heads(p)
    assert heads["north__client_manager"] == 3 * heads["north__team_lead"]
    span = next(x for x in p.limits if x.name == "span_north__team_lead")
    assert span.org_unit == "north"
    assert span.text == "North branch: span of control of Team lead, North: at most 3 reports each"


def test_a_branch_desk_that_binds_is_named_with_its_branch() -> None:
    # Each branch answers its own walk-ins (Channel.unit); a small plan leaves the desks
    # to decide: South's roster binds, said with South's name.
    p = _plan(
        ROOT / "tests" / "data" / "two_branches_channels_flat.yaml",
        (*ALIKE, "plan.revenue_per_month=5000000", "channels.north__walk_ins.requests_per_day=60"),
    )
    desk = next(x for x in p.limits if x.name == "service_south__walk_ins")
    assert desk.org_unit == "south"
    assert desk.text == (
        'South branch: people answering "Walk-ins, South branch": the roster its service '
        "target needs"
    )


# --- a team is unchanged; a one-unit twin plans as the team -------------------------------


def test_a_one_unit_twin_has_one_unit_of_the_whole_plan() -> None:
    flat, twin = _plan(BANK), _plan(BANK, one_unit_overrides(BANK))
    assert flat.units == ()
    assert _heads(twin) == _heads(flat)
    assert twin.cost_per_month == pytest.approx(flat.cost_per_month)
    assert {u.org_unit for u in twin.units} == {HQ}
    assert sum(u.headcount for u in twin.units) == sum(flat.levels.values())
    assert [x.name for x in twin.limits] == [x.name for x in flat.limits]
    for a, b in zip(flat.limits, twin.limits, strict=True):
        assert b.text in (a.text, f"Head office: {a.text}")


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(app, ["plan", *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_team_plan_json_has_none_of_the_network_keys() -> None:
    data = json.loads(_cli(str(BANK), "--json").stdout)
    assert "units" not in data
    assert all("org_unit" not in row for row in data["roles"])
    assert data["limits"] and all("org_unit" not in row for row in data["limits"])
    assert "By unit" not in _cli(str(BANK)).stdout


def test_a_network_plan_json_and_table_by_unit() -> None:
    data = json.loads(_cli(str(NETWORK), "--json").stdout)
    assert [r["org_unit"] for r in data["roles"]][:2] == ["region_a", "north"]
    assert set(data["units"][0]) == {
        "org_unit",
        "level",
        "headcount",
        "cost_per_month",
        "headcount_with_sub_units",
        "cost_with_sub_units",
    }
    assert sum(u["headcount"] for u in data["units"]) == sum(data["levels"].values())
    assert all("org_unit" in row for row in data["limits"])
    text = _cli(str(NETWORK)).stdout
    assert "By unit (people and cost a month)" in text
    assert text.index("Roles and call targets") < text.index("By unit") < text.index("Duty")


def test_the_by_unit_table_rows() -> None:
    sc = load_scenario(NETWORK)
    console = Console(width=200, record=True)
    console.print(render_plan_units(_plan(), sc))
    text = console.export_text()
    assert "│   North branch │" in text  # a branch under its region
    rows = [
        [cell.replace("\xa0", " ").strip() for cell in line.split("│")[1:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    ]
    assert rows == [
        ["Region A", "middle", "1", "RUB 260K", "1", "RUB 260K"],
        ["", "lower", "0", "RUB 0", "2", "RUB 300K"],
        ["", "line", "0", "RUB 0", "6", "RUB 570K"],
        ["North branch", "lower", "1", "RUB 150K", "1", "RUB 150K"],
        ["", "line", "3", "RUB 285K", "3", "RUB 285K"],
        ["South branch", "lower", "1", "RUB 150K", "1", "RUB 150K"],
        ["", "line", "3", "RUB 285K", "3", "RUB 285K"],
    ]
    assert render_plan_units(_plan(BANK), load_scenario(BANK)) is None


# --- a network of 20 branches ---------------------------------------------------------------


def _branches(n: int, tmp: Path, growth: float = 1.0) -> Path:
    """two_branches.yaml with North's roles copied into ``n`` branches, market scaled.

    ``growth`` scales the plan alone: at 1.5 every branch needs more client managers than
    its minimum of 3 (at 1.0 they all stay at it).
    """
    raw = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))
    lead, seller = raw["roles"]["north__team_lead"], raw["roles"]["north__client_manager"]
    head = {**raw["roles"]["regional_head"], "max_span": n}
    if n > 20:
        # The branches' payroll projects need the region's approval: one head for 20.
        head["headcount"] = {"current": 1, "min": 1, "max": -(-n // 20)}
    roles = {"regional_head": head}
    units = {"region_a": raw["units"]["region_a"]}
    for i in range(n):
        b = f"b{i:02d}"
        units[b] = {"title": f"Branch {i + 1}", "parent": "region_a"}
        roles[f"{b}__team_lead"] = {**lead, "unit": b, "title": f"Team lead, branch {i + 1}"}
        roles[f"{b}__client_manager"] = {
            **seller,
            "unit": b,
            "title": f"Client manager, branch {i + 1}",
            "reports_to": f"{b}__team_lead",
            "deputy": f"{b}__client_manager",
        }
    raw["roles"], raw["units"] = roles, units
    scale = n / 2
    ch = raw["channels"]
    raw["plan"]["revenue_per_month"] *= scale * growth
    ch["payroll_client_staff"]["pool"] = round(ch["payroll_client_staff"]["pool"] * scale)
    ch["payroll_client_staff"]["refill_per_month"] = round(
        ch["payroll_client_staff"]["refill_per_month"] * scale
    )
    ch["partners"]["leads_per_week"] *= scale
    ch["website_requests"]["requests_per_day"] *= scale
    path = tmp / f"branches_{n}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_twenty_branches_are_each_sized(tmp_path: Path) -> None:
    # Twenty alike branches that must all grow above their minimum of 3 client managers:
    # CBC did not answer in two minutes before the alike rows (optimizer.alike).
    path = _branches(20, tmp_path, growth=1.5)
    p = _plan(path)
    branches = [f"b{i:02d}" for i in range(20)]
    line = []
    for b in branches:
        heads = {u.level: u.headcount for u in p.units if u.org_unit == b}
        assert heads["lower"] == 1 and heads["line"] >= 4, (b, heads)
        line.append(heads["line"])
    # Sized alike: within a person, the extra people in the first branches (the order).
    assert max(line) - min(line) <= 1 and line == sorted(line, reverse=True), line
    assert sum(u.headcount for u in p.units) == sum(p.levels.values())
    assert not any("time limit" in note for note in p.notes)
