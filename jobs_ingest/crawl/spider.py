"""The Scrapy spider that walks a job board and yields one record per JobPosting it meets.

Two ways in, one way of reading a page:

- from a start URL it follows every link on the same host (listing pagination
  and job pages alike; ``rel=nofollow`` links are left alone);
- from a sitemap (``--sitemap``: a sitemap, a sitemap index, or a robots.txt
  naming sitemaps, plain or gzipped) it reads exactly the pages the sitemaps list.

Every response ends in one counter of :class:`~jobs_ingest.crawl.summary.CrawlSummary`.
The way in (start page, sitemaps) is special: if it cannot be read, the crawl
saw nothing of the board and must not count as complete, or every posting
would be marked removed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from w3lib.url import canonicalize_url

from jobs_ingest.crawl.jobposting import extract_job_postings
from jobs_ingest.crawl.mapping import to_raw_posting, to_rejected_row
from jobs_ingest.crawl.serialization import POSTING, record_to_json
from jobs_ingest.crawl.settings import BOT_NAME, CrawlOptions
from jobs_ingest.crawl.state import CrawlState, PageState
from jobs_ingest.crawl.summary import STATS_PREFIX, exception_reason

NOT_MODIFIED = 304
GONE = (404, 410)
# Request meta marking the way into the board: the start page, robots.txt-named sitemaps, sitemaps.
ENTRY = "prakerja_entry"
# Request meta: how many links away from the start page (or the sitemap) a page is.
DEPTH = "prakerja_depth"


class JobBoardSpider(Spider):
    """Crawl one board politely and pass on every JobPosting, remembering each page for next time.

    Parameters
    ----------
    options
        The board and how to crawl it.
    previous_state
        What the last crawl stored; pages in it are requested conditionally.

    Attributes
    ----------
    state
        What this crawl learned, page by page (saved by the crawl process).
    failures
        ``{"url", "reason"}`` of every page or sitemap that could not be read.
    kept_source_ids
        Postings of failed pages: not seen this time, not to be marked removed.
    entry_failed
        The start page or a sitemap could not be read, or the way in was never read at
        all (say the start page redirected off the board): the crawl is incomplete.
    truncated
        ``max_pages`` or ``max_depth`` left pages out: the crawl is incomplete.
    """

    name = "prakerja_job_board"

    def __init__(self, options: CrawlOptions, previous_state: CrawlState, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.previous_state = previous_state
        self.state = CrawlState()
        self.failures: list[dict[str, str]] = []
        self.kept_source_ids: set[str] = set()
        self.truncated = False
        self._way_in_read = False
        self._way_in_failed = False
        self.allowed_domains = [options.host]
        self._links = LinkExtractor(allow_domains=[options.netloc], unique=True)
        self._requested_pages: set[str] = set()
        self._emitted_source_ids: set[str] = set()

    @property
    def entry_failed(self) -> bool:
        """See the class attributes: a failed or never-read way in."""
        return self._way_in_failed or not self._way_in_read

    async def start(self) -> AsyncIterator[Any]:
        if self.options.sitemap:
            yield self._sitemap_request(self.options.url)
        else:
            for request in self.page_requests([self.options.url], depth=0):
                request.meta[ENTRY] = True
                yield request

    def page_requests(self, urls: Iterable[str], *, depth: int = 1) -> list[Request]:
        """Requests for pages not requested yet, within ``max_pages`` (robots.txt and sitemaps do not count)
        and ``max_depth`` links of the start page."""
        urls = list(urls)
        if urls and self.options.max_depth is not None and depth > self.options.max_depth:
            self.truncated = True
            self._count("pages_too_deep")
            return []
        requests = []
        for url in urls:
            key = canonicalize_url(url)
            if key in self._requested_pages:
                continue
            if self.options.max_pages is not None and len(self._requested_pages) >= self.options.max_pages:
                self.truncated = True
                break
            self._requested_pages.add(key)
            requests.append(Request(url, callback=self.parse_page, meta={DEPTH: depth}))
        return requests

    def off_board(self, url: str) -> None:
        """Count a request to another host or port, dropped (see :class:`~.middleware.SameBoardMiddleware`)."""
        self._count("off_board")
        self.logger.info("not following %s: another host or port than the board's", url)

    def _sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, meta={ENTRY: True})

    # ------------------------------------------------------------------
    # sitemaps
    # ------------------------------------------------------------------

    def parse_sitemap(self, response) -> Iterator[Request]:
        """A sitemap index (-> its sitemaps), a urlset (-> its pages) or a robots.txt (-> its sitemaps)."""
        if not 200 <= response.status < 300:
            self.page_failed(response.url, f"HTTP {response.status}", entry=True)
            return
        if urlsplit(response.url).path.endswith("/robots.txt"):
            named = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            if not named:
                self.page_failed(response.url, "robots.txt names no sitemap", entry=True)
            self._way_in_read = self._way_in_read or bool(named)
            yield from map(self._sitemap_request, named)
            return
        try:
            sitemap = Sitemap(self._sitemap_body(response))
        except Exception as exc:  # noqa: BLE001 (lxml, gzip and size errors all mean "not a sitemap")
            self.page_failed(response.url, f"not a sitemap ({exception_reason(exc)})", entry=True)
            return
        locations = [entry["loc"] for entry in sitemap if entry.get("loc")]
        if sitemap.type == "sitemapindex":
            self._way_in_read = True
            yield from map(self._sitemap_request, locations)
        elif sitemap.type == "urlset":
            self._way_in_read = True
            yield from self.page_requests(locations)
        else:
            self.page_failed(response.url, f"not a sitemap (root element {sitemap.type!r})", entry=True)

    def _sitemap_body(self, response) -> bytes:
        """The XML of a sitemap, unzipped when the board serves ``sitemap.xml.gz`` as is."""
        if gzip_magic_number(response):
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        return response.body

    # ------------------------------------------------------------------
    # pages
    # ------------------------------------------------------------------

    def parse_page(self, response) -> Iterator[Any]:
        """Account for one page: parse it, replay it (304), note it gone (404/410) or failed."""
        entry = bool(response.meta.get(ENTRY))
        if response.status == NOT_MODIFIED:
            yield from self._replay_unchanged(response.url, entry=entry, depth=_depth(response))
        elif response.status in GONE and not entry:
            self._count("pages_gone")
        elif response.status >= 300:
            yield from self.page_failed(response.url, f"HTTP {response.status}", entry=entry)
        else:
            try:
                page = self._read_page(response)
            except Exception as exc:  # noqa: BLE001 (a page no parser can read is counted, not lost in a log)
                yield from self.page_failed(response.url, f"unreadable page ({exception_reason(exc)})", entry=entry)
                return
            self._way_in_read = self._way_in_read or entry
            self._count("pages_fetched")
            if not page.records:
                self._count("pages_without_postings")
            self.state.pages[response.url] = page
            yield from self._emit(page.records, from_cache=False)
            yield from self.page_requests(page.links, depth=_depth(response) + 1)

    def _read_page(self, response) -> PageState:
        """The records and links of a downloaded page, with its validators, as the next crawl remembers it."""
        validators = {"etag": _header(response, b"ETag"), "last_modified": _header(response, b"Last-Modified")}
        if not isinstance(response, TextResponse):
            return PageState(**validators)
        page = extract_job_postings(response.body, response.url, response.encoding)
        records = [
            record_to_json(
                to_raw_posting(found, source=self.options.source, page_url=response.url, canonical_url=page.canonical_url)
            )
            for found in page.postings
        ]
        for block in page.invalid_blocks:
            if block.mentions_job_posting:
                records.append(record_to_json(to_rejected_row(block, source=self.options.source, page_url=response.url)))
            else:
                self._count("ignored_blocks")
                self.logger.info("ignoring an unreadable JSON-LD block on %s: %s", response.url, block.error)
        return PageState(**validators, links=self._followed_links(response), records=records)

    def _followed_links(self, response) -> list[str]:
        """Links to follow from a page: none in sitemap mode or when the page says ``nofollow``."""
        if self.options.sitemap or _says_nofollow(response):
            return []
        return [link.url for link in self._links.extract_links(response) if not link.nofollow]

    def _replay_unchanged(self, url: str, *, entry: bool, depth: int = 0) -> Iterator[Any]:
        remembered = self.previous_state.pages.get(url)
        if remembered is None:
            yield from self.page_failed(url, "304 Not Modified, but nothing remembered of the page", entry=entry)
            return
        self._count("pages_not_modified")
        self._way_in_read = self._way_in_read or entry
        self.state.pages[url] = remembered
        yield from self._emit(remembered.records, from_cache=True)
        yield from self.page_requests(remembered.links, depth=depth + 1)

    def page_failed(self, url: str, reason: str, *, entry: bool = False) -> list[Request]:
        """Count a page that could not be read and keep what it said last time.

        Its remembered postings (and its URL, the source id of postings without an
        identifier) are reported as kept, so the runner does not mark them removed;
        its remembered links are still followed. A failed way in (``entry``) makes
        the whole crawl incomplete.
        """
        self._count("pages_failed")
        self.failures.append({"url": url, "reason": reason})
        self.logger.warning("page failed: %s (%s)", url, reason)
        self._way_in_failed = self._way_in_failed or entry
        self.kept_source_ids.add(canonicalize_url(url))
        remembered = self.previous_state.pages.get(url)
        if remembered is None:
            return []
        self.state.pages[url] = remembered
        self.kept_source_ids.update(remembered.source_ids())
        return self.page_requests(remembered.links)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """Validators for ``url`` from the previous crawl (used by the conditional-request middleware)."""
        remembered = self.previous_state.pages.get(url)
        return remembered.conditional_headers() if remembered else {}

    # ------------------------------------------------------------------

    def _emit(self, records: Iterable[dict[str, Any]], *, from_cache: bool) -> Iterator[dict[str, Any]]:
        """Yield records once per source id (a posting may appear on several pages)."""
        for record in records:
            if record["kind"] == POSTING:
                source_id = record["fields"]["source_id"]
                if source_id in self._emitted_source_ids:
                    self._count("duplicate_postings")
                    continue
                self._emitted_source_ids.add(source_id)
                self._count("postings")
                if from_cache:
                    self._count("postings_from_cache")
            else:
                self._count("rejected_blocks")
            yield record

    def _count(self, name: str) -> None:
        self.crawler.stats.inc_value(STATS_PREFIX + name)


def _depth(response) -> int:
    """The depth of the page ``response`` answers (0 for the start page)."""
    return int(response.meta.get(DEPTH, 0))


def _says_nofollow(response) -> bool:
    """``<meta name="robots" content="nofollow">`` (or for prakerja-match-bot by name), or ``X-Robots-Tag: nofollow``."""
    name = 'translate(@name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")'
    directives = response.xpath(f'//meta[{name}="robots" or {name}=$bot]/@content', bot=BOT_NAME).getall()
    directives += [value.decode("latin-1") for value in response.headers.getlist(b"X-Robots-Tag")]
    return any("nofollow" in value.lower() or "none" in value.lower().split(",") for value in directives)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
