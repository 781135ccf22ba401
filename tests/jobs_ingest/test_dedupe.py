"""Cross-board duplicates become one vacancy with several sources; postings of one board stay apart."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from jobs_ingest.dedupe import DuplicateIndex, company_key, title_key
from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting
from prakerja.models import RawRow, Vacancy, VacancySource

DAY = dt.date(2024, 8, 20)


def test_company_and_title_keys_ignore_legal_forms_case_and_punctuation():
    assert company_key("PT. Sinar Jaya Tbk") == company_key("Sinar Jaya") == "sinar jaya"
    assert company_key("Indonesia") == "indonesia"  # a name made only of filler keeps its words
    assert company_key(None) is None and company_key("  ") is None
    assert title_key("Sr. Backend Engineer (Go) — Jakarta") == "sr backend engineer go jakarta"


@given(st.text(max_size=80))
def test_keys_are_idempotent(text):
    assert title_key(title_key(text)) == title_key(text)
    key = company_key(text)
    assert key is None or company_key(key) == key


def test_index_matches_near_identical_titles_of_other_boards_only():
    index = DuplicateIndex()
    index.add(1, "sinar jaya", "3578", "backend engineer golang", DAY, "dealls")
    assert index.find("sinar jaya", "3578", "golang backend engineer", DAY, "glints") == 1  # word order
    assert index.find("sinar jaya", "3578", "backend engineer golang", DAY, "dealls") is None  # same board
    assert index.find("sinar jaya", "3515", "backend engineer golang", DAY, "glints") is None  # other place
    assert index.find("sinar abadi", "3578", "backend engineer golang", DAY, "glints") is None  # other company
    assert index.find("sinar jaya", "3578", "frontend engineer react", DAY, "glints") is None  # other job
    assert index.find("sinar jaya", "3578", "backend engineer golang", DAY + dt.timedelta(days=45), "glints") is None
    assert index.find(None, "3578", "backend engineer golang", DAY, "glints") is None


def test_index_stays_fast_with_many_blocks():
    import time

    index = DuplicateIndex()
    for number in range(100_000):
        index.add(number, f"company {number % 5000}", str(3000 + number % 50), f"staff role {number}", DAY, "a")
    started = time.perf_counter()
    found = [index.find(f"company {n % 5000}", str(3000 + n % 50), f"staff role {n}", DAY, "b") for n in range(10_000)]
    assert time.perf_counter() - started < 5
    assert found == list(range(10_000))


def board_posting(board: str, number: int, title: str, **fields) -> RawPosting:
    values = dict(source=board, source_id=f"{board}-{number}", url=f"https://{board}.example/{number}", title=title,
                  company="PT Sinar Jaya", location_text="Surabaya", first_seen="2024-08-20T08:00:00Z")
    values.update(fields)
    return RawPosting(**values, raw={"board": board, "n": number, "title": title})


def test_the_same_job_on_two_boards_is_one_vacancy_with_two_sources(ingest_engine, ingest_now, ingest_normalizer):
    first = ingest_postings(ingest_engine, [
        board_posting("dealls", 1, "Backend Engineer (Golang)"),
        board_posting("dealls", 2, "Backend Engineer (Golang)", url="https://dealls.example/2b"),  # same board: apart
        board_posting("dealls", 3, "Admin Gudang", company=None),
    ], source="dealls", kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer)
    # A later run of another board: the index must see the vacancies already in the database.
    second = ingest_postings(ingest_engine, [
        board_posting("glints", 10, "Golang Backend Engineer", company="Sinar Jaya", salary_text="Rp 9 - 12 juta"),
        board_posting("glints", 11, "Admin Gudang", company=None),  # no company: never merged
        board_posting("glints", 12, "Backend Engineer Golang", location_text="Sidoarjo Regency"),
    ], source="glints", kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer)

    assert (first.created, first.merged) == (3, 0)
    assert (second.created, second.merged) == (2, 1)
    with ingest_engine.connect() as connection:
        merged_id = connection.scalar(select(RawRow.vacancy_id).where(RawRow.outcome == "merged"))
        sources = connection.execute(
            select(VacancySource.source, VacancySource.source_id).where(VacancySource.vacancy_id == merged_id)
        ).all()
        vacancy = connection.execute(
            select(Vacancy.title, Vacancy.salary_min_idr, Vacancy.salary_max_idr).where(Vacancy.id == merged_id)
        ).one()
        total = connection.scalar(select(func.count()).select_from(Vacancy))
    assert sorted(sources) == [("dealls", "dealls-1"), ("glints", "glints-10")]
    assert vacancy.title == "Backend Engineer (Golang)"  # the first board's words stay
    assert (vacancy.salary_min_idr, vacancy.salary_max_idr) == (9_000_000, 12_000_000)  # filled from the duplicate
    assert total == 5


def test_one_board_keeps_its_own_ids_apart_and_a_later_board_merges(ingest_engine, ingest_now, ingest_normalizer):
    postings = [board_posting("agg", 1, "Kasir Toko"), board_posting("agg", 2, "Kasir Toko")]
    report = ingest_postings(ingest_engine, postings, source="agg", kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer)
    assert report.created == 2  # one board, two ids: two openings
    other = [board_posting("lain", 1, "Kasir Toko ")]
    assert ingest_postings(ingest_engine, other, source="lain", kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer).merged == 1
