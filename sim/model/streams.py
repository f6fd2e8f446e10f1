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
    RAMP = 9  # a role's replacements of people (new hires)


def key_of(name: str) -> int:
    """A stable number for an id (a role, a channel), independent of its position."""
    return zlib.crc32(name.encode())


def bits(seed: int, replication: int, purpose: Purpose, *keys: int) -> np.random.PCG64:
    """The bit generator of one purpose (and owner) in one replication."""
    spawn_key = (replication, int(purpose), *keys)
    return np.random.PCG64(np.random.SeedSequence(seed, spawn_key=spawn_key))


def stream(seed: int, replication: int, purpose: Purpose, *keys: int) -> np.random.Generator:
    """The generator of one purpose (and owner) in one replication."""
    return np.random.Generator(bits(seed, replication, purpose, *keys))
