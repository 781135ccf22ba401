"""One batch's decisions: each row created, updated, merged, unchanged or quarantined, and the writes that follow.

The keys a batch needs are fetched in one query; every decision is staged as
bulk statements for the writer, with the archived rows and the run's counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from jobs_ingest import store
from jobs_ingest.accounting import RunLedger
from jobs_ingest.dedupe import DuplicateIndex
from jobs_ingest.normalize import NormalizedPosting, Normalizer, RowRejected, identity, source_status
from jobs_ingest.records import RawPosting, RejectedRow, SourceRecord
from jobs_ingest.store import SourceRow
from jobs_ingest.writer import WriteJob


class RunState:
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


class BatchDecisions:
    """The decisions of one batch, staged as a :class:`~jobs_ingest.writer.WriteJob`.

    ``connection`` is only read (keys, quarantined hashes, new ids): the job is written in
    the same transaction, or by the writer thread after the previous batch committed.
    """

    def __init__(
        self, connection: Connection, source: str, normalizer: Normalizer, index: DuplicateIndex, ledger: RunLedger,
        run: RunState | None = None,
    ) -> None:
        self.connection = connection
        self.source = source
        self.normalizer = normalizer
        self.index = index
        self.ledger = ledger
        self.run_state = run or RunState()
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
    ) -> BatchDecisions:
        """Decide every row; ``normalized`` holds what was normalized ahead (see :func:`prepare`)."""
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
