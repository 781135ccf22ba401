"""A growing wait after wrong passwords, per account and per client address.

Without it, 25 wrong passwords and then the right one signed in: a password
could be guessed at the speed of the server. After ``FREE_FAILURES`` wrong
attempts on an account (or from one client address, whichever account it
tries) each next attempt must wait ``BASE_DELAY_SECONDS`` doubled per further
failure, up to ``MAX_DELAY_SECONDS``. While a wait runs the password is not
even checked, so guessing during it gains nothing. A right password clears
the account's count; counts older than ``FORGET_AFTER`` are forgotten. The
counts live in the database (``sign_in_failures``), so every server process
and every browser session shares them.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from prakerja.db import transaction
from prakerja.models import SignInFailure

FREE_FAILURES = 3
BASE_DELAY_SECONDS = 5
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=24)
KEY_CHARS = 200


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def keys(username: str, client: str | None) -> list[str]:
    """The counters one attempt touches: the account's, and the client's when its address is known."""
    found = [f"account:{username.strip().lower()}"[:KEY_CHARS]]
    if client:
        found.append(f"client:{client}"[:KEY_CHARS])
    return found


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong attempts in a row: 0, 0, 0, 5, 10, 20, ... at most 15 minutes."""
    if failures < FREE_FAILURES:
        return 0
    return min(BASE_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


def seconds_to_wait(engine: Engine, username: str, client: str | None, now: dt.datetime | None = None) -> int:
    """How long the next attempt for this account from this client must still wait (0: it may try now)."""
    now = now or _now()
    with engine.connect() as connection:
        rows = connection.execute(select(SignInFailure.failures, SignInFailure.last_failure_at).where(SignInFailure.key.in_(keys(username, client)))).all()
    waits = [
        (last + dt.timedelta(seconds=delay_after(failures)) - now).total_seconds()
        for failures, last in rows
        if now - last < FORGET_AFTER
    ]
    return max([0, *[math.ceil(w) for w in waits]])


def record_failure(engine: Engine, username: str, client: str | None, now: dt.datetime | None = None) -> int:
    """Count a wrong attempt on the account and from the client; returns the wait before the next one (seconds)."""
    now = now or _now()
    for attempt in range(3):  # two sessions inserting the same new key at once: the loser counts again
        try:
            with transaction(engine) as session:
                for key in keys(username, client):
                    row = session.get(SignInFailure, key)
                    if row is None:
                        session.add(SignInFailure(key=key, failures=1, last_failure_at=now))
                    else:
                        row.failures = 1 if now - row.last_failure_at >= FORGET_AFTER else row.failures + 1
                        row.last_failure_at = now
            break
        except IntegrityError:
            if attempt == 2:
                raise
    return seconds_to_wait(engine, username, client, now)


def record_success(engine: Engine, username: str) -> None:
    """A right password clears the account's count (the client's count stays: it may be guessing other accounts)."""
    with transaction(engine) as session:
        session.execute(delete(SignInFailure).where(SignInFailure.key == keys(username, None)[0]))
