"""Key expiry, failed authentications per address, and `serve` without a database (issue 14, items 12-14)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from prakerja.errors import UserError
from prakerja.models import ApiKey
from prakerja_api.app import create_app
from prakerja_api.auth_failures import FailedAuthLimiter
from prakerja_api.keys import create_key, list_keys, parse_lifetime, split_key, verify_key
from tests.cli_runner import run_in_process

UNKNOWN = "prk_0123456789_" + "x" * 43  # well formed, in no database


# ---------------------------------------------------------------------- 12: expiry


def test_an_expired_key_is_refused_cached_or_not(service_world):
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=3600, revocation_check_seconds=3600, warm=False)
    lasting = create_key(service_world.engine, "manager", expires_in=dt.timedelta(days=30))
    brief = create_key(service_world.engine, "manager", expires_in=dt.timedelta(seconds=2))
    assert lasting.holder.expires_at is not None and brief.holder.expires_at < lasting.holder.expires_at
    with TestClient(app) as client:
        for key in (lasting, brief):
            assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key.secret}).status_code == 200
        time.sleep(max(0.0, (brief.holder.expires_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()) + 0.1)
        refused = client.get("/v1/vacancies?limit=1", headers={"X-API-Key": brief.secret})  # cached for an hour, yet refused
        assert refused.status_code == 401 and "expired" in refused.json()["message"]
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": lasting.secret}).status_code == 200
    assert verify_key(service_world.engine, brief.secret) is None
    with service_world.engine.begin() as connection:  # an expiry set in the database is read with the key
        connection.execute(update(ApiKey).where(ApiKey.prefix == lasting.holder.prefix)
                           .values(expires_at=dt.datetime(2000, 1, 1)))
    assert verify_key(service_world.engine, lasting.secret) is None


@pytest.mark.parametrize(("text", "seconds"), [("90d", 90 * 86400), ("12h", 43200), ("30m", 1800), ("2w", 1209600), (" 45 s", 45)])
def test_lifetimes_read_as_written(text, seconds):
    assert parse_lifetime(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "90", "0d", "-1d", "3651d", "1y", "1.5h", "soon"])
def test_bad_lifetimes_say_what_is_accepted(text):
    with pytest.raises(UserError, match="--expires-in"):
        parse_lifetime(text)


def test_apikey_create_expires_in_and_list_shows_it(service_world, monkeypatch):
    from prakerja.cli import _register_subcommands, app

    monkeypatch.setenv("DATABASE_URL", service_world.url)
    _register_subcommands()
    runner = CliRunner()
    created = runner.invoke(app, ["apikey", "create", "--role", "manager", "--expires-in", "7d"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    holder = verify_key(service_world.engine, secret)
    expected = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=7)
    assert holder is not None and abs((holder.expires_at - expected).total_seconds()) < 60
    assert "expires" in created.output
    listed = runner.invoke(app, ["apikey", "list"])
    [line] = [line for line in listed.output.splitlines() if line.startswith(split_key(secret))]
    assert holder.expires_at.strftime("%Y-%m-%dT%H:%M") in line and line.rstrip().endswith("active")
    assert any(k.prefix == holder.prefix and k.expires_at == holder.expires_at for k in list_keys(service_world.engine))
    bad = runner.invoke(app, ["apikey", "create", "--role", "manager", "--expires-in", "forever"])
    assert bad.exit_code != 0


# ---------------------------------------------------------------------- 13: failed authentications per address


def test_failed_authentications_are_limited_per_address(service_world):
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=3600, warm=False, failed_auth_per_minute=5)
    known = service_world.key("manager")
    with TestClient(app) as client:
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": known}).status_code == 200  # verified, cached
        for _ in range(5):
            assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": UNKNOWN}).status_code == 401
        for key in (UNKNOWN, service_world.key("manager")):  # any key the worker must look up is refused now
            refused = client.get("/v1/vacancies?limit=1", headers={"X-API-Key": key})
            assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
            assert "failed authentications" in refused.json()["message"]
        # a key the worker already verified still passes: the limit costs a known client nothing
        assert client.get("/v1/vacancies?limit=1", headers={"X-API-Key": known}).status_code == 200
        # a missing key is not a guess (no database read): still 401
        assert client.get("/v1/vacancies?limit=1").status_code == 401


def test_the_failure_window_slides():
    now = [0.0]
    limiter = FailedAuthLimiter(limit=2, clock=lambda: now[0])
    limiter.record("10.0.0.1")
    now[0] = 30.0
    limiter.record("10.0.0.1")
    assert limiter.blocked("10.0.0.1") == pytest.approx(30.0) and limiter.blocked("10.0.0.2") is None
    now[0] = 60.5
    assert limiter.blocked("10.0.0.1") is None


# ---------------------------------------------------------------------- 14: serve against a missing SQLite file


def test_serve_refuses_a_missing_sqlite_file_with_the_init_hint(tmp_path, monkeypatch, capsys):
    """Through the command line's own main(), in this process (no new process's ~1 s of imports); serving would fail the test."""

    def no_server(*_args, **_kwargs):
        raise AssertionError("serve started the server instead of refusing")

    monkeypatch.setattr("prakerja_api.workers.run", no_server)
    missing = tmp_path / "nowhere" / "prakerja.db"
    result = run_in_process(["serve", "--port", "8799"], {"DATABASE_URL": f"sqlite:///{missing}"}, monkeypatch, capsys)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "prakerja init" in result.stderr and str(missing) in result.stderr
    assert not missing.exists() and not missing.parent.exists()  # nothing was created
