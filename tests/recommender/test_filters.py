"""Business filters: every rule holds for every recommended vacancy (both databases)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.attributes import ItemAttr, UserAttr
from recommender.dataset import Dataset
from recommender.filters import ItemFilters, haversine_km
from recommender.models import ContentSimilarity
from recommender.features import load_dataset


@pytest.fixture(scope="module")
def served(shared_world):
    engine, _ = shared_world
    dataset = load_dataset(engine)
    model = ContentSimilarity().fit(dataset)
    users = dataset.user_id_map.external_ids[:40]
    return dataset, model, users


def recommended(served, filters, k=30):
    dataset, model, users = served
    reco = model.recommend(users, dataset, k=k, filters=filters)
    items = dataset.item_attributes.iloc[dataset.item_id_map.to_internal(reco[Columns.Item].to_numpy())].reset_index(drop=True)
    people = dataset.user_attributes.iloc[dataset.user_id_map.to_internal(reco[Columns.User].to_numpy())].reset_index(drop=True)
    return reco, items, people


def test_haversine_jakarta_surabaya():
    assert haversine_km(-6.2, 106.8167, -7.2575, 112.7521) == pytest.approx(663, abs=5)


def test_active_only(served):
    _, items, _ = recommended(served, ItemFilters())
    assert items[ItemAttr.Active].all()
    _, everything, _ = recommended(served, ItemFilters(active_only=False, exclude_kinds=()), k=160)
    assert not everything[ItemAttr.Active].all()


@pytest.mark.parametrize("remote_allowed", [True, False])
def test_same_regency(served, remote_allowed):
    reco, items, people = recommended(served, ItemFilters(same_regency=True, remote_allowed=remote_allowed))
    assert len(reco)
    local = (items[ItemAttr.Regency] == people[UserAttr.Regency]).to_numpy()
    remote = items[ItemAttr.Remote].to_numpy()
    assert (local | remote).all()
    assert remote.any() == remote_allowed


def test_province_only(served):
    reco, items, people = recommended(served, ItemFilters(province_only=True))
    assert len(reco)
    assert ((items[ItemAttr.Province] == people[UserAttr.Province]).to_numpy() | items[ItemAttr.Remote].to_numpy()).all()


def test_radius(served):
    reco, items, people = recommended(served, ItemFilters(radius_km=50, remote_allowed=False))
    assert len(reco)
    distance = haversine_km(people[UserAttr.Latitude], people[UserAttr.Longitude], items[ItemAttr.Latitude], items[ItemAttr.Longitude])
    assert (distance <= 50).all()
    _, wider, wider_people = recommended(served, ItemFilters(radius_km=800, remote_allowed=False))
    far = haversine_km(wider_people[UserAttr.Latitude], wider_people[UserAttr.Longitude], wider[ItemAttr.Latitude], wider[ItemAttr.Longitude])
    assert (far <= 800).all() and (far > 50).any()


def test_min_wage(served):
    reco, items, _ = recommended(served, ItemFilters(min_wage=6_000_000))
    assert len(reco)
    best = items[ItemAttr.SalaryMax].fillna(items[ItemAttr.SalaryMin])
    assert (best >= 6_000_000).all()


def test_employment_types(served):
    reco, items, _ = recommended(served, ItemFilters(employment_types=("partTime",)))
    assert len(reco)
    assert items[ItemAttr.EmploymentTypes].str.split(",").map(lambda t: "partTime" in t).all()


def test_applied_and_dismissed_are_excluded_and_live_exclusions_too(served):
    dataset, model, users = served
    acted = dataset.interactions[dataset.interactions[Columns.Kind].isin(["applied", "dismissed"])]
    unfiltered = model.recommend(users, dataset, k=160, filters=ItemFilters(active_only=False, exclude_kinds=()))
    pairs = set(zip(acted[Columns.User], acted[Columns.Item]))
    assert pairs & set(zip(unfiltered[Columns.User], unfiltered[Columns.Item]))  # they would be shown
    filtered = model.recommend(users, dataset, k=160, filters=ItemFilters(active_only=False))
    assert not pairs & set(zip(filtered[Columns.User], filtered[Columns.Item]))
    first = filtered[filtered[Columns.User] == users[0]][Columns.Item].iloc[0]
    live = model.recommend([users[0]], dataset, k=160, filters=ItemFilters(active_only=False, exclude_items={users[0]: [first]}))
    assert first not in set(live[Columns.Item])


def test_bad_filters_are_user_errors(frames):
    with pytest.raises(UserError, match="radius_km"):
        ItemFilters(radius_km=-1)
    with pytest.raises(UserError, match="min_wage"):
        ItemFilters(min_wage=-5)
    with pytest.raises(UserError, match="unknown employment type"):
        ItemFilters(employment_types=("slavery",))
    interactions, users, items, _, _ = frames
    dataset = Dataset.from_frames(interactions, users, items)
    model = ContentSimilarity().fit(dataset)
    with pytest.raises(UserError, match="only the project database"):
        model.recommend(dataset.user_id_map.external_ids[:1], dataset, filters=ItemFilters(province_only=True))
    # filters that need no attributes still work on external data
    assert len(model.recommend(dataset.user_id_map.external_ids[:1], dataset, filters=ItemFilters(), k=3)) == 3


def test_place_groups_score_each_group_on_its_own_candidates(served):
    dataset, _, users = served
    rows = dataset.user_id_map.to_internal(users)
    groups = list(ItemFilters(same_regency=True, remote_allowed=False).candidate_groups(dataset, rows, np.arange(dataset.n_items)))
    regencies = dataset.user_attributes[UserAttr.Regency].to_numpy()[rows]
    assert sorted(np.concatenate([g[0] for g in groups]).tolist()) == list(range(len(rows)))
    for positions, candidates in groups:
        assert len(set(regencies[positions])) == 1
        assert (dataset.item_attributes[ItemAttr.Regency].to_numpy()[candidates] == regencies[positions[0]]).all()
        assert pd.Series(dataset.item_attributes[ItemAttr.Active].to_numpy()[candidates]).all()


def test_kept_place_columns_remember_each_places_reach_masks(served, monkeypatch):
    """A served catalogue's kept columns answer a place's reach masks from memory, equal to computing them, and stay bounded."""
    import recommender.filters as filters_module
    from recommender.filters import ItemArrays, PlaceColumns
    from recommender.reach import Reach

    dataset, _, _ = served
    arrays = ItemArrays.of(dataset.item_attributes)
    rows = np.flatnonzero(arrays.active)
    monkeypatch.setattr(filters_module, "REMEMBERED_MASK_BYTES", 16 * 4 * len(rows) * 2)  # room for 32 places
    kept = PlaceColumns(arrays, rows, remember=True)
    users = dataset.user_attributes.drop_duplicates(UserAttr.Regency).head(40)
    for reach in (Reach("commute", 25), Reach("province", 25), Reach("remote", 50)):
        for _, user in users.iterrows():
            place = (user[UserAttr.Latitude], user[UserAttr.Longitude], user[UserAttr.Province])
            fresh = PlaceColumns(arrays, rows).reach_masks(reach, *place)
            first = kept.reach_masks(reach, *place)
            again = kept.reach_masks(reach, *place)
            assert [m.tolist() for m in first] == [m.tolist() for m in fresh]
            assert all(a is b for a, b in zip(first, again)), "the second request of a place is answered from memory"
            assert not any(m.flags.writeable for m in first), "a remembered mask cannot be changed by a caller"
            assert len(kept._masks) <= 32
    unknown = kept.reach_masks(Reach("commute", 25), float("nan"), float("nan"), None)
    assert not unknown[0][~arrays.remote[rows]].any(), "an unknown home place reaches no placed vacancy by distance"
