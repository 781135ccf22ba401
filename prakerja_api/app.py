"""The application factory: routers, error handlers, metrics, and the per-worker state.

``create_app(engine)`` is what tests and benchmarks call; uvicorn's workers call
:func:`create_app_from_env` (``prakerja serve``), which opens ``DATABASE_URL``.
The served model and the vacancy catalogue load once per worker, at startup.
"""

from __future__ import annotations

import contextlib
import logging
import os

import anyio.to_thread

from fastapi import FastAPI
from sqlalchemy import Engine

from prakerja_api import errors
from prakerja_api.auth_failures import DEFAULT_LIMIT as DEFAULT_FAILED_AUTH_LIMIT
from prakerja_api.auth_failures import FailedAuthLimiter
from prakerja_api.connection_checks import install_checkout_check
from prakerja_api.context import ServiceContext
from prakerja_api.heap import settle_heap
from prakerja_api.metrics import MetricsMiddleware
from prakerja_api.request_guard import MAX_BODY_BYTES, RequestGuard
from prakerja_api.routes import experiments, health, models, participants, vacancies
from prakerja_api.schemas import ErrorBody
from prakerja_api.serving import BackgroundModelCache

log = logging.getLogger("prakerja.service")

API_VERSION = "1.0"
ERROR_RESPONSES = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "A NUL character in the path or query string.",
        401: "No API key, or a bad, expired or revoked one.",
        403: "The key's role may not do this.",
        404: "Unknown id.",
        409: "Conflict (a client key used for another feedback).",
        422: "Invalid input; details say where.",
        413: f"Request body larger than {MAX_BODY_BYTES:,} bytes.",
        429: "Rate limit exceeded, or too many failed authentications from this address; see Retry-After.",
        503: "No model can be served yet, or the database is unavailable; see Retry-After.",
    }.items()
}


def create_app(
    engine: Engine,
    *,
    check_seconds: float = 2.0,
    key_cache_seconds: float = 300.0,
    revocation_check_seconds: float = 2.0,
    warm: bool = True,
    threads: int | None = None,
    failed_auth_per_minute: int = DEFAULT_FAILED_AUTH_LIMIT,
    settle: bool = False,
) -> FastAPI:
    """The service on ``engine`` (a migrated database).

    Parameters
    ----------
    check_seconds
        How often each worker looks for a newly promoted model or changed catalogue.
    key_cache_seconds
        How long a verified API key is trusted before its row is read again.
    revocation_check_seconds
        How often the worker reads which keys are revoked (a revoked key is refused within this time).
    warm
        Load the model and catalogue at startup (the default) rather than on the first request.
    failed_auth_per_minute
        Failed authentications one client address may make in a minute before
        its unknown keys are refused with 429 (per worker; :mod:`prakerja_api.auth_failures`).
    threads
        At most this many requests run their (synchronous) route code at once
        in this worker; the others wait in the event loop, not in threads
        contending for the GIL (default: anyio's 40).
    settle
        Keep the loaded state out of the garbage collector's full passes
        (:mod:`prakerja_api.heap`): each worker process of ``prakerja serve``
        does; an app inside another process (tests) need not collect that process's heap.
    """
    install_checkout_check(engine)
    context = ServiceContext(engine=engine, cache=BackgroundModelCache(check_seconds=check_seconds, settle=settle),
                             key_cache_seconds=key_cache_seconds, revocation_check_seconds=revocation_check_seconds,
                             auth_failures=FailedAuthLimiter(failed_auth_per_minute))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        if threads:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if warm:
            try:
                state = context.cache.warm(engine)
                log.info("serving model run %s over %d vacancies", state.run_id, state.catalogue.id_map.size)
            except Exception as exc:  # start anyway: /readyz says why it is not ready
                context.cache.last_error = f"{type(exc).__name__}: {exc}"
                log.error("no model loaded at startup: %s", context.cache.last_error)
            if context.cache.state is not None:  # the running experiments' arms, loaded before the first request
                try:
                    context.experiments.refresh(engine, context.cache.state)
                except Exception as exc:  # the first request tries again
                    log.error("running experiments not loaded at startup: %s: %s", type(exc).__name__, exc)
            if settle:
                settle_heap()  # what was loaded stays out of later full collections (prakerja_api/heap.py)
        yield
        context.experiments.exposures.flush(engine)  # served lists still buffered
        await context.close()

    app = FastAPI(
        title="Prakerja job matching",
        version=API_VERSION,
        description=(
            "Job recommendations for Kartu Prakerja participants, with the reasons for each; feedback; "
            "next training; vacancies (read, and partner batches); model runs. "
            "Send an API key in the X-API-Key header (`prakerja apikey create`)."
        ),
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.service = context
    errors.install(app)
    app.add_middleware(RequestGuard)  # inside the metrics: refused requests are counted too
    app.add_middleware(MetricsMiddleware)
    for module in (participants, vacancies, models, experiments, health):
        app.include_router(module.router)
    return app


def create_app_from_env() -> FastAPI:
    """The service on ``DATABASE_URL`` (uvicorn's factory in every worker).

    Each worker keeps BLAS to one thread: requests run concurrently in threads
    and workers, and a multi-threaded BLAS under them spins threads against
    each other (measured: the bare scoring floor fell from 126 to 13 req/s
    between 1 and 32 connections). The engine skips pre-ping and keeps a
    connection per request thread (see :func:`prakerja.db.make_engine`).
    """
    from threadpoolctl import threadpool_limits

    from prakerja.db import make_engine

    threadpool_limits(1, user_api="blas")
    threads = int(os.environ.get("PRAKERJA_API_THREADS", "8"))
    # one pooled connection per request thread, plus the model reload and key checks
    return create_app(make_engine(pre_ping=False, pool_size=threads + 2), threads=threads, settle=True)
