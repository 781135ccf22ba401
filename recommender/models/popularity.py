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
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities
from recommender.dataset import feature_family as family
from recommender.sides import IdSide

#: Weight of national popularity added to the provincial one.
NATIONAL_SHARE = 0.1
GLOBAL = "*"


def user_regions(users: Entities) -> np.ndarray:
    """The province of every user: the strongest "prov=" feature, else GLOBAL (the same for a batch and one participant)."""
    names = users.features.names
    columns = np.flatnonzero([family(n) == "prov" for n in names])
    regions = np.full(len(users), GLOBAL, dtype=object)
    if len(columns):
        block = users.features.matrix[:, columns].toarray()
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
        regions = pd.Series(user_regions(dataset.users()), index=dataset.user_id_map.external_ids)
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

    def _user_side(self, users: Entities) -> np.ndarray:
        return user_regions(users)

    def _item_side(self, items: Entities) -> IdSide:
        return IdSide(np.asarray(items.ids))

    def _score_sides(self, regions: np.ndarray, items: IdSide, item_rows: np.ndarray | None) -> np.ndarray:
        item_ids = items.ids if item_rows is None else items.ids[item_rows]
        national = self.national_.reindex(item_ids).fillna(0.0).to_numpy(np.float32) / self.scale_
        scores = np.empty((len(regions), len(item_ids)), dtype=np.float32)
        for region in np.unique(regions):
            rows = regions == region
            regional = (
                self.regional_.loc[region].reindex(item_ids).fillna(0.0).to_numpy(np.float32) / self.scale_
                if region in self.regional_.index.get_level_values(0)
                else np.zeros(len(item_ids), np.float32)
            )
            scores[rows] = regional + self.national_share * national
        return scores

    def _score_terms(self, regions: np.ndarray, items: IdSide, item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        scores = self._score_sides(regions[:1], items, item_rows)[0]
        return [[("popularity in the participant's province", float(score))] for score in scores]
