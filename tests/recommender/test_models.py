"""Every model: the estimator contract, cold start from features, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.base import MAX_K, NotFittedError
from recommender.dataset import Dataset
from recommender.models import MODEL_CLASSES, Blend, ContentSimilarity, LightFMHybrid, Popularity, Random, make_model

FAST = {"lightfm": {"epochs": 10, "num_threads": 1}, "blend": {"lightfm": {"epochs": 10, "num_threads": 1}}}


@pytest.fixture(scope="module")
def dataset(frames):
    interactions, users, items, _, _ = frames
    return Dataset.from_frames(interactions, users, items)


@pytest.mark.parametrize("algorithm", sorted(MODEL_CLASSES))
def test_fit_returns_self_and_recommend_gives_ranked_frame(algorithm, dataset):
    model = make_model(algorithm, **FAST.get(algorithm, {}))
    assert model.fit(dataset) is model
    users = dataset.user_id_map.external_ids[:7]
    reco = model.recommend(users, dataset, k=5)
    assert list(reco.columns) == Columns.Recommendations
    assert len(reco) == 7 * 5
    for _, group in reco.groupby(Columns.User):
        assert group[Columns.Rank].tolist() == [1, 2, 3, 4, 5]
        assert (np.diff(group[Columns.Score].to_numpy()) <= 1e-6).all()
        assert group[Columns.Item].is_unique
    # recommend's scores are the model's own scores
    row = dataset.user_id_map.to_internal([users[0]])[0]
    first = reco[reco[Columns.User] == users[0]]
    cols = dataset.item_id_map.to_internal(first[Columns.Item].to_numpy())
    np.testing.assert_allclose(model.score(dataset, [row], cols)[0], first[Columns.Score].to_numpy(), rtol=1e-5, atol=1e-6)


def test_get_params_rebuilds_an_equal_model():
    model = LightFMHybrid(loss="bpr", no_components=8, epochs=3)
    clone = LightFMHybrid(**model.get_params())
    assert clone.get_params() == model.get_params()
    assert Blend(weight=0.3).get_params()["weight"] == 0.3


@pytest.mark.parametrize("loss", ["warp", "bpr", "logistic"])
def test_lightfm_losses_learn_the_trade_signal(loss, frames, dataset):
    _, _, _, user_trade, item_trade = frames
    model = LightFMHybrid(loss=loss, epochs=15, num_threads=1, no_components=16).fit(dataset)
    reco = model.recommend(dataset.user_id_map.external_ids, dataset, k=5)
    hit = (reco[Columns.User].map(user_trade) == reco[Columns.Item].map(item_trade)).mean()
    assert hit > 0.8, f"{loss}: only {hit:.0%} of recommendations match the user's trade"


def test_cold_user_and_cold_items_get_sensible_scores_from_features(frames):
    interactions, users, items, _, item_trade = frames
    # a new welder (trainings, no interactions) and new vacancies of every trade (no interactions)
    users = pd.concat([users, pd.DataFrame({"id": ["new"] * 4, "feature": ["skill=welding", "skill=k3-safety", "skill=metal-fabrication", "word"], "value": [1.0, 1.0, 1.0, "Pelatihan Juru Las SMAW"]})])
    new_items = pd.DataFrame(
        {
            "id": ["cold-weld", "cold-weld", "cold-weld", "cold-coffee", "cold-coffee", "cold-coffee"],
            "feature": ["skill=welding", "skill=k3-safety", "word", "skill=coffee-making", "skill=customer-service", "word"],
            "value": [1.0, 1.0, "Welder Fabrikasi", 1.0, 1.0, "Barista Kafe"],
        }
    )
    ds = Dataset.from_frames(interactions, users, pd.concat([items, new_items]))
    cold = ds.item_id_map.to_internal(["cold-weld", "cold-coffee"])
    user = ds.user_id_map.to_internal(["new"])
    for model in (LightFMHybrid(epochs=15, num_threads=1), ContentSimilarity(), Blend(lightfm={"epochs": 15, "num_threads": 1})):
        model.fit(ds)
        weld, coffee = model.score(ds, user, cold)[0]
        assert weld > coffee, f"{type(model).__name__}: welder scored barista ({coffee:.3f}) above welding ({weld:.3f})"
        top = model.recommend(["new"], ds, k=10)
        share = (top[Columns.Item].map({**item_trade, "cold-weld": "welder", "cold-coffee": "barista"}) == "welder").mean()
        assert share >= 0.8


def test_lightfm_without_item_identity_gives_new_items_learned_representations(dataset):
    model = LightFMHybrid(epochs=5, num_threads=1).fit(dataset)
    assert not any(str(n).startswith("item=") for n in model.item_feature_names_)
    with_ids = LightFMHybrid(epochs=5, num_threads=1, item_identity=True).fit(dataset)
    assert sum(str(n).startswith("item=") for n in with_ids.item_feature_names_) == dataset.n_items


def test_popularity_prefers_the_users_province():
    interactions = pd.DataFrame({"user_id": [1, 2, 3, 3], "item_id": ["a", "a", "b", "c"], "weight": 1.0})
    users = pd.DataFrame({"id": [1, 2, 3, 4], "feature": ["prov=31", "prov=31", "prov=35", "prov=35"], "value": 1.0})
    ds = Dataset.from_frames(interactions, users)
    model = Popularity().fit(ds)
    assert model.recommend([4], ds, k=1)[Columns.Item].tolist() in (["b"], ["c"])  # Jawa Timur's favourites
    assert model.recommend([1], ds, k=1)[Columns.Item].tolist() == ["a"]


def test_random_is_reproducible_whatever_the_batch(dataset):
    model = Random(random_state=1).fit(dataset)
    whole = model.score(dataset, np.arange(5))
    np.testing.assert_array_equal(whole[2], model.score(dataset, [2])[0])
    assert 0 <= whole.min() and whole.max() < 1


def test_bad_input_is_a_user_error(dataset):
    model = ContentSimilarity()
    with pytest.raises(NotFittedError):
        model.recommend(dataset.user_id_map.external_ids[:1], dataset)
    model.fit(dataset)
    with pytest.raises(UserError, match="unknown user id: nobody"):
        model.recommend(["nobody"], dataset)
    for k in (0, MAX_K + 1, 2.5, True):
        with pytest.raises(UserError, match="k must be"):
            model.recommend(dataset.user_id_map.external_ids[:1], dataset, k=k)
    with pytest.raises(UserError, match="unknown algorithm"):
        make_model("svd")
    with pytest.raises(UserError, match="bad parameters"):
        make_model("lightfm", components=3)
    with pytest.raises(UserError, match="unknown LightFM loss"):
        LightFMHybrid(loss="hinge").fit(dataset)
    with pytest.raises(UserError, match="blend weight"):
        Blend(weight=2).fit(dataset)


def test_empty_interaction_history(dataset):
    empty = dataset.with_interactions(dataset.interactions.iloc[0:0])
    with pytest.raises(UserError, match="no positive interaction"):
        LightFMHybrid(epochs=1).fit(empty)
    # the documented fallbacks still rank: content from features, popularity all ties
    assert len(ContentSimilarity().fit(empty).recommend(dataset.user_id_map.external_ids[:2], empty, k=3)) == 6
    assert len(Popularity().fit(empty).recommend(dataset.user_id_map.external_ids[:2], empty, k=3)) == 6


def test_content_needs_shared_feature_names():
    ds = Dataset.from_frames(
        pd.DataFrame({"user_id": [1], "item_id": [2]}),
        pd.DataFrame({"id": [1], "feature": ["a"], "value": [1.0]}),
        pd.DataFrame({"id": [2], "feature": ["b"], "value": [1.0]}),
    )
    with pytest.raises(UserError, match="share by name"):
        ContentSimilarity().fit(ds)


def test_filter_viewed_and_candidate_items(dataset):
    model = ContentSimilarity().fit(dataset)
    user = dataset.user_id_map.external_ids[0]
    seen = set(dataset.interactions.loc[dataset.interactions[Columns.User] == user, Columns.Item])
    reco = model.recommend([user], dataset, k=50, filter_viewed=True)
    assert not seen & set(reco[Columns.Item])
    some = dataset.item_id_map.external_ids[:3]
    assert set(model.recommend([user], dataset, k=10, items=some)[Columns.Item]) == set(some)


def test_logistic_lightfm_learns_from_exposures_only_when_asked(dataset):
    from dataclasses import replace

    users = dataset.interactions[Columns.User].to_numpy()
    others = np.roll(dataset.interactions[Columns.Item].to_numpy(), 7)
    shown = pd.DataFrame({Columns.User: users, Columns.Item: others, Columns.Datetime: dataset.interactions[Columns.Datetime].min()})
    with_shown = replace(dataset, exposures=shown)
    assert len(with_shown.exposure_negatives()[0]) > 0
    plain = LightFMHybrid(loss="logistic", epochs=1, num_threads=1).fit(with_shown)
    asked = LightFMHybrid(loss="logistic", epochs=1, num_threads=1, shown_negatives=True).fit(with_shown)
    assert not np.allclose(plain.model_.item_embeddings, asked.model_.item_embeddings)


# ---------------------------------------------------------------------- LightFM: features, not ids, carry the signal


def test_lightfm_defaults_have_no_identity_features(dataset):
    model = LightFMHybrid(epochs=1, num_threads=1).fit(dataset)
    names = [str(n) for n in (*model.user_feature_names_, *model.item_feature_names_)]
    assert not any(n.startswith(("user=", "item=")) for n in names)
    assert model.get_params()["normalize"] == "family" and model.get_params()["train_items"] == "interacted"


def test_family_normalisation_gives_each_family_one_unit():
    from recommender.feature_space import FeatureSpace

    names = np.array(["reg=3515", "prov=35", "skill=las", "skill=k3", "skill=cat", "word=las", "user=1"], dtype=object)
    rows = np.array([[1, 1, 1, 1, 1, 2, 1], [0, 0, 0.5, 0, 0, 0, 0]], dtype=np.float32)
    out = FeatureSpace(names, "family").normalized(sp.csr_matrix(rows)).toarray()
    np.testing.assert_allclose(out[0], [1, 1, 1 / 3, 1 / 3, 1 / 3, 1, 1], rtol=1e-6)  # one regency weighs all three skills
    np.testing.assert_allclose(out[1], [0, 0, 1, 0, 0, 0, 0])  # empty families stay empty


def test_lightfm_aligned_start_scores_a_cold_skill_match_above_a_mismatch_before_any_training(dataset):
    """Shared names start from one vector on both sides: a dot product is a feature overlap from epoch 0."""
    model = LightFMHybrid(epochs=0, num_threads=1).fit(dataset)
    m = model.model_
    user_names, item_names = list(map(str, model.user_feature_names_)), list(map(str, model.item_feature_names_))
    for name in ("skill=welding", "skill=coffee-making"):
        np.testing.assert_array_equal(m.user_embeddings[user_names.index(name)], m.item_embeddings[item_names.index(name)])
    users = pd.DataFrame({"id": ["welder"] * 3, "feature": ["skill=welding", "skill=k3-safety", "skill=metal-fabrication"], "value": 1.0})
    items = pd.DataFrame({"id": ["weld", "weld", "coffee", "coffee"], "feature": ["skill=welding", "skill=k3-safety", "skill=coffee-making", "skill=food-hygiene"], "value": 1.0})
    fresh = Dataset.from_frames(pd.DataFrame({"user_id": ["welder"], "item_id": ["weld"]}), users, items)
    pair = fresh.item_id_map.to_internal(["weld", "coffee"])
    weld, coffee = model.score(fresh, [0], pair)[0]
    # 2 shared skills x (1/3 user weight) x (1/2 item weight) x |start|^2 = 4 (skill, the heaviest family here)
    assert weld - coffee == pytest.approx(2 / 3 / 2 * 4, rel=0.5)
    independent = LightFMHybrid(epochs=0, num_threads=1, align_shared=0.0).fit(dataset)
    assert abs(np.subtract(*independent.score(fresh, [0], pair)[0])) < 0.01


def test_lightfm_aligned_start_puts_place_first():
    """Start vectors are as long as content similarity's family weights say: a shared regency outweighs a shared skill."""
    from recommender.models.content import DEFAULT_FAMILY_WEIGHTS

    users = pd.DataFrame({"id": [1, 1], "feature": ["reg=3515", "skill=las"], "value": 1.0})
    items = pd.DataFrame({"id": [9, 9], "feature": ["reg=3515", "skill=las"], "value": 1.0})
    ds = Dataset.from_frames(pd.DataFrame({"user_id": [1], "item_id": [9]}), users, items)
    model = LightFMHybrid(epochs=0, num_threads=1, no_components=512).fit(ds)
    norms = dict(zip(map(str, model.item_feature_names_), np.linalg.norm(model.model_.item_embeddings, axis=1)))
    ratio = DEFAULT_FAMILY_WEIGHTS["reg"] / DEFAULT_FAMILY_WEIGHTS["skill"]
    assert norms["reg=3515"] ** 2 == pytest.approx(4.0, rel=0.2)
    assert norms["reg=3515"] / norms["skill=las"] == pytest.approx(ratio, rel=0.2)
    even = LightFMHybrid(epochs=0, num_threads=1, no_components=512, align_weights={}).fit(ds)
    even_norms = np.linalg.norm(even.model_.item_embeddings, axis=1)
    assert even_norms[0] == pytest.approx(even_norms[1], rel=0.2)


