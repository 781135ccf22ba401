"""How a pooled PostgreSQL connection is judged closed without a round trip (prakerja_api/connection_checks.py)."""

from __future__ import annotations

import time

import psycopg
import pytest
from tests.worlds import pg_admin_url

from prakerja_api.connection_checks import connection_lost

pytestmark = pytest.mark.postgres


def libpq_url() -> str:
    return pg_admin_url().set(drivername="postgresql").render_as_string(hide_password=False)


def wait_readable(connection, seconds: float = 5.0) -> None:
    import select

    deadline = time.monotonic() + seconds
    while not select.select([connection.pgconn.socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "nothing arrived on the connection"


def test_an_idle_connection_with_nothing_to_read_is_alive():
    with psycopg.connect(libpq_url(), autocommit=True) as connection:
        connection.execute("SELECT 1")
        assert not connection_lost(connection.pgconn)


def test_a_connection_the_server_sent_something_while_idle_counts_as_lost_before_its_socket_closes():
    """The server's goodbye (a FATAL message) arrives before the close: a check in between must not say alive.

    The project's connections never LISTEN, so a notification stands here for
    any message on an idle connection whose socket is still open.
    """
    with psycopg.connect(libpq_url(), autocommit=True) as idle, psycopg.connect(libpq_url(), autocommit=True) as other:
        idle.execute("LISTEN connection_check_test")
        other.execute("NOTIFY connection_check_test")
        wait_readable(idle)
        assert connection_lost(idle.pgconn)


def test_a_terminated_connection_is_lost():
    with psycopg.connect(libpq_url(), autocommit=True) as idle, psycopg.connect(libpq_url(), autocommit=True) as admin:
        pid = idle.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_readable(idle)
        assert connection_lost(idle.pgconn)
