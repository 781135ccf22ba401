"""LightFM hybrid: user and item representations are sums of feature embeddings.

Cold vacancies are the normal case in job matching (most vacancies seen in a
later period were never interacted with before), so by default items carry no
identity feature: a vacancy's embedding is the sum of its features' embeddings
(occupation, skills, title words, region, salary band, employment type) and a
new vacancy gets a meaningful representation from day one. Users keep their
identity feature (``user_identity=True``) as well as their features, since a
participant's history does carry over.

Scores are served from precomputed representations (see
:mod:`recommender.retrieval`), aligned to the scoring dataset's features by
name, so a dataset with new vacancies or new feature columns still scores
correctly (unknown features simply contribute nothing).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset, normalize_rows
from recommender.retrieval import augmented_vectors

LOSSES = ("warp", "bpr", "logistic", "warp-kos")


class LightFMHybrid(Recommender):
    """The LightFM hybrid model.

    Parameters
    ----------
    loss
        "warp" (default), "bpr", "logistic" or "warp-kos".
    no_components, learning_rate, item_alpha, user_alpha, max_sampled
        LightFM's own parameters.
    epochs, num_threads
        Training epochs and threads.
    user_identity, item_identity
        Add one identity feature per user / item (LightFM's default is both).
    normalize
        Scale every feature row to sum 1, so people with many trainings are
        not scored louder than people with one.
    shown_negatives
        With the logistic loss, also learn from vacancies shown to a
        participant before the training cut and never acted on (the
        dataset's exposures) as negatives. The model then learns what people
        take *among what they see*, free of where they happen to look;
        location and exposure are left to its partner in a blend.
    random_state
        Seed for reproducible training.
    """

    algorithm = "lightfm"

    def __init__(
        self,
        loss: str = "warp",
        no_components: int = 32,
        learning_rate: float = 0.05,
        item_alpha: float = 1e-6,
        user_alpha: float = 1e-6,
        epochs: int = 20,
        num_threads: int = 2,
        max_sampled: int = 10,
        user_identity: bool = True,
        item_identity: bool = False,
        normalize: bool = True,
        shown_negatives: bool = False,
        random_state: int = 42,
    ) -> None:
        self.loss = loss
        self.no_components = no_components
        self.learning_rate = learning_rate
        self.item_alpha = item_alpha
        self.user_alpha = user_alpha
        self.epochs = epochs
        self.num_threads = num_threads
        self.max_sampled = max_sampled
        self.user_identity = user_identity
        self.item_identity = item_identity
        self.normalize = normalize
        self.shown_negatives = shown_negatives
        self.random_state = random_state

    # ------------------------------------------------------------------ training

    def _fit(self, dataset: Dataset) -> None:
        from lightfm import LightFM

        if self.loss not in LOSSES:
            raise UserError(f"unknown LightFM loss {self.loss!r}; choose from {', '.join(LOSSES)}")
        interactions = dataset.interaction_matrix()
        if self.loss == "logistic":
            # logistic learns from both signs: dismissals (and, when asked, unanswered exposures) are the negatives.
            if self.shown_negatives:
                rows, cols = dataset.exposure_negatives()
                interactions = sp.coo_matrix(
                    (
                        np.concatenate([interactions.data, np.full(len(rows), -1.0, np.float32)]),
                        (np.concatenate([interactions.row, rows]), np.concatenate([interactions.col, cols])),
                    ),
                    shape=interactions.shape,
                )
            labels = np.where(interactions.data > 0, 1.0, -1.0).astype(np.float32)
        else:
            keep = interactions.data > 0
            interactions = sp.coo_matrix(
                (interactions.data[keep], (interactions.row[keep], interactions.col[keep])), shape=interactions.shape
            )
            labels = np.ones(interactions.nnz, dtype=np.float32)
        if not (labels > 0).any():
            raise UserError(
                "the interaction history has no positive interaction (click, save, apply, hire) to learn from; "
                "train the content model instead (--algorithm content)"
            )
        weights = sp.coo_matrix((np.abs(interactions.data).astype(np.float32), (interactions.row, interactions.col)), shape=interactions.shape)
        target = sp.coo_matrix((labels, (interactions.row, interactions.col)), shape=interactions.shape)
        self.item_identity_used_ = self.item_identity or dataset.item_features.n_features == 0
        users = dataset.user_matrix(identity=self.user_identity)
        items = dataset.item_matrix(identity=self.item_identity_used_)
        model = LightFM(
            no_components=self.no_components,
            loss=self.loss,
            learning_rate=self.learning_rate,
            item_alpha=self.item_alpha,
            user_alpha=self.user_alpha,
            max_sampled=self.max_sampled,
            random_state=np.random.RandomState(self.random_state),
        )
        model.fit(
            target,
            user_features=self._prepared(users.matrix),
            item_features=self._prepared(items.matrix),
            sample_weight=None if self.loss == "warp-kos" else weights,
            epochs=self.epochs,
            num_threads=self.num_threads,
        )
        self.model_ = model
        self.user_feature_names_ = users.names
        self.item_feature_names_ = items.names
        self._cache = None

    def _prepared(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        return normalize_rows(matrix) if self.normalize else matrix.astype(np.float32).tocsr()

    # ------------------------------------------------------------------ representations

    def user_features_aligned(self, dataset: Dataset) -> sp.csr_matrix:
        """User feature rows of ``dataset`` in the model's feature order, prepared as in training."""
        self._check_fitted()
        return self._prepared(dataset.user_matrix(identity=self.user_identity).aligned_to(self.user_feature_names_).matrix)

    def item_features_aligned(self, dataset: Dataset) -> sp.csr_matrix:
        """Item feature rows of ``dataset`` in the model's feature order, prepared as in training."""
        self._check_fitted()
        return self._prepared(dataset.item_matrix(identity=self.item_identity_used_).aligned_to(self.item_feature_names_).matrix)

    def representations(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """Augmented user and item vectors whose dot product is the LightFM score.

        Each side is cached for the feature object it was computed from (held,
        so never confused with a new one): serving one participant against a
        cached catalogue recomputes only the user.
        """
        return self._state(dataset)[2]

    def prepared_matrices(self, dataset: Dataset) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The aligned, prepared user and item feature matrices behind :meth:`representations` (cached alike)."""
        user_matrix, item_matrix, _ = self._state(dataset)
        return user_matrix, item_matrix

    def _state(self, dataset: Dataset) -> tuple[sp.csr_matrix, sp.csr_matrix, tuple[np.ndarray, np.ndarray]]:
        with self._cache_lock():
            cache = getattr(self, "_cache", None) or {}
            m = self.model_
            if cache.get("user_key") is not dataset.user_features:
                x = self.user_features_aligned(dataset)
                cache["user_matrix"] = x
                cache["users"] = (np.asarray(x @ m.user_biases).ravel(), np.asarray(x @ m.user_embeddings))
                cache["user_key"] = dataset.user_features
                cache.pop("vectors", None)
            if cache.get("item_key") is not dataset.item_features:
                y = self.item_features_aligned(dataset)
                cache["item_matrix"] = y
                cache["items"] = (np.asarray(y @ m.item_biases).ravel(), np.asarray(y @ m.item_embeddings))
                cache["item_key"] = dataset.item_features
                cache.pop("vectors", None)
            if "vectors" not in cache:
                cache["vectors"] = augmented_vectors(*cache["users"], *cache["items"])
            self._cache = cache
            return cache["user_matrix"], cache["item_matrix"], cache["vectors"]

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        users, items = self.representations(dataset)
        return users[user_rows] @ items[item_rows].T

    def predict_with_lightfm(self, dataset: Dataset, user_row: int, item_rows: np.ndarray) -> np.ndarray:
        """LightFM's own ``predict`` for one user (slow; the reference the fast path is tested against)."""
        item_rows = np.asarray(item_rows, dtype=np.int32)
        return self.model_.predict(
            np.full(len(item_rows), user_row, dtype=np.int32),
            item_rows,
            user_features=self.user_features_aligned(dataset),
            item_features=self.item_features_aligned(dataset),
            num_threads=1,
        )
