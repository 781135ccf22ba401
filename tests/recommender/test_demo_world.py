"""The recommender on a small calibrated demo world (prakerja.demo): the default blend learns real signal."""

from __future__ import annotations

import pytest

from recommender.database_evaluation import database_split
from recommender.evaluation import recommend_for_split
from recommender.filters import ItemFilters
from recommender.participant_list import match_participant
from recommender.serving_state import MODEL_CACHE
from recommender.metrics import NDCG
from prakerja.columns import Columns
from recommender.models import Blend, ContentSimilarity, LightFMHybrid, Popularity, Random
from tests.worlds import MEDIUM


@pytest.fixture(scope="module")
def demo(demo_worlds):
    """The shared 2,000-participant demo world on SQLite (the models do not depend on the database)."""
    return demo_worlds.get("sqlite", MEDIUM).engine


@pytest.mark.slow
def test_default_blend_beats_the_id_baselines_on_a_temporal_split(demo):
    split = database_split(demo)
    ndcg = {}
    for name, model in {"blend": Blend(lightfm={"epochs": 10}), "popularity": Popularity(), "random": Random()}.items():
        reco = recommend_for_split(model.fit(split.train_dataset), split, 10)
        ndcg[name] = NDCG(10).calc(reco, split.test)
    assert ndcg["blend"] > ndcg["popularity"] and ndcg["blend"] > 2 * ndcg["random"], ndcg


def test_matching_on_the_demo_world_uses_the_participants_trainings(demo):
    MODEL_CACHE.clear()
    results = match_participant(demo, 1, ItemFilters(), 5)
    assert len(results) == 5 and all(r.model_run_id is None for r in results)  # content fallback: nothing promoted
    assert any(r.matched_skills for r in results)
    MODEL_CACHE.clear()


#: The stand-alone LightFM before the fix (docs/evaluation.md): ids on users, rows normalised as a whole,
#: negatives sampled among every vacancy (the later, cold ones included), independent embedding starts.
LIGHTFM_BEFORE = {"user_identity": True, "normalize": "rows", "train_items": "all", "align_shared": 0.0, "no_components": 32, "learning_rate": 0.05, "epochs": 20}


def test_default_lightfm_ranks_cold_vacancies_from_features(demo):
    """Most test vacancies are new: the default LightFM must rank them from features, far above the old set-up and popularity."""
    split = database_split(demo)
    cold = split.test[split.test[Columns.Item].isin(split.cold_items)]
    ndcg = {}
    for name, model in {
        "lightfm": LightFMHybrid(num_threads=1),
        "before": LightFMHybrid(**LIGHTFM_BEFORE, num_threads=1),
        "content": ContentSimilarity(),
        "popularity": Popularity(),
    }.items():
        reco = recommend_for_split(model.fit(split.train_dataset), split, 10)
        ndcg[name] = (NDCG(10).calc(reco, split.test), NDCG(10).calc(reco, cold))
    assert ndcg["lightfm"][1] > 2 * ndcg["before"][1], ndcg
    assert ndcg["lightfm"][0] > ndcg["popularity"][0] and ndcg["lightfm"][1] > 0.8 * ndcg["content"][1], ndcg
