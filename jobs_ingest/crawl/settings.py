"""How polite and how persistent a crawl is: the options and the Scrapy settings they become.

The defaults suit a real board: obey robots.txt, one request at a time per
host with a one-second delay that AutoThrottle stretches when the board slows
down, three tries per page, 30 s per download. Every crawl is bounded by
default (:data:`DEFAULT_MAX_PAGES` pages, links :data:`DEFAULT_MAX_DEPTH` deep,
:data:`DEFAULT_TIME_LIMIT` seconds): an endless pagination or a link trap ends
as an incomplete crawl, never as a crawl that runs until someone notices. Tests
shrink the delays and the timeout and pass ``allow_private`` (their board is
on 127.0.0.1); nothing else differs between a test crawl and a real one.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit

from prakerja.errors import UserError

BOT_NAME = "prakerja-match-bot"
BOT_VERSION = "0.1"
# Where a board's operator reads who crawls them and why (the project's repository).
PROJECT_URL = "https://github.com/prakerja-match/prakerja-match"
USER_AGENT = f"{BOT_NAME}/{BOT_VERSION} (+{PROJECT_URL})"

_MIDDLEWARES = "jobs_ingest.crawl.middleware"

#: Pages requested per crawl (robots.txt and sitemaps not counted) unless ``--max-pages`` says otherwise.
DEFAULT_MAX_PAGES = 10_000
#: Links followed from the start page: page 1 of a listing is depth 0, page 2 depth 1, ...
DEFAULT_MAX_DEPTH = 100
#: Seconds a crawl may run before it is closed (incomplete).
DEFAULT_TIME_LIMIT = 3600.0


@dataclasses.dataclass(frozen=True)
class CrawlOptions:
    """One crawl of one board.

    Attributes
    ----------
    url
        Start page (links on the same host are followed) or, with ``sitemap``, a
        sitemap, sitemap index or robots.txt listing sitemaps.
    source
        The board's name in ``vacancy_sources.source``; defaults to the URL's host.
    max_pages
        Request at most this many pages (robots.txt and sitemaps not counted); a crawl
        that had to leave pages out is incomplete and marks nothing removed. None: no limit.
    max_depth
        Follow links at most this many steps from the start page (sitemap entries are
        one step); deeper links make the crawl incomplete, like ``max_pages``. None: no limit.
    delay
        Seconds between requests to the host (AutoThrottle may wait longer, never less).
    time_limit
        Close the crawl after this many seconds (then incomplete, like ``max_pages``).
    allow_private
        Crawl a start URL whose host is a private, loopback or link-local address
        (refused by default: a crawl must not reach into the server's own network).
    """

    url: str
    source: str
    sitemap: bool = False
    max_pages: int | None = DEFAULT_MAX_PAGES
    max_depth: int | None = DEFAULT_MAX_DEPTH
    time_limit: float | None = DEFAULT_TIME_LIMIT
    allow_private: bool = False
    delay: float = 1.0
    autothrottle: bool = True
    retries: int = 2
    timeout: float = 30.0
    concurrency: int = 1
    user_agent: str = USER_AGENT
    log_level: str = "INFO"

    @classmethod
    def for_url(cls, url: str, *, source: str | None = None, **options: Any) -> "CrawlOptions":
        """Validate ``url`` and the numbers, naming the board after its host unless ``source`` is given."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"crawl URL must be an http(s) address such as https://board.example/lowongan, not {url!r}")
        if options.get("max_pages") is not None and options["max_pages"] < 1:
            raise UserError(f"--max-pages must be at least 1, not {options['max_pages']}")
        if options.get("max_depth") is not None and options["max_depth"] < 0:
            raise UserError(f"--max-depth must be zero or more, not {options['max_depth']}")
        if options.get("delay", 0) < 0:
            raise UserError(f"--delay must be zero or more seconds, not {options['delay']}")
        name = (source or parts.hostname).strip()
        if not name or len(name) > 60:
            raise UserError(f"source name must be 1 to 60 characters, not {name!r}")
        return cls(url=url, source=name, **options)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def netloc(self) -> str:
        """Host and port: links are followed only to exactly this address."""
        return urlsplit(self.url).netloc.lower()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CrawlOptions":
        return cls(**data)


def scrapy_settings(options: CrawlOptions) -> dict[str, Any]:
    """The Scrapy settings of a polite, resumable crawl described by ``options``."""
    return {
        "BOT_NAME": BOT_NAME,
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": True,
        # Rules a board writes for us by name ("User-agent: prakerja-match-bot") apply.
        "ROBOTSTXT_USER_AGENT": BOT_NAME,
        "DOWNLOAD_DELAY": options.delay,
        "RANDOMIZE_DOWNLOAD_DELAY": options.delay > 0,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": options.delay,
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, options.delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
        "RETRY_ENABLED": options.retries > 0,
        "RETRY_TIMES": options.retries,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "CLOSESPIDER_TIMEOUT": options.time_limit or 0,
        # 304, 404 and 5xx reach the spider, which accounts for each of them.
        "HTTPERROR_ALLOW_ALL": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": options.log_level,
        "DOWNLOADER_MIDDLEWARES": {
            # Before robots.txt (100): a request off the board's host and port is dropped before anything is fetched for it.
            f"{_MIDDLEWARES}.SameBoardMiddleware": 50,
            # Next to the engine: sees a request after robots.txt let it pass, adds validators.
            f"{_MIDDLEWARES}.ConditionalRequestMiddleware": 120,
            # Engine side of RetryMiddleware (550): sees an exception only once the retries are spent.
            f"{_MIDDLEWARES}.DownloadFailureMiddleware": 540,
        },
    }
