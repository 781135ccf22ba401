"""Ranking metrics as small objects with ``calc`` and ``calc_per_user`` (the RecTools habit).

Conventions shared by every metric here:

- ``reco`` is a frame with ``Columns.User``, ``Columns.Item`` and ``Columns.Rank``
  (1 = best); only ranks ``<= k`` count.
- ``interactions`` is the *test* log (``Columns.User``, ``Columns.Item``,
  ``Columns.Weight``). An item is **relevant** to a user when the user has a
  test interaction on it with positive weight; dismissals (negative weight)
  and "shown" (zero weight) are not relevant. Duplicate pairs count once.
- Per-user metrics are computed for every user with at least one relevant
  test item, whether or not the model recommended anything to them (a user
  left without recommendations scores 0, or 0.5 for AUC): a model cannot look
  better by staying silent. ``calc`` is the plain mean over those users.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from prakerja.columns import Columns

_HIT = "__hit"
_N_RELEVANT = "__n_relevant"
_HITS_ABOVE = "__hits_above"


def relevant_pairs(interactions: pd.DataFrame) -> pd.DataFrame:
    """The distinct (user, item) pairs with positive weight: the ground truth of a test log."""
    positive = interactions.loc[interactions[Columns.Weight] > 0, [Columns.User, Columns.Item]]
    return positive.drop_duplicates(ignore_index=True)


@dataclass(frozen=True)
class _RankedHits:
    """Top-k recommendations joined with the ground truth, the common input of the ranking metrics."""

    hits: pd.DataFrame  # one row per recommended item of a test user: user, item, rank, hit, hits_above
    n_relevant: pd.Series  # per test user: number of relevant items
    n_recommended: pd.Series  # per test user: number of items in the (cut) list

    @classmethod
    def build(cls, reco: pd.DataFrame, interactions: pd.DataFrame, k: int) -> "_RankedHits":
        truth = relevant_pairs(interactions)
        n_relevant = truth.groupby(Columns.User).size().rename(_N_RELEVANT)
        top = reco.loc[reco[Columns.Rank] <= k, [Columns.User, Columns.Item, Columns.Rank]]
        top = top.loc[top[Columns.User].isin(n_relevant.index)]
        truth = truth.assign(**{_HIT: True})
        top = top.merge(truth, on=[Columns.User, Columns.Item], how="left")
        top[_HIT] = top[_HIT].fillna(False).astype(bool)
        top = top.sort_values([Columns.User, Columns.Rank], kind="stable", ignore_index=True)
        cumulative = top.groupby(Columns.User, sort=False)[_HIT].cumsum()
        top[_HITS_ABOVE] = cumulative - top[_HIT]
        n_recommended = top.groupby(Columns.User).size().reindex(n_relevant.index, fill_value=0)
        return cls(top, n_relevant, n_recommended)

    def per_user(self, values: pd.Series, fill: float = 0.0) -> pd.Series:
        """Align a per-user result on every test user (silent users get ``fill``)."""
        return values.reindex(self.n_relevant.index, fill_value=fill).astype(float)

    def hit_counts(self) -> pd.Series:
        return self.per_user(self.hits.groupby(Columns.User)[_HIT].sum())


class Metric:
    """Base of every metric: ``calc`` is the mean of ``calc_per_user``."""

    def calc_per_user(self, reco: pd.DataFrame, interactions: pd.DataFrame, **context) -> pd.Series:
        raise NotImplementedError

    def calc(self, reco: pd.DataFrame, interactions: pd.DataFrame, **context) -> float:
        """The metric averaged over test users (NaN when there is no test user)."""
        per_user = self.calc_per_user(reco, interactions, **context)
        return float(per_user.mean()) if len(per_user) else float("nan")


@dataclass(frozen=True)
class MetricAtK(Metric):
    """A metric on the first ``k`` positions of each list."""

    k: int = 10

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, not {self.k}")

    def calc_per_user(self, reco: pd.DataFrame, interactions: pd.DataFrame, **context) -> pd.Series:
        return self._from_hits(_RankedHits.build(reco, interactions, self.k), **context)

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        raise NotImplementedError


@dataclass(frozen=True)
class Precision(MetricAtK):
    """Relevant items in the top ``k``, divided by ``k``."""

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        return ranked.hit_counts() / self.k


@dataclass(frozen=True)
class Recall(MetricAtK):
    """Relevant items in the top ``k``, divided by the user's number of relevant items."""

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        return ranked.hit_counts() / ranked.n_relevant


