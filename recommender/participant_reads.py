"""One participant read for serving: four small queries on one connection, turned into the feature row.

The statements are those the batch loader runs
(:func:`recommender.features.load_participants`), and the rows become
features through the same :func:`recommender.features.one_participant_features`,
so a participant's row is the same wherever it is read. With psycopg the four
statements go in one pipelined round trip (compiled once per process, then
prepared by the server); :func:`read_participant_async` does the same on an
asyncio connection, so the synchronous and asyncio paths differ only here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, select

from prakerja.db import reading
from prakerja.models import Interaction
from recommender.attributes import UserAttr
from recommender.dataset import Entities, Features
from recommender.features import (
    course_preparation,
    declared_skills_query,
    occupation_ancestors,
    one_participant_features,
    participant_reach,
    participants_query,
    regency_places,
    trained_skills_query,
    training_skill_weights,
    urban_regencies,
)
from recommender.reach import Reach


# ---------------------------------------------------------------------- the participant's rows


@dataclass
class ParticipantRows:
    """One participant as read for serving: features, place, skills and exclusions."""

    participant_id: int
    features: Features
    trained: list
    trained_weights: np.ndarray
    declared: list
    province: str | None
    latitude: float
    longitude: float
    wage_before: float
    regency: str | None
    excluded_vacancy_ids: list[int]
    reach: Reach

    def entities(self) -> Entities:
        """The participant as a model's user side reads them (the same row and place a batch of participants holds)."""
        place = {UserAttr.Regency: np.array([self.regency], dtype=object), UserAttr.Province: np.array([self.province], dtype=object),
                 UserAttr.Latitude: np.array([self.latitude], dtype=np.float64), UserAttr.Longitude: np.array([self.longitude], dtype=np.float64)}
        return Entities(np.array([self.participant_id], dtype=np.int64), self.features, place)  # columns, not a DataFrame: 0.1 ms a request


def read_participant(engine: Engine, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
    """The participant's row, completed trainings, declared skills and excluded vacancies (None: unknown id).

    The same statements :func:`recommender.features.load_participants` runs
    (so rows come in the same order), sent in one round trip on PostgreSQL.
    """
    kinds = tuple(exclude_kinds or ())
    fetched = fetch_together(engine, int(participant_id), participant_queries(kinds))
    return participant_rows(engine, int(participant_id), kinds, *fetched)


async def read_participant_async(pool, engine: Engine, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
    """:func:`read_participant` through an :class:`~prakerja_api.async_reads.AsyncReadPool` of the same database.

    ``engine`` gives the dialect the statements are compiled for and the cached reference data.
    """
    kinds = tuple(exclude_kinds or ())
    fetched = await fetch_together_async(pool, engine.dialect, int(participant_id), participant_queries(kinds))
    return participant_rows(engine, int(participant_id), kinds, *fetched)


def participant_queries(kinds: tuple[str, ...]) -> list[tuple[object, callable]]:
    """(cache key, statement builder) of the four reads of one participant."""
    return [
        ("participant", participants_query),
        ("trained", trained_skills_query),
        ("declared", declared_skills_query),
        (("excluded",) + kinds, lambda ids: select(Interaction.vacancy_id).where(
            Interaction.participant_id.in_(ids), Interaction.kind.in_(list(kinds) or ["-"]))),
    ]


def participant_rows(engine: Engine, participant_id: int, kinds: tuple[str, ...], person, trained, declared, excluded) -> ParticipantRows | None:
    """:class:`ParticipantRows` from the rows of :func:`participant_queries` (None when there is no participant row)."""
    if not person:
        return None
    person = person[0]
    province, latitude, longitude = regency_places(engine).get(person.regency_code, (None, np.nan, np.nan))
    weights = training_skill_weights([r.level for r in trained], [r.certificate for r in trained]) if trained else np.array([], np.float32)
    pairs = one_participant_features(person, province, trained, weights, declared, occupation_ancestors(engine), course_preparation(engine))
    return ParticipantRows(
        participant_id=int(participant_id),
        features=Features.from_pairs([pairs]),
        trained=trained,
        trained_weights=weights,
        declared=declared,
        province=province,
        latitude=latitude,
        longitude=longitude,
        wage_before=np.nan if person.wage_before_idr is None else float(person.wage_before_idr),
        regency=person.regency_code,
        excluded_vacancy_ids=[int(row.vacancy_id) for row in excluded] if kinds else [],
        reach=participant_reach(person, urban_regencies(engine)),
    )


#: A participant id no one has: compiled statements carry it where the real id goes.
_PLACEHOLDER = -987_654_321
_COMPILED: dict[tuple, tuple[str, dict]] = {}


def fetch_together(engine: Engine, participant_id: int, queries: list[tuple[object, callable]]) -> list[list]:
    """The rows of each ``query(participant_ids)`` for one participant, on one connection without a transaction.

    With psycopg the statements go in one pipeline (one round trip; compiled
    once per process, then prepared by the server); other drivers run them one by one.
    """
    with reading(engine) as connection:
        raw = connection.connection.driver_connection
        if connection.dialect.driver != "psycopg" or not hasattr(raw, "pipeline"):
            return [connection.execute(build([participant_id])).all() for _, build in queries]
        from psycopg.rows import namedtuple_row

        cursors = []
        with raw.pipeline():
            for key, build in queries:
                sql, params = _compiled(connection.dialect, key, build)
                cursor = raw.cursor(row_factory=namedtuple_row)
                cursor.execute(sql, _bound(params, participant_id))
                cursors.append(cursor)
        return [cursor.fetchall() for cursor in cursors]


async def fetch_together_async(pool, dialect, participant_id: int, queries: list[tuple[object, callable]]) -> list[list]:
    """:func:`fetch_together` on an asyncio psycopg connection: one pipelined round trip that does not hold the event loop."""
    from psycopg.rows import namedtuple_row

    async with pool.connection() as raw:
        cursors = []
        async with raw.pipeline():
            for key, build in queries:
                sql, params = _compiled(dialect, key, build)
                cursor = raw.cursor(row_factory=namedtuple_row)
                await cursor.execute(sql, _bound(params, participant_id))
                cursors.append(cursor)
        return [await cursor.fetchall() for cursor in cursors]


def _compiled(dialect, key, build) -> tuple[str, dict]:
    """The SQL text and parameters of ``build([participant id])`` for ``dialect``, compiled once per process."""
    compiled = _COMPILED.get((dialect.name, key))
    if compiled is None:
        statement = build([_PLACEHOLDER]).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        compiled = _COMPILED[(dialect.name, key)] = (str(statement), dict(statement.params))
    return compiled


def _bound(params: dict, participant_id: int) -> dict:
    return {k: participant_id if v == _PLACEHOLDER else v for k, v in params.items()}
