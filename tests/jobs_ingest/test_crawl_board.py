"""End to end: crawl the fixture board served on 127.0.0.1 into SQLite and PostgreSQL.

The server (a threaded ``http.server``) logs every request, answers ``If-None-Match``
with 304, sleeps on chosen pages longer than the crawl's download timeout, answers
503 on others, and has a second phase in which one posting changes, one answers 404
and one leaves the listing. See ``fixture_board/README.md``.

The crawls run in a child process each, as in production; most are forked from a
warm helper (``crawl_launcher``, :class:`~jobs_ingest.crawl.launcher.WarmProcesses`)
that has imported Scrapy once, the command-line tests start a fresh interpreter
per crawl as ``prakerja ingest crawl`` does. A crawl of the board then takes about
1.5 s, one of which is spent waiting for the slow page (timeout 0.5 s, one retry).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import functools
import gzip
import hashlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from jobs_ingest import cli as ingest_cli

from jobs_ingest.crawl.launcher import FreshProcess, WarmProcesses
from jobs_ingest.crawl.robots import crawl_delay, with_crawl_delay
from jobs_ingest.crawl.runner import CrawlFailed, collect_records, crawl_board
from jobs_ingest.crawl.serialization import read_records
from jobs_ingest.crawl.settings import CrawlOptions
from jobs_ingest.records import RawPosting, RejectedRow
from prakerja.db import make_engine, transaction
from prakerja.errors import UserError
from prakerja.migrate import upgrade
from prakerja.models import Quarantine, Skill, Vacancy, VacancySkill, VacancySource
from prakerja.reference.loader import load_reference
from tests.cli_runner import run_in_process

BOARD_ROOT = Path(__file__).parent / "fixture_board"
SLOW_PAGE = "/lowongan/lambat.html"
PHASE2_VARIANTS = {"/": "index.phase2.html", "/lowongan/staf-admin-gudang.html": "lowongan/staf-admin-gudang.phase2.html"}
PHASE2_GONE = {"/lowongan/kurir-surabaya.html"}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}
# Every file has a fixed modification time so Last-Modified is stable between crawls.
LAST_MODIFIED = email.utils.formatdate(1724284800, usegmt=True)  # 2024-08-22


@dataclasses.dataclass(frozen=True)
class LoggedRequest:
    path: str
    status: int
    user_agent: str
    conditional: bool
    at: float = dataclasses.field(default_factory=time.monotonic)


class FixtureBoard:
    """The fixture board on a random local port; ``phase2`` switches to the second crawl's content.

    Pages in ``slow_paths`` answer after ``slow_seconds`` (longer than the crawl's download timeout),
    pages in ``failing_paths`` answer 503, ``redirects`` map paths to a 301 Location.
    """

    def __init__(self, slow_seconds: float) -> None:
        self.slow_seconds = slow_seconds
        self.slow_paths = {SLOW_PAGE}
        self.failing_paths: set[str] = set()
        self.redirects: dict[str, str] = {}
        self.robots_text: str | None = None  # served instead of fixture_board/robots.txt
        self.pages: dict[str, str] = {}  # extra pages (path -> HTML or XML; {{BASE}} replaced)
        self.phase2 = False
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FixtureBoard":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def take_log(self) -> list[LoggedRequest]:
        """The requests so far, clearing the log (one crawl's worth at a time)."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def file_for(self, path: str) -> Path | None:
        if self.phase2 and path in PHASE2_VARIANTS:
            return BOARD_ROOT / PHASE2_VARIANTS[path]
        relative = "index.html" if path == "/" else path.lstrip("/").removesuffix(".gz")
        candidate = (BOARD_ROOT / relative).resolve()
        if BOARD_ROOT.resolve() not in candidate.parents or not candidate.is_file() or ".phase2." in candidate.name:
            return None
        if candidate.suffix not in CONTENT_TYPES:
            return None
        return candidate


ENDLESS = "/tanpa-akhir/"


def endless_page(path: str) -> str:
    """Page N of a pagination that never ends: a link to page N + 1."""
    number = int(path.removeprefix(ENDLESS).removesuffix(".html") or 0)
    return f'<html><body><a href="{ENDLESS}{number + 1}.html">berikutnya</a></body></html>'


def _handler_for(board: FixtureBoard) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = urlsplit(self.path).path
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            user_agent = self.headers.get("User-Agent", "")
            if path == "/robots.txt" and board.robots_text is not None:
                board.log(LoggedRequest(path, 200, user_agent, conditional))
                return self._send(200, board.robots_text.encode(), CONTENT_TYPES[".txt"], {})
            if path in board.pages or path.startswith(ENDLESS):
                board.log(LoggedRequest(path, 200, user_agent, conditional))
                text = board.pages.get(path) or endless_page(path)
                content_type = CONTENT_TYPES[".xml" if path.endswith(".xml") else ".html"]
                return self._send(200, text.replace("{{BASE}}", board.base_url).encode(), content_type, {})
            if path in board.redirects:
                board.log(LoggedRequest(path, 301, user_agent, conditional))
                return self._send(301, b"", None, {"Location": board.redirects[path]})
            if path in board.failing_paths:
                board.log(LoggedRequest(path, 503, user_agent, conditional))
                return self._send(503, b"sedang pemeliharaan", "text/plain; charset=utf-8", {})
            file = None if (board.phase2 and path in PHASE2_GONE) else board.file_for(path)
            if file is None:
                board.log(LoggedRequest(path, 404, user_agent, conditional))
                return self._send(404, b"tidak ditemukan", "text/plain; charset=utf-8", {})
            body = file.read_bytes().replace(b"{{BASE}}", board.base_url.encode())
            content_type = CONTENT_TYPES[file.suffix]
            if path.endswith(".gz"):  # any file also served gzipped, as boards serve sitemap.xml.gz
                body, content_type = gzip.compress(body, mtime=0), "application/gzip"
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            if path in board.slow_paths:
                board.log(LoggedRequest(path, 0, user_agent, conditional))  # 0: never answered in time
                time.sleep(board.slow_seconds)
                return self._send(200, body, content_type, headers)
            if self.headers.get("If-None-Match") == etag:
                board.log(LoggedRequest(path, 304, user_agent, conditional))
                return self._send(304, b"", None, headers)
            board.log(LoggedRequest(path, 200, user_agent, conditional))
            self._send(200, body, content_type, headers)

        def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up on the slow page: that is the point

        def log_message(self, *_args) -> None:
            pass

    return Handler


# --------------------------------------------------------------------------
# the tests
# --------------------------------------------------------------------------

# The download timeout is short (yet ten times what a local page takes on a busy machine) and the
# slow page slower, so a crawl waits 1 s for it in all (one retry). Production waits 30 s.
DOWNLOAD_TIMEOUT = 0.5
SLOW_SECONDS = 2.0
SOURCE = "papan-jatim"
FIRST_CRAWL = dt.datetime(2024, 8, 23, 6, 0)
SECOND_CRAWL = dt.datetime(2024, 8, 24, 6, 0)
THIRD_CRAWL = dt.datetime(2024, 8, 25, 6, 0)

JOB_PAGES = {
    "/lowongan/staf-admin-gudang.html", "/lowongan/operator-produksi.html", "/lowongan/barista-paruh-waktu.html",
    "/lowongan/kurir-surabaya.html", "/lowongan/customer-service-remote.html", "/lowongan/penjahit-garmen.html",
    "/lowongan/rusak.html", "/lowongan/tanpa-judul.html",
}
UNCHANGED_IN_PHASE2 = {
    "/lowongan/barista-paruh-waktu.html", "/lowongan/customer-service-remote.html", "/lowongan/penjahit-garmen.html",
    "/lowongan/rusak.html", "/lowongan/tanpa-judul.html", "/lowongan/halaman-2.html", "/lowongan/halaman-3.html",
    "/tentang.html",
}


@pytest.fixture
def board():
    with FixtureBoard(slow_seconds=SLOW_SECONDS) as served:
        yield served


@pytest.fixture(scope="module")
def crawl_launcher():
    """Crawl processes forked from one warm helper: a crawl starts in milliseconds instead of the
    second or two a new interpreter takes to import Scrapy."""
    with WarmProcesses() as launcher:
        yield launcher


def board_options(board: FixtureBoard, **overrides) -> CrawlOptions:
    settings = dict(delay=0.0, timeout=DOWNLOAD_TIMEOUT, retries=1, concurrency=2, log_level="DEBUG", allow_private=True)
    settings.update(overrides)
    return CrawlOptions.for_url(board.base_url + "/", source=SOURCE, **settings)


def vacancies_by_title(engine) -> dict[str, dict]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Vacancy, VacancySource.source_id, VacancySource.status.label("source_status"))
            .join(VacancySource, VacancySource.vacancy_id == Vacancy.id)
            .where(VacancySource.source == SOURCE)
        ).mappings()
        return {row["title"]: dict(row) for row in rows}


