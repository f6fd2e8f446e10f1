"""Durations and delays as distributions, chosen by a ``kind`` field.

A bare number in a scenario file means a fixed value, so ``work_min: 40`` and
``work_min: {kind: fixed, value: 40}`` are the same.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BeforeValidator, Field, model_validator

from sim.scenario.base import Frozen, NonNegFloat, PositiveFloat


class Fixed(Frozen):
    """Always the same value."""

    kind: Literal["fixed"] = "fixed"
    value: NonNegFloat = Field(description="The value.")

    def expected_value(self) -> float:
        """Mean of the distribution."""
        return self.value

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values (the generator is untouched, so streams stay aligned)."""
        return np.full(size, self.value, dtype=np.float64)


class Exponential(Frozen):
    """Exponential with the given mean (memoryless handling or arrival gaps)."""

    kind: Literal["exponential"]
    mean: PositiveFloat = Field(description="Mean value.")

    def expected_value(self) -> float:
        """Mean of the distribution."""
        return self.mean

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values."""
        return rng.exponential(self.mean, size)


class LogNormal(Frozen):
    """Lognormal given by its own mean and standard deviation (not those of the log)."""

    kind: Literal["lognormal"]
    mean: PositiveFloat = Field(description="Mean value (not of the logarithm).")
    sd: NonNegFloat = Field(description="Standard deviation (not of the logarithm).")

    def expected_value(self) -> float:
        """Mean of the distribution."""
        return self.mean

    def log_params(self) -> tuple[float, float]:
        """The (mu, sigma) of the underlying normal that give this mean and sd."""
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values."""
        mu, sigma = self.log_params()
        return rng.lognormal(mu, sigma, size)


class Triangular(Frozen):
    """Triangular between low and high with the given mode (travel, expert estimates)."""

    kind: Literal["triangular"]
    low: NonNegFloat = Field(description="Smallest value.")
    mode: NonNegFloat = Field(description="Most likely value.")
    high: NonNegFloat = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"expected low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def expected_value(self) -> float:
        """Mean of the distribution."""
        return (self.low + self.mode + self.high) / 3.0

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values."""
        if self.low == self.high:
            return np.full(size, self.low, dtype=np.float64)
        return rng.triangular(self.low, self.mode, self.high, size)


class Uniform(Frozen):
    """Uniform between low and high."""

    kind: Literal["uniform"]
    low: NonNegFloat = Field(description="Smallest value.")
    high: NonNegFloat = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"expected low <= high, got {self.low} > {self.high}")
        return self

    def expected_value(self) -> float:
        """Mean of the distribution."""
        return (self.low + self.high) / 2.0

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values."""
        return rng.uniform(self.low, self.high, size)


def _number_to_fixed(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"kind": "fixed", "value": value}
    return value


_AnyDistribution = Annotated[
    Fixed | Exponential | LogNormal | Triangular | Uniform, Field(discriminator="kind")
]
Distribution = Annotated[
    _AnyDistribution,
    BeforeValidator(_number_to_fixed, json_schema_input_type=float | _AnyDistribution),
]
"""A number (fixed) or one of the kinds: fixed, exponential, lognormal, triangular, uniform."""


def fixed(value: float) -> Fixed:
    """A fixed distribution; shorthand for defaults."""
    return Fixed(value=value)
