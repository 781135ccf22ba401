"""The crawl process: ``python -m jobs_ingest.crawl.run JOB.json``.

Twisted's reactor can start only once per process, so every crawl runs here,
in a child of the CLI or test, and reports through files named in the job:

- ``records``: the records found, JSON lines (Scrapy's feed exporter);
- ``summary``: the :class:`~jobs_ingest.crawl.summary.CrawlSummary`;
- ``state_out``: the new crawl state (the parent moves it into place once the
  records are safely ingested).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from jobs_ingest.crawl.settings import CrawlOptions


@dataclasses.dataclass(frozen=True)
class CrawlJob:
    """Everything the child needs, as paths and plain values (it crosses a process boundary as JSON)."""

    options: CrawlOptions
    records: Path
    summary: Path
    state_out: Path
    state_in: Path | None = None
    log_file: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "options": self.options.to_json(),
            "records": str(self.records),
            "summary": str(self.summary),
            "state_out": str(self.state_out),
            "state_in": str(self.state_in) if self.state_in else None,
            "log_file": str(self.log_file) if self.log_file else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CrawlJob":
        return cls(
            options=CrawlOptions.from_json(data["options"]),
            records=Path(data["records"]),
            summary=Path(data["summary"]),
            state_out=Path(data["state_out"]),
            state_in=Path(data["state_in"]) if data.get("state_in") else None,
            log_file=Path(data["log_file"]) if data.get("log_file") else None,
        )


def run_crawl(job: CrawlJob) -> None:
    """Run one crawl to its end in this process (which must not have started a reactor)."""
    from scrapy.crawler import CrawlerProcess

    from jobs_ingest.crawl.settings import scrapy_settings
    from jobs_ingest.crawl.spider import JobBoardSpider
    from jobs_ingest.crawl.state import CrawlState
    from jobs_ingest.crawl.summary import CrawlSummary

    settings = scrapy_settings(job.options)
    settings["FEEDS"] = {job.records.as_uri(): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}}
    settings["FEED_STORE_EMPTY"] = True
    if job.log_file:
        settings["LOG_FILE"] = str(job.log_file)
        settings["LOG_FILE_APPEND"] = False
    process = CrawlerProcess(settings=settings)
    crawler = process.create_crawler(JobBoardSpider)
    process.crawl(crawler, options=job.options, previous_state=CrawlState.load(job.state_in))
    process.start()

    spider = crawler.spider
    spider.state.save(job.state_out)
    summary = CrawlSummary.from_stats(
        crawler.stats.get_stats(), failures=spider.failures, kept_source_ids=spider.kept_source_ids,
        truncated=spider.truncated, entry_failed=spider.entry_failed,
    )
    job.summary.write_text(json.dumps(summary.to_json(), ensure_ascii=False), encoding="utf-8")
    if not job.records.exists():  # no item at all and an exporter that skipped the file
        job.records.write_text("", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m jobs_ingest.crawl.run JOB.json", file=sys.stderr)
        return 2
    job = CrawlJob.from_json(json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    run_crawl(job)
    return 0


if __name__ == "__main__":
    sys.exit(main())
