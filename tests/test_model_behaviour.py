"""Behaviour on common random numbers: staffing, span of control, absence and deputies."""

from __future__ import annotations

import numpy as np
from model_helpers import team, tiny, total_dials

from sim.model import RunRecords, run_replication
from sim.scenario import Scenario


def test_more_line_staff_never_gives_fewer_dials() -> None:
    dials = [
        total_dials(run_replication(team(roles={"seller": {"headcount": n}}), 0, 4))
        for n in (2, 4, 6, 8)
    ]
    assert dials == sorted(dials) and dials[0] < dials[-1]


def _approval_heavy(supervisors: int) -> Scenario:
    # Every deal asks its supervisor for a 45-minute approval; eight sellers.
    return team(
        roles={
            "supervisor": {
                "headcount": supervisors,
                "absence": {"vacation_days": 0, "sick_days": 0},
            },
            "seller": {"headcount": 8},
        },
        segments={
            "s": {
                "stages": [{"name": "apply", "work_min": 10, "approval": "lower", "convert": 0.9}]
            }
        },
        duties={"approval": {"minutes": 45}},
    )


def _mean_wait(rec: RunRecords, kind: str) -> float:
    return float(np.mean([w.wait_min for w in rec.waits if w.kind == kind]))


def test_narrower_span_never_gives_longer_approval_waits() -> None:
    waits = [
        np.mean(
            [_mean_wait(run_replication(_approval_heavy(n), r, 5), "approval") for r in range(3)]
        )
        for n in (1, 2, 4)
    ]
    assert waits[0] > waits[1] * 1.5 and waits[1] >= waits[2] * 0.98


def _two_supervisors(deputy: str | None) -> Scenario:
    return team(
        roles={
            "supervisor": {
                "deputy": deputy,
                "selling_share": 0.0,
                "absence": {"vacation_days": 60, "sick_days": 0},
            }
        }
    )


def test_absence_moves_approvals_to_the_deputy() -> None:
    rec = run_replication(_two_supervisors("supervisor"), 0, 2)
    away = {(a.person, a.day): a.deputy for a in rec.absences if a.person.startswith("sup")}
    assert away, "the supervisors must be away some days"
    pair = {"supervisor.01": "supervisor.02", "supervisor.02": "supervisor.01"}
    for (person, day), deputy in away.items():
        assert deputy == ("" if (pair[person], day) in away else pair[person])
    starts = rec.day_starts_min
    served = [
        (w.server, int(np.searchsorted(starts, w.started_min, "right")) - 1)
        for w in rec.waits
        if w.kind == "approval" and w.server
    ]
    assert not any((server, day) in away for server, day in served)
    # Approvals of the absent supervisor's team were handled by the other one.
    covered = [
        1
        for server, day in served
        if any((p, day) in away for p in ("supervisor.01", "supervisor.02") if p != server)
    ]
    assert covered


def test_without_a_deputy_approvals_wait_for_the_return() -> None:
    with_deputy = run_replication(_two_supervisors("supervisor"), 0, 2)
    alone = run_replication(_two_supervisors(None), 0, 2)
    assert all(a.deputy == "" for a in alone.absences)
    assert _mean_wait(alone, "approval") > _mean_wait(with_deputy, "approval")


def test_more_absence_never_raises_dials() -> None:
    def dials(vacation: float) -> int:
        sc = tiny(
            calendar={"horizon_days": 60},
            roles={"seller": {"headcount": 4, "absence": {"vacation_days": vacation}}},
        )
        return total_dials(run_replication(sc, 0, 8))

    assert dials(0) >= dials(20) >= dials(60) and dials(0) > dials(60)
