"""Loading: determinism, identical worlds on SQLite and PostgreSQL, all-or-nothing, no second world."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, insert, select, text

from prakerja.bootstrap import initialise
from prakerja.db import transaction
from prakerja.demo import generate_world
from prakerja.demo.world import DEFERRED_CHECK_TABLES
from prakerja.errors import AlreadyInitialised, UserError
from prakerja.models import Interaction, Participant, Vacancy, VacancySource

from tests.demo.demo_world_helpers import DEMO_TABLES, build_world, load_reference_into, prepared_engine, table_digest
from tests.cli_runner import run_in_process

SMALL = 1_200


def world_digests(engine) -> dict[str, str]:
    return {table: table_digest(engine, table) for table in DEMO_TABLES}


@pytest.fixture(scope="module")
def sqlite_reference_world(tmp_path_factory):
    engine, counts = build_world(f"sqlite:///{tmp_path_factory.mktemp('a') / 'world.db'}", SMALL, seed=3)
    yield engine, counts
    engine.dispose()


def test_same_seed_gives_identical_rows(sqlite_reference_world, tmp_path):
    first, _ = sqlite_reference_world
    again, _ = build_world(f"sqlite:///{tmp_path / 'again.db'}", SMALL, seed=3)
    other, _ = build_world(f"sqlite:///{tmp_path / 'other.db'}", SMALL, seed=4)
    expected = world_digests(first)
    assert world_digests(again) == expected
    different = world_digests(other)
    assert all(different[table] != expected[table] for table in DEMO_TABLES)


def deferred_schema_objects(engine) -> set[tuple[str, str]]:
    """Indexes and foreign keys of the tables whose checks the PostgreSQL load defers."""
    tables = list(DEFERRED_CHECK_TABLES)
    with engine.connect() as connection:
        indexes = connection.execute(
            text("SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"), {"t": tables}
        ).all()
        keys = connection.execute(
            text("SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:t)"), {"t": tables}
        ).all()
    return {tuple(row) for row in indexes} | {tuple(row) for row in keys}


@pytest.mark.postgres
def test_postgres_copy_load_gives_the_same_world_as_sqlite(sqlite_reference_world, postgres_url):
    sqlite_engine, sqlite_counts = sqlite_reference_world
    engine = prepared_engine(postgres_url)
    try:
        schema_before = deferred_schema_objects(engine)
        assert len(schema_before) > 6
        counts = generate_world(engine, participants=SMALL, seed=3)
        assert counts == sqlite_counts
        assert world_digests(engine) == world_digests(sqlite_engine)
        assert deferred_schema_objects(engine) == schema_before  # indexes and keys rebuilt as they were
        # Explicit ids were written: the sequences must have moved past them.
        with transaction(engine) as session:
            participant_id = session.scalar(select(func.min(Participant.id)))
            vacancy_id = session.scalar(select(func.min(Vacancy.id)))
            new_id = session.execute(
                insert(Interaction).returning(Interaction.id),
                [{"participant_id": participant_id, "vacancy_id": vacancy_id, "kind": "clicked",
                  "occurred_at": dt.datetime(2022, 1, 1)}],
            ).scalar_one()
        assert new_id == counts["interactions"] + 1
    finally:
        engine.dispose()


def test_init_refuses_a_second_demo_world(engine):
    initialise(engine, demo=True, participants=300, seed=1)
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Participant))
    assert before == 300
    with pytest.raises(AlreadyInitialised):
        initialise(engine, demo=True, participants=300, seed=1)
    report = initialise(engine, demo=True, participants=300, seed=1, skip_existing=True)
    assert any("already present" in line for line in report)
    with pytest.raises(AlreadyInitialised, match="already holds 300 participants"):
        generate_world(engine, participants=300, seed=2)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Participant)) == 300


def test_a_failed_load_leaves_nothing_behind(engine):
    load_reference_into(engine)
    moment = dt.datetime(2021, 1, 1)
    with transaction(engine) as session:
        session.execute(insert(Vacancy), [{
            "id": 1, "title": "Kasir", "title_norm": "kasir", "location_kind": "unknown",
            "first_seen": moment, "last_seen": moment,
        }])
        # The world's first vacancy gets id 2 and source id "demo-2": this row makes its load fail midway.
        session.execute(insert(VacancySource), [{
            "vacancy_id": 1, "source": "demo", "source_id": "demo-2", "first_seen": moment, "last_seen": moment,
        }])
    schema_before = deferred_schema_objects(engine) if engine.dialect.name == "postgresql" else None
    with pytest.raises(Exception):
        generate_world(engine, participants=200, seed=1)
    if schema_before is not None:
        assert deferred_schema_objects(engine) == schema_before
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Vacancy)) == 1
        assert connection.scalar(select(func.count()).select_from(Participant)) == 0


def test_bad_sizes_and_missing_reference_are_user_errors(engine):
    with pytest.raises(UserError, match="at least 1"):
        generate_world(engine, participants=0, seed=1)
    with pytest.raises(UserError, match="reference data first"):
        generate_world(engine, participants=10, seed=1)


def test_cli_init_demo_then_stats(tmp_path, monkeypatch, capsys):
    """The first init is a real process (the console entry end to end); the stats and the refusal run in-process."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    cli = [sys.executable, "-c", "from prakerja.cli import main; main()"]
    first = subprocess.run([*cli, "init", "--demo", "--participants", "400", "--seed", "9"],
                           env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    printed = " ".join(first.stdout.split())  # rich wraps long lines
    assert "demo world: " in printed and "400 participants" in printed
    stats = run_in_process(["db", "stats", "--format", "json"], {"DATABASE_URL": url}, monkeypatch, capsys)
    counts = json.loads(stats.stdout)
    assert counts["participants"] == 400 and counts["outcomes"] == 400 and counts["interactions"] > 400
    again = run_in_process(["init", "--demo"], {"DATABASE_URL": url}, monkeypatch, capsys)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "already" in again.stderr


def test_chunked_generation_keeps_ids_and_links_whole(tmp_path):
    engine = prepared_engine(f"sqlite:///{tmp_path / 'chunks.db'}")
    counts = generate_world(engine, participants=1_100, seed=3, chunk_size=400)  # chunks of 400, 400, 300
    with engine.connect() as connection:
        for table in ("participants", "enrollments", "interactions", "outcomes"):
            low, high, rows = connection.execute(text(f"SELECT MIN(id), MAX(id), COUNT(*) FROM {table}")).one()
            assert (low, high, rows) == (1, counts[table], counts[table]), table
        assert connection.scalar(text("SELECT COUNT(DISTINCT pseudonym) FROM participants")) == 1_100
        orphans = connection.scalar(text(
            "SELECT COUNT(*) FROM interactions i LEFT JOIN participants p ON p.id = i.participant_id WHERE p.id IS NULL"
        ))
        assert orphans == 0
        waves = connection.scalar(text("SELECT COUNT(DISTINCT wave) FROM participants WHERE id > 800"))
        assert waves > 15  # the last chunk is a fresh draw, not a copy of the first
    again = prepared_engine(f"sqlite:///{tmp_path / 'again.db'}")
    generate_world(again, participants=1_100, seed=3, chunk_size=400)
    assert world_digests(again) == world_digests(engine)
    engine.dispose()
    again.dispose()
