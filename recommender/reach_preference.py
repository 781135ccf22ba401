"""Reading and saving a participant's reach (what the dashboard's matches page and the API edit)."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from prakerja.db import reading, transaction
from prakerja.errors import UnknownId
from prakerja.models import Participant
from recommender.features import participant_reach, urban_regencies
from recommender.reach import Reach, check_reach


def read_reach(engine: Engine, participant_id: int) -> Reach:
    """The participant's reach, the default from their home regency filled in (UnknownId when there is none)."""
    with reading(engine) as connection:
        person = connection.execute(
            select(Participant.regency_code, Participant.reach, Participant.commute_km).where(Participant.id == int(participant_id))
        ).first()
    if person is None:
        raise UnknownId(f"unknown participant id {participant_id}")
    return participant_reach(person, urban_regencies(engine))


def save_reach(engine: Engine, participant_id: int, kind: str | None, commute_km: int | None = None) -> Reach:
    """Store the participant's reach (``kind=None`` returns to the default) and return it as it now reads.

    Raises
    ------
    UserError
        Unknown reach kind or a commuting distance outside 1..500 km.
    UnknownId
        No such participant.
    """
    if kind is not None:
        kind, commute_km = check_reach(kind, commute_km)
    else:
        commute_km = None
    with transaction(engine) as session:
        changed = session.execute(
            update(Participant).where(Participant.id == int(participant_id)).values(reach=kind, commute_km=commute_km)
        ).rowcount
    if not changed:
        raise UnknownId(f"unknown participant id {participant_id}")
    return read_reach(engine, participant_id)
