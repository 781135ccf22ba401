"""The grounded ranking: a fitted distance term, and unconnected vacancies only on strong evidence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert

from prakerja.db import transaction
from prakerja.errors import UserError
from prakerja.models import Interaction
from recommender.features import load_dataset
from recommender.filters import ItemFilters
from recommender.models import Grounded, make_model
from recommender.connection import ConnectionIndex, connecting
from recommender.dataset import Features
from recommender.models.grounded import EVIDENCE_APPLICANTS, EVIDENCE_GRID, LOWER_TIER
from recommender.participant_list import match_participant
from recommender.registry import load_run, record_run
from recommender.serving_state import MODEL_CACHE

EVERYWHERE = ItemFilters(reach=False)


def test_only_specific_shared_names_connect():
    assert connecting("skill=welding") and connecting("word=barista") and connecting("occ=721") and connecting("occ=7212")
    assert not connecting("occ=7") and not connecting("occ=72") and not connecting("reg=3578") and not connecting("prov=35")
    assert connecting("prep=7212") and connecting("prep=721") and not connecting("prep=72")  # a course that prepares for it


def test_connected_vacancies_rank_first_and_the_explanation_says_so(world, engine):
    MODEL_CACHE.clear()
    dataset = load_dataset(engine)
    model = Grounded(base="content", distance_weight=0.0).fit(dataset)
    welder = next(pid for pid, trade in world.participants.items() if trade == "welder")
    results = match_participant(engine, welder, EVERYWHERE, 60, model=model)
    flags = [r.connected for r in results]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)  # no unconnected vacancy above a connected one
    assert all(world.vacancies[r.vacancy_id] == "welder" for r in results if r.connected)
    assert all(r.score < -LOWER_TIER / 2 for r in results if not r.connected)
    plain = make_model("content").fit(dataset).recommend([welder], dataset, k=60, filters=EVERYWHERE)
    assert len(plain) == len(results)  # the same candidates, only the order differs


def test_enough_similar_applicants_lift_an_unconnected_vacancy(world, engine):
    MODEL_CACHE.clear()
    welders = [pid for pid, trade in world.participants.items() if trade == "welder"]
    barista_job = next(vid for vid, trade in world.vacancies.items() if trade == "barista")
    when = world.today - dt.timedelta(days=1)
    with transaction(engine) as session:
        session.execute(insert(Interaction), [
            {"participant_id": pid, "vacancy_id": barista_job, "kind": "applied", "occurred_at": when, "client_key": None}
            for pid in welders[1:1 + EVIDENCE_APPLICANTS]
        ])
    dataset = load_dataset(engine)
    model = Grounded(base="content", distance_weight=0.0, evidence_applicants=EVIDENCE_APPLICANTS).fit(dataset)
    results = match_participant(engine, welders[0], EVERYWHERE, 200, model=model)
    lifted = next(r for r in results if r.vacancy_id == barista_job)
    assert lifted.connected is False and lifted.similar_applicants >= EVIDENCE_APPLICANTS
    assert lifted.chosen_by_similar_applicants and lifted.score > -LOWER_TIER / 2
    other_barista = [r for r in results if world.vacancies[r.vacancy_id] == "barista" and r.vacancy_id != barista_job]
    assert other_barista and all(not r.chosen_by_similar_applicants and r.score < lifted.score for r in other_barista)


def test_the_distance_weight_is_fitted_on_validation_interactions_and_survives_the_registry(world, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(tmp_path))
    dataset = load_dataset(engine)
    model = Grounded(base="content").fit(dataset)
    assert model.distance_weight_ >= 0 and set(model.validation_["validation_ndcg@10"]) >= {"0|2", "1|2", "0|20"}
    assert model.evidence_applicants_ == model.validation_["evidence_applicants"] and model.evidence_applicants_ in EVIDENCE_GRID
    assert model.distance_weight_ == pytest.approx(model.validation_["distance_factor"] * model.validation_["spread"])
    run = record_run(engine, model, dataset)
    loaded = load_run(engine, run).model
    users = np.arange(5)
    np.testing.assert_allclose(loaded.score(dataset, users), model.score(dataset, users), rtol=1e-6)
    fixed = Grounded(base="content", distance_weight=0.5, evidence_applicants=3).fit(dataset)
    assert fixed.distance_weight_ == 0.5 and fixed.evidence_applicants_ == 3 and fixed.validation_ == {}
    threshold_only = Grounded(base="content", distance_weight=0.5).fit(dataset)  # the weight kept, the threshold chosen
    assert threshold_only.distance_weight_ == pytest.approx(0.5) and threshold_only.evidence_applicants_ in EVIDENCE_GRID


def test_a_bad_base_is_a_user_error(world, engine):
    with pytest.raises(UserError, match="unknown base model"):
        Grounded(base="nope").fit(load_dataset(engine))


def test_a_course_that_prepares_for_the_occupation_connects_and_one_participant_reads_only_the_rows_asked():
    items = Features.from_pairs([
        [("occ=7212", 1.0), ("prep=7212", 1.0), ("prep=721", 0.5), ("reg=3578", 1.0)],  # welder
        [("occ=7214", 1.0), ("prep=7214", 1.0), ("prep=721", 0.5)],  # another trade of the same minor group
        [("occ=5120", 1.0), ("prep=5120", 1.0), ("prep=512", 0.5), ("skill=kopi", 1.0)],  # cook
        [("reg=3578", 1.0)],  # nothing connecting
    ])
    trained = Features.from_pairs([[("prep=7212", 1.0), ("prep=721", 0.5), ("reg=3578", 1.0)]])
    index = ConnectionIndex(items)
    assert index.connected(trained, np.arange(4)).tolist() == [[True, True, False, False]]
    assert index.connected(trained, np.array([3, 0])).tolist() == [[False, True]]
    many = Features.from_pairs([[("prep=7212", 1.0)], [("skill=kopi", 1.0)], [], [("reg=3578", 1.0)], [("occ=512", 0.5)]] * 2)
    catalogue = ConnectionIndex(Features.from_pairs([list(zip(items.names[row.indices], row.data)) for row in items.matrix] * 5))
    for rows in (np.array([2, 0, 1]), np.arange(20)):  # a few candidates, and the whole catalogue
        one_by_one = np.vstack([catalogue.connected(many.rows(np.array([r])), rows) for r in range(10)])
        np.testing.assert_array_equal(catalogue.connected(many, rows), one_by_one)  # the batch path and the request path agree
        assert one_by_one.any() and not one_by_one.all()
