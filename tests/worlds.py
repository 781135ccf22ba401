"""The test worlds, each built once per session: private databases, demo worlds and trained models.

A pytest plugin, registered for every folder by ``pytest_plugins`` in
tests/conftest.py:

* :func:`private_database`: the one way a test gets an empty database of its
  own (a SQLite file, or a PostgreSQL database created and later dropped);
* ``demo_worlds`` (session): :meth:`DemoWorlds.get` builds a calibrated demo
  world (reference data + ``prakerja init --demo``) once per backend, size and
  seed, and :meth:`DemoWorlds.model` fits a model on it once per parameters
  (on one read of the world, equal parts shared). Tests only read these
  worlds; a test that writes copies or builds its own;
* ``artifact_dir`` (session): model artifacts in a temporary folder, the
  environment restored by pytest's MonkeyPatch at the end;
* ``migrated_templates`` (session): :class:`MigratedTemplates`, a SQLite file
  migrated to head once, copied for every test's ``engine`` on SQLite;
* ``postgres_resets`` (session): :class:`PostgresResets`, the process's private
  PostgreSQL database handed to every test's ``engine`` migrated and empty.

Sizes are shared on purpose: :data:`SMALL` for page, path and service checks,
:data:`MEDIUM` where a model must learn real signal.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from prakerja.db import make_engine
from prakerja.migrate import upgrade
from recommender import shared_fits

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
#: (participants, seed) of the shared demo worlds.
SMALL = (400, 11)
MEDIUM = (2_000, 11)


def pg_admin_url():
    """The PostgreSQL server of the tests (``TEST_DATABASE_URL``), with the psycopg 3 driver."""
    return make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)).set(drivername="postgresql+psycopg")


def private_database(backend: str, folder: Path, prefix: str = "prakerja_t") -> tuple[str, callable]:
    """(URL, drop) of a new empty database of ``backend`` ("sqlite" or "postgres"); ``drop()`` removes it."""
    if backend == "sqlite":
        return f"sqlite:///{Path(folder) / f'{prefix}-{uuid.uuid4().hex[:6]}.db'}", lambda: None
    admin_url = pg_admin_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the suite must run on PostgreSQL: say so plainly
        pytest.fail(f"PostgreSQL at {admin_url.render_as_string()} is not reachable ({exc}); start it or set TEST_DATABASE_URL")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def copied_database(url: str, folder: Path, prefix: str = "prakerja_t") -> tuple[str, callable]:
    """(URL, drop) of a new database holding a copy of the one at ``url``, which no one may be connected to.

    SQLite: an online backup into a new file; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy_url, drop = private_database("sqlite", folder, prefix)
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(make_url(copy_url).database) as copy:
            source.backup(copy)
        return copy_url, drop
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return parsed.set(database=name).render_as_string(hide_password=False), drop


def emptied(url: str) -> str:
    """``url`` of a PostgreSQL database after dropping everything in it (a fresh public schema)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


class MigratedTemplates:
    """A SQLite file migrated to head once per process; :meth:`copy_to` gives a test's SQLite database a copy of it.

    A copy is what running every migration on an empty file gives (the template's engine is closed first, so its
    WAL is folded in), without running them again for every test. PostgreSQL has :class:`PostgresResets` instead:
    ``CREATE DATABASE ... TEMPLATE`` measured no faster there (a new database starts with cold caches).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: Path | None = None

    def copy_to(self, url: str) -> None:
        """Make the SQLite database at ``url`` a fresh copy of the template."""
        if self._sqlite is None:
            self._sqlite = self.folder / "head.db"
            engine = make_engine(f"sqlite:///{self._sqlite}")
            upgrade(engine)
            engine.dispose()
            assert not Path(f"{self._sqlite}-wal").exists()
        shutil.copyfile(self._sqlite, make_url(url).database)


#: The shape of the public schema: relations and their columns, constraints, types, functions, triggers, and
#: the Alembic revision. Two databases with the same fingerprint hold the same tables.
SCHEMA_FINGERPRINT = text(
    """
    SELECT md5(coalesce(string_agg(entry, ',' ORDER BY entry), '')) FROM (
        SELECT 'rel:' || c.relname || ':' || c.relkind::text || ':' || coalesce(a.attname, '') || ':'
               || coalesce(a.atttypid::text, '') || ':' || coalesce(a.attnotnull::text, '') AS entry
          FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'con:' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'type:' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
        UNION ALL SELECT 'proc:' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT 'trigger:' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'schema:' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%'
        UNION ALL SELECT 'revision:' || version_num FROM alembic_version
    ) shape
    """
)

#: Sequences no column owns (TRUNCATE ... RESTART IDENTITY restarts the others).
UNOWNED_SEQUENCES = text(
    """
    SELECT s.relname FROM pg_class s
     WHERE s.relkind = 'S' AND s.relnamespace = 'public'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype IN ('a', 'i'))
    """
)


