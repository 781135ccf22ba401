"""Demo worlds shared per test module: generated once, then only read.

A module-scoped world needs its own database: the ``engine`` fixture wipes the
per-process PostgreSQL database before every test, so the PostgreSQL world
lives in a database created (and dropped) here.
"""

from __future__ import annotations

import pytest

from tests.worlds import private_database


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory):
    """A PostgreSQL database private to one test module."""
    url, drop = private_database("postgres", tmp_path_factory.getbasetemp(), "prakerja_demo")
    yield url
    drop()
