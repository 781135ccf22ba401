"""Random baseline: the floor every model must clear."""

from __future__ import annotations

import numpy as np

from recommender.base import Recommender
from recommender.dataset import Dataset


class Random(Recommender):
    """Uniform random scores, reproducible for a seed and a (user, item) pair."""

    algorithm = "random"

    def __init__(self, random_state: int = 42) -> None:
        self.random_state = random_state

    def _fit(self, dataset: Dataset) -> None:
        self.seed_ = int(self.random_state)

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        # A hash of (seed, user row, item row) gives the same score whatever the batch.
        u = np.asarray(user_rows, dtype=np.uint64)[:, None]
        i = np.asarray(item_rows, dtype=np.uint64)[None, :]
        with np.errstate(over="ignore"):
            x = (u * np.uint64(0x9E3779B97F4A7C15)) ^ (i * np.uint64(0xC2B2AE3D27D4EB4F)) ^ np.uint64(self.seed_)
            x ^= x >> np.uint64(31)
            x *= np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(29)
        return (x >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)
