"""A worker keeps its served state out of the garbage collector's full passes (prakerja_api/heap.py)."""

from __future__ import annotations

import gc
import weakref

import pytest
from fastapi.testclient import TestClient

from prakerja_api.app import create_app
from prakerja_api.heap import settle_heap
from prakerja_api.serving import BackgroundModelCache


def in_collections(obj) -> bool:
    """Whether the cyclic collector's passes walk ``obj`` (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def thawed():
    """Whatever a test freezes is handed back to the collector afterwards (the test process keeps running)."""
    yield
    gc.unfreeze()


def test_a_settling_worker_freezes_what_it_loaded_at_startup_and_still_answers(service_world, thawed):
    pid, _ = service_world.participants[0]
    headers = {"X-API-Key": service_world.key("participant", participant_id=pid)}
    app = create_app(service_world.engine, check_seconds=3600, settle=True)
    with TestClient(app) as client:
        state = app.state.service.cache.state
        assert gc.get_freeze_count() > 0
        assert not in_collections(state.index.display), "the loaded catalogue is out of the collector's passes"
        answer = client.get(f"/v1/participants/{pid}/recommendations?k=5", headers=headers)
        assert answer.status_code == 200 and len(answer.json()["recommendations"]) == 5


@pytest.mark.parametrize("change", ["promoted run or table", "time only"])
def test_a_reload_collects_the_old_state_and_freezes_the_new_one(service_world, thawed, change):
    """A new run or catalogue loads a new state; time alone reopens the old one (sharing its item side and display)."""
    cache = BackgroundModelCache(check_seconds=3600, ttl_seconds=0.0 if change == "time only" else 3600, settle=True)
    first = cache.warm(service_world.engine)
    if change != "time only":
        first.key = ("another run",)  # what the check compares with the database's
    settle_heap()
    frozen = not in_collections(first.index.display)  # a plain bool: an assert's rewriting would keep the state alive
    assert frozen
    old = weakref.ref(first.index)
    display = first.index.display
    # a reference cycle through a part the next state does not share: only the collector frees it, and only if unfrozen
    first.index.active_places.loop = first.index
    del first
    cache._refresh(service_world.engine)  # what the background check thread runs
    assert cache.last_error is None
    assert old() is None, "the replaced state was collected although it was frozen and cyclic"
    assert (cache.state.index.display is display) == (change == "time only")
    del display
    assert not in_collections(cache.state.index.active_places), "the new state is frozen in its turn"
