"""Pseudonyms are keyed and one-way (issue 14, item 7), on SQLite and PostgreSQL.

The old ``id * constant mod 2**40`` let a researcher recover ids 1-5; these
tests pin what replaced it: an HMAC under a key in the database's settings,
made at the first ``init``, derived from the seed for a demo world, and a
migration that re-keys a database made before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from prakerja.bootstrap import initialise
from prakerja.db import make_engine, session_factory, transaction
from prakerja.migrate import upgrade
from prakerja.models import Participant, Setting
from prakerja.pseudonyms import SECRET_SETTING, demo_secret, pseudonym, stored_secret
from prakerja.reference.loader import load_reference

OLD_MULTIPLIER = 0x9E3779B97F


def old_pseudonym(participant_id: int) -> str:
    return f"d{(participant_id * OLD_MULTIPLIER) % (1 << 40):010x}"


def secret_of(engine) -> bytes | None:
    with session_factory(engine)() as session:
        return stored_secret(session)


def test_the_first_init_stores_a_random_key_and_later_inits_keep_it(engine):
    initialise(engine)
    first = secret_of(engine)
    assert first is not None and len(first) == 32
    initialise(engine, skip_existing=True)
    assert secret_of(engine) == first
    assert first not in {demo_secret(seed) for seed in (0, 1, 20200411)}


def test_a_demo_world_is_keyed_by_its_seed_and_its_pseudonyms_are_hmacs(engine):
    initialise(engine, demo=True, participants=60, seed=7)
    secret = secret_of(engine)
    assert secret == demo_secret(7) != demo_secret(8)
    with engine.connect() as connection:
        people = connection.execute(select(Participant.id, Participant.pseudonym).order_by(Participant.id)).all()
    assert [p for _, p in people] == [pseudonym(secret, i) for i, _ in people]
    assert all(p != old_pseudonym(i) for i, p in people)
    # without the key, a pseudonym says nothing about its id: the old inverse gives nothing back
    inverse = pow(OLD_MULTIPLIER, -1, 1 << 40)
    recovered = {(int(p[1:11], 16) * inverse) % (1 << 40) for _, p in people[:5]}
    assert not recovered & {i for i, _ in people}


def test_the_same_seed_gives_the_same_pseudonyms(tmp_path):
    worlds = []
    for name in ("a", "b"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade(engine)
        initialise(engine, demo=True, participants=30, seed=11)
        with engine.connect() as connection:
            worlds.append(connection.scalars(select(Participant.pseudonym).order_by(Participant.id)).all())
        engine.dispose()
    assert worlds[0] == worlds[1] and len(set(worlds[0])) == 30


def test_the_migration_rekeys_a_database_made_before(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0005")
    with transaction(engine) as session:
        load_reference(session)
    with engine.begin() as connection:
        regency = connection.scalar(text("SELECT code FROM regencies ORDER BY code LIMIT 1"))
        for participant_id in (1, 2, 3):
            connection.execute(text(
                "INSERT INTO participants (id, pseudonym, birth_year, gender, disability, education, regency_code, wave, "
                "registered_on, employment_status, first_time_trainee, incentive_paid_idr) VALUES "
                "(:id, :pseudonym, 1990, 'F', false, 'sma', :regency, 1, :day, 'unemployed', true, 0)"
            ), {"id": participant_id, "pseudonym": old_pseudonym(participant_id), "regency": regency, "day": dt.date(2021, 4, 1)})
    upgrade(engine)
    secret = secret_of(engine)
    assert secret is not None and len(secret) == 32
    with engine.connect() as connection:
        people = connection.execute(select(Participant.id, Participant.pseudonym).order_by(Participant.id)).all()
        names = connection.scalars(select(Setting.name)).all()
    assert [p for _, p in people] == [pseudonym(secret, i) for i in (1, 2, 3)]
    assert names == [SECRET_SETTING]
    engine.dispose()
