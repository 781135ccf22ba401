"""Blend of the LightFM hybrid and content similarity.

The two parts divide the work: content (skills, title words, occupation and,
weighted strongly, region) says what a participant is likely to meet and fit;
LightFM, trained with the logistic loss on what participants took versus what
they were shown and left (exposures as negatives), says what they prefer among
what they meet. Their scores live on different scales, so each is standardised per user over
every item of the catalogue (z-score, with the mean and spread computed from the items'
moments, :mod:`recommender.score_moments`) or turned into a rank percentile, then mixed:
``weight * lightfm + (1 - weight) * content``. On job logs where most
vacancies are new, content catches the skill match that LightFM's features
only approximate, and LightFM brings what people like this one actually did.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from prakerja.errors import UserError
from recommender import shared_fits
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities
from recommender.models.content import ContentSide, ContentSimilarity
from recommender.models.lightfm_hybrid import LightFMHybrid, LightFMSide
from recommender.score_moments import ItemMoments, ScoreMoments

NORMALIZATIONS = ("zscore", "rank")

#: The blend's LightFM learns what people take among what they were shown (chosen on validation data,
#: docs/recommender.md); parameters given to the blend are laid over these. It keeps the configuration it
#: was chosen with (user ids, rows normalised, independent start): the stand-alone model's defaults
#: (family normalisation, aligned start) are for ranking everything, and in the blend did worse on
#: validation (docs/evaluation.md). The logistic loss samples no negatives, so ``train_items`` does not matter.
LIGHTFM_IN_BLEND = {
    "loss": "logistic",
    "shown_negatives": True,
    "no_components": 32,
    "learning_rate": 0.05,
    "epochs": 20,
    "user_identity": True,
    "normalize": "rows",
    "align_shared": 0.0,
}
#: Share of LightFM in the default blend (chosen on validation data).
DEFAULT_WEIGHT = 0.3


def rank_percentiles(full: np.ndarray) -> np.ndarray:
    """Per-row rank percentiles (0 = lowest) of a (users x every item) block."""
    ranks = np.argsort(np.argsort(full, axis=1), axis=1).astype(np.float32)
    return ranks / max(full.shape[1] - 1, 1)


class Blend(Recommender):
    """Weighted blend of :class:`LightFMHybrid` and :class:`ContentSimilarity`.

    Parameters
    ----------
    weight
        Share of LightFM in the blend (0 = content only, 1 = LightFM only).
    normalization
        "zscore" (default) or "rank".
    lightfm, content
        Parameters of the two components; ``lightfm`` is laid over
        :data:`LIGHTFM_IN_BLEND`.
    """

    algorithm = "blend"

    def __init__(
        self,
        weight: float = DEFAULT_WEIGHT,
        normalization: str = "zscore",
        lightfm: dict | None = None,
        content: dict | None = None,
    ) -> None:
        self.weight = weight
        self.normalization = normalization
        self.lightfm = lightfm
        self.content = content

    def _fit(self, dataset: Dataset) -> None:
        if self.normalization not in NORMALIZATIONS:
            raise UserError(f"unknown normalization {self.normalization!r}; choose from {', '.join(NORMALIZATIONS)}")
        if not 0.0 <= float(self.weight) <= 1.0:
            raise UserError(f"blend weight must be between 0 and 1, not {self.weight!r}")
        self.lightfm_ = shared_fits.fit(LightFMHybrid(**{**LIGHTFM_IN_BLEND, **(self.lightfm or {})}), dataset)
        self.content_ = shared_fits.fit(ContentSimilarity(**(self.content or {})), dataset)

    def _item_side(self, items: Entities) -> "BlendItems":
        lightfm, content = self.lightfm_.item_side(items), self.content_.item_side(items)
        if self.normalization == "rank":
            return BlendItems(lightfm, content)
        return BlendItems(lightfm, content, ItemMoments.of_dense(lightfm.vectors), ItemMoments.of_sparse(content.rows))

    def _user_side(self, users: Entities) -> "BlendUsers":
        return BlendUsers(self.lightfm_.user_side(users), self.content_.user_side(users))

    def _part_scores(self, users: "BlendUsers", items: "BlendItems", item_rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Each part's scores on one scale: z-scores with the moments over every catalogue item, or rank percentiles."""
        if self.normalization == "rank":  # ranks need every item's score
            chosen = items.catalogue_rows(item_rows)
            learned, similar = self._catalogue_scores(users, items)
            return rank_percentiles(learned)[:, chosen], rank_percentiles(similar)[:, chosen]
        lightfm_moments, content_moments = users.moments(items)
        learned = lightfm_moments.standardise(self.lightfm_.score_sides(users.lightfm, items.lightfm, item_rows))
        similar = content_moments.standardise(self.content_.score_sides(users.content, items.content, item_rows))
        return learned, similar

    def _catalogue_scores(self, users: "BlendUsers", items: "BlendItems") -> tuple[np.ndarray, np.ndarray]:
        """Each part's scores of every catalogue item (a taken side scores its full catalogue)."""
        full = items.full or items
        return self.lightfm_.score_sides(users.lightfm, full.lightfm), self.content_.score_sides(users.content, full.content)

    def _score_sides(self, users: "BlendUsers", items: "BlendItems", item_rows: np.ndarray | None) -> np.ndarray:
        learned, similar = self._part_scores(users, items, item_rows)
        w = np.float32(self.weight)
        return w * learned + (np.float32(1.0) - w) * similar

    def _score_terms(self, users: "BlendUsers", items: "BlendItems", item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        """Each part's largest shares as they enter the blend: times the part's weight, over the spread it is divided by."""
        spreads = self.spreads(users, items)
        lightfm = self.lightfm_.score_terms(users.lightfm, items.lightfm, item_rows, top)
        content = self.content_.score_terms(users.content, items.content, item_rows, top)
        out = []
        for learned, similar in zip(lightfm, content):
            shares = [(f"lightfm: {n}", v * self.weight / spreads[0]) for n, v in learned[:top]]
            shares += [(f"content: {n}", v * (1 - self.weight) / spreads[1]) for n, v in similar[:top]]
            out.append(sorted(shares, key=lambda t: -abs(t[1]))[:top])
        return out

    def spreads(self, users: "BlendUsers", items: "BlendItems") -> tuple[float, float]:
        """The spread (std over every catalogue item) of the first user's LightFM and content scores."""
        if self.normalization == "rank":
            return tuple(float(part[0].std()) or 1.0 for part in self._catalogue_scores(users, items))
        lightfm, content = users.moments(items)
        return float(lightfm.std[0]) or 1.0, float(content.std[0]) or 1.0


@dataclass(frozen=True)
class BlendItems:
    """A blend's item side: its parts' sides, and the moments over every catalogue item each part is standardised with.

    A side taken from another (the active vacancies) keeps the full catalogue's
    moments, and for rank percentiles the full side and which rows it holds.
    """

    lightfm: LightFMSide
    content: ContentSide
    lightfm_moments: ItemMoments | None = None
    content_moments: ItemMoments | None = None
    full: "BlendItems | None" = None
    rows: np.ndarray | None = None

    def catalogue_rows(self, item_rows: np.ndarray | None):
        """The full catalogue's rows of this side's ``item_rows`` (all of them when None)."""
        if self.rows is None:
            return slice(None) if item_rows is None else item_rows
        return self.rows if item_rows is None else self.rows[item_rows]

    def take(self, rows: np.ndarray) -> "BlendItems":
        rows = np.asarray(rows, dtype=np.int64)
        full = self.full or self
        kept = rows if self.rows is None else self.rows[rows]
        return replace(self, lightfm=self.lightfm.take(rows), content=self.content.take(rows), full=full, rows=kept)


@dataclass
class BlendUsers:
    """A blend's user side: its parts' user sides, and their score moments once computed against an item side."""

    lightfm: LightFMSide
    content: ContentSide
    _moments: dict = field(default_factory=dict, repr=False)

    def moments(self, items: BlendItems) -> tuple[ScoreMoments, ScoreMoments]:
        """The mean and spread of each part's scores over every catalogue item (computed once per catalogue's moments)."""
        key = id(items.lightfm_moments)
        found = self._moments.get(key)
        if found is None or found[0] is not items.lightfm_moments:
            found = (items.lightfm_moments, items.lightfm_moments.of_dense_users(self.lightfm.vectors),
                     items.content_moments.of_sparse_users(self.content.rows))
            self._moments[key] = found
        return found[1], found[2]
