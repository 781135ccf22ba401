"""The demo world's hidden side, drawn again from its seed, answering the lists a recommender shows.

The generator (:mod:`prakerja.demo.world`) decides by itself which vacancies
each participant comes across. An online experiment needs the opposite: a
recommender decides what is shown, and people answer. :class:`DemoResponder`
draws the world's vacancy market, participants and trainings again from the
same seed and random streams (so the hidden tastes and incomes are the ones
the generator used), checks that they are the rows in the database, and
answers a shown list with :func:`prakerja.demo.behaviour.respond`: the
generator's own response and hiring steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from prakerja.db import reading
from prakerja.demo.behaviour import respond
from prakerja.demo.enrollments import TrainingChunk, course_popularity, generate_enrollments
from prakerja.demo.participants import ParticipantChunk, generate_participants
from prakerja.demo.reference import DemoReference, read_reference, regency_distances_km
from prakerja.demo.sampling import STREAM_CATALOGUE, STREAM_PARTICIPANTS, STREAM_VACANCIES, stream
from prakerja.demo import vacancies as demo_vacancies
from prakerja.demo.vacancies import VacancyMarket, generate_vacancies, vacancy_count
from prakerja.demo.world import CHUNK_SIZE
from prakerja.errors import UserError
from prakerja.models import Participant, Vacancy
from prakerja.pseudonyms import demo_secret

#: The kinds of feedback a response holds, in the order the behaviour model decides them.
RESPONSE_KINDS = ("clicked", "saved", "applied", "dismissed", "hired")


@dataclass
class DemoResponder:
    """The demo world's people and market as the generator drew them, answering shown vacancies.

    Build it with :meth:`from_database`; :meth:`respond` answers.
    """

    ref: DemoReference
    market: VacancyMarket
    distances_km: np.ndarray
    chunks: list[tuple[ParticipantChunk, TrainingChunk]]
    first_participant_id: int
    chunk_size: int

    @classmethod
    def from_database(cls, engine: Engine, seed: int, chunk_size: int = CHUNK_SIZE) -> DemoResponder:
        """The responder of the demo world in ``engine`` drawn with ``seed`` (UserError when it is not that world).

        Parameters
        ----------
        engine
            A database holding one demo world (``prakerja init --demo``) and nothing added since.
        seed, chunk_size
            What the world was generated with.
        """
        with reading(engine) as connection:
            participants, first_participant = connection.execute(select(func.count(), func.min(Participant.id))).one()
            vacancies, first_vacancy = connection.execute(select(func.count(), func.min(Vacancy.id))).one()
            sample_ids = [first_participant, first_participant + participants - 1] if participants else []
            stored = dict(connection.execute(select(Participant.id, Participant.pseudonym).where(Participant.id.in_(sample_ids))).all())
        if not participants:
            raise UserError("the database holds no participants; a responder needs a demo world (prakerja init --demo)")
        ref = read_reference(engine)
        market = _market(ref, participants, seed, int(first_vacancy))
        secret = demo_secret(seed)
        popularity = course_popularity(stream(seed, STREAM_CATALOGUE), len(ref.course_ids))
        chunks = []
        for chunk, start in enumerate(range(0, participants, chunk_size)):
            rng = stream(seed, STREAM_PARTICIPANTS, chunk)
            people = generate_participants(rng, ref, int(first_participant) + start, min(chunk_size, participants - start), secret)
            chunks.append((people, generate_enrollments(rng, ref, people, popularity, 1)))
        drawn = {int(i): p for people, _ in chunks for i, p in zip(people.ids, people.frame["pseudonym"])}
        if len(market) != vacancies or any(drawn.get(int(i)) != p for i, p in stored.items()):
            raise UserError(f"this database is not the demo world of seed {seed} ({participants} participants, {vacancies} vacancies)")
        return cls(ref, market, regency_distances_km(ref), chunks, int(first_participant), chunk_size)

    def respond(self, rng: np.random.Generator, participant_ids, vacancy_ids) -> pd.DataFrame:
        """Each participant's answer to the vacancies shown to them (pairs in the order shown).

        Returns one row per event: ``participant_id, vacancy_id, kind`` (kinds of
        :data:`RESPONSE_KINDS`). Pairs whose vacancy is not of the demo market
        (an ingested posting) get no answer.
        """
        participant_ids = np.asarray(participant_ids, dtype=np.int64)
        vacancy_ids = np.asarray(vacancy_ids, dtype=np.int64)
        vacancy = vacancy_ids - self.market.ids[0]
        known = (vacancy >= 0) & (vacancy < len(self.market))
        offset = participant_ids - self.first_participant_id
        events = []
        for chunk, (people, training) in enumerate(self.chunks):
            rows = np.flatnonzero(known & (offset // self.chunk_size == chunk))
            if len(rows) == 0:
                continue
            owner = offset[rows] - chunk * self.chunk_size
            answered = respond(rng, self.ref, people, training, self.market, self.distances_km, owner, vacancy[rows])
            for kind in RESPONSE_KINDS:
                taken = rows[answered[kind]]
                events.append(pd.DataFrame({"participant_id": participant_ids[taken], "vacancy_id": vacancy_ids[taken], "kind": kind}))
        if not events:
            return pd.DataFrame({"participant_id": np.array([], np.int64), "vacancy_id": np.array([], np.int64), "kind": []})
        return pd.concat(events, ignore_index=True)


def _market(ref: DemoReference, participants: int, seed: int, first_id: int) -> VacancyMarket:
    """The vacancy market as :mod:`prakerja.demo.world` draws it (with the open market of the last day where it has one)."""
    current = getattr(demo_vacancies, "current_market_count", None)
    extra = {"current": current(ref, participants)} if current is not None else {}
    return generate_vacancies(stream(seed, STREAM_VACANCIES), ref, vacancy_count(participants), first_id, 1, **extra)
