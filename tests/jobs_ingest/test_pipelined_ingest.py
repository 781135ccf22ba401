"""A long input is pipelined (read-ahead thread, writer thread or process): same outcome as one thread.

The pipelined path decides batch N+1 while batch N is written; these tests put the
cases that cross batches (a posting seen again or changed a batch later, the same
bad row quarantined twice, a cross-board duplicate, a renumbered posting found by
URL) into a many-batch input and compare with the serial path, row by row.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting, RejectedRow
from prakerja.db import make_engine, transaction
from prakerja.migrate import upgrade
from prakerja.models import IngestRun, RawRow, Vacancy, VacancySkill, VacancySource
from prakerja.reference.loader import load_reference

BATCH = 7
PLACES = ("Kota Surabaya", "Kabupaten Sidoarjo", "Jakarta Selatan", "Makati, Philippines", "Bandung")


def posting(number: int, *, source: str = "papan", day: int = 20, **fields) -> RawPosting:
    values = dict(
        source=source, source_id=f"{source}-{number}", url=f"https://{source}.example/{number}",
        title=f"Staf Gudang {number % 9}", company=f"PT Maju {number % 5}", location_text=PLACES[number % 5],
        salary_text="5 juta" if number % 3 else None, employment_type_text="Full-time", posted_at="2024-08-19",
        first_seen=f"2024-08-{day}T00:00:00", last_seen=f"2024-08-{day}T00:00:00",
        description="Mengelola stok dengan Microsoft Excel" if number % 2 else None,
    )
    values.update(fields)
    return RawPosting(**values)


def board_rows() -> list:
    """Postings whose fates depend on earlier batches of the same input."""
    rows: list = [posting(n) for n in range(40)]
    rows += [posting(n, day=21) for n in range(0, 40, 4)]  # seen again, a day later: unchanged
    rows += [posting(n, day=22, salary_text="6 juta") for n in range(1, 40, 6)]  # changed: updated
    rows += [posting(n, day=22, salary_text="7 juta") for n in range(1, 40, 12)]  # changed again
    rows += [posting(99, source_id="papan-3-renumbered", url="https://papan.example/3", salary_text="8 juta")]
    rows += [RejectedRow("papan", {"line": 7}, "wrong column count: expected 15, got 3")] * 3  # same bad row
    rows += [posting(n, title="") for n in (41, 41)]  # quarantined twice, stored once
    return rows


def other_board_rows() -> list:
    """Another board repeating jobs of the first (cross-board duplicates) across its batches."""
    return [posting(n, source="lain", day=21) for n in range(0, 40, 3)]


def ingest(engine, rows, source, normalizer, read_ahead):
    return ingest_postings(engine, rows, source=source, kind="crawl", location=f"https://{source}.example/",
                           now=normalizer.now, normalizer=normalizer, batch_size=BATCH, read_ahead=read_ahead)


def fates(engine) -> dict:
    """Everything the runs left, without database ids."""
    with engine.connect() as connection:
        vacancy_key = {
            row.id: (row.title, row.company, row.regency_code, row.province_code, row.salary_min_idr, row.status,
                     row.first_seen, row.last_seen)
            for row in connection.execute(select(Vacancy))
        }
        sources = sorted((
            (row.source, row.source_id, row.url, row.content_hash, row.first_seen, row.last_seen, row.status,
             vacancy_key[row.vacancy_id])
            for row in connection.execute(select(VacancySource))
        ), key=repr)
        skills = sorted(((vacancy_key[v], s) for v, s in connection.execute(
            select(VacancySkill.vacancy_id, VacancySkill.skill_id))), key=repr)
        archived = sorted((
            (row.source, row.row_number, row.outcome, vacancy_key.get(row.vacancy_id))
            for row in connection.execute(select(RawRow))
        ), key=repr)
        runs = [(run.source, run.status, run.counts) for run in connection.execute(select(IngestRun).order_by(IngestRun.id))]
    return {"vacancies": sorted(vacancy_key.values(), key=repr), "sources": sources, "skills": skills, "archived": archived,
            "runs": runs}


@pytest.fixture
def serial_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'serial.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    yield engine
    engine.dispose()


def test_pipelined_runs_leave_what_serial_runs_leave(ingest_engine, serial_database, ingest_normalizer):
    reports = {}
    for engine, read_ahead in ((ingest_engine, True), (serial_database, False)):
        reports[read_ahead] = [
            ingest(engine, board_rows(), "papan", ingest_normalizer, read_ahead),
            ingest(engine, other_board_rows(), "lain", ingest_normalizer, read_ahead),
            ingest(engine, board_rows(), "papan", ingest_normalizer, read_ahead),  # a re-run: all unchanged
        ]
    strip = lambda report: {**vars(report), "run_id": None}  # noqa: E731
    assert [strip(r) for r in reports[True]] == [strip(r) for r in reports[False]]
    first, other, rerun = reports[True]
    assert first.rows == len(board_rows()) and first.unchanged and first.updated
    assert first.quarantine_reasons == {"foreign location": 12, "wrong column count": 3, "missing title": 2}
    assert other.merged == sum(1 for n in range(0, 40, 3) if n % 5 != 3)  # all but Makati, quarantined
    assert rerun.created == 0 and rerun.unchanged  # (postings changed within the file are updated again)
    assert fates(ingest_engine) == fates(serial_database)


def test_an_input_failing_mid_way_commits_the_batches_before(ingest_engine, ingest_normalizer):
    def failing():
        for n in range(3 * BATCH + 2):
            yield posting(n)
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk went away"):
        ingest(ingest_engine, failing(), "papan", ingest_normalizer, read_ahead=True)
    with ingest_engine.connect() as connection:
        run = connection.execute(select(IngestRun.status, IngestRun.counts)).one()
        archived = connection.scalars(select(RawRow.row_number).order_by(RawRow.row_number)).all()
    assert run.status == "failed"
    assert archived == list(range(3 * BATCH)) and run.counts["created"] + run.counts["quarantined"] == 3 * BATCH
