"""Writing decided batches: in the deciding thread, behind it in a thread, or in a writer process.

The pipeline decides batch N+1 while batch N is written and committed. A
:class:`WriteJob` is a batch's writes as plain data (statement name and its
rows, already copied out of the decision state), its share of the run's
accounting and the run's counts after it, so it can be written by whoever
holds a connection:

- :class:`WriteInline`: the deciding thread wrote it in its own transaction
  (inputs of one batch, and ``read_ahead=False``);
- :class:`WriteThread`: a writer thread. Right for PostgreSQL, whose writes
  are mostly the server's work (COPY, index and foreign-key maintenance):
  the thread waits on the socket without the GIL while the next batch is
  decided;
- :class:`WriteProcess`: a writer process. Right for SQLite, whose work runs
  in this process: ``sqlite3`` releases the GIL around every row's step and
  must win it back for the next row, so a writer *thread* next to a busy
  deciding thread waits for the GIL on every row (measured: an executemany
  5x slower). A process has its own interpreter; the jobs cross a pipe.

Each job is one transaction; jobs commit in order; after a failure nothing
more is written and the failure is raised in the deciding thread (at its next
:meth:`submit`, or at :meth:`close`). Jobs submitted before a failure of the
deciding thread are still written, as without a writer: every batch before the
failing one commits.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import queue
import subprocess
import sys
import threading
from multiprocessing import connection
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine

from jobs_ingest import store
from jobs_ingest.accounting import LedgerBatch, write_ledger_batch

# Jobs a writer may hold (one being written, the next ones waiting) before the deciding thread waits.
IN_FLIGHT = 3
_STOP_MESSAGE = pickle.dumps(None)
# The statements a job may name, in the order a batch runs them (see :meth:`WriteJob.write`).
STEPS = (
    "insert_vacancies", "replace_vacancies", "fill_vacancies", "insert_source_values", "update_sources_by_key",
    "add_skills", "insert_quarantine",
)


@dataclasses.dataclass
class WriteJob:
    """One batch's writes as data: (statement name in :data:`STEPS`, arguments) pairs, its accounting.

    ``size`` is the number of input rows the batch read (for progress); ``sequence`` numbers the
    run's batches (0: nothing to write, e.g. a batch of rows a resumed run already had).
    """

    size: int
    run_id: int = 0
    steps: list[tuple[str, tuple]] = dataclasses.field(default_factory=list)
    ledger_batch: LedgerBatch | None = None
    sequence: int = 0

    def write(self, connection: Connection) -> None:
        """Run the statements and archive the rows, in ``connection``'s transaction."""
        for name, arguments in self.steps:
            if name not in STEPS:
                raise ValueError(f"unknown write step {name!r}")
            getattr(store, name)(connection, *arguments)
        if self.ledger_batch is not None:
            write_ledger_batch(connection, self.run_id, self.ledger_batch)

    def commit_on(self, engine: Engine) -> None:
        """Write the job in a transaction of its own on ``engine``."""
        if self.steps or self.ledger_batch is not None:
            with engine.begin() as connection:
                store.tune_for_bulk(connection)
                self.write(connection)


Committed = Callable[[WriteJob], None]


class WriteInline:
    """Jobs the deciding thread wrote itself: only tells ``committed`` about each."""

    def __init__(self, committed: Committed) -> None:
        self._committed = committed

    def submit(self, job: WriteJob) -> None:
        self._committed(job)

    def close(self, failed: bool) -> None:
        pass


