"""The asyncio read path of recommendations (PostgreSQL): the same rows as the synchronous read, a bounded pool."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from sqlalchemy import select

from prakerja.models import Participant
from prakerja.errors import UnknownId
from recommender.participant_list import read_for_list_async
from recommender.participant_reads import read_participant, read_participant_async
from prakerja_api.async_reads import AsyncReadPool


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
            await read_for_list_async(pool, engine, 987_654)
        await pool.close()

    asyncio.run(scenario())
