"""Evaluation splits: a dataset's log cut into a training view and a test log the models never saw.

:func:`temporal_split` cuts at a moment (or :func:`wave_split` by participant
waves); :func:`validation_split` carves a validation period from the end of a
training part, so a choice made on it never looks at the test period. Each
:class:`EvaluationSplit` knows its candidate items, warm and cold test items
and the place filter every model is held to (:func:`evaluation_filters`).
"""


from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from recommender.attributes import ItemAttr
from recommender.dataset import Dataset
from recommender.filters import ItemFilters
from recommender.splitters import TemporalSplitter, WaveSplitter, cold_items, validation_splitter


#: Labels of the parts of the test log every table reports.
WARM, COLD = "warm", "cold"
#: The segment every evaluation has: test users with training history ("returning") or without ("new").
HISTORY = "history"


@dataclass
class EvaluationSplit:
    """A training view and a test log cut from one dataset.

    Attributes
    ----------
    train_dataset
        Features of every user and item; only training interactions.
    test
        The test interactions (``Columns.Interactions``).
    cut
        The moment between training and test (None for a wave split).
    candidate_items
        Item ids the models rank: from the database, the vacancies open
        during the test period; otherwise every item known when it ends.
    user_segments
        Optional frame (index user id) of segment columns for fairness.
    item_wages
        Optional monthly wage per item id.
    open_items
        ``(start, end) -> item ids`` open in that period, when the source
        knows it; a validation split carved from this one ranks those.
    filters
        Business filters applied to every model alike (e.g. same province);
        None ranks every candidate.
    """

    train_dataset: Dataset
    test: pd.DataFrame
    cut: pd.Timestamp | None = None
    candidate_items: np.ndarray | None = None
    user_segments: pd.DataFrame | None = None
    item_wages: pd.Series | None = None
    name: str = "temporal"
    open_items: Callable[[pd.Timestamp, pd.Timestamp], np.ndarray] | None = None
    filters: ItemFilters | None = None

    @property
    def train(self) -> pd.DataFrame:
        return self.train_dataset.interactions

    @property
    def cold_items(self) -> np.ndarray:
        return cold_items(self.train, self.test)

    @property
    def test_users(self) -> np.ndarray:
        """Users with at least one relevant (positive) test interaction."""
        return pd.unique(self.test.loc[self.test[Columns.Weight] > 0, Columns.User])

    def test_user_segments(self) -> pd.DataFrame:
        """Segments of the test users, always with ``history``: "returning" (in training) or "new" (cold user)."""
        users = pd.Index(self.test_users, name=Columns.User)
        segments = self.user_segments.reindex(users) if self.user_segments is not None else pd.DataFrame(index=users)
        returning = users.isin(self.train[Columns.User])
        return segments.assign(**{HISTORY: np.where(returning, "returning", "new")})

    def catalog(self) -> np.ndarray:
        return self.candidate_items if self.candidate_items is not None else self.train_dataset.item_id_map.external_ids

    def summary(self) -> dict:
        """Sizes of the split and the share of cold vacancies among test interactions."""
        positive = self.test.loc[self.test[Columns.Weight] > 0]
        is_cold = positive[Columns.Item].isin(self.cold_items)
        return {
            "split": self.name,
            "cut": None if self.cut is None else self.cut.isoformat(),
            "train_interactions": int(len(self.train)),
            "test_interactions": int(len(self.test)),
            "test_users": int(len(self.test_users)),
            "test_users_cold": int((~pd.Index(self.test_users).isin(self.train[Columns.User])).sum()),
            "candidate_items": int(len(self.catalog())),
            "test_items": int(positive[Columns.Item].nunique()),
            "test_items_cold": int(positive.loc[is_cold, Columns.Item].nunique()),
            "cold_interaction_share": float(is_cold.mean()) if len(positive) else None,
            "filters": describe_filters(self.filters),
        }