def test_lightfm_exact_place_start_matches_regencies_exactly_without_cross_talk():
    """Each shared regency and province owns one component: before training, same place scores its weight, any other place 0."""
    regencies = [f"{p}{r:02d}" for p in (31, 32, 35) for r in range(1, 5)]
    users = pd.DataFrame(
        [(f"u{c}", name, 1.0) for c in regencies for name in (f"reg={c}", f"prov={c[:2]}", "skill=las")],
        columns=["id", "feature", "value"],
    )
    items = pd.DataFrame(
        [(f"v{c}", name, 1.0) for c in regencies for name in (f"reg={c}", f"prov={c[:2]}", "skill=las")],
        columns=["id", "feature", "value"],
    )
    ds = Dataset.from_frames(pd.DataFrame({"user_id": ["u3101"], "item_id": ["v3101"]}), users, items)
    model = LightFMHybrid(epochs=0, num_threads=1, no_components=8).fit(ds)
    place = 12 + 3  # shared regencies + provinces, one component each, on top of no_components
    assert model.model_.user_embeddings.shape[1] == place + 8
    item = ds.item_id_map.to_internal([f"v{c}" for c in regencies])
    scores = model.score(ds, ds.user_id_map.to_internal(["u3101"]), item)[0]
    skill = scores[regencies.index("3502")]  # the shared skill alone (other province, other regency)
    # |start|^2 = 4 for the heaviest family (region); family normalisation keeps every place feature at 1
    np.testing.assert_allclose(scores[regencies.index("3101")] - skill, 4.0 + 4.0, rtol=1e-5)  # regency and province
    np.testing.assert_allclose(scores[regencies.index("3102")] - skill, 4.0, rtol=1e-5)  # province only
    np.testing.assert_allclose(scores[[regencies.index(c) for c in regencies if not c.startswith("31")]], skill, rtol=1e-5)
    # without exact families every name shares the random components: other regencies pick up cross-talk
    projected = LightFMHybrid(epochs=0, num_threads=1, no_components=8, exact_families=()).fit(ds)
    assert projected.model_.user_embeddings.shape[1] == 8
    other = projected.score(ds, ds.user_id_map.to_internal(["u3101"]), item)[0][[regencies.index(c) for c in regencies if not c.startswith("31")]]
    assert np.ptp(other) > 0.1


