"""Demo world at scale: generate N participants into a fresh PostgreSQL database, report speed and memory.

``python -m benchmarks demo [--participants N] [--seed S] [--keep]``; the
database is created from ``TEST_DATABASE_URL`` (default the local server) and
dropped afterwards unless ``--keep``. The issue's bar: 1,000,000 participants
in under 15 minutes and under 4 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import uuid

from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from prakerja.db import make_engine, transaction
from prakerja.demo import generate_world
from prakerja.migrate import upgrade
from prakerja.reference.loader import load_reference

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TIME_LIMIT_S = 15 * 60
MEMORY_LIMIT_GIB = 4.0


def peak_rss_gib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks demo", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20200411)
    parser.add_argument("--keep", action="store_true", help="keep the database instead of dropping it")
    args = parser.parse_args(argv)

    admin_url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_ADMIN_URL)).set(drivername="postgresql+psycopg")
    name = f"prakerja_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    console = Console()
    try:
        engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
        upgrade(engine)
        with transaction(engine) as session:
            load_reference(session)
        started = time.perf_counter()
        counts = generate_world(engine, participants=args.participants, seed=args.seed, console=console)
        seconds = time.perf_counter() - started
        engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    rows = sum(counts.values())
    for table, count in counts.items():
        console.print(f"  {table:<20} {count:>12,}")
    console.print(f"participants {args.participants:,}: {seconds:,.1f} s, {rows:,} rows, {rows / seconds:,.0f} rows/s, "
                  f"peak RSS {peak_rss_gib():.2f} GiB" + (f" (database {name} kept)" if args.keep else ""))
    if args.participants >= 1_000_000:
        verdict = seconds < TIME_LIMIT_S and peak_rss_gib() < MEMORY_LIMIT_GIB
        console.print(f"within the issue's bar (< {TIME_LIMIT_S // 60} min, < {MEMORY_LIMIT_GIB:g} GiB): {verdict}")