def quarantine_reasons(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(Quarantine.reason).where(Quarantine.source == SOURCE)))


def test_crawl_the_board_three_times_into_the_database(ingest_engine, board, tmp_path, crawl_launcher):
    state = tmp_path / "crawl" / "papan-jatim.json"
    options = board_options(board)

    # ---- first crawl: everything is new -------------------------------------------------
    first = crawl_board(ingest_engine, options, state_path=state, now=FIRST_CRAWL, launcher=crawl_launcher)
    log = board.take_log()
    fetched = {entry.path for entry in log}

    assert "/robots.txt" in fetched
    assert not any(path.startswith(("/internal/", "/arsip/")) for path in fetched), "robots.txt disallows them"
    assert all(entry.user_agent.startswith("prakerja-match-bot/0.1 (+") for entry in log)
    assert JOB_PAGES | {"/", "/lowongan/halaman-2.html", "/lowongan/halaman-3.html", "/tentang.html"} <= fetched
    # the slow page was tried twice (one retry), then given up, and the crawl went on
    assert [entry.status for entry in log if entry.path == SLOW_PAGE] == [0, 0]

    summary = first.summary
    assert summary.complete and summary.finish_reason == "finished"
    assert summary.robots_forbidden == 2  # /internal/ for everyone, /arsip/ for prakerja-match-bot by name
    assert summary.pages_failed == 1 and summary.failures[0]["url"].endswith(SLOW_PAGE)
    assert "Timeout" in summary.failures[0]["reason"]
    assert summary.pages_without_postings == 4  # three listing pages and the about page
    assert (summary.postings, summary.rejected_blocks, summary.postings_from_cache) == (7, 1, 0)

    report = first.ingest
    assert (report.created, report.updated, report.quarantined) == (6, 0, 2)
    assert report.rows == summary.postings + summary.rejected_blocks
    assert first.removed == 0

    vacancies = vacancies_by_title(ingest_engine)
    assert set(vacancies) == {
        "Staf Admin Gudang", "Operator Produksi", "Barista Paruh Waktu", "Kurir Motor",
        "Customer Service Online (Remote)", "Penjahit Garmen",
    }
    gudang = vacancies["Staf Admin Gudang"]
    assert gudang["source_id"] == "SLN-2024-017"
    assert (gudang["company"], gudang["regency_code"], gudang["province_code"]) == ("PT Sinar Logistik Nusantara", "3515", "35")
    assert (gudang["salary_min_idr"], gudang["salary_max_idr"]) == (4_500_000, 5_500_000)
    assert gudang["employment_types"] == "fullTime" and gudang["status"] == "active"
    operator = vacancies["Operator Produksi"]  # microdata, no identifier: the URL is the source id
    assert operator["source_id"] == f"{board.base_url}/lowongan/operator-produksi.html"
    assert operator["regency_code"] == "3216" and operator["salary_min_idr"] == 5_200_000
    assert vacancies["Barista Paruh Waktu"]["company"] == "Kopi Kenangan Senja"  # @graph reference
    assert vacancies["Barista Paruh Waktu"]["salary_min_idr"] == 25_000 * 173
    assert vacancies["Kurir Motor"]["salary_min_idr"] == 150_000 * 22
    assert vacancies["Customer Service Online (Remote)"]["remote"] is True
    assert vacancies["Customer Service Online (Remote)"]["location_kind"] == "remote"
    assert vacancies["Penjahit Garmen"]["regency_code"] == "3201"
    # the description read from JSON-LD reaches the skill extractor and the occupation classifier
    with ingest_engine.connect() as connection:
        gudang_skills = connection.scalars(
            select(Skill.slug).join(VacancySkill, VacancySkill.skill_id == Skill.id)
            .where(VacancySkill.vacancy_id == gudang["id"])
        ).all()
    assert "microsoft-excel" in gudang_skills and gudang["occupation_code"] is not None

    reasons = quarantine_reasons(ingest_engine)
    assert len(reasons) == 2
    assert any(reason.startswith("invalid JSON-LD on") and "rusak.html" in reason for reason in reasons)
    assert any("title" in reason for reason in reasons)
    assert state.exists() and not state.with_name(state.name + ".new").exists()

    # ---- second crawl: one changed, one 404, one unlisted, the rest unchanged ------------
    board.phase2 = True
    second = crawl_board(ingest_engine, options, state_path=state, now=SECOND_CRAWL, launcher=crawl_launcher)
    log = board.take_log()
    statuses = {entry.path: entry.status for entry in log}

    full_fetches = {entry.path for entry in log if entry.status == 200} - {"/robots.txt"}
    assert full_fetches == {"/", "/lowongan/staf-admin-gudang.html"}, "unchanged pages must not be fetched again"
    assert all(statuses[path] == 304 for path in UNCHANGED_IN_PHASE2)
    assert all(entry.conditional for entry in log if entry.path in UNCHANGED_IN_PHASE2)
    assert statuses["/lowongan/kurir-surabaya.html"] == 404
    assert "/lowongan/operator-produksi.html" not in statuses
    assert not any(path.startswith(("/internal/", "/arsip/")) for path in statuses)

    summary = second.summary
    assert (summary.pages_fetched, summary.pages_not_modified, summary.pages_gone) == (2, len(UNCHANGED_IN_PHASE2), 1)
    assert summary.postings_from_cache == 4 and summary.pages_failed == 1
    assert (second.ingest.created, second.ingest.updated, second.ingest.unchanged) == (0, 1, 3)
    assert second.removed == 2

    vacancies = vacancies_by_title(ingest_engine)
    assert (vacancies["Staf Admin Gudang"]["salary_min_idr"], vacancies["Staf Admin Gudang"]["salary_max_idr"]) == (
        5_000_000, 6_000_000,
    )
    for gone in ("Kurir Motor", "Operator Produksi"):
        assert (vacancies[gone]["source_status"], vacancies[gone]["status"]) == ("removed", "removed"), gone
    for kept in ("Staf Admin Gudang", "Barista Paruh Waktu", "Customer Service Online (Remote)", "Penjahit Garmen"):
        assert (vacancies[kept]["source_status"], vacancies[kept]["status"]) == ("active", "active"), kept
    with ingest_engine.connect() as connection:
        last_seen = connection.scalar(
            select(VacancySource.last_seen).where(VacancySource.source == SOURCE, VacancySource.source_id == "BR-0042")
        )
    assert last_seen == SECOND_CRAWL, "a 304 page keeps its posting seen"

    # ---- third crawl: a listing page times out, a job page answers 503 ---------------------
    # What they said last time is kept: the listing's remembered links are still followed
    # and the job page's posting is not marked removed.
    board.slow_paths.add("/lowongan/halaman-2.html")
    board.failing_paths.add("/lowongan/penjahit-garmen.html")
    third = crawl_board(ingest_engine, options, state_path=state, now=THIRD_CRAWL, launcher=crawl_launcher)
    log = board.take_log()
    statuses = {entry.path: entry.status for entry in log}
    assert statuses["/lowongan/halaman-2.html"] == 0
    assert [entry.status for entry in log if entry.path == "/lowongan/penjahit-garmen.html"] == [503, 503]  # one retry
    assert statuses["/lowongan/customer-service-remote.html"] == statuses["/lowongan/halaman-3.html"] == 304
    assert third.summary.pages_failed == 3 and third.summary.complete
    assert {"url": f"{board.base_url}/lowongan/penjahit-garmen.html", "reason": "HTTP 503"} in third.summary.failures
    assert "BR-0042" in third.summary.kept_source_ids
    assert third.removed == 0
    vacancies = vacancies_by_title(ingest_engine)
    assert vacancies["Penjahit Garmen"]["status"] == "active"
    assert vacancies["Customer Service Online (Remote)"]["status"] == "active"


