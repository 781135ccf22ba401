"""Model runs: record, promote, load; artifacts that do not fit are refused clearly."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sqlalchemy import select

from prakerja.errors import UserError
from prakerja.models import ModelRun
from recommender.dataset import Dataset, Features
from recommender.models import ContentSimilarity, Grounded, LightFMHybrid, Popularity
from recommender.registry import ArtifactMismatch, load_promoted, load_run, promote, promoted_run_id, record_run
from recommender.features import load_dataset


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(tmp_path / "models"))
    return tmp_path / "models"


def test_record_promote_and_load(engine, world, artifacts):
    dataset = load_dataset(engine)
    first = record_run(engine, LightFMHybrid(epochs=3, num_threads=1).fit(dataset), dataset, metrics={"ndcg@10": np.float32(0.25)})
    second = record_run(engine, Popularity().fit(dataset), dataset, promote=True)
    assert load_promoted(engine).run_id == second
    promote(engine, first)
    assert promoted_run_id(engine) == first
    with engine.connect() as connection:
        rows = connection.execute(select(ModelRun.id, ModelRun.algorithm, ModelRun.params, ModelRun.metrics, ModelRun.promoted,
                                         ModelRun.artifact_path, ModelRun.data_fingerprint).order_by(ModelRun.id)).all()
    assert [(r.algorithm, r.promoted) for r in rows] == [("lightfm", True), ("popularity", False)]
    assert rows[0].params["epochs"] == 3 and rows[0].metrics == {"ndcg@10": pytest.approx(0.25)}
    assert rows[0].data_fingerprint == dataset.fingerprint()
    assert all(str(artifacts) in r.artifact_path for r in rows)
    loaded = load_promoted(engine, dataset)
    users = dataset.user_id_map.external_ids[:3]
    original = pickle.loads(pickle.dumps(loaded.model))  # a round trip keeps the fitted state
    assert loaded.model.recommend(users, dataset, k=5).equals(original.recommend(users, dataset, k=5))


def test_no_promoted_run_and_unknown_runs(engine, artifacts):
    assert load_promoted(engine) is None
    with pytest.raises(UserError, match="no model run with id 42"):
        promote(engine, 42)
    with pytest.raises(UserError, match="no model run with id 42"):
        load_run(engine, 42)


def test_missing_or_corrupt_artifact_is_a_clear_error(engine, world, artifacts):
    dataset = load_dataset(engine)
    run = record_run(engine, ContentSimilarity().fit(dataset), dataset, promote=True)
    path = next(artifacts.glob("*.pkl"))
    path.write_bytes(b"not a pickle")
    with pytest.raises(ArtifactMismatch, match="cannot be read"):
        load_run(engine, run)
    path.unlink()
    with pytest.raises(ArtifactMismatch, match="missing"):
        load_promoted(engine)
    with pytest.raises(ArtifactMismatch, match="no artifact file"):
        promote(engine, run)


def test_artifact_for_another_catalogue_is_refused(engine, world, artifacts):
    dataset = load_dataset(engine)
    record_run(engine, ContentSimilarity().fit(dataset), dataset, promote=True)
    renamed = Features(dataset.item_features.matrix, np.asarray([f"other={i}" for i in range(dataset.item_features.n_features)], dtype=object))
    other = Dataset(dataset.user_id_map, dataset.item_id_map, dataset.interactions, dataset.user_features, renamed)
    with pytest.raises(ArtifactMismatch, match="another catalogue"):
        load_promoted(engine, other)
    assert load_promoted(engine, dataset).check_compatible(dataset) == 1.0


def test_serving_falls_back_to_content_then_follows_promotions(engine, world, artifacts):
    from recommender.filters import ItemFilters
    from recommender.participant_list import match_participant
    from recommender.serving_state import MODEL_CACHE

    MODEL_CACHE.clear()
    fallback = match_participant(engine, 1, ItemFilters(), 3)
    assert fallback and all(r.model_run_id is None for r in fallback)
    served = MODEL_CACHE.get(engine).model
    assert isinstance(served, Grounded) and isinstance(served.base_, ContentSimilarity)  # content with the connection rule
    dataset = load_dataset(engine)
    run = record_run(engine, Popularity().fit(dataset), dataset, promote=True)
    assert all(r.model_run_id == run for r in match_participant(engine, 1, ItemFilters(), 3))
    assert isinstance(MODEL_CACHE.get(engine).model, Popularity)
    MODEL_CACHE.clear()
