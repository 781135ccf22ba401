"""A participant's feedback on a vacancy (saved, applied, dismissed, ...): stored once, whatever the retries.

The feedback trains the next model, and applied or dismissed vacancies leave
the participant's next list at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from prakerja import vocab
from prakerja.db import transaction
from prakerja.errors import UnknownId, UserError
from prakerja.models import Interaction, Participant, Vacancy


class FeedbackConflict(UserError):
    """A client key already used for another feedback (the HTTP API answers 409)."""


def record_feedback(
    engine: Engine,
    participant_id: int,
    vacancy_id: int,
    kind: str,
    client_key: str | None = None,
    model_run_id: int | None = None,
) -> int:
    """Store a participant's action on a vacancy; returns the interaction id.

    Idempotent on ``client_key``: sending the same key again returns the first
    row's id and writes nothing (a different action under a used key is a
    UserError). Applied and dismissed vacancies disappear from the next
    :func:`recommender.participant_list.match_participant`.
    """
    if kind not in vocab.INTERACTION_KINDS:
        raise UserError(f"unknown feedback kind {kind!r}; choose from {', '.join(vocab.INTERACTION_KINDS)}")
    if client_key is not None and not (0 < len(client_key) <= 80):
        raise UserError("client_key must be 1 to 80 characters")
    existing = _by_client_key(engine, client_key)
    if existing is not None:
        return _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key)
    try:
        with transaction(engine) as session:
            if session.get(Participant, int(participant_id)) is None:
                raise UnknownId(f"unknown participant id {participant_id}")
            if session.get(Vacancy, int(vacancy_id)) is None:
                raise UnknownId(f"unknown vacancy id {vacancy_id}")
            row = Interaction(
                participant_id=int(participant_id),
                vacancy_id=int(vacancy_id),
                kind=kind,
                occurred_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                model_run_id=model_run_id,
                client_key=client_key,
            )
            session.add(row)
            session.flush()
            return int(row.id)
    except IntegrityError:
        # a concurrent request with the same client_key won the race
        existing = _by_client_key(engine, client_key)
        if existing is None:
            raise UserError(f"feedback could not be stored (model run {model_run_id} unknown?)") from None
        return _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key)


def _by_client_key(engine: Engine, client_key: str | None):
    if client_key is None:
        return None
    with engine.connect() as connection:
        return connection.execute(
            select(Interaction.id, Interaction.participant_id, Interaction.vacancy_id, Interaction.kind).where(
                Interaction.client_key == client_key
            )
        ).first()


def _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key) -> int:
    if (existing.participant_id, existing.vacancy_id, existing.kind) != (int(participant_id), int(vacancy_id), kind):
        raise FeedbackConflict(f"client_key {client_key!r} was already used for another feedback")
    return int(existing.id)