class WriteThread:
    """A writer thread on ``engine``; ``committed`` is called in that thread after each commit."""

    _STOP = object()

    def __init__(self, engine: Engine, committed: Committed) -> None:
        self._engine, self._committed = engine, committed
        self._queue: queue.Queue = queue.Queue(maxsize=IN_FLIGHT - 1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write_all, name="ingest-writer", daemon=True)
        self._thread.start()

    def _write_all(self) -> None:
        while (job := self._queue.get()) is not self._STOP:
            if self._error is not None:
                continue  # a batch failed: the later ones are dropped, the run fails
            try:
                job.commit_on(self._engine)
                self._committed(job)
            except BaseException as exc:  # raised in the deciding thread
                self._error = exc

    def submit(self, job: WriteJob) -> None:
        self._raise_failure()
        self._queue.put(job)

    def close(self, failed: bool) -> None:
        """Write what was submitted and stop; raise the writer's failure unless another is on its way."""
        self._queue.put(self._STOP)
        self._thread.join()
        if not failed:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class WriteProcess:
    """A writer process on the database at ``url``; ``committed`` is called in the deciding thread
    when the process reports a commit (at the next :meth:`submit` or at :meth:`close`).

    The process is ``python -m jobs_ingest.writer URL JOBS_FD RESULTS_FD`` (a fresh interpreter:
    no ``fork`` of a process that may have threads, no re-import of the caller's main module as
    ``multiprocessing``'s spawn would do); it opens its own engine. Jobs and results are pickles
    on two pipes.
    """

    def __init__(self, url: str, committed: Committed) -> None:
        self._committed = committed
        jobs_read, jobs_write = os.pipe()
        results_read, results_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "jobs_ingest.writer", url, str(jobs_read), str(results_write)],
            pass_fds=(jobs_read, results_write), stdin=subprocess.DEVNULL,
        )
        os.close(jobs_read)
        os.close(results_write)
        self._jobs = connection.Connection(jobs_write, readable=False)
        self._results = connection.Connection(results_read, writable=False)
        self._pending: dict[int, WriteJob] = {}
        self._sent = 0
        self._error: BaseException | None = None
        # A job is megabytes: the pipe takes it only as the process reads it, after its previous job.
        # A sender thread waits for that (without the GIL), so deciding the next batch goes on.
        self._outbox: queue.Queue = queue.Queue()
        self._sender = threading.Thread(target=self._send_all, name="ingest-writer-pipe", daemon=True)
        self._sender.start()

    def _send_all(self) -> None:
        while True:
            message = self._outbox.get()
            try:
                self._jobs.send_bytes(message)
            except OSError:
                return  # the process is gone: its exit is reported by _collect
            if message == _STOP_MESSAGE:
                return

    def submit(self, job: WriteJob) -> None:
        self._collect(block=False)
        self._raise_failure()
        while len(self._pending) >= IN_FLIGHT:
            self._collect(block=True)
            self._raise_failure()
        self._sent += 1
        self._pending[self._sent] = job
        self._outbox.put(pickle.dumps((self._sent, job), protocol=pickle.HIGHEST_PROTOCOL))

    def close(self, failed: bool) -> None:
        """Wait until every submitted job is written (or one failed), then stop the process."""
        try:
            while self._pending and self._error is None:
                self._collect(block=True)
        finally:
            self._outbox.put(_STOP_MESSAGE)
            self._sender.join(timeout=60)
            self._jobs.close()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._results.close()
        if not failed:
            self._raise_failure()

    def _collect(self, block: bool) -> None:
        while self._pending and (block or self._results.poll()):
            block = False
            try:
                number, error = pickle.loads(self._results.recv_bytes())
            except (EOFError, OSError):
                self._error = RuntimeError(
                    f"the ingest writer process ended unexpectedly (exit code {self._process.poll()})"
                )
                self._pending.clear()
                return
            job = self._pending.pop(number)
            if error is not None:
                self._error = error
                self._pending.clear()  # the process writes nothing after a failure
                return
            self._committed(job)

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _write_process_main(url: str, jobs: connection.Connection, results: connection.Connection) -> None:
    """The writer process: receive jobs, write each in its own transaction, report each outcome."""
    from prakerja.db import make_engine

    engine = make_engine(url)
    failed = False
    try:
        while (message := pickle.loads(jobs.recv_bytes())) is not None:
            number, job = message
            if failed:
                continue
            try:
                job.commit_on(engine)
                results.send_bytes(pickle.dumps((number, None)))
            except BaseException as exc:  # reported, then nothing more is written
                failed = True
                results.send_bytes(pickle.dumps((number, _picklable(exc))))
    except EOFError:
        pass  # the deciding process is gone
    finally:
        engine.dispose()


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def writer_for(engine: Engine, committed: Committed, behind: bool) -> WriteInline | WriteThread | WriteProcess:
    """The writer that suits ``engine``: a process for an SQLite file, a thread otherwise; inline
    when not ``behind``."""
    if not behind:
        return WriteInline(committed)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") and \
            not str(url.database).startswith("file::memory:"):
        return WriteProcess(url.render_as_string(hide_password=False), committed)
    return WriteThread(engine, committed)


def main(argv: list[str]) -> int:
    """``python -m jobs_ingest.writer URL JOBS_FD RESULTS_FD`` (started by :class:`WriteProcess`)."""
    url, jobs_fd, results_fd = argv
    jobs = connection.Connection(int(jobs_fd), writable=False)
    results = connection.Connection(int(results_fd), readable=False)
    _write_process_main(url, jobs, results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
