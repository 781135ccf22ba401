"""How a crawl process is started: a fresh interpreter per crawl, or a fork of a warm one.

Twisted's reactor starts once per process, so each crawl needs a process of
its own (:mod:`.run`). Two launchers start it:

- :class:`FreshProcess` (the default, what ``prakerja ingest crawl`` uses):
  ``python -m jobs_ingest.crawl.run JOB.json``, a new interpreter that imports
  Scrapy, Twisted and extruct (about a second, two on a busy machine) and
  crawls once.
- :class:`WarmProcesses`: one long-lived helper process
  (``python -m jobs_ingest.crawl.launcher``) imports all of that once and
  forks a child per crawl; the child runs the very same
  :func:`~jobs_ingest.crawl.run.run_crawl` and exits. The helper is single-
  threaded and has never started a reactor, so the fork is clean. For many
  crawls from one process: the test suite (seventeen crawls), benchmarks, a
  crawler of many boards.

Both report a :class:`Finished` (exit code and the process's stderr) or raise
:class:`ProcessTimeout` after ``timeout`` seconds, having killed the crawl.
"""

from __future__ import annotations

import dataclasses
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Finished:
    returncode: int
    stderr: str


class ProcessTimeout(Exception):
    """The crawl process ran over its time and was killed."""


class FreshProcess:
    """A new interpreter per crawl: ``python -m jobs_ingest.crawl.run JOB.json``."""

    def run(self, job_file: Path, timeout: float | None) -> Finished:
        command = [sys.executable, "-m", "jobs_ingest.crawl.run", str(job_file)]
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ProcessTimeout from None
        return Finished(finished.returncode, finished.stderr)

    def close(self) -> None:
        pass


class WarmProcesses:
    """Crawls forked from a helper process that has imported the crawler once. Not thread-safe:
    one crawl at a time. Close it (or use it as a context manager) to stop the helper."""

    def __init__(self) -> None:
        self._helper = subprocess.Popen(
            [sys.executable, "-m", "jobs_ingest.crawl.launcher"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1,
        )
        self._expect("READY")

    def run(self, job_file: Path, timeout: float | None) -> Finished:
        stderr_file = job_file.with_name(job_file.name + ".stderr")
        self._helper.stdin.write(f"{job_file}\t{stderr_file}\n")
        self._helper.stdin.flush()
        pid = int(self._expect("PID"))
        deadline = None if timeout is None else time.monotonic() + timeout
        line = self._read_line(deadline)
        if line is None:
            os.kill(pid, signal.SIGKILL)  # the helper reaps it and reports the exit
            self._expect("EXIT")
            raise ProcessTimeout
        returncode = int(_field(line, "EXIT"))
        stderr = stderr_file.read_text(encoding="utf-8", errors="replace") if stderr_file.exists() else ""
        return Finished(returncode, stderr)

    def close(self) -> None:
        if self._helper.poll() is None:
            self._helper.stdin.close()
            try:
                self._helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._helper.kill()
                self._helper.wait()
        self._helper.stdout.close()

    def __enter__(self) -> WarmProcesses:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _expect(self, word: str) -> str:
        line = self._read_line(None)
        if line is None:
            raise RuntimeError(f"the crawl helper process ended (exit code {self._helper.poll()})")
        return _field(line, word)

    def _read_line(self, deadline: float | None) -> str | None:
        """The helper's next line; None when ``deadline`` passed first."""
        while True:
            wait = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            ready, _, _ = select.select([self._helper.stdout], [], [], wait)
            if ready:
                line = self._helper.stdout.readline()
                if not line:
                    raise RuntimeError(f"the crawl helper process ended (exit code {self._helper.poll()})")
                return line.rstrip("\n")
            if deadline is not None and time.monotonic() >= deadline:
                return None


def _field(line: str, word: str) -> str:
    head, _, value = line.partition(" ")
    if head != word:
        raise RuntimeError(f"the crawl helper said {line!r}, expected {word}")
    return value


def _import_scrapy_components() -> None:
    """Import the middlewares, extensions and download handlers a crawl loads by name (importing
    only: nothing is instantiated, no reactor is installed)."""
    import importlib

    from scrapy.settings import default_settings

    from jobs_ingest.crawl.settings import CrawlOptions, scrapy_settings

    names: set[str] = set()
    for setting in ("DOWNLOADER_MIDDLEWARES_BASE", "SPIDER_MIDDLEWARES_BASE", "EXTENSIONS_BASE", "DOWNLOAD_HANDLERS_BASE"):
        names.update(path for path in getattr(default_settings, setting, {}).values() if isinstance(path, str))
        names.update(path for path in getattr(default_settings, setting, {}) if isinstance(path, str))
    names.update(scrapy_settings(CrawlOptions(url="http://localhost/", source="x"))["DOWNLOADER_MIDDLEWARES"])
    for path in names:
        module = path.rpartition(".")[0]
        if module:
            try:
                importlib.import_module(module)
            except Exception:  # an optional component (a missing extra): the crawl imports it itself, or not
                pass


def _serve() -> None:
    """The helper: import the crawler once, then fork one child per job line read on stdin."""
    import scrapy.crawler  # noqa: F401  (what every crawl imports: Scrapy, Twisted, extruct, the spider)

    import jobs_ingest.crawl.spider  # noqa: F401
    from jobs_ingest.crawl import run

    _import_scrapy_components()

    print("READY", flush=True)
    for line in sys.stdin:
        job_file, stderr_file = line.rstrip("\n").split("\t")
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                with open(stderr_file, "w", encoding="utf-8") as err:
                    os.dup2(err.fileno(), 2)
                    os.dup2(err.fileno(), 1)  # the helper's stdout is its reporting channel
                with open(os.devnull, encoding="utf-8") as nothing:
                    os.dup2(nothing.fileno(), 0)
                sys.stderr = sys.stdout = open(2, "w", encoding="utf-8", closefd=False)
                code = run.main([job_file])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    _serve()
