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


def connection_lost(pgconn) -> bool:
    """True when the server has closed, or is closing, this idle libpq connection (``psycopg.pq.PGconn``).

    An idle connection of the project is sent nothing (it never LISTENs), so
    anything readable is the server's goodbye: its FATAL message arrives
    before the socket closes, and a check in between must not call the
    connection alive (a request would then fail on it).
    """
    from psycopg import pq

    try:
        if pgconn.status != pq.ConnStatus.OK:
            return True
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
        if not readable:
            return False
        pgconn.consume_input()  # read what came, so the connection is not left with it
    except Exception:  # noqa: BLE001 (a closed socket, a libpq error: either way the connection is gone)
        return True
    return True


def _check_on_checkout(dbapi_connection, _record, _proxy) -> None:
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is not None and connection_lost(pgconn):
        # SQLAlchemy drops this connection and checks out (or opens) another one
        raise DisconnectionError("the server closed this pooled connection")


def install_checkout_check(engine: Engine) -> None:
    """Replace pooled psycopg connections the server closed, as they are checked out (no-op for SQLite)."""
    if engine.dialect.driver == "psycopg" and not event.contains(engine, "checkout", _check_on_checkout):
        event.listen(engine, "checkout", _check_on_checkout)
