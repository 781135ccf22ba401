"""The statistics: the sample-ratio check, CUPED, and always-valid intervals that survive peeking."""

from __future__ import annotations

import numpy as np

from recommender.experiments.statistics import (
    always_valid_p,
    confidence_sequence,
    cuped,
    difference_estimate,
    difference_variance,
    mixture_variance,
    sample_ratio_check,
)


def test_sample_ratio_check_passes_chance_and_flags_a_broken_split():
    assert sample_ratio_check([5_030, 4_970], [0.5, 0.5]).ok
    broken = sample_ratio_check([5_200, 4_800], [0.5, 0.5])  # 2 points off on 10,000: p about 6e-5
    assert not broken.ok and broken.p < 1e-4
    assert sample_ratio_check([6_020, 3_980], [60, 40]).ok  # shares in % are normalised
    assert sample_ratio_check([0, 0], [0.5, 0.5]).ok


def test_cuped_keeps_the_difference_and_shrinks_its_variance():
    rng = np.random.default_rng(3)
    before = rng.poisson(2.0, 4_000).astype(float)
    arm = rng.random(4_000) < 0.5
    outcome = 0.8 * before + rng.normal(0, 1, 4_000) + 0.3 * arm
    adjusted, theta = cuped(outcome, before)
    assert 0.7 < theta < 0.9
    plain = difference_estimate(outcome[arm], outcome[~arm], 0.05)
    reduced = difference_estimate(adjusted[arm], adjusted[~arm], 0.05)
    assert reduced.se < 0.75 * plain.se  # expected sqrt(1 / 2.28) = 0.66
    assert abs(reduced.value - 0.3) < 3 * reduced.se
    constant, none = cuped(outcome, np.zeros(4_000))
    assert none == 0.0 and np.array_equal(constant, outcome)


def test_the_always_valid_interval_is_wider_and_agrees_with_its_p_value():
    fixed = difference_estimate(np.array([1.0, 2, 3, 4, 5] * 40), np.array([0.5, 1, 2, 3, 4] * 40), 0.05)
    variance = fixed.se**2
    tau2 = mixture_variance(1.5)
    valid = confidence_sequence(fixed.value, variance, 0.05, tau2)
    assert valid.low < fixed.low and valid.high > fixed.high
    assert (always_valid_p(fixed.value, variance, tau2) < 0.05) == valid.excludes_zero


def test_peeking_at_every_look_keeps_the_false_positive_rate():
    """Synthetic A/A experiments looked at 20 times: the always-valid rule fires in at most 5% (+ tolerance), the naive one far more."""
    rng = np.random.default_rng(11)
    runs, looks, per_look = 400, 20, 50
    valid_fired = naive_fired = 0
    for _ in range(runs):
        a = rng.poisson(1.0, looks * per_look).astype(float)
        b = rng.poisson(1.0, looks * per_look).astype(float)
        tau2 = mixture_variance(1.0)
        fired_valid = fired_naive = False
        for look in range(1, looks + 1):
            n = look * per_look
            variance = difference_variance(a[:n], b[:n])
            difference = a[:n].mean() - b[:n].mean()
            fired_valid |= confidence_sequence(difference, variance, 0.05, tau2).excludes_zero
            fired_naive |= abs(difference) > 1.96 * np.sqrt(variance)
        valid_fired += fired_valid
        naive_fired += fired_naive
    assert valid_fired / runs <= 0.075  # 5% plus binomial tolerance for 400 runs
    assert naive_fired / runs > 0.12  # what peeking at a fixed interval does
