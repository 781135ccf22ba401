"""Crawl a board into the database: child crawl process, ingest, then mark vanished postings removed.

The order matters for "nothing lost":

0. the board's robots.txt ``Crawl-delay`` may slow the crawl down (:mod:`.robots`);
1. the child process crawls and writes records, a summary and a *new* state file
   next to the current one (``<state>.new``);
2. the parent ingests the records (the pipeline's transactions, accounting and quarantine);
3. only after a complete crawl (not cut short by ``--max-pages``, ``--time-limit``
   or a signal, and with its start page or sitemaps read) are the board's postings
   that were not seen marked removed; postings of pages that failed this time are
   kept, not removed;
4. the new state replaces the old one last, so a crash before it merely
   repeats the fetches next time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from jobs_ingest.crawl.addresses import check_start_address
from jobs_ingest.crawl.launcher import FreshProcess, ProcessTimeout, WarmProcesses
from jobs_ingest.crawl.robots import with_crawl_delay
from jobs_ingest.crawl.run import CrawlJob
from jobs_ingest.crawl.serialization import read_records
from jobs_ingest.crawl.settings import CrawlOptions
from jobs_ingest.crawl.state import default_state_path
from jobs_ingest.crawl.summary import CrawlSummary
from jobs_ingest.normalize import Normalizer
from jobs_ingest.pipeline import IngestReport, ingest_postings, mark_removed
from jobs_ingest.records import RawPosting, SourceRecord
from prakerja.errors import UserError

CRAWL_KIND = "crawl"
LOG_TAIL_LINES = 15


class CrawlFailed(UserError):
    """The crawl process itself failed (not a page: pages fail inside a crawl and are counted)."""


@dataclasses.dataclass(frozen=True)
class CrawledRecords:
    """What the crawl process handed back: its records file, its summary, and the new state file."""

    records: Path
    summary: CrawlSummary
    state_out: Path


@dataclasses.dataclass(frozen=True)
class CrawlReport:
    """One crawl from pages to vacancies: page counts, the pipeline's report, and the removals."""

    options: CrawlOptions  # as crawled: with the robots.txt Crawl-delay applied
    summary: CrawlSummary
    ingest: IngestReport
    removed: int | None  # None: the crawl was incomplete, nothing was marked removed
    state_path: Path
    log_path: Path
    crawl_seconds: float
    ingest_seconds: float

    def lines(self) -> list[str]:
        """The report as lines for a terminal."""
        s, r = self.summary, self.ingest
        lines = [
            f"crawl of {self.options.url} as {self.options.source!r} (delay {self.options.delay:g} s): "
            f"{s.requests:,} requests; pages: "
            f"{s.pages_fetched:,} fetched, {s.pages_not_modified:,} unchanged (304), {s.pages_gone:,} gone (404/410), "
            f"{s.pages_failed:,} failed, {s.pages_without_postings:,} without postings, "
            f"{s.robots_forbidden:,} disallowed by robots.txt; {self.crawl_seconds:.1f} s",
        ]
        lines += [f"  failed: {failure['url']} ({failure['reason']})" for failure in s.failures]
        lines.append(
            f"records: {s.postings:,} postings ({s.postings_from_cache:,} from unchanged pages), "
            f"{s.rejected_blocks:,} unreadable JSON-LD postings, {s.duplicate_postings:,} duplicates skipped"
        )
        lines.append(
            f"ingest run {r.run_id}: {r.rows:,} rows = {r.created:,} created, {r.updated:,} updated, "
            f"{r.merged:,} merged, {r.unchanged:,} unchanged, {r.quarantined:,} quarantined; {self.ingest_seconds:.1f} s"
        )
        lines += [f"  quarantined, {reason}: {count:,}" for reason, count in sorted(r.quarantine_reasons.items())]
        if self.removed is None:
            lines.append(f"removed: none marked, the crawl was incomplete ({s.end})")
        else:
            lines.append(f"removed: {self.removed:,} postings no longer on the board")
        lines.append(f"crawl log: {self.log_path}")
        return lines


