"""What a model's lists are like beyond NDCG: within reach, connected to the person, how far, widened or empty.

Measured the same way for every participant and every model, whatever the
participant's own reach: a recommendation is **within reach** when it is
within 100 km of the home regency, in the home province, or remote
(:func:`recommender.reach.within_measured_reach`); **connected** when it asks
for something the participant holds (:mod:`recommender.connection`).
Distances are between regency centres (remote vacancies: none, left out of the
median). A list is **widened** when the participant's reach held no
candidate and a wider scope was shown, **empty** when it has no item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from recommender.attributes import ItemAttr, UserAttr
from recommender.connection import connection_names, held_names
from recommender.dataset import Dataset
from recommender.feature_space import FeatureSpace
from recommender.filters import ItemFilters, haversine_km
from recommender.reach import within_measured_reach

WITHIN_REACH = "within reach"
CONNECTED = "connected"
MEDIAN_KM = "median km"
WIDENED_OR_EMPTY = "widened or empty"


def list_quality(
    reco: pd.DataFrame, dataset: Dataset, users, k: int, *, filters: ItemFilters | None = None, item_rows: np.ndarray | None = None
) -> dict[str, float]:
    """The four shares of a set of top-``k`` lists (keys "within reach@k", ...; NaN without places).

    Parameters
    ----------
    reco
        ``Columns.Recommendations`` of ``users``.
    dataset
        Features and attributes of users and items (a split's training view).
    users
        Every user a list was asked for (an empty list counts).
    filters, item_rows
        The filters and candidate rows the lists were made with: a user's list
        is widened when their reach step is not their own.
    """
    out = {f"{name}@{k}": np.nan for name in (WITHIN_REACH, CONNECTED, MEDIAN_KM, WIDENED_OR_EMPTY)}
    users = np.asarray(users)
    if len(users) == 0:
        return out
    listed = reco[reco[Columns.Rank] <= k]
    user_rows = dataset.user_id_map.to_internal(listed[Columns.User].to_numpy())
    item_row = dataset.item_id_map.to_internal(listed[Columns.Item].to_numpy())
    space = FeatureSpace(connection_names(dataset.user_features, dataset.item_features))
    held = held_names(space, dataset.user_features.rows(user_rows))
    asked = held_names(space, dataset.item_features.rows(item_row))
    if len(listed):
        out[f"{CONNECTED}@{k}"] = float(np.mean(np.asarray(held.multiply(asked).sum(axis=1)).ravel() > 0))
    if dataset.user_attributes is None or dataset.item_attributes is None:
        return out
    people, jobs = dataset.user_attributes, dataset.item_attributes
    if len(listed):
        km = haversine_km(people[UserAttr.Latitude].to_numpy()[user_rows], people[UserAttr.Longitude].to_numpy()[user_rows],
                          jobs[ItemAttr.Latitude].to_numpy()[item_row], jobs[ItemAttr.Longitude].to_numpy()[item_row])
        remote = jobs[ItemAttr.Remote].fillna(False).to_numpy(bool)[item_row]
        same_province = people[UserAttr.Province].to_numpy()[user_rows] == jobs[ItemAttr.Province].to_numpy()[item_row]
        out[f"{WITHIN_REACH}@{k}"] = float(np.mean(within_measured_reach(km, same_province, remote)))
        placed = ~remote & ~np.isnan(km)
        out[f"{MEDIAN_KM}@{k}"] = float(np.median(km[placed])) if placed.any() else np.nan
    empty = ~np.isin(users, listed[Columns.User].unique())
    widened = np.zeros(len(users), dtype=bool)
    if filters is not None and item_rows is not None:
        widened = filters.reach_steps(dataset, dataset.user_id_map.to_internal(users), item_rows) > 0
    out[f"{WIDENED_OR_EMPTY}@{k}"] = float(np.mean(empty | widened))
    return out