@dataclass(frozen=True)
class HitRate(MetricAtK):
    """1 when at least one relevant item is in the top ``k``, else 0."""

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        return (ranked.hit_counts() > 0).astype(float)


def _discount(ranks: pd.Series | np.ndarray) -> np.ndarray:
    return 1.0 / np.log2(np.asarray(ranks, dtype=float) + 1.0)


@dataclass(frozen=True)
class NDCG(MetricAtK):
    """Normalised discounted cumulative gain with binary relevance.

    DCG = sum over hits at rank r <= k of 1 / log2(r + 1); the ideal DCG puts
    ``min(k, n_relevant)`` relevant items first. Equals
    ``sklearn.metrics.ndcg_score(..., k=k)`` on binary relevance.
    """

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        hits = ranked.hits.loc[ranked.hits[_HIT]]
        dcg = pd.Series(_discount(hits[Columns.Rank]), index=hits[Columns.User]).groupby(level=0).sum()
        ideal_cumulative = np.cumsum(_discount(np.arange(1, self.k + 1)))
        ideal_length = np.minimum(ranked.n_relevant.to_numpy(), self.k)
        ideal = pd.Series(ideal_cumulative[ideal_length - 1], index=ranked.n_relevant.index)
        return ranked.per_user(dcg) / ideal


@dataclass(frozen=True)
class MAP(MetricAtK):
    """Mean average precision: per user, the mean over hits of precision at the hit's rank.

    AP@k = (1 / min(k, n_relevant)) * sum over hits at rank r <= k of P@r, so a
    user whose relevant items fill the first positions scores 1.
    """

    def _from_hits(self, ranked: _RankedHits, **context) -> pd.Series:
        hits = ranked.hits.loc[ranked.hits[_HIT]]
        precision_at_hit = (hits[_HITS_ABOVE] + 1) / hits[Columns.Rank]
        summed = precision_at_hit.groupby(hits[Columns.User]).sum()
        return ranked.per_user(summed) / np.minimum(ranked.n_relevant, self.k)


@dataclass(frozen=True)
class AUC(MetricAtK):
    """Per-user ROC AUC of the top-``k`` list against the whole catalogue.

    The ranking judged is: the ``k`` recommended items in order, then every
    other catalogue item tied at the bottom. AUC is the probability that a
    relevant item ranks above a non-relevant catalogue item, ties counting one
    half; it equals ``sklearn.metrics.roc_auc_score`` on that ranking. A
    perfect list scores 1, an empty list 0.5. Needs ``catalog`` (the item ids
    that could have been recommended); without it, the items seen in ``reco``
    and ``interactions`` stand for the catalogue.
    """

    def calc_per_user(self, reco, interactions, catalog: Iterable | None = None, **context) -> pd.Series:
        if catalog is None:
            catalog = pd.concat([reco[Columns.Item], interactions[Columns.Item]], ignore_index=True)
        catalog_size = len(pd.unique(np.asarray(list(catalog))))
        return self._from_hits(_RankedHits.build(reco, interactions, self.k), catalog_size=catalog_size)

    def _from_hits(self, ranked: _RankedHits, catalog_size: int = 0, **context) -> pd.Series:
        n_hits = ranked.hit_counts()
        negatives = catalog_size - ranked.n_relevant
        relevant_rows = ranked.hits.loc[ranked.hits[_HIT]]
        users = relevant_rows[Columns.User].to_numpy()
        # a listed relevant item beats every negative except those listed above it
        negatives_above = (relevant_rows[Columns.Rank] - 1 - relevant_rows[_HITS_ABOVE]).to_numpy()
        beaten = negatives.reindex(users).to_numpy() - negatives_above
        wins_listed = ranked.per_user(pd.Series(beaten).groupby(users).sum())
        # an unlisted relevant item ties with every unlisted negative
        negatives_unlisted = negatives - (ranked.n_recommended - n_hits)
        wins_unlisted = (ranked.n_relevant - n_hits) * 0.5 * negatives_unlisted
        auc = (wins_listed + wins_unlisted) / (ranked.n_relevant * negatives)
        return auc.where(negatives > 0, 1.0)


