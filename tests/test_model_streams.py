"""The fast paths of the model's random streams draw exactly what the plain ones would."""

from __future__ import annotations

import numpy as np
from model_helpers import team

from sim.model.calls import make_dialer
from sim.model.people import build_people


def test_a_days_dial_stream_is_the_base_stream_jumped_by_the_day() -> None:
    sc = team()
    person = next(p for p in build_people(sc, 3, 0) if p.role_id == "seller")
    dialer = make_dialer(sc, person, 3, 0)
    assert dialer is not None
    for day in (0, 1, 7, 0, 29):
        plain = np.random.Generator(dialer.base.jumped(day + 1))
        fast = dialer.day_rng(day)
        assert np.array_equal(plain.random(5), fast.random(5))
        assert np.array_equal(plain.lognormal(1.0, 0.5, 3), fast.lognormal(1.0, 0.5, 3))
        assert plain.bit_generator.state == fast.bit_generator.state
