"""The recommender on a small calibrated demo world (prakerja.demo): the default blend learns real signal."""

from __future__ import annotations

import pytest

from prakerja.db import make_engine, transaction
from prakerja.demo import generate_world
from prakerja.migrate import upgrade
from prakerja.reference.loader import load_reference
from recommender.evaluation import database_split, recommend_for_split
from recommender.matching import MODEL_CACHE, MatchFilters, match_participant
from recommender.metrics import NDCG
from recommender.models import Blend, Popularity, Random


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A 2,000-participant demo world on SQLite (the models do not depend on the database)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    generate_world(engine, participants=2_000, seed=11)
    yield engine
    engine.dispose()


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
    results = match_participant(demo, 1, MatchFilters(k=5))
    assert len(results) == 5 and all(r.model_run_id is None for r in results)  # content fallback: nothing promoted
    assert any(r.matched_skills for r in results)
    MODEL_CACHE.clear()
