"""History profile: a user is the features of what they used, so a job never seen before can still be matched.

On job-view logs most test jobs are new (they live days or weeks), so an id
model has nothing to say about them; what carries over is what the jobs a
person looked at were like: the city, the category, the company, the title
words. A user's **profile** is the sum of the TF-IDF rows (over every item
feature name) of the items they used in training, weighted by the interaction's
weight, plus their own feature rows on the names items share (a home city, a
skill), normalised; an item scores its cosine with the profile, plus a share
of its recent popularity (the warm items people are still looking at), minus
a share of its **staleness** (log 1 + days since anyone last used it: a job
nobody has looked at for weeks has most likely closed; an item nobody used
yet counts as fresh).

Four things are **fitted on validation windows inside the training log**
(several cut-offs, so one period's noise does not decide): a weight per
feature family (coordinate ascent over :data:`FAMILY_GRID`), the weight of
the user's own features, the popularity weight and the staleness weight (the
blend of content, popularity and freshness, chosen over the windows). Each
window is the next :data:`WINDOW_FRACTION` of positive interactions before the
previous one; the score on it is the mean NDCG@10 of (a sample of) its users
over every item of the dataset, as an evaluation of the log ranks them.
The test period of an evaluation is never read (the model sees only the
training part it is given).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities
from recommender.dataset import feature_family as family
from recommender.feature_space import KeptFeatureSpace
from recommender.metrics import mean_ndcg_at

#: Family weights tried by the coordinate ascent (starting from 1 for every family).
FAMILY_GRID = (0.0, 0.5, 1.0, 2.0, 4.0)
OWN_GRID = (0.0, 1.0, 2.0)
POPULARITY_GRID = (0.0, 0.05, 0.2)
STALENESS_GRID = (0.0, 0.1, 0.3, 1.0)
#: Validation windows (cut-offs) and the share of positive interactions each holds.
WINDOWS = 2
WINDOW_FRACTION = 0.15
PASSES = 1
#: Validation users per window (a sample keeps fitting fast on big logs).
WINDOW_USERS = 600
#: Days of the training log's end whose interactions make an item "recently popular".
RECENT_DAYS = 7


class HistoryProfile(KeptFeatureSpace, Recommender):
    """Cosine between a user's history profile and each item, plus recent popularity (module docstring).

    Parameters
    ----------
    family_weights, own_weight, popularity_weight, staleness_weight
        Fixed values; None fits them on validation windows.
    windows
        How many validation cut-offs the fitted values are chosen over.
    """

    algorithm = "history"

    def __init__(
        self,
        family_weights: dict[str, float] | None = None,
        own_weight: float | None = None,
        popularity_weight: float | None = None,
        staleness_weight: float | None = None,
        windows: int = WINDOWS,
    ) -> None:
        self.family_weights = family_weights
        self.own_weight = own_weight
        self.popularity_weight = popularity_weight
        self.staleness_weight = staleness_weight
        self.windows = windows

    # ------------------------------------------------------------------ learning

    def _fit(self, dataset: Dataset) -> None:
        names = np.asarray(dataset.item_features.names, dtype=object)
        if len(names) == 0:
            raise UserError("the history model needs item features (e.g. a job's city, category, title)")
        self.__dict__.pop("_space", None)
        self._cache = None
        self.feature_names_ = names
        items = dataset.item_features.aligned_to(names).matrix.astype(np.float32)
        frequency = np.asarray((items > 0).sum(axis=0)).ravel()
        self.idf_ = (np.log((1.0 + items.shape[0]) / (1.0 + frequency)) + 1.0).astype(np.float32)
        self.families_ = np.array(sorted({family(n) for n in names}), dtype=object)
        self.family_of_ = np.searchsorted(self.families_, np.array([family(n) for n in names], dtype=object))
        fixed = {
            "family": None if self.family_weights is None else self._family_vector(self.family_weights),
            "own": self.own_weight,
            "popularity": self.popularity_weight,
            "staleness": self.staleness_weight,
        }
        self.validation_ = {}
        if any(value is None for value in fixed.values()):
            fixed, self.validation_ = self._fitted(dataset, fixed)
        self.family_vector_ = fixed["family"]
        self.own_weight_ = float(fixed["own"])
        self.popularity_weight_ = float(fixed["popularity"])
        self.staleness_weight_ = float(fixed["staleness"])
        self.fitted_family_weights_ = {str(f): float(w) for f, w in zip(self.families_, self.family_vector_)}
        history = _history(dataset, dataset.interactions)
        self.profile_users_ = dataset.user_id_map.external_ids.copy()
        self.history_ = history
        self.item_ids_ = dataset.item_id_map.external_ids.copy()
        self.item_base_ = items
        self.recent_ = _recent_popularity(dataset, dataset.interactions)
        self.stale_ = _staleness(dataset, dataset.interactions)

    def _family_vector(self, weights: dict[str, float]) -> np.ndarray:
        return np.array([float(weights.get(str(f), 1.0)) for f in self.families_], dtype=np.float32)

    def _item_rows(self, items: sp.csr_matrix, family_vector: np.ndarray) -> sp.csr_matrix:
        """Unit TF-IDF rows with each family's weight."""
        return _unit(sp.csr_matrix(items.multiply((self.idf_ * family_vector[self.family_of_])[None, :])))

    def _fitted(self, dataset: Dataset, fixed: dict) -> tuple[dict, dict]:
        """Coordinate ascent of the free values on the validation windows (mean NDCG@10 over windows)."""
        windows = _windows(dataset, self.windows)
        current = {
            "family": np.ones(len(self.families_), np.float32) if fixed["family"] is None else fixed["family"],
            "own": 1.0 if fixed["own"] is None else fixed["own"],
            "popularity": 0.05 if fixed["popularity"] is None else fixed["popularity"],
            "staleness": 0.0 if fixed["staleness"] is None else fixed["staleness"],
        }
        if not windows:
            return current, {}
        items = dataset.item_features.aligned_to(self.feature_names_).matrix.astype(np.float32)
        own = dataset.user_features.aligned_to(self.feature_names_).matrix.astype(np.float32)
        cache: dict = {}

        def score(candidate: dict) -> float:
            key = (tuple(np.round(candidate["family"], 3)), candidate["own"], candidate["popularity"], candidate["staleness"])
            if key not in cache:
                rows = self._item_rows(items, candidate["family"])
                own_rows = self._item_rows(own, candidate["family"]) if candidate["own"] else None
                cache[key] = float(np.mean([
                    w.ndcg(rows, own_rows, candidate["own"], candidate["popularity"], candidate["staleness"]) for w in windows]))
            return cache[key]

        best = score(current)
        for _ in range(PASSES):
            improved = False
            if fixed["family"] is None:
                for position in range(len(self.families_)):
                    for value in FAMILY_GRID:
                        trial = dict(current, family=current["family"].copy())
                        trial["family"][position] = value
                        if trial["family"].sum() > 0 and score(trial) > best + 1e-4:
                            current, best, improved = trial, score(trial), True
            for name, grid in (("own", OWN_GRID), ("popularity", POPULARITY_GRID), ("staleness", STALENESS_GRID)):
                if fixed[name] is None:
                    for value in grid:
                        trial = dict(current, **{name: value})
                        if score(trial) > best + 1e-4:
                            current, best, improved = trial, score(trial), True
            if not improved:
                break
        return current, {"windows": len(windows), "validation_ndcg@10": best, "trials": len(cache)}

    # ------------------------------------------------------------------ the sides

    def _item_side(self, items: Entities) -> "HistoryItems":
        rows = self._item_rows(self.space().entries(items.features).csr(), self.family_vector_)
        known = pd.Index(self.item_ids_).get_indexer(items.ids)
        recent = np.where(known >= 0, self.recent_[np.maximum(known, 0)], 0.0).astype(np.float32)
        stale = np.where(known >= 0, self.stale_[np.maximum(known, 0)], 0.0).astype(np.float32)
        return HistoryItems(rows, self.popularity_weight_ * recent - self.staleness_weight_ * stale)

    def _user_side(self, users: Entities) -> "HistoryUsers":
        known = pd.Index(self.profile_users_).get_indexer(users.ids)
        used = self.history_[np.maximum(known, 0)].multiply((known >= 0)[:, None]).tocsr()
        profile = used @ self._item_rows(self.item_base_, self.family_vector_)
        if self.own_weight_:
            own = self._item_rows(self.space().entries(users.features).csr(), self.family_vector_)
            profile = profile + self.own_weight_ * own
        return HistoryUsers(_unit(sp.csr_matrix(profile, dtype=np.float32)))

    def _score_sides(self, users: "HistoryUsers", items: "HistoryItems", item_rows: np.ndarray | None) -> np.ndarray:
        rows = items.rows if item_rows is None else items.rows[item_rows]
        prior = items.prior if item_rows is None else items.prior[item_rows]
        return (users.profile @ rows.T).toarray() + prior[None, :]