def test_sitemap_crawl_reads_the_listed_pages_only(board, tmp_path, crawl_launcher):
    options = CrawlOptions.for_url(
        board.base_url + "/robots.txt", source=SOURCE, sitemap=True, delay=0.0, timeout=DOWNLOAD_TIMEOUT, retries=0,
        allow_private=True,
    )
    crawled = collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path, launcher=crawl_launcher)
    fetched = [entry.path for entry in board.take_log()]

    # robots.txt -> sitemap index -> urlset -> job pages; no listing page, nothing disallowed
    assert {"/robots.txt", "/sitemap.xml", "/sitemap-lowongan.xml"} <= set(fetched)
    assert "/" not in fetched and "/lowongan/halaman-2.html" not in fetched
    assert not any(path.startswith("/internal/") for path in fetched)
    assert crawled.summary.robots_forbidden == 1 and crawled.summary.complete
    records = list(read_records(crawled.records))
    titles = sorted(record.title or "" for record in records if isinstance(record, RawPosting))
    assert titles == ["", "Barista Paruh Waktu", "Customer Service Online (Remote)", "Kurir Motor",
                      "Operator Produksi", "Penjahit Garmen", "Staf Admin Gudang"]
    [rejected] = [record for record in records if isinstance(record, RejectedRow)]
    assert rejected.reason.startswith(f"invalid JSON-LD on {board.base_url}/lowongan/rusak.html: ")
    assert [record.row_number for record in records] == list(range(len(records)))


