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
KIND = "kind"
PARAMS, TEST, VALIDATION, FACTS = "params", "test", "validation", "facts"
TRAINED, EVALUATION = "trained", "evaluation"
#: What a training records besides metrics: its time and the size of its data.
FACT_NAMES = ("train_seconds", "fit_seconds", "recommend_seconds", "interactions", "users", "items")


def flatten(prefix: str, value, into: dict) -> dict:
    """Nested parameters as "outer.inner" names (a blend holds its LightFM's parameters)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), inner, into)
    else:
        into[prefix] = value
    return into


def _run_metrics(metrics: dict) -> tuple[dict, dict, dict]:
    """(test, validation, facts) of a run, whether ``prakerja train`` or ``prakerja evaluate`` recorded it.

    A training stores ``holdout.test`` and ``holdout.validation``; an
    evaluation stores ``evaluation`` with "validation ndcg@k" among the test
    metrics; older runs store flat metrics, read as test metrics.
    """
    facts = {name: metrics[name] for name in FACT_NAMES if name in metrics}
    if "holdout" in metrics:
        holdout = metrics["holdout"] or {}
        return dict(holdout.get("test") or {}), dict(holdout.get("validation") or {}), facts
    if "evaluation" in metrics:
        test = dict(metrics["evaluation"] or {})
        facts.update({name: test.pop(name) for name in FACT_NAMES if name in test})
        validation = {key.removeprefix("validation "): test.pop(key) for key in [k for k in test if k.startswith("validation ")]}
        return test, validation, facts
    flat = {key: value for key, value in metrics.items() if key not in FACT_NAMES and isinstance(value, (int, float)) and not isinstance(value, bool)}
    return flat, {}, facts


def model_runs(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """The latest runs, newest first.

    Returns
    -------
    DataFrame
        run, algorithm, created_at, promoted, notes, kind ("trained": it has a
        model file and can be promoted; "evaluation": recorded by ``prakerja
        evaluate`` without one), params (flattened dict), test, validation and
        facts (dicts of numbers).
    """
    query = select(ModelRun).order_by(ModelRun.id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    records = []
    for row in rows:
        test, validation, facts = _run_metrics(row.metrics or {})
        records.append(
            {
                RUN: int(row.id), ALGORITHM: row.algorithm, CREATED: row.created_at, PROMOTED: bool(row.promoted), NOTES: row.notes,
                KIND: TRAINED if row.artifact_path else EVALUATION,
                PARAMS: flatten("", row.params or {}, {}), TEST: test, VALIDATION: validation, FACTS: facts,
            }
        )
    return pd.DataFrame.from_records(records, columns=[RUN, ALGORITHM, CREATED, PROMOTED, NOTES, KIND, PARAMS, TEST, VALIDATION, FACTS])


def participant_by_pseudonym(engine: Engine, pseudonym: str) -> int | None:
    """The internal id behind a pseudonym (never shown; used to ask the recommender)."""
    with engine.connect() as connection:
        found = connection.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym.strip()))
    return None if found is None else int(found)


def sample_pseudonyms(engine: Engine, count: int = 20) -> list[str]:
    """A few pseudonyms to pick from (the first ones by id)."""
    with engine.connect() as connection:
        return list(connection.scalars(select(Participant.pseudonym).order_by(Participant.id).limit(count)))
