"""Mean and spread of users' scores over every item, from the items' moments.

A z-score blend (:class:`recommender.models.blend.Blend`) puts each part on
one scale with the mean and standard deviation of a participant's scores over
the whole catalogue. Computing them by scoring every vacancy costs a pass
over the catalogue per participant, although only the candidates (the active
vacancies, a few percent of a catalogue that keeps expired postings) are ranked.
Both parts are linear in the item vectors, ``s_i = u . x_i``, so

    mean = u . m        var = u' S u - mean**2

with ``m`` the mean item vector and ``S`` the items' second moments
``X'X / n``: a 34 x 34 matrix for LightFM, a sparse feature x feature
matrix for TF-IDF content (only the participant's own features are read).
Computed in float64, the results equal the float32 pass up to rounding
(``tests/recommender/test_score_moments.py``). One participant and a batch
go through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Feature spaces up to this size keep their second moments dense (2,048 features: 32 MB).
DENSE_FEATURES = 2048


@dataclass(frozen=True)
class ScoreMoments:
    """The mean and (population) standard deviation of each user's scores over every item (one entry per user)."""

    mean: np.ndarray
    std: np.ndarray

    def standardise(self, scores: np.ndarray) -> np.ndarray:
        """z-scores in float32 of a (users x items) block (a zero spread counts as 1)."""
        std = np.where(self.std > 0, self.std, 1.0).astype(np.float32)[:, None]
        return (np.asarray(scores, dtype=np.float32) - self.mean.astype(np.float32)[:, None]) / std


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

    def of_dense_users(self, vectors: np.ndarray) -> ScoreMoments:
        """The moments of ``u . x_i`` over every item ``i``, for each row ``u`` of ``vectors``."""
        u = np.asarray(vectors, dtype=np.float64)
        return _moments(u @ self.mean, np.einsum("ij,ij->i", u @ self.second, u))

    def of_sparse_users(self, rows: sp.csr_matrix) -> ScoreMoments:
        """The moments of each sparse user row times every item row: only each row's own columns are read."""
        rows = sp.csr_matrix(rows)
        mean, second = np.zeros(rows.shape[0]), np.zeros(rows.shape[0])
        for row in range(rows.shape[0]):
            start, stop = rows.indptr[row], rows.indptr[row + 1]
            columns, values = rows.indices[start:stop], rows.data[start:stop].astype(np.float64)
            if len(columns) == 0:
                continue
            if isinstance(self.second, np.ndarray):
                block = self.second[np.ix_(columns, columns)]
            else:
                block = self.second[columns][:, columns].toarray()
            mean[row] = values @ self.mean[columns]
            second[row] = values @ block @ values
        return _moments(mean, second)


def _moments(mean: np.ndarray, second: np.ndarray) -> ScoreMoments:
    mean = np.asarray(mean, dtype=np.float64)
    return ScoreMoments(mean, np.sqrt(np.maximum(np.asarray(second, dtype=np.float64) - mean * mean, 0.0)))
