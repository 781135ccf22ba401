"""Fixtures of the service tests: a small demo world per backend, an app on it, keys per role.

The world (a popularity run and a promoted blend) is built once per backend
and process (``service_templates``); ``service_world`` and ``own_world`` are
copies of it, each in a database of its own (so the function-scoped ``engine``
fixture of other tests never wipes them). ``service_world`` lasts the session.
Tests may add feedback and keys to it; tests that add vacancies or change the
promoted run use a database of their own (``own_world`` or one they build:
posting vacancies moves the data's clock, which would expire the demo world).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.service.service_world_builder import ServiceWorld, ServiceWorldTemplates

from prakerja_api.app import create_app

__all__ = ["ServiceWorld"]


@pytest.fixture(scope="session")
def service_templates(tmp_path_factory, artifact_dir):
    """The session's :class:`ServiceWorldTemplates`."""
    templates = ServiceWorldTemplates(tmp_path_factory.mktemp("service-templates"))
    yield templates
    templates.close()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_world(request, tmp_path_factory, service_templates) -> ServiceWorld:
    """The shared demo world, once per backend."""
    world, drop = service_templates.copy(request.param, tmp_path_factory.mktemp("service-world"))
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
def own_world(request, tmp_path, service_templates):
    """A world of the test's own, for tests that promote models (SQLite and PostgreSQL)."""
    world, drop = service_templates.copy(request.param, tmp_path)
    yield world
    world.engine.dispose()
    drop()
