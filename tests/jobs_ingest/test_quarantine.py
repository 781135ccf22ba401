"""Rows that cannot become vacancies are quarantined with a reason, archived, counted, and kept once."""

from __future__ import annotations

from sqlalchemy import func, select

from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting, RejectedRow
from prakerja.models import Quarantine, RawRow, Vacancy


def posting(number: int, **fields) -> RawPosting:
    values = dict(
        source="contoh", source_id=f"c-{number}", url=f"https://contoh.example/{number}", title=f"Operator Produksi {number}",
        company="PT Sinar", location_text="Surabaya", salary_text="4.500.000", first_seen="2024-08-20T08:00:00Z",
    )
    values.update(fields)
    return RawPosting(**values, raw={"n": number, **{k: str(v) for k, v in fields.items()}})


def bad_and_good_rows() -> list:
    return [
        posting(1),
        posting(2, title="  "),
        posting(3, first_seen="kemarin sore"),
        posting(4, salary_text="Rp 50"),
        posting(5, location_text="Makati"),
        RejectedRow("contoh", {"line": 9, "cells": ["a", "b"]}, "wrong column count: expected 15, got 2"),
        posting(7, salary_text="USD 1,500", source_id="c-7"),
    ]


def test_each_bad_row_is_quarantined_with_its_reason(ingest_engine, ingest_now, ingest_normalizer):
    report = ingest_postings(ingest_engine, bad_and_good_rows(), source="contoh", kind="api", location=None,
                             now=ingest_now, normalizer=ingest_normalizer)
    assert (report.created, report.quarantined, report.rows) == (2, 5, 7)
    assert report.quarantine_reasons == {
        "missing title": 1, "unparseable date": 1, "absurd salary": 1, "foreign location": 1,
        "wrong column count": 1,
    }
    with ingest_engine.connect() as connection:
        quarantined = connection.execute(select(Quarantine.reason, Quarantine.raw, Quarantine.run_id)).all()
        outcomes = dict(connection.execute(select(RawRow.row_number, RawRow.outcome)).all())
        usd = connection.execute(
            select(Vacancy.salary_min_idr, Vacancy.salary_currency, Vacancy.salary_text).where(Vacancy.title.like("%7"))
        ).one()
    assert {reason.split(":")[0] for reason, _, _ in quarantined} == set(report.quarantine_reasons)
    assert all(run_id == report.run_id for _, _, run_id in quarantined)
    assert {raw.get("n") for _, raw, _ in quarantined} == {2, 3, 4, 5, None}  # the raw row is kept whole
    assert "kemarin sore" in next(r for r, _, _ in quarantined if r.startswith("unparseable"))
    assert [outcomes[n] for n in range(7)] == ["created"] + ["quarantined"] * 5 + ["created"]
    # A currency without a rate is kept and flagged, not quarantined and not read as rupiah.
    assert usd == (None, "USD", "USD 1,500")


def test_a_rerun_counts_quarantined_rows_again_but_stores_them_once(ingest_engine, ingest_now, ingest_normalizer):
    for _ in range(2):
        report = ingest_postings(ingest_engine, bad_and_good_rows(), source="contoh", kind="api", location=None,
                                 now=ingest_now, normalizer=ingest_normalizer)
        assert report.quarantined == 5 and report.rows == 7
    with ingest_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Quarantine)) == 5
        assert connection.scalar(select(func.count()).select_from(RawRow)) == 14


def test_reason_categories_drop_details_and_urls():
    from jobs_ingest.accounting import reason_category

    assert reason_category("foreign location: 'Makati' is outside Indonesia") == "foreign location"
    assert reason_category("invalid JSON-LD on http://127.0.0.1:8000/a.html: Expecting ','") == "invalid JSON-LD"
    assert reason_category("URL longer than 1000 characters") == "URL longer than 1000 characters"


def test_awkward_characters_survive_both_databases(ingest_engine, ingest_now, ingest_normalizer):
    awkward = posting(
        8, title="Kasir\x00 Toko \\ Tab\there", description="baris satu\nbaris\tdua \\N \x00 'kutip' \"ganda\"",
        company="Toko \u00c9mile \U0001F600",
    )
    awkward.raw["note"] = "NUL \x00 inside the archived row"
    report = ingest_postings(ingest_engine, [awkward], source="contoh", kind="api", location=None, now=ingest_now,
                             normalizer=ingest_normalizer)
    assert report.created == 1
    with ingest_engine.connect() as connection:
        title, description, company = connection.execute(
            select(Vacancy.title, Vacancy.description, Vacancy.company)).one()
        payload = connection.scalar(select(RawRow.payload))
    assert title == "Kasir Toko \\ Tab\there"
    assert description == "baris satu\nbaris\tdua \\N  'kutip' \"ganda\""
    assert company == "Toko \u00c9mile \U0001F600"
    assert payload["note"] == "NUL \x00 inside the archived row"


def test_lone_surrogates_from_json_escapes_do_not_fail_the_batch(ingest_engine, ingest_now, ingest_normalizer):
    import json

    record = json.loads('{"title": "Kasir \\ud800", "company": "Toko \\udc80 Rame", "n": 9}')
    odd = posting(9, title=record["title"], company=record["company"])
    odd.raw = record
    report = ingest_postings(ingest_engine, [odd], source="contoh", kind="api", location=None, now=ingest_now,
                             normalizer=ingest_normalizer)
    assert report.created == 1
    with ingest_engine.connect() as connection:
        title, company = connection.execute(select(Vacancy.title, Vacancy.company)).one()
        payload = connection.scalar(select(RawRow.payload))
    assert title.startswith("Kasir \ufffd") and "\ufffd" in company
    assert payload["n"] == 9 and "\ufffd" in payload["title"]
