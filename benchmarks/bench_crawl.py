"""Crawl a generated job board twice: full crawl, then the incremental one (all pages unchanged).

``python -m benchmarks crawl [--jobs 2000] [--per-listing 50] [--concurrency 8] [--database-url URL]``

The board (listing pages with pagination, one JSON-LD JobPosting per job page)
is written to a temporary folder and served on 127.0.0.1 by the standard
library's ``SimpleHTTPRequestHandler``, which answers ``If-Modified-Since`` with
304: the second crawl exercises the Last-Modified path (the tests cover ETag).
Prints pages/second of each crawl, the time spent ingesting, and how many pages
the second crawl downloaded again (expected: none).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TITLES = ["Staf Admin Gudang", "Operator Produksi", "Barista", "Kurir Motor", "Customer Service", "Penjahit Garmen",
          "Sales Lapangan", "Kasir Minimarket", "Teknisi Listrik", "Staf Akuntansi", "Juru Masak", "Satpam"]
PLACES = [("Kabupaten Sidoarjo", "Jawa Timur"), ("Kota Surabaya", "Jawa Timur"), ("Cikarang", "Jawa Barat"),
          ("Kota Bandung", "Jawa Barat"), ("Kota Medan", "Sumatera Utara"), ("Kota Makassar", "Sulawesi Selatan"),
          ("Kabupaten Bogor", "Jawa Barat"), ("Kota Yogyakarta", "DI Yogyakarta"), ("Kota Denpasar", "Bali")]
UNITS = [("MONTH", 1), ("DAY", 22), ("HOUR", 173)]


def write_board(root: Path, jobs: int, per_listing: int, seed: int = 17) -> None:
    """Listing pages ``/lowongan/halaman-N.html`` linking job pages ``/lowongan/N.html``."""
    rng = random.Random(seed)
    folder = root / "lowongan"
    folder.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")
    for number in range(jobs):
        locality, region = rng.choice(PLACES)
        unit, divisor = rng.choice(UNITS)
        low = rng.randrange(3_000_000, 9_000_000, 250_000) // divisor
        posting = {
            "@context": "https://schema.org", "@type": "JobPosting", "title": rng.choice(TITLES),
            "identifier": {"@type": "PropertyValue", "value": f"JOB-{number}"},
            "datePosted": "2024-08-19", "validThrough": "2024-10-31", "employmentType": rng.choice(["FULL_TIME", "CONTRACTOR"]),
            "hiringOrganization": {"@type": "Organization", "name": f"PT Contoh {number % 400}"},
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": locality,
                                                         "addressRegion": region, "addressCountry": "ID"}},
            "baseSalary": {"@type": "MonetaryAmount", "currency": "IDR",
                           "value": {"@type": "QuantitativeValue", "minValue": low, "maxValue": low * 5 // 4, "unitText": unit}},
            "description": "<p>Lowongan kerja untuk lulusan SMA/SMK.</p><ul><li>Jujur</li><li>Teliti</li></ul>" * 3,
        }
        (folder / f"{number}.html").write_text(
            f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{posting["title"]}</title>'
            f'<script type="application/ld+json">{json.dumps(posting)}</script></head>'
            f'<body><h1>{posting["title"]}</h1><a href="/">Beranda</a></body></html>',
            encoding="utf-8",
        )
    listings = (jobs + per_listing - 1) // per_listing
    for page in range(listings):
        links = "".join(f'<li><a href="/lowongan/{n}.html">Lowongan {n}</a></li>'
                        for n in range(page * per_listing, min(jobs, (page + 1) * per_listing)))
        following = f'<a rel="next" href="/lowongan/halaman-{page + 1}.html">Berikutnya</a>' if page + 1 < listings else ""
        html = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><ul>{links}</ul>{following}</body></html>'
        (folder / f"halaman-{page}.html").write_text(html, encoding="utf-8")
    (root / "index.html").write_text((folder / "halaman-0.html").read_text(encoding="utf-8"), encoding="utf-8")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks crawl")
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--per-listing", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args, _others = parser.parse_known_args(argv)

    from jobs_ingest.crawl.runner import crawl_board
    from jobs_ingest.crawl.settings import CrawlOptions
    from prakerja.db import make_engine, transaction
    from prakerja.migrate import upgrade
    from prakerja.reference.loader import load_reference

    with tempfile.TemporaryDirectory(prefix="prakerja-bench-crawl-") as workdir:
        root = Path(workdir) / "board"
        write_board(root, args.jobs, args.per_listing)
        engine = make_engine(args.database_url or f"sqlite:///{Path(workdir) / 'bench.db'}")
        upgrade(engine)
        with transaction(engine) as session:
            load_reference(session)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        options = CrawlOptions.for_url(
            f"http://127.0.0.1:{server.server_address[1]}/", source="bench-board", delay=0.0, autothrottle=False,
            concurrency=args.concurrency, timeout=30.0, log_level="WARNING", allow_private=True,
        )
        now = dt.datetime(2024, 8, 23)
        try:
            for label in ("full crawl", "incremental crawl"):
                report = crawl_board(engine, options, state_path=Path(workdir) / "state.json", now=now)
                s, r = report.summary, report.ingest
                pages = s.pages_fetched + s.pages_not_modified
                print(
                    f"{label}: {pages:,} pages in {report.crawl_seconds:.1f} s = {pages / report.crawl_seconds:,.0f} "
                    f"pages/s ({s.pages_fetched:,} downloaded, {s.pages_not_modified:,} not modified, "
                    f"{s.requests:,} requests); ingest of {r.rows:,} rows in {report.ingest_seconds:.1f} s "
                    f"({r.created:,} created, {r.unchanged:,} unchanged, {r.quarantined:,} quarantined)",
                    flush=True,
                )
        finally:
            server.shutdown()
            server.server_close()
            engine.dispose()
