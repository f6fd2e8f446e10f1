"""The network benchmark's scenario (benchmarks/bench_network.py) is a network as stated.

Its figures are only as good as its scenario: branches from one template with their own
desks and referrals, approvals kept inside each branch (no branch's work crosses to
another), so that a 5,000-person run measures units of about 100, not one flat team.
"""

from __future__ import annotations

from benchmarks.bench_network import network_scenario
from sim import simulate


def test_the_benchmark_network_keeps_each_branchs_work_inside_it() -> None:
    sc = network_scenario(3, per_unit=30, days=30)
    assert list(sc.units) == ["b000", "b001", "b002"]
    heads = {rid: r.headcount.current for rid, r in sc.roles.items()}
    assert sum(heads.values()) == 3 * 30 + 1
    assert heads["b001__team_lead"] == 3 and heads["b001__client_manager"] == 26
    frames = simulate(sc, replications=1, seed=5, workers=1).frames
    unit_of = frames.people.drop_duplicates("person").set_index("person")["org_unit"]
    served = frames.waits.loc[frames.waits["server"] != ""]
    assert len(served) > 100
    # Every approval, escalation and request is served inside the unit it belongs to.
    assert (served["server"].map(unit_of) == served["org_unit"]).all()
    owners = frames.deals["owner"].map(unit_of)
    by_channel = frames.deals["channel"].str.partition("__")[0]
    mine = frames.deals["channel"] != "individuals"
    assert (owners[mine] == by_channel[mine]).all()


def test_the_bare_loop_ticks_each_dial_once_with_the_collector_as_the_model_has_it() -> None:
    import gc

    from benchmarks.bench_sim import bare_loop

    sc = network_scenario(1, per_unit=10, days=30)
    dials = {"a": {0: 3, 2: 4}, "b": {1: 5}}
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            assert bare_loop(sc, dials, call_min=2.0) == 12
            # The collector is off while the loop runs (as in run_replication), and the
            # caller's own setting is left as it was.
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
