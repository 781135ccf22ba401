"""The serving index answers what the generic path answers: same features, ranks and reasons; scores up to rounding."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from prakerja.db import make_engine, transaction
from prakerja.demo import generate_world
from prakerja.migrate import upgrade
from prakerja.reference.loader import load_reference
from recommender.dataset import Dataset, Features
from recommender.features import load_participants
from recommender.matching import MatchFilters, ModelCache, ServingState, load_catalogue, match_participant, record_feedback, serving_index
from recommender.models import Blend, ContentSimilarity, LightFMHybrid
from recommender.serving_index import read_participant

FILTERS = [
    MatchFilters(k=10),
    MatchFilters(k=25, radius_km=60),
    MatchFilters(k=5, province_only=True, remote_allowed=False),
    MatchFilters(k=8, same_regency=True),
    MatchFilters(k=15, min_wage=3_000_000, employment_types=("fullTime", "contract")),
]


class FixedCache(ModelCache):
    """A cache that serves one given model over the catalogue (as a promoted run would be served)."""

    def __init__(self, engine, model) -> None:
        super().__init__()
        catalogue = load_catalogue(engine)
        self.state = ServingState(model, 7, catalogue, ("fixed",), time.monotonic(), serving_index(engine, model, catalogue))

    def get(self, engine) -> ServingState:
        return self.state


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A 400-participant demo world (SQLite) with three fitted models."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('served') / 'demo.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    generate_world(engine, participants=400, seed=5)
    dataset = Dataset.from_database(engine)
    models = {
        "blend": Blend(lightfm={"epochs": 3, "num_threads": 1}).fit(dataset),
        "lightfm": LightFMHybrid(epochs=3, num_threads=1).fit(dataset),
        "content": ContentSimilarity().fit(dataset),
    }
    yield engine, models
    engine.dispose()


def _same_answers(engine, model, participant_ids, filters=FILTERS) -> int:
    cache = FixedCache(engine, model)
    assert cache.state.index is not None and cache.state.index.fast
    compared = 0
    for pid in participant_ids:
        for f in filters:
            served = [r.to_dict() for r in match_participant(engine, int(pid), f, cache=cache)]
            longer = dataclasses.replace(f, k=f.k + 10)  # what lies just past the list decides near-ties at its end
            generic = [r.to_dict() for r in match_participant(engine, int(pid), longer, model=model, cache=cache)]
            for r in served:
                assert r.pop("model_run_id") == 7
            for r in generic:
                assert r.pop("model_run_id") is None
            assert_same_results(served, generic, f.k, (pid, f))
            compared += len(served)
    return compared


def assert_same_results(served: list[dict], generic: list[dict], k: int, where) -> None:
    """``served`` (``k`` long at most) is the head of ``generic``; scores and score shares equal up to float32 rounding.

    A z-score blend takes its per-participant mean and spread from the items'
    moments when served, and from scoring every item in the generic path: the
    same numbers up to rounding. Vacancies whose scores differ by less than
    that rounding may trade places (also with the first ones past the list);
    everything else must be identical.
    """
    assert len(served) == min(k, len(generic)), where
    scores = np.array([r["score"] for r in generic])
    near = lambda position: np.flatnonzero(np.abs(scores - scores[position]) < 1e-4)  # noqa: E731
    for position, mine in enumerate(served):
        theirs = generic[position]
        if mine["vacancy_id"] != theirs["vacancy_id"]:
            ties = {generic[p]["vacancy_id"]: generic[p] for p in near(position)}
            assert mine["vacancy_id"] in ties, (where, position)
            theirs = ties[mine["vacancy_id"]]
        np.testing.assert_allclose(mine["score"], theirs["score"], rtol=1e-5, atol=1e-5, err_msg=str(where))
        for key in mine:
            if key not in ("score", "rank", "contributions"):
                assert mine[key] == theirs[key], (where, key)
        mine_shares, their_shares = dict(mine["contributions"]), dict(theirs["contributions"])
        for name in set(mine_shares) & set(their_shares):
            np.testing.assert_allclose(mine_shares[name], their_shares[name], rtol=1e-4, atol=2e-6)
        assert len(set(mine_shares) ^ set(their_shares)) <= 2, where  # the 5th share may trade with the 6th


@pytest.mark.parametrize("name", ["blend", "lightfm", "content"])
def test_served_answers_equal_the_generic_path(demo, name):
    engine, models = demo
    assert _same_answers(engine, models[name], range(1, 400, 23)) > 100


def test_served_features_equal_the_training_features(demo):
    engine, _ = demo
    for pid in range(1, 401, 3):
        part = load_participants(engine, participant_ids=[pid])
        expected = Features.from_long(part.features, part.id_map)
        got = read_participant(engine, pid).features
        assert list(got.names) == list(expected.names)
        assert np.array_equal(got.matrix.indices, expected.matrix.indices)
        assert np.array_equal(got.matrix.data, expected.matrix.data)
        assert got.matrix.data.dtype == expected.matrix.data.dtype


def test_served_path_on_both_databases_and_after_feedback(shared_world):
    """The hand-built world on SQLite and PostgreSQL (one pipelined round trip there); dismissals leave at once."""
    engine, _ = shared_world
    model = Blend(lightfm={"epochs": 3, "num_threads": 1}).fit(Dataset.from_database(engine))
    assert _same_answers(engine, model, [1, 2, 3, 4]) > 10
    cache = FixedCache(engine, model)
    first = match_participant(engine, 4, MatchFilters(k=5), cache=cache)[0].vacancy_id
    record_feedback(engine, 4, first, "dismissed")
    assert first not in {r.vacancy_id for r in match_participant(engine, 4, MatchFilters(k=5), cache=cache)}
    assert read_participant(engine, 999_999) is None


@pytest.mark.parametrize("normalize", ["rows", "none"])
def test_participant_vectors_built_in_numpy_equal_scipys(demo, normalize):
    """The served participant rows and vectors equal, bit for bit and in storage order, the model's scipy steps."""
    engine, models = demo
    model = Blend(lightfm={"epochs": 1, "num_threads": 1, "normalize": normalize}).fit(Dataset.from_database(engine))
    index = serving_index(engine, model, load_catalogue(engine))
    for pid in range(1, 401, 2):
        rows = read_participant(engine, pid)
        fast, slow = index.lightfm.user(rows), index.lightfm.user_via_scipy(rows)
        assert np.array_equal(fast.matrix.indices, slow.matrix.indices) and np.array_equal(fast.matrix.data, slow.matrix.data)
        assert np.array_equal(fast.vector, slow.vector)
        fast, slow = index.content.user(rows), index.content.user_via_scipy(rows)
        assert np.array_equal(fast.indices, slow.indices) and np.array_equal(fast.data, slow.data)


def test_per_request_reads_keep_psycopgs_prepared_statements(shared_world):
    """The checks a worker runs between requests leave no transaction to roll back on a pooled connection.

    psycopg forgets every prepared statement of a connection on ROLLBACK, and
    the participant's four queries would be planned again on every request.
    """
    from prakerja.db import make_engine
    from recommender.matching import catalogue_version
    from recommender.registry import promoted_run_key
    from prakerja_api.keys import revoked_prefixes, verify_key

    engine, _ = shared_world
    if engine.dialect.driver != "psycopg":
        pytest.skip("prepared statements are psycopg's")
    single = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
    single.pool._max_overflow = 0  # every use takes the one pooled connection
    try:
        for _ in range(7):  # psycopg prepares a statement on its 5th execution
            read_participant(single, 1)
        with single.connect() as connection:
            prepared = connection.connection.driver_connection._prepared
            names = dict(prepared._names)
        assert len(names) >= 4
        for _ in range(3):
            promoted_run_key(single)
            catalogue_version(single)
            revoked_prefixes(single)
            verify_key(single, "prk_0123456789_" + "x" * 43)
            read_participant(single, 1)
        with single.connect() as connection:
            assert connection.connection.driver_connection._prepared._names == names
    finally:
        single.dispose()
