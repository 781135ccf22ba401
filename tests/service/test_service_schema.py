"""Schemathesis against the service's own OpenAPI: no 5xx, and every response matches its documented schema.

Bounded: a few examples per operation, on a world of its own (SQLite; the route
tests cover PostgreSQL too), because generated partner batches add vacancies.
Each operation is called with a key of the role it is meant for, so that
generated input reaches the handlers instead of stopping at 403.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from prakerja_api.app import create_app
from prakerja_api.keys import create_key


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory, service_templates):
    world, drop = service_templates.copy("sqlite", tmp_path_factory.mktemp("fuzz"))
    keys = {role: create_key(world.engine, role, rate_limit_per_minute=1_000_000).secret
            for role in ("partner", "manager", "researcher")}
    yield world, keys
    world.engine.dispose()
    drop()


def role_for(method: str, path: str) -> str:
    if path == "/v1/vacancies" and method == "POST":
        return "partner"
    if path.startswith("/v1/vacancies"):
        return "manager"
    return "researcher"  # models, and participants addressed by pseudonym


def test_api_conforms_to_its_schema(fuzz_world):
    world, keys = fuzz_world
    # schemathesis sends bad keys on purpose (and expects 401): the per-address limit on them is tested elsewhere
    app = create_app(world.engine, check_seconds=3600, key_cache_seconds=60, failed_auth_per_minute=1_000_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = {"X-API-Key": keys[role_for(operation.method.upper(), operation.path)]}

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def check(case):
            # 403/404 for well-formed input are right answers here (random pseudonyms, run ids), not rejections
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 11
