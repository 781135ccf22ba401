"""``prakerja ingest crawl URL``: crawl a schema.org JobPosting board into the database.

The ``ingest`` group (:mod:`jobs_ingest.cli`) attaches :func:`crawl_command` under
the name ``crawl`` (it looks it up as ``cli_crawl``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from jobs_ingest.crawl.settings import DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES, DEFAULT_TIME_LIMIT
from prakerja.errors import UserError


def crawl_command(
    url: str = typer.Argument(..., help="Start page of the board, or with --sitemap its sitemap.xml / robots.txt."),
    sitemap: bool = typer.Option(False, "--sitemap", help="URL is a sitemap (or sitemap index, or robots.txt naming sitemaps)."),
    max_pages: int = typer.Option(DEFAULT_MAX_PAGES, "--max-pages", min=1, help="Stop after N pages (then nothing is marked removed)."),
    max_depth: int = typer.Option(DEFAULT_MAX_DEPTH, "--max-depth", min=0, help="Follow links at most N steps from the start page (deeper: incomplete, nothing marked removed)."),
    delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between requests to the board (AutoThrottle may wait longer)."),
    source: Optional[str] = typer.Option(None, "--source", help="Board name for the vacancies (default: the URL's host)."),
    retries: int = typer.Option(2, "--retries", min=0, help="Extra tries for a page that times out or answers 5xx."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Seconds to wait for one page."),
    time_limit: float = typer.Option(DEFAULT_TIME_LIMIT, "--time-limit", min=1.0, help="Stop the crawl after this many seconds (then incomplete)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow a board on a private, loopback or link-local address (your own network)."),
    state: Optional[Path] = typer.Option(None, "--state", help="Crawl state file (default: <data dir>/crawl/<source>.json)."),
    full: bool = typer.Option(False, "--full", help="Fetch every page again, ignoring what the last crawl remembered."),
) -> None:
    """Crawl a job board that publishes schema.org JobPosting, then ingest, deduplicate and account for every posting."""
    from jobs_ingest.crawl.runner import crawl_board
    from jobs_ingest.crawl.settings import CrawlOptions
    from prakerja.console import console
    from prakerja.db import open_database
    from prakerja.db import session_factory
    from prakerja.reference.loader import reference_loaded

    options = CrawlOptions.for_url(
        url, source=source, sitemap=sitemap, max_pages=max_pages, max_depth=max_depth, delay=delay, retries=retries,
        timeout=timeout, time_limit=time_limit, allow_private=allow_private,
    )
    engine = open_database()
    with session_factory(engine)() as session:
        if not reference_loaded(session):
            raise UserError("the database has no reference data (regions); run `prakerja init` first")
    report = crawl_board(engine, options, state_path=state, full=full)
    for line in report.lines():
        console.print(line, highlight=False, soft_wrap=True)


# The name the ``ingest`` group looks for.
cli_crawl = crawl_command
