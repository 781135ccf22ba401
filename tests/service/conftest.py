"""Fixtures of the service tests: a small demo world per backend, an app on it, keys per role.

``service_world`` is generated once per backend for the whole session (each in
a database of its own, so the function-scoped ``engine`` fixture of other
tests never wipes it) with two recorded runs: a popularity model and a
promoted blend. Tests may add feedback and keys to it; tests that add
vacancies or change the promoted run use a database of their own (posting
vacancies moves the data's clock, which would expire the demo world).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from prakerja.db import make_engine
from prakerja.migrate import upgrade
from prakerja.models import Participant
from recommender.service.app import create_app
from recommender.service.keys import create_key

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
WORLD_PARTICIPANTS = 200


@dataclass
class ServiceWorld:
    """A demo world with two model runs (blend promoted) and a few participants' (id, pseudonym)."""

    engine: Engine
    url: str
    popularity_run: int
    blend_run: int
    participants: list[tuple[int, str]]

    def key(self, role: str, *, participant_id: int | None = None, rate_limit: int = 100_000) -> str:
        """A new API key of ``role``."""
        return create_key(self.engine, role, participant_id=participant_id, rate_limit_per_minute=rate_limit).secret


def private_database(backend: str, folder) -> tuple[str, callable]:
    """(URL, cleanup) of a new empty database of ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'service-{uuid.uuid4().hex[:6]}.db'}", lambda: None
    admin_url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)).set(drivername="postgresql+psycopg")
    name = f"prakerja_svc_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def build_service_world(url: str) -> ServiceWorld:
    """Reference data, a demo world, a popularity run and a promoted blend run."""
    from prakerja.bootstrap import initialise
    from recommender.dataset import Dataset
    from recommender.models import make_model
    from recommender.registry import record_run

    engine = make_engine(url)
    upgrade(engine)
    initialise(engine, demo=True, participants=WORLD_PARTICIPANTS, seed=61)
    dataset = Dataset.from_database(engine)
    popularity = record_run(engine, make_model("popularity").fit(dataset), dataset, notes="service tests")
    blend = record_run(
        engine, make_model("blend", lightfm={"epochs": 5, "num_threads": 1}).fit(dataset), dataset, promote=True,
        notes="service tests",
    )
    with engine.connect() as connection:
        people = connection.execute(select(Participant.id, Participant.pseudonym).order_by(Participant.id).limit(40)).all()
    return ServiceWorld(engine, url, popularity, blend, [(int(i), p) for i, p in people])


@pytest.fixture(scope="session")
def service_artifacts(tmp_path_factory):
    """Model artifacts of the service tests live in a temporary folder."""
    folder = tmp_path_factory.mktemp("service-models")
    previous = os.environ.get("PRAKERJA_ARTIFACT_DIR")
    os.environ["PRAKERJA_ARTIFACT_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("PRAKERJA_ARTIFACT_DIR", None)
    else:
        os.environ["PRAKERJA_ARTIFACT_DIR"] = previous


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_world(request, tmp_path_factory, service_artifacts) -> ServiceWorld:
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
def own_world(request, tmp_path, service_artifacts):
    """A world of the test's own, for tests that promote models (SQLite and PostgreSQL)."""
    url, drop = private_database(request.param, tmp_path)
    world = build_service_world(url)
    yield world
    world.engine.dispose()
    drop()
