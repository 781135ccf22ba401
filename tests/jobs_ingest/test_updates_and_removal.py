"""Same board id or URL: update in place, first_seen kept, last_seen moved; removal after a full crawl."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from jobs_ingest.pipeline import ingest_postings, mark_removed
from jobs_ingest.records import RawPosting
from prakerja.models import Vacancy, VacancySource


def posting(number: int, *, seen: str, **fields) -> RawPosting:
    values = dict(source="contoh", source_id=f"c-{number}", url=f"https://contoh.example/{number}",
                  title=f"Teknisi Listrik {number}", company="PT Terang", location_text="Kota Malang",
                  salary_text="5 juta", first_seen=seen, last_seen=seen, posted_at="2024-08-19")
    values.update(fields)
    return RawPosting(**values)


def ingest(engine, postings, normalizer, source="contoh"):
    return ingest_postings(engine, postings, source=source, kind="crawl", location="https://contoh.example/",
                           now=normalizer.now, normalizer=normalizer)


def vacancy_of(engine, source_id: str):
    with engine.connect() as connection:
        return connection.execute(
            select(Vacancy.id, Vacancy.salary_min_idr, Vacancy.first_seen, Vacancy.last_seen, Vacancy.status,
                   VacancySource.first_seen, VacancySource.last_seen, VacancySource.status)
            .join(VacancySource, VacancySource.vacancy_id == Vacancy.id)
            .where(VacancySource.source_id == source_id)
        ).one()


def test_a_changed_posting_is_updated_in_place(ingest_engine, ingest_now, ingest_normalizer):
    first_sighting = [posting(1, seen="2024-08-20T00:00:00"), posting(2, seen="2024-08-20T00:00:00")]
    ingest(ingest_engine, first_sighting, ingest_normalizer)
    before = vacancy_of(ingest_engine, "c-1")
    later = dt.datetime(2024, 8, 22)
    report = ingest(ingest_engine, [
        posting(1, seen="2024-08-22T00:00:00", salary_text="6 juta"),  # changed content
        posting(2, seen="2024-08-22T00:00:00"),  # seen again, same content
        posting(3, seen="2024-08-22T00:00:00", source_id="c-1-renamed", url="https://contoh.example/1",
                salary_text="7 juta"),  # the board renumbered it, the URL is the same
    ], ingest_normalizer)
    assert (report.updated, report.unchanged, report.created) == (2, 1, 0)
    after = vacancy_of(ingest_engine, "c-1")
    assert after.id == before.id
    assert after.salary_min_idr == 7_000_000
    assert after.first_seen == before.first_seen == dt.datetime(2024, 8, 20)  # history kept
    assert after.last_seen == later
    unchanged = vacancy_of(ingest_engine, "c-2")
    assert (unchanged[3], unchanged[6]) == (later, later)  # only the seen-window moved
    with ingest_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Vacancy)) == 2


def test_an_older_sighting_never_moves_last_seen_back(ingest_engine, ingest_now, ingest_normalizer):
    ingest(ingest_engine, [posting(1, seen="2024-08-22T00:00:00")], ingest_normalizer)
    report = ingest(ingest_engine, [posting(1, seen="2024-08-20T00:00:00")], ingest_normalizer)
    assert report.unchanged == 1
    assert vacancy_of(ingest_engine, "c-1").last_seen == dt.datetime(2024, 8, 22)


def test_postings_missing_from_a_full_crawl_are_removed(ingest_engine, ingest_now, ingest_normalizer):
    ingest(ingest_engine, [posting(n, seen="2024-08-20T00:00:00") for n in (1, 2, 3)], ingest_normalizer)
    # Posting 3 is also on another board: its vacancy stays listed there.
    other = posting(3, seen="2024-08-20T00:00:00", source="lain", source_id="l-3", url="https://lain.example/3")
    assert ingest(ingest_engine, [other], ingest_normalizer, source="lain").merged == 1

    assert mark_removed(ingest_engine, "contoh", {"c-1"}, now=ingest_now) == 2
    assert mark_removed(ingest_engine, "contoh", {"c-1"}, now=ingest_now) == 0  # idempotent
    assert vacancy_of(ingest_engine, "c-1").status == "active"
    assert vacancy_of(ingest_engine, "c-2")[4] == "removed" and vacancy_of(ingest_engine, "c-2")[7] == "removed"
    assert vacancy_of(ingest_engine, "c-3")[4] == "active" and vacancy_of(ingest_engine, "c-3")[7] == "removed"

    # It comes back: the source is active again, and so is the vacancy.
    report = ingest(ingest_engine, [posting(2, seen="2024-08-22T00:00:00")], ingest_normalizer)
    assert report.updated == 1
    assert vacancy_of(ingest_engine, "c-2")[4] == "active" and vacancy_of(ingest_engine, "c-2")[7] == "active"


def test_long_ids_are_stored_hashed_and_still_recognised_by_removal(ingest_engine, ingest_now, ingest_normalizer):
    long_id = "https://contoh.example/lowongan?" + "x" * 300
    ingest(ingest_engine, [posting(1, seen="2024-08-20T00:00:00", source_id=long_id)], ingest_normalizer)
    with ingest_engine.connect() as connection:
        stored = connection.scalar(select(VacancySource.source_id))
    assert stored.startswith("sha256:") and len(stored) <= 255
    assert mark_removed(ingest_engine, "contoh", {long_id}, now=ingest_now) == 0
    again = ingest(ingest_engine, [posting(1, seen="2024-08-20T00:00:00", source_id=long_id)], ingest_normalizer)
    assert again.unchanged == 1
