"""Vectorised random draws the demo generators share, all from an explicit numpy Generator.

Every stream is derived from the world seed plus a fixed label, so the same
seed gives the same world whatever order the parts are generated in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
SECONDS_PER_DAY = 86_400

# Fixed labels of the independent random streams (changing one changes only that part).
STREAM_VACANCIES = 1
STREAM_CATALOGUE = 2
STREAM_PARTICIPANTS = 3


def stream(seed: int, label: int, chunk: int = 0) -> np.random.Generator:
    """The random stream ``label`` of chunk ``chunk`` of the world ``seed``."""
    return np.random.default_rng([seed, label, chunk])


def categorical(rng: np.random.Generator, shares: Mapping[str, float], size: int) -> np.ndarray:
    """Draw ``size`` keys of ``shares`` with those probabilities (normalised)."""
    keys = np.array(list(shares))
    weights = np.array(list(shares.values()), dtype=np.float64)
    return keys[rng.choice(len(keys), size=size, p=weights / weights.sum())]


def weighted_index(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices 0..len(weights)-1 drawn in proportion to ``weights``."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right").clip(0, len(weights) - 1)


def lognormal_around(rng: np.random.Generator, median: float, log_sigma: float, size: int) -> np.ndarray:
    """Log-normal draws whose median is ``median``."""
    return median * np.exp(rng.normal(0.0, log_sigma, size))


def uniform_int(rng: np.random.Generator, bounds: Sequence[int], size: int) -> np.ndarray:
    """Integers uniform in the closed range ``bounds``."""
    low, high = bounds
    return rng.integers(low, high + 1, size)


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01 (the integer form of every date in the generator)."""
    return int((np.datetime64(date, "D") - EPOCH).astype(np.int64))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def sample_from_rows(rng: np.random.Generator, starts: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """One value drawn uniformly from each requested row of a CSR structure (rows must be non-empty)."""
    lengths = starts[rows + 1] - starts[rows]
    return values[starts[rows] + (rng.random(len(rows)) * lengths).astype(np.int64)]
