"""Crawl job boards that publish schema.org JobPosting and feed the ingestion pipeline.

The parts, in the order data flows through them:

- :mod:`.jobposting` finds JobPosting objects in a page (JSON-LD, microdata) with extruct;
- :mod:`.mapping` turns one JobPosting into a :class:`jobs_ingest.records.RawPosting`
  (descriptions through :mod:`.html_text`);
- :mod:`.settings` holds the crawl's options and the Scrapy settings they become;
- :mod:`.spider` and :mod:`.middleware` crawl a board with Scrapy (robots.txt, throttling,
  retries, conditional requests), remembering each page in :mod:`.state` and counting
  each page's fate in :mod:`.summary`;
- :mod:`.run` is the child process that runs one crawl (Twisted's reactor starts once per
  process); its records cross to the parent as JSON lines (:mod:`.serialization`);
- :mod:`.runner` starts that child, ingests what it found and marks vanished postings removed;
- :mod:`.cli` is ``prakerja ingest crawl URL``.

docs/crawler.md explains the choices.

This package imports Scrapy lazily so that importing :mod:`jobs_ingest` stays cheap.
"""