def evaluation_filters(*, province_only: bool = False, radius_km: float | None = None, reach: bool = False) -> ItemFilters | None:
    """Place filters for an evaluation; time is handled by the candidate set, seen items by the split.

    ``reach``: every participant's own reach, widened as served (:mod:`recommender.reach`), when no place filter is set.
    """
    if not province_only and radius_km is None and not reach:
        return None
    return ItemFilters(active_only=False, province_only=province_only, radius_km=radius_km, exclude_kinds=(), reach=reach)


def describe_filters(filters: ItemFilters | None) -> str:
    """A short label of the place filters ("none", "same province", "within 50 km")."""
    if filters is None:
        return "none"
    parts = (["same province"] if filters.province_only else []) + (
        [f"within {filters.radius_km:g} km"] if filters.radius_km else []
    )
    if not parts and filters.reach:
        parts = ["each participant's reach"]
    return ", ".join(parts) or "none"


def users_with_features(dataset: Dataset) -> np.ndarray:
    """Ids of users with at least one feature: they can be scored without history (cold users)."""
    has_features = dataset.user_features.matrix.getnnz(axis=1) > 0
    return dataset.user_id_map.external_ids[has_features]


def _items_known_by(dataset: Dataset, moment: pd.Timestamp | None) -> np.ndarray:
    """Items posted by ``moment`` (every item when postings have no date)."""
    ids = dataset.item_id_map.external_ids
    attributes = dataset.item_attributes
    if moment is None or attributes is None or ItemAttr.PostedAt not in attributes:
        return ids
    posted = pd.to_datetime(attributes[ItemAttr.PostedAt]).to_numpy()
    return ids[pd.isna(posted) | (posted <= np.datetime64(moment))]


def temporal_split(
    dataset: Dataset,
    splitter: TemporalSplitter | None = None,
    *,
    user_segments: pd.DataFrame | None = None,
    item_wages: pd.Series | None = None,
) -> EvaluationSplit:
    """Cut ``dataset``'s log in time; test users are those with training history or features.

    Parameters
    ----------
    dataset
        All interactions, and the users, items and features the training
        view keeps (build them as known at the cut to avoid leaking the
        future; :func:`database_split` does).
    splitter
        Default: the last 20% of interactions are the test period.
    """
    splitter = splitter or TemporalSplitter()
    if splitter.known_users is None:
        splitter = replace(splitter, known_users=users_with_features(dataset))
    log = dataset.interactions
    train_idx, test_idx = splitter.split(log)
    test = log.iloc[test_idx].reset_index(drop=True)
    test_end = test[Columns.Datetime].max() if len(test) else None
    return EvaluationSplit(
        train_dataset=dataset.with_interactions(log.iloc[train_idx]),
        test=test,
        cut=splitter.cut(log),
        candidate_items=_items_known_by(dataset, test_end),
        user_segments=user_segments,
        item_wages=item_wages,
    )


def wave_split(dataset: Dataset, user_waves: pd.Series, test_waves: int = 1, **extras) -> EvaluationSplit:
    """Participants of the last ``test_waves`` waves are test users with no history (cold users)."""
    log = dataset.interactions
    train_idx, test_idx = WaveSplitter(user_waves, test_waves).split(log)
    return EvaluationSplit(
        train_dataset=dataset.with_interactions(log.iloc[train_idx]),
        test=log.iloc[test_idx].reset_index(drop=True),
        name="wave",
        **extras,
    )


def validation_split(split: EvaluationSplit, fraction: float = 0.2) -> EvaluationSplit:
    """The last ``fraction`` of the training period as a test log, for choosing and tuning."""
    dataset = split.train_dataset
    inner = TemporalSplitter(known_users=users_with_features(dataset))
    validation = temporal_split(
        dataset, validation_splitter(inner, fraction), user_segments=split.user_segments, item_wages=split.item_wages
    )
    validation.filters = split.filters
    if split.open_items is not None and len(validation.test):
        validation.open_items = split.open_items
        validation.candidate_items = split.open_items(validation.cut, validation.test[Columns.Datetime].max())
    return validation
