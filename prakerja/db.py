"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

One function builds every engine so that SQLite always enforces foreign keys
and waits on locks, and so that a bad URL becomes a :class:`DatabaseUnavailable`
with a message a user can act on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from prakerja.config import get_settings
from prakerja.errors import DatabaseUnavailable


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (psycopg2 is not installed)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None, *, check: bool = True, pre_ping: bool = True, pool_size: int | None = None) -> Engine:
    """Create an engine for ``url`` (default: the configured database).

    Parameters
    ----------
    url
        A SQLAlchemy URL; ``DATABASE_URL`` or the SQLite default when None.
    check
        Open one connection now so that a wrong URL fails here, clearly.
    pre_ping
        Test every pooled connection with a round trip before use (server
        databases). The HTTP service turns it off: a dead connection then fails
        one request (503) and the pool reconnects, instead of every request
        paying a round trip.
    pool_size
        Connections kept open (server databases; SQLAlchemy's default is 5).
        A process that runs N threads against the database wants N: beyond the
        pool, connections are opened and closed per use, and each new
        PostgreSQL connection costs a process fork and cold caches.

    Raises
    ------
    DatabaseUnavailable
        When the URL cannot be parsed, names an unknown driver, or the
        database does not answer.
    """
    url = _normalise_url(url or get_settings().database_url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"DATABASE_URL {url!r} is not a database URL; use e.g. sqlite:///data/prakerja.db "
            "or postgresql://user@host:5432/dbname"
        ) from None
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = pre_ping
        if pool_size is not None:
            kwargs["pool_size"] = pool_size
        kwargs["connect_args"] = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseUnavailable(f"DATABASE_URL {parsed.render_as_string()!r} names no known database: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if check:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnavailable(
                f"cannot reach the database at {parsed.render_as_string(hide_password=True)}: {reason}. "
                "Check DATABASE_URL and that the server is running."
            ) from None
    return engine


@lru_cache(maxsize=8)
def cached_engine(url: str | None = None) -> Engine:
    """One engine per URL per process (for the API and dashboard)."""
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits at the end or rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


def insert_rows(session: Session, model: type, rows: list[dict]) -> None:
    """Insert plain rows of ``model``'s table in one executemany, through SQLAlchemy Core.

    The ORM's bulk insert checks every dictionary against the mapping first: that was two
    thirds of loading the reference tables. Every row must have the same keys (column names).
    """
    if rows:
        session.connection().execute(insert(model.__table__), rows)


def reading(engine: Engine):
    """A connection outside any transaction (autocommit), for reads that run on every request or check.

    A pooled connection returned after a transaction is rolled back, and psycopg
    answers a ROLLBACK by dropping every statement it had prepared on that
    connection: the next requests on it plan their queries again. Reads
    without a transaction leave nothing to roll back.
    """
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def open_database(url: str | None = None) -> Engine:
    """Connect to the configured database and bring its schema up to date (every command starts here)."""
    from prakerja.migrate import upgrade  # Alembic only where a database is opened, not for `prakerja --help`

    engine = make_engine(url)
    upgrade(engine)
    return engine
