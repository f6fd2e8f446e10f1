"""A sales network's simulation cost, side by side in one run (issue 14, deliverables 4-6).

1. The CPU time a person of one replication over 120 working days, block mode, for
   networks of branches of about 100 people (1 branch head, 9 team leads, 90 client
   managers, each branch with its own referrals and inbound desk, approvals inside the
   branch): one branch of 50, then 500 and 5,000 people; the ratio to the 50 (the issue's
   goal: 5,000 within 1.3x of 50). Each network is played out part by part (its branches
   share nobody: sim.rules.split, the default of ``simulate``) and, up to
   ``TEAMSIM_BENCH_NETWORK_WHOLE`` people (default 500), also whole: one event heap for
   the whole network, whose cost a person grows with it.
2. 4 replications of the largest network (split by part) on local processes and on a
   Dask LocalCluster of as many workers (loopback), each against one process: the
   efficiency a worker.
3. The bare SimPy loop of one timeout per call, on the 50-person branch's calendar and
   calls, against the full model (the issue quotes 0.19x: bench_sim's team, its bare loop
   then run with the cyclic collector on and the model's off; both off now, see
   ``bench_sim.bare_loop``).
4. ``teamsim plan``'s work (sizing with marginals) on 5 and on all the largest network's
   branches, with headcount ranges (:func:`growing_network`) and a time limit of 30 s a
   solve: the time, and whether the plan is proven least-cost or how near it is.

``TEAMSIM_BENCH_NETWORK_PEOPLE`` (default 5000) sets the largest network; the 5,000-person
runs take several minutes each on a 2-core machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_sim import bare_loop, dials_by_person_day
from optimizer import plan
from sim import simulate
from sim.model import run_replication
from sim.results import to_columns
from sim.rules.split import parts
from sim.scenario import Scenario, parse_scenario
from teamsim.executors import make_executor

DAYS = 120
SEED = 20261128
PER_UNIT = 100
SIZING_LIMIT_S = 30.0  # a solve, as `teamsim plan --time-limit 30`

_HEAD = """\
schema_version: 1
name: A network of {units} branches of {per_unit} people (benchmark)
currency: RUB
seed: {seed}
calendar:
  start: 2027-01-11
  horizon_days: {days}
  warmup_days: 20
  workday: {{start: "09:00", hours: 8, lunch_min: 60, breaks_min: 30}}
templates:
  branch:
    roles:
      branch_head:
        level: middle
        headcount: 1
        reports_to: network_head
        monthly_cost: 260000
        absence: {{vacation_days: 20, sick_days: 6}}
      team_lead:
        level: lower
        headcount: {leads}
        reports_to: branch_head
        deputy: team_lead
        monthly_cost: 150000
        selling_share: 0.2
        absence: {{vacation_days: 20, sick_days: 6}}
      client_manager:
        level: line
        headcount: {sellers}
        reports_to: team_lead
        deputy: client_manager
        monthly_cost: 95000
        absence: {{vacation_days: 20, sick_days: 6}}
roles:
  network_head:
    level: top
    headcount: 1
    monthly_cost: 400000
units:
"""

_CALLS = """\
calls:
  no_answer_min: 0.75
  connect_no_conversation_min: 0.5
  conversation_min: {kind: lognormal, mean: 3.2, sd: 1.5}
  booking_call_min: {kind: lognormal, mean: 6.0, sd: 2.0}
  conversation_given_connect: 0.58
  lead_given_conversation: 0.33
  follow_up_given_conversation: 0.2
  follow_up_after_days: {kind: exponential, mean: 3}
duties:
  work_day_report: {levels: [line, lower], minutes: 15, per: head_per_day}
  coaching: {levels: [lower], minutes: 60, per: report_per_week}
  approval: {levels: [lower, middle], minutes: 15, per: approval}
  planning: {levels: [middle, top], minutes: 360, per: head_per_week}
plan:
  revenue_per_month: PLAN
  confidence: 0.8
