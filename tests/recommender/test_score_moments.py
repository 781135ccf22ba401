"""A participant's score moments from the items' moments equal those of scoring every item."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import score_moments
from recommender.models.blend import standardise
from recommender.score_moments import ItemMoments, ScoreMoments


def test_dense_moments_equal_a_pass_over_every_item():
    rng = np.random.default_rng(3)
    items = rng.standard_normal((5000, 34)).astype(np.float32) + 0.3
    moments = ItemMoments.of_dense(items)
    for _ in range(20):
        user = rng.standard_normal(34).astype(np.float32)
        scores = items @ user
        got = moments.of_dense_user(user)
        assert got.mean == pytest.approx(float(scores.astype(np.float64).mean()), rel=1e-6, abs=1e-9)
        assert got.std == pytest.approx(float(scores.astype(np.float64).std()), rel=1e-6)


@pytest.mark.parametrize("dense_limit", [10_000, 0])  # second moments kept dense, and sparse
def test_sparse_moments_equal_a_pass_over_every_item(monkeypatch, dense_limit):
    monkeypatch.setattr(score_moments, "DENSE_FEATURES", dense_limit)
    rng = np.random.default_rng(4)
    items = sp.random(3000, 300, density=0.03, format="csr", dtype=np.float32, random_state=5)
    moments = ItemMoments.of_sparse(items)
    assert isinstance(moments.second, np.ndarray) == bool(dense_limit)
    for _ in range(20):
        columns = np.sort(rng.choice(300, size=12, replace=False))
        values = rng.random(12).astype(np.float32)
        user = sp.csr_matrix((values, columns, [0, 12]), shape=(1, 300))
        scores = (items @ user.T).toarray().ravel().astype(np.float64)
        got = moments.of_sparse_user(columns, values)
        assert got.mean == pytest.approx(scores.mean(), rel=1e-6, abs=1e-12)
        assert got.std == pytest.approx(scores.std(), rel=1e-6)


def test_standardised_scores_match_the_blends_standardise():
    rng = np.random.default_rng(6)
    items = rng.standard_normal((2000, 8)).astype(np.float32)
    user = rng.standard_normal(8).astype(np.float32)
    full = (items @ user)[None, :]
    columns = np.array([3, 17, 400, 1999])
    expected = standardise(full, columns, "zscore")
    got = ItemMoments.of_dense(items).of_dense_user(user).standardise(full[:, columns])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert got.dtype == np.float32


def test_no_features_and_no_spread_standardise_like_the_blend():
    """An empty participant row scores 0 everywhere: mean 0, spread 0 counted as 1 (as ``standardise`` does)."""
    items = sp.random(50, 20, density=0.2, format="csr", dtype=np.float32, random_state=1)
    empty = ItemMoments.of_sparse(items).of_sparse_user(np.array([], dtype=np.int64), np.array([], dtype=np.float32))
    assert empty == ScoreMoments(0.0, 0.0)
    np.testing.assert_array_equal(empty.standardise(np.zeros((1, 3))), np.zeros((1, 3), dtype=np.float32))
    constant = ItemMoments.of_dense(np.ones((10, 3), dtype=np.float32)).of_dense_user(np.array([1, 2, 3], dtype=np.float32))
    assert constant.mean == pytest.approx(6.0) and constant.std == pytest.approx(0.0, abs=1e-6)
