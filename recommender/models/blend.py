"""Blend of the LightFM hybrid and content similarity.

The two parts divide the work: content (skills, title words, occupation and,
weighted strongly, region) says what a participant is likely to meet and fit;
LightFM, trained with the logistic loss on what participants took versus what
they were shown and left (exposures as negatives), says what they prefer among
what they meet. Their scores live on different scales, so each is standardised per user over
all items of the dataset (z-score) or turned into a rank percentile, then mixed:
``weight * lightfm + (1 - weight) * content``. On job logs where most
vacancies are new, content catches the skill match that LightFM's features
only approximate, and LightFM brings what people like this one actually did.
"""

from __future__ import annotations

import numpy as np

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.models.content import ContentSimilarity
from recommender.models.lightfm_hybrid import LightFMHybrid

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


def standardise(full: np.ndarray, columns: np.ndarray, how: str) -> np.ndarray:
    """Per-row z-scores or rank percentiles of ``full[:, columns]``, with statistics over the whole row.

    Using every item of the dataset for the statistics keeps a (user, item)
    score the same whichever candidates are being ranked.
    """
    if how == "rank":
        ranks = np.argsort(np.argsort(full, axis=1), axis=1).astype(np.float32)
        return ranks[:, columns] / max(full.shape[1] - 1, 1)
    mean = full.mean(axis=1, keepdims=True)
    std = full.std(axis=1, keepdims=True)
    std[std == 0] = 1.0
    return (full[:, columns] - mean) / std


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
        self.lightfm_ = LightFMHybrid(**{**LIGHTFM_IN_BLEND, **(self.lightfm or {})}).fit(dataset)
        self.content_ = ContentSimilarity(**(self.content or {})).fit(dataset)

    def _score(self, dataset: Dataset, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        learned = standardise(self.lightfm_.score(dataset, user_rows), item_rows, self.normalization)
        content = standardise(self.content_.score(dataset, user_rows), item_rows, self.normalization)
        w = np.float32(self.weight)
        return w * learned + (np.float32(1.0) - w) * content
