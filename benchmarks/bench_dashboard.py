"""Manager overview and funnel queries on a large demo world in PostgreSQL, cold and cached.

``python -m benchmarks dashboard [--participants N] [--database-url URL] [--keep]``.
Without ``--database-url`` a fresh PostgreSQL database is created from
``TEST_DATABASE_URL`` (default the local server), filled by the demo generator
and dropped afterwards unless ``--keep``; with it, an existing demo database is
measured as it is. The issue's bar: under 2 s cold and 200 ms cached per page.

"Cold" is the first call in a fresh process, with no application cache (the
database's own buffers are as warm as the machine left them) and a funnel
summary (``participant_steps``) younger than 15 minutes, whose rebuild is
timed on its own; "cached" is the
same call through the dashboard's ``st.cache_data`` layer, as a second reader
of the page gets it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
import warnings

from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
COLD_LIMIT_S = 2.0
CACHED_LIMIT_S = 0.2


def _build_world(admin_url, participants: int, seed: int, console: Console) -> str:
    from prakerja.db import make_engine, transaction
    from prakerja.demo import generate_world
    from prakerja.migrate import upgrade
    from prakerja.reference.loader import load_reference

    name = f"prakerja_dash_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_reference(session)
    started = time.perf_counter()
    generate_world(engine, participants=participants, seed=seed, console=console)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    console.print(f"demo world of {participants:,} participants generated in {time.perf_counter() - started:,.0f} s ({name})")
    return url


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def page_calls():
    """What each measured page asks for: (page, [(query function, args), ...])."""
    from dashboard.queries import outcomes

    pages = [("overview", [(outcomes.overview, (None,))])]
    pages += [(f"funnel by {d}", [(outcomes.funnel, (d, None))]) for d in outcomes.DIMENSIONS]
    pages.append(("overview, province 32", [(outcomes.overview, ("32",))]))
    return pages


def measure(url: str, console: Console, repeats: int = 5) -> list[tuple[str, float, float]]:
    """Cold and cached seconds of every page's queries."""
    os.environ["DATABASE_URL"] = url
    warnings.filterwarnings("ignore")
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from dashboard.session import cached, database_engine

    from dashboard.queries.steps import refresh_participant_steps

    engine = database_engine(url)
    rebuild = _timed(refresh_participant_steps, engine)
    console.print(f"  funnel summary rebuilt in {rebuild:.1f} s (at most every 15 minutes, in a background thread)")
    results = []
    for page, calls in page_calls():
        cold = sum(_timed(function, engine, *args) for function, args in calls)
        for function, args in calls:
            cached(function, *args)  # fills the cache (a second cold run)
        warm = statistics.median(sum(_timed(cached, function, *args) for function, args in calls) for _ in range(repeats))
        ok = cold < COLD_LIMIT_S and warm < CACHED_LIMIT_S
        console.print(f"  {page:<24} cold {cold * 1000:8.0f} ms   cached {warm * 1000:6.1f} ms   {'ok' if ok else 'OVER'}")
        results.append((page, cold, warm))
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20200411)
    parser.add_argument("--database-url", help="measure this existing demo database instead of generating one")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args(argv)
    console = Console()
    admin_url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_ADMIN_URL)).set(drivername="postgresql+psycopg")
    url = args.database_url or _build_world(admin_url, args.participants, args.seed, console)
    try:
        with create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)).connect() as connection:
            people = connection.execute(text("SELECT count(*) FROM participants")).scalar()
            interactions = connection.execute(text("SELECT count(*) FROM interactions")).scalar()
        console.print(f"measuring on {people:,} participants, {interactions:,} interactions")
        results = measure(url, console)
        slowest = max(cold for _, cold, _ in results)
        console.print(f"slowest page cold {slowest:.2f} s (bar {COLD_LIMIT_S} s); cached at most {max(w for *_, w in results) * 1000:.1f} ms (bar {CACHED_LIMIT_S * 1000:.0f} ms)")
    finally:
        if args.database_url is None and not args.keep:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()
