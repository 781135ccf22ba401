"""/v1/experiments over HTTP (researchers), and the recommendations route serving and logging the participant's arm."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from prakerja.models import ExperimentAssignment, ExperimentExposure
from prakerja_api.app import create_app


def test_experiment_life_over_http_and_the_arm_served(own_world):
    world = own_world
    researcher = {"X-API-Key": world.key("researcher")}
    app = create_app(world.engine, check_seconds=0.05, key_cache_seconds=0)
    with TestClient(app) as client:
        body = {"name": "popularity against blend", "treatment_run_ids": [world.popularity_run], "shares": [50, 50],
                "primary_metric": "applied", "planned_end": "2030-01-01T00:00:00Z"}
        created = client.post("/v1/experiments", json=body, headers=researcher)
        assert created.status_code == 201, created.text
        experiment = created.json()
        assert experiment["status"] == "draft" and [a["run_id"] for a in experiment["arms"]] == [world.blend_run, world.popularity_run]
        assert experiment["planned_end"].startswith("2030-01-01")
        eid = experiment["id"]

        assert client.post("/v1/experiments", json=body, headers=researcher).status_code == 422  # the name is taken
        assert client.post("/v1/experiments", json={**body, "name": "x", "shares": [70, 70]}, headers=researcher).status_code == 422
        assert client.post("/v1/experiments", json={**body, "name": "y", "treatment_run_ids": [424242]}, headers=researcher).status_code == 404
        assert client.post("/v1/experiments", json={**body, "name": "z", "alpha": 2}, headers=researcher).status_code == 422
        assert client.get("/v1/experiments/424242", headers=researcher).status_code == 404

        started = client.post(f"/v1/experiments/{eid}/start", headers=researcher)
        assert started.status_code == 200 and started.json()["status"] == "running"
        assert client.post(f"/v1/experiments/{eid}/start", headers=researcher).status_code == 422

        served_runs = {}
        deadline = time.monotonic() + 20
        for pid, _ in world.participants[:20]:
            participant = {"X-API-Key": world.key("participant", participant_id=pid)}
            assert client.get("/v1/experiments", headers=participant).status_code == 403
            while True:  # the worker notices the start within its check interval
                answer = client.get(f"/v1/participants/{pid}/recommendations?k=5", headers=participant)
                assert answer.status_code == 200, answer.text
                if app.state.service.experiments._snapshot.experiments or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            served_runs[pid] = answer.json()["model_run_id"]
            client.get(f"/v1/participants/{pid}/recommendations?k=5", headers=participant)  # a reload
        assert set(served_runs.values()) == {world.blend_run, world.popularity_run}  # both arms served
        app.state.service.experiments.exposures.flush(world.engine)
        with world.engine.connect() as connection:
            assigned = connection.scalar(select(func.count()).select_from(ExperimentAssignment))
            shown = connection.scalar(select(func.count()).select_from(ExperimentExposure))
        assert assigned == 20 and shown <= 20 * 5  # the reloads added nothing

        report = client.get(f"/v1/experiments/{eid}/report", headers=researcher)
        assert report.status_code == 200, report.text
        report = report.json()
        assert report["ratio"]["observed"] and sum(report["ratio"]["observed"]) == 20
        assert report["decision"]["action"] == "continue"
        assert {row["arm"] for row in report["metrics"]} == {"control", "treatment"}

        decided = client.post(f"/v1/experiments/{eid}/decide", headers=researcher)
        assert decided.status_code == 200 and decided.json()["experiment"]["status"] == "running"
        stopped = client.post(f"/v1/experiments/{eid}/stop", json={"reason": "tests", "promote_arm": "treatment"}, headers=researcher)
        assert stopped.status_code == 200, stopped.text
        assert stopped.json()["status"] == "stopped" and "promoted treatment" in stopped.json()["decision"]
        assert client.get("/readyz").json()["model_run_id"] == world.popularity_run
        assert client.post(f"/v1/experiments/{eid}/decide", headers=researcher).status_code == 409
        listed = client.get("/v1/experiments", headers=researcher).json()["experiments"]
        assert [e["id"] for e in listed] == [eid]