def test_max_pages_stops_early_and_the_crawl_counts_as_incomplete(board, tmp_path, crawl_launcher):
    crawled = collect_records(board_options(board, max_pages=3), state_in=None, state_out=tmp_path / "state.json",
                              workdir=tmp_path, launcher=crawl_launcher)
    requested = [entry.path for entry in board.take_log() if entry.path != "/robots.txt"]
    assert len(requested) == 3 and crawled.summary.pages_fetched == 3
    assert crawled.summary.truncated and not crawled.summary.complete and crawled.summary.end == "max pages reached"


def test_an_unreadable_start_page_makes_the_crawl_incomplete(board, tmp_path, crawl_launcher):
    board.failing_paths.add("/")
    crawled = collect_records(board_options(board, retries=0), state_in=None, state_out=tmp_path / "state.json",
                              workdir=tmp_path, launcher=crawl_launcher)
    assert crawled.summary.entry_failed and not crawled.summary.complete
    assert crawled.summary.failures == [{"url": board.base_url + "/", "reason": "HTTP 503"}]


# --------------------------------------------------------------------------
# the command line (SQLite only: the backends are covered above)
# --------------------------------------------------------------------------


@pytest.fixture
def cli_database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(tmp_path / "data"))
    return url


def test_ingest_crawl_command_prints_the_report(cli_database, board, tmp_path):
    app = typer.Typer()
    app.command("noop")(lambda: None)  # two commands keep the group names in argv
    ingest_cli.register(app)

    def crawl(*options: str) -> str:
        arguments = ["ingest", "crawl", board.base_url + "/", "--delay", "0", "--timeout", str(DOWNLOAD_TIMEOUT),
                     "--retries", "0", "--source", SOURCE, "--allow-private", *options]
        result = CliRunner().invoke(app, arguments, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return " ".join(result.stdout.split())

    output = crawl()
    assert "2 disallowed by robots.txt" in output and "1 failed" in output
    assert f"failed: {board.base_url}{SLOW_PAGE}" in output
    assert "8 rows = 6 created, 0 updated, 0 merged, 0 unchanged, 2 quarantined" in output
    assert "quarantined, missing title: 1" in output
    assert "removed: 0 postings no longer on the board" in output
    assert (tmp_path / "data" / "crawl" / f"{SOURCE}.json").exists(), "state goes to the data dir by default"
    log = tmp_path / "data" / "crawl" / f"{SOURCE}.log"
    assert f"crawl log: {log}" in output and "page failed" in log.read_text(encoding="utf-8")

    # an incomplete crawl (here cut by --max-pages, --full refetches) marks nothing removed
    board.phase2 = True
    output = crawl("--max-pages", "2", "--full")
    assert "removed: none marked, the crawl was incomplete (max pages reached)" in output
    engine = make_engine(cli_database)
    with engine.connect() as connection:
        statuses = connection.scalars(select(VacancySource.status).where(VacancySource.source == SOURCE)).all()
    engine.dispose()
    assert statuses == ["active"] * 6


def test_a_bad_crawl_url_is_one_line(tmp_path, monkeypatch, capsys):
    result = run_in_process(["ingest", "crawl", "ftp://loker.example.id/"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
                            monkeypatch, capsys)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "crawl URL must be an http(s) address" in result.stderr


def test_a_start_page_redirected_off_the_board_is_not_a_complete_crawl(board, tmp_path, crawl_launcher):
    # "localhost" is another host to the crawler: the redirect is filtered as off-site
    board.redirects["/pindah.html"] = board.base_url.replace("127.0.0.1", "localhost") + "/"
    options = CrawlOptions.for_url(board.base_url + "/pindah.html", source=SOURCE, delay=0.0, timeout=DOWNLOAD_TIMEOUT,
                                   allow_private=True)
    crawled = collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path, launcher=crawl_launcher)
    assert [entry.path for entry in board.take_log()] == ["/robots.txt", "/pindah.html"]
    assert crawled.summary.entry_failed and not crawled.summary.complete
    assert crawled.summary.end == "start page or sitemap unreadable"


def test_the_delay_spaces_requests_to_the_board(board, tmp_path, crawl_launcher):
    delay = 0.25
    options = CrawlOptions.for_url(board.base_url + "/sitemap-lowongan.xml", source=SOURCE, sitemap=True,
                                   max_pages=4, delay=delay, concurrency=4, timeout=DOWNLOAD_TIMEOUT, retries=0,
                                   allow_private=True)
    collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path, launcher=crawl_launcher)
    times = [entry.at for entry in board.take_log() if entry.path.startswith("/lowongan/")]
    assert len(times) == 4
    # Scrapy waits 0.5 to 1.5 times the delay between two requests to one host, whatever the concurrency
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= 0.5 * delay - 0.02


