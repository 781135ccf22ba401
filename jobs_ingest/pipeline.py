"""Ingest: postings in, vacancies out, every row accounted for, one transaction per batch.

For each batch the pipeline normalizes the postings, fetches the keys it needs
in one query, decides each row's fate (created, updated, merged, unchanged,
quarantined), then writes everything as bulk statements together with the
archived rows and the run's counts. A failure rolls back the batch; the run is
marked failed and the next run of the same input resumes after the last
committed batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from sqlalchemy import Engine

from jobs_ingest import store
from jobs_ingest.accounting import OUTCOMES, RunCounts, RunLedger
from jobs_ingest.batch_decisions import BatchDecisions, RunState
from jobs_ingest.batch_preparation import NORMALIZE_AHEAD_SHARE, prepared_batches
from jobs_ingest.dedupe import DuplicateIndex
from jobs_ingest.normalize import Normalizer
from jobs_ingest.records import RawPosting, RejectedRow, SourceRecord
from jobs_ingest.removal import mark_removed
from jobs_ingest.writer import WriteInline, WriteJob, WriteProcess, WriteThread, writer_for
from prakerja.errors import UserError

DEFAULT_BATCH_SIZE = 5000


@dataclasses.dataclass(frozen=True)


class IngestReport:
    """What one run did: rows per outcome (they add up to the input rows) and the run id."""

    run_id: int
    source: str
    created: int
    updated: int
    merged: int
    unchanged: int
    quarantined: int
    quarantine_reasons: dict[str, int]
    skipped: int  # rows already archived by the interrupted run this one resumed

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.merged + self.unchanged + self.quarantined

    @classmethod
    def of(cls, ledger: RunLedger, source: str, skipped: int) -> IngestReport:
        outcomes = ledger.counts.outcomes
        return cls(
            run_id=ledger.run_id,
            source=source,
            **{name: int(outcomes.get(name, 0)) for name in OUTCOMES},
            quarantine_reasons=dict(ledger.counts.reasons),
            skipped=skipped,
        )


def ingest_postings(
    engine: Engine,
    postings: Iterable[SourceRecord],
    *,
    source: str,
    kind: str,
    location: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: dt.datetime | None = None,
    resume: bool = False,
    normalizer: Normalizer | None = None,
    on_batch: Callable[[int], None] | None = None,
    read_ahead: bool = True,
) -> IngestReport:
    """Load postings (and rows a source rejected) into the database.

    Parameters
    ----------
    engine
        A migrated database with the reference data (regions) loaded.
    postings
        :class:`RawPosting` or :class:`RejectedRow` objects, streamed; ``row_number``
        is filled from their position when a source leaves it empty.
    source
        Board name written on the run and on every vacancy source.
    kind
        How the rows came: "id-jobs", "mapped", "crawl", "api".
    location
        The file path or start URL, shown in reports and used to find a run to resume.
    now
        The clock (naive UTC) for expiry and run times; fixed in tests.
    resume
        Continue the last unfinished run of the same source, kind and location.
    on_batch
        Called with the number of rows of each committed batch (progress bars).
    read_ahead
        Read, archive-encode and normalize the next batches in a helper thread while this
        thread writes (see :class:`ReadAhead`); False does everything in this thread. The
        outcome is the same either way.

    Returns
    -------
    IngestReport
        The run's counts, which add up to the input rows.
    """
    _check_run_labels(source, kind)
    location = location[:1000] if location else location
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if normalizer is None:
        from prakerja.db import session_factory

        with session_factory(engine)() as session:
            normalizer = Normalizer.from_session(session, now=now)
    started = time.monotonic()
    ledger = RunLedger.open(engine, source=source, kind=kind, location=location, now=now, resume=resume)
    try:
        with _paused_cyclic_gc():
            skipped = _run_batches(engine, postings, source, batch_size, normalizer, ledger, on_batch, read_ahead)
    except BaseException:
        ledger.discard()
        ledger.close(engine, "failed", now + dt.timedelta(seconds=time.monotonic() - started))
        raise
    ledger.close(engine, "finished", now + dt.timedelta(seconds=time.monotonic() - started))
    return IngestReport.of(ledger, source, skipped)


def _run_batches(
    engine: Engine, postings: Iterable[SourceRecord], source: str, batch_size: int, normalizer: Normalizer,
    ledger: RunLedger, on_batch: Callable[[int], None] | None, read_ahead: bool = True,
) -> int:
    """Every batch in its own transaction; returns how many rows a resumed run skipped.

    An input of one batch is decided and written in one transaction of this thread. A longer
    one is pipelined (``read_ahead``): a helper thread prepares the next batches
    (:class:`ReadAhead`), this thread decides a batch while a writer thread writes and
    commits the previous one (:mod:`jobs_ingest.writer`). Batches still commit one by one in
    input order, each with its archived rows and the run's counts.
    """
    with engine.connect() as connection:
        index = store.load_duplicate_index(connection, DuplicateIndex())
    skipped = 0
    run = RunState()
    batches = _batches(_numbered(postings), batch_size)
    first = next(batches, None)
    second = next(batches, None) if first is not None else None
    pipelined = read_ahead and second is not None
    remaining = itertools.chain([b for b in (first, second) if b is not None], batches)

    def committed(job: WriteJob) -> None:
        if job.ledger_batch is not None:
            ledger.committed(job.ledger_batch)
        if job.sequence:
            run.committed = job.sequence
        if on_batch is not None:
            on_batch(job.size)

    with prepared_batches(remaining, ledger, normalizer, pipelined) as prepared, \
            _writing(writer_for(engine, committed, behind=pipelined)) as writer:
        for batch in prepared:
            skipped += batch.skipped
            if not batch.rows:
                writer.submit(WriteJob(batch.size))
                continue
            if pipelined:
                with engine.connect() as connection:  # reads only: keys, quarantined hashes, ids
                    decided = BatchDecisions(connection, source, normalizer, index, ledger, run).decide(
                        batch.rows, batch.normalized
                    )
                writer.submit(decided.job(batch.size))
            else:
                with engine.begin() as connection:
                    store.tune_for_bulk(connection)
                    decided = BatchDecisions(connection, source, normalizer, index, ledger, run).decide(
                        batch.rows, batch.normalized
                    )
                    job = decided.job(batch.size)
                    job.write(connection)
                writer.submit(job)
            prepared.normalize_ahead = decided.normalized >= NORMALIZE_AHEAD_SHARE * len(batch.rows)
    return skipped


@contextlib.contextmanager


def _writing(writer: WriteInline | WriteThread | WriteProcess) -> Iterator[WriteInline | WriteThread | WriteProcess]:
    """Close the writer at the end: wait for its jobs, and raise its failure unless another is raised."""
    try:
        yield writer
    except BaseException:
        writer.close(failed=True)
        raise
    writer.close(failed=False)


@contextlib.contextmanager


def _paused_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector during a bulk load.

    Its full collections rescan every long-lived object (parser caches, the
    duplicate index) again and again: about a third of the ingest's CPU time.
    Rows and batches hold no reference cycles, so reference counting frees them
    as before; whatever cycles the database layer leaves are collected after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_run_labels(source: str, kind: str) -> None:
    """Board names and kinds label every row; a bad one would fail deep inside the first batch."""
    if not source or not source.strip() or len(source) > 60:
        raise UserError(f"the board name must be 1-60 characters, not {source!r}; give a shorter --source")
    if not kind or len(kind) > 20:
        raise UserError(f"the ingest kind must be 1-20 characters, not {kind!r}")


def _numbered(records: Iterable[SourceRecord]) -> Iterator[SourceRecord]:
    for position, record in enumerate(records):
        if record.row_number is None:
            record.row_number = position
        yield record


def _batches(records: Iterator[SourceRecord], size: int) -> Iterator[list[SourceRecord]]:
    while batch := list(islice(records, size)):
        yield batch


__all__ = ["IngestReport", "RawPosting", "RejectedRow", "RunCounts", "ingest_postings", "mark_removed"]
