"""Batches of postings read, numbered and normalized ahead of the writer (a thread while it pays).

A first run of a file spends most of its time normalizing; a re-run is mostly
"unchanged" rows that are never normalized, so read-ahead stops once a batch
needs little normalizing (:data:`NORMALIZE_AHEAD_SHARE`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
from collections.abc import Iterator


from jobs_ingest.accounting import RunLedger
from jobs_ingest.normalize import NormalizedPosting, Normalizer, RowRejected
from jobs_ingest.records import RawPosting, SourceRecord, content_hash, encode_payload, payload_of

# Batches the read-ahead thread may prepare before the writing thread takes them.
READ_AHEAD_BATCHES = 2
# Normalize ahead while at least this share of a batch's rows needed normalizing (a first run);
# a re-run of a file is mostly "unchanged" rows that are never normalized, so it stops.
NORMALIZE_AHEAD_SHARE = 0.5
CLOSE_WAIT_SECONDS = 10.0


@dataclasses.dataclass(slots=True)


class PreparedBatch:
    """A batch read and encoded, ready for its transaction.

    ``rows`` holds (record, encoded payload, content hash) of the rows not archived yet;
    ``normalized`` (None, or one entry per row) what :meth:`Normalizer.normalize` made of each
    posting ahead of time: a ``NormalizedPosting``, the ``RowRejected`` it raised, or None.
    """

    size: int
    rows: list[tuple[SourceRecord, str, str]]
    normalized: list[NormalizedPosting | RowRejected | None] | None
    skipped: int


def prepare(
    batch: list[SourceRecord], ledger: RunLedger, normalizer: Normalizer, normalize_ahead: bool,
) -> PreparedBatch:
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
    normalized = [normalized_or_rejected(normalizer, record) for record, _, _ in rows] if normalize_ahead else None
    return PreparedBatch(len(batch), rows, normalized, skipped)


def normalized_or_rejected(normalizer: Normalizer, record: SourceRecord) -> NormalizedPosting | RowRejected | None:
    if not isinstance(record, RawPosting):
        return None
    try:
        return normalizer.normalize(record)
    except RowRejected as exc:
        return exc


class SerialBatches:
    """Batches prepared in the calling thread, one at a time."""

    def __init__(self, batches: Iterator[list[SourceRecord]], ledger: RunLedger, normalizer: Normalizer) -> None:
        self._batches, self._ledger, self._normalizer = batches, ledger, normalizer

    @property
    def normalize_ahead(self) -> bool:
        return False  # nothing to overlap with: only the rows that need it are normalized, when decided

    @normalize_ahead.setter
    def normalize_ahead(self, _value: bool) -> None:
        pass

    def __iter__(self) -> Iterator[PreparedBatch]:
        for batch in self._batches:
            yield prepare(batch, self._ledger, self._normalizer, False)

    def close(self) -> None:
        pass


class ReadAhead:
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
                self._put(prepare(batch, self._ledger, self._normalizer, self.normalize_ahead))
        except BaseException as exc:  # handed to the calling thread, raised there
            self._put(ReadFailure(exc))
        else:
            self._put(self._END)

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[PreparedBatch]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, ReadFailure):
                raise item.error
            yield item

    def close(self) -> None:
        """Stop preparing: the thread ends after the batch at hand (it writes nothing, so an input
        that blocks is not waited for long)."""
        self._stop.set()
        self._thread.join(timeout=CLOSE_WAIT_SECONDS)


@dataclasses.dataclass(frozen=True)


class ReadFailure:
    error: BaseException


@contextlib.contextmanager


def prepared_batches(
    batches: Iterator[list[SourceRecord]], ledger: RunLedger, normalizer: Normalizer, read_ahead: bool,
) -> Iterator[SerialBatches | ReadAhead]:
    prepared = ReadAhead(batches, ledger, normalizer, READ_AHEAD_BATCHES) if read_ahead else SerialBatches(
        batches, ledger, normalizer
    )
    try:
        yield prepared
    finally:
        prepared.close()
