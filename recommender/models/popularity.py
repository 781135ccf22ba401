"""Popularity baseline: what people in the same province engaged with most.

An item's popularity in a province is the sum of positive interaction weights
it received from users of that province; a small share of its national
popularity breaks ties and serves provinces with little history. Cold items
(no interactions) score zero: this baseline shows what ids alone can do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from recommender.attributes import UserAttr
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.features import family

#: Weight of national popularity added to the provincial one.
NATIONAL_SHARE = 0.1
GLOBAL = "*"


def user_regions(dataset: Dataset) -> np.ndarray:
    """The province of every user: from attributes, else the strongest "prov=" feature, else GLOBAL."""
    if dataset.user_attributes is not None and UserAttr.Province in dataset.user_attributes:
        return dataset.user_attributes[UserAttr.Province].fillna(GLOBAL).astype(str).to_numpy()
    names = dataset.user_features.names
    columns = np.flatnonzero([family(n) == "prov" for n in names])
    regions = np.full(dataset.n_users, GLOBAL, dtype=object)
    if len(columns):
        block = dataset.user_features.matrix[:, columns].toarray()
        has = block.max(axis=1) > 0
        regions[has] = np.asarray([str(n).split("=", 1)[1] for n in names[columns]], dtype=object)[block.argmax(axis=1)[has]]
    return regions


class Popularity(Recommender):
    """Most popular items in the user's province (ties broken by national popularity)."""

    algorithm = "popularity"

    def __init__(self, national_share: float = NATIONAL_SHARE) -> None:
        self.national_share = national_share

    def _fit(self, dataset: Dataset) -> None:
        frame = dataset.interactions
        frame = frame[frame[Columns.Weight] > 0]
        regions = pd.Series(user_regions(dataset), index=dataset.user_id_map.external_ids)
        counts = pd.DataFrame(
            {
                "region": regions.reindex(frame[Columns.User].to_numpy()).to_numpy(),
                Columns.Item: frame[Columns.Item].to_numpy(),
                Columns.Weight: frame[Columns.Weight].to_numpy(),
            }
        )
        self.national_ = counts.groupby(Columns.Item)[Columns.Weight].sum()
        self.regional_ = counts.groupby(["region", Columns.Item])[Columns.Weight].sum()
        top = max(float(self.national_.max()) if len(self.national_) else 1.0, 1.0)
        self.scale_ = top

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        item_ids = dataset.item_id_map.external_ids[item_rows]
        national = self.national_.reindex(item_ids).fillna(0.0).to_numpy(np.float32) / self.scale_
        regions = user_regions(dataset)[user_rows]
        scores = np.empty((len(user_rows), len(item_rows)), dtype=np.float32)
        for region in np.unique(regions):
            rows = regions == region
            regional = (
                self.regional_.loc[region].reindex(item_ids).fillna(0.0).to_numpy(np.float32) / self.scale_
                if region in self.regional_.index.get_level_values(0)
                else np.zeros(len(item_rows), np.float32)
            )
            scores[rows] = regional + self.national_share * national
        return scores
