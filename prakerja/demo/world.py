"""`generate_world`: the whole demo world, chunk by chunk, in one transaction.

Order: read the reference tables, draw the vacancy market, then for every chunk
of participants draw people, training, behaviour and outcomes and load them.
Every chunk has its own random stream derived from the seed, so the same seed
and size give identical rows, and memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy import Engine

from prakerja.demo.behaviour import simulate_behaviour
from prakerja.demo.bulk import BulkWriter, bulk_transaction
from prakerja.demo.enrollments import course_popularity, generate_enrollments
from prakerja.demo.exposure import OpenVacancies
from prakerja.demo.participants import generate_participants
from prakerja.demo.placement import shift_days, shifted
from prakerja.demo.reference import DemoReference, read_reference, regency_distances_km
from prakerja.demo.sampling import STREAM_CATALOGUE, STREAM_PARTICIPANTS, STREAM_VACANCIES, stream
from prakerja.demo.vacancies import VacancyMarket, current_market_count, generate_vacancies, vacancy_count
from prakerja.errors import AlreadyInitialised, UserError
from prakerja.pseudonyms import SECRET_SETTING, demo_secret

CHUNK_SIZE = 50_000
# The biggest tables load faster with their indexes and foreign keys rebuilt once at the end.
DEFERRED_CHECK_TABLES = ("interactions", "enrollments", "participant_skills")
# Tables whose ids the generator assigns itself (so rows can refer to each other before loading).
ID_TABLES = ("participants", "enrollments", "vacancies", "vacancy_sources", "interactions", "outcomes")


def generate_world(
    engine: Engine,
    *,
    participants: int,
    seed: int,
    console: Console | None = None,
    chunk_size: int = CHUNK_SIZE,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Generate a calibrated demo world of ``participants`` people and load it.

    Parameters
    ----------
    engine
        A migrated database holding the reference data and no participants.
    participants
        Number of participants; vacancies scale with it (one per ~10, 1,500 to 100,000).
    seed
        Same seed and size, same rows. The pseudonym key is derived from it
        and stored as the database's key (:mod:`prakerja.pseudonyms`).
    console
        Where the progress bar is drawn; None draws nothing.
    chunk_size
        Participants generated and loaded at a time (memory grows with it). Each
        chunk has its own random stream, so the world depends on it too.
    today
        The world's last day (default: the real date). The world is drawn on
        the programme's calendar and moved by whole days to end then
        (:mod:`prakerja.demo.placement`), so its open vacancies are open now.

    Returns
    -------
    dict
        Rows written per table.

    Raises
    ------
    UserError
        Bad size, missing reference data, or participants already present.
    """
    if participants < 1:
        raise UserError(f"--participants must be at least 1, not {participants}")
    if chunk_size < 1:
        raise UserError(f"the chunk size must be at least 1, not {chunk_size}")
    ref = read_reference(engine)
    counts: Counter[str] = Counter()
    with bulk_transaction(engine) as writer, _progress(console) as progress:
        existing = writer.count("participants")
        if existing:
            raise AlreadyInitialised(
                f"the database already holds {existing:,} participants; a demo world goes into an empty database"
            )
        secret = demo_secret(seed)  # no participant holds a pseudonym yet: the world's key becomes the database's
        writer.replace_setting(SECRET_SETTING, secret.hex())
        next_id = {table: writer.max_id(table) + 1 for table in ID_TABLES}
        days = shift_days(today)
        with writer.checks_deferred(DEFERRED_CHECK_TABLES):
            market = _load_market(writer, counts, next_id, days, ref, participants, seed, progress)
            _load_participants(writer, counts, next_id, days, ref, market, participants, seed, secret, chunk_size, progress)
            finishing = progress.add_task("indeks & kunci (indexes, keys)", total=1)
        writer.reset_sequences(list(ID_TABLES))
        progress.advance(finishing)
    return dict(counts)


def _load_market(
    writer: BulkWriter, counts: Counter, next_id: dict[str, int], days: int, ref: DemoReference,
    participants: int, seed: int, progress: Progress,
) -> VacancyMarket:
    task = progress.add_task("lowongan (vacancies)", total=1)
    market = generate_vacancies(
        stream(seed, STREAM_VACANCIES), ref, vacancy_count(participants), next_id["vacancies"], next_id["vacancy_sources"],
        current=current_market_count(ref, participants),
    )
    _write(writer, counts, next_id, days, "vacancies", market.frame)
    _write(writer, counts, next_id, days, "vacancy_skills", market.skills_frame)
    _write(writer, counts, next_id, days, "vacancy_sources", market.sources_frame)
    progress.advance(task)
    return market


def _load_participants(
    writer: BulkWriter, counts: Counter, next_id: dict[str, int], days: int, ref: DemoReference, market: VacancyMarket,
    participants: int, seed: int, secret: bytes, chunk_size: int, progress: Progress,
) -> None:
    """Participants chunk by chunk, each chunk with its own stream: people, training, behaviour, outcomes."""
    open_vacancies = OpenVacancies.build(market, ref)
    distances = regency_distances_km(ref)
    popularity = course_popularity(stream(seed, STREAM_CATALOGUE), len(ref.course_ids))
    task = progress.add_task("peserta (participants)", total=participants)
    for chunk, start in enumerate(range(0, participants, chunk_size)):
        size = min(chunk_size, participants - start)
        rng = stream(seed, STREAM_PARTICIPANTS, chunk)
        people = generate_participants(rng, ref, next_id["participants"], size, secret)
        training = generate_enrollments(rng, ref, people, popularity, next_id["enrollments"])
        people.frame["incentive_paid_idr"] = training.incentive_idr
        interactions, outcomes = simulate_behaviour(
            rng, ref, people, training, market, open_vacancies, distances, next_id["interactions"], next_id["outcomes"]
        )
        rows, skills = people.declared_skills
        declared = pd.DataFrame({"participant_id": people.ids[rows], "skill_id": ref.skill_ids[skills]})
        _write(writer, counts, next_id, days, "participants", people.frame)
        _write(writer, counts, next_id, days, "participant_skills", declared)
        _write(writer, counts, next_id, days, "enrollments", training.frame)
        _write(writer, counts, next_id, days, "interactions", interactions)
        _write(writer, counts, next_id, days, "outcomes", outcomes)
        progress.advance(task, size)


def _write(writer: BulkWriter, counts: Counter, next_id: dict[str, int], days: int, table: str, frame: pd.DataFrame) -> None:
    """Load ``frame`` into ``table`` moved ``days`` later in time (:mod:`prakerja.demo.placement`)."""
    written = writer.write(table, shifted(frame, days))
    counts[table] += written
    if table in next_id:
        next_id[table] += written


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
        transient=False,
    )
