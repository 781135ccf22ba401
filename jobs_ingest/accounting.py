"""Every input row is accounted for: one ``raw_rows`` entry and one outcome per row, per run.

A :class:`RunLedger` owns one ``ingest_runs`` row. The pipeline tells it the
fate of each row; the ledger writes the archived rows and the run's counts in
the same transaction as the batch they belong to, so counts never disagree
with the data. A run that crashed is resumed by the next run of the same file:
its archived rows are skipped and its counts continue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from jobs_ingest.store import bulk_insert
from prakerja import vocab
from prakerja.errors import UserError
from prakerja.models import IngestRun, RawRow

ingest_runs = IngestRun.__table__
raw_rows = RawRow.__table__

OUTCOMES = vocab.ROW_OUTCOMES
REASONS_KEY = "quarantine_reasons"


_URL = re.compile(r"\s*\b(?:on|at|from)?\s*\S+://\S*")


def reason_category(reason: str) -> str:
    """The kind of a quarantine reason, for counting: the text before ": ", without URLs.

    "foreign location: 'Makati' is ..." -> "foreign location";
    "invalid JSON-LD on https://board/x.html: Expecting ..." -> "invalid JSON-LD".
    """
    head = re.split(r":\s|:$", reason, maxsplit=1)[0]
    return _URL.sub("", head).strip() or head.strip()


@dataclasses.dataclass
class LedgerBatch:
    """One batch's share of a run's accounting: its archived rows, its counts, and the run's counts after it."""

    rows: list[dict[str, Any]]
    counts: RunCounts
    total: dict[str, Any]


@dataclasses.dataclass
class RunCounts:
    """Rows per outcome and quarantined rows per reason category."""

    outcomes: Counter = dataclasses.field(default_factory=Counter)
    reasons: Counter = dataclasses.field(default_factory=Counter)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RunCounts:
        data = data or {}
        return cls(Counter({k: int(data.get(k, 0)) for k in OUTCOMES}), Counter(data.get(REASONS_KEY, {})))

    def to_json(self) -> dict[str, Any]:
        return {**{k: int(self.outcomes.get(k, 0)) for k in OUTCOMES}, REASONS_KEY: dict(sorted(self.reasons.items()))}

    @property
    def rows(self) -> int:
        return sum(self.outcomes.values())

    def add(self, other: RunCounts) -> None:
        self.outcomes.update(other.outcomes)
        self.reasons.update(other.reasons)


