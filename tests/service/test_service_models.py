"""Model runs over HTTP: list, promote, and the switch in every worker without a restart or a failed request."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from recommender.registry import promote_run
from prakerja_api.app import create_app


def test_list_and_promote_switch_the_served_model(own_world):
    world = own_world
    researcher = {"X-API-Key": world.key("researcher")}
    pid, _ = world.participants[0]
    participant = {"X-API-Key": world.key("participant", participant_id=pid)}
    worker = create_app(world.engine, check_seconds=3600, key_cache_seconds=0)
    other_worker = create_app(world.engine, check_seconds=0.05, key_cache_seconds=0)
    with TestClient(worker) as client, TestClient(other_worker) as other:
        listed = client.get("/v1/models", headers=researcher)
        assert listed.status_code == 200
        body = listed.json()
        assert body["served_run_id"] == world.blend_run
        assert [r["id"] for r in body["runs"]] == [world.blend_run, world.popularity_run]
        assert {r["algorithm"] for r in body["runs"]} == {"blend", "popularity"}
        assert [r["promoted"] for r in body["runs"]] == [True, False] and all(r["has_artifact"] for r in body["runs"])
        assert "artifact_path" not in listed.text

        promoted = client.post(f"/v1/models/{world.popularity_run}/promote", headers=researcher)
        assert promoted.status_code == 200, promoted.text
        assert promoted.json()["served_run_id"] == world.popularity_run and promoted.json()["run"]["promoted"]
        recs = client.get(f"/v1/participants/{pid}/recommendations?k=3", headers=participant).json()
        assert recs["model_run_id"] == world.popularity_run

        # the other worker notices within its check interval, with no restart
        deadline = time.monotonic() + 20
        while other.get("/readyz").json()["model_run_id"] != world.popularity_run:
            assert time.monotonic() < deadline, "the other worker never switched"
            other.get(f"/v1/participants/{pid}/recommendations?k=3", headers=participant)
            time.sleep(0.05)

        assert client.post("/v1/models/424242/promote", headers=researcher).status_code == 404
        assert client.post("/v1/models/0/promote", headers=researcher).status_code == 422


def test_requests_in_flight_never_fail_while_models_switch(own_world):
    world = own_world
    pid, _ = world.participants[1]
    participant = {"X-API-Key": world.key("participant", participant_id=pid)}
    app = create_app(world.engine, check_seconds=0.0, key_cache_seconds=0)
    stop = threading.Event()

    def flip() -> None:
        runs = [world.popularity_run, world.blend_run]
        i = 0
        while not stop.is_set():
            promote_run(world.engine, runs[i % 2])
            i += 1
            time.sleep(0.15)

    flipper = threading.Thread(target=flip)
    served, statuses = set(), []
    with TestClient(app) as client:
        flipper.start()
        try:
            started = time.monotonic()
            while time.monotonic() - started < 4 or len(served) < 2:
                response = client.get(f"/v1/participants/{pid}/recommendations?k=5", headers=participant)
                statuses.append(response.status_code)
                if response.status_code == 200:
                    served.add(response.json()["model_run_id"])
                assert time.monotonic() - started < 30
        finally:
            stop.set()
            flipper.join()
    assert set(statuses) == {200}
    assert served == {world.popularity_run, world.blend_run}
