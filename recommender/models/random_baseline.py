"""Random baseline: the floor every model must clear."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.base import Recommender
from recommender.dataset import Dataset, Entities
from recommender.sides import IdSide


class Random(Recommender):
    """Uniform random scores, reproducible for a seed and a (user, item) pair."""

    algorithm = "random"

    def __init__(self, random_state: int = 42) -> None:
        self.random_state = random_state

    def _fit(self, dataset: Dataset) -> None:
        self.seed_ = int(self.random_state)

    def _user_side(self, users: Entities) -> IdSide:
        return IdSide(_hashed(users.ids))

    def _item_side(self, items: Entities) -> IdSide:
        return IdSide(_hashed(items.ids))

    def _score_sides(self, users: IdSide, items: IdSide, item_rows: np.ndarray | None) -> np.ndarray:
        # A hash of (seed, user id, item id) gives the same score whatever the batch or the catalogue.
        u = users.ids[:, None]
        i = (items.ids if item_rows is None else items.ids[item_rows])[None, :]
        with np.errstate(over="ignore"):
            x = (u * np.uint64(0x9E3779B97F4A7C15)) ^ (i * np.uint64(0xC2B2AE3D27D4EB4F)) ^ np.uint64(self.seed_)
            x ^= x >> np.uint64(31)
            x *= np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(29)
        return (x >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)


def _hashed(ids) -> np.ndarray:
    """A uint64 per id (numbers and strings alike), stable across processes."""
    return pd.util.hash_array(np.asarray(ids).astype(str).astype(object), categorize=False)
