"""Fixtures of the jobs_ingest tests: a database with the reference data, a fixed clock, table dumps."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs_ingest.normalize import Normalizer
from prakerja.db import session_factory, transaction
from prakerja.models import OccupationGroup, Skill, Vacancy, VacancySkill, VacancySource
from prakerja.reference.loader import load_reference

# The shared postings were scraped on 2024-08-22: a clock the day after keeps most of them active.
INGEST_NOW = dt.datetime(2024, 8, 23)


@pytest.fixture
def ingest_engine(engine):
    """A migrated database (SQLite and PostgreSQL) with regions and the other reference tables."""
    with transaction(engine) as session:
        load_reference(session)
    return engine


@pytest.fixture
def ingest_now() -> dt.datetime:
    return INGEST_NOW


_NORMALIZERS: dict[tuple, Normalizer] = {}


@pytest.fixture
def ingest_normalizer(ingest_engine) -> Normalizer:
    """A normalizer on the reference vocabularies, built once per session (building one takes a second).

    Reused only while the database's skill ids and occupation codes are the ones it was built from.
    """
    with ingest_engine.connect() as connection:
        vocabulary = (
            tuple(connection.execute(select(Skill.id, Skill.slug).order_by(Skill.id))),
            tuple(connection.scalars(select(OccupationGroup.code).order_by(OccupationGroup.code))),
        )
    key = (hash(vocabulary),)
    if key not in _NORMALIZERS:
        with session_factory(ingest_engine)() as session:
            _NORMALIZERS[key] = Normalizer.from_session(session, now=INGEST_NOW)
    return _NORMALIZERS[key]


@pytest.fixture
def dump_vacancy_tables():
    """A function: every row of the vacancy tables, ordered, for before/after comparisons."""

    def dump(engine) -> dict[str, list[tuple]]:
        dumps = {}
        with engine.connect() as connection:
            for model in (Vacancy, VacancySource, VacancySkill):
                table = model.__table__
                rows = connection.execute(select(table).order_by(*table.primary_key))
                dumps[table.name] = [tuple(row) for row in rows]
        return dumps

    return dump
