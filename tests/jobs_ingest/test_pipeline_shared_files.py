"""The id-jobs path on the real scraped postings in ../shared/data/jobs, on both databases."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.report import run_summaries
from jobs_ingest.sources import id_jobs_file
from prakerja.models import Quarantine, RawRow, Vacancy, VacancySkill, VacancySource

BOARDS = ("dealls", "kalibrr", "evermos", "vidio")


def data_rows(path) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def ingest_file(engine, path, normalizer, **options):
    source = id_jobs_file(path, **options)
    return ingest_postings(engine, source, source=source.source, kind=source.kind, location=str(path),
                           now=normalizer.now, normalizer=normalizer, resume=True, batch_size=300)


def test_dealls_twice_leaves_the_same_vacancies_and_counts_add_up(
    ingest_engine, shared_data, ingest_now, ingest_normalizer, dump_vacancy_tables
):
    path = shared_data / "jobs" / "dealls.csv"
    first = ingest_file(ingest_engine, path, ingest_normalizer)
    after_first = dump_vacancy_tables(ingest_engine)
    second = ingest_file(ingest_engine, path, ingest_normalizer)

    assert dump_vacancy_tables(ingest_engine) == after_first
    rows = data_rows(path)
    assert first.rows == second.rows == rows
    assert first.created > 700 and first.updated == 0
    # The file repeats some postings word for word: the repeats are "unchanged" already in the first run.
    assert first.created + first.unchanged + first.quarantined == rows
    assert second.unchanged == rows - second.quarantined and second.created == 0
    for summary in run_summaries(ingest_engine):
        assert summary.rows == summary.archived == rows
        assert summary.status == "finished"
    with ingest_engine.connect() as connection:
        vacancies, classified = connection.execute(
            # a confidence is stored for every classified title; the group only when the classifier is sure
            select(func.count(), func.count(Vacancy.occupation_confidence)).select_from(Vacancy)
        ).one()
        with_skills = connection.scalar(select(func.count(func.distinct(VacancySkill.vacancy_id))))
    # Titles and departments reach the occupation classifier and the skill extractor.
    assert classified > 0.8 * vacancies and with_skills > 0.8 * vacancies


def test_all_four_boards_every_row_accounted_for(ingest_engine, shared_data, ingest_now, ingest_normalizer):
    with open(shared_data / "jobs" / "locations_gold_dev.csv", newline="", encoding="utf-8") as handle:
        foreign_places = {row["location"] for row in csv.DictReader(handle) if row["kind"] == "foreign"}
    expected_rows = {}
    foreign_rows = 0
    for board in BOARDS:
        path = shared_data / "jobs" / f"{board}.csv"
        expected_rows[board] = data_rows(path)
        with open(path, newline="", encoding="utf-8") as handle:
            foreign_rows += sum(row["job_location"] in foreign_places for row in csv.DictReader(handle))
        report = ingest_file(ingest_engine, path, ingest_normalizer)
        assert report.source == board
        assert report.rows == expected_rows[board]

    with ingest_engine.connect() as connection:
        archived = dict(connection.execute(select(RawRow.source, func.count()).group_by(RawRow.source)).all())
        foreign_quarantined = connection.scalar(
            select(func.count()).select_from(Quarantine).where(Quarantine.reason.like("foreign location%"))
        )
        kinds = set(connection.scalars(select(Vacancy.location_kind).distinct()))
        sourced = connection.scalar(select(func.count(func.distinct(VacancySource.vacancy_id))))
        vacancies = connection.scalar(select(func.count()).select_from(Vacancy))
        kalibrr_currencies = set(
            connection.scalars(
                select(Vacancy.salary_currency)
                .join(VacancySource, VacancySource.vacancy_id == Vacancy.id)
                .where(VacancySource.source == "kalibrr", Vacancy.salary_text.is_not(None))
            )
        )
    assert archived == expected_rows
    assert foreign_quarantined == foreign_rows > 600  # kalibrr's Philippine postings never become vacancies
    assert "foreign" not in kinds
    assert sourced == vacancies  # no vacancy without a source
    # kalibrr's export states amounts in PHP; without a rate table they are kept, flagged, never read as IDR.
    assert kalibrr_currencies == {"PHP"}


@pytest.mark.parametrize("board", ["kalibrr"])
def test_a_rate_table_converts_foreign_salaries(ingest_engine, shared_data, ingest_now, board, tmp_path):
    from jobs_ingest.normalize import Normalizer

    source = id_jobs_file(shared_data / "jobs" / f"{board}.csv")
    normalizer = Normalizer(now=ingest_now, rates={"PHP": 280.0})
    ingest_postings(ingest_engine, source, source=source.source, kind=source.kind, location="x", now=ingest_now,
                    normalizer=normalizer)
    with ingest_engine.connect() as connection:
        salaries = connection.execute(
            select(Vacancy.salary_min_idr, Vacancy.salary_currency).where(Vacancy.salary_text.is_not(None))
        ).all()
    assert salaries, "the Indonesian kalibrr rows state salaries"
    for amount, currency in salaries:
        assert currency is None and 1_000_000 < amount < 20_000_000
