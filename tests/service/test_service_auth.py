"""Keys, roles and rate limits: 401, 403, 404 and 429, each with a JSON body that says why."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from prakerja.models import ApiKey
from prakerja_api.app import create_app
from prakerja_api.keys import create_key, hash_key, list_keys, revoke_key, split_key, verify_key
from prakerja_api.ratelimit import SlidingWindowLimiter


def test_keys_are_stored_as_hashes_and_verified_by_prefix(service_world):
    new = create_key(service_world.engine, "manager", province_code="35", rate_limit_per_minute=30)
    prefix = split_key(new.secret)
    assert prefix == new.holder.prefix and len(new.secret) > 50
    with service_world.engine.connect() as connection:
        stored = connection.execute(select(ApiKey.key_hash, ApiKey.role, ApiKey.province_code).where(ApiKey.prefix == prefix)).one()
    assert stored.key_hash == hash_key(new.secret) and new.secret not in stored.key_hash
    assert (stored.role, stored.province_code) == ("manager", "35")
    holder = verify_key(service_world.engine, new.secret)
    assert holder is not None and holder.role == "manager" and holder.rate_limit_per_minute == 30
    tampered = new.secret[:-3] + ("aaa" if not new.secret.endswith("aaa") else "bbb")
    assert verify_key(service_world.engine, tampered) is None
    revoke_key(service_world.engine, prefix)
    assert verify_key(service_world.engine, new.secret) is None
    assert any(k.prefix == prefix and k.revoked for k in list_keys(service_world.engine))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role": "admin"}, "unknown role"),
        ({"role": "participant"}, "needs --participant"),
        ({"role": "manager", "participant_id": 1}, "only for participant keys"),
        ({"role": "participant", "participant_id": 10**9}, "unknown participant id"),
        ({"role": "manager", "province_code": "99"}, "unknown province code"),
        ({"role": "partner", "rate_limit_per_minute": 0}, "--rate-limit"),
    ],
)
def test_bad_key_requests_are_user_errors(service_world, kwargs, message):
    from prakerja.errors import UserError

    kwargs = dict(kwargs)
    role = kwargs.pop("role")
    with pytest.raises(UserError, match=message):
        create_key(service_world.engine, role, **kwargs)


def test_401_without_a_key_or_with_a_bad_or_revoked_one(service_world, service_client):
    pid, _ = service_world.participants[10]
    url = f"/v1/participants/{pid}/recommendations"
    missing = service_client.get(url)
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["message"]
    for bad in ("nonsense", "prk_0123456789_" + "x" * 43):
        response = service_client.get(url, headers={"X-API-Key": bad})
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    key = service_world.key("participant", participant_id=pid)
    assert service_client.get(url, headers={"X-API-Key": key}).status_code == 200
    revoke_key(service_world.engine, split_key(key))
    revoked = service_client.get(url, headers={"X-API-Key": key})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["message"]


def test_403_outside_the_role(service_world, service_client):
    pid, pseudonym = service_world.participants[11]
    other, _ = service_world.participants[12]
    participant = {"X-API-Key": service_world.key("participant", participant_id=pid)}
    manager = {"X-API-Key": service_world.key("manager")}
    partner = {"X-API-Key": service_world.key("partner")}
    researcher = {"X-API-Key": service_world.key("researcher")}
    cases = [
        ("get", f"/v1/participants/{other}/recommendations", participant, None, "its own participant id"),
        ("get", f"/v1/participants/999999999/recommendations", participant, None, "its own participant id"),
        ("post", f"/v1/participants/{other}/feedback", participant, {"vacancy_id": 1, "kind": "clicked"}, "its own"),
        ("get", f"/v1/participants/{pid}/recommendations", manager, None, "manager role"),
        ("get", f"/v1/participants/{pid}/next-training", partner, None, "partner role"),
        ("get", f"/v1/participants/{pid}/recommendations", researcher, None, "by pseudonym"),
        ("post", f"/v1/participants/{pseudonym}/feedback", researcher, {"vacancy_id": 1, "kind": "clicked"}, "participant role"),
        ("get", "/v1/models", manager, None, "researcher role"),
        ("post", f"/v1/models/{service_world.popularity_run}/promote", participant, None, "researcher role"),
        ("post", "/v1/vacancies", manager, {"postings": [{"source_id": "x", "title": "Welder"}]}, "partner role"),
    ]
    for method, url, headers, body, message in cases:
        response = service_client.request(method.upper(), url, headers=headers, json=body)
        assert response.status_code == 403, (url, response.text)
        assert response.json()["error"] == "forbidden" and message in response.json()["message"], url


def test_404_for_unknown_ids(service_world, service_client):
    researcher = {"X-API-Key": service_world.key("researcher")}
    for url in ("/v1/participants/nobody-here/recommendations", "/v1/vacancies/999999999", "/v1/models/99999/promote", "/v1/nowhere"):
        method = "POST" if url.endswith("promote") else "GET"
        response = service_client.request(method, url, headers=researcher)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found" and response.json()["message"]


def test_429_with_retry_after_when_a_key_exceeds_its_limit(service_world, service_client):
    key = {"X-API-Key": service_world.key("manager", rate_limit=3)}
    answers = [service_client.get("/v1/vacancies?limit=1", headers=key) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    limited = answers[3]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"] == "rate_limited" and "3 requests a minute" in limited.json()["message"]
    other = {"X-API-Key": service_world.key("manager", rate_limit=3)}
    assert service_client.get("/v1/vacancies?limit=1", headers=other).status_code == 200  # limits are per key


def test_sliding_window_frees_slots_as_the_minute_passes():
    now = [0.0]
    limiter = SlidingWindowLimiter(clock=lambda: now[0])
    assert [limiter.acquire("k", 2) for _ in range(2)] == [None, None]
    assert limiter.acquire("k", 2) == pytest.approx(60.0)
    now[0] = 30.0
    assert limiter.acquire("k", 2) == pytest.approx(30.0)
    now[0] = 60.5
    assert limiter.acquire("k", 2) is None
    assert limiter.retry_after_header(0.2) == "1" and limiter.retry_after_header(12.1) == "13"


def test_cached_keys_are_trusted_until_the_next_revocation_check(service_world):
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=60, revocation_check_seconds=3600, warm=False)
    key = service_world.key("manager")
    with TestClient(app) as client:
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key}).status_code == 200
        revoke_key(service_world.engine, split_key(key))
        # until the worker reads the revoked keys again it still trusts it (documented); a fresh worker does not
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key}).status_code == 200
    fresh = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=60, warm=False)
    with TestClient(fresh) as client:
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key}).status_code == 401


def test_a_revoked_key_is_refused_at_the_next_check_although_cached(service_world):
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=3600, revocation_check_seconds=0, warm=False)
    key, other = service_world.key("manager"), service_world.key("manager")
    with TestClient(app) as client:
        for k in (key, other):
            assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": k}).status_code == 200
        revoke_key(service_world.engine, split_key(key))
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key}).status_code == 401
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": other}).status_code == 200


def test_apikey_commands(service_world, monkeypatch):
    from prakerja.cli import _register_subcommands, app

    monkeypatch.setenv("DATABASE_URL", service_world.url)
    _register_subcommands()
    runner = CliRunner()
    pid, _ = service_world.participants[13]
    created = runner.invoke(app, ["apikey", "create", "--role", "participant", "--participant", str(pid), "--rate-limit", "50"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    holder = verify_key(service_world.engine, secret)
    assert holder is not None and holder.participant_id == pid and holder.rate_limit_per_minute == 50
    listed = runner.invoke(app, ["apikey", "list"])
    assert listed.exit_code == 0 and holder.prefix in listed.output and secret not in listed.output
    assert runner.invoke(app, ["apikey", "revoke", holder.prefix]).exit_code == 0
    assert verify_key(service_world.engine, secret) is None
