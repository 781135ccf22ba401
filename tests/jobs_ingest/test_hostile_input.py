"""Hostile and broken values at ingest (issue 14): each bad row is quarantined with its reason, never a batch.

Every path (CSV file, crawled JobPosting, partner batch) ends in the same
normalizer and pipeline; these tests feed them the values a probe used: a
salary of 400 digits, ``javascript:`` and ``data:`` links, NUL bytes, "N/A"
cells, a duplicated CSV header and a description of a megabyte. Both databases.
"""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from jobs_ingest.crawl.jobposting import FoundPosting
from jobs_ingest.crawl.mapping import to_raw_posting
from jobs_ingest.mapping import ID_JOBS_COLUMNS
from jobs_ingest.normalize import DESCRIPTION_MAX
from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting
from jobs_ingest.sources import id_jobs_file
from prakerja.errors import UserError
from prakerja.models import Quarantine, RawRow, Vacancy, VacancySource

HUGE = "9" * 400  # float("9" * 400) is inf: int(round(inf)) used to raise OverflowError and fail the batch


def id_jobs_row(number: int, **values) -> dict[str, str]:
    row = dict.fromkeys(ID_JOBS_COLUMNS, "N/A")
    row.update(
        job_title=f"Staf Gudang {number}", job_location="Sidoarjo Regency", job_url=f"https://board.example/jobs/{number}",
        first_seen="22/08/2024 11:13:58", base_salary="4500000", job_type="fullTime", is_active="True",
        company="PT Maju Jaya", job_board="Contoh",
    )
    row.update(values)
    return row


def write_csv(path, rows, header=ID_JOBS_COLUMNS) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[column] for column in ID_JOBS_COLUMNS])


def ingest_file(engine, path, now, normalizer, batch_size=5000):
    source = id_jobs_file(path)
    return ingest_postings(engine, source, source=source.source, kind="id-jobs", location=str(path), now=now,
                           normalizer=normalizer, batch_size=batch_size)


def quarantine_reasons(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(Quarantine.reason)))


def test_a_huge_salary_in_a_csv_is_quarantined_and_the_rest_loads(ingest_engine, ingest_now, ingest_normalizer, tmp_path):
    path = tmp_path / "contoh.csv"
    write_csv(path, [id_jobs_row(1), id_jobs_row(2, base_salary=HUGE), id_jobs_row(3, base_salary=f"Rp 5 jt - {HUGE}")])
    for _ in range(2):  # the rerun used to die at the same batch every time
        report = ingest_file(ingest_engine, path, ingest_now, ingest_normalizer, batch_size=2)
        assert report.rows == 3 and report.quarantined == 2
        assert report.quarantine_reasons == {"absurd salary": 2}
    assert report.created + report.unchanged == 1
    assert all("too large" in reason for reason in quarantine_reasons(ingest_engine))


def test_a_huge_salary_from_a_crawl_is_quarantined_and_the_rest_loads(ingest_engine, ingest_now, ingest_normalizer):
    def crawled(number: int, salary) -> RawPosting:
        job = {"@type": "JobPosting", "title": f"Kurir {number}", "url": f"https://board.example/l/{number}",
               "hiringOrganization": {"name": "PT Kirim"}, "datePosted": "2024-08-20",
               "jobLocation": {"address": {"addressLocality": "Surabaya", "addressCountry": "ID"}},
               "baseSalary": {"currency": "IDR", "value": {"value": salary, "unitText": "MONTH"}}}
        return to_raw_posting(FoundPosting(job, "json-ld"), source="contoh", page_url=f"https://board.example/l/{number}")

    report = ingest_postings(ingest_engine, [crawled(1, 4_500_000), crawled(2, HUGE), crawled(3, float("inf"))],
                             source="contoh", kind="crawl", location="https://board.example/", now=ingest_now,
                             normalizer=ingest_normalizer)
    assert (report.created, report.quarantined) == (1, 2)
    assert set(report.quarantine_reasons) == {"absurd salary"}


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)", " data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
    "ftp://board.example/x", "//board.example/no-scheme", "board.example/relative",
])
def test_only_http_and_https_urls_are_stored(ingest_engine, ingest_now, ingest_normalizer, tmp_path, url):
    path = tmp_path / "contoh.csv"
    write_csv(path, [id_jobs_row(1), id_jobs_row(2, job_url=url)])
    report = ingest_file(ingest_engine, path, ingest_now, ingest_normalizer)
    assert (report.created, report.quarantined) == (1, 1)
    assert report.quarantine_reasons == {"unsafe URL": 1}
    with ingest_engine.connect() as connection:
        stored = connection.scalars(select(VacancySource.url)).all()
    assert stored == ["https://board.example/jobs/1"]