@pytest.mark.parametrize("launch", ["fresh", "warm"])
def test_a_crawl_process_over_its_time_is_stopped_with_a_clear_error(board, tmp_path, crawl_launcher, launch):
    board.slow_seconds = 30.0
    options = board_options(board, timeout=20.0)  # the slow page would hold the crawl for 20 s
    launcher = FreshProcess() if launch == "fresh" else crawl_launcher
    with pytest.raises(CrawlFailed, match=r"crawl of http://127\.0\.0\.1:\d+/ ran over 1\.5 s and was stopped"):
        collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path,
                        process_timeout=1.5, launcher=launcher)
    if launch == "warm":  # the helper outlives the killed crawl and forks the next one
        crawled = collect_records(board_options(board, max_pages=1), state_in=None, state_out=tmp_path / "s2.json",
                                  workdir=tmp_path, launcher=crawl_launcher)
        assert crawled.summary.pages_fetched == 1




def test_last_modified_alone_is_enough_for_an_incremental_crawl(tmp_path, crawl_launcher):
    """The board served by the standard library's file server: Last-Modified and If-Modified-Since, no ETag."""

    class QuietFiles(SimpleHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(BOARD_ROOT)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        options = CrawlOptions.for_url(f"http://127.0.0.1:{server.server_address[1]}/", source=SOURCE, delay=0.0,
                                       timeout=5.0, retries=0, allow_private=True)
        state = tmp_path / "state.json"
        (tmp_path / "first").mkdir()
        (tmp_path / "second").mkdir()
        first = collect_records(options, state_in=None, state_out=state, workdir=tmp_path / "first",
                                launcher=crawl_launcher)
        second = collect_records(options, state_in=state, state_out=tmp_path / "state2.json", workdir=tmp_path / "second",
                                 launcher=crawl_launcher)
    finally:
        server.shutdown()
        server.server_close()
    assert first.summary.pages_fetched == 13 and first.summary.postings == 8  # the slow page is not slow here
    assert (second.summary.pages_fetched, second.summary.pages_not_modified) == (0, 13)
    assert second.summary.postings_from_cache == 8 and second.summary.complete

    def source_ids(crawled) -> set[str]:
        return {record.source_id for record in read_records(crawled.records) if isinstance(record, RawPosting)}

    assert source_ids(second) == source_ids(first)


def test_crawl_delay_of_robots_txt_slows_the_crawl_down_never_up(board):
    options = board_options(board, delay=0.0)
    assert crawl_delay(options.url, options.user_agent) is None  # the fixture's robots.txt sets none
    board.robots_text = "User-agent: prakerja-match-bot\nCrawl-delay: 2.5\n\nUser-agent: *\nCrawl-delay: 30\n"
    assert crawl_delay(options.url, options.user_agent) == 2.5
    assert with_crawl_delay(options).delay == 2.5
    assert with_crawl_delay(board_options(board, delay=4.0)).delay == 4.0
    board.robots_text = "User-agent: *\nCrawl-delay: 86400\n"
    assert with_crawl_delay(options).delay == 60.0
    assert all(entry.user_agent.startswith("prakerja-match-bot/") for entry in board.take_log())


def test_no_crawl_delay_from_an_unreachable_board():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert crawl_delay(f"http://127.0.0.1:{port}/", "prakerja-match-bot/0.1", timeout=2.0) is None


# --------------------------------------------------------------------------
# bounds (issue 14): depth, host and port, private addresses
# --------------------------------------------------------------------------


def test_an_endless_pagination_stops_at_the_depth_limit(board, tmp_path, crawl_launcher):
    options = board_options(board, max_depth=5)
    options = dataclasses.replace(options, url=board.base_url + ENDLESS + "0.html")
    crawled = collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path,
                              launcher=crawl_launcher)
    fetched = [entry.path for entry in board.take_log() if entry.path.startswith(ENDLESS)]
    assert fetched == [f"{ENDLESS}{n}.html" for n in range(6)]  # depth 0 (start) to 5
    assert crawled.summary.truncated and not crawled.summary.complete
    assert crawled.summary.end == "max depth reached"