def crawl_board(
    engine: Engine,
    options: CrawlOptions,
    *,
    state_path: Path | None = None,
    full: bool = False,
    now: dt.datetime | None = None,
    normalizer: Normalizer | None = None,
    process_timeout: float | None = None,
    launcher: FreshProcess | WarmProcesses | None = None,
) -> CrawlReport:
    """Crawl ``options.url`` and load what it finds.

    Parameters
    ----------
    engine
        A migrated database with the reference data loaded.
    options
        Board, politeness and limits; the delay is raised to the board's robots.txt
        ``Crawl-delay`` when that is longer.
    state_path
        The board's crawl state (default ``<data dir>/crawl/<source>.json``); the
        last crawl's Scrapy log is kept next to it (``.log``).
    full
        Ignore the remembered validators and fetch every page (the state is rewritten).
    now
        Clock for the pipeline (naive UTC); the current time by default.
    normalizer
        The pipeline's normalizer (default: built from the vocabularies in the database).
    process_timeout
        Kill the crawl process after this many seconds (a safety net; prefer ``options.time_limit``).
    launcher
        How the crawl process starts (:mod:`.launcher`): a fresh interpreter by default.

    Returns
    -------
    CrawlReport
    """
    check_start_address(options.url, allow_private=options.allow_private)  # before robots.txt is fetched
    options = with_crawl_delay(options)
    state_path = state_path or default_state_path(options.source)
    log_path = state_path.with_suffix(".log")
    with tempfile.TemporaryDirectory(prefix="prakerja-crawl-") as workdir:
        started = time.perf_counter()
        crawled = collect_records(
            options, state_in=None if full else state_path, state_out=_pending(state_path),
            workdir=Path(workdir), log_file=log_path, process_timeout=process_timeout, launcher=launcher,
        )
        crawled_at = time.perf_counter()
        seen: set[str] = set()
        report = ingest_postings(
            engine, _noting_source_ids(read_records(crawled.records), seen),
            source=options.source, kind=CRAWL_KIND, location=options.url, now=now, normalizer=normalizer,
        )
    removed = None
    if crawled.summary.complete:
        removed = mark_removed(engine, options.source, seen | set(crawled.summary.kept_source_ids), now=now)
    os.replace(crawled.state_out, state_path)
    return CrawlReport(
        options=options, summary=crawled.summary, ingest=report, removed=removed, state_path=state_path,
        log_path=log_path, crawl_seconds=crawled_at - started, ingest_seconds=time.perf_counter() - crawled_at,
    )


def collect_records(
    options: CrawlOptions,
    *,
    state_in: Path | None,
    state_out: Path,
    workdir: Path,
    log_file: Path | None = None,
    process_timeout: float | None = None,
    launcher: FreshProcess | WarmProcesses | None = None,
) -> CrawledRecords:
    """Run the crawl in a child process (``python -m jobs_ingest.crawl.run``, or a fork of a warm
    ``launcher``) and return its outputs.

    Raises
    ------
    CrawlFailed
        When the process exits with an error or overruns ``process_timeout``; the
        message ends with the tail of its log.
    """
    check_start_address(options.url, allow_private=options.allow_private)
    state_out.parent.mkdir(parents=True, exist_ok=True)
    job = CrawlJob(
        options=options,
        records=workdir / "records.jsonl",
        summary=workdir / "summary.json",
        state_out=state_out,
        state_in=state_in,
        log_file=log_file or workdir / "crawl.log",
    )
    job_file = workdir / "job.json"
    job_file.write_text(json.dumps(job.to_json()), encoding="utf-8")
    try:
        finished = (launcher or FreshProcess()).run(job_file, process_timeout)
    except ProcessTimeout:
        raise CrawlFailed(f"crawl of {options.url} ran over {process_timeout:g} s and was stopped{_log_tail(job)}") from None
    if finished.returncode != 0 or not job.summary.exists():
        detail = finished.stderr.strip().splitlines()[-LOG_TAIL_LINES:]
        raise CrawlFailed(
            f"crawl of {options.url} failed (exit code {finished.returncode}){_log_tail(job)}"
            + ("\n" + "\n".join(detail) if detail else "")
        )
    summary = CrawlSummary.from_json(json.loads(job.summary.read_text(encoding="utf-8")))
    return CrawledRecords(records=job.records, summary=summary, state_out=state_out)


def _noting_source_ids(records: Iterable[SourceRecord], seen: set[str]) -> Iterator[SourceRecord]:
    """Pass records on while collecting the source ids of postings (the ones seen on the board)."""
    for record in records:
        if isinstance(record, RawPosting):
            seen.add(record.source_id)
        yield record


def _pending(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".new")


def _log_tail(job: CrawlJob) -> str:
    if job.log_file is None or not job.log_file.exists():
        return ""
    tail = job.log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-LOG_TAIL_LINES:]
    return ":\n" + "\n".join(tail) if tail else ""
