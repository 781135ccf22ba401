"""Prometheus metrics: requests by route and status, and latency histograms.

With several workers, ``prakerja serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at
a fresh folder so that /metrics (answered by any one worker) sums all of them
(prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

REQUESTS = Counter("prakerja_http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "prakerja_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def metrics_text() -> tuple[bytes, str]:
    """The exposition text (all workers' when in multiprocess mode) and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware) that counts and times every HTTP request.

    The route label is the route's path template ("/v1/vacancies/{vacancy_id}"),
    never the raw path, so ids do not multiply the series; unmatched paths count as "unmatched".
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def record_status(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "GET")
            REQUESTS.labels(method, label, str(status["code"])).inc()
            LATENCY.labels(method, label).observe(time.perf_counter() - started)
