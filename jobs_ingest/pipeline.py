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
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine

from jobs_ingest import store
from jobs_ingest.accounting import OUTCOMES, RunCounts, RunLedger
from jobs_ingest.dedupe import DuplicateIndex
from jobs_ingest.normalize import NormalizedPosting, Normalizer, RowRejected, identity, source_status, stored_source_id
from jobs_ingest.records import RawPosting, RejectedRow, SourceRecord, content_hash, encode_payload, payload_of
from jobs_ingest.store import SourceRow
from jobs_ingest.writer import WriteInline, WriteJob, WriteProcess, WriteThread, writer_for
from prakerja.errors import UserError

DEFAULT_BATCH_SIZE = 5000
# Batches the read-ahead thread may prepare before the writing thread takes them.
READ_AHEAD_BATCHES = 2
# Normalize ahead while at least this share of a batch's rows needed normalizing (a first run);
# a re-run of a file is mostly "unchanged" rows that are never normalized, so it stops.
NORMALIZE_AHEAD_SHARE = 0.5
CLOSE_WAIT_SECONDS = 10.0


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
        thread writes (see :class:`_ReadAhead`); False does everything in this thread. The
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
    (:class:`_ReadAhead`), this thread decides a batch while a writer thread writes and
    commits the previous one (:mod:`jobs_ingest.writer`). Batches still commit one by one in
    input order, each with its archived rows and the run's counts.
    """
    with engine.connect() as connection:
        index = store.load_duplicate_index(connection, DuplicateIndex())
    skipped = 0
    run = _RunState()
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

    with _prepared_batches(remaining, ledger, normalizer, pipelined) as prepared, \
            _writing(writer_for(engine, committed, behind=pipelined)) as writer:
        for batch in prepared:
            skipped += batch.skipped
            if not batch.rows:
                writer.submit(WriteJob(batch.size))
                continue
            if pipelined:
                with engine.connect() as connection:  # reads only: keys, quarantined hashes, ids
                    decided = _Batch(connection, source, normalizer, index, ledger, run).decide(
                        batch.rows, batch.normalized
                    )
                writer.submit(decided.job(batch.size))
            else:
                with engine.begin() as connection:
                    store.tune_for_bulk(connection)
                    decided = _Batch(connection, source, normalizer, index, ledger, run).decide(
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


class _RunState:
    """What the batches of one run share beyond the database.

    With a writer behind, the database may not show the previous batch yet when this one
    reads its keys: ``in_flight`` keeps the source rows each batch created or changed until
    its commit is known (the ``committed`` sequence number, set by the writer), and
    ``quarantined`` the rows quarantined by this run. ``next_id`` keeps vacancy ids of
    batches not yet committed from being handed out again.
    """

    def __init__(self) -> None:
        self.sequence = 0
        self.committed = -1
        self.next_id = 0
        self.in_flight: list[tuple[int, dict[str, SourceRow], dict[str, set[str]]]] = []
        self.quarantined: set[str] = set()

    def keep(self, rows: Iterable[SourceRow]) -> int:
        """Remember a decided batch's source rows; returns the batch's sequence number."""
        self.sequence += 1
        by_id = {row.source_id: row for row in rows}
        by_url: dict[str, set[str]] = {}
        for row in by_id.values():
            if row.url:
                by_url.setdefault(row.url, set()).add(row.source_id)
        self.in_flight.append((self.sequence, by_id, by_url))
        return self.sequence

    def newer_than(self, committed: int, source_ids: Iterable[str], urls: Iterable[str]) -> dict[str, SourceRow]:
        """Source rows (by id) of batches after ``committed`` that match a key, newest last; drops older ones."""
        self.in_flight = [entry for entry in self.in_flight if entry[0] > committed]
        found: dict[str, SourceRow] = {}
        wanted_ids, wanted_urls = set(source_ids), set(urls)
        for _sequence, by_id, by_url in self.in_flight:
            for source_id in wanted_ids & by_id.keys():
                found[source_id] = by_id[source_id]
            for url in wanted_urls & by_url.keys():
                for source_id in by_url[url]:
                    found[source_id] = by_id[source_id]
        return found


@dataclasses.dataclass(slots=True)
class _PreparedBatch:
    """A batch read and encoded, ready for its transaction.

    ``rows`` holds (record, encoded payload, content hash) of the rows not archived yet;
    ``normalized`` (None, or one entry per row) what :meth:`Normalizer.normalize` made of each
    posting ahead of time: a ``NormalizedPosting``, the ``RowRejected`` it raised, or None.
    """

    size: int
    rows: list[tuple[SourceRecord, str, str]]
    normalized: list[NormalizedPosting | RowRejected | None] | None
    skipped: int


def _prepare(
    batch: list[SourceRecord], ledger: RunLedger, normalizer: Normalizer, normalize_ahead: bool,
) -> _PreparedBatch:
    """Encode and hash each row (archive payload), skip rows a resumed run has, optionally normalize."""
    rows = []
    skipped = 0
    for record in batch:
        payload = encode_payload(payload_of(record))
        row_hash = content_hash(payload)
        if ledger.already_archived(record.row_number, row_hash):
            skipped += 1
        else:
            rows.append((record, payload, row_hash))
    normalized = [_normalized(normalizer, record) for record, _, _ in rows] if normalize_ahead else None
    return _PreparedBatch(len(batch), rows, normalized, skipped)


def _normalized(normalizer: Normalizer, record: SourceRecord) -> NormalizedPosting | RowRejected | None:
    if not isinstance(record, RawPosting):
        return None
    try:
        return normalizer.normalize(record)
    except RowRejected as exc:
        return exc


class _SerialBatches:
    """Batches prepared in the calling thread, one at a time."""

    def __init__(self, batches: Iterator[list[SourceRecord]], ledger: RunLedger, normalizer: Normalizer) -> None:
        self._batches, self._ledger, self._normalizer = batches, ledger, normalizer

    @property
    def normalize_ahead(self) -> bool:
        return False  # nothing to overlap with: only the rows that need it are normalized, when decided

    @normalize_ahead.setter
    def normalize_ahead(self, _value: bool) -> None:
        pass

    def __iter__(self) -> Iterator[_PreparedBatch]:
        for batch in self._batches:
            yield _prepare(batch, self._ledger, self._normalizer, False)

    def close(self) -> None:
        pass


class _ReadAhead:
    """Batches prepared by a helper thread while the calling thread writes the previous ones.

    Reading the input (CSV parsing, column mapping), encoding and hashing the archived
    payloads and normalizing are pure Python and touch no database; the writes spend most of
    their time inside the database driver (SQLite's B-tree and WAL work, PostgreSQL's COPY
    and its foreign-key and index maintenance), which releases the GIL. Overlapping the two
    is where the ingest's wall-clock time goes down. All decisions, transactions and
    accounting stay in the calling thread, in input order, exactly as without read-ahead:
    the helper only computes what is a pure function of a row.

    Normalizing ahead is speculative (a row found unchanged is never normalized), so it is
    switched off by the calling thread while batches are mostly unchanged (a re-run).
    An exception of the input (or of preparing a row) reaches the calling thread at the
    position it happened, after the batches before it: the same batches commit as without
    read-ahead.
    """

    _END = object()

    def __init__(
        self, batches: Iterator[list[SourceRecord]], ledger: RunLedger, normalizer: Normalizer, depth: int,
    ) -> None:
        self._batches, self._ledger, self._normalizer = batches, ledger, normalizer
        self.normalize_ahead = True
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="ingest-read-ahead", daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        try:
            for batch in self._batches:
                if self._stop.is_set():
                    return
                self._put(_prepare(batch, self._ledger, self._normalizer, self.normalize_ahead))
        except BaseException as exc:  # handed to the calling thread, raised there
            self._put(_Failure(exc))
        else:
            self._put(self._END)

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[_PreparedBatch]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item

    def close(self) -> None:
        """Stop preparing: the thread ends after the batch at hand (it writes nothing, so an input
        that blocks is not waited for long)."""
        self._stop.set()
        self._thread.join(timeout=CLOSE_WAIT_SECONDS)


@dataclasses.dataclass(frozen=True)
class _Failure:
    error: BaseException


@contextlib.contextmanager
def _prepared_batches(
    batches: Iterator[list[SourceRecord]], ledger: RunLedger, normalizer: Normalizer, read_ahead: bool,
) -> Iterator[_SerialBatches | _ReadAhead]:
    prepared = _ReadAhead(batches, ledger, normalizer, READ_AHEAD_BATCHES) if read_ahead else _SerialBatches(
        batches, ledger, normalizer
    )
    try:
        yield prepared
    finally:
        prepared.close()


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


def mark_removed(engine: Engine, source: str, seen_source_ids: Iterable[str], now: dt.datetime | None = None) -> int:
    """After a complete crawl: postings of ``source`` it did not see are removed from their board.

    A vacancy becomes "removed" when none of its sources is active any more; a
    vacancy still listed on another board stays as it is.

    Returns
    -------
    int
        How many vacancy sources were marked removed.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    seen = {stored_source_id(str(source_id)) for source_id in seen_source_ids if source_id}
    with engine.begin() as connection:
        return store.mark_sources_removed(connection, source, seen, now)


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


