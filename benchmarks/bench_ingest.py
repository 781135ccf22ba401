"""Ingest speed: full ``ingest csv`` (normalize + dedupe + accounting) against a bare pandas copy.

Generates postings shaped like the shared id-jobs samples (titles, companies,
places, salaries and job types drawn from their distributions, with repeated
rows, changed re-postings and bad rows), writes them to a temporary CSV, then
in one run and for each database measures:

- bare: ``pandas.read_csv`` + ``DataFrame.to_sql`` of the same file;
- full: what ``prakerja ingest csv FILE --format id-jobs`` does;
- cross-board: a second board repeating 10% of the jobs (merged duplicates).

PostgreSQL runs in a fresh database created from ``TEST_DATABASE_URL`` (default
the local server) and dropped afterwards. The goal is full <= 5x bare.

Run: ``python -m benchmarks ingest [--rows 200000] [--backends sqlite,postgres] [--profile] [--serial]``
(options of other benchmarks are ignored, so ``make bench`` can pass one set to all).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import dataclasses
import datetime as dt
import os
import pstats
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_JOBS = Path(os.environ.get("PRAKERJA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")) / "jobs"
BOARDS = ("dealls", "kalibrr", "evermos", "vidio")
NOW = dt.datetime(2024, 8, 23)
GOAL_RATIO = 5.0

_SENIORITY = ("", "", "", "Senior ", "Junior ", "Staff ", "Lead ", "Supervisor ", "Kepala ", "Asisten ")
_COMPANY_WORDS = ("Maju", "Jaya", "Sinar", "Abadi", "Sentosa", "Mandiri", "Karya", "Makmur", "Nusantara", "Global",
                  "Sejahtera", "Prima", "Indah", "Utama", "Bintang", "Cahaya", "Mitra", "Solusi", "Digital", "Teknik")


def _shared_rows() -> list[dict[str, str]]:
    rows = []
    for board in BOARDS:
        with open(SHARED_JOBS / f"{board}.csv", newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def generate_board(path: Path, rows: int, *, seed: int = 4, board: str = "benchboard", copy_of: Path | None = None,
                   copy_share: float = 1.0) -> int:
    """Write ``rows`` id-jobs postings to ``path``; returns the number written.

    With ``copy_of``, a share of the postings repeat jobs of that file (same company,
    title and place) under this board's own URLs: cross-board duplicates.
    """
    rng = random.Random(seed)
    sample = _shared_rows()
    columns = list(sample[0])
    titles_with_departments = [(r["job_title"], r["job_department"]) for r in sample]  # a title keeps its department
    with open(SHARED_JOBS / "locations_gold_dev.csv", newline="", encoding="utf-8") as handle:
        foreign = {row["location"] for row in csv.DictReader(handle) if row["kind"] == "foreign"}
    places = [r["job_location"] for r in sample if r["job_location"] not in foreign]
    places_abroad = [r["job_location"] for r in sample if r["job_location"] in foreign]
    # kalibrr's amounts are PHP: the generated board states rupiah, like the Indonesian boards.
    salaries = [r["base_salary"] for r in sample if r["base_salary"] not in ("", "N/A") and r["job_board"] != "Kalibrr"]
    types = [r["job_type"] for r in sample]
    companies = [r["company"] for r in sample] + [
        f"PT {rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)}"
        for _ in range(20_000)
    ]
    originals: list[dict[str, str]] = []
    if copy_of is not None:
        with open(copy_of, newline="", encoding="utf-8") as handle:
            originals = [row for row in csv.DictReader(handle) if rng.random() < copy_share * 1.2][: rows]
    written: list[dict[str, str]] = []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n in range(rows):
            roll = rng.random()
            if originals and n < len(originals):
                row = dict(originals[n], job_url=f"https://{board}.example/job/{n}", job_board=board)
            elif written and roll < 0.05:  # the scraper saw the same posting twice
                row = dict(rng.choice(written))
            elif written and roll < 0.07:  # re-posted with a new salary
                row = dict(rng.choice(written), base_salary=str(rng.choice(salaries)))
            else:
                title, department = rng.choice(titles_with_departments)
                row = dict(
                    job_title=rng.choice(_SENIORITY) + title,
                    job_location=rng.choice(places_abroad if rng.random() < 0.05 else places),
                    job_department=department,
                    job_url=f"https://{board}.example/job/{n}",
                    first_seen="22/08/2024 11:13:58",
                    base_salary=rng.choice(salaries) if rng.random() < 0.25 else "N/A",
                    job_type=rng.choice(types),
                    job_level="N/A",
                    job_apply_end_date="N/A" if rng.random() < 0.8 else "2024-09-30T16:00:00+00:00",
                    last_seen=f"2024-08-{rng.randint(1, 22):02d}T0{rng.randint(0, 9)}:00:00.000Z",
                    is_active="True",
                    company=rng.choice(companies),
                    company_url="N/A",
                    job_board=board,
                    job_board_url=f"https://{board}.example/",
                )
                written.append(row)
            if roll > 0.995:  # bad rows: no title, an unreadable date, a cut line
                bad = rng.choice(("title", "date", "cut"))
                if bad == "cut":
                    writer.writerow(list(row.values())[:7])
                    continue
                row = dict(row, **({"job_title": ""} if bad == "title" else {"first_seen": "sometime"}))
            writer.writerow([row.get(column, "N/A") for column in columns])
    return rows


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL of ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    admin_url = make_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test").replace(
        "postgresql://", "postgresql+psycopg://", 1))
    name = f"prakerja_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclasses.dataclass(frozen=True)
class Timing:
    """Wall-clock seconds, and CPU seconds of this process and of its children (the SQLite writer
    process of the pipelined ingest); PostgreSQL's own work is only in the wall clock."""

    wall: float
    cpu: float
    child_cpu: float = 0.0


