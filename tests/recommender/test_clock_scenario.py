"""The honest clock: a demo world ends today, and loading files of postings never closes another source's vacancies.

The scenario of issue 12: ``make run`` (a demo world), then ``prakerja ingest csv``
of a file whose postings are recent and of one whose postings are stale.
"""

from __future__ import annotations

import datetime as dt
import pytest
from sqlalchemy import select

from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.sources import id_jobs_file
from prakerja.db import transaction
from prakerja.demo import generate_world
from prakerja.models import Participant, Regency, Vacancy, VacancySource
from prakerja.reference.loader import load_reference
from recommender.features import load_dataset
from recommender.participant_list import match_participant
from recommender.serving_state import MODEL_CACHE

from tests.jobs_ingest.test_file_sources import id_jobs_row, write_id_jobs

@pytest.fixture
def demo_world(engine):
    """A small demo world generated today (SQLite and PostgreSQL), the serving cache fresh around it."""
    with transaction(engine) as session:
        load_reference(session)
    generate_world(engine, participants=150, seed=4)
    MODEL_CACHE.clear()
    yield engine
    MODEL_CACHE.clear()


def _ingest(engine, path):
    source = id_jobs_file(path)
    return ingest_postings(engine, source, source=source.source, kind=source.kind, location=str(path))


def _active_by_source(engine) -> dict[str, int]:
    dataset = load_dataset(engine)
    active = set(dataset.item_id_map.external_ids[dataset.item_attributes["active"].to_numpy()].tolist())
    with engine.connect() as connection:
        rows = connection.execute(select(VacancySource.source, VacancySource.vacancy_id)).all()
    counts: dict[str, int] = {}
    for source, vacancy_id in rows:
        counts[source] = counts.get(source, 0) + (vacancy_id in active)
    return counts


def _home_of_first_participant(engine) -> tuple[int, str]:
    with engine.connect() as connection:
        return connection.execute(
            select(Participant.id, Regency.name).join(Regency, Regency.code == Participant.regency_code).order_by(Participant.id).limit(1)
        ).one()


def test_recent_postings_join_the_demo_market_and_stale_ones_close_nothing(demo_world, tmp_path):
    engine = demo_world
    before = _active_by_source(engine)
    assert before["demo"] > 0  # the demo world ends today: its open vacancies are open now
    pid, home = _home_of_first_participant(engine)
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    recent = tmp_path / "recent.csv"
    write_id_jobs(recent, [
        id_jobs_row(job_title=f"Staf Gudang {i}", job_location=home, job_url=f"https://baru.example/jobs/{i}", job_board="Baru",
                    first_seen=(today - dt.timedelta(days=2)).strftime("%d/%m/%Y %H:%M:%S"),
                    job_apply_end_date=(today + dt.timedelta(days=30)).date().isoformat())
        for i in range(3)
    ])
    stale = tmp_path / "stale.csv"
    write_id_jobs(stale, [
        id_jobs_row(job_title=f"Kasir {i}", job_location=home, job_url=f"https://lama.example/jobs/{i}", job_board="Lama",
                    first_seen="22/08/2024 11:13:58")
        for i in range(3)
    ])
    _ingest(engine, recent)
    _ingest(engine, stale)
    after = _active_by_source(engine)
    assert after["demo"] == before["demo"]  # neither file closed a demo vacancy
    assert after["baru"] == 3 and after["lama"] == 0  # each posting by its own dates against today
    with engine.connect() as connection:
        stale_statuses = connection.scalars(
            select(Vacancy.status).join(VacancySource, VacancySource.vacancy_id == Vacancy.id).where(VacancySource.source == "lama")
        ).all()
    assert stale_statuses == ["expired"] * 3
    shown = match_participant(engine, pid, k=60)
    urls = [r.url or "" for r in shown]
    assert any("baru.example" in url for url in urls)  # the real, recent postings near home
    assert any("demo.invalid" in url for url in urls)  # beside the demo vacancies
    assert not any("lama.example" in url for url in urls)
    assert shown.data_as_of == today.date() and shown.empty_reason is None


def test_the_shared_2024_postings_leave_the_demo_lists_full(shared_data, demo_world):
    """The bug of issue 12: after real 2024 postings were loaded, every demo vacancy looked expired."""
    engine = demo_world
    before = _active_by_source(engine)
    _ingest(engine, shared_data / "jobs" / "dealls.csv")
    assert _active_by_source(engine)["demo"] == before["demo"]
    pid, _ = _home_of_first_participant(engine)
    shown = match_participant(engine, pid, k=10)
    assert len(shown) == 10 and shown.empty_reason is None
