"""Exact top-K: the fast path equals brute force and LightFM's own predict."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from prakerja.columns import Columns
from recommender.dataset import Dataset
from recommender.models import LightFMHybrid
from recommender.retrieval import SELECT_BLOCK, augmented_vectors, select_top_k, top_k_scores


def brute_force(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-block, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(block, order, axis=1)


@pytest.mark.parametrize("m", [7, 500, 8 * 10 * SELECT_BLOCK + 37, 30_000])
def test_select_top_k_equals_a_full_sort(m):
    rng = np.random.default_rng(m)
    block = rng.standard_normal((40, m)).astype(np.float32)
    block[rng.random(block.shape) < 0.3] = -np.inf  # filtered-out entries
    positions, scores = select_top_k(block, 10)
    expected_pos, expected_scores = brute_force(block, 10)
    width = expected_scores.shape[1]
    np.testing.assert_array_equal(scores[:, :width], expected_scores)
    finite = np.isfinite(expected_scores)
    np.testing.assert_array_equal(positions[:, :width][finite], expected_pos[finite])
    assert (positions[:, :width][~finite] == -1).all() and (positions[:, width:] == -1).all()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 5),
    m=st.integers(1, 3000),
    k=st.integers(1, 12),
    seed=st.integers(0, 2**16),
    masked=st.floats(0, 1),
)
def test_select_top_k_property(n, m, k, seed, masked):
    rng = np.random.default_rng(seed)
    block = rng.integers(-50, 50, size=(n, m)).astype(np.float32)  # many ties
    block[rng.random(block.shape) < masked] = -np.inf
    positions, scores = select_top_k(block, k)
    _, expected = brute_force(block, min(k, m))
    np.testing.assert_array_equal(scores[:, : expected.shape[1]], expected)
    valid = positions >= 0
    assert (np.take_along_axis(block, np.where(valid, positions, 0), axis=1)[valid] == scores[valid]).all()
    for row in range(n):
        chosen = positions[row][valid[row]]
        assert len(set(chosen)) == len(chosen)


def test_exclusions_are_never_returned():
    rng = np.random.default_rng(0)
    users = rng.standard_normal((6, 4)).astype(np.float32)
    items = rng.standard_normal((50, 4)).astype(np.float32)
    best = np.argsort(-(users @ items.T), axis=1)[:, :3]
    excluded = sp.csr_matrix((np.ones(18, bool), (np.repeat(np.arange(6), 3), best.ravel())), shape=(6, 50))
    top, _ = top_k_scores(lambda u, i: users[u] @ items[i].T, np.arange(6), np.arange(50), 5, n_items=50, excluded=excluded, batch_size=4)
    for row in range(6):
        assert not set(best[row]) & set(top[row])
        np.testing.assert_array_equal(top[row], np.argsort(-(users[row] @ items.T))[3:8])


def test_augmented_vectors_reproduce_biases_and_dot_products():
    rng = np.random.default_rng(1)
    ub, ue, ib, ie = rng.random(3), rng.random((3, 4)), rng.random(5), rng.random((5, 4))
    users, items = augmented_vectors(ub, ue, ib, ie)
    np.testing.assert_allclose(users @ items.T, ue @ ie.T + ub[:, None] + ib[None, :], rtol=1e-6)


def test_fast_ranking_equals_lightfm_predict(frames):
    interactions, users, items, _, _ = frames
    dataset = Dataset.from_frames(interactions, users, items)
    model = LightFMHybrid(epochs=10, num_threads=1, no_components=12).fit(dataset)
    reco = model.recommend(dataset.user_id_map.external_ids[:8], dataset, k=dataset.n_items)
    for user_row, user_id in enumerate(dataset.user_id_map.external_ids[:8]):
        reference = model.predict_with_lightfm(dataset, user_row, np.arange(dataset.n_items))
        mine = reco[reco[Columns.User] == user_id]
        expected_items = dataset.item_id_map.external_ids[np.argsort(-reference, kind="stable")]
        np.testing.assert_allclose(mine[Columns.Score].to_numpy(), np.sort(reference)[::-1], rtol=1e-5, atol=1e-5)
        # the ranking is LightFM's (up to exact ties, which both orders break arbitrarily)
        distinct = np.diff(np.sort(reference)[::-1]) < -1e-5
        agree = mine[Columns.Item].to_numpy() == expected_items
        assert agree[np.concatenate([[True], distinct]) & np.concatenate([distinct, [True]])].all()
