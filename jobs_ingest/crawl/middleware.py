"""Scrapy downloader middlewares of the job-board crawl.

- :class:`ConditionalRequestMiddleware` makes every page request conditional on
  the validators the previous crawl stored, so unchanged pages answer 304.
- :class:`SameBoardMiddleware` drops every request (link, redirect, sitemap
  entry) that leaves the start URL's host and port, before robots.txt or the
  page is fetched for it;
- :class:`DownloadFailureMiddleware` reports a page whose download failed for
  good (timeout, refused connection) to the spider, which counts it and keeps
  what the page said last time from being marked removed.

Both reach the spider through ``crawler.spider`` (the Scrapy 2.13+ habit) and
accept the older ``spider`` argument as well.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest

from jobs_ingest.crawl.addresses import same_board
from jobs_ingest.crawl.spider import ENTRY
from jobs_ingest.crawl.summary import exception_reason


class _CrawlerMiddleware:
    """Keeps the crawler, through which the spider is reached."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class SameBoardMiddleware(_CrawlerMiddleware):
    """Refuse requests off the board's host and port (Scrapy's off-site filter compares hosts only)."""

    def process_request(self, request, spider=None) -> None:
        spider = spider or self.crawler.spider
        if not same_board(request.url, spider.options.url):
            spider.off_board(request.url)
            raise IgnoreRequest(f"off the board: {request.url}")
        return None


class ConditionalRequestMiddleware(_CrawlerMiddleware):
    """Add ``If-None-Match`` / ``If-Modified-Since`` from the previous crawl's state."""

    def process_request(self, request, spider=None) -> None:
        spider = spider or self.crawler.spider
        for name, value in spider.conditional_headers(request.url).items():
            request.headers.setdefault(name, value)
        return None


class DownloadFailureMiddleware(_CrawlerMiddleware):
    """Tell the spider about a download that failed after every retry."""

    def process_exception(self, request, exception: Exception, spider=None) -> Any:
        if isinstance(exception, IgnoreRequest):  # robots.txt or off-site: a decision, not a failure
            return None
        spider = spider or self.crawler.spider
        for follow_up in spider.page_failed(request.url, exception_reason(exception), entry=bool(request.meta.get(ENTRY))):
            self.crawler.engine.crawl(follow_up)
        return None
