"""Fixtures of the dashboard tests.

``small_world`` writes a hand-made world of 25 participants whose every
aggregate can be worked out on paper (the expected values in the tests are
computed from the lists in ``dashboard_small_world``, not copied from the
code). ``demo_db`` is a small generated demo world in SQLite, shared by the
page tests of a session.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.dashboard.dashboard_small_world import build_small_world
from tests.worlds import SMALL

from recommender.features import load_dataset


@pytest.fixture(scope="session", autouse=True)
def _components_scanned_once():
    """Streamlit's scan of every installed distribution for custom components, done once per process.

    Each ``AppTest`` run scans all ~160 installed packages' metadata again
    (``scan_component_manifests``, 0.7 s, three quarters of a page test's time); the
    packages cannot change during a test run, so the first answer stands for the rest.
    """
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests))
        yield


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """argon2id at its cheapest in this process (Django's test-settings practice): 80 hashes cost 18 s of CPU otherwise.

    Hashing and checking stay argon2id; the production parameters are checked on a hash made by the
    ``prakerja accounts create`` process (test_dashboard_cli), and the dashboard the browser test drives
    runs as its own process with them.
    """
    from argon2 import PasswordHasher

    from dashboard import auth

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture
def small_world(engine):
    """The hand-made world on both databases: (engine, SmallWorld)."""
    return engine, build_small_world(engine)


@dataclass
class DemoDatabase:
    url: str
    data_dir: Path
    participants: tuple[int, int]


@pytest.fixture(scope="session")
def demo_db(demo_worlds, tmp_path_factory) -> DemoDatabase:
    """The shared small demo world (SQLite) with a promoted popularity model and the demo accounts' participants."""
    from dashboard.auth import demo_account_plan
    from recommender.models import make_model
    from recommender.registry import record_run

    world = demo_worlds.get("sqlite", SMALL)
    folder = tmp_path_factory.mktemp("dashboard-demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRAKERJA_ARTIFACT_DIR", str(folder / "models"))
        dataset = load_dataset(world.engine)
        record_run(world.engine, make_model("popularity").fit(dataset), dataset, promote=True, notes="test")
    plan = demo_account_plan(world.engine)
    participants = tuple(a.participant_id for a in plan if a.role == "participant")
    return DemoDatabase(url=world.url, data_dir=folder, participants=participants)


@pytest.fixture(scope="session")
def worked_world(request, tmp_path_factory):
    """The demo world after a training, an ingest and an evaluation (tests.dashboard.worked_world), once per run.

    Every pytest-xdist worker shares the run's temporary folder (the parent of its own); the first to ask builds
    the world there and the others reuse it. Tests take a copy (``copy_worked_world``) before they write.
    """
    from tests.dashboard.worked_world import shared_worked_world

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return shared_worked_world(lambda: request.getfixturevalue("demo_db"), root)


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    """Point the app (DATABASE_URL, data and artifact folders) at the demo database."""
    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(demo_db.data_dir))
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(demo_db.data_dir / "models"))
    return demo_db


@pytest.fixture
def demo_copy_env(demo_db, tmp_path, monkeypatch):
    """A private copy of the demo database for tests that write (feedback, promotion).

    Feedback is stamped with the wall clock, which moves the demo world's own
    "today" (2022) to now and expires its vacancies for every later test.
    """
    import sqlite3

    target = tmp_path / "demo-copy.db"
    with sqlite3.connect(demo_db.url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy_connection:
        source.backup(copy_connection)  # consistent even while the WAL holds recent writes
    copy = DemoDatabase(url=f"sqlite:///{target}", data_dir=tmp_path, participants=demo_db.participants)
    monkeypatch.setenv("DATABASE_URL", copy.url)
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(demo_db.data_dir / "models"))
    return copy
