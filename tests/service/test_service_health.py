"""/healthz, /readyz (200 and 503), /metrics, OpenAPI and /docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from prakerja.db import make_engine
from prakerja_api.app import create_app


def test_health_and_readiness(service_world, service_client):
    assert service_client.get("/healthz").json() == {"status": "ok"}
    ready = service_client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["database"] and body["model_loaded"]
    assert body["model_run_id"] == service_world.blend_run and body["vacancies"] > 0 and body["problems"] == []


def test_not_ready_without_a_database(tmp_path):
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", check=False)
    with TestClient(create_app(engine)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not ready" and not body["database"] and not body["model_loaded"]
        assert any("database unreachable" in p for p in body["problems"])
        down = client.get("/v1/vacancies", headers={"X-API-Key": "prk_0123456789_" + "a" * 43})
        assert down.status_code == 503 and down.json()["error"] == "unavailable" and down.headers["Retry-After"]


def test_metrics_count_requests_by_route_template(service_world, service_client):
    key = {"X-API-Key": service_world.key("manager")}
    first = service_client.get("/v1/vacancies?limit=1", headers=key).json()["vacancies"][0]["id"]
    service_client.get(f"/v1/vacancies/{first}", headers=key)
    service_client.get("/v1/vacancies/999999999", headers=key)
    text = service_client.get("/metrics").text
    assert 'prakerja_http_requests_total{method="GET",route="/v1/vacancies/{vacancy_id}",status="200"}' in text
    assert 'prakerja_http_requests_total{method="GET",route="/v1/vacancies/{vacancy_id}",status="404"}' in text
    assert 'prakerja_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/v1/vacancies"}' in text
    assert f"/v1/vacancies/{first}" not in text


def test_openapi_documents_every_endpoint(service_client):
    schema = service_client.get("/openapi.json").json()
    paths = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert paths >= {
        ("GET", "/v1/participants/{participant}/recommendations"),
        ("POST", "/v1/participants/{participant}/feedback"),
        ("GET", "/v1/participants/{participant}/next-training"),
        ("GET", "/v1/vacancies"), ("GET", "/v1/vacancies/{vacancy_id}"), ("POST", "/v1/vacancies"),
        ("GET", "/v1/models"), ("POST", "/v1/models/{run_id}/promote"),
        ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
    }
    assert "APIKeyHeader" in schema["components"]["securitySchemes"]
    assert service_client.get("/docs").status_code == 200