class _Batch:
    """The decisions of one batch, staged as a :class:`~jobs_ingest.writer.WriteJob`.

    ``connection`` is only read (keys, quarantined hashes, new ids): the job is written in
    the same transaction, or by the writer thread after the previous batch committed.
    """

    def __init__(
        self, connection: Connection, source: str, normalizer: Normalizer, index: DuplicateIndex, ledger: RunLedger,
        run: _RunState | None = None,
    ) -> None:
        self.connection = connection
        self.source = source
        self.normalizer = normalizer
        self.index = index
        self.ledger = ledger
        self.run_state = run or _RunState()
        self.by_source_id: dict[str, SourceRow] = {}
        self.by_url: dict[str, list[SourceRow]] = {}
        self.new_vacancies: dict[int, dict[str, Any]] = {}
        self.replaced: dict[int, dict[str, Any]] = {}
        self.filled: dict[int, dict[str, Any]] = {}
        self.new_sources: list[SourceRow] = []
        self.changed_sources: dict[str, SourceRow] = {}  # by source id: rows of earlier batches or runs
        self.inserting: set[int] = set()  # id() of this batch's new source rows (inserted with their last values)
        self.skills: set[tuple[int, int]] = set()
        self.quarantine: list[dict[str, Any]] = []
        self.pending_ids: list[int] = []
        self.normalized = 0  # rows that needed normalizing (not unchanged, not rejected by the source)

    def decide(
        self, rows: list[tuple[SourceRecord, str, str]],
        normalized: list[NormalizedPosting | RowRejected | None] | None = None,
    ) -> _Batch:
        """Decide every row; ``normalized`` holds what was normalized ahead (see :func:`_prepare`)."""
        keys = [identity(record) if isinstance(record, RawPosting) else (None, None) for record, _, _ in rows]
        self._prefetch(keys)
        run = self.run_state
        self.pending_ids = store.allocate_vacancy_ids(self.connection, self._max_new(keys), at_least=run.next_id)
        if self.pending_ids:
            run.next_id = self.pending_ids[-1] + 1
        self.pending_ids.reverse()
        quarantined: list[tuple[str, str, str]] = []
        ahead = normalized if normalized is not None else [None] * len(rows)
        for (record, payload, row_hash), key, done in zip(rows, keys, ahead):
            outcome, vacancy_id, reason = self._decide(record, key, done)
            if reason is not None:
                quarantined.append((payload, row_hash, reason))
            self.ledger.record(
                row_number=record.row_number, source=self.source, payload=payload, row_hash=row_hash,
                outcome=outcome, vacancy_id=vacancy_id, reason=reason,
            )
        self._stage_quarantine(quarantined)
        return self

    def _decide(
        self, record: SourceRecord, key: tuple[str | None, str | None], done: NormalizedPosting | RowRejected | None,
    ) -> tuple[str, int | None, str | None]:
        """(outcome, vacancy id, quarantine reason) of one row, its writes staged; ``done`` is the
        row normalized ahead, if it was."""
        if isinstance(record, RejectedRow):
            return "quarantined", None, record.reason
        known = self._known(*key)
        if known is not None and known.content_hash == record.content_hash() and known.status == source_status(record):
            # Seen before with the same content: no need to normalize it again, only its sighting moves.
            try:
                _first_seen, last_seen = self.normalizer.sighting(record)
            except RowRejected as exc:
                return "quarantined", None, str(exc)
            self._seen_again(known, last_seen)
            return "unchanged", known.vacancy_id, None
        self.normalized += 1
        if done is None:
            try:
                done = self.normalizer.normalize(record)
            except RowRejected as exc:
                done = exc
        if isinstance(done, RowRejected):
            return "quarantined", None, str(done)
        outcome, vacancy_id = self._place(done)
        return outcome, vacancy_id, None

    def _stage_quarantine(self, rows: list[tuple[str, str, str]]) -> None:
        """Quarantine rows once: not again when an earlier run (or this batch) already holds the same row."""
        stored = store.fetch_quarantined_hashes(self.connection, self.source, [row_hash for _, row_hash, _ in rows])
        stored |= self.run_state.quarantined
        for payload, row_hash, reason in rows:
            if row_hash not in stored:
                stored.add(row_hash)
                self.run_state.quarantined.add(row_hash)
                self.quarantine.append(
                    {"run_id": self.ledger.run_id, "source": self.source, "raw": payload, "reason": reason[:500]}
                )

    def _prefetch(self, keys: list[tuple[str | None, str | None]]) -> None:
        source_ids = sorted({source_id for source_id, _ in keys if source_id})
        urls = sorted({url for _, url in keys if url})
        if not source_ids:
            return
        committed = self.run_state.committed  # before reading: batches committed later may be in both
        known = {(row.source, row.source_id): row for row in store.fetch_sources(self.connection, self.source,
                                                                              source_ids, urls)}
        for source_id, row in self.run_state.newer_than(committed, source_ids, urls).items():
            known[(self.source, source_id)] = row  # this run's newer state of the row
        for row in known.values():
            self._remember(row)

    def _remember(self, row: SourceRow) -> None:
        if row.source == self.source:
            self.by_source_id[row.source_id] = row
        if row.url:
            self.by_url.setdefault(row.url, []).append(row)

    def _max_new(self, keys: list[tuple[str | None, str | None]]) -> int:
        """Upper bound of new vacancies: one per distinct posting not known yet (leftover ids stay unused)."""
        return len({source_id for source_id, url in keys if source_id and self._known(source_id, url) is None})

    def _known(self, source_id: str | None, url: str | None) -> SourceRow | None:
        """This board's source row for a key: by id, else by URL."""
        known = self.by_source_id.get(source_id) if source_id else None
        if known is None and url:
            for row in self.by_url.get(url, ()):
                if row.source == self.source:
                    return row
        return known

    def _place(self, posting: NormalizedPosting) -> tuple[str, int]:
        """Decide a posting's fate and stage its writes; returns (outcome, vacancy id)."""
        known = self._known(posting.source_id, posting.url)
        if known is not None:
            return self._update(known, posting), known.vacancy_id
        elsewhere = self.by_url.get(posting.url, []) if posting.url else []
        duplicate = elsewhere[0].vacancy_id if elsewhere else None
        if duplicate is None:
            duplicate = self.index.find(
                posting.vacancy["company_norm"], posting.place, posting.vacancy["title_norm"], posting.day, self.source
            )
        if duplicate is not None:
            self._link(duplicate, posting, fill=True)
            return "merged", duplicate
        vacancy_id = self.pending_ids.pop()
        self.new_vacancies[vacancy_id] = {"id": vacancy_id, **posting.vacancy}
        self._link(vacancy_id, posting, fill=False)
        self.index.add(
            vacancy_id, posting.vacancy["company_norm"], posting.place, posting.vacancy["title_norm"], posting.day,
            self.source,
        )
        return "created", vacancy_id

    def _link(self, vacancy_id: int, posting: NormalizedPosting, *, fill: bool) -> None:
        """A new vacancy source for ``posting``; with ``fill`` the vacancy takes what it lacked from it."""
        row = SourceRow(
            id=None, vacancy_id=vacancy_id, source=self.source, source_id=posting.source_id, url=posting.url,
            content_hash=posting.content_hash, first_seen=posting.vacancy["first_seen"],
            last_seen=posting.vacancy["last_seen"], status="active" if posting.source_active else "removed",
        )
        self.new_sources.append(row)
        self.inserting.add(id(row))
        self._remember(row)
        self.skills.update((vacancy_id, skill_id) for skill_id in posting.skill_ids)
        if fill:
            self.index.add(vacancy_id, None, posting.place, posting.vacancy["title_norm"], posting.day, self.source)
            self._stage_fill(vacancy_id, posting.vacancy)

    def _update(self, row: SourceRow, posting: NormalizedPosting) -> str:
        """A posting seen before on this board: "unchanged" when its content is, else "updated" in place."""
        status = "active" if posting.source_active else "removed"
        if row.content_hash == posting.content_hash and row.status == status:
            self._seen_again(row, posting.vacancy["last_seen"])
            return "unchanged"
        last_seen = max(row.last_seen, posting.vacancy["last_seen"])
        row.last_seen = last_seen
        if id(row) not in self.inserting:
            self.changed_sources[row.source_id] = row
        row.content_hash, row.status, row.url = posting.content_hash, status, posting.url or row.url
        values = {**posting.vacancy, "first_seen": min(row.first_seen, posting.vacancy["first_seen"]),
                  "last_seen": last_seen}
        pending = self.new_vacancies.get(row.vacancy_id)
        if pending is not None:
            values["first_seen"] = min(pending["first_seen"], values["first_seen"])
            values["last_seen"] = max(pending["last_seen"], values["last_seen"])
            pending.update(values)
        else:
            self.replaced[row.vacancy_id] = {"id": row.vacancy_id, **values}
        self.skills.update((row.vacancy_id, skill_id) for skill_id in posting.skill_ids)
        return "updated"

    def _seen_again(self, row: SourceRow, last_seen: dt.datetime) -> None:
        """Same content seen again: only the sighting window may move forward (never back)."""
        if last_seen <= row.last_seen:
            return
        row.last_seen = last_seen
        if id(row) not in self.inserting:
            self.changed_sources[row.source_id] = row
        self._stage_fill(row.vacancy_id, {"first_seen": row.first_seen, "last_seen": last_seen})

    def _stage_fill(self, vacancy_id: int, values: dict[str, Any]) -> None:
        pending = self.new_vacancies.get(vacancy_id) or self.replaced.get(vacancy_id)
        if pending is not None:
            for name in store.FILLED_COLUMNS:
                if pending.get(name) is None and values.get(name) is not None:
                    pending[name] = values[name]
            pending["first_seen"] = min(pending["first_seen"], values["first_seen"])
            pending["last_seen"] = max(pending["last_seen"], values["last_seen"])
            return
        staged = self.filled.get(vacancy_id)
        if staged is None:
            self.filled[vacancy_id] = {"id": vacancy_id, **values}
            return
        for name in store.FILLED_COLUMNS:
            if staged.get(name) is None:
                staged[name] = values.get(name)
        staged["first_seen"] = min(staged["first_seen"], values["first_seen"])
        staged["last_seen"] = max(staged["last_seen"], values["last_seen"])

    def job(self, size: int) -> WriteJob:
        """The batch's writes with their values copied, its archived rows and counts; the run remembers
        its source rows until the job is known committed."""
        new_vacancies = list(self.new_vacancies.values())
        replaced = list(self.replaced.values())
        filled = [row for vid, row in self.filled.items() if vid not in self.replaced]
        new_sources = [row.values() for row in self.new_sources]
        changed = store.source_updates(self.changed_sources.values())
        steps = [
            ("insert_vacancies", (new_vacancies,)),
            ("replace_vacancies", (replaced,)),
            ("fill_vacancies", (filled,)),
            ("insert_source_values", (new_sources,)),
            ("update_sources_by_key", (changed,)),
            ("add_skills", (self.skills, set(self.new_vacancies))),
            ("insert_quarantine", (self.quarantine,)),
        ]
        steps = [(name, arguments) for name, arguments in steps if arguments[0]]
        sequence = self.run_state.keep([*self.new_sources, *self.changed_sources.values()])
        return WriteJob(size, self.ledger.run_id, steps, self.ledger.take_batch(), sequence)


__all__ = ["IngestReport", "RawPosting", "RejectedRow", "RunCounts", "ingest_postings", "mark_removed"]
