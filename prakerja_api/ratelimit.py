"""Per-key request limits: a sliding window of the last minute, kept in this process.

Each worker process keeps its own window, so with ``--workers N`` a key may
make up to N times its limit across the whole service (requests are spread
over workers by the kernel). That is the documented trade for needing no shared
store; a deployment that needs an exact global limit puts one in front (a
gateway or a Redis-backed limiter).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class SlidingWindowLimiter:
    """At most ``limit`` requests per key in any window of :data:`WINDOW_SECONDS`.

    Parameters
    ----------
    clock
        Monotonic seconds (tests pass a fake clock).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, limit: int) -> float | None:
        """Count a request for ``key``; None when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= limit:
                return max(hits[0] + WINDOW_SECONDS - now, 0.001)
            hits.append(now)
            return None

    @staticmethod
    def retry_after_header(seconds: float) -> str:
        """Whole seconds for the Retry-After header (at least 1)."""
        return str(max(1, math.ceil(seconds)))
