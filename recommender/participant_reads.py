"""One participant read for serving: four small queries in one statement, turned into the feature row.

The statements are those the batch loader runs
(:func:`recommender.features.load_participants`), and the rows become
features through the same :func:`recommender.features.one_participant_features`,
so a participant's row is the same wherever it is read. With psycopg the four
statements go as one, in one round trip (compiled once per process, then
prepared by the server); :func:`read_participant_async` does the same on an
asyncio connection, so the synchronous and asyncio paths differ only here.
"""

from __future__ import annotations

from collections import namedtuple
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
    fetched = fetch_together(engine, [int(participant_id)], participant_queries(kinds))[0]
    return participant_rows(engine, int(participant_id), kinds, *fetched)


async def read_participant_async(pool, engine: Engine, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
    """:func:`read_participant` through an :class:`~prakerja_api.async_reads.AsyncReadPool` of the same database.

    ``engine`` gives the dialect the statements are compiled for and the cached reference data.
    """
    return (await read_participants_async(pool, engine, [participant_id], exclude_kinds))[0]


async def read_participants_async(pool, engine: Engine, participant_ids, exclude_kinds=("applied", "dismissed")) -> list[ParticipantRows | None]:
    """:func:`read_participant_async` of several participants in one statement and one round trip.

    The service gathers the reads that wait at the same moment into one call
    (:mod:`prakerja_api.read_batching`): the database then runs the four
    queries once for all of them instead of once each. Each participant's rows
    are those a read of that participant alone gives, in the same order.
    """
    ids = list(dict.fromkeys(int(pid) for pid in participant_ids))  # a participant asked twice is read once
    kinds = tuple(exclude_kinds or ())
    fetched = await fetch_together_async(pool, engine.dialect, ids, participant_queries(kinds))
    read = {pid: participant_rows(engine, pid, kinds, *rows) for pid, rows in zip(ids, fetched)}
    return [read[int(pid)] for pid in participant_ids]


def participant_queries(kinds: tuple[str, ...]) -> list[tuple[object, callable, str]]:
    """(cache key, statement builder, participant id column) of the four reads of participants."""
    return [
        ("participant", participants_query, "id"),
        ("trained", trained_skills_query, "participant_id"),
        ("declared", declared_skills_query, "participant_id"),
        (("excluded",) + kinds, lambda ids: select(Interaction.participant_id, Interaction.vacancy_id).where(
            Interaction.participant_id.in_(ids), Interaction.kind.in_(list(kinds) or ["-"])), "participant_id"),
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


#: Participant ids no one has: compiled statements carry them where the real ids go (slot i: ``_PLACEHOLDER - i``).
_PLACEHOLDER = -987_654_321
#: Batch sizes statements are compiled for; a batch is padded to the next by repeating its last id, so a
#: connection prepares at most ``len(_SIZES)`` variants of each statement.
_SIZES = (1, 2, 4, 8, 16, 32, 64)
_COMPILED: dict[tuple, tuple[str, dict]] = {}


def fetch_together(engine: Engine, participant_ids: list[int], queries) -> list[list[list]]:
    """Per participant, the rows of each query of :func:`participant_queries`, on one connection without a transaction.

    With psycopg the statements go as one (:func:`_together`: one round trip,
    compiled once per process, then prepared by the server); other drivers run them one by one.
    """
    with reading(engine) as connection:
        raw = connection.connection.driver_connection
        if connection.dialect.driver != "psycopg":
            fetched = [connection.execute(build(participant_ids)).all() for _, build, _ in queries]
            return _per_participant(participant_ids, queries, fetched)
        sql, params = _together(connection.dialect, queries, len(participant_ids))
        lists = raw.execute(sql, _bound(params, participant_ids), prepare=True).fetchone()
    return _per_participant(participant_ids, queries, _as_rows(queries, lists))


async def fetch_together_async(pool, dialect, participant_ids: list[int], queries) -> list[list[list]]:
    """:func:`fetch_together` on an asyncio psycopg connection: one round trip that does not hold the event loop."""
    sql, params = _together(dialect, queries, len(participant_ids))
    async with pool.connection() as raw:
        cursor = await raw.execute(sql, _bound(params, participant_ids), prepare=True)
        lists = await cursor.fetchone()
    return _per_participant(participant_ids, queries, _as_rows(queries, lists))


def _together(dialect, queries, count: int) -> tuple[str, dict]:
    """One statement giving each query's rows as a JSON array: ``SELECT (SELECT json_agg(t) FROM (<query>) t), ...``.

    The queries are the batch loader's own, each wrapped whole, for ``count``
    participants padded to a size of ``_SIZES``; compiled once per process.
    One statement instead of a pipeline of four costs psycopg about half the
    CPU (0.14 against 0.28 ms a read) and PostgreSQL one execution instead of four.
    """
    size = next((s for s in _SIZES if s >= count), count)
    key = (dialect.name, tuple(q[0] for q in queries), size)
    found = _COMPILED.get(key)
    if found is None:
        parts, params = [], {}
        for number, (_, build, _) in enumerate(queries):
            statement = build([_PLACEHOLDER - slot for slot in range(size)]).compile(
                dialect=dialect, compile_kwargs={"render_postcompile": True})
            sql = str(statement)
            for name, value in statement.params.items():  # each query's parameters under names of its own
                sql = sql.replace(f"%({name})s", f"%(q{number}_{name})s")
                params[f"q{number}_{name}"] = value
            parts.append(f"(SELECT coalesce(json_agg(t), '[]') FROM ({sql}) AS t)")
        found = _COMPILED[key] = ("SELECT " + ", ".join(parts), params)
    return found


_ROW_TYPES: dict[tuple, type] = {}


def _as_rows(queries, lists) -> list[list]:
    """Each query's JSON objects as named tuples (attribute access, like the driver's rows)."""
    out = []
    for (query_key, _, _), objects in zip(queries, lists):
        if not objects:
            out.append([])
            continue
        fields = tuple(objects[0])
        row_type = _ROW_TYPES.get((query_key, fields))
        if row_type is None:
            row_type = _ROW_TYPES[(query_key, fields)] = namedtuple("Row", fields)
        out.append([row_type(*o.values()) for o in objects])
    return out


def _per_participant(participant_ids: list[int], queries, fetched: list[list]) -> list[list[list]]:
    """Rows of each query split by participant (``[participant][query] -> rows``), each in the order read."""
    if len(participant_ids) == 1:
        return [fetched]
    position = {pid: i for i, pid in enumerate(participant_ids)}
    split = [[[] for _ in queries] for _ in participant_ids]
    for q, ((_, _, id_column), rows) in enumerate(zip(queries, fetched)):
        for row in rows:
            split[position[getattr(row, id_column)]][q].append(row)
    return split


def _bound(params: dict, participant_ids: list[int]) -> dict:
    """``params`` with each slot's placeholder replaced by its participant (the last repeated to fill the size)."""
    last = len(participant_ids) - 1
    out = {}
    for name, value in params.items():
        slot = _PLACEHOLDER - value if isinstance(value, int) and not isinstance(value, bool) else -1
        out[name] = participant_ids[min(slot, last)] if 0 <= slot < 1_000_000 else value
    return out
