"""Notice a pooled PostgreSQL connection the server has closed, without a round trip.

After the database restarts (or an administrator terminates sessions), every
pooled connection is dead, but a pool learns it only when a request fails on
it: the probe saw nine 500s over 32 s after ``/readyz`` was already green.
Pinging before each use (``pool_pre_ping``) costs a round trip per request.

A closed connection announces itself, though: the server sends its FATAL
message and closes the socket, so the idle socket becomes readable. Checking
that is one non-blocking ``select`` per checkout; only when there is something
to read does libpq read it and say whether the connection is still good (an
idle healthy connection has nothing to read). Both the SQLAlchemy pool
(:func:`install_checkout_check`) and the asyncio read pool use it.
"""

from __future__ import annotations

import select

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError


_READS = 4


def connection_lost(pgconn) -> bool:
    """True when the server has closed this idle libpq connection (``psycopg.pq.PGconn``)."""
    from psycopg import pq

    try:
        for _ in range(_READS):
            if pgconn.status != pq.ConnStatus.OK:
                return True
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
            if not readable:
                return False
            # the first read takes the server's FATAL message, a later one meets the closed socket (and raises)
            pgconn.consume_input()
    except Exception:  # noqa: BLE001 (a closed socket, a libpq error: either way the connection is gone)
        return True
    return True  # still readable after several reads: nothing a healthy idle connection does


def _check_on_checkout(dbapi_connection, _record, _proxy) -> None:
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is not None and connection_lost(pgconn):
        # SQLAlchemy drops this connection and checks out (or opens) another one
        raise DisconnectionError("the server closed this pooled connection")


def install_checkout_check(engine: Engine) -> None:
    """Replace pooled psycopg connections the server closed, as they are checked out (no-op for SQLite)."""
    if engine.dialect.driver == "psycopg" and not event.contains(engine, "checkout", _check_on_checkout):
        event.listen(engine, "checkout", _check_on_checkout)
