"""The HTTP service under load: full recommendations against a bare scoring floor.

A demo world scaled to 100,000 participants and 100,000 vacancies (``--scale``
shrinks both) is generated into PostgreSQL (``TEST_DATABASE_URL``'s server,
database ``prakerja_bench_service_<n>``, kept and reused by later runs unless
``--fresh``), the default blend model is trained on it and promoted, and
participant API keys are created for a sample of participants.

uvicorn then serves the real application with 2 workers on 127.0.0.1, plus one
extra route, ``/bench/bare``: score one random vector against 100,000 random
item vectors (dimension 34, LightFM's 32 + 2 bias terms) and answer the top 10,
with no authentication, database or explanation. That is the floor.

A separate driver process (a minimal keep-alive HTTP/1.1 client on asyncio,
so that the load generator itself takes little of the 2 cores) sends GET
requests over 1, 4 and 32 connections, a bounded count each (and at most
``--seconds``), and prints requests/second, p50/p95/p99 latency and the
server's CPU per request (workers' user + system time, Linux) for both
endpoints and the ratios. The world is ``ANALYZE``d first (the test server
runs without autovacuum; production keeps statistics). The CPU per request is
also given for the PostgreSQL processes, which share the 2 cores. Goal: full endpoint at c=4 p99 < 25 ms; at c=32
throughput >= 0.8x the bare endpoint's.

With ``--experiment`` an online experiment runs while it is measured: a
content run (recorded once) against the promoted blend, half the
participants each; every list of an assigned participant is then served by
their arm's model and its exposures are logged (``recommender.experiments``).

With ``--breakdown`` the benchmark process then loads the served state itself
and measures, per answer, the CPU of its stages (the participant's read, the
ranking, its explanations, the JSON) interleaved with the bare route's own
scoring, so the table says where the full answer's cost goes whatever else
runs on the machine.

Each run measures both endpoints at every level; ``--runs`` (default 3) runs
on the same server, and the goals are judged on the medians of the runs.

``python -m benchmarks service [--scale 0.1] [--fresh] [--requests N] [--seconds S] [--runs R] [--experiment] [--breakdown]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from recommender.features import load_dataset

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
FULL_SIZE = 100_000
DIMENSION = 34
KEYS = 1000
LEVELS = (1, 4, 32)


# ---------------------------------------------------------------------- the world


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks service", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 100,000 participants and vacancies")
    parser.add_argument("--fresh", action="store_true", help="rebuild the world even when its database exists")
    parser.add_argument("--requests", type=int, default=3000, help="requests per endpoint and concurrency (bounded)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time cap per endpoint and concurrency")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10, help="LightFM epochs of the served blend")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--experiment", action="store_true", help="serve with an experiment running (content against the blend, 50/50)")
    parser.add_argument("--runs", type=int, default=3, help="runs on one server; the goals are judged on their medians")
    parser.add_argument("--breakdown", action="store_true", help="also measure in this process where a full answer's CPU goes")
    args, _ = parser.parse_known_args(argv)
    return args


def admin_url():
    from sqlalchemy.engine import make_url

    return make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_ADMIN_URL)).set(drivername="postgresql+psycopg")


@contextmanager
def vacancy_count_fixed(count: int):
    """The demo world draws one vacancy per ~10 participants; the benchmark wants as many vacancies as people."""
    from prakerja.demo import world

    original = world.vacancy_count
    world.vacancy_count = lambda _participants: count
    try:
        yield
    finally:
        world.vacancy_count = original


def build_world(size: int, epochs: int, fresh: bool, artifact_dir: Path) -> str:
    """The database URL of a world of ``size`` participants and vacancies with a promoted blend (built once)."""
    from sqlalchemy import create_engine, func, select, text

    from prakerja.db import make_engine, transaction
    from prakerja.demo import generate_world
    from prakerja.migrate import upgrade
    from prakerja.models import ModelRun
    from prakerja.reference.loader import load_reference
    from recommender.models import make_model
    from recommender.registry import record_run

    name = f"prakerja_bench_service_{size}"
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and fresh:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url().set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        promoted = connection.scalar(select(func.count()).select_from(ModelRun).where(ModelRun.promoted.is_(True)))
    if promoted:
        print(f"reusing the world in database {name}", flush=True)
        analyze(engine)
        engine.dispose()
        return url
    started = time.perf_counter()
    with transaction(engine) as session:
        load_reference(session)
    with vacancy_count_fixed(size):
        counts = generate_world(engine, participants=size, seed=2021)
    print(f"world: {counts.get('participants', 0):,} participants, {counts.get('vacancies', 0):,} vacancies, "
          f"{counts.get('interactions', 0):,} interactions in {time.perf_counter() - started:,.0f}s", flush=True)
    started = time.perf_counter()
    os.environ["PRAKERJA_ARTIFACT_DIR"] = str(artifact_dir)
    dataset = load_dataset(engine)
    model = make_model("blend", lightfm={"epochs": epochs, "num_threads": 2}).fit(dataset)
    run_id = record_run(engine, model, dataset, promote=True, notes="bench_service")
    print(f"blend model run {run_id} trained and promoted in {time.perf_counter() - started:,.0f}s", flush=True)
    analyze(engine)
    engine.dispose()
    return url


@contextmanager
def experiment_running(url: str, artifact_dir: Path):
    """A running experiment (a content run, recorded once, against the promoted blend; 50/50) for the duration."""
    from sqlalchemy import func, select

    from prakerja.db import make_engine
    from prakerja.models import ExperimentAssignment, ExperimentExposure, ModelRun
    from recommender.experiments.registry import create_experiment, list_experiments, start_experiment, stop_experiment
    from recommender.models import make_model
    from recommender.registry import record_run

    os.environ["PRAKERJA_ARTIFACT_DIR"] = str(artifact_dir)
    engine = make_engine(url)
    for running in list_experiments(engine, "running"):
        stop_experiment(engine, running.id, "a new benchmark run")
    with engine.connect() as connection:
        treatment = connection.scalar(select(ModelRun.id).where(ModelRun.notes == "bench_service treatment").order_by(ModelRun.id.desc()))
    if treatment is None:
        dataset = load_dataset(engine)
        treatment = record_run(engine, make_model("content").fit(dataset), dataset, notes="bench_service treatment")
    experiment_id = create_experiment(engine, f"bench {uuid.uuid4().hex[:8]}", [treatment])
    start_experiment(engine, experiment_id)
    print(f"experiment {experiment_id} running: content run {treatment} against the promoted blend, 50/50", flush=True)
    try:
        yield experiment_id
    finally:
        stop_experiment(engine, experiment_id, "benchmark finished")
        with engine.connect() as connection:
            assigned = connection.scalar(select(func.count()).select_from(ExperimentAssignment).where(ExperimentAssignment.experiment_id == experiment_id))
            shown = connection.scalar(select(func.count()).select_from(ExperimentExposure).where(ExperimentExposure.experiment_id == experiment_id))
        print(f"experiment {experiment_id}: {assigned:,} participants assigned, {shown:,} first exposures logged", flush=True)
        engine.dispose()


def analyze(engine) -> None:
    """Planner statistics, as autovacuum keeps them in production (the test server runs with autovacuum off).

    Without them PostgreSQL guesses 100 skills and hashes the course skills for
    every participant's trainings.
    """
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def participant_keys(url: str, count: int) -> list[tuple[int, str]]:
    """(participant id, API key) for a random sample of participants (fresh keys every run, high limits)."""
    from sqlalchemy import select

    from prakerja.db import make_engine
    from prakerja.models import Participant
    from prakerja_api.keys import create_key

    engine = make_engine(url)
    with engine.connect() as connection:
        ids = connection.scalars(select(Participant.id)).all()
    rng = random.Random(7)
    chosen = rng.sample(list(ids), min(count, len(ids)))
    keys = [(int(pid), create_key(engine, "participant", participant_id=int(pid), rate_limit_per_minute=1_000_000).secret)
            for pid in chosen]
    engine.dispose()
    return keys


# ---------------------------------------------------------------------- the server


def bench_app():
    """The real application plus ``/bench/bare`` (uvicorn factory; each worker builds its own)."""
    from fastapi import Query

    from prakerja_api.app import create_app_from_env

    app = create_app_from_env()
    rng = np.random.default_rng(int(os.environ.get("BENCH_ITEMS_SEED", "1")))
    items = np.ascontiguousarray(rng.standard_normal((int(os.environ.get("BENCH_ITEMS", FULL_SIZE)), DIMENSION)), dtype=np.float32)

    @app.get("/bench/bare", include_in_schema=False)
    def bare(k: int = Query(10, ge=1, le=100)) -> dict:
        vector = np.random.default_rng().standard_normal(DIMENSION).astype(np.float32)
        scores = items @ vector
        top = np.argpartition(scores, -k)[-k:]
        top = top[np.argsort(-scores[top])]
        return {"items": top.tolist(), "scores": scores[top].tolist()}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str, size: int, workers: int, artifact_dir: Path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "BENCH_ITEMS": str(size), "PRAKERJA_ARTIFACT_DIR": str(artifact_dir)}
    command = [  # the workers `prakerja serve` runs (each listening on the port), with the bare route added
        sys.executable, "-m", "prakerja_api.workers", "--app", "benchmarks.bench_service:bench_app", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])
    try:
        wait_ready(port, workers, process)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the server and its worker processes so far (Linux /proc; None elsewhere).

    Per request it measures the work itself, which the shared machine's load
    does not inflate the way it inflates latency.
    """
    return _cpu_seconds(lambda process, parent, _name: process == pid or parent == pid)


