"""A replication split by unit (issue 14, deliverable 5): the parts, and identical frames.

``sim.rules.split.parts`` joins roles over everything one person's work can touch in
another's; a network whose branches share nobody below the head that joins them is run
branch by branch, and its frames are those of the whole run: in one process, on two local
processes and on a Dask LocalCluster.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from benchmarks.bench_network import network_scenario, network_text
from sim.mode import SimMode
from sim.model import run_replication
from sim.results import ReplicationColumns, to_columns
from sim.rules.split import parts, separable, why_whole
from sim.runner import ProcessExecutor, _by_replication, _share, _tasks
from sim.scenario import parse_scenario
from teamsim.cli import app
from teamsim.executors import make_executor
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
NETWORK = network_scenario(3, per_unit=20, days=30)


def _text(**changes: str) -> str:
    text = network_text(3, per_unit=20, days=30)
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _parse(text: str) -> sim.Scenario:
    return parse_scenario(text, "network")


# --- the parts ----------------------------------------------------------------------


def test_a_network_of_branches_parts_by_branch_with_its_head_alone() -> None:
    found = parts(NETWORK)
    assert [p.roles for p in found] == [
        ("network_head",),
        *(
            (f"b00{i}__branch_head", f"b00{i}__team_lead", f"b00{i}__client_manager")
            for i in range(3)
        ),
    ]
    # The unlimited cold list is no one's; each branch's referrals and desk are its own.
    assert [p.channels for p in found] == [
        (),
        *((f"b00{i}__partners", f"b00{i}__web") for i in range(3)),
    ]
    assert separable(NETWORK)


TEAMS = [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if "\nunits:" not in p.read_text()]


@pytest.mark.parametrize("path", TEAMS, ids=lambda p: p.stem)
def test_a_bundled_team_is_one_part(path: Path) -> None:
    sc = load_scenario(path)
    assert not sc.units
    assert len(parts(sc)) == 1
    assert parts(sc)[0].roles == tuple(sc.roles)


def test_common_channels_keep_the_test_network_whole() -> None:
    # two_branches.yaml's payroll list, referrals and website are the network's.
    assert len(parts(load_scenario(ROOT / "tests" / "data" / "two_branches.yaml"))) == 1


def test_an_approval_at_the_top_joins_every_branch_to_the_head() -> None:
    sc = _parse(
        _text(
            **{
                "approval: middle": "approval: top",
                "levels: [lower, middle], minutes: 15": "levels: [lower, top], minutes: 15",
            }
        )
    )
    assert len(parts(sc)) == 1


def test_a_shared_finite_pool_joins_its_dialers() -> None:
    sc = _parse(_text(**{"individuals: {kind: cold,": "individuals: {kind: cold, pool: 5000,"}))
    assert len(parts(sc)) == 1


def test_a_deputy_in_another_branch_joins_the_two_branches() -> None:
    # b000's client managers are covered by b001's (the branches share with each other).
    text = _text(
        **{
            "  b000: {title: Branch 000, template: branch}": (
                "  b000: {title: Branch 000, template: branch, shares_with: [b001],\n"
                "         roles: {client_manager: {deputy: b001__client_manager}}}"
            )
        }
    )
    sc = _parse(text)
    assert [len(p.roles) for p in parts(sc)] == [1, 6, 3]


def test_a_branch_head_who_sells_joins_the_branches_to_the_network_head() -> None:
    # A selling branch head's deals ask "middle" above him: his manager, the network head.
    head = "        reports_to: network_head\n"
    text = _text(**{head: head + "        selling_share: 0.1\n"})
    sc = _parse(text)
    assert len(parts(sc)) == 1


# --- identical frames ---------------------------------------------------------------


def _tables(result: sim.SimResult) -> dict[str, pd.DataFrame]:
    return result.tables()


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_a_part_run_alone_gives_the_whole_runs_rows_of_that_part() -> None:
    whole = run_replication(NETWORK, 0, 7)
    alone = [run_replication(NETWORK, 0, 7, part=i) for i in range(4)]
    for name in ("people", "time_use", "calls", "deals", "funnel", "waits", "absences"):
        joined = [r for run in alone for r in getattr(run, name)]
        assert joined == getattr(whole, name), name
    # Deals are numbered part by part: the k-th deal of part i of 4 is 4k + i + 1.
    numbers = {i: [d.deal for d in run.deals] for i, run in enumerate(alone)}
    assert numbers[0] == []  # the network head sells nothing
    for i in (1, 2, 3):
        assert numbers[i], i
        assert {(n - 1) % 4 for n in numbers[i]} == {i}


def test_split_and_whole_runs_give_identical_frames_in_one_process() -> None:
    whole = sim.simulate(NETWORK, 2, seed=5, workers=1, split=False)
    split = sim.simulate(NETWORK, 2, seed=5, workers=1)
    assert (whole.parts, split.parts) == (1, 4)
    assert len(split.frames.deals) > 100  # frames with something in them
    _assert_same(_tables(whole), _tables(split))


@pytest.mark.slow
def test_split_runs_on_two_processes_and_a_dask_cluster_give_the_same_frames() -> None:
    whole = _tables(sim.simulate(NETWORK, 2, seed=5, workers=1, split=False))
    local = _tables(sim.simulate(NETWORK, 2, seed=5, executor=ProcessExecutor(2)))
    with make_executor("dask-local", workers=2) as executor:
        dask = _tables(sim.simulate(NETWORK, 2, seed=5, executor=executor))
    _assert_same(whole, local)
    _assert_same(whole, dask)


def test_a_team_of_one_part_runs_as_before() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml", ["calendar.horizon_days=25"])
    tasks = _tasks(sc, 2, 3, mode=SimMode.BLOCK, split=None)
    assert [t.part for t in tasks] == [None, None]


# --- the runner's bookkeeping -------------------------------------------------------


def _columns(replication: int) -> ReplicationColumns:
    return to_columns(run_replication(NETWORK, replication, 1, part=0), replication, 1)


def test_a_replication_missing_a_part_is_left_out_of_a_stopped_run() -> None:
    tasks = _tasks(NETWORK, 2, 1, mode=SimMode.BLOCK, split=None)
    assert [(t.replication, t.part) for t in tasks][:5] == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    done = {i: _columns(tasks[i].replication) for i in range(len(tasks)) if i != 6}
    runs = _by_replication(tasks, done)
    assert [r.replication for r in runs] == [0]


def test_progress_counts_replications_worth_of_parts() -> None:
    seen: list[int] = []
    share = _share(seen.append, 2, 8)
    assert share is not None
    for done in range(1, 9):
        share(done)
    assert seen == [0, 0, 0, 1, 1, 1, 1, 2]


# --- the command ----------------------------------------------------------------------


def test_simulate_says_it_split_and_no_split_plays_out_whole(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(network_text(3, per_unit=20, days=30), encoding="utf-8")
    args = ["simulate", str(path), "-n", "1", "--workers", "1", "--no-save"]
    split = CliRunner().invoke(app, args)
    whole = CliRunner().invoke(app, [*args, "--no-split"])
    assert split.exit_code == 0 and whole.exit_code == 0, split.output + whole.output
    assert "each in 4 independent parts" in split.stdout
    assert "independent parts" not in whole.stdout
    # The same run: everything below the header (which has the time taken) alike.
    assert split.stdout.split("counted:", 1)[1] == whole.stdout.split("counted:", 1)[1]


# --- the bundled network ----------------------------------------------------------------

REGIONS = ROOT / "scenarios" / "retail_bank_regions.yaml"


def test_the_bundled_network_parts_by_region_with_its_head_alone() -> None:
    sc = load_scenario(REGIONS)
    found = parts(sc)
    assert found[0].roles == ("head_of_network",) and found[0].channels == ()
    regions = [{sc.roles[r].unit for r in p.roles} for p in found[1:]]
    # Each region's part holds the region's own roles and its four branches', no other.
    assert [sorted(r for r in u if r in ("central", "volga", "ural")) for u in regions] == [
        ["central"],
        ["volga"],
        ["ural"],
    ]
    assert all(len(u) == 5 for u in regions)
    assert sum(len(p.roles) for p in found) == len(sc.roles)


@pytest.mark.slow
def test_the_bundled_network_split_and_whole_give_identical_frames() -> None:
    sc = load_scenario(REGIONS, ["calendar.horizon_days=25", "calendar.warmup_days=5"])
    whole = sim.simulate(sc, 1, seed=3, workers=1, split=False)
    split = sim.simulate(sc, 1, seed=3, executor=ProcessExecutor(2))
    assert split.parts == 4
    assert len(split.frames.waits) > 100
    _assert_same(_tables(whole), _tables(split))


# --- why a network runs whole -------------------------------------------------------------


def test_why_whole_names_what_joins_the_branches() -> None:
    assert why_whole(NETWORK) == []  # it separates
    assert why_whole(load_scenario(REGIONS)) == []
    two = load_scenario(ROOT / "tests" / "data" / "two_branches.yaml")
    assert why_whole(two)[0] == "channel payroll_client_staff reaches south__team_lead"
    deputy = _text(
        **{
            "  b000: {title: Branch 000, template: branch}": (
                "  b000: {title: Branch 000, template: branch, shares_with: [b001],\n"
                "         roles: {client_manager: {deputy: b001__client_manager}}}"
            )
        }
    )
    assert why_whole(_parse(deputy)) == []  # b002 still stands apart: the run splits
    top = _parse(
        _text(
            **{
                "approval: middle": "approval: top",
                "levels: [lower, middle], minutes: 15": "levels: [lower, top], minutes: 15",
            }
        )
    )
    # b000's deals go to the network head first; b001's then join b000 through him.
    assert why_whole(top)[:1] == ["network_head handles b001__client_manager's deals at level top"]


def test_simulate_says_why_a_network_ran_whole() -> None:
    path = ROOT / "tests" / "data" / "two_branches.yaml"
    args = ["simulate", str(path), "-n", "1", "--workers", "1", "--no-save"]
    result = CliRunner().invoke(app, [*args, "--set", "calendar.horizon_days=25"])
    assert result.exit_code == 0, result.output
    assert (
        "note: each replication of this network ran whole, not branch by branch: channel "
        "payroll_client_staff reaches south__team_lead" in " ".join(result.stderr.split())
    )
