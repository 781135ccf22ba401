"""A small pool of asyncio psycopg connections for the reads one request waits on.

A recommendation's ranking holds the GIL for about 2 ms, so it runs in the
event loop; its database read (four statements, one pipelined round trip)
must then not block that loop, nor take a thread (a hand-over and GIL
contention cost more than the read). Plain ``psycopg.AsyncConnection``\\ s in
autocommit mode do it with the least machinery: no transaction, so no
ROLLBACK that would make psycopg forget its prepared statements, and no
greenlet adaptation (SQLAlchemy's asyncio layer cost 0.5 ms of CPU per request here).

The pool keeps at most ``size`` connections; a read beyond that waits for one
to come back rather than opening another (a new PostgreSQL process with cold
caches). A connection that broke is dropped and replaced on demand; an idle
one the server closed meanwhile (a restart, an outage) is noticed when it is
taken from the pool (:mod:`prakerja_api.connection_checks`) and replaced, so
the request never sees it.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.engine import URL

from prakerja_api.connection_checks import connection_lost


def conninfo(url: URL) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class AsyncReadPool:
    """At most ``size`` autocommit asyncio connections to one PostgreSQL database, opened when first needed."""

    def __init__(self, url: URL, size: int = 8) -> None:
        self.conninfo = conninfo(url)
        self.size = size
        self._idle: list = []
        self._opened = 0
        self._returned: asyncio.Condition | None = None

    @contextlib.asynccontextmanager
    async def connection(self):
        """A connection for one read, given back afterwards (dropped if it broke)."""
        conn = await self._acquire()
        try:
            yield conn
        except BaseException:
            await self._drop(conn)
            raise
        else:
            await self._give_back(conn)

    async def _acquire(self):
        import psycopg

        if self._returned is None:
            self._returned = asyncio.Condition()
        async with self._returned:
            while not self._idle and self._opened >= self.size:
                await self._returned.wait()
            while self._idle:
                conn = self._idle.pop()
                if not connection_lost(conn.pgconn):
                    return conn
                with contextlib.suppress(Exception):  # closed by the server while idle: open a new one instead
                    await conn.close()
                self._opened -= 1
            self._opened += 1
        try:
            return await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        except BaseException:
            async with self._returned:
                self._opened -= 1
                self._returned.notify()
            raise

    async def _give_back(self, conn) -> None:
        if conn.closed or conn.broken:
            await self._drop(conn)
            return
        async with self._returned:
            self._idle.append(conn)
            self._returned.notify()

    async def _drop(self, conn) -> None:
        with contextlib.suppress(Exception):
            await conn.close()
        async with self._returned:
            self._opened -= 1
            self._returned.notify()

    async def close(self) -> None:
        """Close every idle connection (at shutdown)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                await conn.close()
        self._opened -= len(idle)