@dataclass(frozen=True)
class CatalogCoverage:
    """Share of the catalogue that appears in at least one top-``k`` list (a whole-system metric)."""

    k: int = 10

    def calc(self, reco: pd.DataFrame, catalog: Iterable, **context) -> float:
        catalog_items = pd.unique(np.asarray(list(catalog)))
        if len(catalog_items) == 0:
            return float("nan")
        shown = pd.unique(reco.loc[reco[Columns.Rank] <= self.k, Columns.Item])
        return float(np.isin(catalog_items, shown).sum() / len(catalog_items))


@dataclass(frozen=True)
class Novelty:
    """Mean self-information ``-log2 p(i)`` of recommended items, ``p(i)`` = share of training users who used ``i``.

    Higher means less obvious items. Items never seen in training get one
    pseudo-user (``p = 1 / (n_users + 1)``), so cold items count as the most
    novel instead of infinitely novel. Averaged per user over their top ``k``,
    then over users who received recommendations.
    """

    k: int = 10

    def calc_per_user(self, reco: pd.DataFrame, prev_interactions: pd.DataFrame, **context) -> pd.Series:
        n_users = prev_interactions[Columns.User].nunique()
        users_per_item = prev_interactions.drop_duplicates([Columns.User, Columns.Item]).groupby(Columns.Item).size()
        top = reco.loc[reco[Columns.Rank] <= self.k]
        counts = users_per_item.reindex(top[Columns.Item]).fillna(0).to_numpy()
        popularity = np.maximum(counts, 1) / (n_users + 1) if n_users else np.ones(len(top))
        self_information = pd.Series(-np.log2(popularity), index=top.index)
        return self_information.groupby(top[Columns.User]).mean()

    def calc(self, reco: pd.DataFrame, prev_interactions: pd.DataFrame, **context) -> float:
        per_user = self.calc_per_user(reco, prev_interactions)
        return float(per_user.mean()) if len(per_user) else float("nan")


def calc_metrics(
    metrics: dict[str, object],
    reco: pd.DataFrame,
    interactions: pd.DataFrame,
    prev_interactions: pd.DataFrame | None = None,
    catalog: Iterable | None = None,
) -> dict[str, float]:
    """Compute many metrics at once, giving each the inputs it needs.

    Parameters
    ----------
    metrics
        Name -> metric object (``{"ndcg@10": NDCG(10), "coverage": CatalogCoverage(10)}``).
    reco
        Recommendations (``Columns.Recommendations``).
    interactions
        The test log: the ground truth.
    prev_interactions
        The training log; needed by :class:`Novelty`.
    catalog
        Item ids that could be recommended; needed by :class:`CatalogCoverage`, used by :class:`AUC`.

    Returns
    -------
    dict
        Name -> value, in the order of ``metrics``.
    """
    catalog_items = None if catalog is None else pd.unique(np.asarray(list(catalog)))
    ranked_by_k: dict[int, _RankedHits] = {}  # the join of lists and truth, once per cut-off
    results: dict[str, float] = {}
    for name, metric in metrics.items():
        if isinstance(metric, Novelty):
            if prev_interactions is None:
                raise ValueError(f"metric {name!r} needs prev_interactions (the training log)")
            results[name] = metric.calc(reco, prev_interactions)
        elif isinstance(metric, CatalogCoverage):
            if catalog_items is None:
                raise ValueError(f"metric {name!r} needs the catalog")
            results[name] = metric.calc(reco, catalog_items)
        elif isinstance(metric, AUC) and catalog_items is None:
            results[name] = metric.calc(reco, interactions)
        elif isinstance(metric, MetricAtK):
            if metric.k not in ranked_by_k:
                ranked_by_k[metric.k] = _RankedHits.build(reco, interactions, metric.k)
            per_user = metric._from_hits(ranked_by_k[metric.k], catalog_size=len(catalog_items) if catalog_items is not None else 0)
            results[name] = float(per_user.mean()) if len(per_user) else float("nan")
        else:
            results[name] = metric.calc(reco, interactions)
    return results


