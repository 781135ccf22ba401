"""Participant reads that wait at the same moment go to the database together.

Under load many requests of one worker wait for their participant's read at
once. Each read is four small queries; PostgreSQL and psycopg spend most
of a read on the per-statement and per-round-trip work, not on the rows. So
reads are not sent one by one: a request queues its participant, and
whenever a read slot is free every participant queued by then is read in
one round trip (:func:`recommender.participant_reads.read_participants_async`),
at most ``max_batch`` at a time. The same pattern as GraphQL's DataLoader.

With few requests nothing waits: a lone request is dispatched at the end of
the event loop's current turn and read alone, so the batching adds no
latency; reads only gather while ``slots`` batches are already in flight.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import Engine

from recommender.participant_reads import ParticipantRows, read_participants_async


@dataclass
class _Waiting:
    participant_id: int
    kinds: tuple[str, ...]
    answer: asyncio.Future = field(repr=False)


class BatchedParticipantReads:
    """Reads of participants (the rows a recommendation needs) gathered into batches on one event loop.

    ``pool``: an :class:`~prakerja_api.async_reads.AsyncReadPool`; ``slots``:
    batches in flight at once (each holds one pooled connection);
    ``max_batch``: participants per batch.
    """

    def __init__(self, pool, engine: Engine, slots: int = 2, max_batch: int = 32) -> None:
        self.pool = pool
        self.engine = engine
        self.slots = slots
        self.max_batch = max_batch
        self._waiting: list[_Waiting] = []
        self._in_flight = 0
        self._dispatch_planned = False
        #: batches sent and participants read (``read / batches`` is the mean batch size)
        self.batches = 0
        self.read = 0

    async def read_participant(self, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
        """The participant's rows (None: unknown id), read with whoever else waits now."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(int(participant_id), tuple(exclude_kinds or ()), loop.create_future())
        self._waiting.append(waiting)
        if not self._dispatch_planned:
            self._dispatch_planned = True
            loop.call_soon(self._dispatch)  # after the requests ready in this turn have queued theirs
        return await waiting.answer

    def _dispatch(self) -> None:
        """Send waiting reads while read slots are free (the rest go when a batch comes back)."""
        self._dispatch_planned = False
        while self._waiting and self._in_flight < self.slots:
            kinds = self._waiting[0].kinds
            batch = [w for w in self._waiting if w.kinds == kinds][: self.max_batch]
            taken = set(map(id, batch))
            self._waiting = [w for w in self._waiting if id(w) not in taken]
            self._in_flight += 1
            asyncio.get_running_loop().create_task(self._read(batch, kinds))

    async def _read(self, batch: list[_Waiting], kinds: tuple[str, ...]) -> None:
        try:
            rows = await read_participants_async(self.pool, self.engine, [w.participant_id for w in batch], kinds)
        except BaseException as error:  # every request of the batch gets the error (a 503 for a database error)
            for waiting in batch:
                if not waiting.answer.done():
                    waiting.answer.set_exception(error)
            if not isinstance(error, Exception):
                raise
        else:
            self.batches += 1
            self.read += len(batch)
            for waiting, found in zip(batch, rows):
                if not waiting.answer.done():  # a request that was cancelled (client gone) no longer waits
                    waiting.answer.set_result(found)
        finally:
            self._in_flight -= 1
            if self._waiting:
                self._dispatch()
