"""What every request of one worker shares: the database, the served model, key checks, rate limits."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Engine

from prakerja_api.async_reads import AsyncReadPool
from prakerja_api.auth_failures import FailedAuthLimiter
from prakerja_api.keys import KeyHolder, hash_key, revoked_prefixes, verify_key
from prakerja_api.ratelimit import SlidingWindowLimiter
from prakerja_api.read_batching import BatchedParticipantReads
from prakerja_api.serving import BackgroundModelCache
from recommender.experiments.exposures import ExposureLog
from recommender.experiments.serving import ExperimentServing


@dataclass
class ServiceContext:
    """Per-process state of the service (one per uvicorn worker).

    Attributes
    ----------
    key_cache_seconds
        How long a verified key is trusted without reading its row again (0:
        every request reads it). A key's role and scope never change, so this
        can be long: revocation is caught by the next attribute.
    revocation_check_seconds
        How often the worker reads the list of revoked key prefixes (one small
        query for all keys): a revoked key is refused within this time even
        while it is cached.
    compute_slots
        How many matches one worker computes at once in threads (see :attr:`compute`).
    async_connections
        Connections of :attr:`read_pool`: at most this many participant reads
        of one worker are in flight at once.
    """

    engine: Engine
    cache: BackgroundModelCache
    limiter: SlidingWindowLimiter = field(default_factory=SlidingWindowLimiter)
    auth_failures: FailedAuthLimiter = field(default_factory=FailedAuthLimiter)
    key_cache_seconds: float = 300.0
    revocation_check_seconds: float = 2.0
    compute_slots: int = 2
    async_connections: int = 8
    #: The running experiments: each participant's arm model, and their served lists written every second.
    experiments: ExperimentServing = field(
        default_factory=lambda: ExperimentServing(background=True, exposures=ExposureLog(flush_seconds=1.0))
    )
    _keys: dict[str, tuple[KeyHolder, float]] = field(default_factory=dict)
    _keys_lock: threading.Lock = field(default_factory=threading.Lock)
    _revoked: frozenset[str] = frozenset()
    _read_pool: AsyncReadPool | None = None
    _participant_reads: BatchedParticipantReads | None = None
    _revoked_at: float = float("-inf")

    @property
    def read_pool(self) -> AsyncReadPool | None:
        """asyncio connections to the same PostgreSQL database (psycopg), for reads that must not hold the event loop; None elsewhere."""
        if self._read_pool is None and self.engine.dialect.driver == "psycopg":
            self._read_pool = AsyncReadPool(self.engine.url, self.async_connections)
        return self._read_pool

    @property
    def participant_reads(self) -> BatchedParticipantReads | None:
        """Participant reads of concurrent requests gathered into batches on :attr:`read_pool`; None without it."""
        if self._participant_reads is None and self.read_pool is not None:
            self._participant_reads = BatchedParticipantReads(self.read_pool, self.engine)
        return self._participant_reads

    async def close(self) -> None:
        self._participant_reads = None
        if self._read_pool is not None:
            await self._read_pool.close()
            self._read_pool = None

    def __post_init__(self) -> None:
        #: Held while a request matches (scores every vacancy). Sync routes run in
        #: a pool of 40 threads; under 32 concurrent requests a worker otherwise
        #: interleaves 16 matches on one core (GIL switches, 400 KB score arrays
        #: evicting each other from cache) and answers fewer requests per second
        #: than at 4. Two slots let one match compute while the other waits on the database.
        self.compute = threading.BoundedSemaphore(self.compute_slots)

    def cached_holder(self, key: str) -> KeyHolder | None:
        """The holder of a key when the worker can tell without the database (cached, and revocations read recently)."""
        now = time.monotonic()
        if now - self._revoked_at >= self.revocation_check_seconds:
            return None
        return self._cached(hash_key(key), now, self._revoked)

    def holder(self, key: str) -> KeyHolder | None:
        """The holder of a key, from the worker's cache (unless revoked since) or the database."""
        digest = hash_key(key)
        now = time.monotonic()
        cached = self._cached(digest, now, self.revoked_prefixes(now))
        if cached is not None:
            return cached
        holder = verify_key(self.engine, key)  # None for an expired key, as for a revoked one
        with self._keys_lock:
            if holder is None:
                self._keys.pop(digest, None)
            elif self.key_cache_seconds > 0:
                if len(self._keys) > 100_000:
                    self._keys.clear()
                self._keys[digest] = (holder, now + self.key_cache_seconds)
        return holder

    def _cached(self, digest: str, now: float, revoked: frozenset[str]) -> KeyHolder | None:
        """The cached holder of a key digest while its time lasts and its prefix is not in ``revoked``."""
        cached = self._keys.get(digest)
        if cached is not None and cached[1] > now and cached[0].prefix not in revoked and not cached[0].expired():
            return cached[0]
        return None

    def revoked_prefixes(self, now: float) -> frozenset[str]:
        """Prefixes of revoked keys, read again when older than ``revocation_check_seconds``."""
        if now - self._revoked_at >= self.revocation_check_seconds:
            with self._keys_lock:
                if now - self._revoked_at >= self.revocation_check_seconds:
                    self._revoked = revoked_prefixes(self.engine)
                    self._revoked_at = now
        return self._revoked


async def service(request: Request) -> ServiceContext:
    """The worker's :class:`ServiceContext` (a FastAPI dependency; a coroutine, so no thread is used for it)."""
    return request.app.state.service
