""""Today" for the whole product: the real date and time, naive UTC as the database stores times.

A vacancy is open or not against this clock, the dashboard and the API say
"Data per ..." with it, and ingest stamps sightings with it. Replays and
evaluation pass a fixed moment of their own (``now=`` / ``as_of=``) instead;
nothing derives "today" from the data, so loading an old file can never make
the rest of the catalogue look expired.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current time as naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
