"""Shared fixtures: real databases (SQLite file and PostgreSQL) and the shared data folder.

Every test that takes ``db_url`` or ``engine`` runs once on SQLite and once on
PostgreSQL (``TEST_DATABASE_URL``, default the local server). Each pytest process
gets its own PostgreSQL database, so parallel runs never see each other's rows;
each test gets a fresh schema in it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from prakerja.db import make_engine
from prakerja.migrate import upgrade

pytest.register_assert_rewrite("tests.worlds")
from tests.worlds import emptied, private_database  # noqa: E402  (after the rewrite is registered)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PRAKERJA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))

#: Every folder gets the shared worlds (private databases, demo worlds, trained models, artifact folder).
pytest_plugins = ["tests.worlds"]


def pytest_configure(config) -> None:
    """Keep the suite away from the operator's database and artifacts (data/, DATABASE_URL)."""
    os.environ.pop("DATABASE_URL", None)
    if "PRAKERJA_DATA_DIR" not in os.environ:
        os.environ["PRAKERJA_DATA_DIR"] = tempfile.mkdtemp(prefix="prakerja-test-")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: real scraped postings and reference files, read-only.

    A fresh clone has no ../shared, so the tests that read it skip with one line
    saying why; CI has the folder and sets PRAKERJA_REQUIRE_SHARED_DATA=1 so that a
    missing folder there fails instead of silently skipping them.
    """
    if not SHARED_DATA.is_dir():
        message = f"shared data folder not found at {SHARED_DATA} (set PRAKERJA_SHARED_DATA)"
        if os.environ.get("PRAKERJA_REQUIRE_SHARED_DATA"):
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def pg_database_url(tmp_path_factory):
    """A PostgreSQL database private to this pytest process, dropped at the end."""
    url, drop = private_database("postgres", tmp_path_factory.getbasetemp())
    yield url
    drop()


def fresh_database_url(backend: str, tmp_path: Path, request) -> str:
    """An empty database of ``backend`` ("sqlite" or "postgres") for one test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return emptied(request.getfixturevalue("pg_database_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """URL of an empty database, once per backend."""
    return fresh_database_url(request.param, tmp_path, request)


@pytest.fixture
def engine(db_url):
    """An engine on a fresh, fully migrated database (both backends)."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
