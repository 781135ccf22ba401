"""Ranking metrics: hand-computed values, agreement with scikit-learn, and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import ndcg_score, roc_auc_score

from prakerja.columns import Columns
from recommender.metrics import (
    AUC,
    MAP,
    NDCG,
    CatalogCoverage,
    HitRate,
    Novelty,
    Precision,
    Recall,
    bootstrap_interval,
    calc_metrics,
    default_metrics,
)


def reco_frame(lists: dict) -> pd.DataFrame:
    rows = [(user, item, -rank, rank) for user, items in lists.items() for rank, item in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=Columns.Recommendations)


def truth_frame(pairs: list[tuple], weight: float = 1.0) -> pd.DataFrame:
    frame = pd.DataFrame(pairs, columns=[Columns.User, Columns.Item])
    frame[Columns.Weight] = weight
    frame[Columns.Datetime] = pd.Timestamp("2021-01-01")
    return frame


# user 1: relevant {a, c, x}; list a b c d -> hits at ranks 1 and 3
# user 2: relevant {z}; list p q r s -> no hit
RECO = reco_frame({1: ["a", "b", "c", "d"], 2: ["p", "q", "r", "s"]})
TRUTH = truth_frame([(1, "a"), (1, "c"), (1, "x"), (2, "z")])


def test_precision_recall_hit_rate_by_hand():
    assert Precision(4).calc_per_user(RECO, TRUTH).to_dict() == {1: 0.5, 2: 0.0}
    assert Recall(4).calc_per_user(RECO, TRUTH).to_dict() == pytest.approx({1: 2 / 3, 2: 0.0})
    assert HitRate(4).calc(RECO, TRUTH) == 0.5
    assert Precision(2).calc_per_user(RECO, TRUTH)[1] == 0.5  # only "a" within the first two


def test_ndcg_by_hand():
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    per_user = NDCG(4).calc_per_user(RECO, TRUTH)
    assert per_user[1] == pytest.approx(dcg / ideal)
    assert per_user[2] == 0.0


def test_map_by_hand():
    # hits at ranks 1 and 3: precisions 1/1 and 2/3, divided by min(k, 3 relevant) = 3
    assert MAP(4).calc_per_user(RECO, TRUTH)[1] == pytest.approx((1 + 2 / 3) / 3)
    # with k=2 only rank 1 counts, divided by min(2, 3) = 2
    assert MAP(2).calc_per_user(RECO, TRUTH)[1] == pytest.approx(1 / 2)


def test_auc_by_hand_and_against_sklearn():
    catalog = ["a", "b", "c", "d", "e", "x", "p", "q", "r", "s", "z"]
    per_user = AUC(4).calc_per_user(RECO, TRUTH, catalog=catalog)
    # user 1: 3 relevant, 8 negatives. "a" beats 8, "c" beats 7 (b above it), "x" ties with
    # the 6 unlisted negatives (e, p, q, r, s, z): 3; total 18 / 24
    assert per_user[1] == pytest.approx(18 / 24)
    for user in (1, 2):
        listed = RECO.loc[RECO[Columns.User] == user]
        score = {item: 10 - rank for item, rank in zip(listed[Columns.Item], listed[Columns.Rank])}
        relevant = set(TRUTH.loc[TRUTH[Columns.User] == user, Columns.Item])
        y_true = [item in relevant for item in catalog]
        y_score = [score.get(item, 0) for item in catalog]
        assert per_user[user] == pytest.approx(roc_auc_score(y_true, y_score))


def test_silent_model_scores_zero_not_missing():
    empty = RECO.iloc[0:0]
    assert Precision(4).calc_per_user(empty, TRUTH).to_dict() == {1: 0.0, 2: 0.0}
    assert NDCG(4).calc(empty, TRUTH) == 0.0
    assert AUC(4).calc_per_user(empty, TRUTH, catalog=list("abcdxz")).tolist() == [0.5, 0.5]


def test_negative_and_zero_weights_are_not_relevant():
    truth = pd.concat([TRUTH, truth_frame([(2, "p")], weight=-1.0), truth_frame([(2, "q")], weight=0.0)])
    assert Precision(4).calc_per_user(RECO, truth)[2] == 0.0


def test_users_without_relevant_items_are_ignored():
    truth = truth_frame([(1, "a")])
    assert list(Precision(4).calc_per_user(RECO, truth).index) == [1]


def test_coverage_and_novelty_by_hand():
    assert CatalogCoverage(2).calc(RECO, catalog=list("abcdpqrsxyz")) == pytest.approx(4 / 11)
    train = truth_frame([(1, "a"), (2, "a"), (3, "a"), (3, "b")])  # 3 users; a used by 3, b by 1
    reco = reco_frame({1: ["a", "b"], 2: ["new"]})
    per_user = Novelty(2).calc_per_user(reco, train)
    assert per_user[1] == pytest.approx((-math.log2(3 / 4) - math.log2(1 / 4)) / 2)
    assert per_user[2] == pytest.approx(-math.log2(1 / 4))  # a cold item counts as one pseudo-user


def test_calc_metrics_runs_the_default_set_and_asks_for_missing_inputs():
    results = calc_metrics(default_metrics(4), RECO, TRUTH, prev_interactions=TRUTH, catalog=list("abcdpqrsxz"))
    assert set(results) == {f"{m}@4" for m in ("precision", "recall", "ndcg", "map", "hit_rate", "auc", "coverage", "novelty")}
    assert results["precision@4"] == 0.25
    catalog = list("abcdpqrsxz")
    for name, metric in default_metrics(4).items():  # the shared join gives what each metric gives alone
        if name.startswith(("coverage", "novelty")):
            continue
        assert results[name] == pytest.approx(metric.calc(RECO, TRUTH, catalog=catalog)), name
    with pytest.raises(ValueError, match="prev_interactions"):
        calc_metrics({"novelty": Novelty(4)}, RECO, TRUTH)
    with pytest.raises(ValueError, match="catalog"):
        calc_metrics({"coverage": CatalogCoverage(4)}, RECO, TRUTH)


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        NDCG(0)


# --------------------------------------------------------------------------- properties

ITEMS = [f"i{n}" for n in range(12)]


@st.composite
def ranked_world(draw):
    """Random lists (a permutation prefix per user) and random relevant sets."""
    users = draw(st.integers(1, 5))
    lists, pairs = {}, []
    for user in range(users):
        order = draw(st.permutations(ITEMS))
        lists[user] = order[: draw(st.integers(0, len(ITEMS)))]
        relevant = draw(st.sets(st.sampled_from(ITEMS), min_size=1, max_size=6))
        pairs += [(user, item) for item in relevant]
    return reco_frame(lists), truth_frame(pairs), draw(st.integers(1, 12))


@settings(max_examples=30, deadline=None)
@given(ranked_world())
def test_bounded_metrics_stay_in_unit_interval(world):
    reco, truth, k = world
    for metric in (Precision(k), Recall(k), NDCG(k), MAP(k), HitRate(k), AUC(k)):
        values = metric.calc_per_user(reco, truth, catalog=ITEMS)
        assert ((values >= -1e-12) & (values <= 1 + 1e-12)).all(), metric


@settings(max_examples=30, deadline=None)
@given(ranked_world())
def test_perfect_ranking_scores_one(world):
    _, truth, k = world
    perfect = {
        user: sorted(group[Columns.Item]) + [i for i in ITEMS if i not in set(group[Columns.Item])]
        for user, group in truth.groupby(Columns.User)
    }
    reco = reco_frame(perfect)
    for metric in (NDCG(k), MAP(k), HitRate(k)):
        assert metric.calc(reco, truth, catalog=ITEMS) == pytest.approx(1.0), metric
    # recall and AUC reach 1 when every relevant item fits in the k listed positions
    fits = truth.groupby(Columns.User).size() <= k
    assert np.allclose(Recall(k).calc_per_user(reco, truth)[fits], 1.0)
    assert np.allclose(AUC(k).calc_per_user(reco, truth, catalog=ITEMS)[fits], 1.0)


@settings(max_examples=30, deadline=None)
@given(ranked_world())
def test_ndcg_matches_sklearn(world):
    reco, truth, k = world
    ours = NDCG(k).calc_per_user(reco, truth)
    for user, value in ours.items():
        listed = reco.loc[reco[Columns.User] == user]
        score = dict(zip(listed[Columns.Item], len(ITEMS) + 1 - listed[Columns.Rank]))
        relevant = set(truth.loc[truth[Columns.User] == user, Columns.Item])
        # unlisted items share score 0; sklearn averages over ties, so compare only when no tie reaches the top k
        if len(listed) < k and any(item not in score for item in relevant):
            continue
        y_true = np.array([[item in relevant for item in ITEMS]], dtype=float)
        y_score = np.array([[score.get(item, 0) for item in ITEMS]], dtype=float)
        assert value == pytest.approx(ndcg_score(y_true, y_score, k=k))


@settings(max_examples=30, deadline=None)
@given(ranked_world())
def test_auc_matches_sklearn(world):
    reco, truth, k = world
    ours = AUC(k).calc_per_user(reco, truth, catalog=ITEMS)
    for user, value in ours.items():
        listed = reco.loc[(reco[Columns.User] == user) & (reco[Columns.Rank] <= k)]
        score = dict(zip(listed[Columns.Item], len(ITEMS) + 1 - listed[Columns.Rank]))
        relevant = set(truth.loc[truth[Columns.User] == user, Columns.Item])
        if len(relevant) == len(ITEMS):
            continue
        y_true = [item in relevant for item in ITEMS]
        assert value == pytest.approx(roc_auc_score(y_true, [score.get(item, 0) for item in ITEMS]))


@settings(max_examples=30, deadline=None)
@given(ranked_world())
def test_precision_times_k_equals_recall_times_relevant(world):
    reco, truth, k = world
    hits_from_precision = Precision(k).calc_per_user(reco, truth) * k
    hits_from_recall = Recall(k).calc_per_user(reco, truth) * truth.groupby(Columns.User).size()
    assert np.allclose(hits_from_precision, hits_from_recall)


def test_bootstrap_interval_brackets_the_mean_and_pairs_differences():
    rng = np.random.default_rng(1)
    a = rng.random(400)
    mean, low, high = bootstrap_interval(a)
    assert low < mean < high and mean == pytest.approx(a.mean())
    assert high - low == pytest.approx(2 * 1.96 * a.std() / np.sqrt(len(a)), rel=0.2)  # the normal approximation
    # a paired difference of a constant shift has no spread at all
    assert bootstrap_interval(a + 0.1, a) == pytest.approx((0.1, 0.1, 0.1))
    assert all(math.isnan(x) for x in bootstrap_interval(np.array([])))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 40), st.integers(1, 45), st.sampled_from(["float32", "float64"]))
def test_top_k_stable_is_the_head_of_a_stable_sort(seed, rows, columns, k, dtype):
    """Ties (few distinct values), infinities and NaN included: the same columns in the same order as a full stable sort."""
    from recommender.metrics import top_k_stable

    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(rows, columns)).astype(dtype)
    for value, share in ((np.nan, 0.1 * (seed % 2)), (-np.inf, 0.1), (np.inf, 0.05)):
        scores[rng.random((rows, columns)) < share] = value
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :min(k, columns)]
    assert np.array_equal(top_k_stable(scores, k), expected)
    real = rng.standard_normal((rows, columns)).astype(dtype)  # the partition path, ties crossing the cut or not
    real[:, : columns // 3] = 0.5
    assert np.array_equal(top_k_stable(real, k), np.argsort(-real, axis=1, kind="stable")[:, :min(k, columns)])
