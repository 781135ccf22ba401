"""Serving functions used by the API and the dashboard: match, feedback, next training, the model cache."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from prakerja.errors import UserError
from prakerja.models import Interaction
from recommender.dataset import Dataset
from recommender.feedback import record_feedback
from recommender.filters import ItemFilters
from recommender.next_training import suggest_next_training
from recommender.participant_list import match_participant
from recommender.serving_state import MODEL_CACHE
from recommender.models import Blend, Popularity
from recommender.registry import record_run
from recommender.features import load_dataset


@pytest.fixture(scope="module")
def served(shared_world, tmp_path_factory):
    """The shared world with a promoted blend model."""
    engine, world = shared_world
    patch = pytest.MonkeyPatch()
    patch.setenv("PRAKERJA_ARTIFACT_DIR", str(tmp_path_factory.mktemp("models")))
    MODEL_CACHE.clear()
    dataset = load_dataset(engine)
    run_id = record_run(engine, Blend(lightfm={"epochs": 10, "num_threads": 1}).fit(dataset), dataset, promote=True)
    yield engine, world, run_id
    MODEL_CACHE.clear()
    patch.undo()


def test_match_gives_ranked_explained_vacancies_of_the_participants_trade(served):
    engine, world, run_id = served
    # region weighs most in the default blend (people take jobs near home), so compare within the place
    results = match_participant(engine, 1, ItemFilters(same_regency=True, remote_allowed=False), 5)
    assert [r.rank for r in results] == [1, 2, 3, 4, 5]
    assert all(r.model_run_id == run_id for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    trades = [world.vacancies[r.vacancy_id] for r in results]
    assert trades[0] == "welder" and trades == sorted(trades, key=lambda t: t != "welder")  # participant 1 is a welder
    top = results[0]
    assert top.title and top.company and top.matched_skills and top.contributions
    assert all(course == "Pelatihan Juru Las SMAW" for _, course in top.matched_skills)
    data = top.to_dict()
    assert isinstance(data["posted_at"], str) and data["employment_types"]


def test_match_respects_filters(served):
    engine, _, _ = served
    results = match_participant(engine, 2, ItemFilters(min_wage=6_000_000, employment_types=("fullTime",)), 20)
    assert results
    assert all(max(r.salary_max or 0, r.salary_min or 0) >= 6_000_000 and "fullTime" in r.employment_types for r in results)
    local = match_participant(engine, 2, ItemFilters(same_regency=True, remote_allowed=False), 20)
    assert all(r.distance_km == 0.0 for r in local)


def test_feedback_is_idempotent_and_dismissed_vacancies_disappear(served):
    engine, _, run_id = served
    participant = 3
    before = match_participant(engine, participant, ItemFilters(), 5)
    dismissed = before[0].vacancy_id
    first = record_feedback(engine, participant, dismissed, "dismissed", client_key="key-3-a", model_run_id=run_id)
    again = record_feedback(engine, participant, dismissed, "dismissed", client_key="key-3-a", model_run_id=run_id)
    assert first == again
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.client_key == "key-3-a")) == 1
    after = match_participant(engine, participant, ItemFilters(), 5)
    assert dismissed not in {r.vacancy_id for r in after}
    applied = after[0].vacancy_id
    record_feedback(engine, participant, applied, "applied")
    assert applied not in {r.vacancy_id for r in match_participant(engine, participant, ItemFilters(), 5)}
    with pytest.raises(UserError, match="already used"):
        record_feedback(engine, participant, applied, "saved", client_key="key-3-a")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda e: match_participant(e, 999_999), "unknown participant id 999999"),
        (lambda e: match_participant(e, 1, ItemFilters(), 0), "k must be"),
        (lambda e: match_participant(e, 1, ItemFilters(), 5000), "k must be"),
        (lambda e: match_participant(e, "1; drop table"), "whole number"),
        (lambda e: record_feedback(e, 1, 1, "liked"), "unknown feedback kind"),
        (lambda e: record_feedback(e, 1, 999_999, "clicked"), "unknown vacancy id"),
        (lambda e: record_feedback(e, 999_999, 1, "clicked"), "unknown participant id"),
        (lambda e: suggest_next_training(e, 999_999), "unknown participant id"),
    ],
)
def test_bad_input_is_a_user_error(served, call, message):
    with pytest.raises(UserError, match=message):
        call(served[0])


def test_next_training_unlocks_vacancies_of_another_trade(served):
    engine, world, _ = served
    advice = suggest_next_training(engine, 1)  # a welder
    assert advice is not None and advice.unlocks > 0
    assert advice.course_id != world.courses["welder"]
    trade = next(t for t, c in world.courses.items() if c == advice.course_id)
    assert advice.vacancy_ids and all(world.vacancies[v] == trade for v in advice.vacancy_ids)
    assert advice.title and advice.provider == "LPK Contoh"


def test_an_explicit_model_and_the_cache(served):
    engine, _, run_id = served
    popularity = Popularity().fit(load_dataset(engine))
    results = match_participant(engine, 1, ItemFilters(), 3, model=popularity)
    assert results and all(r.model_run_id is None for r in results)
    assert MODEL_CACHE.get(engine) is MODEL_CACHE.get(engine)  # loaded once
    assert MODEL_CACHE.get(engine).run_id == run_id


def test_vacancy_details_keep_the_order_asked(served):
    from recommender.catalogue_index import vacancy_details

    engine = served[0]
    assert vacancy_details(engine, [7, 3, 5, 3]).index.tolist() == [7, 3, 5]
    assert vacancy_details(engine, [999_999]).empty