@dataclass(frozen=True)
class HistoryItems:
    """Unit family-weighted TF-IDF rows of a catalogue and each item's weighted popularity minus staleness."""

    rows: sp.csr_matrix
    prior: np.ndarray

    def take(self, rows: np.ndarray) -> "HistoryItems":
        rows = np.asarray(rows, dtype=np.int64)
        return HistoryItems(self.rows[rows], self.prior[rows])


@dataclass(frozen=True)
class HistoryUsers:
    """Unit profiles of users."""

    profile: sp.csr_matrix


def _unit(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix, dtype=np.float32)


def _history(dataset: Dataset, log: pd.DataFrame) -> sp.csr_matrix:
    """(users x items) sum of positive interaction weights in ``log``."""
    positive = log[log[Columns.Weight] > 0]
    users = dataset.user_id_map.to_internal(positive[Columns.User].to_numpy())
    items = dataset.item_id_map.to_internal(positive[Columns.Item].to_numpy())
    return sp.csr_matrix((positive[Columns.Weight].to_numpy(np.float32), (users, items)), shape=(dataset.n_users, dataset.n_items))


def _recent_popularity(dataset: Dataset, log: pd.DataFrame) -> np.ndarray:
    """log(1 + positive weight in the last :data:`RECENT_DAYS` of ``log``) per item, scaled to 0..1."""
    positive = log[log[Columns.Weight] > 0]
    if positive.empty:
        return np.zeros(dataset.n_items, np.float32)
    end = pd.to_datetime(positive[Columns.Datetime]).max()
    recent = positive[pd.to_datetime(positive[Columns.Datetime]) >= end - pd.Timedelta(days=RECENT_DAYS)]
    counts = np.bincount(dataset.item_id_map.to_internal(recent[Columns.Item].to_numpy()),
                         weights=recent[Columns.Weight].to_numpy(np.float64), minlength=dataset.n_items)
    values = np.log1p(counts)
    return (values / values.max() if values.max() > 0 else values).astype(np.float32)


