"""Random streams: one numpy ``Generator`` per purpose, never a global one.

Every stream is spawned from ``SeedSequence(seed, spawn_key=(replication, purpose, *keys))``.
Keys name what the stream belongs to by a stable number (a CRC of an id, a person's
index within its role, a counter), never by its position among others, so that adding a
person or a channel leaves every other stream as it was: common random numbers.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is for; its value is part of the spawn key, so never renumber."""

    ARRIVALS = 1  # inbound request times, per inbound channel
    INBOUND_WORK = 2  # handling minutes and lead draws of inbound requests
    REFERRALS = 3  # referral lead times, per referral channel
    CALLS = 4  # a person's outbound dials
    CALLBACKS = 5  # a person's call-backs of earlier conversations
    DEALS = 6  # a deal's stage durations, delays and conversions
    ABSENCES = 7  # a person's vacation, sick and trip days
    PEOPLE = 8  # a person's persona
    RAMP = 9  # a role's random leavers among its people in seat now (sim.model.attrition)
    ATTRITION = 10  # a joiner's random leaves (sim.model.attrition), per role and seat
    PATIENCE = 11  # how long each inbound request waits before hanging up, per channel
    RETRIALS = 12  # whether and when an abandoner calls again, per channel


def key_of(name: str) -> int:
    """A stable number for an id (a role, a channel), independent of its position."""
    return zlib.crc32(name.encode())


def _words(n: int) -> list[int]:
    """``n`` as SeedSequence reads an int: little-endian 32-bit words, 0 as one word."""
    out = [n & 0xFFFFFFFF]
    n >>= 32
    while n > 0:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
    return out


def seed_sequence(seed: int, spawn_key: tuple[int, ...]) -> np.random.SeedSequence:
    """``SeedSequence(seed, spawn_key=spawn_key)``'s state, three times faster.

    SeedSequence hashes its "assembled entropy": the seed's words padded with zeros to
    the pool size (4) when there is a spawn key, then the key's words. Given those words
    as its entropy it builds the same pool, hence the same streams; converting the ints
    one by one is what makes the plain constructor slow (a stream per deal adds up).
    """
    if seed < 0 or min(spawn_key, default=0) < 0:
        return np.random.SeedSequence(seed, spawn_key=spawn_key)  # which raises
    words = _words(seed)
    if spawn_key:
        words += [0] * (4 - len(words))
        for key in spawn_key:
            if key > 0xFFFFFFFF:
                words += _words(int(key))
            else:  # one word (keys are mostly small: a stream a deal adds up)
                words.append(int(key))
    return np.random.SeedSequence(np.array(words, dtype=np.uint32))


def bits(seed: int, replication: int, purpose: Purpose, *keys: int) -> np.random.PCG64:
    """The bit generator of one purpose (and owner) in one replication."""
    return np.random.PCG64(seed_sequence(seed, (replication, int(purpose), *keys)))


def stream(seed: int, replication: int, purpose: Purpose, *keys: int) -> np.random.Generator:
    """The generator of one purpose (and owner) in one replication."""
    return np.random.Generator(bits(seed, replication, purpose, *keys))


def keyed_stream(seed: int, replication: int, keys: tuple[int, ...]) -> np.random.Generator:
    """:func:`stream` of ``(purpose, *keys)`` given as one tuple (a deal's keys)."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, (replication, *keys))))
