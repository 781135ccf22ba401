"""The service tests' demo world: reference data, a small demo world, two model runs (imported by name, unique).

Built once per backend and process as a template (:class:`ServiceWorldTemplates`); every test world is a copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select

from prakerja.db import make_engine
from prakerja.migrate import upgrade
from prakerja.models import Participant
from prakerja_api.keys import create_key
from recommender.features import load_dataset
from tests.worlds import copied_database, private_database

WORLD_PARTICIPANTS = 200


@dataclass
class ServiceWorld:
    """A demo world with two model runs (blend promoted) and a few participants' (id, pseudonym)."""

    engine: Engine
    url: str
    popularity_run: int
    blend_run: int
    participants: list[tuple[int, str]]

    def key(self, role: str, *, participant_id: int | None = None, rate_limit: int = 100_000) -> str:
        """A new API key of ``role``."""
        return create_key(self.engine, role, participant_id=participant_id, rate_limit_per_minute=rate_limit).secret


def build_service_world(url: str) -> ServiceWorld:
    """Reference data, a demo world, a popularity run and a promoted blend run."""
    from prakerja.bootstrap import initialise
    from recommender.models import make_model
    from recommender.registry import record_run

    engine = make_engine(url)
    upgrade(engine)
    initialise(engine, demo=True, participants=WORLD_PARTICIPANTS, seed=61)
    dataset = load_dataset(engine)
    popularity = record_run(engine, make_model("popularity").fit(dataset), dataset, notes="service tests")
    blend = record_run(
        engine, make_model("blend", lightfm={"epochs": 5, "num_threads": 1}).fit(dataset), dataset, promote=True,
        notes="service tests",
    )
    with engine.connect() as connection:
        people = connection.execute(select(Participant.id, Participant.pseudonym).order_by(Participant.id).limit(40)).all()
    return ServiceWorld(engine, url, popularity, blend, [(int(i), p) for i, p in people])


class ServiceWorldTemplates:
    """One built service world per backend, copied for each test world (a copy costs a file copy or a
    ``CREATE DATABASE ... TEMPLATE``; a build costs the demo world, reference data and two fits).

    The templates' model artifacts stay in the session's artifact folder, so the copies' runs load.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._templates: dict[str, ServiceWorld] = {}
        self._drops: list = []

    def copy(self, backend: str, folder: Path) -> tuple[ServiceWorld, callable]:
        """(a new world on ``backend`` equal to the template, drop); the template is built on first use."""
        if backend not in self._templates:
            url, drop = private_database(backend, self.folder, "prakerja_svc")
            self._drops.append(drop)
            template = build_service_world(url)
            template.engine.dispose()  # no one may be connected to a PostgreSQL template
            self._templates[backend] = template
        template = self._templates[backend]
        url, drop = copied_database(template.url, folder)
        return replace(template, engine=make_engine(url), url=url), drop

    def close(self) -> None:
        for drop in self._drops:
            drop()
