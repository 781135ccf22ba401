"""A participant's reach decides their list, and the list widens step by step when nothing is within it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import select, update

from prakerja.db import transaction
from prakerja.errors import UnknownId, UserError
from prakerja.models import Vacancy
from recommender.features import load_dataset
from recommender.filters import ItemFilters
from recommender.models import ContentSimilarity
from recommender.participant_list import EMPTY_NO_ACTIVE, match_participant
from recommender.reach import Reach, widening_notice
from recommender.reach_preference import read_reach, save_reach
from recommender.serving_state import MODEL_CACHE

from tests.recommender.conftest import REGENCIES
from tests.recommender.test_one_path import assert_same_ranking

MEDAN, SURABAYA = "1275", "3578"


@pytest.fixture
def reach_world(world, engine):
    """The tiny world served by the content fallback (no promoted run), a fresh cache before and after."""
    MODEL_CACHE.clear()
    yield engine, world
    MODEL_CACHE.clear()


def _someone_in(engine, regency: str) -> int:
    dataset = load_dataset(engine)
    rows = np.flatnonzero(dataset.user_attributes["regency_code"].to_numpy() == regency)
    return int(dataset.user_id_map.external_ids[rows[0]])


def _expire(engine, regency: str | None) -> None:
    statement = update(Vacancy).values(status="expired", expires_at=dt.datetime(2000, 1, 1), updated_at=dt.datetime(2030, 1, 1))
    if regency is not None:
        statement = statement.where(Vacancy.regency_code == regency)
    with transaction(engine) as session:
        session.execute(statement)
    MODEL_CACHE.clear()


def test_the_default_reach_keeps_a_city_participant_near_home(reach_world):
    engine, _ = reach_world
    pid = _someone_in(engine, SURABAYA)
    assert read_reach(engine, pid) == Reach("commute", 25, chosen=False)  # Kota Surabaya is urban
    results = match_participant(engine, pid, k=20)
    assert results and not results.widened and results.notice is None
    assert all(r.distance_km is None or r.distance_km <= 25 for r in results)  # Surabaya, Sidoarjo or remote
    assert {r.regency_name for r in results if r.regency_name} <= {"Kota Surabaya", "Kabupaten Sidoarjo"}
    assert results.data_as_of == dt.datetime.now(dt.UTC).date()


def test_nothing_within_reach_widens_step_by_step_and_says_so(reach_world):
    engine, _ = reach_world
    pid = _someone_in(engine, MEDAN)
    _expire(engine, MEDAN)  # North Sumatra holds only Medan in this world: the province step is empty too
    results = match_participant(engine, pid, k=10)
    assert results and results.widened
    assert (results.asked.scope, results.shown.scope) == ("commute", "anywhere")
    assert results.notice == "Tidak ada lowongan dalam 25 km; menampilkan lowongan di seluruh Indonesia."
    assert widening_notice(results.asked, Reach("province", 25).steps()[0]) == (
        "Tidak ada lowongan dalam 25 km; menampilkan lowongan di provinsi Anda")


def test_a_chosen_reach_is_stored_and_ranks(reach_world):
    engine, _ = reach_world
    pid = _someone_in(engine, SURABAYA)
    assert save_reach(engine, pid, "province") == Reach("province", 25, chosen=True)
    results = match_participant(engine, pid, k=30)
    provinces = {r.province_name for r in results if r.province_name}
    assert provinces == {"Jawa Timur"} and any(r.regency_name == "Kabupaten Sidoarjo" for r in results)
    save_reach(engine, pid, "remote")
    assert all(r.regency_name is None for r in match_participant(engine, pid, k=30))
    save_reach(engine, pid, "commute", 900 // 2)
    assert read_reach(engine, pid).commute_km == 450
    assert save_reach(engine, pid, None) == Reach("commute", 25, chosen=False)
    with pytest.raises(UserError, match="unknown reach"):
        save_reach(engine, pid, "moon")
    with pytest.raises(UserError, match="commute_km"):
        save_reach(engine, pid, "commute", 0)
    with pytest.raises(UnknownId):
        save_reach(engine, 999_999, "province")


def test_a_place_filter_of_the_caller_replaces_the_reach(reach_world):
    engine, _ = reach_world
    pid = _someone_in(engine, SURABAYA)
    results = match_participant(engine, pid, ItemFilters(province_only=True, remote_allowed=False), k=30)
    assert results.asked is None and {r.province_name for r in results} == {"Jawa Timur"}
    everywhere = match_participant(engine, pid, ItemFilters(reach=False), k=100)
    assert len({r.province_name for r in everywhere if r.province_name}) > 1


def test_recommend_applies_the_same_reach_and_widening_as_the_served_list(reach_world):
    engine, _ = reach_world
    _expire(engine, MEDAN)
    dataset = load_dataset(engine)
    model = ContentSimilarity().fit(dataset)
    people = [_someone_in(engine, regency) for regency in REGENCIES]
    save_reach(engine, people[0], "province")
    dataset = load_dataset(engine)
    frame = model.recommend(people, dataset, k=20, filters=ItemFilters())
    for pid in people:
        served = match_participant(engine, pid, k=10, model=model)
        assert_same_ranking([(r.vacancy_id, r.score) for r in served], frame[frame["user_id"] == pid], 10, pid)
    steps = ItemFilters().reach_steps(dataset, dataset.user_id_map.to_internal(np.array(people)), np.flatnonzero(dataset.item_attributes["active"]))
    assert steps[REGENCIES.index(MEDAN)] == 2 and (np.delete(steps, REGENCIES.index(MEDAN)) == 0).all()


def test_an_empty_list_says_why(reach_world):
    engine, _ = reach_world
    pid = _someone_in(engine, SURABAYA)
    _expire(engine, None)
    results = match_participant(engine, pid, k=10)
    assert results == [] and results.empty_reason == EMPTY_NO_ACTIVE
    assert results.notice.startswith("Belum ada lowongan aktif per ") and "lowongan terbaru terlihat" in results.notice


def test_a_commute_with_few_vacancies_fitting_the_training_widens_to_the_province(reach_world):
    engine, world = reach_world
    dataset = load_dataset(engine)
    sidoarjo = np.flatnonzero(dataset.user_attributes["regency_code"].to_numpy() == "3515")
    welder = next(int(p) for p in dataset.user_id_map.external_ids[sidoarjo] if world.participants[int(p)] == "welder")
    save_reach(engine, welder, "commute", 5)  # Sidoarjo only: Surabaya's centre is further
    welding_jobs = [vid for vid, trade in world.vacancies.items() if trade == "welder"]
    with transaction(engine) as session:
        session.execute(update(Vacancy).where(Vacancy.regency_code == "3515", Vacancy.id.in_(welding_jobs))
                        .values(status="expired", expires_at=dt.datetime(2000, 1, 1), updated_at=dt.datetime(2030, 1, 1)))
    MODEL_CACHE.clear()
    results = match_participant(engine, welder, k=10)
    assert (results.asked.scope, results.shown.scope) == ("commute", "province") and results.few_connected
    assert results.notice == "Sedikit lowongan yang sesuai dengan pelatihan Anda dalam 5 km; menampilkan lowongan di provinsi Anda."
    everything = match_participant(engine, welder, k=100)  # the content fallback ranks by place first; a grounded model would not
    assert any(r.regency_name == "Kota Surabaya" and world.vacancies[r.vacancy_id] == "welder" for r in everything)
    dataset = load_dataset(engine)
    model = ContentSimilarity().fit(dataset)
    frame = model.recommend([welder], dataset, k=20, filters=ItemFilters())
    assert_same_ranking([(r.vacancy_id, r.score) for r in match_participant(engine, welder, k=10, model=model)], frame, 10, welder)


def test_a_past_day_replays_the_vacancies_open_then(reach_world):
    engine, world = reach_world
    pid = _someone_in(engine, SURABAYA)
    earlier = world.today - dt.timedelta(days=60)
    then = match_participant(engine, pid, ItemFilters(reach=False), k=200, as_of=earlier)
    now = match_participant(engine, pid, ItemFilters(reach=False), k=200)
    assert then.data_as_of == earlier.date() and now.data_as_of == dt.datetime.now(dt.UTC).date()
    with engine.connect() as connection:
        rows = {v.id: v for v in connection.execute(select(Vacancy.id, Vacancy.first_seen, Vacancy.expires_at)).all()}
    assert all(rows[r.vacancy_id].first_seen <= earlier < rows[r.vacancy_id].expires_at for r in then)
    assert {r.vacancy_id for r in then} != {r.vacancy_id for r in now}  # vacancies expired since then come back


def test_the_step_choice_rules():
    """Pure rules of chosen_steps: widen for nothing placed; a commute widens (within the province) for more connected."""
    from recommender.reach import ENOUGH_CONNECTED, chosen_steps

    distance = np.array([5.0, 40.0, 40.0, 400.0, np.nan])
    same_province = np.array([True, True, True, False, False])
    remote = np.array([False, False, False, False, True])
    commute = Reach("commute", 25)
    masks = [step.mask(distance, same_province, remote) for step in commute.steps()]
    near_only = np.array([[True, False, False, False, False]])
    province_more = np.array([[False, True, True, False, False]])
    far_only = np.array([[False, False, False, True, False]])
    assert chosen_steps(commute, masks, remote, None).tolist() == [0]
    assert chosen_steps(commute, masks, remote, near_only).tolist() == [0]
    assert chosen_steps(commute, masks, remote, province_more).tolist() == [1]  # the province holds more that fit
    assert chosen_steps(commute, masks, remote, far_only).tolist() == [0]  # never "anywhere" for connection
    assert ENOUGH_CONNECTED >= 1
    for kind in ("province", "remote"):
        reach = Reach(kind, 25)
        kind_masks = [step.mask(distance, same_province, remote) for step in reach.steps()]
        assert chosen_steps(reach, kind_masks, remote, province_more).tolist() == [0]  # a chosen scope stays
    nothing_near = np.array([np.nan, 400.0, 400.0, 400.0, np.nan])
    masks = [step.mask(nothing_near, np.zeros(5, bool), remote) for step in commute.steps()]
    assert chosen_steps(commute, masks, remote, None).tolist() == [2]  # no placed vacancy near or in the province: anywhere
