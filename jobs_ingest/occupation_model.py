"""The trained occupation model as plain arrays: load it, score postings with it.

Two multinomial logistic regressions over the same sparse features
(:mod:`jobs_ingest.occupation_features`): one over sub-major groups (2 digits,
the level the labels are sure of) with a fitted temperature, and one over unit
groups (4 digits) that only picks a unit inside the sub-major already chosen.
The file (``occupation_model.npz``) holds feature names, class codes, weights,
the temperature and the confidence threshold: numbers and strings only, loaded
with ``allow_pickle=False``, so loading it never runs code. It is made by
``tools/build_occupation_model.py`` (:mod:`jobs_ingest.occupation_training`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from jobs_ingest.calibration import softmax

MODEL_PATH = Path(__file__).with_name("occupation_model.npz")


@dataclass(frozen=True)
class LinearLayer:
    """One multinomial linear model: ``softmax(x @ coef.T + intercept)`` over ``classes``."""

    classes: np.ndarray  # (k,) str codes
    coef: np.ndarray  # (k, n_features) float16: enough for a softmax, half the file
    intercept: np.ndarray  # (k,) float16

    def __post_init__(self) -> None:
        # float16 is how the weights are stored; products run in float64, converted once here, not per call
        object.__setattr__(self, "_weights", np.ascontiguousarray(self.coef.T, dtype=np.float64))
        object.__setattr__(self, "_bias", self.intercept.astype(np.float64))

    def logits(self, x: sparse.csr_matrix) -> np.ndarray:
        """``(n, k)`` scores of the rows of ``x``."""
        return np.asarray(x @ self._weights) + self._bias


@dataclass(frozen=True)
class OccupationModel:
    """Scores feature lists with the sub-major and unit layers.

    Parameters
    ----------
    features
        Feature names, in column order.
    sub_major
        The sub-major (2-digit) layer.
    unit
        The unit (4-digit) layer.
    temperature
        Divides the sub-major logits so that confidence is calibrated.
    threshold
        Sub-major answers at or above this confidence are trusted; below it they are flagged.
    """

    features: np.ndarray
    sub_major: LinearLayer
    unit: LinearLayer
    temperature: float
    threshold: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "_column", {name: i for i, name in enumerate(self.features.tolist())})

    def matrix(self, feature_lists: list[list[str]]) -> sparse.csr_matrix:
        """Rows of unit length: each known feature present counts once."""
        column = self._column
        indptr, indices = [0], []
        for names in feature_lists:
            indices.extend(sorted({column[name] for name in names if name in column}))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        x = sparse.csr_matrix((data, indices, indptr), shape=(len(feature_lists), len(column)))
        lengths = np.sqrt(np.diff(x.indptr)).astype(np.float64)
        lengths[lengths == 0] = 1.0
        return sparse.diags(1.0 / lengths) @ x

    def sub_major_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        """``(n, k)`` calibrated probabilities over ``sub_major.classes``."""
        return softmax(self.sub_major.logits(x), self.temperature)

    def unit_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        """``(n, k)`` probabilities over ``unit.classes`` (uncalibrated; only used to pick a unit)."""
        return softmax(self.unit.logits(x))

    def save(self, path: Path) -> None:
        """Write the arrays to ``path`` (compressed ``.npz``)."""
        np.savez_compressed(
            path,
            features=self.features,
            sub_major_classes=self.sub_major.classes,
            sub_major_coef=self.sub_major.coef,
            sub_major_intercept=self.sub_major.intercept,
            unit_classes=self.unit.classes,
            unit_coef=self.unit.coef,
            unit_intercept=self.unit.intercept,
            temperature=np.float64(self.temperature),
            threshold=np.float64(self.threshold),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> OccupationModel:
        """Read a model written by :meth:`save` (no pickled objects)."""
        with np.load(path, allow_pickle=False) as arrays:
            return cls(
                features=arrays["features"],
                sub_major=LinearLayer(
                    arrays["sub_major_classes"], arrays["sub_major_coef"], arrays["sub_major_intercept"]
                ),
                unit=LinearLayer(arrays["unit_classes"], arrays["unit_coef"], arrays["unit_intercept"]),
                temperature=float(arrays["temperature"]),
                threshold=float(arrays["threshold"]),
            )

    def same_as(self, other: OccupationModel, tolerance: float = 0.015) -> bool:
        """True when ``other`` has the same features, classes and settings, and weights within ``tolerance``.

        The tolerance covers float16 rounding and another machine's arithmetic; a changed label or
        lexicon phrase moves weights by much more.
        """
        return (
            np.array_equal(self.features, other.features)
            and all(
                np.array_equal(mine.classes, theirs.classes)
                and np.allclose(mine.coef, theirs.coef, atol=tolerance)
                and np.allclose(mine.intercept, theirs.intercept, atol=tolerance)
                for mine, theirs in ((self.sub_major, other.sub_major), (self.unit, other.unit))
            )
            and abs(self.temperature - other.temperature) <= 1e-3
            and abs(self.threshold - other.threshold) <= 1e-3
        )
