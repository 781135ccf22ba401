"""What happened to the ingested rows, per run and per source (``prakerja ingest report``).

Each run's outcome counts add up to the rows it read; ``archived`` counts its
``raw_rows`` independently, so a reader can check that nothing was lost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from jobs_ingest.accounting import OUTCOMES, RunCounts, ingest_runs, raw_rows


@dataclasses.dataclass(frozen=True)
class RunSummary:
    """One ingest run: where from, how it ended, and its rows per outcome."""

    run_id: int
    source: str
    kind: str
    location: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    outcomes: dict[str, int]
    quarantine_reasons: dict[str, int]
    archived: int

    @property
    def rows(self) -> int:
        return sum(self.outcomes.values())

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        data["rows"] = self.rows
        return data


def run_summaries(engine: Engine, source: str | None = None) -> list[RunSummary]:
    """Every run (of one source, if given), oldest first, with its archived row count."""
    query = select(
        ingest_runs.c.id, ingest_runs.c.source, ingest_runs.c.kind, ingest_runs.c.location, ingest_runs.c.started_at,
        ingest_runs.c.finished_at, ingest_runs.c.status, ingest_runs.c.counts,
    ).order_by(ingest_runs.c.id)
    archived_query = select(raw_rows.c.run_id, func.count()).group_by(raw_rows.c.run_id)
    if source is not None:
        query = query.where(ingest_runs.c.source == source)
        archived_query = archived_query.where(raw_rows.c.source == source)
    with engine.connect() as connection:
        archived = dict(connection.execute(archived_query).all())
        runs = connection.execute(query).all()
    summaries = []
    for run_id, run_source, kind, location, started, finished, status, counts in runs:
        parsed = RunCounts.from_json(counts)
        summaries.append(
            RunSummary(
                run_id=run_id, source=run_source, kind=kind, location=location, started_at=started,
                finished_at=finished, status=status, outcomes={k: parsed.outcomes.get(k, 0) for k in OUTCOMES},
                quarantine_reasons=dict(parsed.reasons), archived=archived.get(run_id, 0),
            )
        )
    return summaries


def totals_by_source(summaries: list[RunSummary]) -> dict[str, dict[str, int]]:
    """Rows per outcome summed over each source's runs, plus ``rows``."""
    totals: dict[str, Counter] = {}
    for summary in summaries:
        total = totals.setdefault(summary.source, Counter({k: 0 for k in OUTCOMES}))
        total.update(summary.outcomes)
    return {source: {**dict(counts), "rows": sum(counts.values())} for source, counts in sorted(totals.items())}


def report_json(summaries: list[RunSummary]) -> dict[str, Any]:
    """The report as plain data (``--format json``)."""
    return {"runs": [summary.to_json() for summary in summaries], "sources": totals_by_source(summaries)}
