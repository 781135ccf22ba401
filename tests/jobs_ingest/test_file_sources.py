"""File sources: id-jobs CSV, mapped CSV and JSON Lines, and rows that cannot be read."""

from __future__ import annotations

import csv
import json

import pytest

from jobs_ingest.mapping import ID_JOBS_COLUMNS, ColumnMapping
from jobs_ingest.records import RawPosting, RejectedRow
from jobs_ingest.sources import id_jobs_file, mapped_file
from prakerja.errors import UserError


def id_jobs_row(**values) -> dict[str, str]:
    row = dict.fromkeys(ID_JOBS_COLUMNS, "N/A")
    row.update(
        job_title="Staf Gudang", job_location="Sidoarjo Regency", job_url="https://board.example/jobs/1",
        first_seen="22/08/2024 11:13:58", base_salary="4500000", job_type="fullTime", is_active="True",
        company="PT Maju Jaya", job_board="Contoh",
    )
    row.update(values)
    return row


def write_id_jobs(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ID_JOBS_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_id_jobs_reads_fields_and_treats_na_as_missing(tmp_path):
    path = tmp_path / "contoh.csv"
    write_id_jobs(path, [id_jobs_row(job_apply_end_date="2024-09-30")])
    source = id_jobs_file(path)
    [posting] = list(source)
    assert source.source == "contoh"  # from the job_board column
    assert isinstance(posting, RawPosting)
    assert (posting.title, posting.location_text, posting.company) == ("Staf Gudang", "Sidoarjo Regency", "PT Maju Jaya")
    assert posting.source_id == posting.url == "https://board.example/jobs/1"
    assert posting.salary_text == "4500000" and posting.salary_currency == "IDR"
    assert posting.department is None and posting.job_level is None and posting.posted_at is None
    assert posting.is_active is True and posting.apply_end == "2024-09-30"
    assert posting.raw["job_title"] == "Staf Gudang" and posting.row_number == 0
    assert source.bytes_read == 0  # closed after iteration


def test_malformed_rows_are_rejected_with_reasons_and_never_dropped(tmp_path):
    path = tmp_path / "bad.csv"
    write_id_jobs(path, [id_jobs_row(), id_jobs_row(job_url="https://board.example/jobs/2")])
    with open(path, "ab") as handle:
        handle.write(b"only,three,cells\n")
        good = ",".join(id_jobs_row(job_url="https://board.example/jobs/3").values())
        handle.write(good.replace("Staf Gudang", "Staf \xff\xfe Gudang").encode("latin-1") + b"\n")
        handle.write(b"\n")  # a blank line is not a row
    records = list(id_jobs_file(path))
    assert [type(r) for r in records] == [RawPosting, RawPosting, RejectedRow, RejectedRow]
    assert [r.row_number for r in records] == [0, 1, 2, 3]
    assert records[2].reason == f"wrong column count: expected {len(ID_JOBS_COLUMNS)}, got 3"
    assert records[2].raw["cells"] == ["only", "three", "cells"]
    assert records[3].reason.startswith("broken encoding")
    assert "\ufffd" in records[3].raw["job_title"]  # kept, readable, JSON-safe


def test_id_jobs_refuses_a_file_without_its_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("title,link\nStaf,https://x\n", encoding="utf-8")
    with pytest.raises(UserError, match="lacks the columns"):
        list(id_jobs_file(path, source="x"))


def test_board_currency_defaults_and_override(tmp_path):
    path = tmp_path / "kalibrr.csv"
    write_id_jobs(path, [id_jobs_row(job_board="Kalibrr", base_salary="25000")])
    assert next(iter(id_jobs_file(path))).salary_currency == "PHP"
    assert next(iter(id_jobs_file(path, currency="usd"))).salary_currency == "USD"


def test_mapped_csv_with_a_toml_mapping(tmp_path):
    mapping_path = tmp_path / "loker.toml"
    mapping_path.write_text(
        'source = "loker"\ncurrency = "IDR"\ndelimiter = ";"\n'
        '[columns]\ntitle = "judul"\nsource_id = "id"\nurl = "tautan"\nlocation_text = "lokasi"\n'
        'salary_text = "gaji"\nis_active = "aktif"\n'
        '[constants]\nemployment_type_text = "Kontrak"\n',
        encoding="utf-8",
    )
    data = tmp_path / "loker.csv"
    data.write_text("id;judul;tautan;lokasi;gaji;aktif\n7;Kasir;https://loker.example/7;Kota Malang;5jt/bulan;tidak\n",
                    encoding="utf-8")
    [posting] = list(mapped_file(data, ColumnMapping.load(mapping_path)))
    assert (posting.source, posting.source_id, posting.title) == ("loker", "7", "Kasir")
    assert posting.salary_text == "5jt/bulan" and posting.salary_currency == "IDR"
    assert posting.employment_type_text == "Kontrak" and posting.is_active is False


def test_mapped_json_lines_with_nested_fields_and_bad_lines(tmp_path):
    mapping_path = tmp_path / "feed.json"
    mapping_path.write_text(json.dumps({
        "source": "feed",
        "columns": {"title": "title", "url": "link", "company": "hiringOrganization.name",
                    "employment_type_text": "employmentType", "posted_at": "datePosted"},
    }), encoding="utf-8")
    data = tmp_path / "feed.jsonl"
    with open(data, "wb") as handle:
        handle.write(json.dumps({"title": "Barista", "link": "https://f.example/1", "datePosted": "2024-08-20",
                                 "hiringOrganization": {"name": "Kopi Kita"},
                                 "employmentType": ["FULL_TIME", "PART_TIME"]}).encode() + b"\n")
        handle.write(b"{not json\n")
        handle.write(b"[1, 2]\n")
        handle.write(b'{"title": "Koki \xff"}\n')
    records = list(mapped_file(data, ColumnMapping.load(mapping_path)))
    assert isinstance(records[0], RawPosting)
    assert records[0].company == "Kopi Kita" and records[0].employment_type_text == "FULL_TIME,PART_TIME"
    assert records[0].source_id == "https://f.example/1"
    assert [r.reason.split(":")[0] for r in records[1:]] == ["invalid JSON", "invalid JSON", "broken encoding"]
    assert [r.row_number for r in records] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"columns": {"title": "t", "salary": "s", "url": "u"}}, "unknown fields salary"),
        ({"columns": {"url": "u"}}, "must map 'title'"),
        ({"columns": {"title": "t"}}, "'source_id' or 'url'"),
        ({"columns": {"title": "t", "url": "u"}, "colour": 1}, "unknown keys: colour"),
        ({"title": "t"}, "needs a 'columns' table"),
    ],
)
def test_mapping_mistakes_are_explained(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(UserError, match=message):
        ColumnMapping.load(path)


def test_mapped_file_needs_a_board_name(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("t,u\nA,https://a\n", encoding="utf-8")
    with pytest.raises(UserError, match="--source"):
        mapped_file(data, ColumnMapping(columns={"title": "t", "url": "u"}))


def test_a_board_name_too_long_for_the_schema_is_refused_before_any_write(tmp_path):
    from jobs_ingest.pipeline import ingest_postings

    with pytest.raises(UserError, match="1-60 characters"):
        ingest_postings(None, [], source="x" * 61, kind="api", location=None)