def test_redirects_and_sitemap_entries_to_another_port_are_not_followed(board, tmp_path, crawl_launcher):
    with FixtureBoard(slow_seconds=SLOW_SECONDS) as other:  # same host (127.0.0.1), another port
        board.redirects["/pindah.html"] = other.base_url + "/"
        board.pages["/peta.xml"] = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{other.base_url}/lowongan/kurir-surabaya.html</loc></url>"
            "<url><loc>{{BASE}}/lowongan/operator-produksi.html</loc></url>"
            "<url><loc>{{BASE}}/pindah.html</loc></url></urlset>"
        )
        options = board_options(board, sitemap=True)
        options = dataclasses.replace(options, url=board.base_url + "/peta.xml")
        crawled = collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path,
                                  launcher=crawl_launcher)
        assert other.take_log() == []
    fetched = [entry.path for entry in board.take_log()]
    assert "/lowongan/operator-produksi.html" in fetched and "/pindah.html" in fetched
    assert crawled.summary.off_board == 2  # the sitemap entry and the redirect


def test_a_private_start_address_is_refused_without_allow_private(board, tmp_path, crawl_launcher):
    options = dataclasses.replace(board_options(board), allow_private=False)
    with pytest.raises(UserError, match=r"127\.0\.0\.1 .*--allow-private"):
        collect_records(options, state_in=None, state_out=tmp_path / "state.json", workdir=tmp_path, launcher=crawl_launcher)
    assert board.take_log() == []  # not even robots.txt was fetched


def test_a_robots_txt_redirected_to_another_port_is_not_followed(board):
    with FixtureBoard(slow_seconds=SLOW_SECONDS) as other:
        other.robots_text = "User-agent: *\nCrawl-delay: 5\n"
        board.redirects["/robots.txt"] = other.base_url + "/robots.txt"
        assert crawl_delay(board.base_url + "/", "prakerja-match-bot/0.1", timeout=2.0) is None
        assert other.take_log() == []
        board.redirects["/robots.txt"] = board.base_url + "/robots-lama.txt"  # on the board: followed
        board.pages["/robots-lama.txt"] = "User-agent: *\nCrawl-delay: 3\n"
        assert crawl_delay(board.base_url + "/", "prakerja-match-bot/0.1", timeout=2.0) == 3.0
