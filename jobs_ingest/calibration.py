"""Calibrated confidence: a probability that is right as often as it says.

A classifier's raw softmax is usually over- or under-confident. Temperature
scaling (Guo et al., 2017) divides the logits by one number fitted to answers
the model did not train on (here: cross-validated answers on the labelled
development titles), which keeps the ranking of answers and fixes their scale.
Expected calibration error (ECE) measures what is left: the gap between mean
confidence and accuracy over equal-width confidence bins, weighted by bin size.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

ECE_BINS = 10


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature``."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature that minimises the (weighted) negative log-likelihood of ``labels``.

    Parameters
    ----------
    logits
        ``(n, k)`` scores of answers the model did not train on.
    labels
        ``(n,)`` column index of the right class in ``logits``.
    weights
        Optional ``(n,)`` sample weights.

    Returns
    -------
    float
        The temperature, between 0.05 and 20.
    """
    logits = np.asarray(logits, dtype=np.float64)
    rows = np.arange(len(labels))
    weights = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)

    def loss(log_t: float) -> float:
        probabilities = softmax(logits, float(np.exp(log_t)))
        return float(-(weights * np.log(probabilities[rows, labels] + 1e-12)).sum() / weights.sum())

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(found.x))


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over ``bins`` equal-width confidence bins on [0, 1].

    Parameters
    ----------
    confidence
        ``(n,)`` the probability given to each answer.
    correct
        ``(n,)`` whether each answer was right.
    bins
        Number of equal-width bins (10 by default, as the issue asks).

    Returns
    -------
    float
        ``sum_b |B_b|/n * |accuracy(B_b) - mean confidence(B_b)|``.
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return 0.0
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            error += members.sum() * abs(correct[members].mean() - confidence[members].mean())
    return float(error / len(confidence))


def threshold_for_precision(confidence: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence threshold above which answers are right at least ``precision`` of the time.

    Answers at or above the returned threshold keep the precision; lower thresholds
    would let in a run of wrong answers that breaks it. Returns 1.0 when no threshold can.
    """
    order = np.argsort(-np.asarray(confidence), kind="stable")
    confidence = np.asarray(confidence)[order]
    right = np.cumsum(np.asarray(correct, dtype=np.float64)[order])
    precisions = right / np.arange(1, len(order) + 1)
    best = 1.0
    for i in range(len(order)):
        is_last_of_tie = i + 1 == len(order) or confidence[i + 1] < confidence[i]
        if is_last_of_tie and precisions[i] >= precision:
            best = float(confidence[i])
    return best
