"""A participant's score moments from the items' moments equal those of scoring every item."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import score_moments
from recommender.score_moments import ItemMoments


def test_dense_moments_equal_a_pass_over_every_item():
    rng = np.random.default_rng(3)
    items = rng.standard_normal((5000, 34)).astype(np.float32) + 0.3
    users = rng.standard_normal((20, 34)).astype(np.float32)
    scores = (users @ items.T).astype(np.float64)
    got = ItemMoments.of_dense(items).of_dense_users(users)
    np.testing.assert_allclose(got.mean, scores.mean(axis=1), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(got.std, scores.std(axis=1), rtol=1e-6)
    one = ItemMoments.of_dense(items).of_dense_users(users[3:4])  # one participant: the same function (BLAS may round apart)
    assert one.mean[0] == pytest.approx(got.mean[3], rel=1e-12) and one.std[0] == pytest.approx(got.std[3], rel=1e-12)


@pytest.mark.parametrize("dense_limit", [10_000, 0])  # second moments kept dense, and sparse
def test_sparse_moments_equal_a_pass_over_every_item(monkeypatch, dense_limit):
    monkeypatch.setattr(score_moments, "DENSE_FEATURES", dense_limit)
    items = sp.random(3000, 300, density=0.03, format="csr", dtype=np.float32, random_state=5)
    users = sp.random(20, 300, density=0.04, format="csr", dtype=np.float32, random_state=6)
    moments = ItemMoments.of_sparse(items)
    assert isinstance(moments.second, np.ndarray) == bool(dense_limit)
    scores = (users @ items.T).toarray().astype(np.float64)
    got = moments.of_sparse_users(users)
    np.testing.assert_allclose(got.mean, scores.mean(axis=1), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(got.std, scores.std(axis=1), rtol=1e-6, atol=1e-12)


def test_standardised_scores_are_z_scores_over_every_item():
    rng = np.random.default_rng(6)
    items = rng.standard_normal((2000, 8)).astype(np.float32)
    users = rng.standard_normal((2, 8)).astype(np.float32)
    full = users @ items.T
    columns = np.array([3, 17, 400, 1999])
    expected = (full - full.mean(axis=1, keepdims=True)) / full.std(axis=1, keepdims=True)
    got = ItemMoments.of_dense(items).of_dense_users(users).standardise(full[:, columns])
    np.testing.assert_allclose(got, expected[:, columns], rtol=1e-5, atol=1e-5)
    assert got.dtype == np.float32


def test_no_features_and_no_spread_count_the_spread_as_one():
    """An empty participant row scores 0 everywhere: mean 0, spread 0 counted as 1."""
    items = sp.random(50, 20, density=0.2, format="csr", dtype=np.float32, random_state=1)
    empty = ItemMoments.of_sparse(items).of_sparse_users(sp.csr_matrix((1, 20), dtype=np.float32))
    assert empty.mean[0] == 0.0 and empty.std[0] == 0.0
    np.testing.assert_array_equal(empty.standardise(np.zeros((1, 3))), np.zeros((1, 3), dtype=np.float32))
    constant = ItemMoments.of_dense(np.ones((10, 3), dtype=np.float32)).of_dense_users(np.array([[1, 2, 3]], dtype=np.float32))
    assert constant.mean[0] == pytest.approx(6.0) and constant.std[0] == pytest.approx(0.0, abs=1e-6)
