"""When only time passes, a served state judges its vacancies active again without reading the table.

A reopened state must serve exactly what a full load at the same moment
serves (the active vacancies, the lists), while keeping the model's item side,
display fields and skills it already had.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from prakerja.clock import utc_now
from recommender.experiments.serving import load_snapshot, state_version
from recommender.participant_list import rank_participant, read_for_list
from recommender.filters import ItemFilters
from recommender.serving_state import ModelCache, load_catalogue, reopened_state, serving_state
from tests.worlds import SMALL


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request, demo_worlds):
    """The shared small demo world with a content model (no fitting of factors: fast)."""
    world = demo_worlds.get(request.param, SMALL)
    return world.engine, demo_worlds.model(world, "content")


def moments(engine):
    """Two moments a week apart between which some vacancies close (and, in a replay, open)."""
    catalogue = load_catalogue(engine, now=utc_now())
    opening = catalogue.opening
    ends = opening["expires_at"].dropna().sort_values()
    middle = ends.iloc[len(ends) // 2]  # about half of the dated vacancies close after this moment
    return (middle - dt.timedelta(days=3)).to_pydatetime(), (middle + dt.timedelta(days=4)).to_pydatetime()


def test_a_reopened_state_serves_what_a_full_load_at_that_moment_serves(world):
    engine, model = world
    before, after = moments(engine)
    old = serving_state(engine, model, 3, load_catalogue(engine, now=before), ("k",))
    reopened = reopened_state(old, now=after)
    loaded = serving_state(engine, model, 3, load_catalogue(engine, now=after), ("k",))
    assert not np.array_equal(old.index.active_rows, loaded.index.active_rows), "the moments must differ in what is open"
    assert np.array_equal(reopened.index.active_rows, loaded.index.active_rows)
    assert reopened.catalogue.now == after and reopened.key == old.key and reopened.run_id == 3
    # kept, not made again
    assert reopened.index.item_side is old.index.item_side and reopened.index.display is old.index.display
    assert reopened.catalogue.features is old.catalogue.features
    assert old.catalogue.now == before and len(old.index.active_rows) != len(reopened.index.active_rows)  # the old one untouched
    for participant_id in range(1, 26):
        for filters in (ItemFilters(), ItemFilters(radius_km=50), ItemFilters(province_only=True, min_wage=2_000_000)):
            rows = read_for_list(engine, participant_id, filters)
            got = rank_participant(engine, reopened, rows, filters, 10)
            want = rank_participant(engine, loaded, rows, filters, 10)
            assert [(r.vacancy_id, r.rank, r.connected) for r in got] == [(r.vacancy_id, r.rank, r.connected) for r in want]
            assert np.allclose([r.score for r in got], [r.score for r in want])
            assert (got.shown, got.empty_reason, got.data_as_of) == (want.shown, want.empty_reason, want.data_as_of)


def test_an_aged_cache_judges_active_again_and_a_changed_catalogue_loads_in_full(world):
    engine, _model = world
    cache = ModelCache(ttl_seconds=0.0)  # every call is past the time-to-live
    first = cache.get(engine)
    second = cache.get(engine)
    assert second is not first and second.catalogue.now > first.catalogue.now
    assert second.index.item_side is first.index.item_side, "only time passed: the item side is kept"
    assert second.index.display is first.index.display
    first.catalogue.opening = None  # a catalogue that cannot be judged again is loaded in full
    cache._states[next(iter(cache._states))] = first
    third = cache.get(engine)
    assert third.index.display is not first.index.display


def test_an_experiments_arm_is_judged_at_the_promoted_states_moment(world, monkeypatch):
    from recommender.experiments import serving as experiment_serving
    from recommender.experiments.registry import Arm, ExperimentInfo

    engine, model = world
    before, after = moments(engine)
    base = serving_state(engine, model, 1, load_catalogue(engine, now=before), ("k",))
    arm_state = serving_state(engine, model, 2, base.catalogue, ("k",))
    experiment = ExperimentInfo(
        id=1, name="moment", hypothesis=None, primary_metric="applied", alpha=0.05, segment_province=None,
        segment_wave=None, segment_new_only=False, new_from_participant_id=None, status="running", planned_start=None,
        planned_end=None, started_at=before, stopped_at=None, decision=None,
        arms=(Arm(1, "control", 1, 0.5, True), Arm(2, "treatment", 2, 0.5, False)),
    )
    monkeypatch.setattr(experiment_serving, "running_experiments", lambda _engine: [experiment])  # not written to the shared world
    previous = experiment_serving.ExperimentSnapshot((experiment,), b"", {}, {1: base, 2: arm_state}, state_version(base))
    reopened_base = reopened_state(base, now=after)
    fresh = load_snapshot(engine, reopened_base, previous)
    assert fresh.base_key == state_version(reopened_base) != previous.base_key
    assert fresh.states[1] is reopened_base
    assert fresh.states[2].catalogue is reopened_base.catalogue  # the arm judged at the same moment
    assert fresh.states[2].index.item_side is arm_state.index.item_side  # and not loaded again
    assert np.array_equal(fresh.states[2].index.active_rows, reopened_base.index.active_rows)
    assert load_snapshot(engine, reopened_base, fresh).states[2] is fresh.states[2]  # nothing changed: reused as is
