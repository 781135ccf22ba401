"""What researchers read: model runs side by side, and a participant found by pseudonym."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from prakerja.models import ModelRun, Participant

RUN = "run"
ALGORITHM = "algorithm"
CREATED = "created_at"
PROMOTED = "promoted"
NOTES = "notes"


def _flatten(prefix: str, value, into: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, into)
    elif isinstance(value, (int, float, str, bool)) or value is None:
        into[prefix] = value
    else:
        into[prefix] = str(value)


def model_runs(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """The latest runs, newest first: id, algorithm, created, promoted, notes, then every parameter and metric flattened."""
    query = select(ModelRun).order_by(ModelRun.id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    records = []
    for row in rows:
        record = {RUN: row.id, ALGORITHM: row.algorithm, CREATED: row.created_at, PROMOTED: bool(row.promoted), NOTES: row.notes}
        _flatten("param", row.params or {}, record)
        _flatten("metric", row.metrics or {}, record)
        records.append(record)
    return pd.DataFrame.from_records(records, columns=None if records else [RUN, ALGORITHM, CREATED, PROMOTED, NOTES])


def participant_by_pseudonym(engine: Engine, pseudonym: str) -> int | None:
    """The internal id behind a pseudonym (never shown; used to ask the recommender)."""
    with engine.connect() as connection:
        found = connection.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym.strip()))
    return None if found is None else int(found)


def sample_pseudonyms(engine: Engine, count: int = 20) -> list[str]:
    """A few pseudonyms to pick from (the first ones by id)."""
    with engine.connect() as connection:
        return list(connection.scalars(select(Participant.pseudonym).order_by(Participant.id).limit(count)))
