"""The spider's decisions page by page, in-process with real Scrapy responses (fast; the loopback board
in ``test_crawl_board.py`` shows the same behaviour over HTTP)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from jobs_ingest.crawl.serialization import POSTING, REJECTED
from jobs_ingest.crawl.settings import CrawlOptions, scrapy_settings
from jobs_ingest.crawl.spider import ENTRY, JobBoardSpider
from jobs_ingest.crawl.state import CrawlState, PageState
from jobs_ingest.crawl.summary import STATS_PREFIX

BOARD = Path(__file__).parent / "fixture_board"
BASE = "https://loker.example.id"


def make_spider(previous: CrawlState | None = None, **options) -> JobBoardSpider:
    crawl_options = CrawlOptions.for_url(options.pop("url", BASE + "/"), source="loker", **options)
    crawler = get_crawler(JobBoardSpider, settings_dict=scrapy_settings(crawl_options))
    return JobBoardSpider.from_crawler(crawler, options=crawl_options, previous_state=previous or CrawlState())


def response(path: str, *, status: int = 200, body: bytes | None = None, headers=None, entry: bool = False,
             kind: type[Response] = HtmlResponse) -> Response:
    url = BASE + path
    if body is None:
        file = BOARD / ("index.html" if path == "/" else path.lstrip("/"))
        body = file.read_bytes().replace(b"{{BASE}}", BASE.encode())
    request = Request(url, meta={ENTRY: True} if entry else {})
    extra = {"encoding": "utf-8"} if issubclass(kind, TextResponse) else {}
    return kind(url, status=status, body=body, headers=headers or {}, request=request, **extra)


def counts(spider: JobBoardSpider) -> dict[str, int]:
    stats = spider.crawler.stats.get_stats()
    return {key.removeprefix(STATS_PREFIX): value for key, value in stats.items() if key.startswith(STATS_PREFIX)}


def split(output) -> tuple[list[dict], list[Request]]:
    output = list(output)
    return [o for o in output if isinstance(o, dict)], [o for o in output if isinstance(o, Request)]


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


def test_a_job_page_yields_its_posting_and_is_remembered_with_its_validators():
    spider = make_spider()
    page = response("/lowongan/staf-admin-gudang.html", headers={"ETag": '"v1"', "Last-Modified": "Thu, 22 Aug 2024 00:00:00 GMT"})
    items, requests = split(spider.parse_page(page))
    [item] = items
    assert item["kind"] == POSTING and item["fields"]["source_id"] == "SLN-2024-017"
    assert [r.url for r in requests] == [BASE + "/lowongan/halaman-2.html"]
    remembered = spider.state.pages[page.url]
    assert (remembered.etag, remembered.last_modified) == ('"v1"', "Thu, 22 Aug 2024 00:00:00 GMT")
    assert remembered.records == items and remembered.links == [BASE + "/lowongan/halaman-2.html"]
    assert counts(spider) == {"pages_fetched": 1, "postings": 1}


def test_a_listing_follows_same_host_links_only_and_skips_nofollow():
    body = (f'<html><body><a href="/lowongan/1.html">1</a><a href="{BASE}/lowongan/2.html">2</a>'
            '<a href="https://other.example/lowongan/3.html">3</a><a rel="nofollow" href="/login">masuk</a>'
            '<a href="/lowongan/1.html#lamar">1 again</a></body></html>').encode()
    spider = make_spider()
    items, requests = split(spider.parse_page(response("/", body=body)))
    assert items == [] and [r.url for r in requests] == [BASE + "/lowongan/1.html", BASE + "/lowongan/2.html"]
    assert counts(spider) == {"pages_fetched": 1, "pages_without_postings": 1}


def test_broken_json_ld_becomes_a_rejected_record_and_a_broken_unrelated_block_is_only_counted():
    body = (b'<html><head><script type="application/ld+json">{"@type": "JobPosting", "title": "Helper",,}</script>'
            b'<script type="application/ld+json">{"@type": "Organization", </script></head></html>')
    spider = make_spider()
    items, _ = split(spider.parse_page(response("/lowongan/rusak.html", body=body)))
    assert [item["kind"] for item in items] == [REJECTED]
    assert items[0]["fields"]["reason"].startswith(f"invalid JSON-LD on {BASE}/lowongan/rusak.html")
    assert counts(spider) == {"pages_fetched": 1, "rejected_blocks": 1, "ignored_blocks": 1}


def test_the_same_posting_on_two_pages_is_passed_on_once():
    spider = make_spider()
    first, _ = split(spider.parse_page(response("/lowongan/staf-admin-gudang.html")))
    again, _ = split(spider.parse_page(response("/lowongan/staf-admin-gudang.html?utm_source=wa",
                                                body=(BOARD / "lowongan/staf-admin-gudang.html").read_bytes())))
    assert len(first) == 1 and again == []
    assert counts(spider)["duplicate_postings"] == 1


def test_not_modified_replays_the_remembered_page():
    remembered = PageState(etag='"v1"', links=[BASE + "/lowongan/1.html"],
                           records=[{"kind": POSTING, "fields": {"source_id": "A-1", "title": "Kasir"}}])
    spider = make_spider(CrawlState(pages={BASE + "/lowongan/halaman-2.html": remembered}))
    assert spider.conditional_headers(BASE + "/lowongan/halaman-2.html") == {"If-None-Match": '"v1"'}
    assert spider.conditional_headers(BASE + "/lowongan/baru.html") == {}
    items, requests = split(spider.parse_page(response("/lowongan/halaman-2.html", status=304, body=b"", kind=Response)))
    assert items == remembered.records and [r.url for r in requests] == remembered.links
    assert spider.state.pages[BASE + "/lowongan/halaman-2.html"] is remembered
    assert counts(spider) == {"pages_not_modified": 1, "postings": 1, "postings_from_cache": 1}


def test_not_modified_without_a_remembered_page_is_a_failure():
    spider = make_spider()
    assert list(spider.parse_page(response("/x.html", status=304, body=b"", kind=Response))) == []
    assert spider.failures[0]["reason"].startswith("304 Not Modified, but nothing remembered")


def test_gone_pages_and_a_gone_start_page():
    spider = make_spider()
    list(spider.parse_page(response("/", entry=True)))
    assert not spider.entry_failed
    assert list(spider.parse_page(response("/lowongan/kurir.html", status=404, body=b"", kind=Response))) == []
    assert counts(spider)["pages_gone"] == 1 and not spider.entry_failed and spider.failures == []

    moved = make_spider()
    list(moved.parse_page(response("/", status=410, body=b"", kind=Response, entry=True)))
    assert moved.entry_failed and moved.failures == [{"url": BASE + "/", "reason": "HTTP 410"}]


def test_a_way_in_never_read_counts_as_failed():
    spider = make_spider()  # e.g. the start page redirected off the board and was filtered
    assert spider.entry_failed and spider.failures == []


def test_a_failed_page_keeps_what_it_said_last_time():
    remembered = PageState(links=[BASE + "/lowongan/1.html"],
                           records=[{"kind": POSTING, "fields": {"source_id": "BR-0042"}}, {"kind": REJECTED, "fields": {}}])
    spider = make_spider(CrawlState(pages={BASE + "/lowongan/penjahit.html": remembered}))
    list(spider.parse_page(response("/", body=b"<html></html>", entry=True)))
    items, requests = split(spider.parse_page(response("/lowongan/penjahit.html", status=503, body=b"", kind=Response)))
    assert items == [] and [r.url for r in requests] == [BASE + "/lowongan/1.html"]
    assert spider.kept_source_ids == {"BR-0042", BASE + "/lowongan/penjahit.html"}
    assert spider.state.pages[BASE + "/lowongan/penjahit.html"] is remembered
    assert counts(spider)["pages_failed"] == 1 and not spider.entry_failed  # a job page is not the way in


def test_a_binary_page_is_fetched_without_postings():
    spider = make_spider()
    assert list(spider.parse_page(response("/brosur.pdf", body=b"%PDF-1.4", kind=Response))) == []
    assert counts(spider) == {"pages_fetched": 1, "pages_without_postings": 1}


def test_max_pages_is_a_budget_of_distinct_pages():
    spider = make_spider(max_pages=2)
    urls = [BASE + "/a", BASE + "/a#x", BASE + "/b", BASE + "/c"]
    assert [r.url for r in spider.page_requests(urls)] == [BASE + "/a", BASE + "/b"]
    assert spider.truncated
    assert spider.page_requests([BASE + "/b"]) == []  # asked before: no new request, budget untouched


# --------------------------------------------------------------------------
# sitemaps
# --------------------------------------------------------------------------


def test_sitemap_index_leads_to_sitemaps_and_urlset_to_pages():
    spider = make_spider(url=BASE + "/sitemap.xml", sitemap=True)
    assert spider.entry_failed  # nothing read yet
    [follow] = spider.parse_sitemap(response("/sitemap.xml", kind=XmlResponse, entry=True))
    assert follow.url == BASE + "/sitemap-lowongan.xml" and follow.meta[ENTRY] and follow.callback == spider.parse_sitemap
    assert not spider.entry_failed
    pages = list(spider.parse_sitemap(response("/sitemap-lowongan.xml", kind=XmlResponse)))
    assert len(pages) == 9 and all(p.callback == spider.parse_page for p in pages)
    assert pages[0].url == BASE + "/lowongan/staf-admin-gudang.html"


def test_gzipped_sitemap_and_the_page_budget():
    body = gzip.compress((BOARD / "sitemap-lowongan.xml").read_bytes().replace(b"{{BASE}}", BASE.encode()))
    spider = make_spider(url=BASE + "/sitemap-lowongan.xml.gz", sitemap=True, max_pages=3)
    pages = list(spider.parse_sitemap(response("/sitemap-lowongan.xml.gz", body=body, kind=Response)))
    assert len(pages) == 3 and spider.truncated


def test_robots_txt_names_the_sitemaps():
    spider = make_spider(url=BASE + "/robots.txt", sitemap=True)
    [follow] = spider.parse_sitemap(response("/robots.txt", kind=TextResponse))
    assert follow.url == BASE + "/sitemap.xml"
    list(spider.parse_sitemap(response("/robots.txt", body=b"User-agent: *\nDisallow:\n", kind=TextResponse)))
    assert spider.entry_failed and spider.failures[-1]["reason"] == "robots.txt names no sitemap"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (503, b"", "HTTP 503"),
        (200, b"<html><body>Halaman</body></html>", "not a sitemap (root element 'html')"),
        (200, b"", "not a sitemap (XMLSyntaxError: "),
        (200, b"\x1f\x8b\x08 broken gzip", "not a sitemap (error: Error -3 while decompressing"),
    ],
)
def test_an_unreadable_sitemap_fails_the_way_in(status, body, reason):
    spider = make_spider(url=BASE + "/sitemap.xml", sitemap=True)
    assert list(spider.parse_sitemap(response("/sitemap.xml", status=status, body=body, kind=Response))) == []
    [failure] = spider.failures
    assert spider.entry_failed and failure["url"] == BASE + "/sitemap.xml" and failure["reason"].startswith(reason)


def test_a_page_no_parser_can_read_is_a_counted_failure():
    nested_microdata = (b'<div itemscope itemtype="https://schema.org/JobPosting">'
                        + b'<div itemprop="x" itemscope>' * 3000 + b"</div>")  # extruct recurses past Python's limit
    spider = make_spider()
    assert list(spider.parse_page(response("/aneh.html", body=nested_microdata))) == []
    [failure] = spider.failures
    assert failure["reason"].startswith("unreadable page (RecursionError") and counts(spider) == {"pages_failed": 1}


@pytest.mark.parametrize(
    ("head", "headers"),
    [
        ('<meta name="robots" content="noindex, nofollow">', {}),
        ('<meta name="Prakerja-Match-Bot" content="nofollow">', {}),
        ("", {"X-Robots-Tag": "none"}),
    ],
)
def test_a_page_that_says_nofollow_is_read_but_its_links_are_not_followed(head, headers):
    body = (f'<html><head>{head}<script type="application/ld+json">'
            '{"@type": "JobPosting", "title": "Kasir", "identifier": "K-1"}</script></head>'
            '<body><a href="/lowongan/2.html">2</a></body></html>').encode()
    spider = make_spider()
    items, requests = split(spider.parse_page(response("/lowongan/1.html", body=body, headers=headers)))
    assert len(items) == 1 and requests == []


def test_meta_robots_for_another_crawler_does_not_stop_us():
    body = b'<html><head><meta name="googlebot" content="nofollow"></head><body><a href="/2.html">2</a></body></html>'
    spider = make_spider()
    _, requests = split(spider.parse_page(response("/1.html", body=body)))
    assert [r.url for r in requests] == [BASE + "/2.html"]
