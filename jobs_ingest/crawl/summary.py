"""What one crawl did to each page it met, counted, so every page is accounted for.

The spider counts into Scrapy's stats under ``prakerja/``; the crawl process
turns them into a :class:`CrawlSummary` that crosses to the parent as JSON.
"""

from __future__ import annotations

import dataclasses
from typing import Any

STATS_PREFIX = "prakerja/"

# Scrapy's own stats worth reporting, by our name.
SCRAPY_STATS = {
    "requests": "downloader/request_count",
    "robots_forbidden": "robotstxt/forbidden",
    "retries": "retry/count",
}

FINISHED = "finished"


def exception_reason(exception: BaseException) -> str:
    """A failure's reason for the report: the exception's type and the first line of its message."""
    message = str(exception).strip().splitlines()
    return f"{type(exception).__name__}: {message[0]}" if message else type(exception).__name__


@dataclasses.dataclass
class CrawlSummary:
    """Page and record counts of one crawl, the failed pages, and why the crawl ended.

    Attributes
    ----------
    pages_fetched
        Pages downloaded in full (2xx) and parsed.
    pages_not_modified
        Pages that answered 304: their remembered records were passed on again.
    pages_gone
        Pages that answered 404 or 410; their postings are no longer seen.
    pages_without_postings
        Fetched pages with no JobPosting (listings, about pages): ignored, counted.
    pages_failed
        Pages that could not be read (timeout, 5xx after retries, 304 with nothing remembered).
    postings, postings_from_cache
        JobPostings passed on, of which re-emitted for 304 pages.
    rejected_blocks
        Unreadable JSON-LD blocks that mention JobPosting, passed on for quarantine.
    ignored_blocks
        Unreadable JSON-LD blocks that do not mention JobPosting.
    duplicate_postings
        Postings whose source id was already passed on earlier in this crawl.
    pages_too_deep
        Pages whose links were not followed: they lie beyond ``max_depth``.
    off_board
        Requests (links, redirects, sitemap entries) to another host or port, not followed.
    kept_source_ids
        Source ids (and URLs) of failed pages: not seen, but not to be marked removed.
    """

    pages_fetched: int = 0
    pages_not_modified: int = 0
    pages_gone: int = 0
    pages_without_postings: int = 0
    pages_failed: int = 0
    postings: int = 0
    postings_from_cache: int = 0
    rejected_blocks: int = 0
    ignored_blocks: int = 0
    duplicate_postings: int = 0
    pages_too_deep: int = 0
    off_board: int = 0
    requests: int = 0
    robots_forbidden: int = 0
    retries: int = 0
    finish_reason: str = FINISHED
    truncated: bool = False
    entry_failed: bool = False
    failures: list[dict[str, str]] = dataclasses.field(default_factory=list)
    kept_source_ids: list[str] = dataclasses.field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether the crawl saw the whole board.

        Not when it was cut short (--max-pages, --time-limit, a signal) or when its way
        in (start page, sitemap) failed: then unseen postings are not known to be gone.
        """
        return self.finish_reason == FINISHED and not self.truncated and not self.entry_failed

    @property
    def end(self) -> str:
        """Why the crawl ended, in words for the report."""
        if self.entry_failed:
            return "start page or sitemap unreadable"
        if self.truncated:
            return "max depth reached" if self.pages_too_deep else "max pages reached"
        return self.finish_reason

    @classmethod
    def counter_names(cls) -> list[str]:
        """Counters the spider increments (in Scrapy's stats, with :data:`STATS_PREFIX`)."""
        skip = set(SCRAPY_STATS) | {"finish_reason", "truncated", "entry_failed", "failures", "kept_source_ids"}
        return [field.name for field in dataclasses.fields(cls) if field.name not in skip]

    @classmethod
    def from_stats(
        cls,
        stats: dict[str, Any],
        *,
        failures: list[dict[str, str]],
        kept_source_ids: set[str],
        truncated: bool = False,
        entry_failed: bool = False,
    ) -> "CrawlSummary":
        counts = {name: int(stats.get(STATS_PREFIX + name, 0)) for name in cls.counter_names()}
        counts.update({name: int(stats.get(key, 0)) for name, key in SCRAPY_STATS.items()})
        return cls(
            **counts,
            finish_reason=str(stats.get("finish_reason", FINISHED)),
            truncated=truncated,
            entry_failed=entry_failed,
            failures=failures,
            kept_source_ids=sorted(kept_source_ids),
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CrawlSummary":
        return cls(**data)
