"""Fixtures of the service tests: a small demo world per backend, an app on it, keys per role.

``service_world`` is generated once per backend for the whole session (each in
a database of its own, so the function-scoped ``engine`` fixture of other
tests never wipes it) with two recorded runs: a popularity model and a
promoted blend. Tests may add feedback and keys to it; tests that add
vacancies or change the promoted run use a database of their own (posting
vacancies moves the data's clock, which would expire the demo world).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.service.service_world_builder import ServiceWorld, build_service_world
from tests.worlds import private_database

from prakerja_api.app import create_app

__all__ = ["ServiceWorld"]


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_world(request, tmp_path_factory, artifact_dir) -> ServiceWorld:
    """The shared demo world, once per backend."""
    url, drop = private_database(request.param, tmp_path_factory.mktemp("service-world"))
    world = build_service_world(url)
    yield world
    world.engine.dispose()
    drop()


@pytest.fixture(scope="session")
def service_client(service_world):
    """A TestClient on the shared world (keys checked on every request, no background reloads)."""
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=0)
    with TestClient(app) as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def own_world(request, tmp_path, artifact_dir):
    """A world of the test's own, for tests that promote models (SQLite and PostgreSQL)."""
    url, drop = private_database(request.param, tmp_path)
    world = build_service_world(url)
    yield world
    world.engine.dispose()
    drop()
