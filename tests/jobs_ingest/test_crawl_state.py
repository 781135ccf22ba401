"""The crawl's own bookkeeping: options and Scrapy settings, the state file, records across the process boundary."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from jobs_ingest.crawl.mapping import MAPPING_VERSION
from jobs_ingest.crawl.serialization import read_records, record_from_json, record_to_json
from jobs_ingest.crawl.addresses import check_start_address, same_board
from jobs_ingest.crawl.settings import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_PAGES,
    DEFAULT_TIME_LIMIT,
    USER_AGENT,
    CrawlOptions,
    scrapy_settings,
)
from jobs_ingest.crawl.state import CrawlState, PageState, default_state_path
from jobs_ingest.crawl.summary import CrawlSummary
from jobs_ingest.records import RawPosting, RejectedRow
from prakerja.errors import UserError

GUDANG = RawPosting(
    source="papan-jatim", source_id="SLN-2024-017", title="Staf Admin Gudang", company="PT Sinar Logistik Nusantara",
    location_text="Kabupaten Sidoarjo, Jawa Timur, Indonesia", salary_text="IDR 4500000 - 5500000 per month",
    salary_currency="IDR", posted_at=dt.datetime(2024, 8, 19, 8, 0), is_active=True,
    raw={"page_url": "https://loker.example.id/lowongan/1", "job_posting": {"title": "Staf Admin Gudang"}},
)
BROKEN = RejectedRow(source="papan-jatim", raw={"text": "{\"@type\": \"JobPosting\","}, reason="invalid JSON-LD on x: y")


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------


def test_source_defaults_to_the_host_and_settings_are_polite():
    options = CrawlOptions.for_url("https://loker.example.id:8443/lowongan?page=1")
    assert options.source == "loker.example.id" and options.netloc == "loker.example.id:8443"
    settings = scrapy_settings(options)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["USER_AGENT"] == USER_AGENT and USER_AGENT.startswith("prakerja-match-bot/0.1 (+https://")
    assert settings["AUTOTHROTTLE_ENABLED"] is True and settings["DOWNLOAD_DELAY"] == 1.0
    assert (settings["RETRY_TIMES"], settings["DOWNLOAD_TIMEOUT"]) == (2, 30.0)
    # bounded by default: an endless pagination or link trap ends, incomplete
    assert (options.max_pages, options.max_depth, options.time_limit) == (DEFAULT_MAX_PAGES, DEFAULT_MAX_DEPTH, DEFAULT_TIME_LIMIT)
    assert settings["CLOSESPIDER_TIMEOUT"] == DEFAULT_TIME_LIMIT > 0 and options.allow_private is False


def test_limits_reach_scrapy():
    options = CrawlOptions.for_url("https://loker.example.id/", source="loker", max_pages=50, delay=0.25,
                                   retries=0, timeout=5, time_limit=600)
    settings = scrapy_settings(options)
    assert settings["CLOSESPIDER_TIMEOUT"] == 600
    assert (settings["DOWNLOAD_DELAY"], settings["RETRY_ENABLED"], settings["DOWNLOAD_TIMEOUT"]) == (0.25, False, 5)
    assert CrawlOptions.from_json(json.loads(json.dumps(options.to_json()))) == options


@pytest.mark.parametrize(
    ("url", "options", "message"),
    [
        ("ftp://loker.example.id/", {}, "http(s) address"),
        ("loker.example.id/lowongan", {}, "http(s) address"),
        ("https://loker.example.id/", {"max_pages": 0}, "--max-pages"),
        ("https://loker.example.id/", {"max_depth": -1}, "--max-depth"),
        ("https://loker.example.id/", {"delay": -1.0}, "--delay"),
        ("https://loker.example.id/", {"source": "x" * 61}, "source name"),
    ],
)
def test_bad_options_are_user_errors(url, options, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CrawlOptions.for_url(url, **options)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5432/", "http://localhost:8000/", "http://10.1.2.3/", "http://192.168.1.1/lowongan",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "http://[fe80::1]/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
])
def test_private_loopback_and_link_local_start_addresses_are_refused(url):
    with pytest.raises(UserError, match="--allow-private"):
        check_start_address(url, allow_private=False)
    check_start_address(url, allow_private=True)


def test_a_public_start_address_passes():
    check_start_address("http://93.184.216.34/", allow_private=False)
    check_start_address("https://no-such-board.invalid/", allow_private=False)  # unresolvable: the crawl reports it


@pytest.mark.parametrize(("url", "followed"), [
    ("https://loker.example.id/lowongan/1", True),
    ("http://loker.example.id/lowongan/1", True),  # http and https on their default ports: one board
    ("https://LOKER.example.id:443/x", True),
    ("https://loker.example.id:8443/x", False),  # another port of the same host
    ("https://cdn.loker.example.id/x", False),
    ("https://evil.example/x", False),
    ("ftp://loker.example.id/x", False),
])
def test_only_the_start_host_and_port_are_followed(url, followed):
    assert same_board(url, "https://loker.example.id/") is followed


# --------------------------------------------------------------------------
# state file
# --------------------------------------------------------------------------


def test_state_round_trip_and_conditional_headers(tmp_path):
    page = PageState(etag='"abc"', last_modified="Thu, 22 Aug 2024 00:00:00 GMT", links=["https://x/2"],
                     records=[record_to_json(GUDANG), record_to_json(BROKEN)])
    state = CrawlState(pages={"https://x/1": page, "https://x/about": PageState()})
    path = tmp_path / "crawl" / "board.json"
    state.save(path)
    assert [p.name for p in path.parent.iterdir()] == ["board.json"]  # no temporary file left

    loaded = CrawlState.load(path)
    assert loaded == state
    assert loaded.pages["https://x/1"].conditional_headers() == {
        "If-None-Match": '"abc"', "If-Modified-Since": "Thu, 22 Aug 2024 00:00:00 GMT",
    }
    assert loaded.pages["https://x/about"].conditional_headers() == {}
    assert loaded.pages["https://x/1"].source_ids() == ["SLN-2024-017"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"version": 99, "mapping": MAPPING_VERSION, "pages": {}}),
        json.dumps({"version": 1, "mapping": MAPPING_VERSION - 1, "pages": {"https://x/1": {"etag": '"a"'}}}),
        json.dumps({"pages": []}),
    ],
    ids=["not-json", "other-format", "older-mapping", "no-version"],
)
def test_an_unreadable_state_means_a_full_crawl(tmp_path, caplog, content):
    path = tmp_path / "board.json"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert CrawlState.load(path) == CrawlState()
    assert "every page is fetched again" in caplog.text


def test_missing_state_is_empty(tmp_path):
    assert CrawlState.load(tmp_path / "none.json") == CrawlState()
    assert CrawlState.load(None) == CrawlState()


def test_default_state_path_is_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(tmp_path))
    assert default_state_path("loker.example.id") == tmp_path / "crawl" / "loker.example.id.json"
    assert default_state_path("../../etc/passwd") == tmp_path / "crawl" / "etc_passwd.json"


# --------------------------------------------------------------------------
# records and summary across the process boundary
# --------------------------------------------------------------------------


def test_records_survive_json_lines(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record_to_json(r)) + "\n" for r in (GUDANG, BROKEN)), encoding="utf-8")
    posting, rejected = read_records(path)
    assert isinstance(posting, RawPosting) and isinstance(rejected, RejectedRow)
    assert posting.content_hash() == RawPosting(**{**record_to_json(GUDANG)["fields"]}).content_hash()
    assert posting.posted_at == "2024-08-19T08:00:00" and posting.raw == GUDANG.raw
    assert (posting.row_number, rejected.row_number) == (0, 1)
    assert rejected.reason == BROKEN.reason


def test_unknown_record_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown record kind"):
        record_from_json({"kind": "page", "fields": {}})


def test_summary_round_trip_and_completeness():
    stats = {"prakerja/pages_fetched": 12, "prakerja/postings": 7, "robotstxt/forbidden": 1,
             "downloader/request_count": 15, "finish_reason": "finished"}
    summary = CrawlSummary.from_stats(stats, failures=[{"url": "u", "reason": "r"}], kept_source_ids={"b", "a"})
    assert (summary.pages_fetched, summary.postings, summary.robots_forbidden, summary.requests) == (12, 7, 1, 15)
    assert summary.kept_source_ids == ["a", "b"] and summary.complete
    assert CrawlSummary.from_json(json.loads(json.dumps(summary.to_json()))) == summary
    assert not CrawlSummary(finish_reason="closespider_timeout").complete
    assert not CrawlSummary(truncated=True).complete