class PostgresResets:
    """Hands each test the process's private PostgreSQL database migrated to head and holding no rows.

    Migrating from nothing (a new public schema, then every Alembic revision) cost 0.33 s a test, for about
    150 tests a run; emptying the tables of a database already at head costs about 0.1 s. The tables are only
    emptied when the schema still has the fingerprint it had right after a full migration: a test that
    changed it (a migration test, a fixture that emptied the database) gets the full reset next time. The
    migrations write no rows into an empty database (checked after each full reset), so an emptied database
    is what a fresh migration gives.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._migrated_shape: str | None = None

    def reset(self) -> str:
        """The database's URL, after making it a freshly migrated, empty database."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                if self._migrated_shape is not None and self._shape(connection) == self._migrated_shape:
                    self._empty_tables(connection)
                    return self.url
            migrated = make_engine(emptied(self.url))  # this engine's idle connection holds no lock against it
            upgrade(migrated)
            migrated.dispose()
            with engine.begin() as connection:
                rows = sum(connection.scalar(text(f'SELECT count(*) FROM "{table}"')) for table in self._tables(connection))
                self._migrated_shape = self._shape(connection) if rows == 0 else None
            return self.url
        finally:
            engine.dispose()

    @staticmethod
    def _shape(connection) -> str | None:
        if connection.scalar(text("SELECT to_regclass('public.alembic_version')")) is None:
            return None  # not a migrated database
        return connection.scalar(SCHEMA_FINGERPRINT)

    @staticmethod
    def _tables(connection) -> list[str]:
        query = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        return list(connection.scalars(query))

    def _empty_tables(self, connection) -> None:
        """Every table emptied and every sequence back at its start (RESTART IDENTITY restarts the owned ones)."""
        tables = ", ".join(f'"{table}"' for table in self._tables(connection))
        if tables:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY"))
        for sequence in connection.scalars(UNOWNED_SEQUENCES).all():
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory):
    """The session's :class:`MigratedTemplates`."""
    return MigratedTemplates(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(scope="session")
def postgres_resets(pg_database_url):
    """The session's :class:`PostgresResets` of the process's private PostgreSQL database."""
    return PostgresResets(pg_database_url)


@dataclass
class DemoWorld:
    """A generated demo world in a database of its own (read-only for tests)."""

    url: str
    engine: Engine
    participants: int
    seed: int
    dataset: object = None  # the whole world's load_dataset, read on the first model
    fits: shared_fits.FitMemo = field(default_factory=shared_fits.FitMemo)


class DemoWorlds:
    """Demo worlds and models built on first use and kept for the session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._worlds: dict[tuple, DemoWorld] = {}
        self._drops: list = []

    def get(self, backend: str = "sqlite", size: tuple[int, int] = SMALL) -> DemoWorld:
        """The demo world of ``size`` ((participants, seed)) on ``backend``, built once."""
        key = (backend, *size)
        if key not in self._worlds:
            from prakerja.bootstrap import initialise

            url, drop = private_database(backend, self.folder, "prakerja_demo")
            self._drops.append(drop)
            engine = make_engine(url)
            upgrade(engine)
            initialise(engine, demo=True, participants=size[0], seed=size[1])
            self._worlds[key] = DemoWorld(url, engine, *size)
        return self._worlds[key]

    def model(self, world: DemoWorld, algorithm: str, **params):
        """``algorithm`` with ``params`` fitted on the whole ``world``, once per world and parameters.

        The world's dataset is read once, and the world's :class:`~recommender.shared_fits.FitMemo` keeps every
        fit: an equal model, or an equal part (a grounded model's base blend), is fitted once.
        """
        from recommender.features import load_dataset
        from recommender.models import make_model

        if world.dataset is None:
            world.dataset = load_dataset(world.engine)
        with shared_fits.sharing_fits(world.fits):
            return shared_fits.fit(make_model(algorithm, **params), world.dataset)

    def close(self) -> None:
        for world in self._worlds.values():
            world.engine.dispose()
        for drop in self._drops:
            drop()


@pytest.fixture(scope="session")
def demo_worlds(tmp_path_factory):
    """The session's :class:`DemoWorlds`."""
    worlds = DemoWorlds(tmp_path_factory.mktemp("demo-worlds"))
    yield worlds
    worlds.close()


@pytest.fixture(scope="session")
def artifact_dir(tmp_path_factory):
    """PRAKERJA_ARTIFACT_DIR in a temporary folder for the whole session (restored afterwards)."""
    folder = tmp_path_factory.mktemp("models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRAKERJA_ARTIFACT_DIR", str(folder))
        yield folder
