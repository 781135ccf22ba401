"""One path: a participant's served list is ``model.recommend`` on a dataset of that participant.

For many participants, filter sets and every kind of model, the list the API
and the dashboard serve (:func:`recommender.participant_list.match_participant`
on the catalogue index) and ``model.recommend`` on :func:`load_dataset` give
the same vacancies in the same order and scores equal within float32 rounding;
the participant's feature row is the same whether read alone or in a batch.
"""

from __future__ import annotations


import numpy as np
import pytest

from prakerja.columns import Columns
from recommender.feedback import record_feedback
from recommender.features import load_dataset, load_participants
from recommender.filters import ItemFilters
from recommender.models import Blend
from recommender.participant_list import match_participant
from recommender.participant_reads import read_participant
from recommender.serving_state import ModelCache, ServingState, load_catalogue, serving_state
from tests.worlds import SMALL

SAMPLED = list(range(1, SMALL[0], 29))  # participants whose lists are compared
FILTERS = [
    (ItemFilters(), 10),
    (ItemFilters(radius_km=60), 25),
    (ItemFilters(province_only=True, remote_allowed=False), 5),
    (ItemFilters(same_regency=True), 8),
    (ItemFilters(min_wage=3_000_000, employment_types=("fullTime", "contract")), 15),
]


class FixedCache(ModelCache):
    """A cache that serves one given model over the catalogue (as a promoted run would be served)."""

    def __init__(self, engine, model) -> None:
        super().__init__()
        self.state = serving_state(engine, model, 7, load_catalogue(engine), ("fixed",))

    def get(self, engine) -> ServingState:
        return self.state


MODELS = {
    "blend": ("blend", {"lightfm": {"epochs": 3, "num_threads": 1}}),
    "blend-rank": ("blend", {"normalization": "rank", "lightfm": {"epochs": 2, "num_threads": 1}}),
    "lightfm": ("lightfm", {"epochs": 3, "num_threads": 1}),
    "content": ("content", {}),
    "popularity": ("popularity", {}),
    "random": ("random", {}),
    "grounded": ("grounded", {"base_params": {"lightfm": {"epochs": 3, "num_threads": 1}}}),
}


@pytest.fixture(scope="module")
def demo(demo_worlds):
    """The shared small demo world (SQLite) with every kind of model fitted."""
    world = demo_worlds.get("sqlite", SMALL)
    return world.engine, {name: demo_worlds.model(world, algorithm, **params) for name, (algorithm, params) in MODELS.items()}


@pytest.fixture(scope="module")
def one_participant_datasets(demo):
    """``load_dataset`` of one participant, per participant id, read once for every model (recommend only reads it)."""
    engine, _ = demo
    return {pid: load_dataset(engine, participant_ids=[pid]) for pid in SAMPLED}


def same_lists(engine, model, participant_ids, filters=FILTERS, datasets=None) -> int:
    """Compare served lists with ``model.recommend`` for every participant and filter set; returns how many were compared.

    ``datasets`` holds each participant's ``load_dataset`` when already read (read here otherwise).
    """
    cache = FixedCache(engine, model)
    compared = 0
    for pid in participant_ids:
        dataset = datasets[pid] if datasets else load_dataset(engine, participant_ids=[int(pid)])
        for item_filters, k in filters:
            served = match_participant(engine, int(pid), item_filters, k, cache=cache)
            assert all(r.model_run_id == 7 for r in served)
            reference = model.recommend([int(pid)], dataset, k=k + 10, filters=item_filters)  # past the end: near-ties
            assert_same_ranking([(r.vacancy_id, r.score) for r in served], reference, k, (pid, item_filters))
            compared += len(served)
    return compared


def assert_same_ranking(served: list[tuple[int, float]], reference, k: int, where) -> None:
    """``served`` is the head of ``reference``: the same vacancies in the same order, scores within float32 rounding.

    Vacancies whose scores differ by less than that rounding may trade places
    (also with the first ones past the list); ties go by the model's order.
    """
    ids, scores = reference[Columns.Item].to_numpy(), reference[Columns.Score].to_numpy(np.float64)
    assert len(served) == min(k, len(ids)), where
    for position, (vacancy_id, score) in enumerate(served):
        if vacancy_id != ids[position]:
            near = np.flatnonzero(np.abs(scores - scores[position]) < 1e-4)
            assert vacancy_id in set(ids[near]), (where, position)
        reference_score = scores[list(ids).index(vacancy_id)]
        np.testing.assert_allclose(score, reference_score, rtol=1e-5, atol=1e-5, err_msg=str(where))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["blend", "blend-rank", "lightfm", "content", "popularity", "random", "grounded"])
def test_served_lists_equal_the_models_recommend(demo, one_participant_datasets, name):
    engine, models = demo
    assert same_lists(engine, models[name], SAMPLED, datasets=one_participant_datasets) > 100


def test_one_participant_read_alone_has_the_row_of_the_batch(demo):
    engine, _ = demo
    batch = load_participants(engine)
    for pid in range(1, SMALL[0] + 1, 3):
        got = read_participant(engine, pid).features
        row = batch.features.rows(batch.id_map.to_internal([pid]))
        expected = dict(zip(row.names[row.matrix.indices], row.matrix.data))
        assert dict(zip(got.names[got.matrix.indices], got.matrix.data)) == expected
        assert got.matrix.data.dtype == np.float32


def test_served_path_on_both_databases_and_after_feedback(shared_world):
    """The hand-built world on SQLite and PostgreSQL (one pipelined round trip there); dismissals leave at once."""
    engine, _ = shared_world
    model = Blend(lightfm={"epochs": 3, "num_threads": 1}).fit(load_dataset(engine))
    assert same_lists(engine, model, [1, 2, 3, 4]) > 10
    cache = FixedCache(engine, model)
    first = match_participant(engine, 4, ItemFilters(), 5, cache=cache)[0].vacancy_id
    record_feedback(engine, 4, first, "dismissed")
    assert first not in {r.vacancy_id for r in match_participant(engine, 4, ItemFilters(), 5, cache=cache)}
    assert read_participant(engine, 999_999) is None


def test_per_request_reads_keep_psycopgs_prepared_statements(shared_world):
    """The checks a worker runs between requests leave no transaction to roll back on a pooled connection.

    psycopg forgets every prepared statement of a connection on ROLLBACK, and
    the participant's four queries would be planned again on every request.
    """
    from prakerja.db import make_engine
    from recommender.serving_state import catalogue_version
    from recommender.registry import promoted_run_key
    from prakerja_api.keys import revoked_prefixes, verify_key

    engine, _ = shared_world
    if engine.dialect.driver != "psycopg":
        pytest.skip("prepared statements are psycopg's")
    single = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
    single.pool._max_overflow = 0  # every use takes the one pooled connection
    try:
        for _ in range(7):  # the read's one statement is prepared at once (others on their 5th execution)
            read_participant(single, 1)
        with single.connect() as connection:
            prepared = connection.connection.driver_connection._prepared
            names = dict(prepared._names)
        assert any(b"json_agg" in key[0] for key in names), "the participant read is prepared"
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
