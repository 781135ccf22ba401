"""The statistics of an experiment: intervals, CUPED, the sample-ratio check and always-valid intervals.

Each participant is one unit: their count of saves (applications, hires) of
vacancies the experiment showed them. Arms are compared by the difference of
means with Welch's standard error (normal approximation: counts per
participant are bounded in practice and arms hold hundreds or more).

* **CUPED** (Deng et al. 2013): ``y - theta * (x - mean(x))`` with ``x`` the
  participant's activity before the experiment and ``theta = cov(x, y) /
  var(x)`` pooled over the arms. ``x`` cannot depend on the arm, so the
  difference stays unbiased, and its variance shrinks by the share of ``y``'s
  variance that ``x`` explains.
* **Sample-ratio mismatch**: a chi-square test of the participants per arm
  against the planned shares. A tiny p (< 0.001) means assignment or logging
  is broken, and no difference can be trusted.
* **Always-valid intervals** (the normal-mixture confidence sequence of the
  mixture SPRT; Robbins 1970, Johari et al. 2017, Howard et al. 2021): with
  ``V`` the variance of the difference and ``tau^2`` the mixture variance,
  ``diff +- sqrt(V (V + tau^2) / tau^2 * (2 log(1/alpha) + log((V + tau^2) / V)))``
  covers the true difference at *every* look with probability 1 - alpha, so
  a researcher may look every day and stop the first time it excludes 0.
  The price is width: about 1.5-2x the fixed-horizon interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The three distributions these statistical tests need, from scipy.special: scipy.stats computes them with these same
# functions, but importing it builds every distribution's docstring (0.7 s before `prakerja experiment report`
# could answer, against 0.1 s).
from scipy.special import chdtrc, ndtr, ndtri

#: The p below which the sample-ratio check fails (the industry's habit: arms off by chance this much are rare).
SRM_P = 0.001
#: The mixture's standard deviation in units of the metric's standard deviation: the interval is
#: tightest when the difference's standard error is about this large (a few hundred participants per arm).
MIXTURE_SD = 0.1


@dataclass(frozen=True)
class Estimate:
    """An estimate with its standard error and a (1 - alpha) interval."""

    value: float
    se: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def z_value(alpha: float) -> float:
    """The two-sided normal quantile of level ``alpha``."""
    return float(ndtri(1 - alpha / 2))


def mean_estimate(values: np.ndarray, alpha: float) -> Estimate:
    """The mean of ``values`` with its normal interval."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, np.nan)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
    z = z_value(alpha)
    return Estimate(mean, se, mean - z * se, mean + z * se)


def difference_variance(treatment: np.ndarray, control: np.ndarray) -> float:
    """Welch's variance of the difference of two means."""
    if len(treatment) < 2 or len(control) < 2:
        return np.nan
    return float(np.var(treatment, ddof=1) / len(treatment) + np.var(control, ddof=1) / len(control))


def difference_estimate(treatment: np.ndarray, control: np.ndarray, alpha: float) -> Estimate:
    """Mean of ``treatment`` minus mean of ``control``, with Welch's standard error and a normal interval."""
    variance = difference_variance(treatment, control)
    if not np.isfinite(variance):
        return Estimate(np.nan, np.nan, np.nan, np.nan)
    value = float(np.mean(treatment) - np.mean(control))
    se = float(np.sqrt(variance))
    z = z_value(alpha)
    return Estimate(value, se, value - z * se, value + z * se)


def two_sided_p(estimate: Estimate) -> float:
    """The fixed-horizon p-value of an estimate (normal approximation)."""
    if not (np.isfinite(estimate.se) and estimate.se > 0):
        return np.nan
    return float(2 * ndtr(-abs(estimate.value) / estimate.se))


def cuped(outcome: np.ndarray, covariate: np.ndarray) -> tuple[np.ndarray, float]:
    """CUPED-adjusted outcomes and ``theta``, pooled over every participant passed (all arms together).

    With a covariate that does not vary (nobody active before) nothing changes (theta 0).
    """
    y = np.asarray(outcome, dtype=np.float64)
    x = np.asarray(covariate, dtype=np.float64)
    if len(x) < 2 or np.var(x) == 0:
        return y.copy(), 0.0
    theta = float(np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1))
    return y - theta * (x - x.mean()), theta


@dataclass(frozen=True)
class RatioCheck:
    """The sample-ratio check: participants per arm against the planned shares."""

    observed: tuple[int, ...]
    expected: tuple[float, ...]
    chi2: float
    p: float

    @property
    def ok(self) -> bool:
        return not (self.p < SRM_P)


def sample_ratio_check(counts, shares) -> RatioCheck:
    """Chi-square goodness of fit of ``counts`` per arm to ``shares`` (normalised over the arms)."""
    observed = np.asarray(counts, dtype=np.float64)
    weights = np.asarray(shares, dtype=np.float64)
    total = observed.sum()
    if total == 0 or len(observed) < 2:
        return RatioCheck(tuple(int(c) for c in observed), tuple(0.0 for _ in observed), 0.0, 1.0)
    expected = total * weights / weights.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    p = float(chdtrc(len(observed) - 1, chi2))  # the upper tail of chi-square with k - 1 degrees of freedom
    return RatioCheck(tuple(int(c) for c in observed), tuple(float(e) for e in expected), float(chi2), float(p))


def mixture_variance(pooled_sd: float, mixture_sd: float = MIXTURE_SD) -> float:
    """``tau^2`` of the confidence sequence: ``(mixture_sd * pooled_sd)^2``."""
    return float((mixture_sd * pooled_sd) ** 2)


def confidence_sequence(difference: float, variance: float, alpha: float, tau2: float) -> Estimate:
    """The always-valid (1 - alpha) interval of a difference with variance ``variance`` (normal mixture, two-sided)."""
    if not (np.isfinite(variance) and variance > 0 and tau2 > 0):
        return Estimate(difference, np.nan, np.nan, np.nan)
    radius = float(np.sqrt(variance * (variance + tau2) / tau2 * (2 * np.log(1 / alpha) + np.log((variance + tau2) / variance))))
    return Estimate(difference, float(np.sqrt(variance)), difference - radius, difference + radius)


def always_valid_p(difference: float, variance: float, tau2: float) -> float:
    """The always-valid p-value at this look: 1 / the mixture likelihood ratio, capped at 1.

    Stopping the first time it falls below alpha keeps the false-positive rate
    at most alpha however often one looks (the running minimum over looks is
    the p-value to report).
    """
    if not (np.isfinite(variance) and variance > 0 and tau2 > 0):
        return 1.0
    log_ratio = 0.5 * np.log(variance / (variance + tau2)) + tau2 * difference**2 / (2 * variance * (variance + tau2))
    return float(min(1.0, np.exp(-log_ratio)))