def database_cpu_seconds() -> float | None:
    """User + system CPU of every PostgreSQL process on this machine so far (its share of a request's work)."""
    return _cpu_seconds(lambda _process, _parent, name: name.startswith("postgres"))


def _cpu_seconds(chosen) -> float | None:
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            fields = tail.split()
            if chosen(int(entry.name), int(fields[1]), head.split("(", 1)[1]):  # fields[1]: parent pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / tick


def wait_ready(port: int, workers: int, process: subprocess.Popen, timeout: float = 600) -> None:
    """/readyz answers 200 many times in a row (every worker has loaded the model)."""
    import httpx

    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 10 * workers:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit("the server did not become ready in time")
        try:
            ok = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            ok = False
        streak = streak + 1 if ok else 0
        time.sleep(0.05 if ok else 0.5)


# ---------------------------------------------------------------------- the driver


async def _connection(port: int, requests: list[bytes], deadline: float, latencies: list[float], statuses: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for request in requests:
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _drive(port: int, paths: list[tuple[str, str | None]], concurrency: int, seconds: float) -> dict:
    requests = []
    for path, key in paths:
        headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (f"X-API-Key: {key}\r\n" if key else "") + "\r\n"
        requests.append(headers.encode())
    shares = [requests[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, share, started + seconds, latencies, statuses) for share in shares))
    elapsed = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "statuses": statuses,
    }


