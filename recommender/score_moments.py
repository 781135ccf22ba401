"""Mean and spread of one participant's scores over every item, from the items' moments.

A z-score blend (:func:`recommender.models.blend.standardise`) puts each part
on one scale with the mean and standard deviation of the participant's scores
over the whole catalogue. Computing them by scoring every vacancy costs a pass
over the catalogue per request, although only the candidates (the active
vacancies, a few percent of a catalogue that keeps expired postings) are ranked.
Both parts are linear in the item vectors, ``s_i = u . x_i``, so

    mean = u . m        var = u' S u - mean**2

with ``m`` the mean item vector and ``S`` the items' second moments
``X'X / n``: a 34 x 34 matrix for LightFM, a sparse feature x feature
matrix for TF-IDF content (only the participant's own features are read).
Computed in float64, the results equal the float32 pass up to rounding
(``tests/recommender/test_score_moments.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Feature spaces up to this size keep their second moments dense (2,048 features: 32 MB).
DENSE_FEATURES = 2048


@dataclass(frozen=True)
class ScoreMoments:
    """The mean and (population) standard deviation of one participant's scores over every item."""

    mean: float
    std: float

    def standardise(self, scores: np.ndarray) -> np.ndarray:
        """z-scores in float32, as :func:`recommender.models.blend.standardise` makes them (a zero spread counts as 1)."""
        std = np.float32(self.std) if self.std > 0 else np.float32(1.0)
        return (np.asarray(scores, dtype=np.float32) - np.float32(self.mean)) / std


class ItemMoments:
    """First and second moments of a catalogue's item vectors (dense rows or sparse rows)."""

    def __init__(self, mean: np.ndarray, second: np.ndarray | sp.csr_matrix) -> None:
        self.mean = mean
        self.second = second

    @classmethod
    def of_dense(cls, vectors: np.ndarray) -> "ItemMoments":
        x = np.asarray(vectors, dtype=np.float64)
        n = max(len(x), 1)
        return cls(x.sum(axis=0) / n, (x.T @ x) / n)

    @classmethod
    def of_sparse(cls, rows: sp.csr_matrix) -> "ItemMoments":
        x = sp.csr_matrix(rows, dtype=np.float64)
        n = max(x.shape[0], 1)
        second = (x.T @ x).tocsr() / n
        if x.shape[1] <= DENSE_FEATURES:
            second = second.toarray()
        return cls(np.asarray(x.sum(axis=0)).ravel() / n, second)

    def of_dense_user(self, vector: np.ndarray) -> ScoreMoments:
        """The moments of ``vector . x_i`` over every item ``i``."""
        u = np.asarray(vector, dtype=np.float64)
        return _moments(float(u @ self.mean), float(u @ self.second @ u))

    def of_sparse_user(self, columns: np.ndarray, values: np.ndarray) -> ScoreMoments:
        """The moments of a sparse participant row (``columns``, ``values``) times every item row."""
        if len(columns) == 0:
            return ScoreMoments(0.0, 0.0)
        v = np.asarray(values, dtype=np.float64)
        block = self.second[np.ix_(columns, columns)] if isinstance(self.second, np.ndarray) else self.second[columns][:, columns].toarray()
        return _moments(float(v @ self.mean[columns]), float(v @ block @ v))


def _moments(mean: float, second: float) -> ScoreMoments:
    return ScoreMoments(mean, float(np.sqrt(max(second - mean * mean, 0.0))))
