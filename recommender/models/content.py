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

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities
from recommender.dataset import feature_family as family
from recommender.feature_space import KeptFeatureSpace
from recommender.score_terms import content_top_terms, rows_times

#: Default weight of each feature family ("skill" for "skill=welding"), chosen on validation data:
#: people meet (and take) vacancies near home far more often than far away, so region weighs most.
DEFAULT_FAMILY_WEIGHTS = {"skill": 0.5, "word": 0.3, "occ": 0.3, "prep": 0.3, "reg": 2.0, "prov": 2.0}


class ContentSimilarity(KeptFeatureSpace, Recommender):
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
        self.__dict__.pop("_space", None)

    def _side(self, entities: Entities) -> "ContentSide":
        """L2-normalised TF-IDF rows on the shared features: the same for users and items."""
        return ContentSide(self.space().entries(entities.features).scaled(self.feature_weights_).unit_rows().csr())

    _user_side = _side
    _item_side = _side

    def _score_sides(self, users: "ContentSide", items: "ContentSide", item_rows: np.ndarray | None) -> np.ndarray:
        """Cosines: each item row times the users' dense vectors (an item's sum runs over its own entries, whatever the batch).

        One user (a served list) is scored feature by feature instead: only
        the items that share one of the user's few features are touched
        (:meth:`ContentSide.cosines_of_one`), not every entry of every candidate.
        """
        if users.rows.shape[0] == 1:
            scores = items.cosines_of_one(users.rows)
            return (scores if item_rows is None else scores[item_rows])[None, :]
        dense_users = users.rows.toarray().T
        if item_rows is not None and 2 * len(item_rows) < items.rows.shape[0]:
            return rows_times(items.rows, item_rows, dense_users).T
        scores = np.asarray(items.rows @ dense_users, dtype=np.float32).T  # most rows: one pass beats gathering them
        return scores if item_rows is None else scores[:, item_rows]

    def _score_terms(self, users: "ContentSide", items: "ContentSide", item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        rows = users.rows
        first = slice(rows.indptr[0], rows.indptr[1])  # the first user's entries (no sliced matrix built per request)
        return content_top_terms(self, rows.indices[first], rows.data[first], items.rows, item_rows, top)


@dataclass(frozen=True)
class ContentSide:
    """Users or items as content similarity scores them: L2-normalised TF-IDF rows on the shared features."""

    rows: sp.csr_matrix

    def take(self, rows: np.ndarray) -> "ContentSide":
        return ContentSide(self.rows[np.asarray(rows, dtype=np.int64)])

    @cached_property
    def by_feature(self) -> sp.csc_matrix:
        """The same rows stored by column: which items hold each feature (made once per side, on first use)."""
        return self.rows.tocsc()

    def cosines_of_one(self, user: sp.csr_matrix) -> np.ndarray:
        """float32 cosine of every row with one user's row: the sum over the user's features of the items holding them.

        Accumulated in float64, so it equals the row-by-row float32 sums
        within float32 rounding.
        """
        columns = self.by_feature
        features, weights = user.indices, user.data
        starts, stops = columns.indptr[features], columns.indptr[features + 1]
        lengths = stops - starts
        entries = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        scores = np.bincount(columns.indices[entries], weights=columns.data[entries] * np.repeat(weights, lengths).astype(np.float64),
                             minlength=self.rows.shape[0])
        return scores.astype(np.float32)
