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
from recommender.connection import connecting
from recommender.models.grounded import EVIDENCE_APPLICANTS, LOWER_TIER
from recommender.participant_list import match_participant
from recommender.registry import load_run, record_run
from recommender.serving_state import MODEL_CACHE

EVERYWHERE = ItemFilters(reach=False)


def test_only_specific_shared_names_connect():
    assert connecting("skill=welding") and connecting("word=barista") and connecting("occ=721") and connecting("occ=7212")
    assert not connecting("occ=7") and not connecting("occ=72") and not connecting("reg=3578") and not connecting("prov=35")


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
    model = Grounded(base="content", distance_weight=0.0).fit(dataset)
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
    assert model.distance_weight_ >= 0 and set(model.validation_["validation_ndcg@10"]) >= {0.0, 1.0}
    assert model.distance_weight_ == pytest.approx(model.validation_["distance_factor"] * model.validation_["spread"])
    run = record_run(engine, model, dataset)
    loaded = load_run(engine, run).model
    users = np.arange(5)
    np.testing.assert_allclose(loaded.score(dataset, users), model.score(dataset, users), rtol=1e-6)
    fixed = Grounded(base="content", distance_weight=0.5).fit(dataset)
    assert fixed.distance_weight_ == 0.5 and fixed.validation_ == {}


def test_a_bad_base_is_a_user_error(world, engine):
    with pytest.raises(UserError, match="unknown base model"):
        Grounded(base="nope").fit(load_dataset(engine))
