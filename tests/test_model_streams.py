"""The fast paths of the model's random streams draw exactly what the plain ones would."""

from __future__ import annotations

import numpy as np
from model_helpers import team

from sim.model.calls import make_dialer
from sim.model.people import build_people
from sim.model.streams import seed_sequence


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


def test_fast_seed_sequences_give_the_plain_streams() -> None:
    rng = np.random.default_rng(1)
    seeds = [0, 1, 20261128, 2**32, 2**40 + 5, 2**130 + 7, *rng.integers(2**62, size=5).tolist()]
    keys = [(0,), (0, 6), (3, 4, 2**32 - 1, 7), (1, 6, 2**32, 0, 2**33 + 1), (2, 9, 0xBEEF)]
    for seed in seeds:
        for key in keys:
            plain = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key))
            assert np.random.PCG64(seed_sequence(seed, key)).state == plain.state