def _staleness(dataset: Dataset, log: pd.DataFrame) -> np.ndarray:
    """log(1 + days from an item's last positive interaction in ``log`` to the log's end); 0 for items without any."""
    positive = log[log[Columns.Weight] > 0]
    stale = np.zeros(dataset.n_items, np.float32)
    if positive.empty:
        return stale
    moments = pd.to_datetime(positive[Columns.Datetime])
    last = moments.groupby(dataset.item_id_map.to_internal(positive[Columns.Item].to_numpy())).max()
    days = (moments.max() - last).dt.total_seconds().to_numpy() / 86_400.0
    stale[last.index.to_numpy()] = np.log1p(np.maximum(days, 0.0))
    return stale


@dataclass
class _Window:
    """One validation cut-off: the history before it, the positives in it, its users and items."""

    dataset: Dataset
    history: sp.csr_matrix
    recent: np.ndarray
    stale: np.ndarray
    users: np.ndarray
    items: np.ndarray
    truth: np.ndarray
    seen: np.ndarray

    def ndcg(self, item_rows: sp.csr_matrix, own_rows: sp.csr_matrix | None, own_weight: float, popularity: float,
             staleness: float) -> float:
        profile = self.history[self.users] @ item_rows
        if own_rows is not None:
            profile = profile + own_weight * own_rows[self.users]
        profile = _unit(sp.csr_matrix(profile, dtype=np.float32))
        prior = popularity * self.recent[self.items] - staleness * self.stale[self.items]
        scores = (profile @ item_rows[self.items].T).toarray() + prior[None, :]
        scores[self.seen] = -np.inf
        return mean_ndcg_at(scores, self.truth, 10)


def _windows(dataset: Dataset, count: int) -> list[_Window]:
    """Validation windows, latest first: each the next :data:`WINDOW_FRACTION` of positives before the previous one."""
    log = dataset.interactions
    moments = pd.to_datetime(log[Columns.Datetime])
    positive_moments = moments[log[Columns.Weight] > 0].sort_values().to_numpy()
    windows, end_position = [], len(positive_moments)
    size = int(len(positive_moments) * WINDOW_FRACTION)
    rng = np.random.default_rng(0)
    for _ in range(count):
        start_position = end_position - size
        if size < 20 or start_position <= size:
            break
        start, end = positive_moments[start_position], positive_moments[end_position - 1]
        before = log[(moments < start).to_numpy()]
        inside = log[((moments >= start) & (moments <= end)).to_numpy() & (log[Columns.Weight] > 0).to_numpy()]
        end_position = start_position
        users = dataset.user_id_map.to_internal(inside[Columns.User].unique())
        if len(users) > WINDOW_USERS:
            users = np.sort(rng.choice(users, WINDOW_USERS, replace=False))
        items = np.arange(dataset.n_items)  # every item, as an evaluation of the log ranks them
        history = _history(dataset, before)
        truth = np.zeros((len(users), len(items)), dtype=bool)
        u = pd.Series(np.arange(len(users)), index=users).reindex(dataset.user_id_map.to_internal(inside[Columns.User].to_numpy())).to_numpy()
        i = pd.Series(np.arange(len(items)), index=items).reindex(dataset.item_id_map.to_internal(inside[Columns.Item].to_numpy())).to_numpy()
        keep = ~(np.isnan(u) | np.isnan(i))
        truth[u[keep].astype(np.int64), i[keep].astype(np.int64)] = True
        seen = history[users][:, items].toarray() > 0
        truth &= ~seen
        windows.append(_Window(dataset, history, _recent_popularity(dataset, before), _staleness(dataset, before),
                               users, items, truth, seen))
    return windows