def drive(port: int, paths: list[tuple[str, str | None]], concurrency: int, seconds: float) -> dict:
    """Run in the driver process: send ``paths`` over ``concurrency`` keep-alive connections."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    return asyncio.run(_drive(port, paths, concurrency, seconds))


def drain(port: int, timeout: float = 300) -> None:
    """Wait until requests left queued by a time-capped run are done (/healthz answers fast again).

    The driver stops sending at the time cap, but requests already accepted keep
    the workers busy; the next measurement must not pay for them.
    """
    import httpx

    deadline = time.monotonic() + timeout
    fast = 0
    while fast < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=timeout)
        fast = fast + 1 if time.perf_counter() - started < 0.1 else 0
        time.sleep(0.1)


def workload(kind: str, keys: list[tuple[int, str]], count: int, k: int, seed: int) -> list[tuple[str, str | None]]:
    rng = random.Random(seed)
    if kind == "bare":
        return [(f"/bench/bare?k={k}", None) for _ in range(count)]
    out = []
    for _ in range(count):
        pid, key = keys[rng.randrange(len(keys))]
        out.append((f"/v1/participants/{pid}/recommendations?k={k}", key))
    return out


def main(argv: list[str]) -> None:
    args = parse(argv)
    size = max(int(FULL_SIZE * args.scale), 1000)
    artifact_dir = Path(os.environ.get("PRAKERJA_BENCH_DIR", Path.home() / ".cache" / "prakerja-bench")) / f"service-{size}"
    artifact_dir.mkdir(parents=True, exist_ok=True)
    url = build_world(size, args.epochs, args.fresh, artifact_dir)
    keys = participant_keys(url, KEYS)
    print(f"serving {size:,} participants x {size:,} vacancies with {args.workers} workers; "
          f"{args.requests:,} requests (at most {args.seconds:g}s) per endpoint and concurrency", flush=True)
    context = multiprocessing.get_context("spawn")
    experiment = experiment_running(url, artifact_dir) if args.experiment else contextlib.nullcontext()
    runs: list[dict[tuple[str, int], dict]] = []
    with experiment, server(url, size, args.workers, artifact_dir) as (port, pid), context.Pool(1) as driver:
        for kind in ("full", "bare"):  # warm both (caches, connections, BLAS)
            driver.apply(drive, (port, workload(kind, keys, 200, args.k, 0), 4, 30.0))
            drain(port)
        for run in range(args.runs):
            if args.runs > 1:
                print(f"run {run + 1} of {args.runs}", flush=True)
            runs.append(measure_levels(driver, port, pid, keys, args, seed=run))
    for number, results in enumerate(runs, start=1):
        print(f"{'run ' + str(number) + ': ' if len(runs) > 1 else ''}" + "; ".join(
            f"c={c} full/bare throughput {results['full', c]['rps'] / results['bare', c]['rps']:.2f}x, "
            f"p99 {results['full', c]['p99']:.1f} vs {results['bare', c]['p99']:.1f} ms" for c in LEVELS))
    p99 = float(np.median([results["full", 4]["p99"] for results in runs]))
    ratio = float(np.median([results["full", 32]["rps"] / results["bare", 32]["rps"] for results in runs]))
    over = f"median of {len(runs)} runs " if len(runs) > 1 else ""
    print(f"goal c=4 p99 < 25 ms: {over}{p99:.1f} ms -> {'met' if p99 < 25 else 'missed'}; "
          f"goal c=32 >= 0.8x bare: {over}{ratio:.2f}x -> {'met' if ratio >= 0.8 else 'missed'}")
    if args.breakdown:
        breakdown(url, artifact_dir, [pid for pid, _ in keys], args.k)


def measure_levels(driver, port: int, pid: int, keys, args, seed: int) -> dict[tuple[str, int], dict]:
    """One run: both endpoints at every concurrency level, each row printed as it is measured."""
    results: dict[tuple[str, int], dict] = {}
    for concurrency in LEVELS:
        for kind in ("full", "bare"):
            paths = workload(kind, keys, args.requests, args.k, 1000 * seed + concurrency)
            cpu, db = server_cpu_seconds(pid), database_cpu_seconds()
            result = driver.apply(drive, (port, paths, concurrency, args.seconds))
            drain(port)
            used, db_used = server_cpu_seconds(pid), database_cpu_seconds()
            per_request = lambda before, after: (after - before) * 1000 / max(result["requests"], 1) if before is not None and after is not None else float("nan")  # noqa: E731
            result["cpu_ms"], result["db_ms"] = per_request(cpu, used), per_request(db, db_used)
            results[kind, concurrency] = result
            bad = {s: n for s, n in result["statuses"].items() if s != 200}
            print(
                f"{'recommendations' if kind == 'full' else 'bare scoring':<16} c={concurrency:<3} "
                f"{result['rps']:>8,.0f} req/s  p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  "
                f"p99 {result['p99']:6.1f} ms  CPU/request: server {result['cpu_ms']:5.2f} ms, database {result['db_ms']:4.2f} ms  "
                f"({result['requests']:,} requests{', non-200: ' + json.dumps(bad) if bad else ''})",
                flush=True,
            )
    return results


def breakdown(url: str, artifact_dir: Path, participant_ids: list[int], k: int, rounds: int = 3) -> None:
    """Per answer, the CPU of each stage in this process, beside the bare route's scoring (interleaved rounds)."""
    from threadpoolctl import threadpool_limits

    from prakerja.db import make_engine
    from prakerja_api.routes.participants import recommendation_list_json
    from recommender.explain import explain
    from recommender.participant_list import NO_FILTERS, rank_participant, read_for_list
    from recommender.serving_state import ModelCache

    os.environ["PRAKERJA_ARTIFACT_DIR"] = str(artifact_dir)
    threadpool_limits(1, user_api="blas")  # as each service worker runs
    engine = make_engine(url)
    state = ModelCache().get(engine)
    index = state.index
    rng = np.random.default_rng(1)
    items = np.ascontiguousarray(rng.standard_normal((FULL_SIZE, DIMENSION)), dtype=np.float32)

    def bare() -> None:
        scores = items @ rng.standard_normal(DIMENSION).astype(np.float32)
        top = np.argpartition(scores, -k)[-k:]
        top[np.argsort(-scores[top])].tolist()

    def ranked(rows) -> None:
        recommendation_list_json("p", state.run_id, rank_participant(engine, state, rows, NO_FILTERS, k))

    read = [read_for_list(engine, pid) for pid in participant_ids]  # also warms the remembered places
    for rows in read:
        ranked(rows)
    spent = {name: 0.0 for name in ("read", "rank + explain + JSON", "of which explanations", "bare scoring")}
    for _ in range(rounds):
        for pid, rows in zip(participant_ids, read):
            started = time.process_time()
            read_for_list(engine, pid)
            after_read = time.process_time()
            ranked(rows)
            after_rank = time.process_time()
            side = state.model.user_side(rows.entities())
            rows_shown = index.item_rows([r.vacancy_id for r in rank_participant(engine, state, rows, NO_FILTERS, k)])
            before_explain = time.process_time()
            explain(engine, index, rows, side, rows_shown)
            after_explain = time.process_time()
            bare()
            spent["read"] += after_read - started
            spent["rank + explain + JSON"] += after_rank - after_read
            spent["of which explanations"] += after_explain - before_explain
            spent["bare scoring"] += time.process_time() - after_explain
    engine.dispose()
    n = rounds * len(participant_ids)
    floor = spent["bare scoring"] / n
    print(f"in this process, CPU per answer over {n:,} answers (the bare route's scoring = 1.00):")
    for name, seconds in spent.items():
        print(f"  {name:<24} {seconds / n * 1000:6.3f} ms  {seconds / n / floor:5.2f}x")