class RunLedger:
    """The accounting of one ingest run (a new one, or a crashed one resumed).

    Attributes
    ----------
    run_id
        The ``ingest_runs`` id.
    resume_after
        Row number of the last row archived by the interrupted run (-1 for none):
        rows up to it are skipped, because batches commit in order.
    """

    def __init__(self, run_id: int, counts: RunCounts, resume_after: int, resume_hash: str | None) -> None:
        self.run_id = run_id
        self.counts = counts
        self.resume_after = resume_after
        self._resume_hash = resume_hash
        self._pending_rows: list[dict[str, Any]] = []
        self._pending = RunCounts()
        self._decided = RunCounts.from_json(counts.to_json())  # committed + batches handed to a writer
        self._flushed: LedgerBatch | None = None

    @classmethod
    def open(
        cls, engine: Engine, *, source: str, kind: str, location: str | None, now: dt.datetime, resume: bool
    ) -> RunLedger:
        """Start a run, or continue the last unfinished run of the same source, kind and location."""
        with engine.begin() as connection:
            unfinished = None
            if resume and location is not None:
                unfinished = connection.execute(
                    select(ingest_runs.c.id, ingest_runs.c.counts)
                    .where(
                        ingest_runs.c.source == source,
                        ingest_runs.c.kind == kind,
                        ingest_runs.c.location == location,
                        ingest_runs.c.status.in_(("running", "failed")),
                    )
                    .order_by(ingest_runs.c.id.desc())
                    .limit(1)
                ).first()
            if unfinished is None:
                run_id = connection.execute(
                    ingest_runs.insert()
                    .values(source=source, kind=kind, location=location, started_at=now, status="running",
                            counts=RunCounts().to_json())
                    .returning(ingest_runs.c.id)
                ).scalar_one()
                return cls(run_id, RunCounts(), -1, None)
            run_id, counts = unfinished
            last = connection.execute(
                select(raw_rows.c.row_number, raw_rows.c.content_hash)
                .where(raw_rows.c.run_id == run_id)
                .order_by(raw_rows.c.row_number.desc())
                .limit(1)
            ).first()
            connection.execute(
                ingest_runs.update().where(ingest_runs.c.id == run_id).values(status="running", finished_at=None)
            )
            resume_after, resume_hash = (last[0], last[1]) if last else (-1, None)
            return cls(run_id, RunCounts.from_json(counts), resume_after, resume_hash)

    def already_archived(self, row_number: int, row_hash: str) -> bool:
        """True for rows the interrupted run committed; refuses a file that changed meanwhile."""
        if row_number < self.resume_after:
            return True
        if row_number == self.resume_after:
            if row_hash != self._resume_hash:
                raise UserError(
                    f"row {row_number} differs from what interrupted run {self.run_id} archived: the input changed "
                    "since; ingest it as a new run with --fresh"
                )
            return True
        return False

    def record(
        self, *, row_number: int, source: str, payload: str, row_hash: str, outcome: str,
        vacancy_id: int | None, reason: str | None = None,
    ) -> None:
        """Note one row's fate (``payload`` is its encoded JSON); written by :meth:`flush` with its batch."""
        self._pending_rows.append(
            {"run_id": self.run_id, "row_number": row_number, "source": source, "payload": payload,
             "content_hash": row_hash, "outcome": outcome, "vacancy_id": vacancy_id}
        )
        self._pending.outcomes[outcome] += 1
        if reason:
            self._pending.reasons[reason_category(reason)] += 1

    def take_batch(self) -> LedgerBatch:
        """The rows recorded since the last batch, and the run's counts with them (for :meth:`write`)."""
        total = RunCounts.from_json(self._decided.to_json())
        total.add(self._pending)
        batch = LedgerBatch(self._pending_rows, self._pending, total.to_json())
        self._decided = total
        self._pending_rows, self._pending = [], RunCounts()
        return batch

    def write(self, connection: Connection, batch: LedgerBatch) -> None:
        """Archive a batch's rows and store the run's counts, inside the batch's transaction."""
        write_ledger_batch(connection, self.run_id, batch)

    def flush(self, connection: Connection) -> None:
        """Archive the rows recorded so far and store the run's new counts, inside the batch's transaction."""
        self._flushed = self.take_batch()
        self.write(connection, self._flushed)

    def committed(self, batch: LedgerBatch | None = None) -> None:
        """The batch's transaction committed (``batch``, else the last one flushed): its counts are now the run's."""
        batch = batch or self._flushed
        if batch is not None:
            self.counts.add(batch.counts)
        self._flushed = None

    def discard(self) -> None:
        """Forget rows recorded or taken but not committed (their batch failed)."""
        self._pending_rows = []
        self._pending = RunCounts()
        self._decided = RunCounts.from_json(self.counts.to_json())
        self._flushed = None

    def close(self, engine: Engine, status: str, now: dt.datetime) -> None:
        """Mark the run finished or failed (its counts stay those of committed batches)."""
        with engine.begin() as connection:
            connection.execute(
                ingest_runs.update().where(ingest_runs.c.id == self.run_id).values(status=status, finished_at=now)
            )


def write_ledger_batch(connection: Connection, run_id: int, batch: LedgerBatch) -> None:
    """Archive a batch's rows and store the run's counts after it, inside the batch's transaction."""
    if batch.rows:
        bulk_insert(connection, raw_rows, batch.rows)  # payloads are encoded JSON already
    connection.execute(ingest_runs.update().where(ingest_runs.c.id == run_id).values(counts=batch.total))


def archived_row_count(connection: Connection, run_id: int) -> int:
    """Rows archived for a run; equals the sum of its counts when accounting is right."""
    return connection.scalar(select(func.count()).select_from(raw_rows).where(raw_rows.c.run_id == run_id))
