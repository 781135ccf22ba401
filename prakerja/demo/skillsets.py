"""Skill sets as bit sets, so overlaps of millions of participant-vacancy pairs stay vectorised."""

from __future__ import annotations

import numpy as np


def skill_bitsets(owners: np.ndarray, skills: np.ndarray, n_owners: int, n_skills: int) -> np.ndarray:
    """A ``(n_owners, words)`` uint64 array with bit ``s`` of row ``o`` set for every (o, s) pair."""
    words = max(1, (n_skills + 63) // 64)
    bits = np.zeros((n_owners, words), dtype=np.uint64)
    if len(owners):
        np.bitwise_or.at(
            bits,
            (owners, skills // 64),
            np.left_shift(np.uint64(1), (skills % 64).astype(np.uint64)),
        )
    return bits


def set_sizes(bits: np.ndarray) -> np.ndarray:
    """Number of skills in each row."""
    return np.bitwise_count(bits).sum(axis=1, dtype=np.int64)


def shared_counts(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Skills common to ``left[i]`` and ``right[i]`` for every row ``i``."""
    return np.bitwise_count(left & right).sum(axis=1, dtype=np.int64)
