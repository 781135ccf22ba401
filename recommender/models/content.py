"""Content similarity: TF-IDF cosine between what a participant holds and what a vacancy asks.

Users and items are compared on the features both sides share by name:
skills ("skill=welding": taught by completed courses, declared, or required by
the vacancy), title words ("word=las": course titles and skill names on the
user side, the vacancy title on the item side), occupation groups and region.
Each shared feature is weighted by its inverse document frequency over the
items (a rare skill match says more than "komunikasi"), and by a weight per
feature family. Needs no interactions at all, which makes it the natural
partner of LightFM for cold vacancies.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.features import family

#: Default weight of each feature family ("skill" for "skill=welding"), chosen on validation data:
#: people meet (and take) vacancies near home far more often than far away, so region weighs most.
DEFAULT_FAMILY_WEIGHTS = {"skill": 0.5, "word": 0.3, "occ": 0.3, "reg": 2.0, "prov": 2.0}


class ContentSimilarity(Recommender):
    """TF-IDF weighted cosine similarity on shared user/item features.

    Parameters
    ----------
    family_weights
        Weight per feature family (the part before "="); families not listed
        get ``other_weight``.
    other_weight
        Weight of families not in ``family_weights`` (external logs name their
        own features).
    """

    algorithm = "content"

    def __init__(self, family_weights: dict[str, float] | None = None, other_weight: float = 1.0) -> None:
        self.family_weights = family_weights
        self.other_weight = other_weight

    def _fit(self, dataset: Dataset) -> None:
        shared = np.intersect1d(
            dataset.user_features.names.astype(str), dataset.item_features.names.astype(str)
        ).astype(object)
        if len(shared) == 0:
            raise UserError(
                "the content model needs features that users and items share by name "
                "(e.g. 'skill=welding' on both sides); none were found"
            )
        items = dataset.item_features.aligned_to(shared).matrix
        document_frequency = np.asarray((items > 0).sum(axis=0)).ravel()
        idf = np.log((1.0 + items.shape[0]) / (1.0 + document_frequency)) + 1.0
        weights = self.family_weights or DEFAULT_FAMILY_WEIGHTS
        family_weight = np.array([weights.get(family(n), self.other_weight) for n in shared], dtype=np.float64)
        self.feature_names_ = shared
        self.feature_weights_ = (idf * family_weight).astype(np.float32)
        self._cache = None

    def weighted_vectors(self, dataset: Dataset) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """L2-normalised TF-IDF rows of users and (transposed) items on the shared features.

        Each side is cached for the feature object it was computed from (held, so never confused with a new one).
        """
        with self._cache_lock():
            cache = getattr(self, "_cache", None) or {}
            scale = sp.diags(self.feature_weights_)
            user_key = dataset.user_features
            item_key = dataset.item_features
            if cache.get("user_key") is not user_key:
                cache["users"] = _l2_rows(dataset.user_features.aligned_to(self.feature_names_).matrix @ scale)
                cache["user_key"] = user_key
            if cache.get("item_key") is not item_key:
                items = _l2_rows(dataset.item_features.aligned_to(self.feature_names_).matrix @ scale)
                cache["items_t"] = items.T.tocsr()
                cache["item_key"] = item_key
            self._cache = cache
            return cache["users"], cache["items_t"]

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        users, items_t = self.weighted_vectors(dataset)
        return (users[user_rows] @ items_t[:, item_rows]).toarray()


def _l2_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags((1.0 / norms).astype(np.float32)) @ matrix).tocsr()
