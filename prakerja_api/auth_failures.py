"""Failed authentications counted per client address, so unknown keys cannot be tried at full speed.

A well-formed key that is not in the worker's cache costs a database read; a
probe tried 1,500 unknown keys in 2.6 s, and per-key rate limits never saw
them (they belong to no key). After :attr:`FailedAuthLimiter.limit` failures
from one address within a minute, that address's uncached keys are refused
with 429 and Retry-After, before any database read, until the oldest failure
is a minute old. Keys a worker has verified and cached still pass: the limit
costs a legitimate client behind the same address nothing once its key is
known.

Like the per-key limits (:mod:`prakerja_api.ratelimit`) the counts are kept
per worker process: with ``--workers N`` an address may fail up to N times
the limit a minute across the service. Behind a reverse proxy the address is
the proxy's unless uvicorn is told to trust its forwarding headers
(``FORWARDED_ALLOW_IPS``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
DEFAULT_LIMIT = 20
MAX_ADDRESSES = 100_000  # beyond this many tracked addresses the oldest state is dropped (memory bound)


class FailedAuthLimiter:
    """At most ``limit`` failed authentications per address in any window of :data:`WINDOW_SECONDS`."""

    def __init__(self, limit: int = DEFAULT_LIMIT, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, address: str) -> float | None:
        """Seconds until ``address`` may try an unknown key again, or None when it may now."""
        now = self._clock()
        with self._lock:
            failures = self._failures.get(address)
            if failures is None:
                return None
            while failures and failures[0] <= now - WINDOW_SECONDS:
                failures.popleft()
            if not failures:
                del self._failures[address]
                return None
            if len(failures) < self.limit:
                return None
            return max(failures[0] + WINDOW_SECONDS - now, 0.001)

    def record(self, address: str) -> None:
        """Count one failed authentication from ``address``."""
        now = self._clock()
        with self._lock:
            if address not in self._failures and len(self._failures) >= MAX_ADDRESSES:
                self._failures.clear()
            self._failures.setdefault(address, deque()).append(now)

    @staticmethod
    def retry_after_header(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
