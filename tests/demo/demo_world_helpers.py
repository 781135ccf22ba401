"""Helpers that build and read demo worlds in tests (imported by name, not via conftest)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
from sqlalchemy import Engine, select

from prakerja.db import make_engine, transaction
from prakerja.demo import generate_world
from prakerja.migrate import upgrade
from prakerja.models import Base
from prakerja.reference.loader import load_reference

DEMO_TABLES = (
    "participants", "participant_skills", "enrollments", "vacancies", "vacancy_skills",
    "vacancy_sources", "interactions", "outcomes",
)
# Columns the database fills itself (server clocks), left out of content comparisons.
CLOCK_COLUMNS = {"created_at", "updated_at"}


def load_reference_into(engine: Engine) -> None:
    """Load the shipped reference data, as `prakerja init` does."""
    with transaction(engine) as session:
        load_reference(session)


def prepared_engine(url: str) -> Engine:
    """A migrated database holding the shipped reference data."""
    engine = make_engine(url)
    upgrade(engine)
    load_reference_into(engine)
    return engine


def build_world(url: str, participants: int, seed: int, today: dt.date | None = None) -> tuple[Engine, dict[str, int]]:
    """A demo world in a new database, ending on ``today`` (the real date when None)."""
    engine = prepared_engine(url)
    return engine, generate_world(engine, participants=participants, seed=seed, today=today)


def read_table(engine: Engine, table: str) -> pd.DataFrame:
    """A whole table as a frame, through SQLAlchemy so both databases give the same Python types."""
    table_object = Base.metadata.tables[table]
    with engine.connect() as connection:
        rows = connection.execute(select(table_object)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table_object.columns])


def table_digest(engine: Engine, table: str) -> str:
    """SHA-256 of a table's rows (server clock columns excluded), in primary-key order."""
    table_object = Base.metadata.tables[table]
    columns = [c for c in table_object.columns if c.name not in CLOCK_COLUMNS]
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for row in connection.execute(select(*columns).order_by(*table_object.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
