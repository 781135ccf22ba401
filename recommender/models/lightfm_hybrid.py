"""LightFM hybrid: user and item representations are sums of feature embeddings.

Cold vacancies are the normal case in job matching (most vacancies seen in a
later period were never interacted with before), so the model is built for
features to carry the signal, not ids. The defaults, each measured on the
validation period of the demo world (docs/evaluation.md):

* **No identity features** on either side. A vacancy's embedding is the sum of
  its features' embeddings (occupation, skills, title words, region, salary
  band, employment type), so a new vacancy is scored from its first minute; a
  participant is the sum of hers (trainings, skills, region, ...), so a new
  participant is scored like a returning one. Identity columns would let the
  model memorise ids instead of learning what features mean.
* **Per-family normalisation** (``normalize="family"``): every family block
  of a row ("reg", "prov", "skill", "word", "occ", ...) sums to 1, so the one
  regency of a person weighs as much as her five skills or six title words.
  With rows normalised as a whole, place (which decides most of what people
  meet) was 2 of ~17 units and drowned.
* **Negatives only among vacancies of the training period**
  (``train_items="interacted"``). LightFM samples WARP/BPR negatives
  uniformly from the item rows it is given; given the whole catalogue, every
  vacancy posted *after* the training cut is a negative in every epoch and
  never a positive, so the model learns to push down exactly the feature
  fingerprints of the future, cold vacancies.
* **Aligned start for names both sides share** (``align_shared``). LightFM
  keeps separate user and item embedding tables, so "skill=las" of a
  participant and "skill=las" of a vacancy start as unrelated random vectors
  and the model must learn from sparse clicks that they mean the same thing
  (and the same for 514 regencies). Both copies start from one shared random
  vector instead, so at epoch 0 the score is already a random projection of
  the shared-feature overlap, weighted by family as content similarity
  weighs it (region first); training then refines and re-weights it.
* **Exact place** (``exact_families=("reg", "prov")``). A random start
  projects every shared name (about 1,300 on the demo world) into
  ``no_components`` dimensions, so each pair of names talks across with about
  1/sqrt(128) of its weight; with place the heaviest family, that noise was
  larger than the whole skill signal that orders the vacancies of one
  province. Place is a small closed vocabulary (514 regencies, 38
  provinces), so each shared place name gets a component of its own on top
  of ``no_components``: at the start a shared regency adds exactly its weight
  and nothing to any other pair. The open vocabularies (skills, title words,
  occupations) keep the random start in the ``no_components`` others. A
  learning rate of 0.003 and 15 epochs refine that start without erasing it.

Scores come from augmented vectors (see :mod:`recommender.retrieval`) of
the item side and the user side (:mod:`recommender.sides`), each aligned to
the model's features by name, so a catalogue with new vacancies or new
feature columns still scores correctly (unknown features contribute nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities, feature_family
from recommender.feature_space import NORMALIZATIONS, FeatureSpace
from recommender.retrieval import augmented_item_vectors, augmented_user_vectors
from recommender.score_terms import lightfm_top_terms

LOSSES = ("warp", "bpr", "logistic", "warp-kos")
#: ``train_items`` values: the vacancies with a training interaction, or every row of the dataset.
TRAIN_ITEMS = ("interacted", "all")
#: Feature families of a closed vocabulary that get one component per shared name (see the module docstring).
EXACT_FAMILIES = ("reg", "prov")


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
        Add one identity feature per user / item (LightFM's default is both;
        off here: features, not ids, carry the signal to new vacancies and
        new participants).
    normalize
        "family" (default): scale each feature family of a row to sum 1;
        "rows" (or True): scale each row to sum 1; "none" (or False): raw.
    train_items
        "interacted" (default): learn over the vacancies with a training
        interaction only, so WARP/BPR never sample vacancies of a later
        period as negatives; "all": every item row of the dataset.
    align_shared
        Squared length of the common random start vector given to both the
        user and the item embedding of a feature name present on both sides
        ("skill=las", "reg=3515"), for the shared family with the largest
        ``align_weights``; 0 gives LightFM's own independent start.
    align_weights
        Relative length of those start vectors per feature family; default
        (None) content similarity's family weights
        (:data:`recommender.models.content.DEFAULT_FAMILY_WEIGHTS`: region
        first), families not listed 1.
    exact_families
        Families whose shared names each get one component of their own
        (a one-hot start), added to ``no_components``; the other shared names
        start at random in the ``no_components`` rest. Only with
        ``align_shared`` > 0. A log without such families trains exactly as
        with ``()``.
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
        no_components: int = 128,
        learning_rate: float = 0.003,
        item_alpha: float = 1e-6,
        user_alpha: float = 1e-6,
        epochs: int = 15,
        num_threads: int = 2,
        max_sampled: int = 10,
        user_identity: bool = False,
        item_identity: bool = False,
        normalize: bool | str = "family",
        shown_negatives: bool = False,
        train_items: str = "interacted",
        align_shared: float = 4.0,
        align_weights: dict[str, float] | None = None,
        exact_families: tuple[str, ...] = EXACT_FAMILIES,
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
        self.train_items = train_items
        self.align_shared = align_shared
        self.align_weights = align_weights
        self.exact_families = exact_families
        self.random_state = random_state

    #: What an artifact pickled before these parameters existed was trained with.
    _BEFORE_PARAMS = {"train_items": "all", "align_shared": 0.0, "align_weights": None, "exact_families": ()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({**self._BEFORE_PARAMS, **state})

    # ------------------------------------------------------------------ training

    def _fit(self, dataset: Dataset) -> None:
        from lightfm import LightFM

        if self.loss not in LOSSES:
            raise UserError(f"unknown LightFM loss {self.loss!r}; choose from {', '.join(LOSSES)}")
        self._normalization()
        if self.train_items not in TRAIN_ITEMS:
            raise UserError(f"unknown train_items {self.train_items!r}; choose from {', '.join(TRAIN_ITEMS)}")
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
        self.item_identity_used_ = self.item_identity or dataset.item_features.n_features == 0
        users = dataset.user_matrix(identity=self.user_identity)
        items = dataset.item_matrix(identity=self.item_identity_used_)
        # The item rows LightFM sees, and so samples negatives from (see the module docstring).
        item_rows = np.unique(interactions.col) if self.train_items == "interacted" else np.arange(dataset.n_items)
        column = np.full(dataset.n_items, -1, dtype=np.int64)
        column[item_rows] = np.arange(len(item_rows))
        shape = (interactions.shape[0], len(item_rows))
        cols = column[interactions.col]
        weights = sp.coo_matrix((np.abs(interactions.data).astype(np.float32), (interactions.row, cols)), shape=shape)
        target = sp.coo_matrix((labels, (interactions.row, cols)), shape=shape)
        shared = self._shared_names(users.names, items.names)
        exact = self._exact(shared[0])
        components = self.no_components + int(exact.sum())
        model = LightFM(
            no_components=components,
            loss=self.loss,
            learning_rate=self.learning_rate,
            item_alpha=self.item_alpha,
            user_alpha=self.user_alpha,
            max_sampled=self.max_sampled,
            random_state=np.random.RandomState(self.random_state),
        )
        model._initialize(components, items.n_features, users.n_features)
        if self.align_shared > 0:
            self._align_shared_names(model, *shared, exact)
        model.fit_partial(  # continues from the start set above (fit() would draw a new one)
            target,
            user_features=self._prepared(users.matrix, users.names),
            item_features=self._prepared(items.matrix[item_rows], items.names),
            sample_weight=None if self.loss == "warp-kos" else weights,
            epochs=self.epochs,
            num_threads=self.num_threads,
        )
        self.model_ = model
        self.user_feature_names_ = users.names
        self.item_feature_names_ = items.names
        self.n_train_items_ = int(len(item_rows))
        self._cache = None
        self.__dict__.pop("_spaces", None)

    @staticmethod
    def _shared_names(user_names: np.ndarray, item_names: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Feature names present on both sides, with their user and item columns."""
        return np.intersect1d(user_names.astype(str), item_names.astype(str), return_indices=True)

    def _exact(self, shared: np.ndarray) -> np.ndarray:
        """Which shared names get a component of their own (none without an aligned start)."""
        families = tuple(getattr(self, "exact_families", ()) or ())
        if self.align_shared <= 0 or not families:
            return np.zeros(len(shared), dtype=bool)
        return np.isin(np.array([feature_family(n) for n in shared], dtype=object), families)

    def _align_shared_names(self, model, shared: np.ndarray, user_cols: np.ndarray, item_cols: np.ndarray, exact: np.ndarray) -> None:
        """Give the user and the item embedding of every shared feature name one common start vector.

        The untrained score is then the weighted overlap sum_f x_f y_f |s_f|^2
        of the shared features, |s_f| proportional to the family's weight:
        exactly for the ``exact`` names (one component each, the first
        ``exact.sum()``), as a random projection into the last
        ``no_components`` for the others.
        """
        from recommender.models.content import DEFAULT_FAMILY_WEIGHTS

        weights = DEFAULT_FAMILY_WEIGHTS if self.align_weights is None else self.align_weights
        length = np.array([float(weights.get(feature_family(n), 1.0)) for n in shared])
        if len(length) and length.max() > 0:
            length = length / length.max() * np.sqrt(self.align_shared)
        n_exact = int(exact.sum())
        start = np.zeros((len(shared), n_exact + self.no_components))
        start[np.flatnonzero(exact), np.arange(n_exact)] = 1.0
        rng = np.random.default_rng(self.random_state)
        start[~exact, n_exact:] = rng.normal(0.0, 1.0 / np.sqrt(self.no_components), (int((~exact).sum()), self.no_components))
        start = (start * length[:, None]).astype(np.float32)
        model.user_embeddings[user_cols] = start
        model.item_embeddings[item_cols] = start

    def _normalization(self) -> str:
        """``normalize`` as one of :data:`NORMALIZATIONS` (True and False are the older spellings)."""
        how = {True: "rows", False: "none"}[self.normalize] if isinstance(self.normalize, bool) else self.normalize
        if how not in NORMALIZATIONS:
            raise UserError(f"unknown normalize {self.normalize!r}; choose from {', '.join(NORMALIZATIONS)}")
        return how

    def _prepared(self, matrix: sp.csr_matrix, names: np.ndarray) -> sp.csr_matrix:
        """Training rows as the model reads them (the same :class:`FeatureSpace` preparation scoring uses)."""
        return FeatureSpace(names, self._normalization()).normalized(matrix)

    # ------------------------------------------------------------------ the sides

    def spaces(self) -> tuple[FeatureSpace, FeatureSpace]:
        """The user and item feature spaces of the fitted model (made once, never pickled)."""
        spaces = self.__dict__.get("_spaces")
        if spaces is None:
            how = self._normalization()
            spaces = self.__dict__["_spaces"] = (
                FeatureSpace(self.user_feature_names_, how, "user" if self.user_identity else None),
                FeatureSpace(self.item_feature_names_, how, "item" if self.item_identity_used_ else None),
            )
        return spaces

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_spaces", None)
        return state

    def _user_side(self, users: Entities) -> "LightFMSide":
        x = self.spaces()[0].entries(users.features, users.ids).csr()
        m = self.model_
        return LightFMSide(x, augmented_user_vectors(np.asarray(x @ m.user_biases).ravel(), np.asarray(x @ m.user_embeddings)))

    def _item_side(self, items: Entities) -> "LightFMSide":
        y = self.spaces()[1].entries(items.features, items.ids).csr()
        m = self.model_
        return LightFMSide(y, augmented_item_vectors(np.asarray(y @ m.item_biases).ravel(), np.asarray(y @ m.item_embeddings)))

    def _score_sides(self, users: "LightFMSide", items: "LightFMSide", item_rows: np.ndarray | None) -> np.ndarray:
        if item_rows is not None and 2 * len(item_rows) < len(items.vectors):
            return users.vectors @ items.vectors[item_rows].T
        scores = users.vectors @ items.vectors.T  # most rows: one pass over the side beats gathering them first
        return scores if item_rows is None else scores[:, item_rows]

    def _score_terms(self, users: "LightFMSide", items: "LightFMSide", item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        x = users.matrix
        first = slice(x.indptr[0], x.indptr[1])  # the first user's entries (no sliced matrix built per request)
        return lightfm_top_terms(self, x.indices[first], x.data[first], items.matrix, item_rows, top)

    def predict_with_lightfm(self, dataset: Dataset, user_row: int, item_rows: np.ndarray) -> np.ndarray:
        """LightFM's own ``predict`` for one user (slow; the reference the fast path is tested against)."""
        item_rows = np.asarray(item_rows, dtype=np.int32)
        return self.model_.predict(
            np.full(len(item_rows), user_row, dtype=np.int32),
            item_rows,
            user_features=self.user_side(dataset.users()).matrix,
            item_features=self.catalogue_side(dataset).matrix,
            num_threads=1,
        )


@dataclass(frozen=True)
class LightFMSide:
    """Users or items as LightFM scores them: prepared feature rows (for explanations) and augmented vectors."""

    matrix: sp.csr_matrix
    vectors: np.ndarray

    def take(self, rows: np.ndarray) -> "LightFMSide":
        rows = np.asarray(rows, dtype=np.int64)
        return LightFMSide(self.matrix[rows], np.ascontiguousarray(self.vectors[rows]))