def test_lightfm_never_samples_vacancies_without_training_interactions_as_negatives(frames):
    """Vacancies of a later period (here: 'word=future' only on items nobody touched) are not pushed down in training."""
    interactions, users, items, _, _ = frames
    future = pd.DataFrame({"id": ["f1", "f2"], "feature": ["word", "word"], "value": ["future", "future"]})
    ds = Dataset.from_frames(interactions, users, pd.concat([items, future]))
    positives = ds.interaction_matrix()
    start = {}
    # WARP samples negatives uniformly from the item rows it is given (LightFM's BPR only from items of the
    # examples); an independent start makes early negatives violate the margin, so the sampled ones are updated;
    # no L2, which shrinks every row a little.
    for train_items in ("interacted", "all"):
        params = dict(num_threads=1, train_items=train_items, item_alpha=0.0, user_alpha=0.0, align_shared=0.0)
        before = LightFMHybrid(epochs=0, **params).fit(ds)
        after = LightFMHybrid(epochs=3, **params).fit(ds)
        row = list(map(str, after.item_feature_names_)).index("word=future")
        start[train_items] = np.allclose(before.model_.item_embeddings[row], after.model_.item_embeddings[row])
        if train_items == "interacted":
            assert after.n_train_items_ == len(np.unique(positives.col[positives.data > 0]))
    assert start == {"interacted": True, "all": False}


