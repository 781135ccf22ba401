"""The one estimator API every recommender follows (the scikit-learn / RecTools habit).

A model's constructor only stores parameters; ``fit(dataset)`` learns state in
attributes ending with ``_`` and returns ``self``; ``recommend(user_ids,
dataset, k, filters)`` returns a frame with :attr:`Columns.Recommendations`
(user_id, item_id, score, rank; rank 1 is best).

A new model is a small subclass that fills in the private methods of
:mod:`recommender.sides`' contract:

* ``_fit(dataset)``: learn;
* ``_item_side(items)``: the model's view of every item of a catalogue, built once;
* ``_user_side(users)``: its view of some users, from their feature rows alone;
* ``_score_sides(users, items, item_rows) -> ndarray``: a dense float32 block
  of shape (len(users), len(item_rows)); higher is better;
* optionally ``_score_terms(users, items, item_rows, top)``: the model's own
  largest score shares of the first user's score of each item (explanations).

Scoring a dataset is the same three steps (:meth:`Recommender.score`), so
every path (evaluation, batch, the API, the dashboard) computes one score.
Everything else (id mapping, candidate items, business filters, excluding
seen items, exact top-K) lives here and in :mod:`recommender.retrieval`, so
every model is filtered and ranked by the same code.
"""

from __future__ import annotations

import inspect
import threading
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.dataset import Dataset, Entities
from recommender.retrieval import top_k_filtered

if TYPE_CHECKING:  # pragma: no cover
    from recommender.filters import ItemFilters

#: The largest list a caller may ask for; longer lists are not recommendations any more.
MAX_K = 1000


def check_k(k: int) -> int:
    """``k`` as an int in 1..MAX_K, or a UserError that says the range."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= MAX_K:
        raise UserError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    return int(k)


class NotFittedError(UserError):
    """``recommend`` or ``score`` was called before ``fit``."""


class Recommender:
    """Base of every model: fit, score, recommend.

    Subclasses set ``algorithm`` (the name used by the CLI and the registry)
    and implement ``_fit`` and ``_score``.
    """

    algorithm: ClassVar[str] = "base"

    # -------------------------------------------------------------- parameters

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters, so a run record can rebuild the model."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    # -------------------------------------------------------------- learning

    def fit(self, dataset: Dataset) -> "Recommender":
        """Learn from ``dataset``; returns self."""
        self._fit(dataset)
        self.is_fitted_ = True
        return self

    def _fit(self, dataset: Dataset) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _item_side(self, items: Entities) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _user_side(self, users: Entities) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score_sides(self, users: Any, items: Any, item_rows: np.ndarray | None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _score_terms(self, users: Any, items: Any, item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        return [[] for _ in item_rows]

    # -------------------------------------------------------------- the sides

    def item_side(self, items: Entities) -> Any:
        """The model's side of ``items`` (a catalogue): built once, scored against many users."""
        self._check_fitted()
        return self._item_side(items)

    def user_side(self, users: Entities) -> Any:
        """The model's side of ``users``, from their feature rows (one participant or a batch, the same code)."""
        self._check_fitted()
        return self._user_side(users)

    def score_sides(self, users: Any, items: Any, item_rows: np.ndarray | None = None) -> np.ndarray:
        """Scores of a user side against rows of an item side (all when None): float32 (n_users, n_rows)."""
        rows = None if item_rows is None else np.asarray(item_rows, dtype=np.int64)
        return np.asarray(self._score_sides(users, items, rows), dtype=np.float32)

    def score_terms(self, users: Any, items: Any, item_rows, top: int = 5) -> list[list[tuple[str, float]]]:
        """The model's own ``top`` largest score shares, per item row, of the first user's score (largest first)."""
        return self._score_terms(users, items, np.asarray(item_rows, dtype=np.int64), top)

    def grounds(self, users: Any, items: Any, item_rows) -> Any:
        """The first user's :class:`~recommender.sides.Grounds` for ``item_rows`` (None: the model does not say)."""
        return None

    def catalogue_side(self, dataset: Dataset) -> Any:
        """:meth:`item_side` of ``dataset``'s items, kept for the feature object it was built from (held, so never confused)."""
        with self._cache_lock():
            cache = getattr(self, "_cache", None) or {}
            if cache.get("item_key") is not dataset.item_features:
                cache = {"item_key": dataset.item_features, "items": self.item_side(dataset.items())}
                self._cache = cache
            return cache["items"]

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        return self.score_sides(self.user_side(dataset.users(user_rows)), self.catalogue_side(dataset), item_rows)

    def _check_fitted(self) -> None:
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(dataset) first")

    # -------------------------------------------------------------- caches

    _lock_guard: ClassVar[threading.Lock] = threading.Lock()

    def _cache_lock(self) -> threading.Lock:
        """A per-model lock for the scoring caches (the API serves from threads)."""
        lock = self.__dict__.get("_lock")
        if lock is None:
            with Recommender._lock_guard:
                lock = self.__dict__.setdefault("_lock", threading.Lock())
        return lock

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state["_cache"] = None  # caches depend on the scoring dataset; never pickle them
        return state

    # -------------------------------------------------------------- scoring

    def score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        """Scores of users (dataset row indices) on items (row indices; default all).

        Returns
        -------
        ndarray
            float32 of shape (len(user_rows), len(item_rows)).
        """
        self._check_fitted()
        user_rows = np.asarray(user_rows, dtype=np.int64)
        item_rows = np.arange(dataset.n_items) if item_rows is None else np.asarray(item_rows, dtype=np.int64)
        return np.asarray(self._score(dataset, user_rows, item_rows), dtype=np.float32)

    def recommend(
        self,
        user_ids,
        dataset: Dataset,
        k: int = 10,
        filters: "ItemFilters | None" = None,
        *,
        filter_viewed: bool = False,
        items=None,
        batch_size: int = 1024,
    ) -> pd.DataFrame:
        """Top-``k`` items for each user.

        Parameters
        ----------
        user_ids
            External user ids known to ``dataset`` (cold users with features
            only are fine); an unknown id raises a UserError.
        dataset
            Provides features (and for filters, attributes) of users and items.
        k
            List length, 1..:data:`MAX_K`.
        filters
            Business filters (:class:`recommender.filters.ItemFilters`): active
            vacancies, region/radius, wage, employment type, exclusions.
        filter_viewed
            Leave out every item the user has a non-zero interaction with in
            ``dataset`` (evaluation on later interactions uses this off).
        items
            External item ids to choose from (default: every item).

        Returns
        -------
        DataFrame
            ``Columns.Recommendations``; fewer than k rows for a user when
            fewer candidates pass the filters.
        """
        self._check_fitted()
        k = check_k(k)
        user_ids = np.asarray(list(user_ids) if not isinstance(user_ids, (np.ndarray, pd.Series, pd.Index)) else user_ids)
        user_rows = dataset.user_id_map.to_internal(user_ids, what="user id")
        if items is None:
            item_rows = np.arange(dataset.n_items)
        else:
            item_rows = dataset.item_id_map.to_internal(np.asarray(list(items)), what="item id")
        result = top_k_filtered(
            lambda users, cand: self.score(dataset, users, cand),
            dataset,
            user_rows,
            item_rows,
            k,
            filters=filters,
            filter_viewed=filter_viewed,
            batch_size=batch_size,
        )
        return result.to_frame(dataset)