def ranking_metrics(k: int = 10) -> dict[str, Metric]:
    """The per-user ranking metrics (they also make sense on a part of the test log, e.g. cold items)."""
    return {
        f"precision@{k}": Precision(k),
        f"recall@{k}": Recall(k),
        f"ndcg@{k}": NDCG(k),
        f"map@{k}": MAP(k),
        f"hit_rate@{k}": HitRate(k),
        f"auc@{k}": AUC(k),
    }


def default_metrics(k: int = 10) -> dict[str, object]:
    """The metric set every evaluation table reports: the ranking metrics, coverage and novelty."""
    return {**ranking_metrics(k), f"coverage@{k}": CatalogCoverage(k), f"novelty@{k}": Novelty(k)}


def bootstrap_interval(
    values: pd.Series | np.ndarray,
    other: pd.Series | np.ndarray | None = None,
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean of a per-user metric (or of its paired difference with ``other``) and a bootstrap interval.

    Users are resampled with replacement; with ``other`` (the same users'
    values under another model, aligned by position) the difference is paired,
    so the interval says whether one model beats the other on these users.

    Returns
    -------
    tuple
        (mean, low, high) of the ``level`` percentile interval; NaN when empty.
    """
    values = np.asarray(values, dtype=float)
    if other is not None:
        values = values - np.asarray(other, dtype=float)
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(values.mean()), float(low), float(high)


def top_k_stable(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the ``k`` largest scores, best first, ties by column: ``argsort(-scores, stable)[:, :k]``.

    Without sorting whole rows: a partition picks k columns, which are the
    stable answer's whenever every column at the k-th value was picked; only
    rows where a tie crosses the cut (rare with real-valued scores) are sorted
    whole, as are inputs holding NaN.
    """
    scores = np.asarray(scores)
    n_rows, n_columns = scores.shape
    k = min(int(k), n_columns)
    if k == n_columns or k == 0 or np.isnan(scores).any():
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]
    negated = -scores
    picked = np.argpartition(negated, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(negated, picked, axis=1)
    kth = values.max(axis=1, keepdims=True)
    crossing = (negated == kth).sum(axis=1) != (values == kth).sum(axis=1)
    top = np.take_along_axis(picked, np.lexsort((picked, values), axis=1), axis=1)  # by score, then by column
    if crossing.any():
        top[crossing] = np.argsort(negated[crossing], axis=1, kind="stable")[:, :k]
    return top


def mean_ndcg_at(scores: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Mean NDCG@k (gain 1, discount 1/log2(rank + 1)) over the rows of ``truth`` with any relevant column.

    ``scores`` and ``truth`` are (users x items); a row's list is its top k
    by :func:`top_k_stable` (ties by column). Models tune their settings on it.
    """
    has = truth.any(axis=1)
    if not has.any():
        return 0.0
    scores, truth = scores[has], truth[has]
    top = top_k_stable(scores, k)
    kk = top.shape[1]
    discounts = 1.0 / np.log2(np.arange(2, kk + 2))
    dcg = (np.take_along_axis(truth, top, axis=1) * discounts).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(truth.sum(axis=1), kk) - 1]
    return float(np.mean(dcg / ideal))