policies:
  call_quota_per_day: 30
  max_calls_per_day: 60
"""


def network_text(units: int, per_unit: int = PER_UNIT, days: int = DAYS) -> str:
    """A network scenario's YAML: ``units`` branches of ``per_unit`` people from a template.

    A branch: 1 head (middle), a team lead (lower) for about ten client managers (line);
    its own referral channel and inbound desk; approvals at lower and middle level, so
    inside the branch. A cold list is shared by the whole network. The network head (top)
    stands outside the units.
    """
    leads = max(1, round((per_unit - 1) / 11))
    sellers = per_unit - 1 - leads
    text = _HEAD.format(
        units=units, per_unit=per_unit, seed=SEED, days=days, leads=leads, sellers=sellers
    )
    ids = [f"b{i:03d}" for i in range(units)]
    text += "".join(f"  {u}: {{title: Branch {u[1:]}, template: branch}}\n" for u in ids)
    text += "channels:\n  individuals: {kind: cold, connect_rate: 0.06}\n"
    for u in ids:
        text += (
            f"  {u}__partners: {{kind: referral, unit: {u}, leads_per_week: {sellers * 0.5:g}}}\n"
            f"  {u}__web: {{kind: inbound, unit: {u}, requests_per_day: {sellers * 0.4:g}, "
            "handle_min: {kind: lognormal, mean: 6, sd: 3}, answer_within_min: 120, "
            "service_level_target: 0.8, lead_share: 0.3}\n"
        )
    feeds = ", ".join(
        ["individuals", *(f"{u}__partners" for u in ids), *(f"{u}__web" for u in ids)]
    )
    text += (
        "segments:\n  consumer_loan:\n    type: b2c_long\n    deal_value: 350000\n"
        f"    channels: [{feeds}]\n"
        "    stages:\n"
        "      - {name: consultation, convert: 0.45,\n"
        "         work_min: {kind: lognormal, mean: 25, sd: 10}}\n"
        "      - {name: meeting, work_min: 50, client_delay_days: 3, convert: 0.55}\n"
        "      - {name: application, work_min: 40, approval: lower, convert: 0.75}\n"
        "      - {name: contract, work_min: 30, client_delay_days: 2, approval: middle, "
        "convert: 0.9}\n"
    )
    return text + _CALLS.replace("PLAN", str(units * per_unit * 1_500_000))


def network_scenario(units: int, per_unit: int = PER_UNIT, days: int = DAYS) -> Scenario:
    """:func:`network_text`, validated."""
    return parse_scenario(network_text(units, per_unit, days), f"network_{units}x{per_unit}")


def growing_network(units: int, per_unit: int = PER_UNIT) -> Scenario:
    """:func:`network_scenario` with headcount ranges for the optimiser to size.

    Team leads may be 4-14 a branch and client managers 40-140 (the current 9 and 90),
    against a plan of RUB 1M a person a month (the simulated network's is 1.5M, more
    than its fixed headcount can sell): every branch is sized within its ranges.
    """
    leads = max(1, round((per_unit - 1) / 11))
    sellers = per_unit - 1 - leads
    text = network_text(units, per_unit)
    text = text.replace(
        f"        headcount: {leads}\n",
        f"        headcount: {{current: {leads}, min: {max(1, leads // 2)}, max: {leads + 5}}}\n",
        1,
    ).replace(
        f"        headcount: {sellers}\n",
        f"        headcount: {{current: {sellers}, min: {sellers // 2}, max: {sellers + 50}}}\n",
        1,
    )
    text = text.replace(
        f"revenue_per_month: {units * per_unit * 1_500_000}",
        f"revenue_per_month: {units * per_unit * 1_000_000}",
    )
    return parse_scenario(text, f"growing_network_{units}x{per_unit}")


def sizing(units: int, time_limit_s: float = SIZING_LIMIT_S) -> None:
    """``teamsim plan``'s work on a growing network: the time, and proven or how near."""
    sc = growing_network(units)
    t, result = timed(lambda: plan(sc, "sizing", "cbc", time_limit_s=time_limit_s))
    heads = sum(line.headcount for line in result.roles)
    stopped = [n for n in result.notes if "time limit" in n]
    proof = "proven least-cost" if not stopped else stopped[0].split(": ", 1)[1][:90] + "..."
    row(
        f"sizing {units} growing branches ({heads:,} people), --time-limit {time_limit_s:g}",
        t,
        proof,
    )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def cpu_timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of this process: steadier than the clock on a shared machine."""
    started = time.process_time()
    value = fn()
    return time.process_time() - started, value


def replication(sc: Scenario, part: int | None = None, split: Any = None) -> Any:
    """One replication (or part) as the runner returns it: its records as columns.

    As columns, not as the records' Python objects: a network's fifty parts held as
    objects in one process made each later part dearer (1.39x against 1.01x as columns,
    the 5,000 against the 50, one measure on the loaded machine).
    """
    return to_columns(run_replication(sc, 0, SEED, part=part, split=split), 0, SEED)


def split_run(sc: Scenario) -> list[Any]:
    """One replication played out part by part in this process (sim.rules.split)."""
    split = parts(sc)
    return [replication(sc, i, split) for i in range(len(split))]


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<58} {seconds:8.2f} s  {note}", flush=True)


def main() -> None:
    cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    largest = int(os.environ.get("TEAMSIM_BENCH_NETWORK_PEOPLE", "5000"))
    print(f"teamsim network benchmark ({cores} cores, load average {load}), {DAYS} days")
    small = network_scenario(1, per_unit=50)
    t50, _ = cpu_timed(lambda: replication(small))
    rec = run_replication(small, 0, SEED)  # the calls the bare loop makes
    base = t50 / 51
    row("51 people (one branch of 50), 1 replication, whole", t50, f"{1000 * base:.1f} ms a person")
    sizes = [n for n in (500, 5000) if n <= largest] or [largest]
    whole_upto = int(os.environ.get("TEAMSIM_BENCH_NETWORK_WHOLE", "500"))
    for people in sizes:
        sc = network_scenario(people // PER_UNIT)
        n = sum(r.headcount.current for r in sc.roles.values())
        label = f"{n:,} people ({people // PER_UNIT} branches), 1 replication"
        runs = [("by part", lambda sc=sc: split_run(sc))]
        if people <= whole_upto:
            runs.insert(0, ("whole", lambda sc=sc: replication(sc)))
        for how, run in runs:
            t, _ = cpu_timed(run)
            each = t / n
            row(
                f"{label}, {how}",
                t,
                f"{1000 * each:.1f} ms a person, {each / base:.2f}x the 50 (goal <= 1.3x)",
            )
    dials = dials_by_person_day(rec)
    call_min = small.calls.no_answer_min.expected_value() if small.calls else 1.0
    t_bare, _ = cpu_timed(lambda: bare_loop(small, dials, call_min))
    row("bare SimPy loop, one timeout per call (50 people)", t_bare,
        f"bare / full = {t_bare / t50:.2f}x (the issue: 0.19x, on another team)")  # fmt: skip
    for units in sorted({5, sizes[-1] // PER_UNIT}):
        sizing(units)
    big = network_scenario(sizes[-1] // PER_UNIT)
    workers = min(cores, 4)
    t_one, _ = timed(lambda: simulate(big, 4, SEED, workers=1))
    row(f"4 replications of the {sizes[-1]:,}, one process", t_one)
    for kind in ("local", "dask-local"):
        with make_executor(kind, workers=workers) as runner:
            t_par, _ = timed(lambda runner=runner: simulate(big, 4, SEED, executor=runner))
        row(
            f"4 replications, {kind} x {workers} workers",
            t_par,
            f"speed-up {t_one / t_par:.2f}x, efficiency {t_one / t_par / workers:.0%} a worker",
        )


if __name__ == "__main__":
    main()
