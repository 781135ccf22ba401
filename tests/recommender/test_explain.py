"""Explanations on a hand-built case, and score decompositions that add up exactly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert, select

from prakerja.db import transaction
from prakerja.models import Enrollment, Participant, ParticipantSkill, Regency, Skill, Vacancy, VacancySkill
from recommender.explain import DECLARED
from recommender.features import load_dataset
from recommender.filters import haversine_km
from recommender.models import Blend, ContentSimilarity, LightFMHybrid
from recommender.participant_list import match_participant

ALL_TERMS = 10_000


@pytest.fixture(scope="module")
def case(shared_world):
    """Participant 9001 in Surabaya (wage Rp1.500.000): welding from a course, forklift declared.

    Vacancy 9001 in Sidoarjo asks welding, forklift and first aid (required) and
    offers up to Rp5.000.000.
    """
    engine, world = shared_world
    with transaction(engine) as session:
        session.execute(insert(Skill), [{"id": 901, "slug": "forklift", "name_id": "Forklift", "name_en": "forklift", "kind": "hard"},
                                        {"id": 902, "slug": "first-aid", "name_id": "P3K", "name_en": "first aid", "kind": "hard"}])
        session.execute(insert(Participant), [{
            "id": 9001, "pseudonym": "P-CASE", "birth_year": 1990, "gender": "M", "disability": False, "education": "smk",
            "regency_code": "3578", "wave": 3, "registered_on": dt.date(2020, 5, 1), "employment_status": "employed",
            "wage_before_idr": 1_500_000, "turnover_before_idr": None, "prior_occupation_code": None,
            "first_time_trainee": True, "incentive_paid_idr": 2_400_000}])
        session.execute(insert(Enrollment), [{"participant_id": 9001, "course_id": world.courses["welder"], "started_on": dt.date(2020, 6, 1),
                                              "completed_on": dt.date(2020, 6, 20), "certificate": True}])
        session.execute(insert(ParticipantSkill), [{"participant_id": 9001, "skill_id": 901}])
        posted = world.today - dt.timedelta(days=3)
        session.execute(insert(Vacancy), [{
            "id": 9001, "title": "Welder Gudang", "title_norm": "welder gudang", "company": "PT Kasus", "company_norm": "pt kasus",
            "location_kind": "regency", "regency_code": "3515", "province_code": "35", "remote": False,
            "salary_min_idr": 4_000_000, "salary_max_idr": 5_000_000, "employment_types": "fullTime", "occupation_code": "7212",
            "posted_at": posted, "expires_at": posted + dt.timedelta(days=30), "first_seen": posted, "last_seen": posted, "status": "active"}])
        session.execute(insert(VacancySkill), [{"vacancy_id": 9001, "skill_id": world.skills["welding"], "required": True},
                                               {"vacancy_id": 9001, "skill_id": 901, "required": True},
                                               {"vacancy_id": 9001, "skill_id": 902, "required": True}])
    dataset = load_dataset(engine)
    model = LightFMHybrid(epochs=10, num_threads=1).fit(dataset)
    return engine, dataset, model


def _sides(model, dataset, user_id):
    user = dataset.user_id_map.to_internal([user_id])
    return model.user_side(dataset.users(user)), model.catalogue_side(dataset), user


def test_hand_built_explanation(case):
    engine, dataset, model = case
    why = next(r for r in match_participant(engine, 9001, k=50, model=model) if r.vacancy_id == 9001)
    assert ("Welding", "Pelatihan Juru Las SMAW") in why.matched_skills
    assert ("Forklift", DECLARED) in why.matched_skills
    assert why.missing_skills == ["P3K"]
    with engine.connect() as connection:
        coords = {code: (lat, lon) for code, lat, lon in connection.execute(select(Regency.code, Regency.latitude, Regency.longitude))}
    expected_km = haversine_km(*coords["3578"], *coords["3515"])  # Kota Surabaya -> Kabupaten Sidoarjo
    assert 15 < expected_km < 30
    assert why.distance_km == pytest.approx(float(expected_km), abs=0.05)
    assert why.wage_before == 1_500_000 and why.wage_gain == 3_500_000
    assert 1 <= len(why.contributions) <= 5


def test_lightfm_decomposition_adds_up_to_the_score(case):
    """Every pair and vacancy-bias term, plus the participant's own biases (equal for every vacancy), is the score."""
    _, dataset, model = case
    users, items, user = _sides(model, dataset, 9001)
    baseline = float((users.matrix[0] @ model.model_.user_biases)[0])
    rows = dataset.item_id_map.to_internal([9001, 1, 2, 3])
    for terms, row in zip(model.score_terms(users, items, rows, ALL_TERMS), rows):
        assert sum(v for _, v in terms) + baseline == pytest.approx(float(model.score(dataset, user, [row])[0, 0]), abs=1e-4)
    names = [n for n, _ in model.score_terms(users, items, rows[:1], ALL_TERMS)[0]]
    assert any("skill=welding x" in n for n in names)  # pairs are named by participant and vacancy features


def test_content_decomposition_adds_up_and_names_the_shared_skills(case):
    _, dataset, _ = case
    model = ContentSimilarity().fit(dataset)
    users, items, user = _sides(model, dataset, 9001)
    row = dataset.item_id_map.to_internal([9001])
    terms = model.score_terms(users, items, row, ALL_TERMS)[0]
    assert sum(v for _, v in terms) == pytest.approx(float(model.score(dataset, user, row)[0, 0]), abs=1e-5)
    assert {"skill=welding", "skill=forklift"} <= {n for n, _ in terms}
    assert "skill=first-aid" not in {n for n, _ in terms}


def test_blend_shows_both_parts(case):
    _, dataset, _ = case
    model = Blend(lightfm={"epochs": 5, "num_threads": 1}).fit(dataset)
    users, items, _ = _sides(model, dataset, 9001)
    terms = model.score_terms(users, items, dataset.item_id_map.to_internal([9001]), 5)[0]
    names = [n for n, _ in terms]
    assert any(n.startswith("lightfm: ") for n in names) and any(n.startswith("content: ") for n in names)
    assert np.isfinite([v for _, v in terms]).all()
