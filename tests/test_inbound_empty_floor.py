"""A desk with nobody on the floor (issue 13, fresh-user trial).

A one-person desk at its rota's lunch read "hang up 0.0 %" in plan's interval table
when lines or a waiting room were set, although everyone who calls then hangs up or
finds the desk full (sim.rules.service._nobody_answers).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.rules.service import _measures_upto, desks, interval_desk, interval_figures
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "scenarios" / "support_desk.yaml"
CH = "channels.support_requests"


def _erlang_b(servers: int, load: float) -> float:
    """The truncated Poisson's last term: (A^K / K!) / sum_{i <= K} A^i / i!."""
    terms = [load**i / math.factorial(i) for i in range(servers + 1)]
    return terms[-1] / sum(terms)


@pytest.mark.parametrize(
    ("extra", "room"), [((f"{CH}.lines=5",), 5), ((f"{CH}.waiting_room=3",), 3), ((), None)]
)
def test_nobody_on_the_floor_callers_hang_up_or_find_the_desk_full(
    extra: tuple[str, ...], room: int | None
) -> None:
    """One answerer, 15 requests a day, 3 minutes' patience, the rota's lunch slot.

    With 0 on the floor every caller admitted hangs up: the room holds an M/M/K/K of
    patience, Erlang B(K, lambda x 3) blocked, the rest abandoned (all without limit).
    """
    sc = load_scenario(
        DESK,
        (f"{CH}.requests_per_day=15", f"{CH}.patience_min=3",
         "calendar.workday.pause_rule=rota", *extra),
    )  # fmt: skip
    [desk] = desks(sc)
    figures = interval_figures(desk, 1 / 3, 1)
    lunch = next(f for f in figures if f.on_pause > 0)
    one = interval_desk(desk, lunch.interval)
    lam = one.arrivals_per_min
    assert lam == pytest.approx(15 / 510)
    full = 0.0 if room is None else _erlang_b(room, lam * 3)
    _, abandoned, blocked = _measures_upto(one, 0.0, 1)
    assert (abandoned[0], blocked[0]) == pytest.approx((1 - full, full), abs=1e-12)
    # The lunch half hour: half of it the one answerer is on a break (the floor empty),
    # half of it at work when present (p) and away otherwise.
    p = desk.presence
    assert lunch.on_pause == pytest.approx(0.5)
    by_hand = 0.5 * abandoned[0] + 0.5 * (p * abandoned[1] + (1 - p) * abandoned[0])
    assert lunch.expected_abandoned == pytest.approx(by_hand, rel=1e-9)
    assert lunch.expected_abandoned > 0.5  # not the 0.0 % the trial saw
    assert lunch.expected_service_level < 0.5
