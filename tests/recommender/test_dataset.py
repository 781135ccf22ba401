"""Dataset: frames and database in, id maps, feature matrices and aggregated interactions out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.attributes import ItemAttr, UserAttr
from recommender.dataset import Dataset, Features, IdMap, long_features
from recommender.features import load_dataset


def test_from_frames_tokenizes_text_keeps_numbers_and_adds_cold_ids():
    interactions = pd.DataFrame(
        {"user_id": ["a", "b"], "item_id": ["x", "y"], "weight": [1, 2], "datetime": ["2021-01-01", "2021-01-02"]}
    )
    users = pd.DataFrame({"id": ["a", "c"], "feature": ["years", "training"], "value": [3, "Las SMAW dasar"]})
    items = pd.DataFrame({"id": ["x", "z"], "feature": ["title", "title"], "value": ["Welder", "Barista Kafe"]})
    ds = Dataset.from_frames(interactions, users, items)
    assert list(ds.user_id_map.external_ids) == ["a", "b", "c"]  # c is a cold user (features only)
    assert list(ds.item_id_map.external_ids) == ["x", "y", "z"]  # z is a cold item
    names = list(ds.user_features.names)
    assert names == ["years", "training=las", "training=smaw", "training=dasar"]
    dense = ds.user_features.matrix.toarray()
    assert dense[0, 0] == 3.0 and dense[2, 1:].tolist() == [1.0, 1.0, 1.0] and dense[1].sum() == 0
    assert set(ds.item_features.names) == {"title=welder", "title=barista", "title=kafe"}
    assert pd.api.types.is_datetime64_any_dtype(ds.interactions[Columns.Datetime])


def test_interaction_matrix_keeps_the_strongest_signal_and_dismissal_beats_a_click():
    frame = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1, 2, 2],
            "item_id": [10, 10, 11, 11, 10, 12],
            "weight": [1.0, -1.0, 3.0, -1.0, 0.0, 2.0],  # click+dismiss, apply+dismiss, shown, save
            "datetime": pd.Timestamp("2021-01-01"),
        }
    )
    ds = Dataset.from_frames(frame)
    m = ds.interaction_matrix().tocsr().toarray()
    rows = {u: ds.user_id_map.to_internal([u])[0] for u in (1, 2)}
    cols = {i: ds.item_id_map.to_internal([i])[0] for i in (10, 11, 12)}
    assert m[rows[1], cols[10]] == -1.0
    assert m[rows[1], cols[11]] == 3.0
    assert m[rows[2], cols[10]] == 0.0  # "shown" carries no preference
    assert m[rows[2], cols[12]] == 2.0


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"user_id": [1]}), "item_id"),
        (pd.DataFrame({"user_id": [1], "item_id": [2], "weight": ["heavy"]}), "weights must be numbers"),
        (pd.DataFrame({"user_id": [1], "item_id": [2], "datetime": ["not a date"]}), "cannot be parsed"),
        (pd.DataFrame({"user_id": [None], "item_id": [2]}), "empty user or item"),
    ],
)
def test_bad_interaction_frames_are_user_errors(frame, message):
    with pytest.raises(UserError, match=message):
        Dataset.from_frames(frame)


def test_feature_frames_need_their_columns():
    with pytest.raises(UserError, match="id, feature, value"):
        long_features(pd.DataFrame({"id": [1], "value": [1]}), "user")


def test_with_interactions_keeps_features_and_refuses_unknown_ids():
    ds = Dataset.from_frames(pd.DataFrame({"user_id": [1, 2], "item_id": [5, 6]}))
    train = ds.with_interactions(ds.interactions.iloc[:1])
    assert train.n_users == 2 and len(train.interactions) == 1 and train.user_features is ds.user_features
    with pytest.raises(UserError, match="unknown item id"):
        ds.with_interactions(pd.DataFrame({"user_id": [1], "item_id": [99]}))


def test_features_align_by_name_and_identity_columns_are_shared_by_equal_ids():
    features = Features.from_long(
        pd.DataFrame({"id": [1, 1, 2], "feature": ["a", "b", "b"], "value": [1.0, 2.0, 3.0]}), IdMap(np.array([1, 2]))
    )
    aligned = features.aligned_to(["b", "new", "a"])
    assert aligned.matrix.toarray().tolist() == [[2.0, 0.0, 1.0], [3.0, 0.0, 0.0]]
    ds = Dataset(IdMap(np.array([7, 7])), IdMap(np.array([1])), pd.DataFrame(columns=Columns.Interactions), features, Features.empty(1))
    with_identity = ds.user_matrix(identity=True)
    assert list(with_identity.names[:1]) == ["user=7"] and with_identity.matrix[:, 0].toarray().ravel().tolist() == [1.0, 1.0]


def test_from_database_builds_features_attributes_and_interactions(engine, world):
    ds = load_dataset(engine)
    assert ds.n_users == len(world.participants) and ds.n_items == len(world.vacancies)
    welder = ds.user_id_map.to_internal([1])[0]  # participant 1 is a welder with a BNSP certificate
    row = dict(zip(ds.user_features.names[ds.user_features.matrix[welder].indices], ds.user_features.matrix[welder].data))
    assert row["skill=welding"] == pytest.approx(2 / 3 * 1.5)  # level 2 of 3, certificate bonus
    assert "word=las" in row and not any(n.startswith(("gender", "age", "disab")) for n in ds.user_features.names)
    vacancy = ds.item_id_map.to_internal([1])[0]
    item = dict(zip(ds.item_features.names[ds.item_features.matrix[vacancy].indices], ds.item_features.matrix[vacancy].data))
    assert item["occ=7212"] == 1.0 and item["occ=721"] == 0.5 and item["skill=welding"] == 1.0
    assert item["skill=metal-fabrication"] == 0.5  # optional skill
    assert set(ds.interactions[Columns.Kind]) <= {"clicked", "applied", "dismissed"}  # "shown" left out
    assert ds.user_attributes[UserAttr.Province].notna().all()
    assert ds.item_attributes[ItemAttr.Active].any() and not ds.item_attributes[ItemAttr.Active].all()


def test_exposure_negatives_are_shown_untouched_pairs_before_the_last_interaction():
    from dataclasses import replace

    log = pd.DataFrame({"user_id": [1, 2], "item_id": [10, 11], "weight": [1.0, 3.0], "datetime": pd.to_datetime(["2021-01-05", "2021-01-06"])})
    ds = Dataset.from_frames(log, item_features=pd.DataFrame({"id": [12, 13], "feature": ["x", "x"], "value": [1, 1]}))
    shown = pd.DataFrame(
        {"user_id": [1, 1, 2, 2], "item_id": [10, 12, 12, 13], "datetime": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03", "2021-02-01"])}
    )
    rows, cols = replace(ds, exposures=shown).exposure_negatives()
    pairs = set(zip(ds.user_id_map.external_ids[rows], ds.item_id_map.external_ids[cols]))
    assert pairs == {(1, 12), (2, 12)}  # (1, 10) was clicked; (2, 13) was shown after the last interaction
    assert replace(ds, exposures=shown).with_interactions(log.iloc[:1]).exposures is shown
