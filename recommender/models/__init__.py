"""Every recommender by its algorithm name (the CLI's --algorithm and the registry's ``algorithm``)."""

from __future__ import annotations

from prakerja.errors import UserError
from recommender.base import Recommender
from recommender.models.blend import Blend
from recommender.models.content import ContentSimilarity
from recommender.models.grounded import BASE_MODELS, Grounded
from recommender.models.history import HistoryProfile
from recommender.models.lightfm_hybrid import LightFMHybrid
from recommender.models.popularity import Popularity
from recommender.models.random_baseline import Random

MODEL_CLASSES: dict[str, type[Recommender]] = {**BASE_MODELS, Grounded.algorithm: Grounded, HistoryProfile.algorithm: HistoryProfile}


def make_model(algorithm: str, **params) -> Recommender:
    """A new, unfitted model of ``algorithm`` with ``params``; a UserError for unknown names."""
    try:
        cls = MODEL_CLASSES[algorithm]
    except KeyError:
        raise UserError(f"unknown algorithm {algorithm!r}; choose from {', '.join(MODEL_CLASSES)}") from None
    try:
        return cls(**params)
    except TypeError as exc:
        raise UserError(f"bad parameters for {algorithm}: {exc}") from None


__all__ = ["Blend", "ContentSimilarity", "Grounded", "HistoryProfile", "LightFMHybrid", "MODEL_CLASSES", "Popularity", "Random", "make_model"]
