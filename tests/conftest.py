"""Shared fixtures: real databases (SQLite file and PostgreSQL) and the shared data folder.

Every test that takes ``db_url`` or ``engine`` runs once on SQLite and once on
PostgreSQL (``TEST_DATABASE_URL``, default the local server). Each pytest process
gets its own PostgreSQL database, so parallel runs never see each other's rows;
each test gets a fresh schema in it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

# Idle BLAS/OpenMP threads sleep at once instead of spinning: two pytest workers on two cores, each with a
# two-thread OpenBLAS, otherwise burn a core spinning while the other works (the occupation-model rebuild took
# 73 s CPU instead of 33 s). The thread counts, so the arithmetic and every result, stay the same. Set before
# anything loads numpy; subprocesses of the tests inherit it.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import pytest  # noqa: E402

from prakerja.db import make_engine  # noqa: E402

pytest.register_assert_rewrite("tests.worlds")
from tests.worlds import emptied, private_database  # noqa: E402  (after the rewrite is registered)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PRAKERJA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))

#: Every folder gets the shared worlds (private databases, demo worlds, trained models, artifact folder).
pytest_plugins = ["tests.worlds"]


#: Set (to the folder) when the suite made PRAKERJA_DATA_DIR itself; xdist workers inherit it and make their own.
_OWN_DATA_DIR = "PRAKERJA_TEST_OWN_DATA_DIR"


def pytest_configure(config) -> None:
    """Keep the suite away from the operator's database and artifacts (data/, DATABASE_URL).

    Every pytest process (each xdist worker too) gets a data folder of its own:
    a worker inherits the controller's environment, and two workers sharing one
    folder would see each other's background jobs and default database.
    """
    os.environ.pop("DATABASE_URL", None)
    if "PRAKERJA_DATA_DIR" not in os.environ or os.environ.get(_OWN_DATA_DIR):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        folder = tempfile.mkdtemp(prefix=f"prakerja-test-{worker}-")
        os.environ["PRAKERJA_DATA_DIR"] = os.environ[_OWN_DATA_DIR] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    elif os.environ.get("PYTEST_XDIST_WORKER"):  # the operator's folder: one subfolder per worker
        folder = Path(os.environ["PRAKERJA_DATA_DIR"]) / os.environ["PYTEST_XDIST_WORKER"]
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["PRAKERJA_DATA_DIR"] = str(folder)


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


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """URL of an empty database (no tables), once per backend."""
    return fresh_database_url(request.param, tmp_path, request)


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, migrated_templates):
    """An engine on a fresh, fully migrated database holding no rows, once per backend.

    SQLite: a copy of a file migrated once per process (tests.worlds.MigratedTemplates); PostgreSQL: the
    process's private database, its tables emptied while its schema is still the migrated one
    (tests.worlds.PostgresResets).
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        migrated_templates.copy_to(url)
    else:
        url = request.getfixturevalue("postgres_resets").reset()
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, the files holding slow or browser tests go first (their order kept, the rest's too).

    ``make test`` hands whole files to two workers (``--dist loadfile``) in
    collection order; a slow file collected last (the wheel install) would run
    alone at the end while the other worker idles. Longest first balances the two.

    The worked world (tests/dashboard/conftest.py) is built once per run: the
    first file that uses it goes first, the others last among the slow files,
    so that the world is ready when they start and no worker waits for it.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    heavy = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    worked = list(dict.fromkeys(item.nodeid.split("::")[0] for item in items if "worked_world" in item.fixturenames))

    def order(item) -> int:
        file = item.nodeid.split("::")[0]
        if file not in heavy:
            return 3
        return 2 if file in worked[1:] else 0 if file in worked[:1] else 1

    items.sort(key=order)  # stable: order within each part unchanged


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Put back ``sys.modules["__main__"]`` after each test.

    Streamlit's AppTest installs the page script as ``__main__`` and leaves it
    there; a later test that starts processes by spawning (Dask's
    LocalCluster) then re-runs that script in every child, which fails
    (``NameError: __args``) after an ``AppTest.from_function`` test.
    """
    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main
