"""The pace a board's robots.txt asks for (``Crawl-delay``), which Scrapy itself does not honour.

Scrapy obeys ``Allow``/``Disallow`` (``ROBOTSTXT_OBEY``) but ignores
``Crawl-delay``. Before a crawl the runner reads it here, with the crawler's
user agent, and slows the crawl down to it; it never speeds a crawl up.
"""

from __future__ import annotations

import dataclasses
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from jobs_ingest.crawl.addresses import same_board
from jobs_ingest.crawl.settings import BOT_NAME, CrawlOptions

logger = logging.getLogger(__name__)

ROBOTS_TIMEOUT_SECONDS = 10.0
# A board asking for more than this between requests is read as "do not crawl quickly", not literally.
MAX_CRAWL_DELAY_SECONDS = 60.0


class _OnTheBoard(urllib.request.HTTPRedirectHandler):
    """Follow a robots.txt redirect only on the board's own host and port, as the crawl itself does."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not same_board(newurl, req.full_url):
            raise urllib.error.URLError(f"robots.txt redirects off the board, to {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_OnTheBoard)


def crawl_delay(url: str, user_agent: str, *, timeout: float = ROBOTS_TIMEOUT_SECONDS) -> float | None:
    """The ``Crawl-delay`` robots.txt sets for this crawler at ``url``'s host, or None.

    An unreachable or unreadable robots.txt gives None (Scrapy then decides on Allow/Disallow as usual).
    """
    parts = urlsplit(url)
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    request = urllib.request.Request(robots_url, headers={"User-Agent": user_agent})
    try:
        with _OPENER.open(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked by CrawlOptions)
            text = response.read(512 * 1024).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.info("no Crawl-delay read from %s: %s", robots_url, exc)
        return None
    delay = Protego.parse(text).crawl_delay(BOT_NAME)
    return float(delay) if delay is not None else None


def with_crawl_delay(options: CrawlOptions) -> CrawlOptions:
    """``options`` slowed down to the board's Crawl-delay (capped at a minute), never sped up."""
    delay = crawl_delay(options.url, options.user_agent, timeout=min(options.timeout, ROBOTS_TIMEOUT_SECONDS))
    if delay is None or delay <= options.delay:
        return options
    return dataclasses.replace(options, delay=min(delay, MAX_CRAWL_DELAY_SECONDS))