class _Clock:
    def __init__(self) -> None:
        self.wall, self.cpu, self.children = time.perf_counter(), time.process_time(), _children_cpu()

    def elapsed(self) -> Timing:
        return Timing(time.perf_counter() - self.wall, time.process_time() - self.cpu, _children_cpu() - self.children)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_copy(url: str, path: Path) -> Timing:
    """Seconds for pandas to read the file and write it to one table."""
    from prakerja.db import make_engine

    engine = make_engine(url)
    clock = _Clock()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="skip")
    frame.to_sql("bare_copy", engine, if_exists="replace", index=False, chunksize=10_000)
    elapsed = clock.elapsed()
    engine.dispose()
    return elapsed


def full_ingest(url: str, path: Path, profile: bool = False, read_ahead: bool = True) -> tuple[Timing, object]:
    """Seconds and report of the full ``ingest csv`` path (the CLI's steps, without the progress bar);
    ``read_ahead=False``: everything in one thread, as before the pipeline (for comparison)."""
    from jobs_ingest.normalize import Normalizer
    from jobs_ingest.pipeline import ingest_postings
    from jobs_ingest.sources import id_jobs_file
    from prakerja.db import make_engine, session_factory

    engine = make_engine(url)
    profiler = cProfile.Profile() if profile else None
    clock = _Clock()
    if profiler:
        profiler.enable()
    source = id_jobs_file(path)
    with session_factory(engine)() as session:
        normalizer = Normalizer.from_session(session, now=NOW)
    report = ingest_postings(engine, source, source=source.source, kind=source.kind, location=str(path), now=NOW,
                             normalizer=normalizer, read_ahead=read_ahead)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    elapsed = clock.elapsed()
    engine.dispose()
    return elapsed, report


def prepare(url: str) -> None:
    from prakerja.db import make_engine, transaction
    from prakerja.migrate import upgrade
    from prakerja.reference.loader import load_reference

    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--profile", action="store_true", help="print the full ingest's cProfile (cumulative)")
    parser.add_argument("--serial", action="store_true", help="ingest in one thread (no read-ahead, no writer behind)")
    args, _others = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        main_file, second_file = workdir / "benchboard.csv", workdir / "otherboard.csv"
        started = time.perf_counter()
        generate_board(main_file, args.rows)
        generate_board(second_file, max(args.rows // 10, 1), seed=5, board="otherboard", copy_of=main_file,
                       copy_share=0.1)
        print(f"generated {args.rows:,} + {max(args.rows // 10, 1):,} postings in {time.perf_counter() - started:.1f}s "
              f"({main_file.stat().st_size / 1e6:.0f} MB)")
        results = []
        for backend in args.backends.split(","):
            with database(backend, workdir) as url:
                prepare(url)
                bare = bare_copy(url, main_file)
                full, report = full_ingest(url, main_file, profile=args.profile, read_ahead=not args.serial)
                cross, cross_report = full_ingest(url, second_file, read_ahead=not args.serial)
                ratio = full.wall / bare.wall
                results.append((backend, bare, full, ratio))
                print(f"{backend:9s} bare copy   {bare.wall:7.1f}s  {args.rows / bare.wall:9,.0f} postings/s"
                      f"  (cpu {bare.cpu:.1f}s)")
                print(f"{backend:9s} full ingest {full.wall:7.1f}s  {args.rows / full.wall:9,.0f} postings/s"
                      f"  (cpu {full.cpu:.1f}s + writer process {full.child_cpu:.1f}s)  ratio {ratio:.1f}x wall"
                      f"  (goal <= {GOAL_RATIO:g}x)")
                print(f"{'':9s}   {report.created:,} created, {report.updated:,} updated, {report.merged:,} merged, "
                      f"{report.unchanged:,} unchanged, {report.quarantined:,} quarantined {report.quarantine_reasons}")
                print(f"{backend:9s} second board {cross.wall:6.1f}s  {cross_report.rows / cross.wall:9,.0f} postings/s  "
                      f"{cross_report.merged:,} merged of {cross_report.rows:,}", flush=True)
        print(f"\ningest of {args.rows:,} postings ({'serial' if args.serial else 'pipelined'}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)")
        print(f"{'database':10s} {'bare copy':>10s} {'postings/s':>11s} {'full ingest':>12s} {'postings/s':>11s} "
              f"{'ratio':>6s}  goal <= {GOAL_RATIO:g}x")
        for backend, bare, full, ratio in results:
            print(f"{backend:10s} {bare.wall:9.1f}s {args.rows / bare.wall:11,.0f} {full.wall:11.1f}s "
                  f"{args.rows / full.wall:11,.0f} {ratio:5.1f}x  {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
        return 0 if all(ratio <= GOAL_RATIO for *_, ratio in results) else 1


if __name__ == "__main__":
    sys.exit(main())