def test_crawled_and_partner_postings_with_a_script_url_are_quarantined(ingest_engine, ingest_now, ingest_normalizer):
    job = {"@type": "JobPosting", "title": "Kurir", "url": "javascript:fetch('//evil.example')",
           "hiringOrganization": {"name": "PT Kirim"}, "datePosted": "2024-08-20"}
    crawled = to_raw_posting(FoundPosting(job, "json-ld"), source="contoh", page_url="https://board.example/l/1")
    partner = RawPosting(source="contoh", source_id="p-1", title="Kasir", url="data:text/html,<script>", company="PT A")
    report = ingest_postings(ingest_engine, [crawled, partner], source="contoh", kind="crawl", location=None,
                             now=ingest_now, normalizer=ingest_normalizer)
    assert report.quarantine_reasons == {"unsafe URL": 2}


def test_missing_values_are_null_not_nan(ingest_engine, ingest_now, ingest_normalizer, tmp_path):
    """ "N/A" and "nan" cells become NULL: nothing downstream ever sees the text "nan"."""
    path = tmp_path / "contoh.csv"
    write_csv(path, [id_jobs_row(1, company="N/A", job_type="N/A"), id_jobs_row(2, company="nan", job_type="NaN")])
    assert ingest_file(ingest_engine, path, ingest_now, ingest_normalizer).created == 2
    with ingest_engine.connect() as connection:
        rows = connection.execute(select(Vacancy.company, Vacancy.employment_types, Vacancy.company_norm)).all()
    assert rows == [(None, None, None), (None, None, None)]


def test_a_crawled_nan_is_null_not_nan(ingest_engine, ingest_now, ingest_normalizer):
    """JSON-LD read by Python turns a board's NaN into float('nan'): it must not become the company "nan"."""
    job = {"@type": "JobPosting", "title": "Kurir", "url": "https://board.example/l/1", "hiringOrganization": float("nan"),
           "employmentType": float("nan"), "datePosted": "2024-08-20",
           "baseSalary": {"currency": "IDR", "value": {"value": float("nan"), "unitText": "MONTH"}}}
    crawled = to_raw_posting(FoundPosting(job, "json-ld"), source="contoh", page_url="https://board.example/l/1")
    report = ingest_postings(ingest_engine, [crawled], source="contoh", kind="crawl", location=None, now=ingest_now,
                             normalizer=ingest_normalizer)
    assert report.created == 1
    with ingest_engine.connect() as connection:
        row = connection.execute(select(Vacancy.company, Vacancy.employment_types, Vacancy.salary_text)).one()
    assert tuple(row) == (None, None, None)


def test_nul_bytes_in_quarantined_values_are_stored_on_both_databases(ingest_engine, ingest_now, ingest_normalizer, tmp_path):
    """A rejected value is quoted in the quarantine reason: a NUL in it must not fail PostgreSQL's text."""
    path = tmp_path / "contoh.csv"
    write_csv(path, [id_jobs_row(1), id_jobs_row(2, first_seen="kemarin\x00sore"), id_jobs_row(3, job_location="Makati\x00 City"),
                     id_jobs_row(4, job_url="javascript:\x00alert(1)")])
    report = ingest_file(ingest_engine, path, ingest_now, ingest_normalizer)
    assert (report.created, report.quarantined) == (1, 3)
    assert not any("\x00" in reason for reason in quarantine_reasons(ingest_engine))


def test_nul_bytes_are_stripped_the_same_on_both_databases(ingest_engine, ingest_now, ingest_normalizer, tmp_path):
    path = tmp_path / "contoh.csv"
    write_csv(path, [id_jobs_row(1, job_title="Staf\x00 Gudang", company="PT\x00 Maju", job_location="Sidoarjo\x00 Regency")])
    report = ingest_file(ingest_engine, path, ingest_now, ingest_normalizer)
    assert report.created == 1
    with ingest_engine.connect() as connection:
        vacancy = connection.execute(select(Vacancy.title, Vacancy.company, Vacancy.regency_code)).one()
        payload = connection.scalar(select(RawRow.payload))
    assert tuple(vacancy) == ("Staf Gudang", "PT Maju", "3515")
    assert payload["job_title"] == "Staf\x00 Gudang"  # the archive keeps the row exactly as received


def test_descriptions_are_capped(ingest_engine, ingest_now, ingest_normalizer):
    posting = RawPosting(source="contoh", source_id="d-1", url="https://board.example/d/1", title="Admin",
                         description="kata " * 200_000, first_seen="2024-08-20")
    assert ingest_postings(ingest_engine, [posting], source="contoh", kind="api", location=None, now=ingest_now,
                           normalizer=ingest_normalizer).created == 1
    with ingest_engine.connect() as connection:
        description = connection.scalar(select(Vacancy.description))
    assert len(description) == DESCRIPTION_MAX


def test_a_duplicated_column_header_is_refused_in_one_line(tmp_path):
    path = tmp_path / "contoh.csv"
    header = list(ID_JOBS_COLUMNS) + ["company"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow([id_jobs_row(1)[c] for c in ID_JOBS_COLUMNS] + ["PT Lain"])
    with pytest.raises(UserError) as raised:
        list(id_jobs_file(path))
    message = str(raised.value)
    assert "'company'" in message and "repeats" in message and "\n" not in message
