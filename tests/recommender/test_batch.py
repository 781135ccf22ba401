"""score-all: every participant's top-K in the recommendations table, locally and on a Dask LocalCluster."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from prakerja.errors import UserError
from prakerja.models import Recommendation
from recommender.batch import DaskExecutor, score_all
from recommender.dataset import Dataset
from recommender.filters import ItemFilters
from recommender.models import LightFMHybrid
from recommender.registry import record_run
from recommender.features import load_dataset


def promote_lightfm(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(tmp_path / "models"))
    dataset = load_dataset(engine)
    model = LightFMHybrid(epochs=5, num_threads=1).fit(dataset)
    run_id = record_run(engine, model, dataset, promote=True)
    return engine, dataset, model, run_id


@pytest.fixture
def promoted(engine, world, tmp_path, monkeypatch):
    """A promoted LightFM model on both databases."""
    return promote_lightfm(engine, tmp_path, monkeypatch)


@pytest.fixture
def promoted_sqlite(sqlite_world, tmp_path, monkeypatch):
    """A promoted LightFM model on SQLite (for what does not depend on the database)."""
    return promote_lightfm(sqlite_world[0], tmp_path, monkeypatch)


def stored(engine) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Recommendation.model_run_id, Recommendation.participant_id, Recommendation.vacancy_id, Recommendation.rank, Recommendation.score)
        ).all()
    return pd.DataFrame(rows, columns=["run", "user", "item", "rank", "score"]).sort_values(["user", "rank"]).reset_index(drop=True)


def test_score_all_writes_every_participants_filtered_top_k(promoted):
    engine, dataset, model, run_id = promoted
    report = score_all(engine, k=4, chunk_size=50)
    table = stored(engine)
    assert report.participants == dataset.n_users and report.rows == len(table) == 4 * dataset.n_users
    assert (table["run"] == run_id).all() and set(table["rank"]) == {1, 2, 3, 4}
    expected = model.recommend(dataset.user_id_map.external_ids, dataset, k=4, filters=ItemFilters())
    # the same lists as recommend() (items with equal scores may swap places)
    assert table["user"].tolist() == expected["user_id"].tolist()
    assert table["score"].to_numpy() == pytest.approx(expected["score"].to_numpy(), abs=1e-5)
    rows = dataset.user_id_map.to_internal(table["user"].to_numpy())
    cols = dataset.item_id_map.to_internal(table["item"].to_numpy())
    own = model.score(dataset, rows, cols)[range(len(rows)), range(len(rows))]
    assert own == pytest.approx(table["score"].to_numpy(), abs=1e-5)
    score_all(engine, k=2)  # a second run replaces the run's lists
    assert len(stored(engine)) == 2 * dataset.n_users


def test_score_all_needs_a_promoted_model(engine, world):
    with pytest.raises(UserError, match="no promoted model"):
        score_all(engine)
    with pytest.raises(UserError, match="k must be"):
        score_all(engine, k=0)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_lists(promoted_sqlite):
    from distributed import LocalCluster

    engine = promoted_sqlite[0]
    score_all(engine, k=3, chunk_size=60)
    local = stored(engine)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True) as cluster:
        report = score_all(engine, k=3, chunk_size=60, scheduler=cluster.scheduler_address)
    assert report.executor == "dask"
    pd.testing.assert_frame_equal(stored(engine)[["user", "rank"]], local[["user", "rank"]])
    assert stored(engine)["score"].to_numpy() == pytest.approx(local["score"].to_numpy(), abs=1e-5)


def test_unreachable_scheduler_is_a_user_error():
    with pytest.raises(UserError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s")
