"""A staggered rota never serves worse than a common pause (issue 13, S3; inbound_plan 8.3).

On common random numbers (the same seed: the same arrivals over the open day and the same
handling minutes), support_desk's 12 agents with no days away, at 7, 8 and 9 Erlangs: the
default rota (lunch in 11:45-14:45, breaks in 10:00-11:30 and 15:15-16:45, the desk spread
over six slots of each) against the common pause written as a rota of one slot (everyone
away 12:45-13:45 while requests keep arriving). Asserted for every replication and for the
mean; the differences are printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.model import run_replication
from sim.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "scenarios" / "support_desk.yaml"
SEED = 20270104
REPLICATIONS = 5
DAYS = 12  # 2 of them warm-up
HANDLE_MIN = 6.0
OPEN_MIN = 510.0  # 09:00-17:30: requests arrive over the whole span under a rota

ONE_SLOT = [
    {"kind": "lunch", "minutes": 30, "window": ["12:45", "13:15"]},
    {"kind": "break", "minutes": 30, "window": ["13:15", "13:45"]},
]


def desk(erlangs: float, pauses: list[dict[str, object]] | None) -> Scenario:
    data = yaml.safe_load(DESK.read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=DAYS, warmup_days=2)
    workday = {"start": "09:00", "hours": 8, "lunch_min": 30, "breaks_min": 30}
    data["calendar"]["workday"] = {**workday, "pause_rule": "rota", "pauses": pauses}
    data["roles"]["agent"]["absence"] = {}
    channel = data["channels"]["support_requests"]
    channel["requests_per_day"] = erlangs * OPEN_MIN / HANDLE_MIN
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "support_desk.yaml")


def service_level(sc: Scenario, replication: int) -> float:
    rec = run_replication(sc, replication, SEED)
    first = rec.day_starts_min[rec.warmup_days]
    waits = [r for r in rec.waits if r.kind == "inbound" and r.arrived_min >= first]
    return sum(not r.late for r in waits) / len(waits)


@pytest.mark.parametrize("erlangs", [7.0, 8.0, 9.0])
def test_staggered_rota_never_below_a_common_pause(erlangs: float) -> None:
    staggered, common = desk(erlangs, None), desk(erlangs, ONE_SLOT)
    assert staggered.calendar.workday.pauses is None  # the default rota
    pairs = [(service_level(staggered, r), service_level(common, r)) for r in range(REPLICATIONS)]
    diffs = [s - c for s, c in pairs]
    mean_s = sum(s for s, _ in pairs) / REPLICATIONS
    mean_c = sum(c for _, c in pairs) / REPLICATIONS
    print(
        f"A={erlangs:g}: staggered {mean_s:.4f}, common pause {mean_c:.4f}, "
        f"difference by replication {', '.join(f'{d:+.4f}' for d in diffs)}"
    )
    assert all(d >= 0 for d in diffs), pairs
    assert mean_s >= mean_c
