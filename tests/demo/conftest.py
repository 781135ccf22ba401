"""Demo worlds shared per test module: generated once, then only read.

A module-scoped world needs its own database: the ``engine`` fixture wipes the
per-process PostgreSQL database before every test, so the PostgreSQL world
lives in a database created (and dropped) here.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL database private to one test module."""
    admin_url = make_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    admin_url = admin_url.set(drivername="postgresql+psycopg")
    name = f"prakerja_demo_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
