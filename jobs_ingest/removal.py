"""Vacancies a source no longer lists: marked removed, never deleted (their history stays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Engine

from jobs_ingest import store
from jobs_ingest.normalize import stored_source_id


def mark_removed(engine: Engine, source: str, seen_source_ids: Iterable[str], now: dt.datetime | None = None) -> int:
    """After a complete crawl: postings of ``source`` it did not see are removed from their board.

    A vacancy becomes "removed" when none of its sources is active any more; a
    vacancy still listed on another board stays as it is.

    Returns
    -------
    int
        How many vacancy sources were marked removed.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    seen = {stored_source_id(str(source_id)) for source_id in seen_source_ids if source_id}
    with engine.begin() as connection:
        return store.mark_sources_removed(connection, source, seen, now)
