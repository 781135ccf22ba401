"""Source records as JSON, for the file the crawl process hands to its parent and for the crawl state.

The crawl runs in a child process (Twisted's reactor starts once per process),
so what it found crosses a process boundary as JSON lines: one object per
record, ``{"kind": "posting" | "rejected", "fields": {...}}``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobs_ingest.records import RawPosting, RejectedRow, SourceRecord

POSTING = "posting"
REJECTED = "rejected"


def record_to_json(record: SourceRecord) -> dict[str, Any]:
    """A JSON-safe dict that :func:`record_from_json` turns back into the same record."""
    kind = POSTING if isinstance(record, RawPosting) else REJECTED
    fields = {}
    for field in dataclasses.fields(record):  # shallow: ``raw`` is JSON already, no deep copy
        value = getattr(record, field.name)
        fields[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {"kind": kind, "fields": fields}


def record_from_json(data: dict[str, Any]) -> SourceRecord:
    kind = data.get("kind")
    if kind == POSTING:
        return RawPosting(**data["fields"])
    if kind == REJECTED:
        return RejectedRow(**data["fields"])
    raise ValueError(f"unknown record kind {kind!r}")


def read_records(path: Path) -> Iterator[SourceRecord]:
    """Stream the records of a JSON lines file, numbering them in order."""
    with path.open(encoding="utf-8") as handle:
        for row_number, line in enumerate(handle):
            record = record_from_json(json.loads(line))
            record.row_number = row_number
            yield record
