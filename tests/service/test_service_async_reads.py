"""The asyncio read path of recommendations (PostgreSQL): the same rows as the synchronous read, a bounded pool."""

from __future__ import annotations

import asyncio
import functools

import numpy as np
import psycopg
import pytest
from sqlalchemy import select

from prakerja.models import Participant
from prakerja.errors import UnknownId
from recommender.participant_list import read_for_list_async
from recommender.participant_reads import read_participant, read_participant_async
from prakerja_api.async_reads import AsyncReadPool
from prakerja_api.read_batching import BatchedParticipantReads


def _postgres(world):
    if world.engine.dialect.driver != "psycopg":
        pytest.skip("the asyncio read path is PostgreSQL's (psycopg)")


def test_async_reads_equal_the_synchronous_ones(service_world):
    _postgres(service_world)
    engine = service_world.engine
    with engine.connect() as connection:
        ids = connection.scalars(select(Participant.id).order_by(Participant.id).limit(40)).all()

    async def read_all():
        pool = AsyncReadPool(engine.url, size=3)
        try:
            return await asyncio.gather(*(read_participant_async(pool, engine, pid) for pid in ids)), pool
        finally:
            await pool.close()

    got, pool = asyncio.run(read_all())
    assert pool._opened == 0  # every connection went back and was closed at the end
    for pid, rows in zip(ids, got):
        expected = read_participant(engine, pid)
        assert list(rows.features.names) == list(expected.features.names)
        assert np.array_equal(rows.features.matrix.data, expected.features.matrix.data)
        assert rows.excluded_vacancy_ids == expected.excluded_vacancy_ids
        assert (rows.regency, rows.province, rows.wage_before) == (expected.regency, expected.province, expected.wage_before) or (
            np.isnan(rows.wage_before) and np.isnan(expected.wage_before)
        )


def test_the_pool_never_opens_more_than_its_size_and_replaces_a_broken_connection(service_world):
    _postgres(service_world)
    engine = service_world.engine

    async def scenario():
        pool = AsyncReadPool(engine.url, size=2)
        seen = 0

        async def hold():
            nonlocal seen
            async with pool.connection() as conn:
                seen = max(seen, pool._opened)
                await asyncio.sleep(0.05)
                await conn.execute("SELECT 1")

        await asyncio.gather(*(hold() for _ in range(8)))
        assert seen == 2 and pool._opened == 2
        async with pool.connection() as conn:
            await conn.close()  # breaks: it must not go back to the pool
        assert pool._opened == 1
        await read_participant_async(pool, engine, 1)
        with pytest.raises(UnknownId):
            await read_for_list_async(functools.partial(read_participant_async, pool, engine), 987_654)
        await pool.close()

    asyncio.run(scenario())


def _same_rows(rows, expected) -> bool:
    return (
        list(rows.features.names) == list(expected.features.names)
        and np.array_equal(rows.features.matrix.data, expected.features.matrix.data)
        and rows.excluded_vacancy_ids == expected.excluded_vacancy_ids
        and [tuple(r) for r in rows.trained] == [tuple(r) for r in expected.trained]
        and [tuple(r) for r in rows.declared] == [tuple(r) for r in expected.declared]
        and rows.regency == expected.regency
        and rows.reach == expected.reach
    )


def test_reads_waiting_together_go_in_batches_and_each_gets_its_own_rows(service_world):
    _postgres(service_world)
    engine = service_world.engine
    with engine.connect() as connection:
        ids = connection.scalars(select(Participant.id).order_by(Participant.id).limit(45)).all()
    asked = ids + ids[:5] + [987_654]  # five asked twice at once, one unknown

    async def read_all():
        pool = AsyncReadPool(engine.url, size=3)
        reads = BatchedParticipantReads(pool, engine, slots=1, max_batch=16)
        try:
            got = await asyncio.gather(*(reads.read_participant(pid) for pid in asked))
            alone = await reads.read_participant(ids[0])  # nothing else waits: a batch of one
            return got, alone, reads
        finally:
            await pool.close()

    got, alone, reads = asyncio.run(read_all())
    assert got[-1] is None
    for pid, rows in zip(asked[:-1], got[:-1]):
        assert rows.participant_id == pid
        assert _same_rows(rows, read_participant(engine, pid)), pid
    assert _same_rows(alone, read_participant(engine, ids[0]))
    # 51 reads waited at once with one slot: batches of at most 16, so 4 batches, then the lone one
    assert reads.read == len(asked) + 1 and reads.batches == 5


def test_a_failed_batch_fails_each_of_its_reads_and_the_next_batch_reads_again(service_world):
    _postgres(service_world)
    engine = service_world.engine

    async def scenario():
        unreachable = AsyncReadPool(engine.url.set(database="prakerja_no_such_database"), size=1)
        reads = BatchedParticipantReads(unreachable, engine, slots=1)
        first = await asyncio.gather(*(reads.read_participant(pid) for pid in (1, 2, 3)), return_exceptions=True)
        reads.pool = AsyncReadPool(engine.url, size=1)  # the database is back
        try:
            after = await asyncio.gather(*(reads.read_participant(pid) for pid in (1, 2)))
        finally:
            await reads.pool.close()
        return first, after, reads

    first, after, reads = asyncio.run(scenario())
    assert all(isinstance(error, psycopg.OperationalError) for error in first)  # each request gets the error (a 503)
    assert [rows.participant_id for rows in after] == [1, 2]
    assert reads._in_flight == 0 and not reads._waiting