def test_lightfm_rejects_unknown_normalisation_and_item_set(dataset):
    with pytest.raises(UserError, match="unknown normalize"):
        LightFMHybrid(normalize="l2", epochs=1).fit(dataset)
    with pytest.raises(UserError, match="unknown train_items"):
        LightFMHybrid(train_items="some", epochs=1).fit(dataset)
    assert LightFMHybrid(normalize=True, epochs=1, num_threads=1).fit(dataset)._normalization() == "rows"  # older run records


def test_lightfm_pickled_before_the_new_parameters_still_loads_and_scores(dataset):
    import pickle

    model = LightFMHybrid(epochs=1, num_threads=1, normalize=True).fit(dataset)
    state = model.__getstate__()
    for name in ("train_items", "align_shared", "align_weights"):
        state.pop(name)
    old = LightFMHybrid.__new__(LightFMHybrid)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    assert restored.get_params()["train_items"] == "all" and restored.get_params()["align_shared"] == 0.0
    np.testing.assert_allclose(restored.score(dataset, [0, 1]), model.score(dataset, [0, 1]), rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.4), st.integers(1, 60))
def test_content_scores_one_user_feature_by_feature_as_the_batch_does_row_by_row(seed, density, n_items):
    """A served list's content scores (one user: items that share the user's features) equal the batch's row sums."""
    from recommender.models.content import ContentSide

    items = sp.random(n_items, 40, density=0.15, format="csr", dtype=np.float32, random_state=seed)
    users = sp.random(2, 40, density=density, format="csr", dtype=np.float32, random_state=seed + 1)
    model = ContentSimilarity()
    side = ContentSide(items)
    batch = model._score_sides(ContentSide(users), side, None)  # two users: row by row
    rows = np.arange(n_items)[::2]
    one = model._score_sides(ContentSide(users[0]), side, rows)
    assert one.shape == (1, len(rows)) and one.dtype == np.float32
    assert np.allclose(one[0], batch[0, rows], rtol=1e-6, atol=1e-7)
    assert np.allclose(model._score_sides(ContentSide(users[1]), side, None)[0], batch[1], rtol=1e-6, atol=1e-7)
