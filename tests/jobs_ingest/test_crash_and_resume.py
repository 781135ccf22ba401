"""A crash mid-file rolls back its batch; the next run of the file resumes where the crash left it."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select, text

from jobs_ingest.mapping import ID_JOBS_COLUMNS
from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.sources import id_jobs_file
from prakerja.errors import UserError
from prakerja.models import IngestRun, RawRow, Vacancy

ROWS = 45
BATCH = 10
POISON = "Poisoned Title"  # the database itself refuses this title while the trigger exists


def write_board(path, poison_row: int | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ID_JOBS_COLUMNS)
        writer.writeheader()
        for n in range(ROWS):
            row = dict.fromkeys(ID_JOBS_COLUMNS, "N/A")
            row.update(job_title=POISON if n == poison_row else f"Staf Admin {n}", job_location="Kota Bandung",
                       job_url=f"https://crashy.example/{n}", first_seen="22/08/2024 10:00:00", company=f"CV Usaha {n}",
                       job_type="fullTime", is_active="True", job_board="Crashy")
            writer.writerow(row)


def install_poison_trigger(engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text(
                f"CREATE TRIGGER poison BEFORE INSERT ON vacancies WHEN NEW.title = '{POISON}' "
                "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
            ))
        else:
            connection.execute(text(
                "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{POISON}' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            ))
            connection.execute(text("CREATE TRIGGER poison BEFORE INSERT ON vacancies FOR EACH ROW EXECUTE FUNCTION poison()"))


def drop_poison_trigger(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER poison" + ("" if engine.dialect.name == "sqlite" else " ON vacancies")))


def ingest(engine, path, normalizer):
    source = id_jobs_file(path)
    return ingest_postings(engine, source, source=source.source, kind=source.kind, location=str(path),
                           now=normalizer.now, normalizer=normalizer, batch_size=BATCH, resume=True)


def test_crash_rolls_back_the_batch_and_the_next_run_resumes(ingest_engine, tmp_path, ingest_now, ingest_normalizer):
    path = tmp_path / "crashy.csv"
    write_board(path, poison_row=27)
    install_poison_trigger(ingest_engine)
    with pytest.raises(Exception, match="poisoned row"):
        ingest(ingest_engine, path, ingest_normalizer)

    with ingest_engine.connect() as connection:
        run = connection.execute(select(IngestRun.id, IngestRun.status, IngestRun.counts)).one()
        archived = connection.scalar(select(func.count()).select_from(RawRow))
        vacancies = connection.scalar(select(func.count()).select_from(Vacancy))
    assert run.status == "failed"
    assert archived == vacancies == run.counts["created"] == 20  # batches 1-2 committed, batch 3 rolled back

    drop_poison_trigger(ingest_engine)
    report = ingest(ingest_engine, path, ingest_normalizer)
    assert report.run_id == run.id and report.skipped == 20
    assert report.rows == ROWS and report.created == ROWS
    with ingest_engine.connect() as connection:
        numbers = list(connection.scalars(select(RawRow.row_number).order_by(RawRow.row_number)))
        status = connection.scalar(select(IngestRun.status))
        titles = connection.scalar(select(func.count()).select_from(Vacancy).where(Vacancy.title == POISON))
    assert numbers == list(range(ROWS))  # each row archived exactly once
    assert status == "finished" and titles == 1

    again = ingest(ingest_engine, path, ingest_normalizer)  # a finished run is not resumed: a new run, all unchanged
    assert again.run_id != run.id and again.unchanged == ROWS


def test_a_file_changed_since_the_crash_is_not_resumed_silently(ingest_engine, tmp_path, ingest_now, ingest_normalizer):
    path = tmp_path / "crashy.csv"
    write_board(path, poison_row=15)
    install_poison_trigger(ingest_engine)
    with pytest.raises(Exception, match="poisoned row"):
        ingest(ingest_engine, path, ingest_normalizer)
    drop_poison_trigger(ingest_engine)
    with open(path, "r+", encoding="utf-8") as handle:
        content = handle.read().replace("Staf Admin 9,", "Kepala Admin 9,")
        handle.seek(0)
        handle.write(content)
    with pytest.raises(UserError, match="input changed"):
        ingest(ingest_engine, path, ingest_normalizer)
